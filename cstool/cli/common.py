"""What every command module shares: global state, the store, the format option."""

from __future__ import annotations

import getpass
import os
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Iterator

import typer

from cstool.render import Format, note

FormatOpt = Annotated[
    Format,
    typer.Option("--format", "-f", case_sensitive=False, help="Output: table (default), json or csv."),
]


@dataclass
class State:
    db: str | None = None
    actor: str | None = None
    debug: bool = False


def state(ctx: typer.Context) -> State:
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State()
    return root.obj


def resolve_actor(explicit: str | None) -> str:
    """--actor, else CSTOOL_USER, else the login name; free text like any other (no control characters)."""
    from cstool.domain.text import check_text

    if explicit and explicit.strip():
        return check_text("--actor", explicit.strip()[:200])
    env = os.environ.get("CSTOOL_USER", "").strip()
    if env:
        return check_text("CSTOOL_USER", env[:200])
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


@contextmanager
def open_store(ctx: typer.Context) -> Iterator["Store"]:  # noqa: F821
    from cstool.storage.store import open_store as _open

    st = state(ctx)
    store = _open(st.db, actor=resolve_actor(st.actor), announce=note)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def writing(ctx: typer.Context):
    """A store and one write transaction: yields (session, actor)."""
    with open_store(ctx) as store, store.write() as session:
        yield session, store.actor


@contextmanager
def querying(ctx: typer.Context, *, consistent: bool = False) -> Iterator["Connection"]:  # noqa: F821
    """Yields a read-only SQLAlchemy Core `Connection` (the read path: no ORM, no SQLModel import).

    It is not an ORM Session: there is no `get`, `add` or `scalars` of models.  Many commands still name it
    `session` (`with querying(ctx) as session:`); that name is wrong and is to become `conn` (issue 23)."""
    with open_store(ctx) as store, store.query(consistent=consistent) as conn:
        yield conn


@contextmanager
def reading(ctx: typer.Context):
    with open_store(ctx) as store, store.read() as session:
        yield session


def notes(events: list[str]) -> None:
    for event in events:
        note(event)


def change_and_show(ctx: typer.Context, fmt, service, to_record, title, **kwargs) -> None:
    """Run a service `(session, actor=..., **kwargs) -> (record, events)` in one write transaction,
    then print its events (stderr) and the record in the chosen format (stdout)."""
    from cstool import render

    with writing(ctx) as (session, actor):
        obj, events = service(session, actor=actor, **kwargs)
        record = to_record(session, obj)
    notes(events)
    render.record(record, fmt, title=title(record), nested={"team": ["role", "name"]} if "team" in record else None)


@contextmanager
def progress_bar(label: str):
    """A Rich progress bar on a terminal (stderr), nothing on a pipe: yields `update(done, total)` or None."""
    import sys

    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from cstool.render import console, shown

    bar = Progress(TextColumn("{task.description}", markup=False), BarColumn(), TimeRemainingColumn(), transient=True,
                   console=console(stderr=True))
    task = bar.add_task(shown(label), total=1)
    bar.start()
    try:
        yield lambda done, total: bar.update(task, completed=done, total=max(total, 1))
    finally:
        bar.stop()
