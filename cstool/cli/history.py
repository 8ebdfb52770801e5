"""`cstool history REF`."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool import render
from cstool.cli.common import FormatOpt, querying
from cstool.render import Format

def history(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="An account (name or id), or ENTITY:ID such as onboarding:3.")],
    fmt: FormatOpt = Format.table,
) -> None:
    """Every change to a record (for an account: to it and everything under it)."""
    from cstool.services.history import history_for

    with querying(ctx) as session:
        data = history_for(session, ref)
    render.rows(data, fmt, columns=["at", "actor", "entity", "entity_id", "field", "old", "new"], title=f"History of {ref}",
                empty="No changes recorded.")
