"""Professional Services Engagements through the real CLI (today is 2026-11-24)."""

from __future__ import annotations

KICKOFF_OPTIONS = ["--approver", "--actual-start", "--expected-completion", "--scoped-hours", "--success-criteria",
                   "--econtract", "--sow", "--collaboration-project", "--signed-acceptance"]
READY = ["--approver", "Pat (VP PS)", "--actual-start", "2026-11-02", "--expected-start", "2026-11-01",
         "--expected-completion", "2026-12-15", "--scoped-hours", "40", "--success-criteria", "CI migrated",
         "--econtract", "https://contracts.example/1", "--sow", "https://sow.example/1",
         "--collaboration-project", "https://gitlab.example/ps/acme", "--signed-acceptance"]


def _setup(cli):
    cli.ok("account", "add", "Acme")
    cli.ok("opportunity", "add", "Acme", "--name", "Acme PS", "--stage", "closed-won", "--close-date", "2026-10-20",
           "--type", "services")
    return cli.json("pse", "create", "Acme", "--opportunity", "Acme PS", "--name", "Acme CI migration",
                    "--type", "Fixed", "--owner", "Quinn")


def _state(cli, ref="Acme CI migration"):
    return cli.json("pse", "show", ref), cli.json("history", "pse:1")


def test_create_needs_an_opportunity_and_a_unique_name(cli):
    p = _setup(cli)
    r = cli("pse", "create", "Acme", "--name", "No opp")
    assert r.exit_code == 1 and r.stderr.startswith("error: opportunity: ")
    assert (p["status"], p["engagement_type"], p["opportunity"], p["percent_complete"]) == (
        "backlog", "fixed", "Acme PS", 0)
    r = cli("pse", "create", "Acme", "--opportunity", "Acme PS", "--name", "ACME CI MIGRATION")
    assert r.exit_code == 4
    assert len(cli.json("pse", "list")) == 1


def test_kickoff_names_every_missing_field_at_once_and_changes_nothing(cli):
    _setup(cli)
    before = _state(cli)
    r = cli("pse", "kickoff", "Acme")
    assert r.exit_code == 1
    for option in KICKOFF_OPTIONS:
        assert option in r.stderr, option
    assert "--opportunity" not in r.stderr  # it has one
    assert len(r.stderr.strip().splitlines()) == 1
    # some given on the command line: only the rest are named, and none of them is saved
    r = cli("pse", "kickoff", "Acme", "--approver", "Pat", "--scoped-hours", "40")
    assert r.exit_code == 1 and "--approver" not in r.stderr and "--scoped-hours" not in r.stderr
    assert "--sow" in r.stderr
    assert _state(cli) == before
    k = cli.json("pse", "kickoff", "Acme", *READY)
    assert (k["status"], k["approved"], k["kickoff_date"], k["expected_length_days"]) == ("initiation", True,
                                                                                          "2026-11-24", 44)
    assert cli("pse", "kickoff", "Acme", *READY).exit_code == 4


def test_kickoff_in_progress(cli):
    _setup(cli)
    assert cli.json("pse", "kickoff", "Acme", "--in-progress", *READY)["status"] == "in-progress"


def test_update_rules(cli):
    _setup(cli)
    before = _state(cli)
    for argv, code, text in [
        (("--status", "in-progress"), 1, "pse kickoff"),
        (("--status", "completed"), 1, "pse complete"),
        (("--status", "paused"), 1, "status: 'paused'"),
        (("--percent", "101"), 1, "percent: '101'"),
        (("--scoped-hours", "-4"), 1, "scoped-hours: '-4'"),
        (("--scoped-hours", "1.255"), 1, "two decimals"),
        (("--sow", "sow.pdf"), 1, "sow: 'sow.pdf'"),
        (("--expected-start", "2026-12-01", "--expected-completion", "2026-11-01"), 1, "expected-completion"),
    ]:
        r = cli("pse", "update", "Acme", *argv)
        assert r.exit_code == code and text in r.stderr, (argv, r.stderr)
    assert _state(cli) == before
    u = cli.json("pse", "update", "Acme", "--percent", "30", "--scoped-hours", "12.5", "--notes", "on track")
    assert (u["percent_complete"], u["scoped_hours"], u["remaining_hours"], u["notes"]) == (30, 12.5, 12.5, "on track")


def test_fractional_hours_and_over_budget_warning(cli):
    _setup(cli)
    cli.ok("pse", "kickoff", "Acme", *READY)
    cli.ok("pse", "update", "Acme", "--scoped-hours", "3.5")
    for h in ("1.25", "0.5", "1.75"):
        cli.ok("pse", "log-hours", "Acme", h, "--date", "2026-11-20")
    p = cli.json("pse", "show", "Acme")
    assert (p["hours_consumed"], p["remaining_hours"], p["hours_updated_date"]) == (3.5, 0, "2026-11-20")  # the latest entry's date (SPEC 8)
    r = cli.ok("pse", "log-hours", "Acme", "0.01")
    assert "over budget: 3.51 h consumed of 3.5 h scoped" in r.stderr
    assert cli.json("pse", "show", "Acme")["remaining_hours"] == -0.01
    for bad in ("0", "-1", "abc", "1.005"):
        r = cli("pse", "log-hours", "Acme", "--", bad)
        assert r.exit_code == 1 and r.stderr.startswith("error: hours: "), bad
    assert cli("pse", "log-hours", "Acme", "-1").exit_code == 2  # looks like an option: a usage error
    assert cli.json("pse", "show", "Acme")["hours_consumed"] == 3.51


def test_completion_rules(cli):
    _setup(cli)
    cli.ok("pse", "kickoff", "Acme", *READY)
    before = _state(cli)
    r = cli("pse", "complete", "Acme", "--date", "2026-11-20")
    assert r.exit_code == 1 and "sign-off is not recorded" in r.stderr
    r = cli("pse", "complete", "Acme", "--passive-acceptance-used")  # without the SOW language
    assert r.exit_code == 1 and "sign-off is not recorded" in r.stderr
    r = cli("pse", "complete", "Acme", "--customer-signoff", "--date", "2026-11-01")  # before the actual start
    assert r.exit_code == 1 and "date: 2026-11-01 is before --actual-start 2026-11-02" in r.stderr  # the option typed
    r = cli("pse", "complete", "Acme", "--customer-signoff", "--percent", "90")
    assert r.exit_code == 1 and "100%" in r.stderr
    r = cli("pse", "complete", "Acme", "--customer-signoff", "--sow", "")
    assert r.exit_code == 1 and "--sow" in r.stderr
    assert _state(cli) == before
    done = cli.json("pse", "complete", "Acme", "--passive-acceptance-language", "--passive-acceptance-used",
                    "--date", "2026-11-23")
    assert (done["status"], done["percent_complete"], done["completed_date"], done["actual_length_days"]) == (
        "completed", 100, "2026-11-23", 21)
    assert cli("pse", "complete", "Acme", "--customer-signoff").exit_code == 3  # no open engagement left
    assert cli("pse", "complete", "Acme CI migration", "--customer-signoff").exit_code == 4
    assert cli("pse", "update", str(done["id"]), "--status", "closure").exit_code == 4


def test_contacts_of_an_engagement(cli):
    _setup(cli)
    c = cli.json("contact", "add", "Acme", "Wile")
    cli.ok("account", "add", "Other")
    other = cli.json("contact", "add", "Other", "Stranger")
    p = cli.json("pse", "contact", "add", "Acme", "wile")
    assert p["contact_ids"] == [c["id"]]
    assert cli("pse", "contact", "add", "Acme", "Wile").exit_code == 4
    assert cli("pse", "contact", "add", "Acme", str(other["id"])).exit_code == 3


def test_report_flags_on_hand_built_engagements(cli):
    cli.ok("account", "add", "Acme")
    cli.ok("opportunity", "add", "Acme", "--name", "Opp", "--close-date", "2026-10-01")
    ready = [x for x in READY]

    def make(name):
        cli.ok("pse", "create", "Acme", "--opportunity", "Opp", "--name", name)
        cli.ok("pse", "kickoff", name, *ready)

    # Burner: 40 h scoped, 44.5 logged today -> over budget, 111.3% burned, fresh
    make("Burner")
    cli.ok("pse", "log-hours", "Burner", "30")
    cli.ok("pse", "log-hours", "Burner", "14.5")
    # Sleeper: hours last updated 2026-11-01 (23 days ago) -> stale; 10 of 40 h -> 25% burned, 50% complete
    make("Sleeper")
    cli.ok("pse", "log-hours", "Sleeper", "10", env={"CSTOOL_TODAY": "2026-11-01"})
    cli.ok("pse", "update", "Sleeper", "--percent", "50")
    # Fresh: kicked off, no hours logged at all -> stale (nothing in 14 days)
    make("Fresh")
    # Waiting: still in backlog -> never stale, no scope
    cli.ok("pse", "create", "Acme", "--opportunity", "Opp", "--name", "Waiting")
    rows = {r["name"]: r for r in cli.json("report", "pse")}
    assert rows["Burner"] == {
        "name": "Burner", "account": "Acme", "status": "initiation", "scoped_hours": 40, "hours_consumed": 44.5,
        "remaining_hours": -4.5, "percent_complete": 0, "hours_burned_pct": 111.3, "over_budget": True,
        "stale_hours": False, "expected_length_days": 44, "actual_length_days": None}
    assert (rows["Sleeper"]["hours_burned_pct"], rows["Sleeper"]["percent_complete"], rows["Sleeper"]["stale_hours"],
            rows["Sleeper"]["over_budget"]) == (25.0, 50, True, False)
    assert (rows["Fresh"]["stale_hours"], rows["Fresh"]["hours_consumed"]) == (True, 0)
    assert (rows["Waiting"]["stale_hours"], rows["Waiting"]["scoped_hours"], rows["Waiting"]["hours_burned_pct"]) == (
        False, None, None)
    shown = cli.json("account", "show", "Acme")["pses"]
    assert [p["name"] for p in shown] == ["Burner", "Sleeper", "Fresh", "Waiting"]


def test_stale_hours_from_the_14th_day_in_report_and_check(cli):
    """Last update 2026-11-10: on 2026-11-23 (13 days) fresh; on 2026-11-24 (the 14th day) stale."""
    _setup(cli)
    cli.ok("pse", "kickoff", "Acme", *READY)
    cli.ok("pse", "log-hours", "Acme", "2", "--date", "2026-11-10", env={"CSTOOL_TODAY": "2026-11-10"})

    def stale(day):
        report = cli.json("report", "pse", env={"CSTOOL_TODAY": day})[0]["stale_hours"]
        found = cli("check", "-f", "json", env={"CSTOOL_TODAY": day}).json()
        return report, any(f["rule"] == "pse-stale-hours" for f in found)

    assert stale("2026-11-23") == (False, False)
    assert stale("2026-11-24") == (True, True)
