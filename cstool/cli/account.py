"""`cstool account add|list|show|update|archive`."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool.cli.common import FormatOpt, notes, querying, writing
from cstool.render import Format, note
from cstool import render

app = typer.Typer(no_args_is_help=True)

Segment = Annotated[str | None, typer.Option("--segment", help="strategic|large|mid-market|smb")]
Plan = Annotated[str | None, typer.Option("--plan", help="free|premium|ultimate (other text kept as written)")]
Users = Annotated[str | None, typer.Option("--users", help="Licensed users (whole number, 0 or more).")]
Iacv = Annotated[str | None, typer.Option("--iacv", help="Incremental ACV, non-negative amount.")]
Health = Annotated[str | None, typer.Option("--health", help="green|yellow|red")]
Sentiment = Annotated[str | None, typer.Option("--sentiment", help="CSM sentiment: green|yellow|red")]
Csm = Annotated[str | None, typer.Option("--csm", help="Customer Success Manager.")]
Sa = Annotated[str | None, typer.Option("--sa", help="Solutions Architect.")]
Owner = Annotated[str | None, typer.Option("--owner", help="Account owner (AE).")]
CsProject = Annotated[str | None, typer.Option("--cs-project", help="CS project URL.")]
Slack = Annotated[str | None, typer.Option("--slack", help="Slack channel; internal ones are #a_<customer>-internal.")]
Stage = Annotated[str | None, typer.Option("--stage", help="Lifecycle stage: onboarding|adoption|expansion|renewal|churned")]
Cadence = Annotated[str | None, typer.Option("--ebr-cadence", help="quarterly|semiannual|annual|none")]
Arr = Annotated[str | None, typer.Option("--arr", help="Annual recurring revenue now, non-negative amount.")]
RenewalDate = Annotated[str | None, typer.Option("--renewal-date", help="The current subscription's end (a renewal date inside renewal-lead-days opens its renewal).")]
Term = Annotated[str | None, typer.Option("--term", help="Subscription term in months, 1 to 120 (default 12).")]
Domains = Annotated[str | None, typer.Option("--domain", help="Email domains, comma-separated (acme.com,acme.co.uk); replaces the list.")]

LIST_COLUMNS = ["id", "name", "segment", "plan", "users", "iacv", "gemstone", "health", "csm"]
CHILD_COLUMNS = {
    "contacts": ["id", "name", "title", "role", "email"],
    "opportunities": ["id", "name", "stage", "close_date", "amount", "iacv", "type"],
    "onboarding": [],
    "ebrs": ["id", "name", "date", "fiscal_quarter", "status", "outcome"],
    "pses": ["id", "name", "status", "percent_complete", "scoped_hours", "hours_consumed"],
    "pov": [],
    "primary_objective": [],
    "tasks": ["id", "title", "due_date", "owner"],
}


def _raw(**options: str | None) -> dict[str, str | None]:
    return options


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Account name (unique, any case).")],
    segment: Segment = None, plan: Plan = None, users: Users = None, iacv: Iacv = None,
    health: Health = None, sentiment: Sentiment = None, csm: Csm = None, sa: Sa = None,
    owner: Owner = None, cs_project: CsProject = None, slack: Slack = None, stage: Stage = None,
    ebr_cadence: Cadence = None, domain: Domains = None, arr: Arr = None, renewal_date: RenewalDate = None,
    term: Term = None, fmt: FormatOpt = Format.table,
) -> None:
    """Add an account; its gemstone is computed from users, plan and iACV."""
    from cstool.services.accounts import add_account
    from cstool.services.records import account_record

    raw = _raw(segment=segment, plan=plan, users=users, iacv=iacv, health=health, sentiment=sentiment,
               csm=csm, sa=sa, owner=owner, cs_project=cs_project, slack=slack, stage=stage,
               ebr_cadence=ebr_cadence, domain=domain, arr=arr, renewal_date=renewal_date, term=term)
    with writing(ctx) as (session, actor):
        account, events = add_account(session, name=name, raw=raw, actor=actor)
        record = account_record(account)
    note(f"Added account {record['name']} (id {record['id']}).")
    notes(events)
    render.record(record, fmt, title=record["name"])


@app.command("update")
def update(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Account name or id.")],
    name: Annotated[str | None, typer.Option("--name", help="Rename the account.")] = None,
    segment: Segment = None, plan: Plan = None, users: Users = None, iacv: Iacv = None,
    health: Health = None, sentiment: Sentiment = None, csm: Csm = None, sa: Sa = None,
    owner: Owner = None, cs_project: CsProject = None, slack: Slack = None, stage: Stage = None,
    ebr_cadence: Cadence = None, domain: Domains = None, arr: Arr = None, renewal_date: RenewalDate = None,
    term: Term = None, fmt: FormatOpt = Format.table,
) -> None:
    """Change fields of an account (an empty value clears a field); the gemstone follows."""
    from cstool.services.accounts import update_account
    from cstool.services.records import account_record

    raw = _raw(segment=segment, plan=plan, users=users, iacv=iacv, health=health, sentiment=sentiment,
               csm=csm, sa=sa, owner=owner, cs_project=cs_project, slack=slack, stage=stage,
               ebr_cadence=ebr_cadence, domain=domain, arr=arr, renewal_date=renewal_date, term=term)
    with writing(ctx) as (session, actor):
        account, events = update_account(session, ref=ref, raw=raw, actor=actor, new_name=name)
        record = account_record(account)
    notes(events)
    render.record(record, fmt, title=record["name"])


@app.command("archive")
def archive(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Account name or id.")],
    restore: Annotated[bool, typer.Option("--restore", help="Bring an archived account back.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Archive an account (kept with its history, hidden from lists and reports)."""
    from cstool.services.accounts import archive_account
    from cstool.services.records import account_record

    with writing(ctx) as (session, actor):
        record = account_record(archive_account(session, ref=ref, actor=actor, restore=restore))
    note(f"{'Restored' if restore else 'Archived'} account {record['name']}.")
    render.record(record, fmt, title=record["name"])


@app.command("list")
def list_(
    ctx: typer.Context,
    gemstone: Annotated[str | None, typer.Option("--gemstone", help="Only this gemstone (or 'none').")] = None,
    csm: Csm = None,
    segment: Segment = None,
    all_: Annotated[bool, typer.Option("--all", help="Include archived accounts.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", min=1, max=10_000_000, help="At most this many.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """List accounts, best gemstone first."""
    from cstool.queries.accounts import iter_accounts

    with querying(ctx) as session:  # rows stream from the query to the output (json, csv)
        data = iter_accounts(session, include_archived=all_, gemstone=gemstone, csm=csm, segment=segment, limit=limit)
        render.rows(data if fmt is not Format.table else list(data), fmt, columns=LIST_COLUMNS, title="Accounts",
                    empty="No accounts.")


@app.command("show")
def show(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Account name or id.")],
    fmt: FormatOpt = Format.table,
) -> None:
    """Everything known about one account: fields, gemstone and why, contacts, onboarding, tasks."""
    from cstool.queries.accounts import show_account

    with querying(ctx) as session:
        data = show_account(session, ref=ref)
    render.record(data, fmt, title=data["name"], nested=CHILD_COLUMNS)


@app.command("health")
def health(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Account name or id.")],
    history: Annotated[bool, typer.Option("--history", help="Add the stored snapshots (the trend).")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """The health scorecard: every measure with its colour and why, the weights, the score and the recorded health."""
    from cstool.queries.health import account_health

    with querying(ctx) as session:
        data = account_health(session, ref=ref, history=history)
    if fmt is not Format.table:
        render.record(data, fmt)
        return
    title = f"{data['account']}: health {data['score'] if data['score'] is not None else '-'} " \
            f"({data['colour'] or 'not scored'}), recorded {data['recorded_health'] or '-'}, as of {data['as_of']}"
    render.rows(data["measures"], fmt, columns=["measure", "colour", "weight", "reason"], title=title)
    if data["reason"]:
        render.note(data["reason"])
    if history:
        render.rows(data["history"], fmt, title="Snapshots", empty="No snapshots yet (cstool health snapshot).")
