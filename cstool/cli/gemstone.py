"""`cstool gemstone calc|recalc|summary`."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool import render
from cstool.cli.common import FormatOpt, querying, writing
from cstool.render import Format, note

app = typer.Typer(no_args_is_help=True)


@app.command("calc")
def calc(
    users: Annotated[str, typer.Option("--users", help="Licensed users.")],
    plan: Annotated[str | None, typer.Option("--plan", help="free|premium|ultimate")] = None,
    iacv: Annotated[str | None, typer.Option("--iacv", help="iACV amount.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The gemstone for these inputs and the rule that decided it (no store needed)."""
    from cstool.domain import fields
    from cstool.domain.gemstones import compute

    result = compute(
        fields.non_negative_int("users", users),
        fields.plan(plan) if plan else None,
        fields.money("iacv", iacv) if iacv is not None else None,
    )
    render.record(result.as_dict(), fmt, title="Gemstone")


@app.command("recalc")
def recalc(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the transitions, change nothing.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Recompute every account's gemstone; print the transitions and onboardings created (for cron). The iACV of
    accounts with closed-won deals is first rolled up over the last 365 days (unless iacv-source is manual)."""
    from cstool.services.gemstones import recalc_all

    with writing(ctx) as (session, actor):
        result = recalc_all(session, actor=actor, dry_run=dry_run, roll_up=True)  # deals of 365 days; they age out
        if dry_run:
            session.rollback()
    transitions = result["transitions"]
    verb = "would change" if dry_run else "changed"
    for line in result["iacv_changes"]:
        note(("would change " if dry_run else "") + line)
    note(f"{len(transitions)} account(s) {verb} gemstone; {result['onboardings_created']} onboarding(s) created.")
    if fmt is Format.json:
        render.record(result, fmt)
        return
    render.rows(
        transitions,
        fmt,
        columns=["account_id", "account", "old_gemstone", "new_gemstone", "onboarding_created"],
        title="Gemstone transitions" + (" (dry run)" if dry_run else ""),
        empty="No gemstone changed.",
    )


@app.command("summary")
def summary(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """Accounts and iACV per gemstone."""
    from cstool.queries.accounts import gemstone_summary

    with querying(ctx) as session:
        data = gemstone_summary(session)
    # the table reads "no gemstone" for the unranked accounts, ranked best first; json and csv keep the rank
    render.rows(data, fmt, columns=["gemstone", "accounts", "iacv"] if fmt is Format.table else
                ["gemstone", "rank", "accounts", "iacv"], title="Gemstones")
