"""Bounded work (SPEC 10): many ids in one parameter, bounded recurrences and address lists, restores that
validate, imports that check before they lock and let a waiting writer in."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

OPEN_ONBOARDINGS = 70_000  # more than PostgreSQL's 65,535 bind parameters in one statement


def _engine(store: str):
    url = store if store.startswith("postgresql") else f"sqlite:///{store}"
    return sa.create_engine(url)


def _bulk_open_onboardings(store: str, n: int) -> None:
    """n accounts, each with one in-progress onboarding, in four set-based statements."""
    engine = _engine(store)
    numbers = ("SELECT generate_series(1, :n) AS i" if store.startswith("postgresql") else
               "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < :n) SELECT i FROM s")
    stamp = "'2026-11-01 00:00:00'"
    with engine.begin() as conn:
        conn.execute(sa.text(
            f"INSERT INTO account (id, name, name_key, users, gemstone_rank, gemstone, csm, created_at, updated_at) "
            f"SELECT i, 'Co ' || i, 'co ' || i, 800, 4, 'ruby', 'Ann', {stamp}, {stamp} FROM ({numbers}) n"), {"n": n})
        conn.execute(sa.text(
            f"INSERT INTO onboarding (id, account_id, status, purchase_date, start_date, owner, created_at, updated_at) "
            f"SELECT i, i, 'in-progress', '2026-10-01', '2026-10-05', 'Ann', {stamp}, {stamp} FROM ({numbers}) n"),
            {"n": n})
        conn.execute(sa.text(
            f"INSERT INTO task (account_id, onboarding_id, title, due_date, created_at) "
            f"SELECT i, i, 'Kick-off call', '2026-12-01', {stamp} FROM ({numbers}) n WHERE i % 7 = 0"),
            {"n": n})
        if store.startswith("postgresql"):
            for table in ("account", "onboarding", "task"):
                conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT MAX(id) FROM {table}))"))
    engine.dispose()


@pytest.mark.slow
def test_seventy_thousand_open_onboardings(cli, store, tmp_path):
    """Before `among`, PostgreSQL refused these with "number of parameters must be between 0 and 65535" (exit 5)."""
    _bulk_open_onboardings(store, OPEN_ONBOARDINGS)
    report = cli.json("report", "onboarding")
    rows = report
    assert len(rows) == OPEN_ONBOARDINGS
    listed = cli.json("onboarding", "list", "--open")
    assert len(listed) == OPEN_ONBOARDINGS
    assert {r["account"] for r in listed[:3]} == {"Co 1", "Co 2", "Co 3"}
    page = tmp_path / "dash.html"
    cli.ok("dashboard", "-o", str(page))
    assert page.stat().st_size > 10_000


def test_among_selects_by_any_number_of_values(store):
    """One parameter whatever the number of values: ints and text, none, in select and update."""
    from cstool.storage.many import among

    _bulk_open_onboardings(store, 1_000)
    engine = _engine(store)
    a = sa.Table("account", sa.MetaData(), autoload_with=engine)
    with engine.begin() as conn:
        statement = sa.select(sa.func.count()).where(among(a.c.id, range(0, 100_000)))
        compiled = statement.compile(dialect=conn.dialect)
        assert len(compiled.params) == 1
        assert conn.execute(statement).scalar() == 1_000
        assert conn.execute(sa.select(sa.func.count()).where(among(a.c.name_key, ["co 5", "co 7", "nobody"]))
                            ).scalar() == 2
        assert conn.execute(sa.select(sa.func.count()).where(among(a.c.id, []))).scalar() == 0
        conn.execute(sa.update(a).where(among(a.c.id, [1, 2, 3])).values(csm="Bo"))
        assert conn.execute(sa.select(sa.func.count()).where(a.c.csm == "Bo")).scalar() == 3
    engine.dispose()
