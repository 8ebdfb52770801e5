"""`cstool db init|migrate|backup|check|info|path`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cstool import render
from cstool.cli.common import FormatOpt, open_store, resolve_actor, state
from cstool.render import Format, note

app = typer.Typer(no_args_is_help=True)


@app.command("path")
def path(ctx: typer.Context) -> None:
    """Print where the store is (--db, CSTOOL_DB, or the user data folder)."""
    from cstool.storage.location import resolve

    location = resolve(state(ctx).db)
    typer.echo(location.display())


@app.command("init")
def init(ctx: typer.Context) -> None:
    """Create the store (0600) at the newest schema, or confirm it is there."""
    from cstool.storage import schema

    with open_store(ctx) as store:
        note(f"Store ready at {store.location.display()} (schema {schema.HEAD}).")


@app.command("migrate")
def migrate(ctx: typer.Context) -> None:
    """Bring the store to the newest schema (SQLite: a backup is written beside it first)."""
    from cstool.storage import schema

    with open_store(ctx) as store:
        note(f"Store at {store.location.display()} is at schema {schema.HEAD}.")


def _unmigrated(ctx: typer.Context):
    from cstool.storage.store import open_store as _open

    return _open(state(ctx).db, actor=resolve_actor(state(ctx).actor), migrate=False)


def _inspect(ctx: typer.Context, fn):
    """Run fn(engine, location) on the store as it is (no migration), with driver errors translated."""
    store = _unmigrated(ctx)
    try:
        with store._guard():
            return fn(store.engine, store.location)
    finally:
        store.close()


@app.command("backup")
def backup(ctx: typer.Context, target: Annotated[Path, typer.Argument(help="Where to write the copy (must not exist).")]) -> None:
    """A consistent copy of a SQLite store, readable by you only (0600)."""
    import os

    from cstool.errors import RuleViolation
    from cstool.storage.migrate import backup_sqlite

    store = _unmigrated(ctx)
    try:
        if store.location.path is None:
            raise RuleViolation(
                "backup: the store is a PostgreSQL database; back it up with pg_dump "
                "(cstool never handles server credentials for that)."
            )
        out = backup_sqlite(store.location.path, Path(os.path.abspath(target)))
    finally:
        store.close()
    note(f"Backed up {store.location.display()} to {out}.")


@app.command("check")
def check(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """Integrity and foreign-key checks (SQLite), or a connection and schema check (PostgreSQL)."""
    from cstool.errors import ExitCode
    from cstool.storage.maintenance import check_store

    results = _inspect(ctx, check_store)
    render.rows(results, fmt, columns=["check", "ok", "detail"], title="Store checks")
    if not all(r["ok"] for r in results):
        note("The store has problems (see above).")
        raise typer.Exit(int(ExitCode.STORAGE))


@app.command("info")
def info(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """Backend, location, schema revision, file mode and row counts."""
    from cstool.storage.maintenance import store_info

    data = _inspect(ctx, store_info)
    render.record(data, fmt, title="Store")


@app.command("copy")
def copy(
    ctx: typer.Context,
    to: Annotated[str | None, typer.Option("--to", help="The target: a new SQLite file or an empty database's URL "
                                                        "(postgresql+psycopg://USER@HOST/DB). The command line is "
                                                        "visible to other users: keep passwords out of it.")] = None,
    to_env: Annotated[str | None, typer.Option("--to-env", metavar="VAR",
                                               help="Read the target from the environment variable VAR (a URL with "
                                                    "its password stays out of `ps`).")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Copy the whole store (every table, history and settings included) into an empty store of either engine.

    One transaction on the target, ids kept, sequences moved past them; a target that is not empty is
    refused (exit 4) and left as it was. --db names the source. A server's password comes best from
    --to-env VAR or ~/.pgpass (libpq reads it when the URL has none), never from --to on a shared machine."""
    import os

    from cstool.cli.common import progress_bar
    from cstool.errors import InvalidValue
    from cstool.services.importing.tables import copy_rows
    from cstool.storage.store import open_store as _open

    if (to is None) == (to_env is None):
        raise InvalidValue("--to", to or "", "give the target as --to URL or --to-env VAR (one of them)")
    if to_env is not None:
        to = os.environ.get(to_env, "").strip()
        if not to:
            raise InvalidValue("--to-env", to_env, "name an environment variable that holds the target URL or path")
    actor = resolve_actor(state(ctx).actor)
    with open_store(ctx) as source:
        target = _open(to, actor=actor, migrate=False)
        try:
            _prepare_copy_target(source, target)
            with progress_bar("db copy") as progress, source.snapshot() as read, target.write() as write:
                counts = copy_rows(read, write, progress=progress)
        finally:
            target.close()
    note(f"Copied {sum(counts.values())} row(s) in {len(counts)} tables from {source.location.display()} "
         f"to {target.location.display()}.")
    render.rows([{"table": t, "rows": n} for t, n in counts.items()], fmt, title="Copied")


def _prepare_copy_target(source, target) -> None:
    """The target gets the newest schema when it has none; a store at another revision is refused untouched."""
    from cstool.errors import Conflict
    from cstool.storage import schema
    from cstool.storage.migrate import current_revision, ensure_schema

    if target.location.url == source.location.url:
        raise Conflict("db copy: the target is the source store; give another one. Nothing was changed.")
    with target._guard():
        with target.engine.connect().execution_options(cstool_read=True) as conn, conn.begin():
            revision = current_revision(conn)
        if revision not in (None, schema.HEAD):
            raise Conflict(f"db copy: the target already holds a cstool store (schema {revision}); copy into a new "
                           "database. Nothing was changed.")
        ensure_schema(target.engine, target.location, announce=note)
