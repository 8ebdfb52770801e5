"""Tasks as calls to action (SPEC sections 8 and 18) through the real CLI, on both engines; today is 2026-11-24."""

from __future__ import annotations

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
