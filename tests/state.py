"""A store's whole state, to prove a refused command left it as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path


def store_state(store: str) -> tuple:
    """SQLite: the file's bytes (sha256) and the -wal file's presence; PostgreSQL: every row of every table
    (sequences are left out: PostgreSQL never rolls them back, even for a plain rolled-back insert)."""
    if not store.startswith("postgresql"):
        path = Path(store)
        wal = Path(store + "-wal")
        return (hashlib.sha256(path.read_bytes()).hexdigest(), wal.exists() and wal.stat().st_size > 0)
    import psycopg

    rows = []
    with psycopg.connect(store.replace("postgresql+psycopg://", "postgresql://")) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        for t in tables:
            rows.append((t, conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall()))
    return tuple(rows)
