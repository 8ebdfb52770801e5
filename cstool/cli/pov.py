"""`cstool pov create|start|close|cancel|update|list|show`."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from cstool import render
from cstool.cli.common import FormatOpt, querying
from cstool.cli.options import text_option, with_options
from cstool.render import Format

app = typer.Typer(no_args_is_help=True)

Ref = Annotated[str, typer.Argument(help="POV id or name, or an account with one POV not closed or cancelled.")]
LIST_COLUMNS = ["id", "account", "name", "type", "owner", "status", "result", "start_date", "planned_end_date",
                "end_date", "length_days"]

# The setting options of SPEC section 12, defined once: create, update and start take them all.
SETTINGS = {
    "owner": text_option("--owner", "The Solutions Architect running it (default: the account's SA)."),
    "type": text_option("--type", "guided, lite or paid."),
    "success_criteria": text_option("--success-criteria", "What the POV must show (needed to start)."),
    "planned_end": text_option("--planned-end", "Planned end date, at most 8 weeks after the start (needed to start)."),
    "collaboration_project": text_option("--collaboration-project", "Collaboration project URL."),
    "notes": text_option("--notes", "Notes."),
}
with_settings = with_options(SETTINGS)


def _change(ctx: typer.Context, fmt: Format, service, **kwargs) -> None:
    from cstool.cli.common import change_and_show
    from cstool.queries.pov import pov_records

    change_and_show(ctx, fmt, service, lambda session, p: pov_records(session, [p])[0],
                    lambda r: f"POV #{r['id']} {r['name']}", **kwargs)


@app.command("create")
@with_settings
def create(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name or id.")],
    opportunity: Annotated[Optional[str], typer.Option("--opportunity", help="The open opportunity (required).")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="Name (unique; default '<account> POV <n>').")] = None,
    settings: dict = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Create a POV (status new) for an open opportunity."""
    from cstool.services.pov import create as service

    _change(ctx, fmt, service, account=account, opportunity=opportunity, name=name, raw=settings)


@app.command("start")
@with_settings
def start(
    ctx: typer.Context,
    ref: Ref,
    on: Annotated[Optional[str], typer.Option("--date", help="Start date (default today).")] = None,
    settings: dict = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Start a new POV: needs success criteria and a planned end at most 8 weeks away; warns past 3 guided
    or paid POVs per SA."""
    from cstool.services.pov import start as service

    _change(ctx, fmt, service, ref=ref, on=on, raw=settings)


@app.command("update")
@with_settings
def update(ctx: typer.Context, ref: Ref, settings: dict = None, fmt: FormatOpt = Format.table) -> None:
    """Change a POV's settings."""
    from cstool.services.pov import update as service

    _change(ctx, fmt, service, ref=ref, raw=settings)


@app.command("close")
def close(
    ctx: typer.Context,
    ref: Ref,
    result: Annotated[str, typer.Option("--result", help="successful or unsuccessful.")],
    on: Annotated[Optional[str], typer.Option("--date", help="End date (default today; not before the start).")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Close a POV in progress with its result."""
    from cstool.services.pov import close as service

    _change(ctx, fmt, service, ref=ref, result=result, on=on)


@app.command("cancel")
def cancel(ctx: typer.Context, ref: Ref, fmt: FormatOpt = Format.table) -> None:
    """Cancel a POV that is new or in progress."""
    from cstool.services.pov import cancel as service

    _change(ctx, fmt, service, ref=ref)


@app.command("list")
def list_(
    ctx: typer.Context,
    account: Annotated[Optional[str], typer.Option("--account", help="Only this account.")] = None,
    status: Annotated[Optional[str], typer.Option("--status", help="new, in-progress, closed or cancelled.")] = None,
    owner: Annotated[Optional[str], typer.Option("--owner", help="Only this SA.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """List POVs."""
    from cstool.queries.pov import list_povs

    with querying(ctx) as session:
        data = list_povs(session, account=account, status=status, owner=owner)
    render.rows(data, fmt, columns=LIST_COLUMNS, title="Proofs of Value", empty="No POVs.")


@app.command("show")
def show(ctx: typer.Context, ref: Ref, fmt: FormatOpt = Format.table) -> None:
    """One POV with every field."""
    from cstool.queries.pov import pov_records, pov_row

    with querying(ctx) as session:
        (record,) = pov_records(session, [pov_row(session, ref)])
    render.record(record, fmt, title=f"POV #{record['id']} {record['name']}")
