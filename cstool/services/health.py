"""`health snapshot`: every account's computed score and colour, stored with the day (weekly from cron)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete
from sqlmodel import Session

from cstool.clock import now
from cstool.queries.health import cards
from cstool.storage.bulk import insert_rows
from cstool.storage.models import HealthSnapshot


def snapshot(session: Session, *, as_of: date, actor: str) -> dict:
    """Store the day's scorecards set-based (the day's earlier snapshot, if any, is replaced)."""
    computed = cards(session, as_of=as_of)
    table = HealthSnapshot.__table__
    session.execute(delete(table).where(table.c.on_date == as_of))
    stamp = now()
    insert_rows(session, table, ["account_id", "on_date", "score", "colour", "created_at"],
                [(c["account_id"], as_of, c["score"], c["colour"], stamp) for c in computed])
    counts = {colour: sum(1 for c in computed if c["colour"] == colour) for colour in ("green", "yellow", "red")}
    counts["not scored"] = sum(1 for c in computed if c["colour"] is None)
    return {"date": as_of.isoformat(), "accounts": len(computed), **counts}


