"""The red-team cases of issue 21, kept (SPEC section 10): hostile text, outputs that are not files,
interrupted exports and backups, racing first commands on an older store, secrets, edges, --debug.

Each test drives the real CLI (in process, or as real processes where a kill or a race is the point) on
both engines where the case is about the database.
"""

from __future__ import annotations

import json
import mailbox
import os
import signal
import sqlite3
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.conftest import Cli, run_cstool
from tests.state import store_state

HOSTILE = ["Bracket [/] Inc", "Globex [old]", "[link=http://evil.example]Acme Labs[/link]", "[bold red]Loud[/]",
           "Brace {0} Co", ":smile: Emoji Ltd"]


def _sql(store: str, statement: str, params: dict) -> None:
    """Write straight into the store, as an older cstool or another program could have."""
    from sqlalchemy import create_engine, text

    url = store if store.startswith("postgresql") else f"sqlite:///{store}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(statement), params)
    engine.dispose()


# --- 1. text is data, never markup -----------------------------------------------------------------------------


def test_hostile_names_show_exactly_as_typed_in_every_table_and_message(cli):
    for i, name in enumerate(HOSTILE):
        r = cli("account", "add", name)
        assert r.exit_code == 0, r.stderr  # it wrote: it must not then fail while printing
        assert "internal error" not in r.stderr and name in r.stdout and name in r.stderr
        cli.ok("contact", "add", name, f"Ann [{i}] Lee")
        cli.ok("opportunity", "add", name, "--name", f"Deal [/] {i}", "--stage", "closed-won",
               "--close-date", "2026-10-20", "--type", "services")
        cli.ok("activity", "log", name, "--type", "call", "--subject", f"[link=http://x.example]Call {i}[/link]",
               "--date", "2026-11-20", "--notes", "[/]\nsecond line\twith a tab")
        cli.ok("task", "add", name, f"[bold]Follow up[/bold] {i} [/]", "--due", "2026-12-01")
        cli.ok("pse", "create", name, "--opportunity", f"Deal [/] {i}", "--name", f"PSE [/] {name}", "--type", "Fixed")
        cli.ok("opportunity", "add", name, "--name", f"Open [{i}]", "--stage", "technical-evaluation")
        cli.ok("pov", "create", name, "--opportunity", f"Open [{i}]", "--name", f"POV [/] {name}")
        cli.ok("ebr", "schedule", name, "--date", "2026-12-10", "--name", f"EBR [link=http://e.example]{i}[/link]")
    listing = cli.ok("account", "list").stdout
    for i, name in enumerate(HOSTILE):
        assert name in listing
        show = cli.json("account", "show", name)
        assert name in cli.ok("account", "show", name).stdout
        assert name in cli.ok("history", f"account:{show['id']}").stdout
        assert f"Ann [{i}] Lee" in cli.ok("contact", "list", name).stdout
        timeline = cli.ok("activity", "list", name).stdout
        assert f"[link=http://x.example]Call {i}[/link]" in timeline and f"Timeline of {name}" in timeline
        assert f"[bold]Follow up[/bold] {i} [/]" in cli.ok("task", "list", "--account", name).stdout
        assert f"PSE [/] {name}" in cli.ok("pse", "list").stdout
        assert f"POV [/] {name}" in cli.ok("pov", "list").stdout
        assert f"EBR [link=http://e.example]{i}[/link]" in cli.ok("ebr", "list").stdout
    history = cli.ok("history", "account:1").stdout
    assert HOSTILE[0] in history
    # a name in an error message (a miss, a clash) is shown as typed too
    r = cli("account", "show", "[/]Nobody[link=x]")
    assert r.exit_code == 3 and "[/]Nobody[link=x]" in r.stderr
    r = cli("account", "add", "Globex [OLD]")
    assert r.exit_code == 4 and "Globex [old]" in r.stderr


# --- 8. control and invisible characters -----------------------------------------------------------------------


def test_control_characters_are_refused_in_every_free_text_field_naming_it(cli):
    cli.ok("account", "add", "Acme")
    cli.ok("opportunity", "add", "Acme", "--name", "Deal", "--stage", "closed-won", "--close-date", "2026-10-20",
           "--type", "services")
    esc = "Evil\x1b[2J\x1b]8;;http://evil.example\x07x"
    before = store_state(cli.store)
    for argv, field in [
        (("account", "add", esc), "name"),
        (("account", "update", "Acme", "--csm", esc), "csm"),
        (("contact", "add", "Acme", esc), "name"),
        (("task", "add", "Acme", esc, "--due", "tomorrow"), "title"),
        (("activity", "log", "Acme", "--type", "call", "--subject", esc, "--date", "2026-11-20"), "subject"),
        (("activity", "log", "Acme", "--type", "call", "--subject", "ok", "--date", "2026-11-20", "--notes", esc), "notes"),
        (("pse", "create", "Acme", "--opportunity", "Deal", "--name", esc), "name"),
        (("--actor", esc, "account", "add", "Fine Name"), "--actor"),
        (("account", "add", "C1 \x9b31m"), "name"),
        (("task", "add", "Acme", "two\nlines", "--due", "tomorrow"), "title"),
    ]:
        r = cli(*argv)
        assert r.exit_code == 1, (argv, r.stdout, r.stderr)
        assert r.stderr.startswith(f"error: {field}: ") and "\x1b" not in r.stderr and "\x9b" not in r.stderr, r.stderr
        assert "control character" in r.stderr
    assert store_state(cli.store) == before
    # notes keep tab and newline (and a Windows line end)
    cli.ok("activity", "log", "Acme", "--type", "call", "--subject", "Kick-off", "--date", "2026-11-20",
           "--notes", "line one\r\n\tline two")
    assert cli.json("activity", "list", "Acme")[0]["notes"] == "line one\n\tline two"


def test_invisible_and_look_alike_names_are_the_same_name(cli, tmp_path):
    cli.ok("account", "add", "Acme Labs")
    for lookalike in ("Ａｃｍｅ Labs", "ACME  LABS", "Acme Labs"):
        r = cli("account", "add", lookalike)
        assert r.exit_code == 4 and "already exists" in r.stderr, (lookalike, r.stderr)
    for invisible in ("Acme\u200b Labs", "Acme Labs\u202e", "\u2066Acme Labs\u2069", "Ac\u00adme Labs",
                      "\ufeffAcme Labs"):
        r = cli("account", "add", invisible)
        assert r.exit_code == 1 and r.stderr.startswith("error: name: ") and "zero-width" in r.stderr, r.stderr
    assert cli.json("account", "show", "ａｃｍｅ ｌａｂｓ")["name"] == "Acme Labs"
    # imports go through the same check and the same key
    (tmp_path / "a.csv").write_text("name\nＡｃｍｅ Labs\n")
    r = cli("import", "accounts", str(tmp_path / "a.csv"))
    assert r.exit_code == 1 and "already exists" in r.stderr
    (tmp_path / "b.csv").write_text("name\nNew\u200bCo\n")
    r = cli("import", "accounts", str(tmp_path / "b.csv"))
    assert r.exit_code == 1 and "line 2: name:" in r.stderr and "U+200B" in r.stderr
    # PSEs and POVs: unique names by the same key
    cli.ok("opportunity", "add", "Acme Labs", "--name", "PS", "--stage", "closed-won", "--close-date", "2026-10-20",
           "--type", "services")
    cli.ok("opportunity", "add", "Acme Labs", "--name", "Open", "--stage", "technical-evaluation")
    cli.ok("pse", "create", "Acme Labs", "--opportunity", "PS", "--name", "Migration")
    assert cli("pse", "create", "Acme Labs", "--opportunity", "PS", "--name", "Ｍｉｇｒａｔｉｏｎ").exit_code == 4
    cli.ok("pov", "create", "Acme Labs", "--opportunity", "Open", "--name", "Trial")
    assert cli("pov", "create", "Acme Labs", "--opportunity", "Open", "--name", "ＴＲＩＡＬ").exit_code == 4
    assert cli("pov", "create", "Acme Labs", "--opportunity", "Open", "--name", "Tri\u200bal").exit_code == 1


def test_text_already_stored_with_control_characters_is_shown_escaped(cli):
    cli.ok("account", "add", "Acme")
    _sql(cli.store, "UPDATE account SET csm = :v", {"v": "Eve\x1b[31mRED"})
    _sql(cli.store, "INSERT INTO task (account_id, title, due_date, created_at) VALUES (1, :t, '2026-12-01', "
                    "'2026-11-01 00:00:00')", {"t": "Title\x1b]8;;http://evil\x07"})
    for argv in (("account", "list"), ("account", "show", "Acme"), ("task", "list")):
        r = cli.ok(*argv)
        assert "\x1b" not in r.stdout and "\x07" not in r.stdout
    assert "Eve\\x1b[31mRED" in cli.ok("account", "list").stdout
    assert "Title\\x1b]8;;http://evil\\x07" in cli.ok("task", "list").stdout
    assert cli.json("account", "show", "Acme")["csm"] == "Eve\x1b[31mRED"  # json keeps the value (escaped by JSON)


def test_migration_0010_rekeys_names_and_keeps_near_duplicates_reachable(bare_cli, tmp_path):
    from tests.test_storage import _store_at

    db = tmp_path / "old.db"
    _store_at(db, "0005")
    with sqlite3.connect(db) as c:
        for name, key in (("Ａｃｍｅ", "ａｃｍｅ"), ("Acme", "acme"), ("Ｇｌｏｂｅｘ", "ｇｌｏｂｅｘ")):
            c.execute("INSERT INTO account (name, name_key, gemstone_rank, created_at, updated_at) VALUES "
                      "(?, ?, 6, '2026-01-01 00:00:00', '2026-01-01 00:00:00')", (name, key))
    c.close()
    names = [a["name"] for a in bare_cli.json("--db", str(db), "account", "list")]
    assert sorted(names) == ["Acme", "Ａｃｍｅ", "Ｇｌｏｂｅｘ"]
    assert bare_cli.json("--db", str(db), "account", "show", "globex")["name"] == "Ｇｌｏｂｅｘ"
    assert bare_cli("--db", str(db), "account", "add", "GLOBEX").exit_code == 4


# --- 2 and 3. files whole or absent, outputs that are not files ------------------------------------------------


def test_outputs_that_are_not_regular_files_are_refused_and_left_alone(cli, tmp_path):
    cli.ok("account", "add", "Acme")
    fifo = tmp_path / "pipe.svg"
    os.mkfifo(fifo)
    dangling = tmp_path / "dangling.svg"
    dangling.symlink_to(tmp_path / "nowhere" / "x.svg")
    folder = tmp_path / "folder.svg"
    folder.mkdir()
    for target in (fifo, dangling, folder, Path("/dev/null")):
        r = cli("dashboard", "-o", str(target))
        assert r.exit_code == 1 and r.stderr.startswith("error: --output: "), r.stderr
        if target.suffix:
            r = cli("report", "ttv", "--chart", str(target))
            assert r.exit_code == 1 and r.stderr.startswith("error: --chart: "), r.stderr
    assert fifo.is_fifo() and dangling.is_symlink() and not dangling.exists()
    r = cli("export", "--all", str(dangling))
    assert r.exit_code == 1 and "--all" in r.stderr and "internal error" not in r.stderr
    r = cli("export", "--all", str(fifo))
    assert r.exit_code == 1 and fifo.is_fifo()
    # a link to a real file is written through, the link kept
    real = tmp_path / "real.html"
    real.write_text("old")
    link = tmp_path / "link.html"
    link.symlink_to(real)
    cli.ok("dashboard", "-o", str(link))
    assert link.is_symlink() and "<html" in real.read_text().lower() and oct(real.stat().st_mode & 0o777) == "0o600"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_db_backup_refuses_a_fifo_a_folder_and_a_dangling_link(bare_cli, tmp_path):
    db = tmp_path / "live.db"
    bare_cli.ok("--db", str(db), "account", "add", "Acme")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    dangling = tmp_path / "dangling.db"
    dangling.symlink_to(tmp_path / "gone" / "x.db")
    for target in (fifo, dangling, tmp_path):
        r = bare_cli("--db", str(db), "db", "backup", str(target))
        assert r.exit_code in (1, 5) and r.stderr.startswith("error: ") and "internal error" not in r.stderr, r.stderr
    assert fifo.is_fifo() and dangling.is_symlink()


def test_an_interrupted_export_all_is_refused_by_import_all(cli, other_store, tmp_path):
    cli.ok("account", "add", "Acme")
    for i in range(30):
        cli.ok("task", "add", "Acme", f"Task {i}", "--due", "2026-12-01")
    folder = tmp_path / "backup"
    p = run_cstool("--db", cli.store, "export", "--all", str(folder), env={"CSTOOL_FAULT": "kill:before-rename:task.csv"})
    assert p.returncode == -signal.SIGKILL, p.stderr
    assert not (folder / "task.csv").exists() and not (folder / "manifest.json").exists()
    target = Cli(other_store)
    target.ok("db", "init")
    before = store_state(other_store)
    r = target("import", "--all", str(folder))
    assert r.exit_code == 1 and "task.csv" in r.stderr and "nothing was imported" in r.stderr.lower()
    # every table file there, but no manifest: the export did not finish
    whole = tmp_path / "whole"
    cli.ok("export", "--all", str(whole))
    (folder / "task.csv").write_bytes((whole / "task.csv").read_bytes())
    r = target("import", "--all", str(folder))
    assert r.exit_code == 1 and "manifest.json" in r.stderr and "did not finish" in r.stderr, r.stderr
    assert store_state(other_store) == before
    # a whole export whose task file lost rows disagrees with its manifest: refused, naming table and counts
    manifest = json.loads((whole / "manifest.json").read_text())
    assert manifest["tables"]["task"] == len(cli.json("task", "list", "--all")) >= 30
    lines = (whole / "task.csv").read_text().splitlines()
    (whole / "task.csv").write_text("\n".join(lines[:-5]) + "\n")
    r = target("import", "--all", str(whole))
    assert r.exit_code == 1 and "task.csv holds" in r.stderr and f"says {manifest['tables']['task']}" in r.stderr
    assert store_state(other_store) == before


def test_an_interrupted_backup_leaves_nothing_that_counts_as_one(bare_cli, tmp_path):
    from tests.test_storage import _store_at

    db = tmp_path / "live.db"
    bare_cli.ok("--db", str(db), "account", "add", "Acme")
    p = run_cstool("--db", str(db), "db", "backup", str(tmp_path / "copy.db"),
                   env={"CSTOOL_FAULT": "kill:before-rename:copy.db"})
    assert p.returncode == -signal.SIGKILL
    assert not (tmp_path / "copy.db").exists()
    bare_cli.ok("--db", str(db), "db", "backup", str(tmp_path / "copy.db"))  # the name is free
    # the backup before a migration
    old = tmp_path / "old.db"
    _store_at(old, "0001")
    p = run_cstool("--db", str(old), "account", "list", env={"CSTOOL_FAULT": "kill:before-rename:old.db.pre-migrate-"})
    assert p.returncode == -signal.SIGKILL
    assert not [n for n in os.listdir(tmp_path) if n.startswith("old.db.pre-migrate-")]
    with sqlite3.connect(old) as c:
        assert c.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    c.close()
    bare_cli.ok("--db", str(old), "account", "list")
    assert len([n for n in os.listdir(tmp_path) if n.startswith("old.db.pre-migrate-0001-")]) == 1


# --- 7. migrations once --------------------------------------------------------------------------------------


def _older_store(request, tmp_path, engine: str) -> str:
    from sqlalchemy import create_engine

    from alembic import command
    from cstool.storage.migrate import alembic_config

    if engine == "sqlite":
        url = str(tmp_path / "old.db")
        sa_url = f"sqlite:///{url}"
    else:
        server = request.getfixturevalue("pg_server")
        if server is None:
            pytest.skip("needs the throwaway PostgreSQL server")
        url = sa_url = server.create_database(f"old{os.getpid()}_{len(os.listdir(tmp_path))}")
    e = create_engine(sa_url)
    with e.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
    e.dispose()
    return url


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_concurrent_first_commands_on_an_older_store_migrate_it_once(request, tmp_path, engine):
    from cstool.storage import schema
    from tests.test_races import race

    store = _older_store(request, tmp_path, engine)
    results = race(store, [["account", "list"]] * 6 + [["account", "add", f"Co {i}"] for i in range(4)], tmp_path)
    assert [code for code, _ in results] == [0] * 10, results
    announced = [err for _, err in results if "Backed up the store" in err or "Migrating the store" in err]
    assert len(announced) == 1, results
    if engine == "sqlite":
        backups = [n for n in os.listdir(tmp_path) if n.startswith("old.db.pre-migrate-")]
        assert len(backups) == 1, backups
    cli = Cli(store)
    assert len(cli.json("account", "list")) == 4
    assert cli.json("db", "info")["revision"] == schema.HEAD


# --- 9. secrets ------------------------------------------------------------------------------------------------

SECRET = "s3cr@t:pw/x"


def _with_password(url: str, form: str) -> str:
    from urllib.parse import quote

    scheme, rest = url.split("://", 1)
    user, host = rest.split("@", 1) if "@" in rest else ("cstool", rest)
    user = user.split(":", 1)[0]
    if form == "userinfo":
        return f"{scheme}://{user}:{SECRET}@{host}"
    if form == "encoded":
        return f"{scheme}://{user}:{quote(SECRET, safe='')}@{host}"
    sep = "&" if "?" in host else "?"
    return f"{scheme}://{user}@{host}{sep}password={quote(SECRET, safe='')}"


@pytest.mark.parametrize("form", ["userinfo", "encoded", "query"])
def test_a_password_is_never_shown_however_given(bare_cli, form):
    from urllib.parse import quote

    hidden = (SECRET, quote(SECRET, safe=""), "s3cr", "t:pw")
    url = _with_password("postgresql+psycopg://cs@127.0.0.1:1/cstool", form)
    for argv in (("db", "path"), ("db", "info"), ("account", "list"), ("--debug", "account", "list"),
                 ("--debug", "db", "info")):
        r = bare_cli("--db", url, *argv)
        assert not any(h in r.stdout + r.stderr for h in hidden), (argv, r.stdout, r.stderr)
    assert bare_cli("--db", url, "account", "list").exit_code == 5
    assert bare_cli("--db", url, "--debug", "account", "list").exit_code == 5
    p = run_cstool("--db", url, "--debug", "db", "info", env={"CSTOOL_DB": url})
    assert p.returncode == 5 and not any(h in p.stdout + p.stderr for h in hidden)


def test_a_password_on_a_live_server_is_never_shown(request):
    from urllib.parse import quote

    server = request.getfixturevalue("pg_server")
    if server is None:
        store = os.environ["CSTOOL_TEST_DATABASE_URL"]
    else:
        store = server.create_database(f"pw{os.getpid()}", template=request.getfixturevalue("pg_template"))
    for form in ("encoded", "query"):
        cli = Cli(_with_password(store, form))
        info = cli.ok("db", "info")
        path = cli.ok("db", "path")
        for out in (info.stdout + info.stderr, path.stdout, cli.ok("db", "info", "-f", "json").stdout):
            assert SECRET not in out and quote(SECRET, safe="") not in out and "s3cr" not in out, (form, out)


def test_db_copy_takes_its_target_from_an_environment_variable(bare_cli, tmp_path):
    db = tmp_path / "a.db"
    bare_cli.ok("--db", str(db), "account", "add", "Acme")
    target = tmp_path / "b.db"
    bare_cli.ok("--db", str(db), "db", "copy", "--to-env", "CSTOOL_COPY_TARGET", env={"CSTOOL_COPY_TARGET": str(target)})
    assert [a["name"] for a in bare_cli.json("--db", str(target), "account", "list")] == ["Acme"]
    r = bare_cli("--db", str(db), "db", "copy", "--to-env", "CSTOOL_UNSET_TARGET")
    assert r.exit_code == 1 and r.stderr.startswith("error: --to-env: ")
    r = bare_cli("--db", str(db), "db", "copy")
    assert r.exit_code == 1 and "--to-env" in r.stderr


# --- 10. edges, and --debug never changes an exit code ---------------------------------------------------------


def test_edges_end_in_clear_refusals(cli, tmp_path):
    cli.ok("account", "add", "Acme")
    ebr = cli.json("ebr", "schedule", "Acme", "--date", "9999-12-31")["id"]
    before = store_state(cli.store)
    r = cli("ebr", "decline", str(ebr), "--next")
    assert r.exit_code == 1 and r.stderr.startswith("error: --next: ") and "9999-12-31" in r.stderr, r.stderr
    assert store_state(cli.store) == before
    r = cli("account", "list", env={"CSTOOL_BUSY_TIMEOUT": "nan"})
    assert r.exit_code == 1 and r.stderr.startswith("error: CSTOOL_BUSY_TIMEOUT: 'nan'"), r.stderr
    assert cli("account", "list", env={"CSTOOL_BUSY_TIMEOUT": "-1"}).exit_code == 1


def test_a_mail_dated_9999_is_skipped_not_the_whole_import(cli, tmp_path):
    cli.ok("account", "add", "Acme", "--domain", "acme.com")
    cli.ok("config", "set", "timezone", "America/Los_Angeles")
    box = mailbox.mbox(str(tmp_path / "in.mbox"))
    for subject, when in (("Far future", "Fri, 31 Dec 9999 23:30:00 -1200"), ("Today", "Mon, 23 Nov 2026 10:00:00 +0000")):
        m = EmailMessage()
        m["From"], m["To"], m["Subject"], m["Date"] = "ann@acme.com", "me@us.example", subject, when
        m.set_content("x")
        box.add(m)
    box.flush()
    r = cli.ok("activity", "import-mail", str(tmp_path / "in.mbox"), "-f", "json")
    assert r.json()["logged"] == 1 and r.json()["future_skipped"] == 1
    assert [a["subject"] for a in cli.json("activity", "list", "Acme")] == ["Today"]


def test_a_driver_that_is_not_installed_names_its_package(bare_cli):
    for url, package in (("postgresql+psycopg2://cs@127.0.0.1:1/x", "psycopg2-binary"),
                         ("postgresql+pg8000://cs@127.0.0.1:1/x", "pg8000")):
        for debug in ((), ("--debug",)):
            r = bare_cli("--db", url, *debug, "account", "list")
            assert r.exit_code == 5 and package in r.stderr and "internal error" not in r.stderr, r.stderr


def test_debug_never_changes_an_exit_code(bare_cli, tmp_path):
    db = tmp_path / "s.db"
    bare_cli.ok("--db", str(db), "account", "add", "Acme")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 10)
    cases = [(("--db", str(db), "account", "show", "Nobody"), 3),
             (("--db", str(db), "account", "add", "acme"), 4),
             (("--db", str(junk), "account", "list"), 5),
             (("--db", str(db), "account", "add", "12345"), 1)]
    for argv, code in cases:
        plain = bare_cli(*argv)
        debug = bare_cli("--debug", *argv)
        assert (plain.exit_code, debug.exit_code) == (code, code), (argv, plain.stderr, debug.stderr)
        assert "Traceback" in debug.stderr and "Traceback" not in plain.stderr
        assert plain.stderr.splitlines()[-1] == debug.stderr.splitlines()[-1]
        p = run_cstool(*argv[:2], "--debug", *argv[2:])
        assert p.returncode == code, p.stderr
