"""`cstool task list|add|done`: follow-ups, including the onboarding playbook."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool import render
from cstool.cli.common import FormatOpt, querying, writing
from cstool.render import Format, note

app = typer.Typer(no_args_is_help=True)
COLUMNS = ["id", "account", "title", "due_date", "window_end_date", "owner", "overdue"]


@app.command("list")
def list_(
    ctx: typer.Context,
    due: Annotated[str | None, typer.Option("--due", help="Due by: today (bare --due), 7d, 2w or a date; overdue included.")] = None,
    csm: Annotated[str | None, typer.Option("--csm", help="Only this owner.")] = None,
    account: Annotated[str | None, typer.Option("--account", help="Only this account.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include done tasks.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Open tasks by due date (`task list --due 7d` is the morning cron mail)."""
    from cstool.queries.timeline import list_tasks

    with querying(ctx) as session:
        data = list_tasks(session, due=due, csm=csm, account=account, include_done=all_)
    render.rows(data, fmt, columns=COLUMNS + (["done_date"] if all_ else []), title="Tasks", empty="No tasks.")


@app.command("add")
def add(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name or id.")],
    title: Annotated[str, typer.Argument(help="What to do.")],
    due: Annotated[str, typer.Option("--due", help="Due date.")],
    owner: Annotated[str | None, typer.Option("--owner", help="Default: the account's CSM.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Add a follow-up task."""
    from cstool.services.timeline import add_task

    with writing(ctx) as (session, actor):
        record = add_task(session, account=account, title=title, due=due, owner=owner, actor=actor)
    note(f"Added task #{record['id']} for {record['account']}, due {record['due_date']}.")
    render.record(record, fmt, title="Task")


@app.command("done")
def done(
    ctx: typer.Context,
    task_id: Annotated[str, typer.Argument(help="Task id.")],
    on: Annotated[str | None, typer.Option("--date", help="When it was done (default today).")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Mark a task done."""
    from cstool.services.timeline import complete_task

    with writing(ctx) as (session, actor):
        record = complete_task(session, task_id=task_id, on=on, actor=actor)
    note(f"Task #{record['id']} done on {record['done_date']}.")
    render.record(record, fmt, title="Task")
