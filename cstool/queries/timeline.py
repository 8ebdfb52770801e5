"""The timeline: an account's activities (tasks are in queries/tasks.py)."""

from __future__ import annotations

from sqlalchemy import select

from cstool.domain import fields as f
from cstool.domain.dates import parse_date
from cstool.domain.onboarding import ACTIVITY_TYPES
from cstool.services.lookup import account_row
from cstool.services.records import activity_record
from cstool.storage import tables as t


def list_activities(conn, *, account: str, type_: str | None = None, since: str | None = None,
                    limit: int | None = None) -> list[dict]:
    acc = account_row(conn, account)
    a, c, o = t.activity.c, t.contact.c, t.opportunity.c
    query = (select(t.activity, c.name.label("contact_name"), o.name.label("opportunity_name"))
             .select_from(t.activity).outerjoin(t.contact, c.id == a.contact_id)
             .outerjoin(t.opportunity, o.id == a.opportunity_id).where(a.account_id == acc.id))
    if type_:
        query = query.where(a.type == f.choice("type", type_, ACTIVITY_TYPES))
    if since:
        query = query.where(a.on_date >= parse_date(since, field="since"))
    query = query.order_by(a.on_date.desc(), a.id.desc())
    if limit:
        query = query.limit(limit)
    return [activity_record(r, acc.name, r.contact_name, r.opportunity_name) for r in conn.execute(query)]
