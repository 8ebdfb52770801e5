"""`cstool onboarding ...`: the onboarding lifecycle and its Time-to-Value milestones."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool import render
from cstool.cli.common import FormatOpt, querying
from cstool.render import Format

app = typer.Typer(no_args_is_help=True)

LIST_COLUMNS = ["id", "account", "status", "owner", "purchase_date", "start_date", "first_engaged_date",
                "first_value_date", "finish_date", "tte_days", "ttfv_days", "tto_days"]


@app.command("list")
def list_(
    ctx: typer.Context,
    account: Annotated[str | None, typer.Option("--account", help="Only this account.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="not-started|scheduled|in-progress|on-hold|completed")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only onboardings not completed.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """List onboardings with their milestone dates and TTE/TTFV/TTO."""
    from cstool.domain.fields import choice
    from cstool.domain.onboarding import STATUSES
    from cstool.queries.onboarding import list_onboardings

    status = choice("status", status, STATUSES) if status else None
    with querying(ctx) as session:
        data = list_onboardings(session, account=account, status=status, open_only=open_only)
    render.rows(data, fmt, columns=LIST_COLUMNS, title="Onboardings", empty="No onboardings.")


Ref = Annotated[str, typer.Argument(help="Account name (its open onboarding) or onboarding id.")]
OnDate = Annotated[str | None, typer.Option("--date", help="Date (default today).")]
SHOW_NESTED = {"tasks": ["id", "title", "due_date", "window_end_date", "owner", "status", "done_date"],
               "usage": ["date", "licenses", "active", "active_pct"], "team": ["role", "name"]}


def _record(session, o) -> dict:
    from cstool.services.lookup import account_names
    from cstool.services.records import onboarding_record
    from cstool.storage.models import Opportunity

    opp = session.get(Opportunity, o.opportunity_id) if o.opportunity_id else None
    return onboarding_record(o, account_names(session, {o.account_id})[o.account_id], opp.name if opp else None)


def _change(ctx: typer.Context, fmt: Format, service, **kwargs) -> None:
    from cstool.cli.common import change_and_show

    change_and_show(ctx, fmt, service, _record, lambda r: f"Onboarding #{r['id']} ({r['account']})", **kwargs)


@app.command("start")
def start(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name or id.")],
    on: Annotated[str | None, typer.Option("--date", help="Start date (default today).")] = None,
    purchase_date: Annotated[str | None, typer.Option("--purchase-date", help="Original contract date (default: latest closed-won close date).")] = None,
    csm: Annotated[str | None, typer.Option("--csm", help="Owner of the onboarding (default: the account's CSM).")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Start (or create and start) the account's onboarding and create its playbook tasks."""
    from cstool.services.onboarding import start_onboarding

    _change(ctx, fmt, start_onboarding, ref=account, start=on, purchase=purchase_date, csm=csm)


@app.command("update")
def update(
    ctx: typer.Context,
    ref: Ref,
    purchase_date: Annotated[str | None, typer.Option("--purchase-date")] = None,
    on: Annotated[str | None, typer.Option("--date", help="Start date.")] = None,
    first_engaged: Annotated[str | None, typer.Option("--first-engaged")] = None,
    infra_ready: Annotated[str | None, typer.Option("--infra-ready")] = None,
    first_value: Annotated[str | None, typer.Option("--first-value")] = None,
    csm: Annotated[str | None, typer.Option("--csm")] = None,
    greenfield: Annotated[bool | None, typer.Option("--greenfield/--no-greenfield")] = None,
    notes_: Annotated[str | None, typer.Option("--notes")] = None,
    challenges: Annotated[str | None, typer.Option("--challenges", help="Challenges and highlights.")] = None,
    success_plan: Annotated[str | None, typer.Option("--success-plan", help="Success-plan URL.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Set milestone dates and other fields (any time; an empty value clears a date)."""
    from cstool.services.onboarding import update_onboarding

    raw = {"purchase_date": purchase_date, "start_date": on, "first_engaged_date": first_engaged,
           "infra_ready_date": infra_ready, "first_value_date": first_value, "owner": csm, "greenfield": greenfield,
           "notes": notes_, "challenges": challenges, "success_plan_url": success_plan}
    _change(ctx, fmt, update_onboarding, ref=ref, raw=raw)


@app.command("usage")
def usage(
    ctx: typer.Context,
    ref: Ref,
    licenses: Annotated[str, typer.Option("--licenses", help="Licensed seats.")],
    active: Annotated[str, typer.Option("--active", help="Active users.")],
    on: OnDate = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Record a license-usage snapshot; the first at or above the threshold sets first value."""
    from cstool.services.onboarding import record_usage

    _usage_change(ctx, fmt, record_usage, ref=ref, licenses=licenses, active=active, on=on)


UsageId = Annotated[str, typer.Argument(help="Usage snapshot id (see `cstool onboarding usage-list REF`).")]


@app.command("usage-list")
def usage_list(ctx: typer.Context, ref: Ref, fmt: FormatOpt = Format.table) -> None:
    """An onboarding's license-usage snapshots with their ids."""
    from cstool.queries.onboarding import usage_list as query

    with querying(ctx) as session:
        data = query(session, ref=ref)
    render.rows(data, fmt, columns=["id", "date", "licenses", "active", "active_pct"], title=f"License usage of {ref}",
                empty="No usage snapshots.")


def _usage_change(ctx: typer.Context, fmt: Format, service, **kwargs) -> None:
    from cstool.cli.common import notes, writing

    with writing(ctx) as (session, actor):
        snapshot, events = service(session, actor=actor, **kwargs)
    notes(events)
    render.record(snapshot, fmt, title="License usage")


@app.command("usage-update")
def usage_update(
    ctx: typer.Context,
    ident: UsageId,
    licenses: Annotated[str | None, typer.Option("--licenses", help="The right licensed seats.")] = None,
    active: Annotated[str | None, typer.Option("--active", help="The right active users.")] = None,
    on: Annotated[str | None, typer.Option("--date", help="The right day.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Correct a usage snapshot; the first-value date follows when it came from usage."""
    from cstool.services.onboarding import update_usage

    _usage_change(ctx, fmt, update_usage, ident=ident, licenses=licenses, active=active, on=on)


@app.command("usage-remove")
def usage_remove(ctx: typer.Context, ident: UsageId, fmt: FormatOpt = Format.table) -> None:
    """Remove a usage snapshot (its history stays); the first-value date follows when it came from it."""
    from cstool.services.onboarding import remove_usage

    _usage_change(ctx, fmt, remove_usage, ident=ident)


@app.command("hold")
def hold(
    ctx: typer.Context,
    ref: Ref,
    reason: Annotated[str, typer.Option("--reason", help="Why it is delayed.")],
    cause: Annotated[str, typer.Option("--cause", help="customer|gitlab")],
    fmt: FormatOpt = Format.table,
) -> None:
    """Put an onboarding on hold; a customer-caused delay marks the account at risk (health >= yellow)."""
    from cstool.services.onboarding import hold_onboarding

    _change(ctx, fmt, hold_onboarding, ref=ref, reason=reason, cause=cause)


@app.command("resume")
def resume(ctx: typer.Context, ref: Ref, fmt: FormatOpt = Format.table) -> None:
    """Return an on-hold onboarding to in-progress."""
    from cstool.services.onboarding import resume_onboarding

    _change(ctx, fmt, resume_onboarding, ref=ref)


@app.command("complete")
def complete(
    ctx: typer.Context,
    ref: Ref,
    on: Annotated[str | None, typer.Option("--date", help="Finish date (default today).")] = None,
    survey_sent: Annotated[bool | None, typer.Option("--survey-sent/--no-survey-sent", help="Required.")] = None,
    survey_received: Annotated[bool | None, typer.Option("--survey-received/--no-survey-received", help="Required.")] = None,
    score: Annotated[str | None, typer.Option("--score", help="Experience score 1-5 (required).")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Complete an onboarding: finish date and the three survey fields (all required)."""
    from cstool.services.onboarding import complete_onboarding

    _change(ctx, fmt, complete_onboarding, ref=ref, finish=on, survey_sent=survey_sent,
            survey_received=survey_received, score=score)


@app.command("show")
def show(ctx: typer.Context, ref: Ref, fmt: FormatOpt = Format.table) -> None:
    """One onboarding with its metrics, tasks and usage snapshots."""
    from cstool.queries.onboarding import onboarding_detail

    with querying(ctx) as session:
        data = onboarding_detail(session, ref=ref)
    render.record(data, fmt, title=f"Onboarding #{data['id']} ({data['account']})", nested=SHOW_NESTED)
