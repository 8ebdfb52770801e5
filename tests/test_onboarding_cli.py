"""Onboarding lifecycle rules, activities and tasks through the real CLI."""

from __future__ import annotations


def _started(cli, name="Acme", start="2026-10-01"):
    cli.ok("account", "add", name, "--csm", "Ann", "--sa", "Sam")
    cli.ok("opportunity", "add", name, "--name", f"{name} deal", "--stage", "closed-won", "--close-date", "2026-09-20")
    return cli.json("onboarding", "start", name, "--date", start)


def test_start_sets_fields_and_second_start_is_a_conflict(cli):
    o = _started(cli)
    assert (o["status"], o["start_date"], o["purchase_date"], o["opportunity"]) == (
        "in-progress", "2026-10-01", "2026-09-20", "Acme deal")
    assert o["team"] == [{"role": "csm", "name": "Ann"}, {"role": "sa", "name": "Sam"}]
    r = cli("onboarding", "start", "Acme")
    assert r.exit_code == 4 and "one open onboarding per account" in r.stderr
    assert len(cli.json("onboarding", "list")) == 1
    # started 2026-10-01, recorded 2026-11-24: the seven steps whose window ended by 11-15 (first cadence call,
    # day 45) are skipped, discovery (day 60, 11-30) onwards are open
    assert len(cli.json("task", "list", "--account", "Acme")) == 6
    assert len(cli.json("task", "list", "--account", "Acme", "--all")) == 13


def test_start_an_existing_not_started_record(cli):
    cli.ok("account", "add", "Gem", "--users", "800", "--csm", "Ann")  # ruby: creates a not-started onboarding
    (pending,) = cli.json("onboarding", "list")
    assert pending["status"] == "not-started"
    started = cli.json("onboarding", "start", "Gem", "--date", "2026-11-01", "--purchase-date", "2026-10-30",
                       "--csm", "Carl")
    assert started["id"] == pending["id"]
    assert (started["status"], started["owner"], started["purchase_date"]) == ("in-progress", "Carl", "2026-10-30")
    assert started["team"] == [{"role": "csm", "name": "Carl"}]


def _snapshot(cli):
    return cli.json("onboarding", "show", "Acme"), cli.json("history", "Acme"), cli.json("account", "show", "Acme")


def test_completion_refusals_change_nothing(cli):
    _started(cli)
    before = _snapshot(cli)
    cases = [
        (("--survey-sent", "--survey-received"), 1, "--score"),
        (("--score", "4"), 1, "--survey-sent/--no-survey-sent, --survey-received/--no-survey-received"),
        (("--survey-sent", "--survey-received", "--score", "6"), 1, "score: '6'"),
        (("--survey-sent", "--survey-received", "--score", "0"), 1, "score: '0'"),
        (("--survey-sent", "--survey-received", "--score", "4", "--date", "2026-09-30"), 1, "date: 2026-09-30 is before the start"),
        (("--survey-sent", "--survey-received", "--score", "4", "--date", "2026-12-01"), 1, "error: date: "),  # the option typed, not the field
        (("--survey-sent", "--survey-received", "--score", "4", "--date", "01/02/2026"), 1, "date: "),
    ]
    for extra, code, text in cases:
        r = cli("onboarding", "complete", "Acme", *extra)
        assert r.exit_code == code, (extra, r.stderr)
        assert text in r.stderr, (extra, r.stderr)
        assert "Traceback" not in r.stderr
    assert _snapshot(cli) == before
    done = cli.json("onboarding", "complete", "Acme", "--date", "2026-11-04", "--no-survey-sent",
                    "--no-survey-received", "--score", "3")
    assert (done["status"], done["finish_date"], done["tto_days"], done["experience_score"]) == (
        "completed", "2026-11-04", 34, 3)
    # already completed: the state does not allow it (exit 4), by account as by id
    again = cli("onboarding", "complete", "Acme", "--survey-sent", "--survey-received", "--score", "3")
    assert again.exit_code == 4 and "its latest, #1, is completed" in again.stderr


def test_milestone_date_rules(cli):
    _started(cli)
    r = cli("onboarding", "update", "Acme", "--infra-ready", "2025-09-01")  # > 365 days before purchase
    assert r.exit_code == 1 and r.stderr.startswith("error: infra-ready: 2025-09-01")
    r = cli("onboarding", "update", "Acme", "--first-value", "+5d")
    assert r.exit_code == 1 and "first-value" in r.stderr
    cli.ok("onboarding", "update", "Acme", "--infra-ready", "2026-10-03", "--first-value", "2026-10-20",
           "--greenfield", "--notes", "smooth")
    o = cli.json("onboarding", "show", "Acme")
    assert (o["infra_ready_date"], o["first_value_date"], o["ttfv_days"], o["greenfield"]) == (
        "2026-10-03", "2026-10-20", 30, True)
    cli.ok("onboarding", "update", "Acme", "--first-value", "")
    assert cli.json("onboarding", "show", "Acme")["first_value_date"] is None


def test_changing_the_start_moves_open_playbook_tasks(cli):
    _started(cli, start="2026-11-20")  # today 11-24: only the welcome (11-20) has passed
    cli.ok("onboarding", "update", "Acme", "--date", "2026-11-23")
    tasks = {t["title"]: t for t in cli.json("onboarding", "show", "Acme")["tasks"]}
    assert (tasks["Kickoff call"]["due_date"], tasks["Kickoff call"]["status"]) == ("2026-12-07", "open")
    assert tasks["Education session"]["window_end_date"] == "2026-12-23"  # day 30


def test_correcting_a_back_dated_start_reopens_what_is_no_longer_late(cli):
    _started(cli, start="2026-10-01")  # recorded 11-24: kickoff (10-15) skipped as its window passed
    tasks = {t["title"]: t for t in cli.json("onboarding", "show", "Acme")["tasks"]}
    assert tasks["Kickoff call"]["status"] == "skipped"
    cli.ok("onboarding", "update", "Acme", "--date", "2026-10-11")  # kickoff 10-25: still passed, still skipped
    tasks = {t["title"]: t for t in cli.json("onboarding", "show", "Acme")["tasks"]}
    assert (tasks["Kickoff call"]["due_date"], tasks["Kickoff call"]["status"]) == ("2026-10-25", "skipped")
    cli.ok("onboarding", "update", "Acme", "--date", "2026-11-12")  # kickoff 11-26, first cadence call 12-27: open
    tasks = {t["title"]: t for t in cli.json("onboarding", "show", "Acme")["tasks"]}
    assert [(t["title"], t["status"]) for t in tasks.values() if t["status"] != "open"] == [
        ("Welcome the customer on board", "skipped"), ("Personal introduction call", "skipped"),
        ("Installation follow-up", "skipped")]  # 11-12, 11-17 (window 11-14..17), 11-22 (11-19..22)
    assert (tasks["Kickoff call"]["due_date"], tasks["Kickoff call"]["closed_reason"]) == ("2026-11-26", None)


def test_first_engaged_comes_from_calls_and_meetings_on_the_timeline(cli):
    _started(cli, start="2026-10-10")  # purchase 2026-09-20: the engagement window opens 2026-06-22
    cli.ok("activity", "log", "Acme", "--type", "email", "--subject", "hello", "--date", "2026-10-11")
    cli.ok("activity", "log", "Acme", "--type", "workshop", "--subject", "ws", "--date", "2026-10-12")
    assert cli.json("onboarding", "show", "Acme")["first_engaged_date"] is None
    r = cli.ok("activity", "log", "Acme", "--type", "meeting", "--subject", "kickoff", "--date", "2026-10-20")
    assert "first-engaged date 2026-10-20 from the timeline (TTE 10 days)" in r.stderr
    cli.ok("activity", "log", "Acme", "--type", "call", "--subject", "earlier one logged late", "--date", "2026-10-15")
    assert cli.json("onboarding", "show", "Acme")["first_engaged_date"] == "2026-10-15"
    cli.ok("activity", "log", "Acme", "--type", "call", "--subject", "later", "--date", "2026-10-25")
    assert cli.json("onboarding", "show", "Acme")["tte_days"] == 5
    cli.ok("activity", "log", "Acme", "--type", "call", "--subject", "pre-sales", "--date", "2026-10-05")
    o = cli.json("onboarding", "show", "Acme")  # a call before the start: TTE 0
    assert (o["first_engaged_date"], o["first_engaged_source"], o["tte_days"]) == ("2026-10-05", "timeline", 0)
    timeline = cli.json("activity", "list", "Acme")
    assert [a["date"] for a in timeline] == ["2026-10-25", "2026-10-20", "2026-10-15", "2026-10-12", "2026-10-11",
                                             "2026-10-05"]
    assert set(timeline[0]) == {"id", "account", "account_id", "date", "type", "subject", "contact", "opportunity",
                                "disposition", "notes", "source", "source_id"}
    assert (timeline[0]["source"], timeline[0]["source_id"]) == ("manual", None)
    r = cli("activity", "log", "Acme", "--type", "fax", "--subject", "x")
    assert r.exit_code == 1 and r.stderr.startswith("error: type: 'fax'")
    assert len(cli.json("activity", "list", "Acme", "--type", "call")) == 3


def test_activity_with_contact_and_opportunity(cli):
    _started(cli)
    cli.ok("contact", "add", "Acme", "Road Runner")
    a = cli.json("activity", "log", "Acme", "--type", "call", "--subject", "s", "--contact", "road runner",
                 "--opportunity", "Acme deal", "--disposition", "connected", "--date", "2026-10-02")
    assert (a["contact"], a["opportunity"], a["disposition"]) == ("Road Runner", "Acme deal", "connected")
    assert cli("activity", "log", "Acme", "--type", "call", "--subject", "s", "--contact", "Nobody").exit_code == 3


def test_usage_threshold_sets_first_value_once(cli):
    _started(cli)
    cli.ok("config", "set", "first-value-threshold", "25")
    cli.ok("onboarding", "usage", "Acme", "--licenses", "100", "--active", "20", "--date", "2026-10-10")
    assert cli.json("onboarding", "show", "Acme")["first_value_date"] is None
    cli.ok("onboarding", "usage", "Acme", "--licenses", "100", "--active", "25", "--date", "2026-10-15")
    cli.ok("onboarding", "usage", "Acme", "--licenses", "100", "--active", "40", "--date", "2026-10-18")
    o = cli.json("onboarding", "show", "Acme")
    assert o["first_value_date"] == "2026-10-15"
    assert [u["active_pct"] for u in o["usage"]] == [20.0, 25.0, 40.0]
    assert cli("onboarding", "usage", "Acme", "--licenses", "0", "--active", "1").exit_code == 1


def test_hold_and_resume(cli):
    _started(cli)
    cli.ok("account", "update", "Acme", "--health", "green")
    cli.ok("onboarding", "hold", "Acme", "--reason", "waiting on IT", "--cause", "gitlab")
    assert cli.json("account", "show", "Acme")["health"] == "green"
    assert cli("onboarding", "hold", "Acme", "--reason", "x", "--cause", "customer").exit_code == 4
    cli.ok("onboarding", "resume", "Acme")
    r = cli("onboarding", "hold", "Acme", "--reason", "x", "--cause", "weather")
    assert r.exit_code == 1 and "cause" in r.stderr
    cli.ok("onboarding", "hold", "Acme", "--reason", "customer re-org", "--cause", "customer")
    assert cli.json("account", "show", "Acme")["health"] == "yellow"
    row = cli.json("report", "onboarding")[0]
    assert (row["status"], row["delay_reason"]) == ("on-hold", "customer re-org")
    cli.ok("account", "update", "Acme", "--health", "red")
    cli.ok("onboarding", "resume", "Acme")
    assert cli("onboarding", "resume", "Acme").exit_code == 4
    assert cli.json("onboarding", "show", "Acme")["status"] == "in-progress"


def test_playbook_from_the_31st(cli):
    cli.ok("account", "add", "Month End")
    cli.ok("onboarding", "start", "Month End", "--date", "2026-01-31", "--purchase-date", "2026-01-15")
    due = {t["title"]: t["due_date"] for t in cli.json("task", "list", "--all", "--account", "Month End")}
    assert due["Six-month outlook"] == "2026-07-31"
    assert due["Renewal check-in (10 months)"] == "2026-11-30"
    assert due["Renewal check-in (12 months)"] == "2027-01-31"


def test_tasks(cli):
    _started(cli, start="2026-11-20")
    cli.ok("account", "add", "Other", "--csm", "Bob")
    t = cli.json("task", "add", "Other", "Send the QBR deck", "--due", "2026-11-26")
    assert (t["owner"], t["due_date"], t["onboarding_id"]) == ("Bob", "2026-11-26", None)
    cli.ok("task", "add", "Other", "Chase the signature", "--due", "2026-11-21")
    week = cli.json("task", "list", "--due", "7d")
    # Acme started 11-20 (recorded 11-24, so the welcome of 11-20 is skipped): intro 11-22..25, installation
    # 11-27..30 (both due by 12-01), plus Other's two
    assert [x["title"] for x in week] == ["Chase the signature", "Personal introduction call",
                                          "Send the QBR deck", "Installation follow-up"]
    assert [x["overdue"] for x in week] == [True, False, False, False]
    assert [x["title"] for x in cli.json("task", "list", "--due")] == ["Chase the signature",
                                                                      "Personal introduction call"]
    assert [x["title"] for x in cli.json("task", "list", "--due", "7d", "--csm", "bob")] == [
        "Chase the signature", "Send the QBR deck"]
    cli.ok("task", "done", str(week[0]["id"]))
    assert cli("task", "done", str(week[0]["id"])).exit_code == 4
    assert cli("task", "done", "99999").exit_code == 3
    assert len(cli.json("task", "list", "--due", "7d")) == 3
    r = cli("task", "list", "--due", "someday")
    assert r.exit_code == 1 and "due" in r.stderr
