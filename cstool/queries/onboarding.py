"""Onboardings: find one (by id or account), list, show with its TTV standing, tasks and usage."""

from __future__ import annotations

from sqlalchemy import select

from cstool.domain import fields as f
from cstool.errors import Conflict, NotFound
from cstool.services.lookup import account_names, account_row, as_id
from cstool.services.records import iso, onboarding_record, task_record
from cstool.storage import tables as t
from cstool.storage.many import among

O = t.onboarding.c
OPEN = ("not-started", "scheduled", "in-progress", "on-hold")


def onboarding_row(conn, ref: str, *, open_only: bool = False):
    """By onboarding id (digits), or by account name: its open onboarding, else its latest one."""
    text = str(ref).strip()
    if as_id(text) is not None:
        row = conn.execute(select(t.onboarding).where(O.id == as_id(text))).first()
        if row is None:
            raise NotFound(f"onboarding: no onboarding has id {text}.")
        if open_only and row.status not in OPEN:
            raise Conflict(f"onboarding: #{row.id} is {row.status}; only an open onboarding can do that.")
        return row
    account = account_row(conn, text)
    rows = conn.execute(select(t.onboarding).where(O.account_id == account.id).order_by(O.id.desc())).all()
    for row in rows:
        if row.status in OPEN:
            return row
    if not rows:
        raise NotFound(f"onboarding: {account.name} has no onboarding (start one with `cstool onboarding start`).")
    if open_only:  # it exists but is finished: the state does not allow it (exit 4), as with an id
        raise Conflict(f"onboarding: {account.name} has no open onboarding; its latest, #{rows[0].id}, is "
                       f"{rows[0].status}.")
    return rows[0]


def _opportunity_names(conn, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    o = t.opportunity.c
    return dict(conn.execute(select(o.id, o.name).where(among(o.id, ids))).all())


def list_onboardings(conn, *, account: str | None = None, status: str | None = None,
                     open_only: bool = False) -> list[dict]:
    query = select(t.onboarding)
    if account is not None:
        query = query.where(O.account_id == account_row(conn, account).id)
    if status is not None:
        query = query.where(O.status == status)
    if open_only:
        query = query.where(O.status.in_(OPEN))
    rows = conn.execute(query.order_by(O.id)).all()
    names = account_names(conn, {o.account_id for o in rows})
    opps = _opportunity_names(conn, {o.opportunity_id for o in rows if o.opportunity_id})
    return [onboarding_record(o, names[o.account_id], opps.get(o.opportunity_id)) for o in rows]


def with_standing(conn, row, account_name: str) -> dict:
    """The onboarding record plus where it stands on each TTV metric (the report's own classification)."""
    from cstool.queries.reports import onboarding_standing

    record = onboarding_record(row, account_name, _opportunity_names(conn, {row.opportunity_id} - {None}).get(
        row.opportunity_id))
    record.update(onboarding_standing(conn, row))
    return record


def latest_onboarding(conn, account) -> dict | None:
    """An account's open onboarding, else its latest (for `account show`)."""
    rows = conn.execute(select(t.onboarding).where(O.account_id == account.id).order_by(O.id.desc())).all()
    row = next((r for r in rows if r.status in OPEN), rows[0] if rows else None)
    return with_standing(conn, row, account.name) if row is not None else None


def onboarding_detail(conn, *, ref: str) -> dict:
    row = onboarding_row(conn, ref)
    name = account_names(conn, {row.account_id})[row.account_id]
    record = with_standing(conn, row, name)
    k, u = t.task.c, t.license_usage.c
    record["tasks"] = [task_record(x, name) for x in conn.execute(
        select(t.task).where(k.onboarding_id == row.id).order_by(k.due_date, k.id))]
    record["usage"] = [
        {"date": iso(x.on_date), "licenses": x.licenses, "active": x.active,
         "active_pct": f.round1(100 * x.active / x.licenses)}
        for x in conn.execute(select(t.license_usage).where(u.onboarding_id == row.id).order_by(u.on_date))
    ]
    return record


def usage_record(x) -> dict:
    return {"id": x.id, "onboarding_id": x.onboarding_id, "date": iso(x.on_date), "licenses": x.licenses,
            "active": x.active, "active_pct": f.round1(100 * x.active / x.licenses)}


def usage_list(conn, *, ref: str) -> list[dict]:
    """An onboarding's usage snapshots with their ids, oldest first (`onboarding usage-list REF`)."""
    row = onboarding_row(conn, ref)
    u = t.license_usage.c
    return [usage_record(x) for x in conn.execute(
        select(t.license_usage).where(u.onboarding_id == row.id).order_by(u.on_date, u.id))]


