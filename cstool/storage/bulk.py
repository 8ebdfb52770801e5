"""Set-based writing for the bulk paths (import, restore, recalc, demo): the driver's own executemany.

SQLAlchemy's per-parameter processing costs more than SQLite's insert itself at 100,000 rows, so
``insert_rows`` hands plain tuples to the DBAPI cursor.  Values are stored exactly as SQLAlchemy's
types would store them (dates as ISO text and timestamps as UTC ``YYYY-MM-DD HH:MM:SS.ffffff`` on
SQLite; PostgreSQL's driver adapts Python values itself), so a row reads back the same either way.
``json_text`` (a JSON string literal of a column) and ``days_between`` (whole days between two dates)
are SQL functions that compile for both engines.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Iterable, Sequence

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Integer, String

SQLITE_STAMP = "%Y-%m-%d %H:%M:%S.%f"


def _sqlite_value(value):
    if isinstance(value, datetime):
        if value.utcoffset() is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.strftime(SQLITE_STAMP)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _python_type(column) -> type:
    return getattr(column.type, "impl_instance", column.type).python_type


def insert_rows(session, table, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """INSERT every row (a tuple in `columns` order) with one executemany on the driver; returns the count."""
    conn = session.connection() if hasattr(session, "connection") else session
    sqlite = conn.dialect.name == "sqlite"
    mark = "?" if sqlite else "%s"
    sql = (f'INSERT INTO "{table.name}" ({", ".join(chr(34) + c + chr(34) for c in columns)}) '
           f'VALUES ({", ".join([mark] * len(columns))})')
    rows = list(rows)
    if sqlite:  # only date and time columns need SQLAlchemy's text form; the same stamp recurs, so remember it
        dated = [i for i, c in enumerate(columns) if _python_type(table.c[c]) in (date, datetime)]
        if dated:
            memo: dict = {}
            converted = []
            for row in rows:
                row = list(row)
                for i in dated:
                    v = row[i]
                    if v is not None:
                        text = memo.get(v)
                        if text is None:
                            text = memo[v] = _sqlite_value(v)
                        row[i] = text
                converted.append(tuple(row))
            rows = converted
    if rows:
        conn.exec_driver_sql(sql, rows)
    return len(rows)


class json_text(FunctionElement):
    """A column as a JSON string literal ('Zoë "x"' -> '"Zoë \\"x\\""'), NULL stays NULL."""

    type = String()
    inherit_cache = True


@compiles(json_text, "sqlite")
def _json_text_sqlite(element, compiler, **kw):
    return f"json_quote({compiler.process(element.clauses, **kw)})"


@compiles(json_text, "postgresql")
def _json_text_postgresql(element, compiler, **kw):
    return f"(to_json({compiler.process(element.clauses, **kw)})::text)"


class days_between(FunctionElement):
    """Whole days from one date column to another (later - earlier), as an integer, on both engines."""

    type = Integer()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (f"CAST(julianday({compiler.process(later, **kw)}) - julianday({compiler.process(earlier, **kw)}) "
            "AS INTEGER)")


@compiles(days_between, "postgresql")
def _days_between_postgresql(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"
