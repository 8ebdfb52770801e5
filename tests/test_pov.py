"""Proofs of Value through the real CLI (docs/rules.md, "Proofs of Value"), today 2026-11-24, February fiscal start."""

from __future__ import annotations

import pytest


def _setup(cli, name="Acme", sa="Sam Reed"):
    cli.ok("account", "add", name, "--sa", sa)
    cli.ok("opportunity", "add", name, "--name", f"{name} deal", "--stage", "technical-evaluation")
    return cli


def _state(cli, ref):
    return cli.json("pov", "show", ref), cli.json("history", "pov:1")


def test_create_needs_an_open_opportunity_and_names_are_unique(cli):
    _setup(cli)
    cli.ok("opportunity", "add", "Acme", "--name", "Won", "--stage", "closed-won", "--close-date", "2026-10-01")
    r = cli("pov", "create", "Acme", "--opportunity", "Won")
    assert r.exit_code == 1 and "'Won' is closed-won" in r.stderr
    assert cli("pov", "create", "Acme").exit_code == 1  # no opportunity at all
    p = cli.json("pov", "create", "Acme", "--opportunity", "Acme deal", "--type", "Guided")
    assert (p["name"], p["owner"], p["type"], p["status"], p["result"]) == ("Acme POV 1", "Sam Reed", "guided", "new",
                                                                            None)
    assert cli("pov", "create", "Acme", "--opportunity", "Acme deal", "--name", "acme pov 1").exit_code == 4
    assert cli.json("pov", "create", "Acme", "--opportunity", "Acme deal")["name"] == "Acme POV 2"


def test_start_gate_names_every_missing_setting_and_the_8_week_limit(cli):
    _setup(cli)
    cli.ok("pov", "create", "Acme", "--opportunity", "Acme deal", "--type", "lite")
    before = _state(cli, "Acme")
    r = cli("pov", "start", "Acme", "--date", "2026-11-02")
    assert r.exit_code == 1 and "missing --success-criteria, --planned-end" in r.stderr
    # 2026-11-02 + 57 days = 2026-12-29: one day over the limit; options given to a refused start are not kept
    r = cli("pov", "start", "Acme", "--date", "2026-11-02", "--success-criteria", "CI < 10 min",
            "--planned-end", "2026-12-29")
    assert r.exit_code == 1 and "57 days long" in r.stderr and "at most 8 weeks (56 days)" in r.stderr
    r = cli("pov", "start", "Acme", "--date", "2026-11-02", "--success-criteria", "x", "--planned-end", "2026-11-01")
    assert r.exit_code == 1 and "before the start" in r.stderr
    assert _state(cli, "Acme") == before
    # exactly 56 days is allowed
    p = cli.json("pov", "start", "Acme", "--date", "2026-11-02", "--success-criteria", "CI < 10 min",
                 "--planned-end", "2026-12-28")
    assert (p["status"], p["start_date"], p["planned_end_date"]) == ("in-progress", "2026-11-02", "2026-12-28")
    assert cli("pov", "update", "Acme", "--planned-end", "2026-12-30").exit_code == 1  # still the limit
    assert cli("pov", "start", "Acme").exit_code == 4  # already running


def test_close_cancel_and_never_again(cli):
    _setup(cli)
    cli.ok("pov", "create", "Acme", "--opportunity", "Acme deal", "--name", "First")
    assert cli("pov", "close", "First", "--result", "successful").exit_code == 4  # never started
    cli.ok("pov", "start", "First", "--date", "2026-11-02", "--success-criteria", "x", "--planned-end", "2026-11-20")
    assert cli("pov", "close", "First", "--result", "maybe").exit_code == 1
    r = cli("pov", "close", "First", "--result", "successful", "--date", "2026-11-01")
    assert r.exit_code == 1 and "before the POV's start 2026-11-02" in r.stderr
    p = cli.json("pov", "close", "First", "--result", "unsuccessful", "--date", "2026-11-23")
    assert (p["status"], p["result"], p["end_date"], p["length_days"]) == ("closed", "unsuccessful", "2026-11-23", 21)
    r = cli("pov", "start", "First", "--success-criteria", "x", "--planned-end", "2026-12-20")
    assert r.exit_code == 4 and "not started again" in r.stderr
    cli.ok("pov", "create", "Acme", "--opportunity", "Acme deal", "--name", "Second")
    assert cli.json("pov", "cancel", "Second")["status"] == "cancelled"
    assert cli("pov", "start", "Second", "--success-criteria", "x", "--planned-end", "2026-12-20").exit_code == 4
    assert cli("pov", "cancel", "Second").exit_code == 4


def test_a_fourth_guided_or_paid_pov_is_allowed_but_warned(cli):
    for i, kind in enumerate(["guided", "paid", "guided", "lite", "paid"]):
        _setup(cli, f"C{i}")
        cli.ok("pov", "create", f"C{i}", "--opportunity", f"C{i} deal", "--type", kind)
    start = ["--date", "2026-11-10", "--success-criteria", "x", "--planned-end", "2026-12-01"]
    for i in range(4):  # three guided or paid, and a lite one that does not count
        r = cli.ok("pov", "start", f"C{i}", *start)
        assert "warning" not in r.stderr
    r = cli.ok("pov", "start", "C4", *start)
    assert "warning: Sam Reed now runs 4 guided or paid POVs at once; the limit is 3." in r.stderr
    report = cli.json("report", "pov")
    assert report["open"] == [{"owner": "Sam Reed", "open": 5, "guided_or_paid": 4, "over_limit": True,
                               "past_planned_end": 0}]


def test_report_by_hand(cli):
    # FY2027-Q4 (2026-11-01..2027-01-31). Closed in it: A 20 days (successful, opportunity won since),
    # B 30 days (successful, opportunity still open), C 50 days (unsuccessful, ran past its planned end).
    # Win rate 2/3 = 66.7%, median length 30, ran over 1, POV-to-win 1 of 2 = 50.0%.
    # D closed in Q3 is not counted. E is in progress, planned to end 2026-11-20: past its planned end.
    def pov(name, start, planned, end=None, result=None, owner="Sam Reed"):
        _setup(cli, name, sa=owner)
        cli.ok("pov", "create", name, "--opportunity", f"{name} deal", "--type", "guided")
        cli.ok("pov", "start", name, "--date", start, "--success-criteria", "x", "--planned-end", planned)
        if end:
            cli.ok("pov", "close", name, "--date", end, "--result", result)

    pov("A", "2026-10-15", "2026-11-10", "2026-11-04", "successful")
    pov("B", "2026-10-20", "2026-12-01", "2026-11-19", "successful")
    pov("C", "2026-10-01", "2026-11-15", "2026-11-20", "unsuccessful")
    pov("D", "2026-08-01", "2026-09-01", "2026-08-25", "successful")
    pov("E", "2026-11-01", "2026-11-20", owner="Tara Fox")
    cli.ok("opportunity", "update", "A deal", "--stage", "closed-won", "--close-date", "2026-11-15")
    report = cli.json("report", "pov", "--quarter", "FY2027-Q4")
    assert report == {
        "quarter": "FY2027-Q4", "closed": 3, "successful": 2, "win_rate_pct": 66.7, "median_length_days": 30.0,
        "ran_over": 1, "pov_to_win_pct": 50.0,
        "open": [{"owner": "Tara Fox", "open": 1, "guided_or_paid": 1, "over_limit": False, "past_planned_end": 1}],
    }
    assert cli.json("report", "pov", "--quarter", "FY2027-Q3")["closed"] == 1
    assert cli.json("report", "pov")["quarter"] == "FY2027-Q4"  # bare: the current quarter
    found = [f for f in cli("check", "-f", "json").json() if f["rule"] == "pov-past-planned-end"]
    assert [(f["account"], f["entity"]) for f in found] == [("E", "pov")]
    shown = cli.json("account", "show", "E")
    assert (shown["pov"]["name"], shown["pov"]["status"]) == ("E POV 1", "in-progress")
    assert cli.json("account", "show", "A")["pov"] is None
    assert [p["name"] for p in cli.json("pov", "list", "--owner", "tara fox")] == ["E POV 1"]


@pytest.mark.parametrize("bad, reason", [
    ("Acme,Acme deal,P1,guided,Closed,,2026-10-01,2026-10-30,2026-10-29", "result: a closed POV needs"),
    ("Acme,Acme deal,P1,guided,In Progress,Successful,2026-10-01,2026-10-30,", "only set once the POV is closed"),
    ("Acme,Acme deal,P1,guided,Closed,Won,2026-10-01,2026-10-30,2026-09-29", "before the POV's start"),
    ("Acme,Nope,P1,guided,New,,,,", "has no opportunity named 'Nope'"),
])
def test_import_refuses_inconsistent_rows(cli, tmp_path, bad, reason):
    _setup(cli)
    path = tmp_path / "povs.csv"
    path.write_text("Account Name,Opportunity Name,POV Name,POV Type,POV Status,POV Result,Start Date,"
                    "Planned End Date,End Date\n" + bad + "\n")
    r = cli("import", "povs", str(path))
    assert r.exit_code == 1 and reason in r.stderr
    assert cli.json("pov", "list") == []


def test_crm_pov_export_imports(cli, tmp_path):
    _setup(cli)
    path = tmp_path / "povs.csv"
    path.write_text("Account Name,Opportunity Name,POV Name,POV Type,POV Status,POV Result,Start Date,"
                    "Planned End Date,End Date,Solutions Architect\n"
                    "Acme,Acme deal,Old POV,Paid,Completed,Won,09/01/2026,09/29/2026,10/02/2026,Uma Das\n"
                    "Acme,Acme deal,New POV,Guided,Open,,11/10/2026,12/01/2026,,\n")
    cli.ok("import", "povs", str(path), "--date-order", "mdy")
    povs = {p["name"]: p for p in cli.json("pov", "list")}
    assert (povs["Old POV"]["status"], povs["Old POV"]["result"], povs["Old POV"]["length_days"],
            povs["Old POV"]["owner"]) == ("closed", "successful", 31, "Uma Das")
    assert (povs["New POV"]["status"], povs["New POV"]["type"]) == ("in-progress", "guided")
    assert cli.json("report", "pov", "--quarter", "FY2027-Q3")["ran_over"] == 1


def test_names_outside_ascii_match_in_any_case(cli):
    """SQLite's lower() and PostgreSQL's under the C locale fold only ASCII: 'ÜNAL' must still find 'Ünal'."""
    for i in range(4):
        _setup(cli, f"Ö{i}", sa="Ünal Öztürk" if i % 2 else "ÜNAL ÖZTÜRK")
        cli.ok("opportunity", "add", f"Ö{i}", "--name", f"Ärger {i}", "--stage", "negotiating")
        cli.ok("pov", "create", f"Ö{i}", "--opportunity", f"ärger {i}", "--type", "guided")  # any case, too
    start = ["--date", "2026-11-10", "--success-criteria", "x", "--planned-end", "2026-12-01"]
    for i in range(3):
        assert "warning" not in cli.ok("pov", "start", f"Ö{i}", *start).stderr
    r = cli.ok("pov", "start", "Ö3", *start)
    assert "now runs 4 guided or paid POVs at once" in r.stderr
    assert len(cli.json("pov", "list", "--owner", "ünal öztürk")) == 4
    assert cli.json("opportunity", "show", "ÄRGER 2")["name"] == "Ärger 2"
    assert cli("opportunity", "show", "Ärger_2").exit_code == 3  # LIKE's wildcards are only text here
