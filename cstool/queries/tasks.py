"""The follow-up list (what the morning cron job mails out): open tasks by priority, then due date."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import case, func, or_, select

from cstool.clock import today
from cstool.domain import fields as f
from cstool.domain import tasks as rules
from cstool.domain.dates import parse_date
from cstool.errors import InvalidValue
from cstool.services.lookup import account_row, name_like, same_name
from cstool.services.records import task_record
from cstool.storage import tables as t

_WINDOW = re.compile(r"^\+?(\d{1,4})([dw])$")


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


def priority_rank(column):
    """SQL for the order `task list` sorts by: high, medium, low."""
    return case(rules.PRIORITY_RANK, value=column, else_=len(rules.PRIORITIES))


def source_filter(raw: str):
    """`--source playbook|manual|rule:<name>`, or `rule` for every rule's tasks."""
    k = t.task.c
    if raw.strip().lower() == "rule":
        return k.source.like(rules.RULE_PREFIX + "%")
    return k.source == rules.source(raw)


def list_tasks(conn, *, due: str | None = None, csm: str | None = None, account: str | None = None,
               include_closed: bool = False, type_: str | None = None, priority: str | None = None,
               source: str | None = None) -> list[dict]:
    """Open tasks that are not snoozed (every task with include_closed), by priority then due date."""
    k, a = t.task.c, t.account.c
    query = select(t.task, a.name.label("account_name"), a.csm.label("account_csm")).join(
        t.account, a.id == k.account_id).where(a.archived_at.is_(None))
    base = today()
    if not include_closed:
        query = query.where(k.status == "open", or_(k.snooze_date.is_(None), k.snooze_date <= base))
    limit = due_window(due, base=base)
    if limit is not None:
        query = query.where(k.due_date <= limit)
    if type_:
        query = query.where(k.type == f.choice("type", type_, rules.TYPES))
    if priority:
        query = query.where(k.priority == f.choice("priority", priority, rules.PRIORITIES))
    if source:
        query = query.where(source_filter(source))
    if csm:
        query = query.where(name_like(func.coalesce(k.owner, a.csm), csm.strip()))
    if account:
        query = query.where(k.account_id == account_row(conn, account).id)
    out = []
    for row in conn.execute(query.order_by(priority_rank(k.priority), k.due_date, k.id)):
        if csm and not same_name(row.owner or row.account_csm, csm.strip()):
            continue
        record = task_record(row, row.account_name)
        latest = row.window_end_date or row.due_date
        record["overdue"] = row.status == "open" and latest < base
        out.append(record)
    return out
