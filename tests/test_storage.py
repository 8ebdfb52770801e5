"""The store: location, permissions, refusals, revisions, migrations, backups."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sqlite3
import stat

import pytest

from cstool.storage import schema


def sha(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_store_and_its_journal_are_0600(bare_cli, tmp_path):
    db = tmp_path / "new.db"
    bare_cli.ok("--db", str(db), "account", "add", "A")
    assert mode(db) == 0o600
    # keep a connection open so the -wal and -shm files exist, then check them
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode").fetchone()
    conn.execute("SELECT count(*) FROM account").fetchone()
    for suffix in ("-wal", "-shm"):
        p = tmp_path / f"new.db{suffix}"
        if p.exists():
            assert mode(p) == 0o600, suffix
    conn.close()
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_default_location_and_db_path(bare_cli, tmp_path, monkeypatch):
    shown = bare_cli.ok("db", "path").stdout.strip()
    assert shown == os.path.join(os.environ["XDG_DATA_HOME"], "cstool", "cstool.db")
    bare_cli.ok("account", "add", "Default Co")
    assert mode(shown) == 0o600
    monkeypatch.setenv("CSTOOL_DB", str(tmp_path / "env.db"))
    assert bare_cli.ok("db", "path").stdout.strip() == str(tmp_path / "env.db")
    assert bare_cli.ok("--db", str(tmp_path / "opt.db"), "db", "path").stdout.strip() == str(tmp_path / "opt.db")


def test_non_sqlite_file_is_exit_5_and_untouched(bare_cli, tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("not a database\n" * 100)
    before = sha(f)
    r = bare_cli("--db", str(f), "account", "list")
    assert r.exit_code == 5
    assert "not a SQLite database" in r.stderr
    assert sha(f) == before
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]


def test_directory_as_store_is_exit_5(bare_cli, tmp_path):
    r = bare_cli("--db", str(tmp_path), "account", "list")
    assert r.exit_code == 5 and "is a directory" in r.stderr


def test_missing_folder_is_exit_5_and_creates_nothing(bare_cli, tmp_path):
    r = bare_cli("--db", str(tmp_path / "nope" / "x.db"), "account", "list")
    assert r.exit_code == 5 and "does not exist" in r.stderr
    assert not (tmp_path / "nope").exists()


@contextlib.contextmanager
def read_only(path):
    """Make a file or folder read-only, for root too (root ignores mode bits: use the immutable flag)."""
    if os.geteuid() == 0:
        if not shutil.which("chattr"):
            pytest.skip("running as root without chattr: cannot make anything read-only for root")
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
        if done.returncode:
            pytest.skip(f"chattr +i not supported here: {done.stderr.decode().strip()}")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    else:
        mode = os.stat(path).st_mode
        os.chmod(path, 0o500 if os.path.isdir(path) else 0o400)
        try:
            yield
        finally:
            os.chmod(path, mode)


def test_read_only_file_is_exit_5_and_unchanged(bare_cli, tmp_path):
    db = tmp_path / "ro.db"
    bare_cli.ok("--db", str(db), "account", "add", "Kept")
    before = sha(db)
    with read_only(db):
        r = bare_cli("--db", str(db), "account", "add", "X")
        assert r.exit_code == 5 and "read-only" in r.stderr
        assert "Traceback" not in r.stderr
    assert sha(db) == before


def test_read_only_folder_is_exit_5_and_creates_nothing(bare_cli, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    with read_only(folder):
        r = bare_cli("--db", str(folder / "new.db"), "account", "list")
        assert r.exit_code == 5 and "read-only" in r.stderr
    assert os.listdir(folder) == []


def test_unknown_revision_is_refused_and_bytes_unchanged(bare_cli, tmp_path):
    db = tmp_path / "future.db"
    bare_cli.ok("--db", str(db), "account", "add", "Kept")
    with sqlite3.connect(db) as c:
        c.execute("UPDATE alembic_version SET version_num = '9999'")
    c.close()
    before = sha(db)
    r = bare_cli("--db", str(db), "account", "list")
    assert r.exit_code == 5
    assert "'9999' is newer than this cstool knows" in r.stderr
    assert sha(db) == before
    assert not [p for p in os.listdir(tmp_path) if ".pre-migrate-" in p]


def test_foreign_database_is_refused(bare_cli, tmp_path):
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as c:
        c.execute("CREATE TABLE things (x)")
    c.close()
    before = sha(db)
    r = bare_cli("--db", str(db), "account", "list")
    assert r.exit_code == 5 and "not a cstool store" in r.stderr
    assert sha(db) == before


def _store_at(path, revision: str) -> None:
    from sqlalchemy import create_engine

    from alembic import command
    from cstool.storage.migrate import alembic_config

    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)
    engine.dispose()


def test_older_revision_is_backed_up_then_migrated(bare_cli, tmp_path):
    db = tmp_path / "old.db"
    _store_at(db, "0001")
    with sqlite3.connect(db) as c:
        c.execute(
            "INSERT INTO account (name, name_key, gemstone_rank, created_at, updated_at) "
            "VALUES ('Legacy', 'legacy', 6, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
    c.close()
    r = bare_cli("--db", str(db), "account", "list", "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert "Backed up the store" in r.stderr
    assert [a["name"] for a in r.json()] == ["Legacy"]
    backups = [p for p in os.listdir(tmp_path) if ".pre-migrate-0001-" in p]
    assert len(backups) == 1
    backup = tmp_path / backups[0]
    assert mode(backup) == 0o600
    with sqlite3.connect(backup) as c:
        assert c.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    c.close()
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT version_num FROM alembic_version").fetchone()[0] == schema.HEAD
    c.close()


@pytest.mark.slow
def test_failed_migration_changes_nothing_and_keeps_bounded_backups(bare_cli, tmp_path, monkeypatch):
    db = tmp_path / "old.db"
    _store_at(db, "0001")
    monkeypatch.setenv("CSTOOL_FAULT", "migration")
    for attempt in range(5):
        r = bare_cli("--db", str(db), "account", "list")
        assert r.exit_code != 0
        assert "Traceback" not in r.stderr
        with sqlite3.connect(db) as c:
            assert c.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
            tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        c.close()
        assert "activity" not in tables and "account" in tables
        backups = [p for p in os.listdir(tmp_path) if ".pre-migrate-" in p]
        assert len(backups) == min(attempt + 1, 3)
    monkeypatch.delenv("CSTOOL_FAULT")
    bare_cli.ok("--db", str(db), "account", "list")


def test_schema_constants_match_the_migrations():
    from alembic.script import ScriptDirectory

    from cstool.storage.migrate import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_heads() == [schema.HEAD]
    revisions = [s.revision for s in reversed(list(scripts.walk_revisions()))]
    assert tuple(revisions) == schema.REVISIONS


def test_models_and_migrations_agree(tmp_path):
    """Autogenerate finds nothing to do: the migrations build exactly the models' schema."""
    from sqlalchemy import create_engine

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from cstool.storage.models import metadata

    db = tmp_path / "cmp.db"
    _store_at(db, "head")
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diff == []


def test_db_commands(cli, tmp_path):
    cli.ok("account", "add", "Acme")
    checks = cli.json("db", "check")
    assert all(c["ok"] for c in checks)
    info = cli.json("db", "info")
    assert info["revision"] == schema.HEAD and info["rows"]["account"] == 1
    assert "password" not in str(info)
    cli.ok("db", "migrate")
    cli.ok("db", "init")


def test_db_backup_is_consistent_0600_and_never_overwrites(bare_cli, tmp_path):
    db = tmp_path / "live.db"
    bare_cli.ok("--db", str(db), "account", "add", "Acme")
    target = tmp_path / "copy.db"
    bare_cli.ok("--db", str(db), "db", "backup", str(target))
    assert mode(target) == 0o600
    with sqlite3.connect(target) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert c.execute("SELECT name FROM account").fetchall() == [("Acme",)]
    c.close()
    before = sha(target)
    r = bare_cli("--db", str(db), "db", "backup", str(target))
    assert r.exit_code == 5 and "already exists" in r.stderr
    assert sha(target) == before


def test_db_check_finds_a_broken_foreign_key(bare_cli, tmp_path):
    db = tmp_path / "fk.db"
    bare_cli.ok("--db", str(db), "account", "add", "Acme")
    with sqlite3.connect(db) as c:
        c.execute("PRAGMA foreign_keys=OFF")
        c.execute("INSERT INTO contact (name, gitlab_admin, account_id) VALUES ('Ghost', 0, 999)")
    c.close()
    r = bare_cli("--db", str(db), "db", "check", "-f", "json")
    assert r.exit_code == 5
    assert [c["check"] for c in r.json() if not c["ok"]] == ["foreign keys"]


def test_symlink_resolves_to_its_target(bare_cli, tmp_path):
    real = tmp_path / "real.db"
    link = tmp_path / "link.db"
    bare_cli.ok("--db", str(real), "db", "init")
    link.symlink_to(real)
    bare_cli.ok("--db", str(link), "account", "add", "Via Link")
    assert bare_cli.ok("--db", str(link), "db", "path").stdout.strip() == str(real)
    assert [a["name"] for a in bare_cli.json("--db", str(real), "account", "list")] == ["Via Link"]


def test_paths_with_spaces_and_non_ascii(bare_cli, tmp_path):
    folder = tmp_path / "Kundenerfolg Ärger"
    folder.mkdir()
    db = folder / "stöｒe 1.db"
    bare_cli.ok("--db", str(db), "account", "add", "Zoë")
    assert bare_cli.json("--db", f"sqlite:///{db}", "account", "show", "ZOË")["name"] == "Zoë"


def test_postgres_password_never_shown(bare_cli):
    url = "postgresql+psycopg://cs:s3cr3t-pw@127.0.0.1:1/cstool"
    for argv in (("db", "path"), ("account", "list"), ("db", "info")):
        r = bare_cli("--db", url, *argv)
        assert "s3cr3t-pw" not in r.stdout + r.stderr
    r = bare_cli("--db", url, "account", "list")
    assert r.exit_code == 5
