"""Engines for SQLite and PostgreSQL, with the SQLite hooks that make writers safe.

SQLite: WAL, ``synchronous=FULL``, foreign keys on, a busy timeout, and write
transactions that take the write lock up front (``isolation_level=None`` on
the DBAPI connection plus ``BEGIN IMMEDIATE`` from a begin listener).  Read
transactions opt out with the ``cstool_read`` execution option and use a
plain deferred ``BEGIN``.  None of this touches a PostgreSQL engine.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from cstool.errors import StorageError
from cstool.storage.location import Location

BUSY_TIMEOUT_ENV = "CSTOOL_BUSY_TIMEOUT"
DEFAULT_BUSY_TIMEOUT = 30.0
SQLITE_MAGIC = b"SQLite format 3\x00"


MAX_BUSY_TIMEOUT = 86_400.0


def busy_timeout() -> float:
    """CSTOOL_BUSY_TIMEOUT in seconds (default 30); anything but a number from 0 to a day is refused."""
    import math

    from cstool.errors import InvalidValue

    raw = (os.environ.get(BUSY_TIMEOUT_ENV) or "").strip()
    if not raw:
        return DEFAULT_BUSY_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 <= value <= MAX_BUSY_TIMEOUT:
        raise InvalidValue(BUSY_TIMEOUT_ENV, raw[:80], f"use the seconds to wait for a busy store, a number from 0 "
                                                       f"to {MAX_BUSY_TIMEOUT:,.0f} (default {DEFAULT_BUSY_TIMEOUT:g})")
    return value


def create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only (0600), never clobbering one."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # in case a umask widened nothing but a platform did


def check_sqlite_path(path: Path, *, create: bool) -> bool:
    """Refuse what cannot be a store before SQLite touches it; returns True if created."""
    if path.is_dir():
        raise StorageError(f"store: {path} is a directory; give a file path for the SQLite store.")
    if path.exists():
        try:
            with open(path, "rb") as fh:
                head = fh.read(16)
        except PermissionError:
            raise StorageError(f"store: {path} cannot be read (permission denied).") from None
        if head and head != SQLITE_MAGIC:
            raise StorageError(f"store: {path} is not a SQLite database; nothing was changed.")
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            raise StorageError(
                f"store: {path} is read-only (the file or its folder); cstool needs to write "
                "the file and its -wal/-shm journal beside it."
            )
        return False
    if not create:
        raise StorageError(f"store: {path} does not exist.")
    parent = path.parent
    if not parent.is_dir():
        raise StorageError(f"store: the folder {parent} does not exist.")
    if not os.access(parent, os.W_OK):
        raise StorageError(f"store: the folder {parent} is read-only; cannot create {path.name}.")
    create_private_file(path)
    return True


def _sqlite_connect(dbapi_conn: sqlite3.Connection, _record) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
    cur = dbapi_conn.cursor()
    try:
        # WAL is persistent and set once the store is known to be ours (see migrate.ensure_schema):
        # switching a foreign file's journal mode would rewrite its header.
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
    finally:
        cur.close()


def _sqlite_begin(conn) -> None:
    read = conn.get_execution_options().get("cstool_read", False)
    conn.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")


# One key for "the store's write lock"; advisory locks are per database, so stores never share it.
WRITE_LOCK_KEY = 0x637374_6F6F6C  # "cstool"


def _postgres_begin(conn) -> None:
    if conn.get_execution_options().get("cstool_read", False):
        return
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(busy_timeout() * 1000)}ms'")
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


# A server URL's driver -> the package that provides it.
DRIVER_PACKAGES = {"psycopg": "'cstool[postgres]' (psycopg)", "psycopg2": "psycopg2-binary", "pg8000": "pg8000",
                   "asyncpg": "asyncpg", "psycopg2cffi": "psycopg2cffi"}


def _check_driver(location: Location) -> None:
    """The URL's driver is installed, or a storage error naming the package to install (exit 5)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    shown = location.display()
    try:
        url = make_url(location.url)
        dialect = url.get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError):
        raise StorageError(f"store: {shown} is not a URL cstool can use; write "
                           "postgresql+psycopg://USER@HOST/DB (in a password write @ as %40, : as %3A, / as %2F, "
                           "or leave it to ~/.pgpass).") from None
    driver = url.get_driver_name()
    try:
        dialect.import_dbapi()
    except ImportError:
        package = DRIVER_PACKAGES.get(driver, driver)
        raise StorageError(f"store: the {driver} driver for {url.get_backend_name()} is not installed; install it "
                           f"with pip install {package}, or use postgresql+psycopg:// "
                           "(pip install 'cstool[postgres]').") from None
    if getattr(dialect, "is_async", False):
        raise StorageError(f"store: {driver} is an asyncio driver; use postgresql+psycopg://USER@HOST/DB.")


def make_engine(location: Location) -> Engine:
    busy_timeout()  # a bad CSTOOL_BUSY_TIMEOUT is refused on every engine and command, reads too
    if location.is_sqlite:
        engine = create_engine(
            location.url,
            connect_args={"timeout": busy_timeout(), "isolation_level": None, "check_same_thread": False},
            poolclass=NullPool,
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    _check_driver(location)
    # UTC sessions: timestamps read back the same on every machine and in every export
    engine = create_engine(location.url, poolclass=NullPool,
                           connect_args={"connect_timeout": 10, "options": "-c TimeZone=UTC"})
    event.listen(engine, "begin", _postgres_begin)
    return engine
