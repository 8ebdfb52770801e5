"""`cstool activity log|list`: the account timeline."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool import render
from cstool.cli.common import FormatOpt, notes, querying, writing
from cstool.render import Format

app = typer.Typer(no_args_is_help=True)
COLUMNS = ["id", "date", "type", "subject", "contact", "opportunity", "disposition"]


@app.command("log")
def log(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name or id.")],
    type_: Annotated[str, typer.Option("--type", help="call|meeting|email|workshop")],
    subject: Annotated[str, typer.Option("--subject", help="What it was about.")],
    on: Annotated[str | None, typer.Option("--date", help="When (default today).")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="Contact id or name on this account.")] = None,
    opportunity: Annotated[str | None, typer.Option("--opportunity", help="Opportunity id or name on this account.")] = None,
    disposition: Annotated[str | None, typer.Option("--disposition", help="Outcome, e.g. connected, left voicemail.")] = None,
    notes_: Annotated[str | None, typer.Option("--notes")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Log a call, meeting, email or workshop; a call or meeting can set the onboarding's first-engaged date."""
    from cstool.services.timeline import log_activity

    with writing(ctx) as (session, actor):
        record, events = log_activity(session, account=account, type_=type_, subject=subject, on=on, contact=contact,
                                      opportunity=opportunity, disposition=disposition, notes=notes_, actor=actor)
    notes(events)
    render.record(record, fmt, title="Activity")


@app.command("list")
def list_(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name or id.")],
    type_: Annotated[str | None, typer.Option("--type", help="Only this type.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only on or after this date.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, max=10_000_000)] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The account's timeline, newest first."""
    from cstool.queries.timeline import list_activities

    with querying(ctx) as session:
        data = list_activities(session, account=account, type_=type_, since=since, limit=limit)
    render.rows(data, fmt, columns=COLUMNS, title=f"Timeline of {account}", empty="No activities.")
