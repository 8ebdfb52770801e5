"""`cstool history REF`."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool import render
from cstool.cli.common import FormatOpt, reading
from cstool.render import Format

ENTITIES = ("account", "contact", "opportunity", "onboarding", "activity", "task", "setting", "ebr", "pse")


def history(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="An account (name or id), or ENTITY:ID such as onboarding:3.")],
    fmt: FormatOpt = Format.table,
) -> None:
    """Every change to a record (for an account: to it and everything under it)."""
    from cstool.errors import InvalidValue
    from cstool.services.history import history_rows
    from cstool.services.lookup import as_id, find_account

    entity, _, ident = ref.partition(":")
    with reading(ctx) as session:
        if ident and entity.strip().lower() in ENTITIES:
            if as_id(ident) is None:
                raise InvalidValue("ref", ref, "write ENTITY:ID with a numeric id, e.g. onboarding:3")
            data = history_rows(session, entity=entity.strip().lower(), entity_id=as_id(ident), include_account=False)
        else:
            account = find_account(session, ref)
            data = history_rows(session, entity="account", entity_id=account.id, include_account=True)
    render.rows(data, fmt, columns=["at", "actor", "entity", "entity_id", "field", "old", "new"], title=f"History of {ref}",
                empty="No changes recorded.")
