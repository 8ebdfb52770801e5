"""The Core tables the read path uses are the SQLModel tables, exactly (cstool/storage/tables.py is generated)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateTable

from cstool.storage import codegen, models, tables


def _ddl(metadata: sa.MetaData, dialect) -> list[str]:
    """CREATE TABLE of every table (columns, types, keys, foreign keys, unique constraints)."""
    return [str(CreateTable(table).compile(dialect=dialect)).strip() for table in metadata.sorted_tables]


def test_generated_file_is_current():
    assert (codegen.TARGET.read_text() == codegen.render()), "run: python -m cstool.storage.codegen"


def test_same_ddl_on_both_engines():
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        assert _ddl(tables.metadata, dialect) == _ddl(models.metadata, dialect)
    assert [t.name for t in tables.metadata.sorted_tables] == [t.name for t in models.metadata.sorted_tables]


def test_the_read_path_loads_no_other_dialect():
    """Secondary indexes stay out of the Core mirror: a partial index would load the PostgreSQL dialect."""
    assert all(not t.indexes for t in tables.metadata.sorted_tables)


def test_the_mirror_refuses_naive_timestamps_as_the_model_does(tmp_path):
    """A naive datetime is refused by both types (never guessed to be UTC); an aware one is stored in UTC."""
    from datetime import datetime, timedelta, timezone

    import pytest

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'mirror.db'}")
    try:
        for meta in (tables.metadata, models.metadata):
            meta.tables["history"].create(engine)
            row = {"at": datetime(2026, 11, 24, 9, 30), "actor": "t", "entity": "account", "entity_id": 1,
                   "field": "users"}
            with engine.begin() as conn, pytest.raises(sa.exc.StatementError, match="timezone"):
                conn.execute(sa.insert(meta.tables["history"]), [row])
            aware = datetime(2026, 11, 24, 9, 30, tzinfo=timezone(timedelta(hours=2)))
            with engine.begin() as conn:
                conn.execute(sa.insert(meta.tables["history"]), [{**row, "at": aware}])
                got = conn.execute(sa.select(meta.tables["history"].c.at)).scalar_one()
            assert got == aware and got.utcoffset() == timedelta(0)
            meta.tables["history"].drop(engine)
    finally:
        engine.dispose()
