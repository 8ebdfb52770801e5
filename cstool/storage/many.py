"""Selecting by many values: the one way every query says "this column is one of these ids".

``column.in_(ids)`` binds one parameter per value, and drivers cap that (PostgreSQL 65,535, SQLite
250,000 here), so a report over 70,000 open onboardings used to fail.  ``among(column, values)`` binds
the whole set as ONE parameter, turned into a one-column table by the database:

- PostgreSQL: ``column = ANY(:values)`` with the values as one array;
- SQLite: ``column IN (SELECT value FROM json_each(:values))`` with the values as one JSON text.

It works for any number of values (none included: nothing matches) and any engine cstool runs on, in
statements of every kind (select, update, delete).  Small constant sets (statuses, types) may keep
``in_``; anything built from rows of the store goes through here.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from sqlalchemy import BigInteger, Text, bindparam, false, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.types import NullType


class _Among(ColumnElement):
    inherit_cache = False  # the values differ each time; nothing to cache
    type = NullType()  # a condition as it is: no "= 1" added on engines without a boolean type

    def __init__(self, column, values: list) -> None:
        self.column = column
        self.values = values

    @property
    def _from_objects(self):
        return self.column._from_objects


def among(column, values: Iterable[Any]) -> ColumnElement:
    """``column`` is one of ``values``, with one bind parameter whatever their number; ``values`` may also be
    a query (a SELECT of one column), which becomes ``IN (SELECT ...)``, answered by the engine as a join."""
    from sqlalchemy.sql.selectable import Selectable

    if isinstance(values, Selectable):
        return column.in_(values)
    values = list(dict.fromkeys(v for v in values if v is not None))
    if not values:
        return false()
    return _Among(column, values)


def _integers(values: list) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values)


@compiles(_Among, "postgresql")
def _postgresql(element: _Among, compiler, **kw) -> str:
    from sqlalchemy import any_
    from sqlalchemy.dialects.postgresql import ARRAY

    kind = BigInteger() if _integers(element.values) else Text()
    values = element.values if kind.__class__ is BigInteger else [str(v) for v in element.values]
    return compiler.process(element.column == any_(bindparam(None, values, type_=ARRAY(kind))), **kw)


@compiles(_Among)
def _default(element: _Among, compiler, **kw) -> str:  # SQLite
    values = element.values if _integers(element.values) else [str(v) for v in element.values]
    table = func.json_each(bindparam(None, json.dumps(values), type_=Text())).table_valued("value")
    return compiler.process(element.column.in_(select(table.c.value)), **kw)
