"""The SQL twin of the gemstone rules agrees with the Python rules, on both engines."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cstool.domain.gemstones import compute

INPUTS = st.tuples(
    st.one_of(st.none(), st.sampled_from([0, 500, 501, 1000, 1001, 2000, 2001, 2500, 2501, 5000, 5001]), st.integers(0, 9000)),
    st.sampled_from([None, "free", "premium", "ultimate", "Ultimate", "gold"]),
    st.one_of(st.none(), st.sampled_from([0, 5_000_000, 5_000_001, 10_000_000, 10_000_001, 25_000_000, 25_000_001,
                                          50_000_000, 50_000_001]), st.integers(0, 90_000_000)),
)


@settings(max_examples=30)
@given(rows=st.lists(INPUTS, min_size=1, max_size=25))
def test_sql_rank_matches_python(store, rows):
    from sqlalchemy import delete, insert, select

    from cstool.clock import now
    from cstool.services.gemstones import rank_sql
    from cstool.storage.models import Account
    from cstool.storage.store import open_store

    st_ = open_store(store, actor="t")
    try:
        with st_.write() as session:
            session.execute(delete(Account))
            session.execute(insert(Account), [
                {"name": f"a{i}", "name_key": f"a{i}", "users": u, "plan": p, "iacv_cents": c,
                 "gemstone_rank": 6, "created_at": now(), "updated_at": now()}
                for i, (u, p, c) in enumerate(rows)
            ])
            got = dict(session.execute(select(Account.name, rank_sql())).all())
            session.rollback()
    finally:
        st_.close()
    for i, (u, p, c) in enumerate(rows):
        expected = compute(u, p, None if c is None else Decimal(c) / 100).rank
        assert got[f"a{i}"] == expected, (u, p, c)
