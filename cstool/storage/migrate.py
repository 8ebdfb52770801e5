"""Bringing a store to the schema this code expects.

- A new, empty store is created at head.
- A store at an older known revision is first backed up beside the file (a
  consistent copy through SQLite's backup API, 0600, the newest few kept) and
  then migrated inside one transaction.
- A store at a revision this code does not know (newer code wrote it) is
  refused with exit 5 and left untouched.
"""

from __future__ import annotations

import os
import sqlite3

from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from cstool.errors import StorageError
from cstool.storage import schema
from cstool.storage.location import Location

KEEP_BACKUPS = 3
BACKUP_MARK = ".pre-migrate-"


def migrations_dir() -> Path:
    here = Path(__file__).resolve().parent.parent
    shipped = here / "_migrations"  # inside an installed wheel
    if shipped.is_dir():
        return shipped
    return here.parent / "migrations"  # a source checkout


def alembic_config(connection: Connection | None = None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["connection"] = connection
    return cfg


def current_revision(conn: Connection) -> str | None:
    """The store's revision; None for an empty store. Raises for a foreign one."""
    dialect = conn.dialect.name
    if dialect == "sqlite":
        tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
    else:
        tables = {
            r[0]
            for r in conn.execute(
                text("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
            )
        }
    if "alembic_version" not in tables:
        if tables:
            raise StorageError(
                "store: it holds tables but no cstool schema revision; it is not a cstool store. "
                "Nothing was changed."
            )
        return None
    rows = [r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]
    if len(rows) != 1:
        raise StorageError(f"store: expected one schema revision, found {len(rows)}; nothing was changed.")
    return rows[0]


def backup_sqlite(source: Path, target: Path, *, field: str = "backup") -> Path:
    """A consistent copy through the backup API, 0600; never overwrites (exit 5 if the name is taken).

    Written under a temporary dot-name beside the target and renamed when complete (storage.files), so an
    interrupted backup leaves nothing that looks like a backup, and pruning never sees one half written."""
    from cstool.errors import Conflict
    from cstool.storage.files import temporary_path

    try:
        with temporary_path(target, field=field, overwrite=False) as temp:
            _copy_sqlite(source, temp)
    except Conflict as clash:
        raise StorageError(clash.message) from None
    return Path(target)


def _copy_sqlite(source: Path, target: Path) -> None:
    try:
        src = sqlite3.connect(source)
        dst = sqlite3.connect(target)
        try:
            with dst:
                src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # a backup is one file: no -wal beside it
        finally:
            dst.close()
            src.close()
    except sqlite3.Error as exc:
        raise StorageError(f"backup: could not copy {source}: {exc}") from None


def _prune_backups(db_path: Path) -> None:
    backups = sorted(db_path.parent.glob(db_path.name + BACKUP_MARK + "*"))
    for old in backups[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)


def _upgrade(engine: Engine, location: Location, *, announce=None) -> str:
    """Back up and run Alembic to head inside one transaction that holds the write lock from its start.

    Concurrent first commands on an older store queue on that lock: the first backs up and migrates, the
    others find the store at head once they get in and go on (no second backup, no second prune)."""
    from alembic import command

    with engine.connect() as conn:
        if location.is_sqlite:
            # Batch table rebuilds would trip foreign keys mid-way; check them at the end instead.
            # (A PRAGMA outside any transaction: straight on the DBAPI connection.)
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        with conn.begin():  # BEGIN IMMEDIATE (SQLite) / the advisory write lock (PostgreSQL)
            revision = current_revision(conn)
            if revision == schema.HEAD:
                return revision
            _refuse_unknown(revision)
            if revision is not None and location.path is not None:
                stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
                target = location.path.with_name(f"{location.path.name}{BACKUP_MARK}{revision}-{stamp}")
                backup_sqlite(location.path, target)
                _prune_backups(location.path)
                if announce:
                    announce(f"Backed up the store to {target} before migrating from {revision} to {schema.HEAD}.")
            elif revision is not None and announce:
                announce(f"Migrating the store from {revision} to {schema.HEAD} in one transaction.")
            command.upgrade(alembic_config(conn), "head")
            if location.is_sqlite:
                problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise StorageError(f"migrate: foreign-key problems after migration: {problems[:3]}")
        if location.is_sqlite:
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")
    return revision or ""


def _refuse_unknown(revision: str | None) -> None:
    if revision is not None and revision not in schema.REVISIONS:
        raise StorageError(
            f"store: schema revision {revision!r} is newer than this cstool knows "
            f"(head {schema.HEAD}); upgrade cstool. Nothing was changed."
        )


def _ensure_wal(engine: Engine) -> None:
    """Readers never block the writer: WAL, persistent in the file once set."""
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        mode = raw.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            raw.execute("PRAGMA journal_mode=WAL")


def ensure_schema(engine: Engine, location: Location, *, announce=None) -> str:
    """Bring the store to head; returns the revision it was at ('' when new)."""
    with engine.connect().execution_options(cstool_read=True) as conn:
        with conn.begin():
            revision = current_revision(conn)
    _refuse_unknown(revision)
    if location.is_sqlite:
        _ensure_wal(engine)
    if revision == schema.HEAD:
        return revision
    return _upgrade(engine, location, announce=announce)


def fault_injection_point(name: str) -> None:
    """Tests set CSTOOL_FAULT=<name> to make a migration fail at that point."""
    if os.environ.get("CSTOOL_FAULT") == name:
        raise RuntimeError(f"injected fault at {name}")


__all__ = ["ensure_schema", "backup_sqlite", "current_revision", "migrations_dir", "alembic_config"]
