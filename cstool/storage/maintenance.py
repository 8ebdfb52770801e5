"""Store maintenance: integrity checks and facts about a store."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine

from cstool.storage import schema
from cstool.storage.location import Location
from cstool.storage.migrate import current_revision
from cstool.storage.models import metadata


def check_store(engine: Engine, location: Location) -> list[dict]:
    """Each check with ok/problem; SQLite integrity and foreign keys, or a server's schema."""
    results: list[dict] = []
    with engine.connect().execution_options(cstool_read=True) as conn, conn.begin():
        revision = current_revision(conn)
        results.append({
            "check": "schema revision",
            "ok": revision == schema.HEAD,
            "detail": f"{revision or 'empty'} (code head {schema.HEAD})",
        })
        if location.is_sqlite:
            integrity = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
            results.append({"check": "integrity", "ok": integrity == ["ok"], "detail": "; ".join(integrity[:5])})
            fk = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            results.append({
                "check": "foreign keys",
                "ok": not fk,
                "detail": "ok" if not fk else f"{len(fk)} row(s) point at missing records, e.g. {tuple(fk[0])}",
            })
        else:
            conn.execute(text("SELECT 1"))
            results.append({"check": "connection", "ok": True, "detail": "ok"})
        if revision is not None:
            existing = _tables(conn)
            missing = sorted(t for t in metadata.tables if t not in existing)
            results.append({
                "check": "tables",
                "ok": not missing or revision != schema.HEAD,
                "detail": "all present" if not missing else "missing: " + ", ".join(missing),
            })
    return results


def _tables(conn) -> set[str]:
    if conn.dialect.name == "sqlite":
        return {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
    return {
        r[0]
        for r in conn.execute(
            text("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
        )
    }


def store_info(engine: Engine, location: Location) -> dict:
    with engine.connect().execution_options(cstool_read=True) as conn, conn.begin():
        revision = current_revision(conn)
        existing = _tables(conn)
        counts = {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in sorted(metadata.tables.items())
            if name in existing
        }
        journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar() if location.is_sqlite else None
    info = {
        "backend": location.backend,
        "location": location.display(),
        "revision": revision,
        "head": schema.HEAD,
        "journal_mode": journal,
        "size_bytes": location.path.stat().st_size if location.path is not None and location.path.exists() else None,
        "mode": format(location.path.stat().st_mode & 0o777, "04o") if location.path is not None and location.path.exists() else None,
        "rows": counts,
    }
    return info
