"""`cstool plan add|update|list|remove`: success-plan objectives."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from cstool import render
from cstool.cli.common import FormatOpt, querying
from cstool.cli.options import text_option, with_options
from cstool.render import Format

app = typer.Typer(no_args_is_help=True)

Id = Annotated[str, typer.Argument(help="Objective id (see `cstool plan list`).")]
LIST_COLUMNS = ["id", "account", "title", "primary", "capability", "status", "green_date", "due_date"]
FIELDS = {
    "solution": text_option("--solution", "The solution bought for it."),
    "capability": text_option("--capability", "SCM, CI, CD, Security, Agile, or other text."),
    "value_driver": text_option("--value-driver", "The value driver."),
    "metrics": text_option("--metrics", "How success is measured."),
    "pain": text_option("--pain", "The pain it removes."),
    "due": text_option("--due", "Due date."),
    "notes": text_option("--notes", "Notes."),
}
with_fields = with_options(FIELDS)
DateOpt = Annotated[Optional[str], typer.Option("--date", help="The day it turned green (default today).")]
StatusOpt = Annotated[Optional[str], typer.Option("--status", help="red, yellow or green.")]


def _change(ctx: typer.Context, fmt: Format, service, **kwargs) -> None:
    from cstool.cli.common import change_and_show
    from cstool.queries.plans import objective_records

    change_and_show(ctx, fmt, service, lambda session, o: objective_records(session, [o])[0],
                    lambda r: f"Objective #{r['id']} ({r['account']})", **kwargs)


@app.command("add")
@with_fields
def add(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name or id.")],
    title: Annotated[str, typer.Argument(help="The objective.")],
    primary: Annotated[bool, typer.Option("--primary", help="The use case the customer bought for (one per account).")] = False,
    status: StatusOpt = None,
    on: DateOpt = None,
    settings: dict = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Add an objective to an account's success plan (status yellow unless given)."""
    from cstool.services.plans import add as service

    _change(ctx, fmt, service, account=account, objective=title, primary=primary, on=on,
            raw={**settings, "status": status})


@app.command("update")
@with_fields
def update(
    ctx: typer.Context,
    ref: Id,
    status: StatusOpt = None,
    on: DateOpt = None,
    title: Annotated[Optional[str], typer.Option("--title", help="New title.")] = None,
    primary: Annotated[Optional[bool], typer.Option("--primary/--no-primary", help="Make it (or no longer) the primary.")] = None,
    settings: dict = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Change an objective; turning green stamps the green date once (--date, default today)."""
    from cstool.services.plans import update as service

    _change(ctx, fmt, service, ref=ref, primary=primary, on=on, raw={**settings, "status": status, "title": title})


@app.command("remove")
def remove(ctx: typer.Context, ref: Id) -> None:
    """Remove an objective (its history stays)."""
    from cstool.cli.common import notes, writing
    from cstool.services.plans import remove as service

    with writing(ctx) as (session, actor):
        _, events = service(session, ref=ref, actor=actor)
    notes(events)


@app.command("list")
def list_(
    ctx: typer.Context,
    account: Annotated[Optional[str], typer.Argument(help="Only this account.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Objectives, the primary one of each account first."""
    from cstool.queries.plans import list_objectives

    with querying(ctx) as session:
        data = list_objectives(session, account=account)
    render.rows(data, fmt, columns=LIST_COLUMNS, title="Success plans", empty="No objectives.")
