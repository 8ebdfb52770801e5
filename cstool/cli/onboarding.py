"""`cstool onboarding ...`: the onboarding lifecycle and its Time-to-Value milestones."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool import render
from cstool.cli.common import FormatOpt, reading
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
    from cstool.services.onboarding import list_onboardings

    status = choice("status", status, STATUSES) if status else None
    with reading(ctx) as session:
        data = list_onboardings(session, account=account, status=status, open_only=open_only)
    render.rows(data, fmt, columns=LIST_COLUMNS, title="Onboardings", empty="No onboardings.")
