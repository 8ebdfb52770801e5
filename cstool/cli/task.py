"""`cstool task list|add|done|skip|update|remove|reassign|snooze`: follow-ups and calls to action."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool import render
from cstool.cli.common import FormatOpt, notes, querying, writing
from cstool.render import Format, note

app = typer.Typer(no_args_is_help=True)
COLUMNS = ["id", "account", "title", "due_date", "window_end_date", "owner", "priority", "type", "overdue"]
CLOSED_COLUMNS = ["id", "account", "title", "due_date", "owner", "status", "done_date", "closed_reason"]
ALL_COLUMNS = COLUMNS + ["status", "done_date", "closed_reason", "snooze_date"]

TypeOpt = Annotated[str | None, typer.Option("--type", help="activity|lifecycle|risk|expansion|objective")]
PriorityOpt = Annotated[str | None, typer.Option("--priority", help="high|medium|low")]
IdsArg = Annotated[list[str], typer.Argument(help="Task ids (one or more; all or none are changed).")]
IdArg = Annotated[str, typer.Argument(help="Task id.")]


@app.command("list")
def list_(
    ctx: typer.Context,
    due: Annotated[str | None, typer.Option("--due", help="Due by: today (bare --due), 7d, 2w or a date; overdue included.")] = None,
    csm: Annotated[str | None, typer.Option("--csm", help="Only this owner (any case).")] = None,
    account: Annotated[str | None, typer.Option("--account", help="Only this account.")] = None,
    type_: TypeOpt = None,
    priority: PriorityOpt = None,
    source: Annotated[str | None, typer.Option("--source", help="playbook, manual, rule (any rule) or rule:<name>.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every task: done, skipped, resolved and snoozed too.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Open tasks by priority, then due date; snoozed ones stay hidden until their date (`task list --due 7d` is
    the morning cron mail)."""
    from cstool.queries.tasks import list_tasks

    with querying(ctx) as session:
        data = list_tasks(session, due=due, csm=csm, account=account, include_closed=all_, type_=type_,
                          priority=priority, source=source)
    render.rows(data, fmt, columns=ALL_COLUMNS if all_ else COLUMNS, title="Tasks", empty="No tasks.")


@app.command("add")
def add(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name or id.")],
    title: Annotated[str, typer.Argument(help="What to do.")],
    due: Annotated[str, typer.Option("--due", help="Due date.")],
    owner: Annotated[str | None, typer.Option("--owner", help="Default: the account's CSM, else the csm-manager setting.")] = None,
    type_: Annotated[str | None, typer.Option("--type", help="activity (default)|lifecycle|risk|expansion|objective")] = None,
    priority: Annotated[str | None, typer.Option("--priority", help="high|medium (default)|low")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Add a follow-up task."""
    from cstool.services.tasks import add_task

    with writing(ctx) as (session, actor):
        record = add_task(session, account=account, title=title, due=due, owner=owner, type_=type_, priority=priority,
                          actor=actor)
    note(f"Added task #{record['id']} for {record['account']}, due {record['due_date']}.")
    render.record(record, fmt, title="Task")


def _close(ctx: typer.Context, fmt: Format, task_ids: list[str], status: str, **kwargs) -> None:
    """Close the tasks in one transaction (all or none), say so per task, print them."""
    from cstool.services.tasks import close_tasks

    with writing(ctx) as (session, actor):
        records = close_tasks(session, task_ids=task_ids, status=status, actor=actor, **kwargs)
    for r in records:
        note(f"Task #{r['id']} {status}" + (f" on {r['done_date']}" if r["done_date"] else "")
             + (f" ({r['closed_reason']})" if r["closed_reason"] else "") + ".")
    render.rows(records, fmt, columns=CLOSED_COLUMNS, title="Tasks")


@app.command("done")
def done(
    ctx: typer.Context,
    task_ids: IdsArg,
    on: Annotated[str | None, typer.Option("--date", help="When they were done (default today).")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Mark tasks done (several at once: all of them, or none when one id is wrong or already closed)."""
    _close(ctx, fmt, task_ids, "done", on=on)


@app.command("skip")
def skip(
    ctx: typer.Context,
    task_ids: IdsArg,
    reason: Annotated[str, typer.Option("--reason", help="Why it is not needed (kept as closed_reason).")],
    fmt: FormatOpt = Format.table,
) -> None:
    """Close tasks as skipped, with the reason (all of them, or none)."""
    _close(ctx, fmt, task_ids, "skipped", reason=reason)


@app.command("update")
def update(
    ctx: typer.Context,
    task_id: IdArg,
    title: Annotated[str | None, typer.Option("--title")] = None,
    due: Annotated[str | None, typer.Option("--due", help="New due date (a window moves with it).")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help='New owner ("" gives it back to the CSM).')] = None,
    type_: TypeOpt = None,
    priority: PriorityOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Correct a task (each change in history)."""
    from cstool.services.tasks import update_task

    with writing(ctx) as (session, actor):
        record = update_task(session, task_id=task_id, title=title, due=due, owner=owner, type_=type_,
                             priority=priority, actor=actor)
    note(f"Task #{record['id']} updated.")
    render.record(record, fmt, title="Task")


@app.command("remove")
def remove(ctx: typer.Context, task_id: IdArg, fmt: FormatOpt = Format.table) -> None:
    """Remove a task added by mistake; its history stays (`cstool history task:ID`)."""
    from cstool.services.tasks import remove_task

    with writing(ctx) as (session, actor):
        record = remove_task(session, task_id=task_id, actor=actor)
    note(f"Removed task #{record['id']} ({record['title']}); its history stays (cstool history task:{record['id']}).")
    render.record(record, fmt, title="Removed task")


@app.command("reassign")
def reassign(
    ctx: typer.Context,
    from_: Annotated[str, typer.Option("--from", help="The person whose open tasks move (any case).")],
    to: Annotated[str, typer.Option("--to", help="The person who takes them.")],
    account: Annotated[str | None, typer.Option("--account", help="Only this account's tasks.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Move a book of open tasks from one person to another (a CSM leaving); each move in history."""
    from cstool.services.tasks import reassign_tasks

    with writing(ctx) as (session, actor):
        records, events = reassign_tasks(session, from_=from_, to=to, account=account, actor=actor)
    notes(events)
    render.rows(records, fmt, columns=COLUMNS, title="Reassigned tasks", empty="No open tasks moved.")


@app.command("snooze")
def snooze(
    ctx: typer.Context,
    task_id: IdArg,
    until: Annotated[str, typer.Option("--until", help='Hidden from `task list` until this day ("" shows it again).')],
    fmt: FormatOpt = Format.table,
) -> None:
    """Hide an open task from the list until a later day (it keeps its snooze_date)."""
    from cstool.services.tasks import snooze_task

    with writing(ctx) as (session, actor):
        record = snooze_task(session, task_id=task_id, until=until, actor=actor)
    note(f"Task #{record['id']} snoozed until {record['snooze_date']}." if record["snooze_date"]
         else f"Task #{record['id']} is no longer snoozed.")
    render.record(record, fmt, title="Task")
