"""Executive Business Reviews through the real CLI (today is 2026-11-24)."""

from __future__ import annotations

from datetime import date

from cstool.domain.ebr import linkable, next_date


def _ebr(cli, account, on, *extra):
    return cli.json("ebr", "schedule", account, "--date", on, *extra)


def test_schedule_defaults(cli):
    cli.ok("account", "add", "Acme")
    e = _ebr(cli, "Acme", "2026-09-15")
    assert {k: e[k] for k in ("name", "date", "fiscal_quarter", "status", "outcome", "replaces_id", "opportunity_ids")} == {
        "name": "Acme FY2027-Q3 EBR", "date": "2026-09-15", "fiscal_quarter": "FY2027-Q3", "status": "scheduled",
        "outcome": "incomplete", "replaces_id": None, "opportunity_ids": []}
    undated = cli.json("ebr", "schedule", "Acme")
    assert (undated["status"], undated["date"], undated["name"]) == ("not-started", None, "Acme FY2027-Q4 EBR")
    shown = cli.json("account", "show", "Acme")["ebrs"]
    assert [x["id"] for x in shown] == [e["id"], undated["id"]]


def test_reschedule_inside_and_across_a_quarter(cli):
    cli.ok("account", "add", "Acme")
    e = _ebr(cli, "Acme", "2026-11-10")
    moved = cli.json("ebr", "reschedule", "Acme", "--date", "2027-01-20")  # Nov..Jan is one quarter
    assert (moved["id"], moved["date"], moved["status"]) == (e["id"], "2027-01-20", "scheduled")
    new = cli.json("ebr", "reschedule", str(e["id"]), "--date", "2027-02-05")  # FY2028-Q1
    assert (new["replaces_id"], new["date"], new["fiscal_quarter"], new["status"]) == (
        e["id"], "2027-02-05", "FY2028-Q1", "scheduled")
    assert new["name"] == "Acme FY2028-Q1 EBR"
    old = cli.json("ebr", "show", str(e["id"]))
    assert (old["status"], old["outcome"], old["date"]) == ("declined", "declined", "2027-01-20")


def test_a_move_crosses_a_quarter_under_one_setting_and_not_the_other(cli):
    cli.ok("account", "add", "Feb")
    cli.ok("account", "add", "Jan")
    feb = _ebr(cli, "Feb", "2026-12-20")
    same = cli.json("ebr", "reschedule", "Feb", "--date", "2027-01-05")  # FY2027-Q4 both (Nov..Jan)
    assert same["id"] == feb["id"] and same["fiscal_quarter"] == "FY2027-Q4"
    cli.ok("config", "set", "fiscal-year-start", "1")
    assert cli.json("ebr", "show", str(feb["id"]))["fiscal_quarter"] == "FY2027-Q1"  # the label follows the setting
    jan = _ebr(cli, "Jan", "2026-12-20")
    assert jan["fiscal_quarter"] == "FY2026-Q4"
    crossed = cli.json("ebr", "reschedule", "Jan", "--date", "2027-01-05")  # Q4 2026 -> Q1 2027
    assert crossed["replaces_id"] == jan["id"] and crossed["fiscal_quarter"] == "FY2027-Q1"
    # and the last day of a quarter against the first of the next, under the January setting
    q = _ebr(cli, "Feb", "2026-03-31")
    assert cli.json("ebr", "reschedule", str(q["id"]), "--date", "2026-04-01")["replaces_id"] == q["id"]


def test_successor_dates():
    assert next_date(date(2026, 8, 10), "quarterly") == date(2026, 11, 8)  # 90 days
    assert next_date(date(2026, 8, 10), None) == date(2026, 11, 8)
    assert next_date(date(2026, 8, 10), "none") == date(2026, 11, 8)
    assert next_date(date(2026, 8, 31), "semiannual") == date(2027, 2, 28)  # calendar months, month end
    assert next_date(date(2026, 2, 28), "annual") == date(2027, 2, 28)


def test_next_on_complete_cancel_decline(cli):
    cli.ok("account", "add", "Acme", "--ebr-cadence", "semiannual")
    e = _ebr(cli, "Acme", "2026-08-31")
    r = cli.ok("ebr", "complete", "Acme", "--outcome", "successful", "--next")
    assert "Next EBR" in r.stderr
    nxt = cli.json("ebr", "list", "--account", "Acme", "--status", "scheduled")
    assert [x["date"] for x in nxt] == ["2027-02-28"]
    cli.ok("ebr", "decline", "Acme", "--next")
    assert [x["date"] for x in cli.json("ebr", "list", "--status", "scheduled")] == ["2027-08-28"]
    cli.ok("account", "update", "Acme", "--ebr-cadence", "none")
    cli.ok("ebr", "cancel", "Acme", "--next")
    assert [x["date"] for x in cli.json("ebr", "list", "--status", "scheduled")] == ["2027-11-26"]  # 90 days
    held = cli.json("ebr", "show", str(e["id"]))
    assert (held["status"], held["outcome"]) == ("completed", "successful")


def test_outcome_and_state_rules(cli):
    cli.ok("account", "add", "Acme")
    e = _ebr(cli, "Acme", "2026-11-20")
    for bad in ("declined", "cancelled", "incomplete", "great"):
        r = cli("ebr", "complete", "Acme", "--outcome", bad)
        assert r.exit_code == 1 and r.stderr.startswith("error: outcome: "), bad
    assert cli.json("ebr", "show", str(e["id"]))["outcome"] == "incomplete"
    r = cli("ebr", "complete", "Acme", "--outcome", "successful", "--date", "2026-12-20")
    assert r.exit_code == 1  # not held in the future
    undated = cli.json("ebr", "schedule", "Acme", "--name", "Acme spare EBR")  # a second open one: its own name
    r = cli("ebr", "cancel", str(undated["id"]))
    assert r.exit_code == 4 and "decline it instead" in r.stderr
    cli.ok("ebr", "complete", str(e["id"]), "--outcome", "partially-successful")
    assert cli("ebr", "decline", str(e["id"])).exit_code == 4
    assert cli.json("ebr", "show", str(e["id"]))["outcome"] == "partially-successful"


def test_account_ref_with_two_open_ebrs_is_refused(cli):
    cli.ok("account", "add", "Acme")
    a = _ebr(cli, "Acme", "2026-12-01")
    b = _ebr(cli, "Acme", "2027-01-10", "--name", "Acme January EBR")  # same quarter: a name of its own
    before = cli.json("ebr", "list")
    r = cli("ebr", "decline", "Acme")
    assert r.exit_code == 4
    assert f"#{a['id']}" in r.stderr and f"#{b['id']}" in r.stderr and "Give the EBR id" in r.stderr
    assert cli.json("ebr", "list") == before
    assert cli("ebr", "decline", "Nobody").exit_code == 3


def test_linkable_rule():
    held = [(1, date(2026, 1, 10)), (2, date(2026, 3, 10)), (3, date(2026, 5, 10)), (4, date(2026, 7, 10)),
            (5, date(2026, 9, 10)), (6, date(2026, 11, 10)), (7, date(2026, 10, 1))]
    assert linkable(held, date(2026, 10, 1)) == [5, 4, 3, 2]  # strictly before the close date
    assert linkable(held[:2], date(2026, 10, 1)) == [2, 1]


def test_link_only_the_four_latest_held_before_close(cli):
    cli.ok("account", "add", "Acme")
    cli.ok("account", "add", "Other")
    ids = {}
    for day in ("2026-01-10", "2026-03-10", "2026-05-10", "2026-07-10", "2026-09-10", "2026-11-10"):
        ids[day] = _ebr(cli, "Acme", day)["id"]
        cli.ok("ebr", "complete", str(ids[day]), "--outcome", "successful")
    open_one = _ebr(cli, "Acme", "2026-12-01")["id"]
    other = _ebr(cli, "Other", "2026-06-01")["id"]
    cli.ok("ebr", "complete", str(other), "--outcome", "successful")
    opp = cli.json("opportunity", "add", "Acme", "--name", "Renewal", "--stage", "closed-won", "--close-date",
                   "2026-10-01")["id"]
    refusals = {
        ids["2026-01-10"]: "only the 4 latest EBRs held before 2026-10-01",
        ids["2026-11-10"]: "not before the opportunity's close date 2026-10-01",
        open_one: "only EBRs that were held",
        other: "another account",
    }
    for ebr_id, reason in refusals.items():
        r = cli("ebr", "link", str(ebr_id), "--opportunity", str(opp))
        assert r.exit_code == 1 and reason in r.stderr, (ebr_id, r.stderr)
    cli.ok("ebr", "link", str(ids["2026-09-10"]), "--opportunity", "Renewal")
    assert cli("ebr", "link", str(ids["2026-09-10"]), "--opportunity", "Renewal").exit_code == 4
    cli.ok("ebr", "link", "--auto", "--opportunity", str(opp))
    linked = sorted(e["id"] for e in cli.json("ebr", "list") if opp in e["opportunity_ids"])
    assert linked == sorted(ids[d] for d in ("2026-03-10", "2026-05-10", "2026-07-10", "2026-09-10"))
    cli.ok("ebr", "link", "--auto", "--opportunity", str(opp))  # idempotent
    assert sum(opp in e["opportunity_ids"] for e in cli.json("ebr", "list")) == 4


def test_ebr_report_by_hand(cli):
    # FY2027 = 2026-02-01..2027-01-31; today 2026-11-24 (Q4), so all four quarters count.
    cli.ok("account", "add", "Acme", "--ebr-cadence", "quarterly")
    cli.ok("account", "add", "Beta", "--ebr-cadence", "annual")
    cli.ok("account", "add", "Gamma", "--ebr-cadence", "none")
    cli.ok("account", "add", "Delta")
    for name in ("Acme", "Beta", "Delta"):  # customers since before FY2027: every quarter counts (SPEC 6)
        cli.ok("opportunity", "add", name, "--name", f"{name} deal", "--stage", "closed-won", "--close-date",
               "2025-06-01")
    q1 = _ebr(cli, "Acme", "2026-03-10")["id"]
    cli.ok("ebr", "complete", str(q1), "--outcome", "successful")
    q2 = _ebr(cli, "Acme", "2026-06-10")["id"]
    cli.ok("ebr", "complete", str(q2), "--outcome", "partially-successful")
    q3 = _ebr(cli, "Acme", "2026-09-01")["id"]
    cli.ok("ebr", "decline", str(q3))
    _ebr(cli, "Acme", "2026-12-15")
    b = _ebr(cli, "Beta", "2026-05-05")["id"]
    cli.ok("ebr", "cancel", str(b))
    d = _ebr(cli, "Delta", "2026-08-20")["id"]
    cli.ok("ebr", "complete", str(d), "--outcome", "unsuccessful")
    _ebr(cli, "Acme", "2025-12-01")  # FY2026: not counted
    report = cli.json("report", "ebr", "--fy", "2027")
    # Acme: held Q1, Q2; declined Q3; Q4 upcoming -> Q3 has no EBR. Beta: cancelled only -> no quarter covered.
    # Delta: cadence unset (none), one held in Q3. Gamma: cadence none and no EBR -> not listed.
    assert report["rows"] == [
        {"account": "Acme", "cadence": "quarterly", "target": 4, "held": 2, "declined": 1, "cancelled": 0,
         "upcoming": 1, "missing_quarters": ["FY2027-Q3"]},
        {"account": "Beta", "cadence": "annual", "target": 1, "held": 0, "declined": 0, "cancelled": 1,
         "upcoming": 0, "missing_quarters": ["FY2027-Q1", "FY2027-Q2", "FY2027-Q3", "FY2027-Q4"]},
        {"account": "Delta", "cadence": "none", "target": 0, "held": 1, "declined": 0, "cancelled": 0,
         "upcoming": 0, "missing_quarters": ["FY2027-Q1", "FY2027-Q2", "FY2027-Q4"]},
    ]
    assert report["totals"] == {"target": 5, "held": 3, "declined": 1, "cancelled": 1, "upcoming": 1,
                                "missing_quarters": 8}
    assert report["outcomes"] == {"incomplete": 1, "successful": 1, "partially-successful": 1, "unsuccessful": 1,
                                  "cancelled": 1, "declined": 1}
    assert (report["fiscal_year"], report["start"], report["end"]) == (2027, "2026-02-01", "2027-01-31")
    table = cli.ok("report", "ebr", "--fy", "FY2027").stdout
    assert "Total" in table and "partially-successful" in table
    assert [e["date"] for e in cli.json("ebr", "list", "--fy", "2026")] == ["2025-12-01"]


def test_coverage_state_and_order():
    """The dashboard's EBR coverage: boundaries of each state, and the accounts most short first."""
    from cstool.domain.ebr import coverage_state, coverage_tally, furthest_behind

    assert coverage_state(held=4, upcoming=0, target=4) == "met"
    assert coverage_state(held=3, upcoming=1, target=4) == "booked"
    assert coverage_state(held=2, upcoming=1, target=4) == "behind"
    assert coverage_state(held=0, upcoming=1, target=4) == "behind"
    assert coverage_state(held=0, upcoming=0, target=1) == "none"
    rows = [{"account": a, "cadence": c, "target": t, "held": h, "upcoming": u}
            for a, c, t, h, u in [("b", "quarterly", 4, 1, 0), ("A", "quarterly", 4, 1, 0), ("c", "annual", 1, 0, 0),
                                  ("d", "quarterly", 4, 4, 0), ("e", "none", 0, 2, 0)]]
    assert [r["account"] for r in furthest_behind(rows, 3)] == ["A", "b", "c"]
    assert coverage_tally(rows) == {"quarterly": {"met": 1, "booked": 0, "behind": 2, "none": 0},
                                    "annual": {"met": 0, "booked": 0, "behind": 0, "none": 1}}


def test_find_ebr_keeps_to_its_open_only_flag(cli):
    """For a write, an EBR given by id must still be open unless the caller says otherwise (link does)."""
    import pytest

    from cstool.errors import Conflict
    from cstool.services.ebr import find_ebr
    from cstool.storage.store import open_store

    cli.ok("account", "add", "Acme")
    held = _ebr(cli, "Acme", "2026-11-20")
    cli.ok("ebr", "complete", str(held["id"]), "--outcome", "successful")
    store = open_store(cli.store, actor="t")
    try:
        with store.write() as session:
            with pytest.raises(Conflict, match=rf"#{held['id']} is completed; .* can be rescheduled"):
                find_ebr(session, str(held["id"]), action="rescheduled")
            with pytest.raises(Conflict, match="can be changed"):
                find_ebr(session, str(held["id"]))
            assert find_ebr(session, str(held["id"]), open_only=False).status == "completed"
            session.rollback()
    finally:
        store.close()
    r = cli("ebr", "reschedule", str(held["id"]), "--date", "2026-12-01")
    assert r.exit_code == 4 and f"#{held['id']} is completed" in r.stderr and "can be rescheduled" in r.stderr
