"""Issue 20: corrections, value checks, hold/resume, error naming, not-found and the next EBR, through the real CLI
on both engines (today is 2026-11-24, FY2027-Q4 with the default February start)."""

from __future__ import annotations

import pytest


def _pse(cli):
    cli.ok("account", "add", "Acme", "--csm", "Ann")
    cli.ok("opportunity", "add", "Acme", "--name", "Acme PS", "--stage", "closed-won", "--close-date", "2026-10-20",
           "--type", "services")
    return cli.json("pse", "create", "Acme", "--opportunity", "Acme PS", "--name", "Acme CI", "--scoped-hours", "40")


def _onboarding(cli, start="2026-10-01"):
    cli.ok("account", "add", "Acme", "--csm", "Ann")
    cli.ok("opportunity", "add", "Acme", "--name", "Acme deal", "--stage", "closed-won", "--close-date", "2026-09-20")
    return cli.json("onboarding", "start", "Acme", "--date", start)


# --- every refusal names the option the user typed (SPEC 1) ------------------------------------------------------

def test_date_refusals_name_the_date_option_of_each_command(cli):
    _pse(cli)
    cli.ok("onboarding", "start", "Acme", "--date", "2026-11-01")
    cli.ok("ebr", "schedule", "Acme", "--date", "2026-11-20")
    cli.ok("opportunity", "add", "Acme", "--name", "Acme expansion", "--stage", "technical-evaluation")
    cli.ok("pov", "create", "Acme", "--name", "Acme POV", "--success-criteria", "pipelines green",
           "--planned-end", "2026-12-20", "--type", "guided", "--owner", "Sam", "--opportunity", "Acme expansion")
    cli.ok("pov", "start", "Acme POV", "--date", "2026-11-10")
    later = "2026-12-05"  # after tomorrow (2026-11-25)
    commands = [
        ("activity", "log", "Acme", "--type", "call", "--subject", "Intro", "--date", later),
        ("pse", "log-hours", "Acme CI", "2", "--date", later),
        ("ebr", "complete", "Acme", "--outcome", "successful", "--date", later),
        ("onboarding", "usage", "Acme", "--licenses", "100", "--active", "20", "--date", later),
        ("onboarding", "complete", "Acme", "--survey-sent", "--survey-received", "--score", "4", "--date", later),
        ("pov", "close", "Acme POV", "--result", "successful", "--date", later),
    ]
    for args in commands:
        r = cli(*args)
        assert r.exit_code == 1, (args, r.stderr)
        assert r.stderr.startswith(f"error: date: '{later}' is not accepted; a date may not be later than tomorrow "
                                   "(2026-11-25)"), (args, r.stderr)
        for wrong in ("first-engaged", "infra-ready", "finish", "start"):
            assert wrong not in r.stderr.split(";")[0], (args, r.stderr)


# --- values are checked against what they mean (SPEC 8) -----------------------------------------------------------

@pytest.mark.parametrize("hours", ["1e3", "1E3", "1.255", "-2", "0", "nan", "100001"])
def test_hours_must_be_plain_decimals_in_range(cli, hours):
    _pse(cli)
    before = cli.json("pse", "show", "Acme CI")
    r = cli("pse", "log-hours", "Acme CI", "--", hours)
    assert r.exit_code == 1
    assert r.stderr == (f"error: hours: {hours!r} is not accepted; write hours as a plain number from 0.01 to "
                        "100,000 with at most two decimals, like 8 or 1.25.\n")
    assert cli.json("pse", "show", "Acme CI") == before
    assert cli.json("pse", "hours", "Acme CI") == []


def test_scoped_hours_in_exponent_form_are_refused_too(cli):
    _pse(cli)
    r = cli("pse", "update", "Acme CI", "--scoped-hours", "4e1")
    assert r.exit_code == 1 and r.stderr.startswith("error: scoped-hours: '4e1' is not accepted; write hours as a "
                                                    "plain number from 0 to 100,000")
    assert cli.json("pse", "show", "Acme CI")["scoped_hours"] == 40


def test_usage_active_above_licenses_and_negative_counts_are_refused(cli):
    _onboarding(cli)
    cases = [
        (("--licenses", "100", "--active", "500"),
         "error: active: 500 is not accepted; use a whole number from 0 to 100 (active users cannot exceed the 100 "
         "licenses).\n"),
        (("--licenses", "100", "--active", "-1"), "error: active: '-1' is not accepted; use a whole number from 0 to"),
        (("--licenses", "-5", "--active", "1"), "error: licenses: '-5' is not accepted; use a whole number from 0 to"),
        (("--licenses", "0", "--active", "0"), "error: licenses: 0 is not accepted; use a whole number of 1 or more"),
    ]
    for args, message in cases:
        r = cli("onboarding", "usage", "Acme", *args)
        assert r.exit_code == 1 and r.stderr.startswith(message), (args, r.stderr)
    assert cli.json("onboarding", "usage-list", "Acme") == []
    ok = cli.json("onboarding", "usage", "Acme", "--licenses", "100", "--active", "100")
    assert ok["active_pct"] == 100.0


def test_imported_usage_above_licenses_is_refused_by_line(cli, tmp_path):
    _onboarding(cli)
    path = tmp_path / "usage.csv"
    path.write_text("Account Name,Snapshot Date,Licensed Users,Active Users\nAcme,2026-11-01,100,20\n"
                    "Acme,2026-11-02,100,500\n")
    r = cli("import", "usage", str(path))
    assert r.exit_code == 1 and "line 3" in r.stderr and "active: 500 is not accepted" in r.stderr
    assert cli.json("onboarding", "usage-list", "Acme") == []  # all or nothing


# --- hold and resume (SPEC 5) -----------------------------------------------------------------------------------

def test_hold_then_resume_a_placeholder_returns_it_to_not_started_and_start_works(cli):
    cli.ok("account", "add", "Gem", "--users", "800", "--csm", "Ann")  # ruby: a not-started placeholder
    cli.ok("onboarding", "hold", "Gem", "--reason", "legal review", "--cause", "customer")
    resumed = cli.json("onboarding", "resume", "Gem")
    assert (resumed["status"], resumed["start_date"]) == ("not-started", None)
    started = cli.json("onboarding", "start", "Gem", "--date", "2026-11-20")
    assert (started["status"], started["start_date"]) == ("in-progress", "2026-11-20")


def test_resume_returns_a_started_onboarding_to_in_progress(cli):
    _onboarding(cli)
    cli.ok("onboarding", "hold", "Acme", "--reason", "waiting on IT", "--cause", "gitlab")
    assert cli.json("onboarding", "resume", "Acme")["status"] == "in-progress"


def test_start_works_on_a_held_onboarding_that_never_started(cli):
    cli.ok("account", "add", "Gem", "--users", "800", "--csm", "Ann")
    cli.ok("onboarding", "hold", "Gem", "--reason", "legal review", "--cause", "gitlab")
    started = cli.json("onboarding", "start", "Gem", "--date", "2026-11-20")
    assert (started["status"], started["start_date"]) == ("in-progress", "2026-11-20")
    # 13 playbook tasks; the welcome (day 0) window passed before the start was recorded, so it is skipped (SPEC 8)
    tasks = cli.json("task", "list", "--account", "Gem", "--all")
    assert len(tasks) == 13
    assert [t["title"] for t in tasks if t["status"] == "skipped"] == ["Welcome the customer on board"]
    assert len(cli.json("task", "list", "--account", "Gem")) == 12


# --- not found is exit 3, history included (SPEC 1) -------------------------------------------------------------

@pytest.mark.parametrize("entity", ["account", "contact", "opportunity", "onboarding", "activity", "task", "setting",
                                    "ebr", "pse", "pov", "objective", "time_entry", "usage"])
def test_history_of_an_id_that_never_existed_is_exit_3(cli, entity):
    r = cli("history", f"{entity}:999")
    assert r.exit_code == 3, r.stderr
    assert r.stderr.startswith(f"error: {entity}: no ")


def test_history_of_records_that_exist_or_existed_is_exit_0(cli):
    cli.ok("account", "add", "Acme")
    cli.ok("contact", "add", "Acme", "Dana Lee")
    assert [h["field"] for h in cli.json("history", "account:1")] == ["(created)"]
    cli.ok("config", "set", "first-value-threshold", "20")
    assert [h["field"] for h in cli.json("history", "setting:0")] == ["first-value-threshold"]
    cli.ok("contact", "remove", "1")
    assert cli.json("history", "contact:1")  # removed, its trail stays


# --- account show: the next EBR whatever its fiscal year (SPEC 3) ---------------------------------------------

def test_account_show_lists_the_next_open_ebr_in_the_next_fiscal_year(cli):
    cli.ok("account", "add", "Acme", "--ebr-cadence", "quarterly")
    cli.ok("ebr", "schedule", "Acme", "--date", "2027-02-15")  # FY2028-Q1
    cli.ok("ebr", "schedule", "Acme", "--date", "2027-05-15", "--name", "Later one")  # not the next: left out
    ebrs = cli.json("account", "show", "Acme")["ebrs"]
    assert [(e["date"], e["fiscal_quarter"]) for e in ebrs] == [("2027-02-15", "FY2028-Q1")]


# --- corrections: time entries (SPEC 1, 7, 8) --------------------------------------------------------------------

def test_time_entries_are_listed_updated_and_removed_and_the_hours_follow(cli):
    _pse(cli)
    cli.ok("pse", "log-hours", "Acme CI", "2", "--date", "2026-11-10")
    cli.ok("pse", "log-hours", "Acme CI", "3.5", "--date", "2026-11-20", "--note", "pipelines")
    cli.ok("pse", "log-hours", "Acme CI", "1", "--date", "2026-11-15")
    entries = cli.json("pse", "hours", "Acme CI")
    assert [(e["id"], e["date"], e["hours"], e["note"]) for e in entries] == [
        (1, "2026-11-10", 2, None), (3, "2026-11-15", 1, None), (2, "2026-11-20", 3.5, "pipelines")]
    p = cli.json("pse", "show", "Acme CI")
    assert (p["hours_consumed"], p["remaining_hours"], p["hours_updated_date"]) == (6.5, 33.5, "2026-11-20")
    # remove the latest: consumed 6.5 - 3.5 = 3; hours-updated = the latest remaining entry's date
    r = cli.ok("pse", "hours", "remove", "2", "-f", "json")
    assert (r.json()["hours_consumed"], r.json()["hours_updated_date"]) == (3, "2026-11-15")
    assert "Removed time entry 2 (3.5 h on 2026-11-20)" in r.stderr
    # a typo corrected: 1 h on the 15th was 10 h on the 16th -> 2 + 10 = 12
    p = cli.json("pse", "hours", "update", "3", "--hours", "10", "--date", "2026-11-16")
    assert (p["hours_consumed"], p["remaining_hours"], p["hours_updated_date"]) == (12, 28, "2026-11-16")
    assert cli("pse", "hours", "update", "3", "--hours", "1e3").exit_code == 1
    # every correction is in history, and a removed entry's history stays
    trail = cli.json("history", "time_entry:2")
    assert [h["field"] for h in trail] == ["(created)", "(removed)"] and trail[1]["old"] == "3.5 on 2026-11-20"
    assert [(h["field"], h["old"], h["new"]) for h in cli.json("history", "time_entry:3")][1:] == [
        ("hours", "1", "10"), ("date", "2026-11-15", "2026-11-16")]
    assert cli("pse", "hours", "remove", "2").exit_code == 4  # removed already: said so
    assert cli("pse", "hours", "remove", "99").exit_code == 3  # never existed
    cli.ok("pse", "hours", "remove", "1")
    cli.ok("pse", "hours", "remove", "3")
    p = cli.json("pse", "show", "Acme CI")
    assert (p["hours_consumed"], p["hours_updated_date"]) == (0, None)
    assert cli.json("report", "pse")[0]["hours_consumed"] == 0


# --- corrections: usage snapshots (SPEC 5, 8) --------------------------------------------------------------------

def test_usage_snapshots_are_listed_corrected_and_first_value_follows(cli):
    _onboarding(cli)
    cli.ok("config", "set", "first-value-threshold", "10")
    cli.ok("onboarding", "usage", "Acme", "--licenses", "100", "--active", "5", "--date", "2026-10-10")
    cli.ok("onboarding", "usage", "Acme", "--licenses", "100", "--active", "12", "--date", "2026-10-20")
    cli.ok("onboarding", "usage", "Acme", "--licenses", "100", "--active", "30", "--date", "2026-11-01")
    assert cli.json("onboarding", "show", "Acme")["first_value_date"] == "2026-10-20"
    assert [(u["id"], u["active"]) for u in cli.json("onboarding", "usage-list", "Acme")] == [(1, 5), (2, 12), (3, 30)]
    # the snapshot that set first value is removed: the next one at >= 10% (2026-11-01) takes over
    r = cli.ok("onboarding", "usage-remove", "2")
    assert "first-value date 2026-11-01" in r.stderr
    o = cli.json("onboarding", "show", "Acme")
    assert (o["first_value_date"], o["ttfv_days"]) == ("2026-11-01", 42)  # 2026-11-01 - 2026-09-20
    # a typo corrected: 30 active was 8: no snapshot reaches 10% any more, so no first value
    assert cli.json("onboarding", "usage-update", "3", "--active", "8")["active_pct"] == 8.0
    assert cli.json("onboarding", "show", "Acme")["first_value_date"] is None
    assert cli("onboarding", "usage-update", "3", "--active", "101").exit_code == 1  # above the 100 licenses
    # first value typed by hand on another day is not the snapshots' to move
    cli.ok("onboarding", "update", "Acme", "--first-value", "2026-10-05")
    cli.ok("onboarding", "usage-remove", "1")
    assert cli.json("onboarding", "show", "Acme")["first_value_date"] == "2026-10-05"
    assert [h["field"] for h in cli.json("history", "usage:2")] == ["(created)", "(removed)"]
    assert [h["field"] for h in cli.json("history", "usage:3")] == ["(created)", "active"]
    assert cli("onboarding", "usage-remove", "2").exit_code == 4
    assert cli("onboarding", "usage-remove", "42").exit_code == 3
    assert cli("history", "usage:42").exit_code == 3


# --- a score needs enough evidence (SPEC 14) ---------------------------------------------------------------------

def test_one_small_measure_never_decides_the_colour(cli):
    """Gem: a placeholder onboarding held for a customer cause (onboarding red, weight 10) and nothing else known:
    10 of 100 weight is less than half, so not scored (it used to be 0, red)."""
    cli.ok("account", "add", "Gem", "--users", "800", "--csm", "Ann")
    cli.ok("onboarding", "hold", "Gem", "--reason", "legal review", "--cause", "customer")
    card = cli.json("account", "health", "Gem")
    reason = ("not scored: the measures with data carry 10 of 100 weight, less than half; no data for usage, "
              "engagement, sentiment, ebr, pse")
    assert (card["score"], card["colour"], card["reason"]) == (None, None, reason)
    assert list(card)[:3] == ["account", "score", "reason"]
    (row,) = cli.json("report", "health")
    assert (row["score"], row["colour"], row["reason"]) == (None, None, reason)
    assert cli.json("account", "show", "Gem")["health_score"] is None
    cli.ok("health", "snapshot")
    assert cli.json("account", "health", "Gem", "--history")["history"] == [
        {"date": "2026-11-24", "score": None, "colour": None}]
    assert "not scored" in cli.ok("account", "health", "Gem").stderr
    # sentiment (20) and a call today (engagement, 20): 50 of 100, half, is enough:
    # (0*10 + 100*20 + 100*20) / 50 = 80, green
    cli.ok("account", "update", "Gem", "--sentiment", "green")
    cli.ok("activity", "log", "Gem", "--type", "call", "--subject", "check-in")
    card = cli.json("account", "health", "Gem")
    assert (card["score"], card["colour"], card["reason"]) == (80, "green", None)


# --- EBRs: links, names, coverage (SPEC 6) ----------------------------------------------------------------------

def _held(cli, account, on, *extra):
    e = cli.json("ebr", "schedule", account, "--date", on, "--name", f"{account} {on}", *extra)
    cli.ok("ebr", "complete", str(e["id"]), "--outcome", "successful")
    return e["id"]


def _linked(cli, opp):
    opp_id = cli.json("opportunity", "show", opp)["id"]
    return sorted(e["id"] for e in cli.json("ebr", "list") if opp_id in e["opportunity_ids"])


def test_an_opportunity_keeps_its_four_latest_ebrs_however_reached(cli):
    cli.ok("account", "add", "Acme")
    cli.ok("opportunity", "add", "Acme", "--name", "Renewal", "--stage", "negotiating", "--close-date", "2026-12-15")
    cli.ok("opportunity", "add", "Acme", "--name", "Add-on", "--stage", "negotiating", "--close-date", "2026-12-20")
    ids = [_held(cli, "Acme", d) for d in ("2026-02-10", "2026-04-10", "2026-06-10", "2026-08-10")]
    cli.ok("ebr", "link", "--auto", "--opportunity", "Renewal")
    assert _linked(cli, "Renewal") == ids
    # a newer EBR held later: it joins, and the oldest (2026-02-10) leaves, said on stderr
    e = cli.json("ebr", "schedule", "Acme", "--date", "2026-11-20", "--name", "Acme November")
    r = cli.ok("ebr", "complete", str(e["id"]), "--outcome", "successful")
    assert (f"EBR #{ids[0]} unlinked from opportunity #1 'Renewal': only its 4 latest EBRs held before 2026-12-15 "
            f"stay linked (#{e['id']} is newer).") in r.stderr
    assert _linked(cli, "Renewal") == ids[1:] + [e["id"]]
    assert _linked(cli, "Add-on") == []  # an opportunity with no links is left alone
    # linking the newer one again: already linked; the oldest by id: not among the four latest
    assert cli("ebr", "link", str(e["id"]), "--opportunity", "Renewal").exit_code == 4
    r = cli("ebr", "link", str(ids[0]), "--opportunity", "Renewal")
    assert r.exit_code == 1 and "is older" in r.stderr
    assert len(_linked(cli, "Renewal")) == 4
    # every move is in history
    assert [(h["old"], h["new"]) for h in cli.json("history", f"ebr:{ids[0]}") if h["field"] == "opportunity"] == [
        (None, "1"), ("1", None)]


def test_imported_ebrs_keep_the_four_latest_rule(cli, tmp_path):
    cli.ok("account", "add", "Acme")
    cli.ok("opportunity", "add", "Acme", "--name", "Renewal", "--stage", "negotiating", "--close-date", "2026-12-15")
    ids = [_held(cli, "Acme", d) for d in ("2026-02-10", "2026-04-10", "2026-06-10", "2026-08-10")]
    cli.ok("ebr", "link", "--auto", "--opportunity", "Renewal")
    path = tmp_path / "ebrs.csv"
    path.write_text("Account Name,EBR Name,EBR Date,EBR Status,EBR Outcome\n"
                    "Acme,Acme October,2026-10-10,Completed,Successful\n")
    cli.ok("import", "ebrs", str(path))
    october = next(x["id"] for x in cli.json("ebr", "list") if x["name"] == "Acme October")
    assert _linked(cli, "Renewal") == ids[1:] + [october]


def test_a_second_open_ebr_with_the_same_name_is_refused(cli):
    cli.ok("account", "add", "Acme")
    first = cli.json("ebr", "schedule", "Acme", "--date", "2026-12-01")
    assert first["name"] == "Acme FY2027-Q4 EBR"
    r = cli("ebr", "schedule", "Acme", "--date", "2027-01-10")  # same quarter, same default name
    assert r.exit_code == 4 and "already has an open EBR named 'Acme FY2027-Q4 EBR'" in r.stderr
    assert cli("ebr", "schedule", "Acme", "--name", "acme fy2027-q4 ebr").exit_code == 4  # names match any case
    assert len(cli.json("ebr", "list")) == 1
    cli.ok("ebr", "schedule", "Acme", "--date", "2027-01-10", "--name", "Acme January EBR")
    cli.ok("ebr", "decline", str(first["id"]))
    assert cli.json("ebr", "schedule", "Acme", "--date", "2027-01-12")["name"] == "Acme FY2027-Q4 EBR"  # no longer open


def test_an_undated_ebr_given_a_date_takes_that_quarters_name_unless_named_by_hand(cli):
    cli.ok("account", "add", "Acme")
    undated = cli.json("ebr", "schedule", "Acme")
    assert (undated["name"], undated["status"]) == ("Acme FY2027-Q4 EBR", "not-started")
    moved = cli.json("ebr", "reschedule", str(undated["id"]), "--date", "2027-03-01")  # FY2028-Q1
    assert (moved["id"], moved["name"], moved["fiscal_quarter"]) == (undated["id"], "Acme FY2028-Q1 EBR", "FY2028-Q1")
    named = cli.json("ebr", "schedule", "Acme", "--name", "Board review")
    assert cli.json("ebr", "reschedule", str(named["id"]), "--date", "2027-03-05")["name"] == "Board review"
    held = cli.json("ebr", "schedule", "Acme", "--name", "Acme FY2027-Q4 EBR")
    done = cli.json("ebr", "complete", str(held["id"]), "--outcome", "successful", "--date", "2026-10-01")
    assert (done["name"], done["fiscal_quarter"]) == ("Acme FY2027-Q3 EBR", "FY2027-Q3")


def test_ebr_coverage_counts_from_when_the_account_became_a_customer(cli):
    """FY2027 = Feb 2026 - Jan 2027, today 2026-11-24 (Q4). Quarterly cadence, one per counted quarter."""
    cli.ok("account", "add", "New", "--ebr-cadence", "quarterly")  # no deal, no onboarding: since today (Q4)
    cli.ok("account", "add", "Won", "--ebr-cadence", "quarterly")
    cli.ok("opportunity", "add", "Won", "--name", "Won deal", "--stage", "closed-won", "--close-date", "2026-06-15")
    cli.ok("account", "add", "Started", "--ebr-cadence", "semiannual")
    cli.ok("onboarding", "start", "Started", "--date", "2026-08-10")  # no purchase date: from the start (Q3)
    cli.ok("account", "add", "Old", "--ebr-cadence", "quarterly")
    cli.ok("opportunity", "add", "Old", "--name", "Old deal", "--stage", "closed-won", "--close-date", "2024-03-01")
    cli.ok("ebr", "schedule", "New", "--date", "2026-12-10")
    rows = {r["account"]: r for r in cli.json("report", "ebr", "--fy", "2027")["rows"]}
    assert {a: (r["target"], r["missing_quarters"]) for a, r in rows.items()} == {
        "New": (1, []),  # Q4 only; the December one is booked
        "Won": (3, ["FY2027-Q2", "FY2027-Q3", "FY2027-Q4"]),  # Q2 (June) on
        "Started": (1, ["FY2027-Q3", "FY2027-Q4"]),  # semiannual: 2 x 2/4 = 1
        "Old": (4, ["FY2027-Q1", "FY2027-Q2", "FY2027-Q3", "FY2027-Q4"]),
    }
    # the health scorecard's EBR measure counts the same quarters: New is due 1 (scheduled: green); Won 3 (red)
    ebr = {a: next(m for m in cli.json("account", "health", a)["measures"] if m["measure"] == "ebr")
           for a in ("New", "Won")}
    assert (ebr["New"]["colour"], ebr["Won"]["colour"]) == ("green", "red")
    assert ebr["New"]["reason"].startswith("quarterly: 1 due by now") and ebr["Won"]["reason"].startswith(
        "quarterly: 3 due by now")
