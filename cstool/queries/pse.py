"""PSEs: records with derived hours and lengths, find by id, name or account, list, the report."""

from __future__ import annotations

from sqlalchemy import func, select

from cstool.clock import today
from cstool.domain import fields as f
from cstool.domain import pse as rules
from cstool.services.lookup import account_names, account_row, by_id_name_or_account
from cstool.services.records import iso
from cstool.storage import tables as t
from cstool.storage.many import among

P = t.pse.c


def consumed(conn, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    e = t.pse_time_entry.c
    return dict(conn.execute(select(e.pse_id, func.sum(e.centihours)).where(among(e.pse_id, ids))
                             .group_by(e.pse_id)).all())


def pse_records(conn, items: list) -> list[dict]:
    """SPEC-shaped records of PSE rows (or ORM objects: the write commands print theirs with this)."""
    ids = [p.id for p in items]
    used = consumed(conn, ids)
    names = account_names(conn, {p.account_id for p in items})
    o = t.opportunity.c
    opps = dict(conn.execute(select(o.id, o.name).where(among(o.id, {p.opportunity_id for p in items}))).all()) \
        if items else {}
    contacts: dict[int, list[int]] = {i: [] for i in ids}
    if ids:
        pc = t.pse_contact.c
        for pid, cid in conn.execute(select(pc.pse_id, pc.contact_id).where(among(pc.pse_id, ids))
                                     .order_by(pc.contact_id)):
            contacts[pid].append(cid)
    out = []
    for p in items:
        spent = used.get(p.id, 0)
        out.append({
            "id": p.id, "account": names[p.account_id], "account_id": p.account_id,
            "opportunity": opps.get(p.opportunity_id), "opportunity_id": p.opportunity_id, "name": p.name,
            "owner": p.owner, "project_team": p.project_team, "engagement_type": p.engagement_type,
            "success_criteria": p.success_criteria, "econtract_url": p.econtract_url, "sow_url": p.sow_url,
            "collaboration_project_url": p.collaboration_project_url, "status": p.status,
            "percent_complete": p.percent_complete, "notes": p.notes,
            "scoped_hours": rules.as_hours(p.scoped_centihours), "hours_consumed": rules.as_hours(spent),
            "remaining_hours": rules.as_hours(p.scoped_centihours - spent) if p.scoped_centihours is not None else None,
            "hours_updated_date": iso(p.hours_updated_date), "approved": p.approved, "approver": p.approver,
            "passive_acceptance_language": p.passive_acceptance_language, "signed_acceptance": p.signed_acceptance,
            "passive_acceptance_used": p.passive_acceptance_used, "customer_signoff": p.customer_signoff,
            "kickoff_date": iso(p.kickoff_date), "expected_start_date": iso(p.expected_start_date),
            "expected_completion_date": iso(p.expected_completion_date),
            "expected_length_days": rules.length_days(p.expected_start_date, p.expected_completion_date),
            "actual_start_date": iso(p.actual_start_date), "completed_date": iso(p.completed_date),
            "actual_length_days": rules.length_days(p.actual_start_date, p.completed_date),
            "contact_ids": contacts[p.id],
        })
    return out


def pse_row(conn, ref: str):
    """By id, by its (unique) name, or an account's one open engagement."""
    return by_id_name_or_account(conn, t.pse, ref, label="pse", noun="engagement", is_open=P.status != "completed",
                                 describe=lambda p: f"#{p.id} {p.name} ({p.status})")


def list_pses(conn, *, account: str | None, status: str | None) -> list[dict]:
    query = select(t.pse)
    if account:
        query = query.where(P.account_id == account_row(conn, account).id)
    if status:
        query = query.where(P.status == f.choice("status", status, rules.STATUSES))
    return pse_records(conn, conn.execute(query.order_by(P.id)).all())


def pses_of_account(conn, account_id: int) -> list[dict]:
    return pse_records(conn, conn.execute(select(t.pse).where(P.account_id == account_id).order_by(P.id)).all())


def pse_report(conn, *, include_completed: bool = True) -> list[dict]:
    query = select(t.pse).order_by(P.status == "completed", P.name_key)
    if not include_completed:
        query = query.where(P.status != "completed")
    items = conn.execute(query).all()
    base = today()
    used = consumed(conn, [p.id for p in items])
    out = []
    for r, p in zip(pse_records(conn, items), items):
        spent = used.get(p.id, 0)
        scoped = p.scoped_centihours
        out.append({
            "name": r["name"], "account": r["account"], "status": r["status"], "scoped_hours": r["scoped_hours"],
            "hours_consumed": r["hours_consumed"], "remaining_hours": r["remaining_hours"],
            "percent_complete": r["percent_complete"],
            "hours_burned_pct": f.round1(100 * spent / scoped) if scoped else None,
            "over_budget": scoped is not None and spent > scoped,
            "stale_hours": rules.is_stale(p.status, p.hours_updated_date, base),
            "expected_length_days": r["expected_length_days"], "actual_length_days": r["actual_length_days"],
        })
    return out


def entry_record(e, pse_name: str) -> dict:
    return {"id": e.id, "pse_id": e.pse_id, "pse": pse_name, "date": iso(e.on_date), "hours": rules.as_hours(e.centihours),
            "note": e.note, "actor": e.actor}


def time_entries(conn, ref: str) -> list[dict]:
    """An engagement's time entries, oldest first (`pse hours REF`)."""
    p = pse_row(conn, ref)
    e = t.pse_time_entry.c
    return [entry_record(x, p.name) for x in conn.execute(
        select(t.pse_time_entry).where(e.pse_id == p.id).order_by(e.on_date, e.id))]
