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

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from sqlmodel import Session

from cstool.errors import Conflict, CstoolError, StorageError
from cstool.storage.engine import busy_timeout, check_sqlite_path, make_engine
from cstool.storage.location import Location, redact, resolve
from cstool.storage.migrate import ensure_schema


def translate(error: Exception, location: Location) -> CstoolError:
    message = redact(str(getattr(error, "orig", None) or error).strip().splitlines()[0], location.url)
    lowered = message.lower()
    if isinstance(error, sa_exc.IntegrityError):
        if "unique" in lowered or "duplicate" in lowered:
            return Conflict(f"conflict: a record with the same key already exists ({message}).")
        return Conflict(f"conflict: the store refused the change ({message}).")
    if "locked" in lowered or "busy" in lowered or "lock timeout" in lowered:
        return StorageError(
            f"store: {location.display()} stayed locked by another writer for more than "
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
            raise translate(error, self.location) from error

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One short write transaction: all of it commits, or none of it."""
        from sqlmodel import Session

        with self._guard():
            with Session(self.engine, expire_on_commit=False) as session:
                with session.begin():
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
