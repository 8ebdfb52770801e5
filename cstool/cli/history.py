"""`cstool history REF`."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool import render
from cstool.cli.common import FormatOpt, querying
from cstool.render import Format

MONEY_FIELDS = {"iacv": "iacv", "amount": "amount", "iacv_cents": "iacv", "amount_cents": "amount"}


def _readable(row: dict) -> dict:
    """A history row as a person reads it: yes/no, money with separators and cents (`300,000.00`), the stored
    `iacv_cents` of older rows as the `iacv` it is."""
    field = row.get("field")
    if field == "(created)" and str(row.get("new") or "").startswith("{"):
        return {**row, "new": _snapshot(row["new"])}
    if field not in MONEY_FIELDS:
        yes_no = {"true": "yes", "false": "no"}
        return {**row, "old": yes_no.get(row.get("old"), row.get("old")), "new": yes_no.get(row.get("new"), row.get("new"))}
    divide = 100 if field.endswith("_cents") else 1

    def money(value):
        try:
            return f"{float(value) / divide:,.2f}" if value not in (None, "") else value
        except (TypeError, ValueError):
            return value

    return {**row, "field": MONEY_FIELDS[field], "old": money(row.get("old")), "new": money(row.get("new"))}


def _snapshot(text: str) -> str:
    """A `(created)` snapshot as people read it: `iacv: 300,000.00, name: Big Co` (not `iacv_cents`)."""
    import json

    try:
        values = json.loads(text)
    except ValueError:
        return text
    if not isinstance(values, dict):
        return text
    shown = []
    for key, value in values.items():
        if key in MONEY_FIELDS:
            shown_row = _readable({"field": key, "old": None, "new": value})
            key, value = shown_row["field"], shown_row["new"]
        elif key.endswith("_centihours"):
            key, value = key[: -len("_centihours")] + "_hours", _hours(value)
        shown.append(f"{key}: {value}")
    return ", ".join(shown)


def _hours(value):
    try:
        return f"{float(value) / 100:g}"
    except (TypeError, ValueError):
        return value


def history(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="An account (name or id), or ENTITY:ID such as onboarding:3.")],
    fmt: FormatOpt = Format.table,
) -> None:
    """Every change to a record (for an account: to it and everything under it)."""
    from cstool.services.history import history_for

    with querying(ctx) as session:
        data = history_for(session, ref)
    if fmt is Format.table:
        data = [_readable(r) for r in data]
    render.rows(data, fmt, columns=["at", "actor", "entity", "entity_id", "field", "old", "new"], title=f"History of {ref}",
                empty="No changes recorded.")
