"""Proofs of Value: records, find by id, name or account, list, the quarter's report."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from cstool.clock import today
from cstool.domain import fields as f
from cstool.domain import pov as rules
from cstool.domain.fiscal import FiscalQuarter
from cstool.domain.ttv import median
from cstool.services.lookup import account_names, account_row, by_id_name_or_account, name_like, same_name
from cstool.services.records import iso
from cstool.storage import tables as t
from cstool.storage.many import among

P = t.pov.c


def pov_records(conn, items: list) -> list[dict]:
    """SPEC-shaped records of POV rows (or ORM objects: the write commands print theirs with this)."""
    names = account_names(conn, {p.account_id for p in items})
    o = t.opportunity.c
    opps = dict(conn.execute(select(o.id, o.name).where(among(o.id, {p.opportunity_id for p in items}))).all()) \
        if items else {}
    return [{
        "id": p.id, "account": names[p.account_id], "account_id": p.account_id,
        "opportunity": opps.get(p.opportunity_id), "name": p.name, "owner": p.owner, "type": p.type,
        "status": p.status, "result": p.result, "success_criteria": p.success_criteria,
        "start_date": iso(p.start_date), "planned_end_date": iso(p.planned_end_date), "end_date": iso(p.end_date),
        "length_days": rules.length_days(p.start_date, p.end_date),
        "collaboration_project_url": p.collaboration_project_url, "notes": p.notes,
    } for p in items]


def pov_row(conn, ref: str):
    """By id, by its (unique) name, or an account's one POV not yet closed or cancelled."""
    return by_id_name_or_account(conn, t.pov, ref, label="pov", noun="POV", is_open=P.status.in_(rules.ACTIVE_STATUSES),
                                 describe=lambda p: f"#{p.id} {p.name} ({p.status})",
                                 hint=" (create one with `cstool pov create`)")


def list_povs(conn, *, account: str | None = None, status: str | None = None, owner: str | None = None) -> list[dict]:
    query = select(t.pov)
    if account:
        query = query.where(P.account_id == account_row(conn, account).id)
    if status:
        query = query.where(P.status == f.choice("status", status, rules.STATUSES))
    if owner:
        query = query.where(name_like(P.owner, owner.strip()))
    rows = conn.execute(query.order_by(P.id)).all()
    return pov_records(conn, [r for r in rows if not owner or same_name(r.owner, owner.strip())])


def open_by_owner(conn, *, today_: date | None = None) -> list[dict]:
    """Open (in-progress) POVs per owner, with the concurrency and past-planned-end flags."""
    base = today_ or today()
    rows = conn.execute(select(P.owner, P.type, P.planned_end_date, P.status)
                        .where(P.status.in_(rules.OPEN_STATUSES))).all()
    per: dict[str, Counter] = {}
    for owner, kind, planned_end, status in rows:
        c = per.setdefault(owner or "(none)", Counter())
        c["open"] += 1
        c["guided_or_paid"] += kind in rules.COUNTED_TYPES
        c["past_planned_end"] += rules.past_planned_end(status, planned_end, base)
    return [{"owner": owner, "open": c["open"], "guided_or_paid": c["guided_or_paid"],
             "over_limit": rules.over_limit(c["guided_or_paid"]), "past_planned_end": c["past_planned_end"]}
            for owner, c in sorted(per.items(), key=lambda kv: (kv[0] == "(none)", kv[0].casefold()))]


def pov_report(conn, *, quarter: FiscalQuarter) -> dict:
    """POVs closed in the quarter, their win rate, length and overruns, POV-to-win, and the open ones per owner."""
    o = t.opportunity.c
    closed = conn.execute(
        select(P.result, P.start_date, P.end_date, P.planned_end_date, o.stage)
        .join(t.opportunity, o.id == P.opportunity_id)
        .where(P.status == "closed", P.end_date.between(quarter.start, quarter.end))
    ).all()
    won = [r for r in closed if r.result == "successful"]
    lengths = [rules.length_days(r.start_date, r.end_date) for r in closed if r.start_date is not None]
    return {
        "quarter": quarter.label,
        "closed": len(closed),
        "successful": len(won),
        "win_rate_pct": f.round1(100 * len(won) / len(closed)) if closed else None,
        "median_length_days": median(lengths),
        "ran_over": sum(1 for r in closed if r.planned_end_date is not None and r.end_date > r.planned_end_date),
        "pov_to_win_pct": f.round1(100 * sum(r.stage == "closed-won" for r in won) / len(won)) if won else None,
        "open": open_by_owner(conn),
    }
