"""`cstool renewal open|list`: the renewals coming up (SPEC section 17)."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool import render
from cstool.cli.common import FormatOpt, notes, querying, writing
from cstool.render import Format, note

app = typer.Typer(no_args_is_help=True)

OPEN_COLUMNS = ["id", "account", "name", "renewal_date", "days_left", "arr_due", "forecast"]
LIST_COLUMNS = ["account", "renewal_date", "days_left", "arr_due", "forecast", "health_colour", "health_score",
                "open_risk_tasks", "days_since_contact"]


@app.command("open")
def open_(
    ctx: typer.Context,
    days: Annotated[int | None, typer.Option("--days", min=0, max=3650, help="Renewal dates up to today + N days (default: setting renewal-lead-days, 180).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be opened; change nothing.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Open a renewal opportunity for every account whose renewal date is near and has none (daily cron; idempotent)."""
    from cstool.services.renewals import open_renewals

    events: list[str] = []
    with writing(ctx) as (session, actor):
        opened = open_renewals(session, actor=actor, days=days, dry_run=dry_run, events=events)
        if dry_run:
            session.rollback()
    notes(events)
    if dry_run:
        note(f"Dry run: {len(opened)} renewal(s) would be opened; nothing was changed.")
    render.rows(opened, fmt, columns=OPEN_COLUMNS, title="Renewals opened" if not dry_run else "Renewals to open",
                empty="No renewal to open.")


def _within(value: str | None) -> int | None:
    from cstool.errors import InvalidValue

    if value is None:
        return None
    text = value.strip().lower()
    try:
        days = int(text[:-1]) if text.endswith("d") else int(text[:-1]) * 7 if text.endswith("w") else int(text)
    except ValueError:
        raise InvalidValue("--within", value, "use a number of days like 90d, 12w or 90") from None
    if not 0 <= days <= 36500:
        raise InvalidValue("--within", value, "use 0 to 36500 days")
    return days


@app.command("list")
def list_(
    ctx: typer.Context,
    within: Annotated[str | None, typer.Option("--within", help="Only renewal dates within this window (90d, 12w; a past date counts).")] = None,
    csm: Annotated[str | None, typer.Option("--csm", help="Only this CSM's accounts.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Open renewals by renewal date, with the account's computed health and days since the last contact."""
    from cstool.queries.renewals import renewal_list

    days = _within(within)
    with querying(ctx) as session:
        data = renewal_list(session, within_days=days, csm=csm)
    render.rows(data, fmt, columns=LIST_COLUMNS, title="Open renewals", empty="No open renewals.")
