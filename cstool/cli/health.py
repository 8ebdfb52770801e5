"""`cstool health snapshot`: store every account's computed health score (weekly, from cron)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from cstool import render
from cstool.cli.common import FormatOpt, writing
from cstool.render import Format, note

app = typer.Typer(no_args_is_help=True)


@app.callback()
def health() -> None:
    """Health scores: `account health REF` explains one, `report health` ranks them, `snapshot` stores them."""


@app.command("snapshot")
def snapshot(
    ctx: typer.Context,
    on: Annotated[Optional[str], typer.Option("--date", help="The day it is for (default today).")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Store every account's score and colour for the day, so `report health` shows the change."""
    from cstool.clock import today
    from cstool.domain.dates import parse_date
    from cstool.services.health import snapshot as service

    day = parse_date(on, field="date") if on else today()
    with writing(ctx) as (session, actor):
        result = service(session, as_of=day, actor=actor)
    note(f"Health snapshot {result['date']}: {result['accounts']} accounts, {result['green']} green, "
         f"{result['yellow']} yellow, {result['red']} red, {result['not scored']} not scored.")
    if fmt is not Format.table:
        render.record(result, fmt)
