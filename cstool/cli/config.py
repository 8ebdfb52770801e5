"""`cstool config get|set|list`: settings a team shares, stored in the database."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool import render
from cstool.cli.common import FormatOpt, querying, writing
from cstool.render import Format, note

app = typer.Typer(no_args_is_help=True)


@app.command("list")
def list_(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """Every setting with its value and default."""
    from cstool.services.settings import setting_rows

    with querying(ctx) as session:
        data = setting_rows(session)
    render.rows(data, fmt, title="Settings")


@app.command("get")
def get(ctx: typer.Context, key: Annotated[str, typer.Argument(help="Setting name, e.g. fiscal-year-start.")]) -> None:
    """Print one setting's value."""
    from cstool.domain.settings import spec
    from cstool.services.settings import get_setting

    spec(key)  # refuse an unknown key before opening the store
    with querying(ctx) as session:
        typer.echo(get_setting(session, key))


@app.command("set")
def set_(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Setting name, e.g. fiscal-year-start.")],
    value: Annotated[str, typer.Argument(help="New value.")],
) -> None:
    """Change a setting for everyone using this store."""
    from cstool.domain.settings import spec
    from cstool.services.settings import set_setting

    spec(key).parse(value)
    with writing(ctx) as (session, actor):
        parsed = set_setting(session, key=key, value=value, actor=actor)
    note(f"{spec(key).key} = {parsed}")
