"""The timeline and follow-ups: activities and tasks (what the morning cron job mails out)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from cstool.clock import today
from cstool.domain import fields as f
from cstool.domain.dates import parse_date
from cstool.domain.onboarding import ACTIVITY_TYPES
from cstool.errors import InvalidValue
from cstool.services.lookup import account_row
from cstool.services.records import activity_record, task_record
from cstool.storage import tables as t

_WINDOW = re.compile(r"^\+?(\d{1,4})([dw])$")


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


def due_window(raw: str | None, *, base: date) -> date | None:
    """`--due` values: 'today' (due by today, overdue included), '7d', '2w', or a date."""
    if raw is None:
        return None
    text = raw.strip().lower()
    if text in ("", "today", "now"):
        return base
    if m := _WINDOW.match(text):
        n = int(m.group(1)) * (7 if m.group(2) == "w" else 1)
        return base + timedelta(days=n)
    try:
        return parse_date(raw, field="due", today=base)
    except InvalidValue:
        raise InvalidValue("due", raw, "use today, 7d, 2w or a date (tasks due by then, overdue included)") from None


def list_tasks(conn, *, due: str | None = None, csm: str | None = None, account: str | None = None,
               include_done: bool = False) -> list[dict]:
    k, a = t.task.c, t.account.c
    query = select(t.task, a.name.label("account_name")).join(t.account, a.id == k.account_id).where(
        a.archived_at.is_(None))
    if not include_done:
        query = query.where(k.done_date.is_(None))
    base = today()
    limit = due_window(due, base=base)
    if limit is not None:
        query = query.where(k.due_date <= limit)
    if csm:
        query = query.where(func.lower(func.coalesce(k.owner, a.csm)) == csm.strip().lower())
    if account:
        query = query.where(k.account_id == account_row(conn, account).id)
    out = []
    for row in conn.execute(query.order_by(k.due_date, k.id)):
        record = task_record(row, row.account_name)
        latest = row.window_end_date or row.due_date
        record["overdue"] = row.done_date is None and latest < base
        out.append(record)
    return out
