"""Bounded work (SPEC 10): many ids in one parameter, bounded recurrences and address lists, restores that
validate, imports that check before they lock and let a waiting writer in."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

OPEN_ONBOARDINGS = 70_000  # more than PostgreSQL's 65,535 bind parameters in one statement


def _engine(store: str):
    url = store if store.startswith("postgresql") else f"sqlite:///{store}"
    return sa.create_engine(url)


def _bulk_open_onboardings(store: str, n: int) -> None:
    """n accounts, each with one in-progress onboarding, in four set-based statements."""
    engine = _engine(store)
    numbers = ("SELECT generate_series(1, :n) AS i" if store.startswith("postgresql") else
               "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < :n) SELECT i FROM s")
    stamp = "'2026-11-01 00:00:00'"
    with engine.begin() as conn:
        conn.execute(sa.text(
            f"INSERT INTO account (id, name, name_key, users, gemstone_rank, gemstone, csm, created_at, updated_at) "
            f"SELECT i, 'Co ' || i, 'co ' || i, 800, 4, 'ruby', 'Ann', {stamp}, {stamp} FROM ({numbers}) n"), {"n": n})
        conn.execute(sa.text(
            f"INSERT INTO onboarding (id, account_id, status, purchase_date, start_date, owner, created_at, updated_at) "
            f"SELECT i, i, 'in-progress', '2026-10-01', '2026-10-05', 'Ann', {stamp}, {stamp} FROM ({numbers}) n"),
            {"n": n})
        conn.execute(sa.text(
            f"INSERT INTO task (account_id, onboarding_id, title, due_date, created_at) "
            f"SELECT i, i, 'Kick-off call', '2026-12-01', {stamp} FROM ({numbers}) n WHERE i % 7 = 0"),
            {"n": n})
        if store.startswith("postgresql"):
            for table in ("account", "onboarding", "task"):
                conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT MAX(id) FROM {table}))"))
    engine.dispose()


@pytest.mark.slow
def test_seventy_thousand_open_onboardings(cli, store, tmp_path):
    """Before `among`, PostgreSQL refused these with "number of parameters must be between 0 and 65535" (exit 5)."""
    _bulk_open_onboardings(store, OPEN_ONBOARDINGS)
    report = cli.json("report", "onboarding")
    rows = report
    assert len(rows) == OPEN_ONBOARDINGS
    listed = cli.json("onboarding", "list", "--open")
    assert len(listed) == OPEN_ONBOARDINGS
    assert {r["account"] for r in listed[:3]} == {"Co 1", "Co 2", "Co 3"}
    page = tmp_path / "dash.html"
    cli.ok("dashboard", "-o", str(page))
    assert page.stat().st_size > 10_000


def test_among_selects_by_any_number_of_values(store):
    """One parameter whatever the number of values: ints and text, none, in select and update."""
    from cstool.storage.many import among

    _bulk_open_onboardings(store, 1_000)
    engine = _engine(store)
    a = sa.Table("account", sa.MetaData(), autoload_with=engine)
    with engine.begin() as conn:
        statement = sa.select(sa.func.count()).where(among(a.c.id, range(0, 100_000)))
        compiled = statement.compile(dialect=conn.dialect)
        assert len(compiled.params) == 1
        assert conn.execute(statement).scalar() == 1_000
        assert conn.execute(sa.select(sa.func.count()).where(among(a.c.name_key, ["co 5", "co 7", "nobody"]))
                            ).scalar() == 2
        assert conn.execute(sa.select(sa.func.count()).where(among(a.c.id, []))).scalar() == 0
        conn.execute(sa.update(a).where(among(a.c.id, [1, 2, 3])).values(csm="Bo"))
        assert conn.execute(sa.select(sa.func.count()).where(a.c.csm == "Bo")).scalar() == 3
    engine.dispose()


# --- recurrence bombs and address floods (item 5) --------------------------------------------------------------

def _calendar(rrule: str, start: str = "20261101T090000Z") -> str:
    return "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT", f"DTSTART:{start}",
        f"RRULE:{rrule}", "UID:bomb-1@ourteam.com", "SUMMARY:Acme sync", "ORGANIZER:mailto:csm@ourteam.com",
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:ann@acme.com", "END:VEVENT", "END:VCALENDAR", ""])


@pytest.fixture
def acme(cli):
    cli.ok("account", "add", "Acme", "--domain", "acme.com")
    cli.ok("config", "set", "team-domains", "ourteam.com")
    return cli


def _activities(cli) -> int:
    return len(cli.json("activity", "list", "Acme", "--limit", "100000"))


@pytest.mark.parametrize("rule", ["FREQ=DAILY;INTERVAL=0", "FREQ=SECONDLY;INTERVAL=0"])
def test_an_interval_of_zero_is_refused_with_the_file_and_the_reason(acme, tmp_path, rule):
    """Before: INTERVAL=0 ran forever at 40 MB/s under the write lock."""
    ics = tmp_path / "bomb.ics"
    ics.write_text(_calendar(rule))
    r = acme("activity", "import-calendar", str(ics))
    assert r.exit_code == 1, r.stderr
    assert str(ics) in r.stderr and "INTERVAL=0" in r.stderr and "nothing was imported" in r.stderr
    assert _activities(acme) == 0


@pytest.mark.parametrize("rule", ["FREQ=SECONDLY", "FREQ=MINUTELY"])
def test_one_event_expands_to_at_most_5000_occurrences(acme, tmp_path, rule):
    """Before: FREQ=SECONDLY logged 396,000 meetings.  Now the first 5,000 are logged and the rest counted."""
    from cstool.domain.mail import MAX_OCCURRENCES

    ics = tmp_path / "bomb.ics"
    ics.write_text(_calendar(rule))
    r = acme("activity", "import-calendar", str(ics), "-f", "json")
    assert r.exit_code == 0, r.stderr
    summary = r.json()
    assert summary["logged"] == MAX_OCCURRENCES
    assert summary["events_over_occurrence_cap"] == 1 and summary["occurrences_skipped"] == MAX_OCCURRENCES
    assert f"more than {MAX_OCCURRENCES:,} times" in r.stderr
    assert _activities(acme) == MAX_OCCURRENCES


def test_a_message_with_100000_addresses_is_read_in_bounded_work(store, tmp_path):
    """Before: 107 s and 951 MB for one .eml.  Now the first 1,000 addresses are matched and the rest counted;
    the process's peak memory is measured (a real `cstool` process)."""
    import os
    import subprocess
    import sys

    from cstool.domain.mail import MAX_ADDRESSES
    from tests.conftest import ROOT

    env = {**os.environ}
    base = [sys.executable, "-m", "cstool", "--db", store]
    for args in (["account", "add", "Acme", "--domain", "acme.com"],
                 ["config", "set", "team-domains", "ourteam.com"]):
        subprocess.run(base + args, check=True, capture_output=True, env=env, cwd=str(ROOT))
    recipients = ",\r\n ".join(f"user{i}@other{i % 97}.example" for i in range(100_000))
    eml = tmp_path / "flood.eml"
    eml.write_text(f"From: Ann <ann@acme.com>\r\nTo: {recipients}\r\nSubject: Hello\r\n"
                   "Date: Tue, 10 Nov 2026 10:00:00 +0000\r\nMessage-ID: <flood@acme.com>\r\n\r\nbody\r\n")
    # A small launcher starts the command and reads its peak RSS: a process forked straight from this (large)
    # test process would count the parent's pages in its own peak.
    launcher = ("import os, subprocess, sys\n"
                "p = subprocess.Popen(sys.argv[2:])\n"
                "_, status, usage = os.wait4(p.pid, 0)\n"
                "open(sys.argv[1], 'w').write(str(usage.ru_maxrss))\n"
                "sys.exit(os.waitstatus_to_exitcode(status))\n")
    with open(tmp_path / "out", "wb") as out, open(tmp_path / "err", "wb") as err:
        proc = subprocess.run([sys.executable, "-c", launcher, str(tmp_path / "peak"), *base, "activity",
                               "import-mail", str(eml), "-f", "json"], stdout=out, stderr=err, env=env, cwd=str(ROOT))
    err = (tmp_path / "err").read_bytes()
    assert proc.returncode == 0, err.decode()
    peak = int((tmp_path / "peak").read_text()) / 1024
    assert peak < 300, f"peak {peak:.0f} MB"  # before: 951 MB
    import json

    summary = json.loads((tmp_path / "out").read_bytes())
    assert summary["logged"] == 1 and summary["messages_over_address_cap"] == 1
    assert summary["addresses_skipped"] == 100_001 - MAX_ADDRESSES  # From's one, then To's 100,000
    assert f"more than {MAX_ADDRESSES:,} addresses" in err.decode()


def test_values_echoed_in_messages_are_cut_to_80_characters(cli):
    from cstool.errors import ECHO_LIMIT, echo

    long = "x" * 5_000
    r = cli("account", "list", "--gemstone", long)
    assert r.exit_code in (1, 2) and long not in r.stderr
    assert len(echo(long)) <= ECHO_LIMIT + 2 and echo(long).endswith("...'")
    assert max(len(line) for line in r.stderr.splitlines()) < 400


# --- restores validate (item 4) -----------------------------------------------------------------------------

def _rows(cli, table: str) -> list[dict]:
    return cli.json("export", table)


def test_a_restored_setting_goes_through_config_sets_check(cli, tmp_path):
    """Before: `import setting` with fiscal-year-start 13 exited 0, and then every report failed."""
    path = tmp_path / "setting.csv"
    path.write_text("key,value,updated_at,updated_by\n"
                    "tte-goal,20,2026-11-01T00:00:00Z,ann\n"
                    "fiscal-year-start,13,2026-11-01T00:00:00Z,ann\n")
    r = cli("import", "setting", str(path))
    assert r.exit_code == 1, r.stderr
    assert "line 3: fiscal-year-start: '13' is not accepted; use a whole number from 1 to 12" in r.stderr
    assert _rows(cli, "setting") == []  # all or nothing: the good line 2 is not in either
    path.write_text("key,value,updated_at,updated_by\nno-such-setting,1,2026-11-01T00:00:00Z,ann\n")
    r = cli("import", "setting", str(path))
    assert r.exit_code == 1 and "line 2: key: 'no-such-setting' is not accepted" in r.stderr


@pytest.mark.parametrize("cell, column, reason", [
    ("users=-5", "users", "use a whole number from 0 to"),
    ("health=purple", "health", "use one of green, yellow, red"),
    ("health=Red", "health", "use one of green, yellow, red"),  # a restore stores exactly what a command stores
    ("gemstone=opal", "gemstone", "use one of diamond"),
])
def test_restored_accounts_go_through_the_commands_checks(cli, tmp_path, cell, column, reason):
    """Before: a restored account took users -5 and health "purple"."""
    cli.ok("account", "add", "Acme", "--users", "10", "--health", "green")
    cli.ok("account", "add", "Globex", "--users", "20")
    exported = tmp_path / "account.csv"
    exported.write_text(cli.ok("export", "account").stdout)
    import csv

    with open(exported, newline="") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    key, value = cell.split("=")
    rows[1][key] = value  # Globex, on line 3
    for r in rows:
        r["id"] = str(int(r["id"]) + 100)
        r["name"] += " restored"
        r["name_key"] += " restored"
    with open(exported, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header)
        w.writeheader()
        w.writerows(rows)
    r = cli("import", "account", str(exported))
    assert r.exit_code == 1, r.stderr
    assert f"line 3: {column}: {value!r}" in r.stderr.replace("-5 ", "'-5' ") and reason in r.stderr
    assert len(_rows(cli, "account")) == 2  # nothing was imported


def test_import_all_refuses_a_folder_with_a_bad_value(cli, other_store, tmp_path):
    from tests.conftest import Cli

    cli.ok("account", "add", "Acme", "--users", "10")
    cli.ok("onboarding", "start", "Acme", "--date", "2026-11-02")
    folder = tmp_path / "backup"
    cli.ok("export", "--all", str(folder))
    text = (folder / "onboarding.csv").read_text().splitlines()
    header = text[0].split(",")
    cells = text[1].split(",")
    cells[header.index("status")] = "half-done"
    (folder / "onboarding.csv").write_text("\n".join([text[0], ",".join(cells), *text[2:]]) + "\n")
    target = Cli(other_store)
    r = target("import", "--all", str(folder))
    assert r.exit_code == 1, r.stderr
    assert "onboarding.csv: status: 'half-done' is not accepted" in r.stderr
    assert target.json("account", "list", "--all") == []


def test_a_stored_setting_the_rules_refuse_can_be_repaired(cli, store):
    """Before: with fiscal-year-start 13 stored, every report and even `config set fiscal-year-start 2` failed."""
    cli.ok("account", "add", "Acme")
    cli.ok("config", "set", "fiscal-year-start", "3")
    engine = _engine(store)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE setting SET value = '13' WHERE key = 'fiscal-year-start'"))
    engine.dispose()
    r = cli("report", "ttv")
    assert r.exit_code == 5, r.stderr
    assert "stored setting fiscal-year-start is '13'" in r.stderr and "cstool config set fiscal-year-start" in r.stderr
    assert "Traceback" not in r.stderr
    listed = {row["key"]: row["value"] for row in cli.json("config", "list")}
    assert listed["fiscal-year-start"] == "13"  # shown as stored, so it can be seen
    cli.ok("config", "set", "fiscal-year-start", "2")
    cli.ok("report", "ttv")
    assert cli.ok("config", "get", "fiscal-year-start").stdout.strip() == "2"


# --- long writes do not lock others out (item 5) -----------------------------------------------------------

def _held_import(store: str, tmp_path, point: str):
    """A real `cstool import accounts` stopped at a hold point; returns (process, hold file)."""
    import os
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    rows = "\n".join(f"Held Co {i},{10 + i}" for i in range(300))
    (tmp_path / "held.csv").write_text("Account Name,Licensed Users\n" + rows + "\n")
    hold = tmp_path / "hold"
    hold.write_text("")
    proc = subprocess.Popen([sys.executable, "-m", "cstool", "--db", store, "import", "accounts",
                             str(tmp_path / "held.csv")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=str(ROOT), env={**os.environ, "CSTOOL_HOLD": point, "CSTOOL_HOLD_FILE": str(hold)})
    deadline = time.monotonic() + 60
    while not (tmp_path / "hold.reached").exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return proc, hold


def test_a_writer_gets_through_while_an_import_reads_its_file(cli, store, tmp_path):
    """Before: the import took the write lock before it read anything, and a teammate's `task done` waiting on
    the busy timeout failed with "database is locked" (exit 5)."""
    from tests.conftest import run_cstool

    cli.ok("account", "add", "Acme")
    task = cli.json("task", "add", "Acme", "Call back", "--due", "2026-12-01")
    proc, hold = _held_import(store, tmp_path, "import-check")
    try:
        quick = {"CSTOOL_BUSY_TIMEOUT": "2"}
        done = run_cstool("--db", store, "task", "done", str(task["id"]), env=quick)
        assert done.returncode == 0, done.stderr
        logged = run_cstool("--db", store, "activity", "log", "Acme", "--type", "call", "--subject", "Hi", env=quick)
        assert logged.returncode == 0, logged.stderr
    finally:
        hold.unlink()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert len(cli.json("account", "list", "--all")) == 301
    assert cli.json("task", "list", "--all", "--account", "Acme")[0]["done_date"] == "2026-11-24"


def test_a_writer_waiting_on_an_import_is_told_what_holds_the_lock(cli, store, tmp_path):
    from tests.conftest import run_cstool

    cli.ok("account", "add", "Acme")
    task = cli.json("task", "add", "Acme", "Call back", "--due", "2026-12-01")
    proc, hold = _held_import(store, tmp_path, "import-write")
    try:
        done = run_cstool("--db", store, "task", "done", str(task["id"]), env={"CSTOOL_BUSY_TIMEOUT": "1"})
        assert done.returncode == 5, done.stderr
        assert "locked by another writer (cstool import accounts by tester" in done.stderr
    finally:
        hold.unlink()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert len(cli.json("account", "list", "--all")) == 301
    run_cstool("--db", store, "task", "done", str(task["id"]))
    assert cli.json("task", "list", "--all", "--account", "Acme")[0]["done_date"] == "2026-11-24"


def test_a_dry_run_of_mail_takes_no_write_lock(cli, store, tmp_path):
    """`activity import-mail --dry-run` reads and counts in a read transaction: another writer holding the lock
    does not stop it."""
    import sqlalchemy as sa

    cli.ok("account", "add", "Acme", "--domain", "acme.com")
    eml = tmp_path / "one.eml"
    eml.write_text("From: ann@acme.com\r\nTo: csm@ourteam.com\r\nSubject: Hi\r\n"
                   "Date: Tue, 10 Nov 2026 10:00:00 +0000\r\nMessage-ID: <one@acme.com>\r\n\r\nbody\r\n")
    engine = _engine(store)
    with engine.connect() as holder:
        if store.startswith("postgresql"):
            from cstool.storage.engine import WRITE_LOCK_KEY

            holder.execute(sa.text(f"SELECT pg_advisory_lock({WRITE_LOCK_KEY})"))
        else:
            holder.exec_driver_sql("BEGIN IMMEDIATE")
        r = cli("activity", "import-mail", str(eml), "--dry-run", "-f", "json", env={"CSTOOL_BUSY_TIMEOUT": "1"})
        assert r.exit_code == 0, r.stderr
        assert r.json()["logged"] == 1
        real = cli("activity", "import-mail", str(eml), env={"CSTOOL_BUSY_TIMEOUT": "1"})
        assert real.exit_code == 5 and "locked by another writer" in real.stderr
        holder.rollback()
    engine.dispose()


# --- memory: streamed and batched (item 6) ----------------------------------------------------------------

def test_health_in_batches_gives_the_same_report_and_snapshot(cli, monkeypatch):
    """`report health`, `health snapshot` and the dashboard score accounts CARD_BATCH at a time; the figures do
    not depend on where the batches cut."""
    import cstool.queries.health as health

    for i in range(11):
        cli.ok("account", "add", f"Co {i:02d}", "--users", str(100 * i), "--health", ("green", "red")[i % 2],
               "--sentiment", ("green", "yellow", "red")[i % 3], "--ebr-cadence", ("quarterly", "none")[i % 5 == 4])
        if i % 4:  # sentiment, engagement and EBR coverage carry half the weight: enough evidence to be scored
            cli.ok("activity", "log", f"Co {i:02d}", "--type", "call", "--subject", "Hi",
                   "--date", ("2026-11-20", "2026-10-10", "2026-09-01")[i % 3])
    whole = cli.json("report", "health")
    monkeypatch.setattr(health, "CARD_BATCH", 3)
    assert cli.json("report", "health") == whole
    colour = next(r["colour"] for r in whole if r["colour"])  # the riskiest scored one (unscored ones come first)
    assert cli.json("report", "health", "--colour", colour) == [r for r in whole if r["colour"] == colour]
    snap = cli.json("health", "snapshot")
    assert snap["accounts"] == 11 and sum(snap[c] for c in ("green", "yellow", "red", "not scored")) == 11
    assert len(cli.json("export", "health_snapshot")) == 11


def test_account_list_streams_the_same_bytes(cli):
    for i in range(5):
        cli.ok("account", "add", f"Co {i}", "--users", str(i))
    import json

    text = cli.ok("account", "list", "--all", "-f", "json").stdout
    assert [a["name"] for a in json.loads(text)] == [f"Co {i}" for i in range(5)]
    from cstool.render import to_json

    assert text == to_json(json.loads(text)) + "\n"
    assert cli.ok("account", "list", "--gemstone", "diamond", "-f", "json").stdout == "[]\n"
    csv_text = cli.ok("account", "list", "-f", "csv").stdout
    assert csv_text.splitlines()[0].startswith("id,name") and len(csv_text.splitlines()) == 6
