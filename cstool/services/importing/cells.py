"""Cell parsers for import columns: (cell text, import context, field name) -> value, refusing with the field."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Callable

from cstool.domain import fields as f
from cstool.domain.dates import parse_date
from cstool.errors import InvalidValue

if TYPE_CHECKING:
    from cstool.services.importing.base import Context

TRUE = {"true", "yes", "y", "1", "x", "checked"}
FALSE = {"false", "no", "n", "0", "", "unchecked"}


def text(max_len: int = f.MAX_TEXT) -> Callable:
    return lambda v, ctx, name: f.text(name, v, max_len=max_len)


def name_of(max_len: int = f.MAX_NAME) -> Callable:
    return lambda v, ctx, name: f.name(name, v, max_len=max_len)


def day(v: str, ctx: "Context", name: str) -> date:
    return parse_date(v, field=name, date_order=ctx.date_order, today=ctx.today)


day.reads_date = True  # type: ignore[attr-defined]  (the file's numeric dates decide their order)


def boolean(v: str, ctx: "Context", name: str) -> bool:
    key = v.strip().lower()
    if key in TRUE:
        return True
    if key in FALSE:
        return False
    raise InvalidValue(name, v, "use yes/no, true/false or 1/0")


def pick(allowed: tuple[str, ...], aliases: dict | None = None) -> Callable:
    """A picklist: `Closed Won`, `closed_won` and `closed-won` are the same choice."""
    return lambda v, ctx, name: f.choice(name, v, allowed, aliases=aliases)


def cents(v: str, ctx: "Context", name: str) -> int:
    return f.to_cents(f.money(name, v))


def count(maximum: int = f.MAX_USERS) -> Callable:
    return lambda v, ctx, name: f.non_negative_int(name, v, maximum=maximum)


def names_list(v: str, ctx: "Context", name: str) -> list[str]:
    """`Ann Lee; Bo Ray` (or commas when no semicolon): several names in one cell."""
    sep = ";" if ";" in v else ","
    return [part.strip() for part in v.split(sep) if part.strip()]


