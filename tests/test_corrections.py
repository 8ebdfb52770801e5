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
    cli.ok("pov", "create", "Acme", "--name", "Acme POV", "--success-criteria", "pipelines green",
           "--planned-end", "2026-12-20", "--type", "guided", "--owner", "Sam")
    cli.ok("pov", "start", "Acme POV", "--date", "2026-11-10")
    later = "2026-12-05"  # after tomorrow (2026-11-25)
    commands = [
        ("activity", "log", "Acme", "--type", "call", "--subject", "Intro", "--date", later),
        ("pse", "log-hours", "Acme CI", "2", "--date", later),
        ("ebr", "complete", "Acme", "--outcome", "successful", "--date", later),
        ("onboarding", "usage", "Acme", "--licenses", "100", "--active", "20", "--date", later),
        ("onboarding", "complete", "Acme", "--survey-sent", "--survey-received", "--score", "4", "--date", later),
        ("pov", "close", "Acme POV", "--result", "won", "--date", later),
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
    r = cli("pse", "log-hours", "Acme CI", hours)
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
    assert len(cli.json("task", "list", "--account", "Gem")) == 13


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
