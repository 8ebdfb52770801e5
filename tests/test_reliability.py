"""The reliability promises (README, "Reliability"), proven by tests that can fail."""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, run_cstool
from tests.state import store_state

PROCS, TXNS = 8, 200


# --- concurrent writers ------------------------------------------------------------------------


def _increment_worker(db: str, n: int, queue) -> None:
    """Read the account's users, write users + 1, through cstool's own engine and services."""
    os.environ["CSTOOL_TODAY"] = "2026-11-24"
    from cstool.errors import CstoolError
    from cstool.services.accounts import update_account
    from cstool.services.lookup import find_account
    from cstool.storage.store import open_store

    store = open_store(db, actor=f"w{os.getpid()}")
    errors = []
    for _ in range(n):
        try:
            with store.write() as session:
                current = find_account(session, "Counter", for_update=True).users or 0
                update_account(session, ref="Counter", raw={"users": str(current + 1)}, actor=store.actor)
        except CstoolError as exc:
            errors.append(exc.message)
    store.close()
    queue.put(errors)


def _run_workers(target, args) -> list[str]:
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, queue)) for _ in range(PROCS)]
    for p in procs:
        p.start()
    errors = []
    for _ in procs:
        errors += queue.get(timeout=600)
    for p in procs:
        p.join(timeout=60)
    return errors


@pytest.mark.slow
def test_concurrent_read_then_write_transactions(cli, store):
    cli.ok("account", "add", "Counter", "--users", "0")
    errors = _run_workers(_increment_worker, (store, TXNS))
    assert [e for e in errors if "locked" in e] == []
    assert errors == []
    account = cli.json("account", "show", "Counter")
    assert account["users"] == PROCS * TXNS  # no lost update
    changes = [h for h in cli.json("history", "Counter") if h["field"] == "users"]
    assert len(changes) == PROCS * TXNS
    assert sorted(int(h["new"]) for h in changes) == list(range(1, PROCS * TXNS + 1))  # no duplicate
    assert all(c["ok"] for c in cli.json("db", "check"))


def _deferred_worker(db: str, n: int, queue) -> None:
    """The control: the same read-then-write with a plain deferred BEGIN (what Python's sqlite3 does)."""
    conn = sqlite3.connect(db, timeout=30, isolation_level=None)
    errors = []
    for _ in range(n):
        try:
            conn.execute("BEGIN")
            (users,) = conn.execute("SELECT users FROM account WHERE name = 'Counter'").fetchone()
            conn.execute("UPDATE account SET users = ? WHERE name = 'Counter'", (users + 1,))
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            errors.append(str(exc))
            conn.execute("ROLLBACK")
    conn.close()
    queue.put(errors)


@pytest.mark.slow
def test_control_deferred_begin_shows_the_failure(bare_cli, tmp_path):
    db = str(tmp_path / "control.db")
    bare_cli.ok("--db", db, "account", "add", "Counter", "--users", "0")
    errors = _run_workers(_deferred_worker, (db, TXNS))
    users = sqlite3.connect(db).execute("SELECT users FROM account WHERE name = 'Counter'").fetchone()[0]
    locked = [e for e in errors if "locked" in e]
    # the failure this design prevents: "database is locked" (or, without it, lost updates)
    assert locked or users < PROCS * TXNS
    assert len(locked) + users == PROCS * TXNS


@pytest.mark.slow
def test_six_real_processes_writing_at_once(cli):
    cli.ok("account", "add", "Busy")
    rounds = 12
    script = " && ".join(
        f'{sys.executable} -m cstool --db "$DB" activity log Busy --type email --subject "w$W-{i}"' for i in range(rounds)
    )
    env = {**os.environ, "DB": cli.store, "CSTOOL_TODAY": "2026-11-24"}
    procs = [subprocess.Popen(["sh", "-c", script], env={**env, "W": str(w)}, cwd=str(ROOT),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for w in range(6)]
    results = [(p.wait(timeout=600), p.stderr.read().decode()) for p in procs]
    assert [code for code, _ in results] == [0] * 6, [err for _, err in results]
    assert len(cli.json("activity", "list", "Busy")) == 6 * rounds


# --- kill -9 -------------------------------------------------------------------------------------

BATCH_WRITER = """
import os, sys
os.environ["CSTOOL_TODAY"] = "2026-11-24"
from sqlalchemy import insert
from cstool.clock import now
from cstool.storage.models import Activity
from cstool.storage.store import open_store
store = open_store(sys.argv[1], actor="killer")
account_id = int(sys.argv[2])
batch = 0
print("ready", flush=True)
while True:
    batch += 1
    with store.write() as s:
        s.execute(insert(Activity), [
            {"account_id": account_id, "on_date": now().date(), "type": "email", "subject": f"{os.getpid()}-{batch}",
             "created_at": now(), "actor": "killer"} for _ in range(50)])
"""


def _sqlite_checks(db: str) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


@pytest.mark.slow
def test_kill_9_during_batch_writes_leaves_whole_batches(bare_cli, tmp_path):
    db = str(tmp_path / "kill.db")
    account = bare_cli.json("--db", db, "account", "add", "Victim")["id"]
    rng = random.Random(99)
    for _ in range(25):
        child = subprocess.Popen([sys.executable, "-c", BATCH_WRITER, db, str(account)], cwd=str(ROOT),
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        child.wait()
        _sqlite_checks(db)
        conn = sqlite3.connect(db)
        sizes = {n for (n,) in conn.execute("SELECT count(*) FROM activity GROUP BY subject")}
        conn.close()
        assert sizes <= {50}, sizes  # every batch wholly present (or wholly absent: not there at all)


def _content(store: str):
    """What a store holds, as a reader after a crash sees it: SQLite's logical dump (recovery drops an
    uncommitted transaction's pages from the -wal file), PostgreSQL's rows."""
    if store.startswith("postgresql"):
        return store_state(store)
    _sqlite_checks(store)
    conn = sqlite3.connect(store)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _killed_import(store: str, csv_path, *extra: str) -> int:
    """`cstool import accounts` with the fault hook set: it kills itself (-9) after writing every row, inside the
    write transaction, before the commit (CSTOOL_FAULT=import-write in services/importing/base.py)."""
    return subprocess.run([sys.executable, "-m", "cstool", "--db", store, "import", "accounts", str(csv_path), *extra],
                          cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600,
                          env={**os.environ, "CSTOOL_TODAY": "2026-11-24", "CSTOOL_FAULT": "import-write"}).returncode


@pytest.mark.slow
def test_kill_9_inside_a_large_import_is_all_or_nothing(cli, tmp_path):
    """Killed inside its write transaction (two batches written), an import leaves the store exactly as before
    (a new import) or exactly as after the import that last finished (an --update of every row); both engines."""
    rows = 6_000  # more than one write batch (BATCH = 5,000)
    csv_path = tmp_path / "big.csv"
    csv_path.write_text("Account Name,Licensed Users,Incremental ACV\n"
                        + "".join(f"Company {i},{i % 3000},{i * 7}\n" for i in range(rows)))
    before = _content(cli.store)
    assert _killed_import(cli.store, csv_path) == -signal.SIGKILL  # the kill landed at the hook
    assert _content(cli.store) == before
    cli.ok("import", "accounts", str(csv_path))
    after = _content(cli.store)
    assert len(cli.json("account", "list", "--all")) == rows
    changed = tmp_path / "changed.csv"
    changed.write_text("Account Name,Licensed Users,Incremental ACV\n"
                       + "".join(f"Company {i},{i % 3000 + 1},{i * 7}\n" for i in range(rows)))
    assert _killed_import(cli.store, changed, "--update") == -signal.SIGKILL
    assert _content(cli.store) == after
    cli.ok("db", "check")
    # a burst right after a kill: WAL recovery holds a lock briefly, and every command still succeeds
    child = subprocess.Popen([sys.executable, "-c", BATCH_WRITER, cli.store, "1"], cwd=str(ROOT),
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert child.stdout.readline().strip() == b"ready"
    child.send_signal(signal.SIGKILL)
    child.wait()
    burst = [subprocess.Popen([sys.executable, "-m", "cstool", "--db", cli.store, "account", "add", f"After {i}"],
                              cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for i in range(6)]
    assert [p.wait(timeout=300) for p in burst] == [0] * 6


# --- backups under load ------------------------------------------------------------------------------


@pytest.mark.slow
def test_backup_while_another_process_writes(bare_cli, tmp_path):
    db = str(tmp_path / "live.db")
    account = bare_cli.json("--db", db, "account", "add", "Live")["id"]
    writer = subprocess.Popen([sys.executable, "-c", BATCH_WRITER, db, str(account)], cwd=str(ROOT),
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        writer.stdout.readline()
        for i in range(3):
            time.sleep(0.2)
            target = tmp_path / f"copy-{i}.db"
            r = run_cstool("--db", db, "db", "backup", str(target))
            assert r.returncode == 0, r.stderr
            assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
            _sqlite_checks(str(target))
            conn = sqlite3.connect(target)
            sizes = {n for (n,) in conn.execute("SELECT count(*) FROM activity GROUP BY subject")}
            conn.close()
            assert sizes <= {50}
        before = hashlib.sha256(open(tmp_path / "copy-0.db", "rb").read()).hexdigest()
        r = run_cstool("--db", db, "db", "backup", str(tmp_path / "copy-0.db"))
        assert r.returncode == 5 and "already exists" in r.stderr
        assert hashlib.sha256(open(tmp_path / "copy-0.db", "rb").read()).hexdigest() == before
    finally:
        writer.kill()
        writer.wait()


# --- secrets ----------------------------------------------------------------------------------------------


def test_a_postgres_password_never_shows(request):
    """On the PostgreSQL server of the suite (its trust auth accepts any password, so the URL works)."""
    from tests.conftest import Cli

    external = os.environ.get("CSTOOL_TEST_DATABASE_URL")
    if external:
        store = external
    else:
        server = request.getfixturevalue("pg_server")
        store = server.create_database("secrets", template=request.getfixturevalue("pg_template"))
    cli = Cli(store)
    secret = "Sup3r-S3cret-pw"
    user = store.split("://", 1)[1].split("@", 1)[0].split(":", 1)[0]
    url = store.replace(f"://{user}@", f"://{user}:{secret}@") if ":" not in store.split("://", 1)[1].split("@")[0] \
        else store
    assert secret in url or external
    outputs = []
    for argv in (("db", "path"), ("db", "info", "-f", "json"), ("db", "check"), ("account", "list"),
                 ("account", "show", "nobody"), ("backup-none",)):
        r = cli("--db", url, *argv, db=False)
        outputs.append(r.stdout + r.stderr)
    bad = url.rsplit("/", 1)[0] + "/no_such_database"
    r = cli("--db", bad, "account", "list", db=False)
    assert r.exit_code == 5
    outputs.append(r.stdout + r.stderr)
    r = cli("--db", bad, "--debug", "db", "path", db=False)
    outputs.append(r.stdout + r.stderr)
    assert all(secret not in text for text in outputs), [t for t in outputs if secret in t]
    assert ":***@" in outputs[0]


@pytest.mark.slow
def test_a_closed_pipe_ends_quietly(bare_cli, tmp_path):
    db = str(tmp_path / "pipe.db")
    bare_cli.ok("--db", db, "demo")
    # ~2,000 task rows (well over a 64 KiB pipe buffer) into a reader that stops after one line
    r = subprocess.run(["bash", "-o", "pipefail", "-c", f'{sys.executable} -m cstool --db "{db}" export task | head -1'],
                       capture_output=True, text=True, cwd=str(ROOT))
    assert r.stdout.splitlines() == [r.stdout.splitlines()[0]] and r.stdout.startswith("title,due_date,")
    assert (r.returncode, r.stderr) == (0, "")
