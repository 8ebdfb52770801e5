"""`cstool ebr schedule|reschedule|complete|cancel|decline|link|list|show`."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool import render
from cstool.cli.common import FormatOpt, notes, querying, writing
from cstool.render import Format

app = typer.Typer(no_args_is_help=True)

Ref = Annotated[str, typer.Argument(help="EBR id, or an account with exactly one open EBR.")]
Next = Annotated[bool, typer.Option("--next", help="Also schedule the successive EBR (90 days later, or per cadence).")]
COLUMNS = ["id", "account", "name", "date", "fiscal_quarter", "status", "outcome", "replaces_id", "opportunity_ids"]


def _change(ctx: typer.Context, fmt: Format, service, **kwargs) -> None:
    from cstool.cli.common import change_and_show
    from cstool.queries.ebr import records

    change_and_show(ctx, fmt, service, lambda session, e: records(session, [e])[0], lambda r: f"EBR #{r['id']}",
                    **kwargs)


@app.command("schedule")
def schedule(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name or id.")],
    on: Annotated[str | None, typer.Option("--date", help="When (without one the EBR is not-started).")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Default: '<account> FY2027-Q3 EBR'.")] = None,
    notes_: Annotated[str | None, typer.Option("--notes")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Create an EBR: scheduled on a date, or not-started without one."""
    from cstool.services.ebr import schedule as service

    _change(ctx, fmt, service, account=account, on=on, name=name, notes=notes_)


@app.command("reschedule")
def reschedule(
    ctx: typer.Context, ref: Ref, on: Annotated[str, typer.Option("--date", help="The new date.")],
    fmt: FormatOpt = Format.table,
) -> None:
    """Move an EBR; into another fiscal quarter it is declined and a new one replaces it."""
    from cstool.services.ebr import reschedule as service

    _change(ctx, fmt, service, ref=ref, on=on)


@app.command("complete")
def complete(
    ctx: typer.Context,
    ref: Ref,
    outcome: Annotated[str, typer.Option("--outcome", help="successful|partially-successful|unsuccessful")],
    on: Annotated[str | None, typer.Option("--date", help="When it was held (default: its date, else today).")] = None,
    notes_: Annotated[str | None, typer.Option("--notes")] = None,
    next_: Next = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Record an EBR as held, with its outcome."""
    from cstool.services.ebr import complete as service

    _change(ctx, fmt, service, ref=ref, outcome=outcome, on=on, notes=notes_, next_=next_)


@app.command("cancel")
def cancel(ctx: typer.Context, ref: Ref, next_: Next = False, fmt: FormatOpt = Format.table) -> None:
    """It was scheduled and then called off: status and outcome become cancelled."""
    from cstool.services.ebr import call_off

    _change(ctx, fmt, call_off, ref=ref, how="cancelled", next_=next_)


@app.command("decline")
def decline(ctx: typer.Context, ref: Ref, next_: Next = False, fmt: FormatOpt = Format.table) -> None:
    """The customer does not want this one: status and outcome become declined."""
    from cstool.services.ebr import call_off

    _change(ctx, fmt, call_off, ref=ref, how="declined", next_=next_)


@app.command("link")
def link(
    ctx: typer.Context,
    ref: Annotated[str | None, typer.Argument(help="EBR id (leave out with --auto).")] = None,
    opportunity: Annotated[str, typer.Option("--opportunity", help="Opportunity id or name.")] = ...,
    auto: Annotated[bool, typer.Option("--auto", help="Link exactly the four latest EBRs held before its close date.")] = False,
) -> None:
    """Link held EBRs to an opportunity (only the four latest held before its close date)."""
    from cstool.services.ebr import link as service

    with writing(ctx) as (session, actor):
        _, events = service(session, ref=ref, opportunity=opportunity, auto=auto, actor=actor)
    notes(events)


@app.command("list")
def list_(
    ctx: typer.Context,
    account: Annotated[str | None, typer.Option("--account", help="Only this account.")] = None,
    fy: Annotated[str | None, typer.Option("--fy", help="Only this fiscal year (2027, FY2027, current).")] = None,
    status: Annotated[str | None, typer.Option("--status", help="not-started|scheduled|completed|cancelled|declined")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """List EBRs by date."""
    from cstool.clock import today
    from cstool.domain.fiscal import parse_fiscal_year
    from cstool.queries.ebr import list_ebrs
    from cstool.services.settings import get_setting

    with querying(ctx) as session:
        year = parse_fiscal_year(fy, start_month=get_setting(session, "fiscal-year-start"), today=today()) if fy else None
        data = list_ebrs(session, account=account, fy=year, status=status)
    render.rows(data, fmt, columns=COLUMNS, title="EBRs", empty="No EBRs.")


@app.command("show")
def show(ctx: typer.Context, ref: Annotated[str, typer.Argument(help="EBR id or account.")], fmt: FormatOpt = Format.table) -> None:
    """One EBR."""
    from cstool.queries.ebr import ebr_row, records

    with querying(ctx) as session:
        (record,) = records(session, [ebr_row(session, ref)])
    render.record(record, fmt, title=f"EBR #{record['id']}")
