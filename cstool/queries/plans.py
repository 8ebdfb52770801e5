"""Success plans: objective records, lists, and `report plans` (Time to Purchase Intent per quarter).

TTPI is judged by the TTV rule itself (`ttv.classify` and `ttv.summarise`), with a plan row per account:
the clock starts at the purchase date of the account's latest onboarding, the milestone is the green date
of its primary objective.  Same summary shape, quarter, pending and overdue rules as `report ttv`.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select

from cstool.clock import today as clock_today
from cstool.domain import plans as rules
from cstool.domain import ttv
from cstool.domain.fiscal import FiscalQuarter
from cstool.services.lookup import account_names, account_row
from cstool.services.records import iso
from cstool.services.settings import get_setting
from cstool.storage import tables as t

OB = t.objective.c


def objective_records(conn, items: list) -> list[dict]:
    """SPEC-shaped records of objective rows (or ORM objects, for the write commands)."""
    names = account_names(conn, {o.account_id for o in items})
    return [{
        "id": o.id, "account": names[o.account_id], "account_id": o.account_id, "title": o.title,
        "primary": o.is_primary, "solution": o.solution, "capability": o.capability, "value_driver": o.value_driver,
        "metrics": o.metrics, "pain": o.pain, "due_date": iso(o.due_date), "status": o.status,
        "green_date": iso(o.green_date), "notes": o.notes,
    } for o in items]


def list_objectives(conn, *, account: str | None = None) -> list[dict]:
    query = select(t.objective)
    if account:
        query = query.where(OB.account_id == account_row(conn, account).id)
    return objective_records(conn, conn.execute(query.order_by(OB.account_id, OB.is_primary.desc(), OB.id)).all())


def primary_objective(conn, account_id: int) -> dict | None:
    rows = conn.execute(select(t.objective).where(OB.account_id == account_id, OB.is_primary.is_(True))
                        .order_by(OB.id)).all()
    return objective_records(conn, rows[:1])[0] if rows else None


def _plan_rows(conn) -> dict[int, dict]:
    """Per active account: the purchase date of its latest onboarding and its objectives."""
    a, o = t.account.c, t.onboarding.c
    latest = select(func.max(o.id)).group_by(o.account_id).scalar_subquery()
    purchase = dict(conn.execute(select(o.account_id, o.purchase_date).where(o.id.in_(latest))).all())
    accounts = {r.id: {"account": r.name, "purchase": purchase.get(r.id), "objectives": []}
                for r in conn.execute(select(a.id, a.name).where(a.archived_at.is_(None)))}
    for row in conn.execute(select(OB.account_id, OB.is_primary, OB.status, OB.green_date, OB.title)
                            .order_by(OB.id)):
        if row.account_id in accounts:
            accounts[row.account_id]["objectives"].append(row)
    return accounts


def plans_report(conn, *, quarter: FiscalQuarter, today: date | None = None) -> dict:
    today = today or clock_today()
    goal = get_setting(conn, ttv.GOAL_SETTINGS["ttpi"])
    values, pending, overdue, left = [], 0, 0, Counter()
    rows = []
    for aid, acc in sorted(_plan_rows(conn).items(), key=lambda kv: kv[1]["account"].casefold()):
        primary = next((x for x in acc["objectives"] if x.is_primary), None)
        verdict = ttv.classify("ttpi", rules.ttpi_row(purchase=acc["purchase"],
                                                      green=primary.green_date if primary else None),
                               q_start=quarter.start, q_end=quarter.end, today=today, goal=goal)
        if verdict is not None:
            kind, detail = verdict
            if kind == "measured":
                values.append(detail)
            elif kind == "pending":
                pending, overdue = pending + 1, overdue + bool(detail)
            else:
                left[detail] += 1
        if acc["objectives"]:
            colours = Counter(x.status for x in acc["objectives"])
            rows.append({"account": acc["account"], **{c: colours.get(c, 0) for c in rules.STATUSES},
                         "primary": primary.title if primary else None,
                         "primary_green": bool(primary and primary.status == "green")})
    return {
        "quarter": quarter.label, "start": iso(quarter.start), "end": iso(quarter.end),
        "metrics": [ttv.summarise("ttpi", goal, values, pending=pending, overdue=overdue).as_dict()],
        "left_out": [{"metric": "ttpi", "count": n, "reason": reason} for reason, n in sorted(left.items())],
        "accounts": rows,
    }
