"""Write races with real processes, on both engines (README, "Reliability").

Each test starts several real `cstool` processes that run a command at the same instant (tests/racer.py)
against one store: a SQLite file, or a database of the throwaway PostgreSQL server.  Where the rule
allows one success there is exactly one and the others exit 4 (conflict) with a clear message; where
every change is allowed, every change lands once: no duplicate row, no lost update, sums exact.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, TODAY

pytestmark = pytest.mark.slow  # real processes released at once: `make test`, not `make check`
RACERS = 6


def race(store: str, commands: list[list[str]], tmp: Path) -> list[tuple[int, str]]:
    """Run every command in its own process, all released at once; (exit code, stderr) per command."""
    go = tmp / f"go-{time.monotonic_ns()}"
    env = {**os.environ, "CSTOOL_DB": store, "CSTOOL_TODAY": TODAY, "NO_COLOR": "1"}
    procs = [
        subprocess.Popen([sys.executable, "-m", "tests.racer", str(go), *command], env={**env, "CSTOOL_USER": f"racer{i}"},
                         cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for i, command in enumerate(commands)
    ]
    deadline = time.monotonic() + 120
    while len(list(tmp.glob(go.name + ".*"))) < len(procs):
        assert time.monotonic() < deadline, "racers did not get ready"
        assert all(p.poll() is None for p in procs), [p.stderr.read() for p in procs if p.poll() is not None]
        time.sleep(0.01)
    go.touch()
    return [(p.wait(timeout=300), p.stderr.read()) for p in procs]


def one_winner(results: list[tuple[int, str]], losers_say: str) -> int:
    """Exactly one command succeeded and every other was refused (exit 4) with the message that the winner's
    change calls for (`losers_say`, a part of it); returns the winner's index in `results`."""
    codes = sorted(code for code, _ in results)
    assert codes == [0] + [4] * (len(results) - 1), results
    for code, err in results:
        if code == 4:
            assert err.startswith("error: ") and len(err.strip().splitlines()) <= 2, err
            assert "Traceback" not in err and "internal error" not in err
            assert losers_say in err, (losers_say, err)
    return next(i for i, (code, _) in enumerate(results) if code == 0)


def all_succeed(results: list[tuple[int, str]]) -> None:
    assert [code for code, _ in results] == [0] * len(results), results


# --- EBRs ------------------------------------------------------------------------------------------------------


def _ebr(cli, date="2026-11-10"):
    if not any(a["name"] == "Acme" for a in cli.json("account", "list")):
        cli.ok("account", "add", "Acme", "--ebr-cadence", "quarterly")
    return cli.json("ebr", "schedule", "Acme", "--date", date)["id"]


def test_decline_with_next_by_id_makes_one_successor(cli, tmp_path):
    ebr = _ebr(cli)
    one_winner(race(cli.store, [["ebr", "decline", str(ebr), "--next"]] * RACERS, tmp_path), f"#{ebr} is declined;")
    ebrs = cli.json("ebr", "list", "--account", "Acme")
    assert [(e["status"], e["date"]) for e in ebrs] == [("declined", "2026-11-10"), ("scheduled", "2027-02-08")]


def test_complete_cancel_decline_and_reschedule_racing_on_one_ebr(cli, tmp_path):
    """Six different closing moves on one EBR, with and without --next: one of them wins."""
    ebr = str(_ebr(cli))
    commands = [
        ["ebr", "complete", ebr, "--outcome", "successful", "--next"],
        ["ebr", "complete", ebr, "--outcome", "unsuccessful"],
        ["ebr", "cancel", ebr, "--next"],
        ["ebr", "cancel", ebr],
        ["ebr", "decline", ebr, "--next"],
        ["ebr", "reschedule", ebr, "--date", "2027-03-01"],  # another quarter: declines it and adds one
    ]
    results = race(cli.store, commands, tmp_path)
    # what each move leaves: the original's status, and the date of the EBR scheduled after it (or None)
    leaves = [("completed", "2027-02-08"), ("completed", None), ("cancelled", "2027-02-08"), ("cancelled", None),
              ("declined", "2027-02-08"), ("declined", "2027-03-01")]
    winner = one_winner(results, "")
    status, successor = leaves[winner]
    for code, err in results:
        if code == 4:
            assert f"#{ebr} is {status};" in err, (commands[winner], err)
    ebrs = cli.json("ebr", "list", "--account", "Acme")
    assert [(e["id"], e["status"]) for e in ebrs[:1]] == [(int(ebr), status)], commands[winner]
    assert [(e["status"], e["date"]) for e in ebrs[1:]] == ([("scheduled", successor)] if successor else [])


def test_every_closing_move_alone_with_next(cli, tmp_path):
    for move in (["complete", "--outcome", "partially-successful"], ["cancel"]):
        ebr = _ebr(cli, "2026-11-12")
        status = {"complete": "completed", "cancel": "cancelled"}[move[0]]
        one_winner(race(cli.store, [["ebr", move[0], str(ebr), *move[1:], "--next"]] * RACERS, tmp_path),
                   f"#{ebr} is {status};")
        successors = [e for e in cli.json("ebr", "list", "--account", "Acme")
                      if e["date"] == "2027-02-10" and e["status"] == "scheduled"]
        assert len(successors) == 1
        cli.ok("ebr", "cancel", str(successors[0]["id"]))


def test_reschedule_across_quarters_replaces_once(cli, tmp_path):
    ebr = _ebr(cli)
    one_winner(race(cli.store, [["ebr", "reschedule", str(ebr), "--date", "2027-02-15"]] * RACERS, tmp_path),
               f"#{ebr} is declined;")
    ebrs = cli.json("ebr", "list", "--account", "Acme")
    assert [(e["status"], e["replaces_id"]) for e in ebrs] == [("declined", None), ("scheduled", ebr)]


def test_link_auto_at_once_links_the_four_once(cli, tmp_path):
    cli.ok("account", "add", "Acme")
    for date in ("2026-01-10", "2026-03-10", "2026-05-10", "2026-07-10", "2026-09-10"):
        e = cli.json("ebr", "schedule", "Acme", "--date", date)["id"]
        cli.ok("ebr", "complete", str(e), "--outcome", "successful")
    cli.ok("opportunity", "add", "Acme", "--name", "Renewal", "--stage", "closed-won", "--close-date", "2026-10-01")
    all_succeed(race(cli.store, [["ebr", "link", "--auto", "--opportunity", "Renewal"]] * RACERS, tmp_path))
    linked = [e["date"] for e in cli.json("ebr", "list", "--account", "Acme") if e["opportunity_ids"]]
    assert linked == ["2026-03-10", "2026-05-10", "2026-07-10", "2026-09-10"]
    rows = [r for r in cli.json("export", "ebr_opportunity")]
    assert len(rows) == 4  # no duplicate link rows


# --- tasks -----------------------------------------------------------------------------------------------------


def test_task_done_once(cli, tmp_path):
    cli.ok("account", "add", "Acme")
    task = cli.json("task", "add", "Acme", "Call back", "--due", "2026-11-30")["id"]
    one_winner(race(cli.store, [["task", "done", str(task)]] * RACERS, tmp_path), f"#{task} is already done on {TODAY}")
    done = [h for h in cli.json("history", f"task:{task}") if h["field"] == "done_date"]
    assert len(done) == 1


# --- onboarding ------------------------------------------------------------------------------------------------


def _account_with_purchase(cli):
    cli.ok("account", "add", "Acme", "--csm", "Ann")
    cli.ok("opportunity", "add", "Acme", "--name", "Deal", "--stage", "closed-won", "--close-date", "2026-10-01")


def test_onboarding_start_once(cli, tmp_path):
    _account_with_purchase(cli)
    one_winner(race(cli.store, [["onboarding", "start", "Acme", "--date", "2026-11-02"]] * RACERS, tmp_path),
               "Acme already has an open onboarding")
    assert len(cli.json("onboarding", "list", "--account", "Acme")) == 1
    assert len(cli.json("task", "list", "--account", "Acme", "--all")) == 13  # one playbook, not six


def test_onboarding_complete_and_hold_once(cli, tmp_path):
    _account_with_purchase(cli)
    cli.ok("onboarding", "start", "Acme", "--date", "2026-11-02")
    one_winner(race(cli.store, [["onboarding", "hold", "Acme", "--reason", "waiting on legal",
                                 "--cause", "customer"]] * RACERS, tmp_path), "is already on hold (waiting on legal)")
    cli.ok("onboarding", "resume", "Acme")
    complete = ["onboarding", "complete", "Acme", "--survey-sent", "--survey-received", "--score", "4"]
    one_winner(race(cli.store, [complete] * RACERS, tmp_path), "Acme has no open onboarding; its latest")
    assert [o["status"] for o in cli.json("onboarding", "list", "--account", "Acme")] == ["completed"]
    statuses = [h["new"] for h in cli.json("history", "Acme") if h["field"] == "status"]
    assert statuses.count("completed") == 1 and statuses.count("on-hold") == 1


def test_onboarding_update_and_usage_serialise(cli, tmp_path):
    _account_with_purchase(cli)
    cli.ok("onboarding", "start", "Acme", "--date", "2026-11-02")
    commands = [["onboarding", "usage", "Acme", "--licenses", "100", "--active", str(20 + i), "--date",
                 f"2026-11-{10 + i}"] for i in range(RACERS - 2)]
    commands += [["onboarding", "update", "Acme", "--infra-ready", "2026-11-05"],
                 ["onboarding", "update", "Acme", "--notes", "racing notes"]]
    all_succeed(race(cli.store, commands, tmp_path))
    shown = cli.json("onboarding", "show", "Acme")
    assert len(shown["usage"]) == RACERS - 2
    assert shown["infra_ready_date"] == "2026-11-05" and shown["notes"] == "racing notes"
    # the first snapshot at or above 10% sets first value once; later ones leave it
    changes = [h for h in cli.json("history", "Acme") if h["field"] == "first_value_date"]
    assert len(changes) == 1 and shown["first_value_date"] == changes[0]["new"]


# --- PSEs ------------------------------------------------------------------------------------------------------

READY = ["--approver", "Pat", "--actual-start", "2026-11-02", "--expected-completion", "2026-12-15",
         "--scoped-hours", "40", "--success-criteria", "CI migrated", "--econtract", "https://c.example/1",
         "--sow", "https://sow.example/1", "--collaboration-project", "https://git.example/ps", "--signed-acceptance"]


def _pse(cli):
    cli.ok("account", "add", "Acme")
    cli.ok("opportunity", "add", "Acme", "--name", "PS", "--stage", "closed-won", "--close-date", "2026-10-20",
           "--type", "services")
    cli.ok("pse", "create", "Acme", "--opportunity", "PS", "--name", "Migration")


def test_pse_kickoff_log_hours_and_complete(cli, tmp_path):
    _pse(cli)
    one_winner(race(cli.store, [["pse", "kickoff", "Migration", *READY]] * RACERS, tmp_path),
               "only a backlog engagement is kicked off")
    all_succeed(race(cli.store, [["pse", "log-hours", "Migration", "1.25", "--date", "2026-11-20"]] * RACERS, tmp_path))
    shown = cli.json("pse", "show", "Migration")
    assert (shown["hours_consumed"], shown["remaining_hours"]) == (7.5, 32.5)  # 6 x 1.25, exact
    one_winner(race(cli.store, [["pse", "complete", "Migration", "--completed", "2026-11-23",
                                 "--customer-signoff"]] * RACERS, tmp_path), "was already completed on 2026-11-23")
    assert cli.json("pse", "show", "Migration")["status"] == "completed"


# --- accounts and gemstones --------------------------------------------------------------------------------------


def test_account_update_into_ruby_creates_one_onboarding(cli, tmp_path):
    cli.ok("account", "add", "Acme", "--users", "100")
    commands = [["account", "update", "Acme", "--users", str(600 + i)] for i in range(RACERS)]
    all_succeed(race(cli.store, commands, tmp_path))
    assert len(cli.json("onboarding", "list", "--account", "Acme")) == 1
    users = [h for h in cli.json("history", "Acme") if h["field"] == "users"]
    assert len(users) == RACERS  # every update landed, none lost
    assert cli.json("account", "show", "Acme")["gemstone"] == "ruby"


def test_recalc_against_concurrent_account_updates(cli, tmp_path):
    for i in range(3):
        cli.ok("account", "add", f"Acct{i}", "--users", "100")
    commands = [["gemstone", "recalc"]] * 3 + [["account", "update", f"Acct{i}", "--users", "6000"] for i in range(3)]
    all_succeed(race(cli.store, commands, tmp_path))
    # whatever the order, every stored gemstone equals its inputs, and each account got one onboarding
    assert [a["gemstone"] for a in cli.json("account", "list")] == ["diamond"] * 3
    r = cli.ok("gemstone", "recalc", "--dry-run", "-f", "json")
    assert r.json()["transitions"] == []
    assert len(cli.json("onboarding", "list")) == 3


# --- import ------------------------------------------------------------------------------------------------------


def test_import_against_concurrent_writes(cli, tmp_path):
    csv = tmp_path / "accounts.csv"
    csv.write_text("Account Name,Licensed Users\n" + "".join(f"Imported {i},{i}\n" for i in range(200)) + "Zulu,5\n")
    commands = [["import", "accounts", str(csv)], ["account", "add", "Zulu"]]
    commands += [["account", "add", f"Other {i}"] for i in range(RACERS - 2)]
    results = race(cli.store, commands, tmp_path)
    assert [code for code, _ in results[2:]] == [0] * (RACERS - 2)
    names = [a["name"] for a in cli.json("account", "list", "--all")]
    assert names.count("Zulu") == 1
    imported = [n for n in names if n.startswith("Imported ")]
    (import_code, _), (add_code, _) = results[:2]
    if import_code == 0:  # the import came first: all 200 and Zulu; the single add was refused
        assert (len(imported), add_code) == (200, 4)
    else:  # the add came first: the import was refused whole, nothing of it written
        assert (import_code, add_code, imported) == (1, 0, [])
    assert len(names) == len(imported) + 1 + RACERS - 2


# --- a writer held past the busy timeout -------------------------------------------------------------------------


def test_a_held_write_lock_times_out_clearly_and_reads_go_on(cli):
    """Someone else holds the store's write lock: a write waits CSTOOL_BUSY_TIMEOUT, then exits 5; reads never wait."""
    cli.ok("account", "add", "Acme")
    if cli.store.startswith("postgresql"):
        import psycopg

        from cstool.storage.engine import WRITE_LOCK_KEY

        holder = psycopg.connect(cli.store.replace("postgresql+psycopg://", "postgresql://"))
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
    else:
        import sqlite3

        holder = sqlite3.connect(cli.store, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
    try:
        r = cli("account", "update", "Acme", "--health", "red", env={"CSTOOL_BUSY_TIMEOUT": "1"})
        assert r.exit_code == 5, r.stderr
        assert r.stderr.startswith("error: store: ") and "locked by another writer" in r.stderr
        assert cli.json("account", "show", "Acme")["health"] is None  # reads do not wait
    finally:
        holder.rollback()
        holder.close()
    cli.ok("account", "update", "Acme", "--health", "red")
