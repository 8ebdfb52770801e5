"""Opening a store and running short transactions on it.

``open_store`` resolves the location, refuses what cannot be a store, brings
the schema to head and returns a :class:`Store`.  ``Store.write()`` yields a
session inside a transaction that holds the write lock from its first
statement; ``Store.read()`` a read-only one.  Driver errors leave as
cstool errors (locked/corrupt -> exit 5, constraint -> exit 4) with any
password removed.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable, Iterator

from sqlalchemy import exc as sa_exc, text as sql_text
from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from sqlmodel import Session

from cstool.errors import Conflict, CstoolError, StorageError
from cstool.storage.engine import busy_timeout, check_sqlite_path, make_engine
from cstool.storage.location import Location, redact, resolve
from cstool.storage.migrate import ensure_schema


def translate(error: Exception, location: Location, holder: Callable[[], str | None] | None = None) -> CstoolError:
    message = redact(str(getattr(error, "orig", None) or error).strip().splitlines()[0], location.url)
    lowered = message.lower()
    if isinstance(error, sa_exc.IntegrityError):
        if "unique" in lowered or "duplicate" in lowered:
            return Conflict(f"conflict: a record with the same key already exists ({message}).")
        return Conflict(f"conflict: the store refused the change ({message}).")
    if "locked" in lowered or "busy" in lowered or "lock timeout" in lowered:
        who = holder() if holder is not None else None
        return StorageError(
            f"store: {location.display()} stayed locked by another writer"
            + (f" ({who})" if who else "") + f" for more than "
            f"{busy_timeout():g} s; try again (CSTOOL_BUSY_TIMEOUT sets the wait)."
        )
    if "not a database" in lowered or "malformed" in lowered:
        return StorageError(f"store: {location.display()} is not a valid SQLite database ({message}).")
    if "readonly" in lowered or "read-only" in lowered:
        return StorageError(f"store: {location.display()} is read-only ({message}).")
    return StorageError(f"store: {location.display()}: {message}")


class Store:
    def __init__(self, location: Location, actor: str) -> None:
        self.location = location
        self.actor = actor
        self.engine = make_engine(location)

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except CstoolError:
            raise
        except sa_exc.DBAPIError as error:
            raise translate(error, self.location, holder=lambda: lock_holder(self)) from error

    @contextmanager
    def write(self, *, holder: str | None = None) -> Iterator[Session]:
        """One short write transaction: all of it commits, or none of it.

        ``holder`` (long writers: imports) names what holds the write lock while it is held, so a teammate whose
        command waits past the busy timeout is told what it waited for (`lock_holder`)."""
        from sqlmodel import Session

        with self._guard():
            with Session(self.engine, expire_on_commit=False) as session:
                with session.begin():
                    if holder is None:
                        yield session
                    else:
                        with holding(self, session, holder):
                            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        from sqlmodel import Session

        with self._guard():
            engine = self.engine.execution_options(cstool_read=True)
            with Session(engine, expire_on_commit=False) as session:
                with session.begin():
                    yield session

    @contextmanager
    def query(self, *, consistent: bool = False) -> Iterator[Connection]:
        """A read-only Core connection in one read transaction: what `list`, `show` and `report` use.

        No ORM session and no SQLModel import: the read path starts in a fraction of the time.
        ``consistent``: every statement sees one moment of the store (SQLite's WAL read snapshot already does;
        PostgreSQL needs REPEATABLE READ), for pages that put many reports side by side."""
        options = {"cstool_read": True}
        if consistent and not self.location.is_sqlite:
            options["isolation_level"] = "REPEATABLE READ"
        with self._guard():
            with self.engine.connect().execution_options(**options) as conn, conn.begin():
                yield conn

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A read transaction that sees one moment of the store in every statement (for copies):
        SQLite's WAL read snapshot, PostgreSQL's REPEATABLE READ."""
        with self._guard():
            options = {"cstool_read": True}
            if not self.location.is_sqlite:
                options["isolation_level"] = "REPEATABLE READ"
            engine = self.engine.execution_options(**options)
            from sqlmodel import Session

            with Session(engine, expire_on_commit=False) as session:
                with session.begin():
                    yield session

    def close(self) -> None:
        self.engine.dispose()


def open_store(
    db: str | None,
    *,
    actor: str,
    announce: Callable[[str], None] | None = None,
    migrate: bool = True,
) -> Store:
    location = resolve(db)
    if location.path is not None:
        if location.is_default:
            location.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        check_sqlite_path(location.path, create=True)
    store = Store(location, actor)
    if migrate:
        try:
            with store._guard():
                ensure_schema(store.engine, location, announce=announce)
        except BaseException:
            store.close()
            raise
    return store


# --- what holds the write lock ------------------------------------------------------------------------------


def _holder_file(store: Store):
    return store.location.path.with_name(store.location.path.name + "-writer")


def _describe(what: str, actor: str) -> str:
    import os
    import time

    return f"cstool {what} by {actor}, pid {os.getpid()}, since {time.strftime('%H:%M:%S')}"


@contextmanager
def holding(store: Store, session, what: str) -> Iterator[None]:
    """While a long write transaction holds the lock, say what it is: SQLite a `<store>-writer` note beside the
    file (0600, removed at the end), PostgreSQL the session's application_name (seen in pg_stat_activity)."""
    import os

    from cstool.errors import clip

    text = _describe(clip(what, 200), store.actor)
    if not store.location.is_sqlite:
        session.execute(sql_text("SELECT set_config('application_name', :v, true)"), {"v": text[:63]})
        yield
        return
    session.connection()  # BEGIN IMMEDIATE: the lock is ours before we say so
    note = _holder_file(store)
    try:
        fd = os.open(note, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(text + "\n")
    except OSError:
        note = None  # a note we cannot write changes nothing else
    try:
        yield
    finally:
        if note is not None:
            try:
                note.unlink()
            except OSError:
                pass


def lock_holder(store: Store) -> str | None:
    """What holds the store's write lock, when a long writer said so (see `holding`); None when unknown."""
    import os

    try:
        if store.location.is_sqlite:
            text = _holder_file(store).read_text().strip()
            pid = int(text.rsplit("pid ", 1)[1].split(",", 1)[0])
            os.kill(pid, 0)  # a note left by a killed process names nothing
            return text
        from cstool.storage.engine import WRITE_LOCK_KEY

        with store.engine.connect().execution_options(cstool_read=True) as conn:
            row = conn.execute(sql_text(
                "SELECT a.application_name, a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = :low AND a.datname = current_database() "
                "LIMIT 1"), {"low": WRITE_LOCK_KEY & 0xFFFFFFFF}).first()
        if row is None:
            return None
        return row.application_name if (row.application_name or "").startswith("cstool ") else \
            f"PostgreSQL backend pid {row.pid}"
    except Exception:  # noqa: BLE001 -- naming the holder is a courtesy; the refusal stands without it
        return None
