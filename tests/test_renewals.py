"""Renewals and revenue through the real CLI (SPEC section 17), today 2026-11-24, February fiscal start:
FY2027-Q4 is 2026-11-01..2027-01-31."""

from __future__ import annotations

import json

import pytest

Q4 = "FY2027-Q4"


def _account(cli, name, arr, renewal, *extra):
    cli.ok("account", "add", name, "--arr", str(arr), "--renewal-date", renewal, *extra)


def _renewal_of(cli, name) -> dict:
    (opp,) = [o for o in cli.json("opportunity", "list", name) if o["type"] == "renewal"
              and o["stage"] not in ("closed-won", "closed-lost")]
    return opp


def _hand_quarter(cli):
    """The quarter of the issue, typed the way a team would: every renewal date falls in FY2027-Q4 except two."""
    _account(cli, "Par", 100_000, "2026-11-10", "--sentiment", "green")
    _account(cli, "Down", 80_000, "2026-11-15")
    _account(cli, "Up", 50_000, "2026-12-01")
    _account(cli, "Gone Budget", 40_000, "2026-11-05")
    _account(cli, "Gone Rival", 30_000, "2026-11-20")
    # enough evidence for a computed colour (SPEC 14): sentiment, engagement and EBR coverage carry half the weight
    _account(cli, "Red Co", 70_000, "2027-01-10", "--sentiment", "red", "--ebr-cadence", "quarterly")
    _account(cli, "Yellow Co", 25_000, "2027-01-20", "--sentiment", "yellow", "--ebr-cadence", "quarterly")
    cli.ok("activity", "log", "Red Co", "--type", "call", "--subject", "Check-in", "--date", "2026-09-10")  # 75 days
    cli.ok("activity", "log", "Yellow Co", "--type", "call", "--subject", "Check-in", "--date", "2026-10-10")  # 45
    _account(cli, "Later", 10_000, "2027-06-01")  # renews next year: its add-on is not an upsell of Q4
    _account(cli, "Next Quarter", 60_000, "2027-02-15")
    cli.ok("opportunity", "update", str(_renewal_of(cli, "Par")["id"]), "--stage", "closed-won", "--amount", "100000",
           "--close-date", "2026-11-08")
    cli.ok("opportunity", "update", str(_renewal_of(cli, "Down")["id"]), "--stage", "closed-won", "--amount", "60000")
    cli.ok("opportunity", "update", str(_renewal_of(cli, "Up")["id"]), "--stage", "won", "--amount", "65,000")
    cli.ok("opportunity", "add", "Up", "--name", "Up seats", "--type", "add-on", "--iacv", "10000", "--stage",
           "closed-won", "--close-date", "2026-11-20")
    cli.ok("opportunity", "add", "Later", "--name", "Later seats", "--type", "add-on", "--iacv", "5000", "--stage",
           "closed-won", "--close-date", "2026-11-12")
    cli.ok("opportunity", "update", str(_renewal_of(cli, "Gone Budget")["id"]), "--stage", "closed-lost",
           "--churn-reason", "budget")
    cli.ok("opportunity", "update", str(_renewal_of(cli, "Gone Rival")["id"]), "--stage", "lost", "--churn-reason",
           "Competitor")
    cli.ok("opportunity", "update", str(_renewal_of(cli, "Red Co")["id"]), "--forecast", "commit")
    cli.ok("opportunity", "update", str(_renewal_of(cli, "Yellow Co")["id"]), "--forecast", "best case")


def test_the_hand_computed_quarter(cli):
    _hand_quarter(cli)
    # due: 100 + 80 + 50 + 40 + 30 + 70 + 25 = 395 thousand over 7 renewals; closed: 300 thousand due over 5
    # churned 40 + 30 = 70, downsell 80 - 60 = 20, upsell (65 - 50) + the add-on's 10 on the renewing account = 25
    # GRR = (300 - 70 - 20) / 300 = 70.0 %, NRR = (300 - 70 - 20 + 25) / 300 = 78.33 -> 78.3 %
    assert cli.json("report", "renewals", "--quarter", Q4) == {
        "quarter": Q4, "due_count": 7, "due_arr": 395_000, "renewed_count": 3, "renewed_arr": 225_000,
        "churned_count": 2, "churned_arr": 70_000,
        "churn_reasons": [{"reason": "budget", "count": 1, "arr": 40_000},
                          {"reason": "competitor", "count": 1, "arr": 30_000}],
        "downsell_arr": 20_000, "upsell_arr": 25_000, "pending_count": 2, "pending_arr": 95_000,
        "forecast": [{"category": "commit", "count": 1, "arr": 70_000},
                     {"category": "best-case", "count": 1, "arr": 25_000}],
        "at_risk_red_arr": 70_000, "at_risk_yellow_arr": 25_000, "grr_pct": 70.0, "nrr_pct": 78.3,
    }
    # the next quarter holds only the open renewal of 2027-02-15; nothing closed: GRR and NRR are null
    nxt = cli.json("report", "renewals", "--quarter", "next")
    assert (nxt["quarter"], nxt["due_count"], nxt["pending_arr"], nxt["grr_pct"], nxt["nrr_pct"]) == \
        ("FY2028-Q1", 1, 60_000, None, None)
    both = cli.json("report", "renewals", "--quarter", "next", "--quarters", "2")
    assert [r["quarter"] for r in both] == [Q4, "FY2028-Q1"] and both[0]["nrr_pct"] == 78.3
    # the accounts followed their deals
    show = {n: cli.json("account", "show", n) for n in ("Par", "Down", "Up", "Gone Budget", "Later")}
    assert (show["Par"]["arr"], show["Par"]["renewal_date"]) == (100_000, "2027-11-10")
    assert (show["Down"]["arr"], show["Down"]["renewal_date"]) == (60_000, "2027-11-15")
    assert (show["Up"]["arr"], show["Up"]["renewal_date"]) == (75_000, "2027-12-01")  # renewed 65 + add-on 10
    assert (show["Gone Budget"]["arr"], show["Gone Budget"]["lifecycle_stage"], show["Gone Budget"]["renewal_date"]) \
        == (0, "churned", "2026-11-05")
    assert show["Later"]["arr"] == 15_000


def test_the_quarter_by_csm_segment_and_gemstone(cli):
    _hand_quarter(cli)
    for name in ("Par", "Down", "Up", "Red Co"):
        cli.ok("account", "update", name, "--csm", "Ann Lee", "--segment", "large")
    data = cli.json("report", "renewals", "--quarter", Q4, "--by", "csm")
    groups = {g["group"]: g for g in data["groups"]}
    assert list(groups) == ["Ann Lee", "(none)"]
    ann = groups["Ann Lee"]
    # Par, Down, Up (with its add-on) and Red Co: due 300 thousand, closed 230 thousand
    assert (ann["due_count"], ann["due_arr"], ann["downsell_arr"], ann["upsell_arr"], ann["at_risk_red_arr"]) == \
        (4, 300_000, 20_000, 25_000, 70_000)
    assert (ann["grr_pct"], ann["nrr_pct"]) == (91.3, 102.2)  # 210/230 and 235/230
    rest = groups["(none)"]
    assert (rest["churned_arr"], rest["grr_pct"], rest["nrr_pct"], rest["at_risk_yellow_arr"]) == (70_000, 0.0, 0.0,
                                                                                                 25_000)
    for key in ("due_arr", "churned_arr", "upsell_arr", "pending_arr"):
        assert sum(g[key] for g in data["groups"]) == data[key]
    assert {g["group"] for g in cli.json("report", "renewals", "--quarter", Q4, "--by", "segment")["groups"]} == \
        {"large", "(none)"}
    # Up's closed-won add-on (iACV 10,000) rolls up into its iACV (SPEC 4), so Up alone has a gemstone
    by_gem = {g["group"]: g for g in cli.json("report", "renewals", "--quarter", Q4, "--by", "gemstone")["groups"]}
    assert set(by_gem) == {"quartz", "(none)"} and by_gem["quartz"]["due_count"] == 1
    r = cli("report", "renewals", "--by", "region")
    assert r.exit_code == 1 and "by: 'region'" in r.stderr and "csm, segment, gemstone" in r.stderr
    # table and csv are for people and spreadsheets
    table = cli.ok("report", "renewals", "--quarter", Q4).stdout
    assert "395,000" in table and "78.3" in table
    csv = cli.ok("report", "renewals", "--quarter", Q4, "-f", "csv").stdout.splitlines()
    assert csv[0].startswith("quarter,due_count,due_arr") and "churned_budget_arr" in csv[0]


def test_renewal_list_rows(cli):
    _hand_quarter(cli)
    cli.ok("account", "update", "Red Co", "--csm", "Bo Ray")
    cli.ok("activity", "log", "Red Co", "--type", "call", "--subject", "Renewal planning", "--date", "2026-11-14")
    rows = cli.json("renewal", "list")
    # Later renews in 189 days, past the 180-day window: nothing opened for it yet
    assert [r["account"] for r in rows] == ["Red Co", "Yellow Co", "Next Quarter"]
    red = rows[0]
    assert red == {"account": "Red Co", "renewal_date": "2027-01-10", "days_left": 47, "arr_due": 70_000,
                   "forecast": "commit", "health_colour": red["health_colour"], "health_score": red["health_score"],
                   "open_risk_tasks": 0, "days_since_contact": 10}
    health = cli.json("account", "health", "Red Co")
    assert (red["health_colour"], red["health_score"]) == (health["colour"], health["score"])
    assert [r["account"] for r in cli.json("renewal", "list", "--within", "60d")] == ["Red Co", "Yellow Co"]
    assert [r["account"] for r in cli.json("renewal", "list", "--within", "90d", "--csm", "bo ray")] == ["Red Co"]
    r = cli("renewal", "list", "--within", "soon")
    assert r.exit_code == 1 and "--within: 'soon'" in r.stderr


def test_renewal_open_is_idempotent_and_its_window_includes_today_plus_n(cli):
    cli.ok("config", "set", "renewal-lead-days", "30")
    # 2026-11-24 + 30 = 2026-12-24: that day is in, the next one out; a date already past counts too
    _account(cli, "Edge", 10_000, "2026-12-24")
    _account(cli, "Outside", 20_000, "2026-12-25")
    _account(cli, "Overdue", 30_000, "2026-10-01")
    names = {o["account"]: o for o in cli.json("opportunity", "list")}
    assert set(names) == {"Edge", "Overdue"}  # setting the date inside the window opened them already
    edge = names["Edge"]
    assert (edge["name"], edge["stage"], edge["forecast"], edge["arr_due"], edge["renewal_date"]) == \
        ("Edge renewal 2026-12-24", "discovery", "pipeline", 10_000, "2026-12-24")
    assert cli.json("renewal", "open") == []
    planned = cli.json("renewal", "open", "--days", "31", "--dry-run")
    assert [(r["account"], r["id"], r["days_left"]) for r in planned] == [("Outside", None, 31)]
    assert len(cli.json("opportunity", "list")) == 2  # the dry run changed nothing
    opened = cli.json("renewal", "open", "--days", "31")
    assert [(r["account"], r["name"], r["arr_due"]) for r in opened] == [("Outside", "Outside renewal 2026-12-25",
                                                                          20_000)]
    assert cli.json("renewal", "open", "--days", "365") == []
    assert len(cli.json("opportunity", "list")) == 3
    history = cli.json("history", f"opportunity:{opened[0]['id']}")
    assert history[0]["field"] == "(created)" and "renewal open" in history[0]["new"]


def test_won_renewal_rolls_forward_by_its_term_and_opens_the_next_inside_the_window(cli):
    _account(cli, "Short", 12_000, "2026-12-31", "--term", "3")
    opp = _renewal_of(cli, "Short")
    r = cli.ok("opportunity", "update", str(opp["id"]), "--stage", "closed-won")  # no amount: renewed at par
    assert "renewal date 2027-03-31" in r.stderr
    acc = cli.json("account", "show", "Short")
    assert (acc["arr"], acc["renewal_date"], acc["term_months"]) == (12_000, "2027-03-31", 3)
    assert cli.json("opportunity", "show", str(opp["id"]))["amount"] == 12_000
    # 2027-03-31 is inside the 180-day window: the next renewal is open, the same function as renewal open
    nxt = _renewal_of(cli, "Short")
    assert (nxt["name"], nxt["renewal_date"], nxt["arr_due"]) == ("Short renewal 2027-03-31", "2027-03-31", 12_000)
    hist = [h for h in cli.json("history", "Short") if h["entity"] == "account" and h["field"] == "(by deal)"]
    assert hist and "Short renewal 2026-12-31" in hist[0]["new"]


@pytest.mark.parametrize("term", ["0", "121", "twelve", ""])
def test_term_refusals_change_nothing(cli, term):
    _account(cli, "Acme", 1_000, "2027-08-01")
    r = cli("account", "update", "Acme", "--term", term)
    assert r.exit_code == 1 and f"term: {term!r}" in r.stderr and "1 to 120" in r.stderr
    assert cli.json("account", "show", "Acme")["term_months"] == 12
    r = cli("account", "add", "Other", "--term", term)
    assert r.exit_code == 1 and cli("account", "show", "Other").exit_code == 3


def test_lost_renewal_needs_its_churn_reason(cli):
    _account(cli, "Acme", 50_000, "2026-12-01")
    opp = _renewal_of(cli, "Acme")
    before = cli.json("history", "Acme")
    r = cli("opportunity", "update", str(opp["id"]), "--stage", "closed-lost")
    assert r.exit_code == 1 and "churn-reason" in r.stderr
    assert "budget, product-fit, competitor, acquired, consolidation, no-adoption, support, other" in r.stderr
    assert cli.json("history", "Acme") == before and cli.json("account", "show", "Acme")["arr"] == 50_000
    r = cli("opportunity", "update", str(opp["id"]), "--stage", "closed-lost", "--churn-reason", "weather")
    assert r.exit_code == 1 and "churn-reason: 'weather'" in r.stderr
    r = cli("opportunity", "add", "Acme", "--name", "Old", "--type", "renewal", "--stage", "closed-lost")
    assert r.exit_code == 1 and cli("opportunity", "show", "Old").exit_code == 3
    for bad in (("--forecast", "maybe"), ("--arr-due", "-5"), ("--renewal-date", "01/02/2027")):
        r = cli("opportunity", "update", str(opp["id"]), *bad)
        assert r.exit_code == 1 and bad[0].lstrip("-") in r.stderr
    cli.ok("opportunity", "update", str(opp["id"]), "--stage", "closed-lost", "--churn-reason", "no adoption")
    acc = cli.json("account", "show", "Acme")
    assert (acc["arr"], acc["lifecycle_stage"]) == (0, "churned")
    assert cli.json("opportunity", "show", str(opp["id"]))["churn_reason"] == "no-adoption"


def test_renewal_check_ins_follow_the_renewal_date(cli):
    cli.ok("account", "add", "Acme", "--users", "800", "--csm", "Ann Lee")
    cli.ok("onboarding", "start", "Acme", "--date", "2026-11-02")
    def check_ins():
        return {t["title"]: t["due_date"] for t in cli.json("task", "list", "--account", "Acme")
                if t["title"].startswith("Renewal check-in")}
    # no renewal date: 10, 11 and 12 months after the start
    assert sorted(check_ins().values()) == ["2027-09-02", "2027-10-02", "2027-11-02"]
    cli.ok("account", "update", "Acme", "--renewal-date", "2027-12-31")
    assert sorted(check_ins().values()) == ["2027-10-31", "2027-11-30", "2027-12-31"]  # calendar months
    cli.ok("account", "update", "Acme", "--renewal-date", "2027-10-15")
    assert sorted(check_ins().values()) == ["2027-08-15", "2027-09-15", "2027-10-15"]
    cli.ok("account", "add", "Beta", "--users", "800", "--renewal-date", "2027-06-30")
    cli.ok("onboarding", "start", "Beta", "--date", "2026-11-02")
    assert sorted(t["due_date"] for t in cli.json("task", "list", "--account", "Beta")
                  if t["title"].startswith("Renewal check-in")) == ["2027-04-30", "2027-05-30", "2027-06-30"]


def test_import_reads_arr_renewal_dates_and_the_renewal_fields(cli, tmp_path):
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("Account Name,ARR,Subscription End Date,Term (Months)\n"
                        "Acme,\"120,000\",2026-12-15,12\nBeta,50000,2027-09-01,24\nGamma,,,\n", encoding="utf-8")
    cli.ok("import", "accounts", str(accounts))
    acme, beta, gamma = (cli.json("account", "show", n) for n in ("Acme", "Beta", "Gamma"))
    assert (acme["arr"], acme["renewal_date"], acme["term_months"]) == (120_000, "2026-12-15", 12)
    assert (beta["term_months"], gamma["term_months"], gamma["arr"]) == (24, 12, None)
    # Acme's date is inside the window: the import opened its renewal, as the command would
    assert [o["name"] for o in cli.json("opportunity", "list", "Acme")] == ["Acme renewal 2026-12-15"]
    header = "Account Name,Opportunity Name,Opportunity Type,Stage,Renewal Date,ARR Due,Amount,Forecast Category," \
             "Churn Reason,Close Date\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "Beta,Beta lost,Renewal,Closed Lost,2027-09-01,50000,,,,2026-11-01\n", encoding="utf-8")
    r = cli("import", "opportunities", str(bad))
    assert r.exit_code == 1 and "line 2" in r.stderr and "Churn Reason" in r.stderr
    assert cli.json("account", "show", "Beta")["arr"] == 50_000
    good = tmp_path / "opps.csv"
    good.write_text(header + "Beta,Beta 2027,Renewal,Closed Won,2027-09-01,50000,55000,Commit,,2026-11-20\n"
                             "Gamma,Gamma lost,Renewal,Closed Lost,2026-11-30,9000,,Omitted,Competitor,2026-11-20\n"
                             "Acme,Acme seats,Add-On Business,Closed Won,,,,,,2026-11-20\n", encoding="utf-8")
    cli.ok("import", "opportunities", str(good))
    beta, gamma = cli.json("account", "show", "Beta"), cli.json("account", "show", "Gamma")
    assert (beta["arr"], beta["renewal_date"]) == (55_000, "2029-09-01")  # a 24-month term
    assert (gamma["arr"], gamma["lifecycle_stage"]) == (0, "churned")
    lost = cli.json("opportunity", "show", "Gamma lost")
    assert (lost["churn_reason"], lost["forecast"], lost["arr_due"]) == ("competitor", "omitted", 9_000)


def test_export_all_and_import_all_carry_the_renewal_fields(cli, tmp_path):
    _hand_quarter(cli)
    report = cli.json("report", "renewals", "--quarter", Q4)
    out = tmp_path / "dump"
    cli.ok("export", "--all", str(out))
    assert "arr_cents" in (out / "account.csv").read_text().splitlines()[0]
    fresh = tmp_path / "restored.db"
    cli.ok("--db", str(fresh), "import", "--all", str(out))
    assert json.loads(cli.ok("--db", str(fresh), "report", "renewals", "--quarter", Q4, "-f", "json").stdout) == report


def test_a_renewal_added_by_hand_takes_its_defaults_and_old_renewals_leave_the_account(cli):
    _account(cli, "Acme", 80_000, "2027-09-30")  # outside the 180-day window: nothing opened
    assert cli.json("opportunity", "list", "Acme") == []
    opp = cli.json("opportunity", "add", "Acme", "--name", "Acme renewal", "--type", "renewal")
    assert (opp["arr_due"], opp["renewal_date"], opp["forecast"]) == (80_000, "2027-09-30", "pipeline")
    given = cli.json("opportunity", "add", "Acme", "--name", "Acme other", "--type", "renewal", "--arr-due", "5000",
                     "--forecast", "omitted", "--renewal-date", "2027-09-30")
    assert (given["arr_due"], given["forecast"]) == (5_000, "omitted")
    # a renewal of a subscription end before the account's current one is history: the account stays as it is
    cli.ok("opportunity", "add", "Acme", "--name", "Acme 2025", "--type", "renewal", "--renewal-date", "2025-09-30",
           "--arr-due", "60000", "--amount", "70000", "--stage", "closed-won")
    acc = cli.json("account", "show", "Acme")
    assert (acc["arr"], acc["renewal_date"]) == (80_000, "2027-09-30")
    # ... and it still counts in its own quarter's retention (FY2026-Q3): an upsell of 10,000 on 60,000 due
    old = cli.json("report", "renewals", "--quarter", "FY2026-Q3")
    assert (old["renewed_arr"], old["upsell_arr"], old["grr_pct"], old["nrr_pct"]) == (70_000, 10_000, 100.0, 116.7)
