"""Accounts: list, show (everything known about one), gemstone summary."""

from __future__ import annotations

from typing import Iterator

from decimal import Decimal

from sqlalchemy import func, select

from cstool.clock import today
from cstool.domain import fields as f
from cstool.domain import gemstones as g
from cstool.services.lookup import account_row
from cstool.services.records import account_record, contact_record, iso, opportunity_record, task_record
from cstool.storage import tables as t

A = t.account.c


def gemstone_of(row) -> g.Gemstone:
    iacv = None if row.iacv_cents is None else Decimal(row.iacv_cents) / 100
    return g.compute(row.users, row.plan, iacv)


def list_accounts(conn, **filters) -> list[dict]:
    return list(iter_accounts(conn, **filters))


def iter_accounts(conn, *, include_archived: bool = False, gemstone: str | None = None, csm: str | None = None,
                  segment: str | None = None, limit: int | None = None) -> Iterator[dict]:
    """The accounts' records, streamed from the query (a million accounts never sit in memory at once)."""
    query = select(t.account)
    if not include_archived:
        query = query.where(A.archived_at.is_(None))
    if gemstone is not None:
        if gemstone.strip().lower() == "none":
            query = query.where(A.gemstone.is_(None))
        else:
            query = query.where(A.gemstone == f.choice("gemstone", gemstone, g.GEMSTONES))
    if csm is not None:
        query = query.where(func.lower(A.csm) == csm.strip().lower())
    if segment is not None:
        query = query.where(A.segment == f.choice("segment", segment, f.SEGMENTS))
    query = query.order_by(A.gemstone_rank, A.name_key)
    if limit:
        query = query.limit(limit)
    for a in conn.execute(query.execution_options(yield_per=2000)):
        yield account_record(a)


def show_account(conn, *, ref: str) -> dict:
    """Everything known about one account, for `account show`."""
    from cstool.queries.ebr import ebrs_of_year
    from cstool.queries.onboarding import latest_onboarding
    from cstool.queries.pse import pses_of_account

    account = account_row(conn, ref)
    aid = account.id
    record = account_record(account)
    record["gemstone_reason"] = gemstone_of(account).reason
    c, o, k = t.contact.c, t.opportunity.c, t.task.c
    record["contacts"] = [contact_record(x, account.name) for x in conn.execute(
        select(t.contact).where(c.account_id == aid).order_by(c.name))]
    record["opportunities"] = [opportunity_record(x, account.name) for x in conn.execute(
        select(t.opportunity).where(o.account_id == aid).order_by(o.close_date.desc().nulls_last(), o.id))]
    record["onboarding"] = latest_onboarding(conn, account)
    last = conn.scalar(select(func.max(t.activity.c.on_date)).where(t.activity.c.account_id == aid))
    record["last_contact_date"] = iso(last)
    record["days_since_contact"] = (today() - last).days if last else None
    record["ebrs"] = ebrs_of_year(conn, account)
    record["pses"] = pses_of_account(conn, aid)
    from cstool.queries.pov import pov_records

    povs = conn.execute(select(t.pov).where(t.pov.c.account_id == aid, t.pov.c.status == "in-progress")
                        .order_by(t.pov.c.id)).all()
    record["pov"] = pov_records(conn, povs[-1:])[0] if povs else None
    from cstool.queries.plans import primary_objective

    record["primary_objective"] = primary_objective(conn, aid)
    from cstool.queries.health import cards

    (card,) = cards(conn, account_ids=[aid])
    record["health_score"], record["health_colour"] = card["score"], card["colour"]
    record["tasks"] = [task_record(x, account.name) for x in conn.execute(
        select(t.task).where(k.account_id == aid, k.status == "open").order_by(k.due_date, k.id).limit(5))]
    return record


def gemstone_summary(conn) -> list[dict]:
    rows = conn.execute(
        select(A.gemstone, A.gemstone_rank, func.count(), func.coalesce(func.sum(A.iacv_cents), 0))
        .where(A.archived_at.is_(None)).group_by(A.gemstone, A.gemstone_rank).order_by(A.gemstone_rank)
    ).all()
    by_rank = {r[1]: r for r in rows}
    out = []
    for rank in range(1, g.NO_GEMSTONE_RANK + 1):
        name = g.GEMSTONES[rank - 1] if rank <= len(g.GEMSTONES) else None
        row = by_rank.get(rank)
        out.append({"gemstone": name, "rank": rank, "accounts": row[2] if row else 0,
                    "iacv": f.from_cents(int(row[3])) if row else 0})
    return out
