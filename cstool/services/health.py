"""`health snapshot`: every account's computed score and colour, stored with the day (weekly from cron)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import delete
from sqlmodel import Session

from cstool.clock import now
from cstool.queries.health import CARD_BATCH, iter_cards
from cstool.storage.bulk import insert_rows
from cstool.storage.models import HealthSnapshot


def snapshot(session: Session, *, as_of: date, actor: str) -> dict:
    """Store the day's scorecards set-based (the day's earlier snapshot, if any, is replaced)."""
    table = HealthSnapshot.__table__
    session.execute(delete(table).where(table.c.on_date == as_of))
    stamp = now()
    counts = Counter()
    batch: list[tuple] = []
    for c in iter_cards(session, as_of=as_of):  # a batch of cards at a time: memory stays flat
        batch.append((c["account_id"], as_of, c["score"], c["colour"], stamp))
        counts[c["colour"]] += 1
        if len(batch) >= CARD_BATCH:
            insert_rows(session, table, ["account_id", "on_date", "score", "colour", "created_at"], batch)
            batch = []
    if batch:
        insert_rows(session, table, ["account_id", "on_date", "score", "colour", "created_at"], batch)
    return {"date": as_of.isoformat(), "accounts": sum(counts.values()),
            **{colour: counts[colour] for colour in ("green", "yellow", "red")}, "not scored": counts[None]}


