"""`cstool opportunity add|list|show|update`."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool import render
from cstool.cli.common import FormatOpt, querying, writing
from cstool.render import Format, note

app = typer.Typer(no_args_is_help=True)

Stage = Annotated[str | None, typer.Option("--stage", help="discovery|scoping|technical-evaluation|proposal|negotiating|closed-won|closed-lost")]
CloseDate = Annotated[str | None, typer.Option("--close-date", help="Close date (YYYY-MM-DD, today, +3d, ...).")]
Amount = Annotated[str | None, typer.Option("--amount", help="Amount, non-negative.")]
Iacv = Annotated[str | None, typer.Option("--iacv", help="iACV, non-negative.")]
OppType = Annotated[str | None, typer.Option("--type", help="new|renewal|add-on|services")]
RenewalDate = Annotated[str | None, typer.Option("--renewal-date", help="Renewals: the subscription end it renews.")]
ArrDue = Annotated[str | None, typer.Option("--arr-due", help="Renewals: the ARR up for renewal (default the account's ARR).")]
Forecast = Annotated[str | None, typer.Option("--forecast", help="Renewals: commit|best-case|pipeline|omitted")]
ChurnReason = Annotated[str | None, typer.Option("--churn-reason", help="A lost renewal: budget|product-fit|competitor|acquired|consolidation|no-adoption|support|other")]
COLUMNS = ["id", "account", "name", "stage", "close_date", "amount", "iacv", "type"]


@app.command("add")
def add(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name or id.")],
    name: Annotated[str, typer.Option("--name", help="Opportunity name.")],
    stage: Stage = None, close_date: CloseDate = None, amount: Amount = None, iacv: Iacv = None,
    type_: OppType = None, renewal_date: RenewalDate = None, arr_due: ArrDue = None, forecast: Forecast = None,
    churn_reason: ChurnReason = None, fmt: FormatOpt = Format.table,
) -> None:
    """Add an opportunity to an account."""
    from cstool.services.crm import add_opportunity

    raw = dict(name=name, stage=stage, close_date=close_date, amount=amount, iacv=iacv, type=type_,
               renewal_date=renewal_date, arr_due=arr_due, forecast=forecast, churn_reason=churn_reason)
    with writing(ctx) as (session, actor):
        record, events = add_opportunity(session, account=account, raw=raw, actor=actor)
    for event in events:
        note(event)
    render.record(record, fmt, title=record["name"])


@app.command("update")
def update(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Opportunity id (or unique name).")],
    name: Annotated[str | None, typer.Option("--name", help="Rename it.")] = None,
    stage: Stage = None, close_date: CloseDate = None, amount: Amount = None, iacv: Iacv = None,
    type_: OppType = None, renewal_date: RenewalDate = None, arr_due: ArrDue = None, forecast: Forecast = None,
    churn_reason: ChurnReason = None, fmt: FormatOpt = Format.table,
) -> None:
    """Change an opportunity's fields."""
    from cstool.services.crm import update_opportunity

    raw = dict(name=name, stage=stage, close_date=close_date, amount=amount, iacv=iacv, type=type_,
               renewal_date=renewal_date, arr_due=arr_due, forecast=forecast, churn_reason=churn_reason)
    with writing(ctx) as (session, actor):
        record, events = update_opportunity(session, ref=ref, raw=raw, actor=actor)
    for event in events:
        note(event)
    render.record(record, fmt, title=record["name"])


@app.command("show")
def show(ctx: typer.Context, ref: Annotated[str, typer.Argument(help="Opportunity id (or unique name).")], fmt: FormatOpt = Format.table) -> None:
    """One opportunity."""
    from cstool.queries.crm import show_opportunity

    with querying(ctx) as session:
        record = show_opportunity(session, ref=ref)
    render.record(record, fmt, title=record["name"])


@app.command("list")
def list_(
    ctx: typer.Context,
    account: Annotated[str | None, typer.Argument(help="Only this account's opportunities.")] = None,
    stage: Stage = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """List opportunities, latest close date first."""
    from cstool.queries.crm import list_opportunities

    with querying(ctx) as session:
        data = list_opportunities(session, account=account, stage=stage)
    render.rows(data, fmt, columns=COLUMNS, title="Opportunities", empty="No opportunities.")
