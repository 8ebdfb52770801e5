"""Write ``cstool/storage/tables.py``: the SQLModel tables as plain SQLAlchemy Core, for the read path.

    python -m cstool.storage.codegen        # after changing models.py (a test fails until you do)

Reads (every `list`, `show` and `report`) use Core statements over these tables and never import
SQLModel, pydantic or the ORM: that is most of a read command's start-up.  The models stay the one
place the schema is written; this file is derived from them, and ``tests/test_tables_mirror.py``
checks that both produce the same CREATE TABLE on SQLite and PostgreSQL.  Secondary indexes are
left out: queries only name columns, the indexes live in the store (models and migrations own
them), and declaring a partial index here would load the PostgreSQL dialect on every read.
"""

from __future__ import annotations

import sys
from pathlib import Path

import sqlalchemy as sa

TARGET = Path(__file__).with_name("tables.py")

HEADER = '''"""The store's tables in plain SQLAlchemy Core (generated from models.py; do not edit).

    python -m cstool.storage.codegen    # regenerate after changing models.py

Importing this costs SQLAlchemy Core alone: no SQLModel, pydantic or ORM.
"""

from __future__ import annotations

from datetime import timezone

import sqlalchemy as sa


class UTCDateTime(sa.TypeDecorator):
    """Timestamps stored in UTC and read back timezone-aware on both engines; like SQLModel's type, a naive
    datetime is refused (ValueError), never guessed to be UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("Datetime values must have timezone information (a naive datetime is refused).")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


'''


def _type(column: sa.Column) -> str:
    t = column.type
    name = type(t).__name__
    if name == "AutoString":
        return f"sa.String({t.length})" if getattr(t, "length", None) else "sa.String()"
    if name == "UTCDateTime":
        return "UTCDateTime()"
    if isinstance(t, sa.BigInteger):
        return "sa.BigInteger()"
    if isinstance(t, sa.Integer):
        return "sa.Integer()"
    if isinstance(t, sa.Boolean):
        return "sa.Boolean()"
    if isinstance(t, sa.DateTime):
        return "sa.DateTime(timezone=True)" if t.timezone else "sa.DateTime()"
    if isinstance(t, sa.Date):
        return "sa.Date()"
    if isinstance(t, sa.String):
        return f"sa.String({t.length})" if t.length else "sa.String()"
    raise SystemExit(f"codegen: no Core spelling for {column.table.name}.{column.name} ({t!r})")


def _column(column: sa.Column) -> str:
    parts = [repr(column.name), _type(column)]
    for fk in column.foreign_keys:
        ondelete = f", ondelete={fk.ondelete!r}" if fk.ondelete else ""
        parts.append(f"sa.ForeignKey({fk.target_fullname!r}{ondelete})")
    if column.primary_key:
        parts.append("primary_key=True")
    parts.append(f"nullable={column.nullable!r}")
    if column.unique:
        parts.append("unique=True")
    return f"    sa.Column({', '.join(parts)}),"


def render() -> str:
    from cstool.storage.models import NAMING_CONVENTION, metadata

    out = [HEADER, f"NAMING_CONVENTION = {NAMING_CONVENTION!r}\n", "metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)\n"]
    for table in metadata.sorted_tables:
        lines = [f"\n{table.name} = sa.Table(", f"    {table.name!r},", "    metadata,"]
        lines += [_column(c) for c in table.columns]
        lines.append(")\n")
        out.append("\n".join(lines))
    return "".join(out)


def main() -> None:
    TARGET.write_text(render())
    print(f"wrote {TARGET}", file=sys.stderr)


if __name__ == "__main__":
    main()
