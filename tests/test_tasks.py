"""Tasks as calls to action (SPEC sections 8 and 18) through the real CLI, on both engines; today is 2026-11-24."""

from __future__ import annotations

import pytest

import sqlite3

KEYS = ["id", "account", "account_id", "onboarding_id", "title", "due_date", "window_end_date", "done_date", "owner",
        "status", "closed_reason", "type", "priority", "reason", "source", "snooze_date"]


def _tasks(cli, *args):
    return cli.json("task", "list", *args)


def _acme(cli, csm="Ann"):
    cli.ok("account", "add", "Acme", *(["--csm", csm] if csm else []))


def test_migration_0007_fills_status_type_and_source(bare_cli, tmp_path):
    from tests.test_storage import _store_at

    db = tmp_path / "old.db"
    _store_at(db, "0005")
    with sqlite3.connect(db) as c:
        c.execute("INSERT INTO account (id, name, name_key, gemstone_rank, created_at, updated_at) "
                  "VALUES (1, 'Legacy', 'legacy', 6, '2026-01-01 00:00:00', '2026-01-01 00:00:00')")
        c.execute("INSERT INTO onboarding (id, account_id, status, start_date, created_at, updated_at) "
                  "VALUES (1, 1, 'in-progress', '2026-11-01', '2026-01-01 00:00:00', '2026-01-01 00:00:00')")
        for i, (onboarding, kind, done) in enumerate([(1, "welcome", "2026-11-02"), (1, "kickoff-call", None),
                                                      (None, "assign-csm", None), (None, None, "2026-11-03")], 1):
            c.execute("INSERT INTO task (id, account_id, onboarding_id, title, due_date, kind, done_date, created_at) "
                      "VALUES (?, 1, ?, ?, '2026-11-20', ?, ?, '2026-01-01 00:00:00')",
                      (i, onboarding, f"t{i}", kind, done))
    c.close()
    r = bare_cli("--db", str(db), "export", "task", "-f", "json")
    assert r.exit_code == 0, r.stderr
    got = [(t["status"], t["type"], t["source"], t["priority"], t["closed_reason"], t["snooze_date"]) for t in r.json()]
    assert got == [("done", "lifecycle", "playbook", "medium", None, None),
                   ("open", "lifecycle", "playbook", "medium", None, None),
                   ("open", "lifecycle", "rule:assign-csm", "medium", None, None),
                   ("done", "activity", "manual", "medium", None, None)]


def test_json_keys_and_defaults(cli):
    _acme(cli)
    t = cli.json("task", "add", "Acme", "Send the deck", "--due", "2026-11-30")
    assert list(t) == KEYS
    assert (t["status"], t["type"], t["priority"], t["source"], t["owner"]) == ("open", "activity", "medium", "manual",
                                                                                  "Ann")
    t = cli.json("task", "add", "Acme", "Renewal risk", "--due", "2026-11-30", "--type", "risk", "--priority", "high",
                 "--owner", "Bob")
    assert (t["type"], t["priority"], t["owner"]) == ("risk", "high", "Bob")
    cli.ok("account", "add", "Orphan")
    assert cli.json("task", "add", "Orphan", "x", "--due", "2026-11-30")["owner"] is None
    cli.ok("config", "set", "csm-manager", "Maria")  # no CSM: the CSM manager's
    assert cli.json("task", "add", "Orphan", "y", "--due", "2026-11-30")["owner"] == "Maria"
    r = cli("task", "add", "Acme", "x", "--due", "2026-11-30", "--priority", "urgent")
    assert r.exit_code == 1 and "priority: 'urgent' is not accepted; use one of high, medium, low" in r.stderr
    r = cli("task", "add", "Acme", "x", "--due", "2026-11-30", "--type", "chore")
    assert r.exit_code == 1 and "type: 'chore'" in r.stderr


def test_done_several_at_once_all_or_nothing(cli):
    _acme(cli)
    ids = [str(cli.json("task", "add", "Acme", f"t{i}", "--due", "2026-11-30")["id"]) for i in range(3)]
    r = cli("task", "done", ids[0], "999")
    assert r.exit_code == 3 and "999" in r.stderr
    r = cli("task", "done", ids[0], "x1")
    assert r.exit_code == 1 and "id: 'x1'" in r.stderr
    r = cli("task", "done", ids[0], "--date", "2026-11-26")  # after tomorrow
    assert r.exit_code == 1 and r.stderr.startswith("error: date: '2026-11-26'")
    assert [t["status"] for t in _tasks(cli)] == ["open"] * 3  # nothing changed
    done = cli.json("task", "done", ids[0], ids[1], "--date", "2026-11-23")
    assert [(d["id"], d["status"], d["done_date"]) for d in done] == [(int(ids[0]), "done", "2026-11-23"),
                                                                     (int(ids[1]), "done", "2026-11-23")]
    r = cli("task", "done", ids[2], ids[1])
    assert r.exit_code == 4 and f"#{ids[1]} is already done on 2026-11-23" in r.stderr
    assert [t["id"] for t in _tasks(cli)] == [int(ids[2])]  # still open: all or nothing
    hist = [(h["field"], h["old"], h["new"]) for h in cli.json("history", f"task:{ids[0]}") if h["field"] != "(created)"]
    assert hist == [("status", "open", "done"), ("done_date", None, "2026-11-23")]


def test_skip_with_reason(cli):
    _acme(cli)
    a = str(cli.json("task", "add", "Acme", "a", "--due", "2026-11-30")["id"])
    b = str(cli.json("task", "add", "Acme", "b", "--due", "2026-11-30")["id"])
    r = cli("task", "skip", a)
    assert r.exit_code == 2  # --reason is required
    r = cli("task", "skip", a, "--reason", " ")
    assert r.exit_code == 1 and "reason" in r.stderr
    skipped = cli.json("task", "skip", a, b, "--reason", "customer paused")
    assert [(s["status"], s["closed_reason"], s["done_date"]) for s in skipped] == [("skipped", "customer paused", None)] * 2
    assert _tasks(cli) == []
    assert [t["status"] for t in _tasks(cli, "--all")] == ["skipped", "skipped"]
    assert cli("task", "done", a).exit_code == 4


def test_update_remove_and_history_of_a_removed_task(cli):
    _acme(cli)
    t = cli.json("task", "add", "Acme", "Call", "--due", "2026-11-30")
    tid = str(t["id"])
    u = cli.json("task", "update", tid, "--title", "Call back", "--due", "2026-12-02", "--owner", "Bob", "--priority",
                 "high", "--type", "risk")
    assert (u["title"], u["due_date"], u["owner"], u["priority"], u["type"]) == ("Call back", "2026-12-02", "Bob",
                                                                                  "high", "risk")
    assert cli.json("task", "update", tid, "--owner", "")["owner"] == "Ann"  # back to the CSM
    assert cli("task", "update", tid).exit_code == 1
    assert cli("task", "update", "999", "--title", "x").exit_code == 3
    r = cli("task", "update", tid, "--due", "someday")
    assert r.exit_code == 1 and "due" in r.stderr
    cli.ok("task", "remove", tid)
    assert _tasks(cli, "--all") == []
    fields = [h["field"] for h in cli.json("history", f"task:{tid}")]
    assert fields[0] == "(created)" and fields[-1] == "(removed)" and "title" in fields
    assert cli("task", "remove", tid).exit_code == 3
    assert cli("history", "task:424242").exit_code in (0, 3)  # never-existing ids: g20's history rule


def test_playbook_window_moves_with_its_due_date(cli):
    _acme(cli)
    cli.ok("onboarding", "start", "Acme", "--date", "2026-11-24", "--purchase-date", "2026-11-01")
    intro = next(t for t in _tasks(cli) if t["title"] == "Personal introduction call")
    assert (intro["due_date"], intro["window_end_date"]) == ("2026-11-26", "2026-11-29")
    moved = cli.json("task", "update", str(intro["id"]), "--due", "2026-11-28")
    assert (moved["due_date"], moved["window_end_date"]) == ("2026-11-28", "2026-12-01")


def test_list_sorts_by_priority_then_due_and_filters(cli):
    _acme(cli)
    cli.ok("task", "add", "Acme", "low early", "--due", "2026-11-25", "--priority", "low")
    cli.ok("task", "add", "Acme", "high late", "--due", "2026-12-20", "--priority", "high", "--type", "risk")
    cli.ok("task", "add", "Acme", "medium", "--due", "2026-11-26")
    cli.ok("task", "add", "Acme", "high early", "--due", "2026-11-27", "--priority", "high", "--type", "expansion")
    assert [t["title"] for t in _tasks(cli)] == ["high early", "high late", "medium", "low early"]
    assert [t["title"] for t in _tasks(cli, "--priority", "high")] == ["high early", "high late"]
    assert [t["title"] for t in _tasks(cli, "--type", "risk")] == ["high late"]
    assert [t["title"] for t in _tasks(cli, "--source", "manual", "--due", "2026-11-26")] == ["medium", "low early"]
    assert _tasks(cli, "--source", "playbook") == [] and _tasks(cli, "--source", "rule") == []
    r = cli("task", "list", "--source", "robot")
    assert r.exit_code == 1 and "source: 'robot'" in r.stderr
    r = cli("task", "list", "--priority", "urgent")
    assert r.exit_code == 1 and "priority" in r.stderr
    table = cli.ok("task", "list").stdout
    assert "priority" in table and "high early" in table


def test_snooze_hides_until_the_date(cli, monkeypatch):
    _acme(cli)
    tid = str(cli.json("task", "add", "Acme", "Chase", "--due", "2026-11-20")["id"])
    for bad in ("2026-11-24", "yesterday"):
        r = cli("task", "snooze", tid, "--until", bad)
        assert r.exit_code == 1 and "until" in r.stderr
    s = cli.json("task", "snooze", tid, "--until", "2026-11-27")
    assert s["snooze_date"] == "2026-11-27" and s["status"] == "open"
    assert _tasks(cli) == [] and _tasks(cli, "--due", "7d") == []
    assert [t["snooze_date"] for t in _tasks(cli, "--all")] == ["2026-11-27"]
    monkeypatch.setenv("CSTOOL_TODAY", "2026-11-27")  # on its day it is back, snooze date kept
    assert [(t["title"], t["snooze_date"], t["overdue"]) for t in _tasks(cli)] == [("Chase", "2026-11-27", True)]
    monkeypatch.setenv("CSTOOL_TODAY", "2026-11-24")
    assert cli.json("task", "snooze", tid, "--until", "")["snooze_date"] is None
    assert len(_tasks(cli)) == 1
    cli.ok("task", "done", tid)
    assert cli("task", "snooze", tid, "--until", "2026-12-01").exit_code == 4
    assert cli("task", "snooze", "999", "--until", "2026-12-01").exit_code == 3


def test_reassign_a_book(cli):
    _acme(cli, csm="Ann")
    cli.ok("account", "add", "Beta", "--csm", "Ann")
    a1 = cli.json("task", "add", "Acme", "a1", "--due", "2026-11-30")["id"]
    b1 = cli.json("task", "add", "Beta", "b1", "--due", "2026-11-30")["id"]
    cli.ok("task", "add", "Beta", "bob's", "--due", "2026-11-30", "--owner", "Bob")
    closed = cli.json("task", "add", "Beta", "closed", "--due", "2026-11-30")["id"]
    cli.ok("task", "done", str(closed))
    moved = cli.json("task", "reassign", "--from", "ann", "--to", "Cy", "--account", "Acme")
    assert [m["id"] for m in moved] == [a1] and moved[0]["owner"] == "Cy"
    r = cli.ok("task", "reassign", "--from", "ANN", "--to", "Cy")
    assert "Moved 1 open task from ANN to Cy" in r.stderr
    owners = {t["title"]: t["owner"] for t in _tasks(cli, "--all")}
    assert owners == {"a1": "Cy", "b1": "Cy", "bob's": "Bob", "closed": "Ann"}  # a closed task keeps its owner
    assert [(h["old"], h["new"]) for h in cli.json("history", f"task:{b1}") if h["field"] == "owner"] == [("Ann", "Cy")]
    assert cli("task", "reassign", "--from", "Cy", "--to", "cy").exit_code == 1
    assert cli("task", "reassign", "--from", "Cy", "--to", "Dee", "--account", "Nope").exit_code == 3


# --- tasks follow the work (SPEC section 8) ------------------------------------------------------------------


def _owners(cli, account):
    return {t["title"]: (t["owner"], t["status"]) for t in _tasks(cli, "--all", "--account", account)}


def test_an_account_csm_change_moves_its_open_tasks_and_closes_assign_a_csm(cli):
    cli.ok("config", "set", "csm-manager", "Maria")
    cli.ok("account", "add", "Acme", "--users", "700")  # ruby, no CSM
    cli.ok("opportunity", "add", "Acme", "--name", "Deal", "--stage", "negotiating", "--type", "new")
    intro = cli.json("task", "add", "Acme", "Intro", "--due", "2026-11-30")
    assert intro["owner"] == "Maria"  # held by the CSM manager while there is no CSM
    cli.ok("task", "add", "Acme", "Bob's", "--due", "2026-11-30", "--owner", "Bob")
    r = cli.ok("account", "update", "Acme", "--csm", "Ann")
    assert "'Assign a CSM' is done: Ann is the CSM." in r.stderr
    assert "Acme: 1 open task of no CSM moved to Ann." in r.stderr
    (assign,) = [t for t in _tasks(cli, "--all") if t["title"] == "Assign a CSM"]
    assert (assign["status"], assign["done_date"], assign["closed_reason"], assign["owner"]) == (
        "done", "2026-11-24", "Ann is the CSM", "Maria")
    assert _owners(cli, "Acme") == {"Assign a CSM": ("Maria", "done"), "Intro": ("Ann", "open"),
                                    "Bob's": ("Bob", "open")}
    cli.ok("onboarding", "start", "Acme", "--date", "2026-11-24")
    assert len([t for t in _tasks(cli, "--csm", "ann")]) == 14  # 13 playbook + Intro
    cli.ok("task", "done", str(intro["id"]))
    r = cli.ok("account", "update", "Acme", "--csm", "Cy")
    assert "Acme: 13 open tasks of Ann moved to Cy." in r.stderr
    owners = _owners(cli, "Acme")
    assert owners["Intro"] == ("Ann", "done") and owners["Bob's"] == ("Bob", "open")  # closed and others' stay
    assert {o for title, o in owners.items() if title not in ("Intro", "Bob's", "Assign a CSM")} == {("Cy", "open")}
    moves = [(h["old"], h["new"]) for h in cli.json("history", "Acme") if h["entity"] == "task" and h["field"] == "owner"]
    assert moves == [("Maria", "Ann")] + [("Ann", "Cy")] * 13
    r = cli.ok("account", "update", "Acme", "--csm", "")  # cleared: the CSM manager holds them again
    assert "Acme: 13 open tasks of Cy moved to Maria." in r.stderr


def test_an_onboarding_csm_change_moves_its_open_playbook_tasks(cli):
    cli.ok("account", "add", "Beta", "--csm", "Ann")
    cli.ok("onboarding", "start", "Beta", "--date", "2026-11-24", "--purchase-date", "2026-11-01")
    hand = cli.json("task", "add", "Beta", "Hand-made", "--due", "2026-11-30")  # Ann's, not a playbook task
    kickoff = next(t for t in _tasks(cli) if t["title"] == "Kickoff call")
    cli.ok("task", "update", str(kickoff["id"]), "--owner", "Bob")
    welcome = next(t for t in _tasks(cli) if t["title"] == "Welcome the customer on board")
    cli.ok("task", "done", str(welcome["id"]))
    r = cli.ok("onboarding", "update", "Beta", "--csm", "Dee")
    assert "open playbook tasks of Ann moved to Dee" in r.stderr
    owners = _owners(cli, "Beta")
    assert owners.pop("Hand-made") == ("Ann", "open") and owners.pop("Kickoff call") == ("Bob", "open")
    assert owners.pop("Welcome the customer on board") == ("Ann", "done")
    assert set(owners.values()) == {("Dee", "open")} and len(owners) == 11
    assert [(h["old"], h["new"]) for h in cli.json("history", f"task:{hand['id']}") if h["field"] == "owner"] == []


# --- completion ends the onboarding phase (SPEC section 5) ---------------------------------------------------


ONBOARDING_PHASE = ["Welcome the customer on board", "Personal introduction call", "Installation follow-up",
                    "Kickoff call", "Education session", "Success plan agreed", "First cadence call"]
LIFECYCLE = ["Discovery", "90-day check-in", "Six-month outlook", "Renewal check-in (10 months)",
             "Renewal check-in (11 months)", "Renewal check-in (12 months)"]


def _statuses(cli, account):
    return {t["title"]: (t["status"], t["closed_reason"]) for t in _tasks(cli, "--all", "--account", account)}


def test_completing_moves_the_account_to_adoption_and_skips_the_onboarding_phase(cli):
    cli.ok("account", "add", "Acme", "--csm", "Ann")
    cli.ok("onboarding", "start", "Acme", "--date", "2026-11-10", "--purchase-date", "2026-11-01")
    # recorded 11-24: welcome 11-10, intro 11-12..15 and installation 11-17..20 had passed; kickoff (11-24) had not
    before = _statuses(cli, "Acme")
    assert [t for t, s in before.items() if s[0] == "skipped"] == ONBOARDING_PHASE[:3]
    kickoff = next(t for t in _tasks(cli) if t["title"] == "Kickoff call")
    cli.ok("task", "done", str(kickoff["id"]))
    r = cli.ok("onboarding", "complete", "Acme", "--survey-sent", "--no-survey-received", "--score", "4")
    assert "Acme moves on to adoption." in r.stderr and "3 open onboarding-phase tasks skipped" in r.stderr
    after = _statuses(cli, "Acme")
    assert after["Kickoff call"] == ("done", None)
    assert [after[t] for t in ONBOARDING_PHASE[4:]] == [("skipped", "onboarding completed")] * 3
    assert [after[t] for t in LIFECYCLE] == [("open", None)] * 6
    assert [t["title"] for t in _tasks(cli, "--account", "Acme")] == LIFECYCLE
    assert cli.json("account", "show", "Acme")["lifecycle_stage"] == "adoption"
    stage = [(h["old"], h["new"]) for h in cli.json("history", "Acme") if h["field"] == "lifecycle_stage"]
    assert stage == [(None, "adoption")]


def test_completing_keeps_a_stage_past_onboarding(cli):
    cli.ok("account", "add", "Acme", "--csm", "Ann", "--stage", "expansion")
    cli.ok("account", "add", "Beta", "--csm", "Ann", "--stage", "onboarding")
    for name in ("Acme", "Beta"):
        cli.ok("onboarding", "start", name, "--date", "2026-11-20", "--purchase-date", "2026-11-01")
        cli.ok("onboarding", "complete", name, "--no-survey-sent", "--no-survey-received", "--score", "3")
    assert cli.json("account", "show", "Acme")["lifecycle_stage"] == "expansion"
    assert cli.json("account", "show", "Beta")["lifecycle_stage"] == "adoption"


def test_import_of_a_completed_onboarding_does_what_complete_does(cli, tmp_path):
    cli.ok("account", "add", "Acme", "--csm", "Ann")
    cli.ok("onboarding", "start", "Acme", "--date", "2026-11-20", "--purchase-date", "2026-11-01")
    path = tmp_path / "onboardings.csv"
    path.write_text("Account Name,Status,Start Date,Completed Date,Survey Sent,Survey Received,Score\n"
                    "Acme,Completed,2026-11-20,2026-11-24,yes,no,4\n")
    cli.ok("import", "onboardings", str(path), "--update")
    after = _statuses(cli, "Acme")
    # welcome (11-20) was skipped at the start, the six other onboarding-phase steps at the completion
    assert [after[t] for t in ONBOARDING_PHASE] == [("skipped", "window passed before the start was recorded")] + [
        ("skipped", "onboarding completed")] * 6
    assert [after[t][0] for t in LIFECYCLE] == ["open"] * 6
    assert cli.json("account", "show", "Acme")["lifecycle_stage"] == "adoption"


# --- a back-dated start (SPEC section 8) -----------------------------------------------------------------------


def test_a_back_dated_start_creates_passed_steps_skipped(cli):
    cli.ok("account", "add", "Acme", "--csm", "Ann")
    r = cli.ok("onboarding", "start", "Acme", "--date", "2026-08-01", "--purchase-date", "2026-07-15")
    # recorded 11-24: every step up to the 90-day check-in (10-30) had passed; outlook 2027-02-01 and the renewal
    # check-ins (2027-06-01, 07-01, 08-01) are open
    assert "13 playbook tasks created, 9 of them skipped (window passed before the start was recorded)" in r.stderr
    statuses = _statuses(cli, "Acme")
    assert [t for t, s in statuses.items() if s[0] == "open"] == LIFECYCLE[2:]
    assert {s for t, s in statuses.items() if t not in LIFECYCLE[2:]} == {
        ("skipped", "window passed before the start was recorded")}
    assert [t["due_date"] for t in _tasks(cli, "--due", "7d")] == []  # nothing floods the morning list


def test_a_window_still_open_today_stays_open(cli):
    cli.ok("account", "add", "Acme", "--csm", "Ann")
    cli.ok("onboarding", "start", "Acme", "--date", "2026-11-19", "--purchase-date", "2026-11-01")
    # welcome 11-19 passed; the introduction's window 11-21..11-24 ends today: open (and due, not overdue)
    statuses = _statuses(cli, "Acme")
    assert statuses["Welcome the customer on board"][0] == "skipped"
    assert statuses["Personal introduction call"] == ("open", None)
    (intro,) = [t for t in _tasks(cli, "--due") if t["title"] == "Personal introduction call"]
    assert intro["overdue"] is False
    assert [h["field"] for h in cli.json("history", f"task:{intro['id']}")] == ["(created)"]


# --- import and export carry the new fields ---------------------------------------------------------------------


def test_import_tasks_with_cta_fields_and_the_export_round_trip(cli, other_store, tmp_path):
    from tests.conftest import Cli

    cli.ok("account", "add", "Acme", "--csm", "Ann")
    path = tmp_path / "tasks.csv"
    path.write_text("Account Name,Subject,Due Date,Completed Date,Status,Priority,Type,Reason,Source,Snooze Until\n"
                    "Acme,Renewal risk,2026-11-30,,,High,risk,health red (score 35),rule:health-red,2026-11-27\n"
                    "Acme,Old call,2026-11-01,2026-11-02,,,,,,\n"
                    "Acme,Dropped,2026-11-01,,Deferred,low,,,,\n")
    cli.ok("import", "tasks", str(path))
    got = [(t["title"], t["status"], t["priority"], t["type"], t["reason"], t["source"], t["snooze_date"], t["owner"])
           for t in _tasks(cli, "--all")]
    assert got == [("Renewal risk", "open", "high", "risk", "health red (score 35)", "rule:health-red", "2026-11-27",
                    "Ann"),
                   ("Old call", "done", "medium", "activity", None, "manual", None, "Ann"),
                   ("Dropped", "skipped", "low", "activity", None, "manual", None, "Ann")]
    bad = tmp_path / "bad.csv"
    bad.write_text("Account Name,Subject,Due Date,Completed Date,Status,Priority,Source\n"
                   "Acme,a,2026-11-30,2026-11-02,open,,\n"
                   "Acme,b,2026-11-30,,,urgent,\n"
                   "Acme,c,2026-11-30,,,,robot\n")
    r = cli("import", "tasks", str(bad))
    assert r.exit_code == 1
    assert "done_date" in r.stderr and "priority" in r.stderr and "source" in r.stderr
    assert len(_tasks(cli, "--all")) == 3
    exported = tmp_path / "task.csv"
    exported.write_text(cli.ok("export", "task").stdout)
    other = Cli(other_store)
    other.ok("account", "add", "Acme", "--csm", "Ann")
    other.ok("import", "task", str(exported))
    assert other.json("export", "task") == cli.json("export", "task")


# --- races (real processes; tests/test_races.py has the harness) -------------------------------------------------


@pytest.mark.slow
def test_overlapping_task_done_from_two_processes_closes_each_task_once(cli, tmp_path):
    """`task done A B` and `task done B C` at the same instant: all-or-nothing means exactly one of them wins."""
    from tests.test_races import one_winner, race

    _acme(cli)
    a, b, c = (str(cli.json("task", "add", "Acme", f"t{i}", "--due", "2026-11-30")["id"]) for i in range(3))
    won = one_winner(race(cli.store, [["task", "done", a, b], ["task", "done", b, c]], tmp_path),
                     losers_say=f"#{b} is already done")
    status = {str(t["id"]): t["status"] for t in _tasks(cli, "--all")}
    assert status[b] == "done"
    assert (status[a], status[c]) == (("done", "open") if won == 0 else ("open", "done"))
    assert len([h for h in cli.json("history", f"task:{b}") if h["field"] == "status"]) == 1
