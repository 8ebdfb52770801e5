"""Reports: Time to Value per fiscal quarter, open onboardings, engagement gaps.

The TTV report fetches only the rows that matter for the quarter (milestones
inside it, or started and not yet reached by its end) through indexed date
columns, then classifies them with the pure rules in ``cstool.domain.ttv``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import and_, func, or_, select

from cstool.clock import today as clock_today
from cstool.domain import ttv
from cstool.domain.fiscal import FiscalQuarter
from cstool.domain.gemstones import RANKS
from cstool.queries.onboarding import OPEN as ONBOARDING_OPEN
from cstool.services.records import iso
from cstool.services.settings import all_settings
from cstool.storage import tables as t

Account, Onboarding, Activity, Task = t.account.c, t.onboarding.c, t.activity.c, t.task.c

GROUPS = ("csm", "segment", "gemstone")
NO_GROUP = "(none)"


def goals(session) -> dict[str, int]:
    values = all_settings(session)
    return {m: values[ttv.GOAL_SETTINGS[m]] for m in ttv.METRICS}


def _quarter_rows(session, q: FiscalQuarter, *, today: date, cohort: str, by: str | None) -> list[dict]:
    o = Onboarding
    asof = min(q.end, today)
    if cohort == "start":
        scope = o.start_date.between(q.start, q.end)
    else:
        achieved = [o.first_engaged_date, o.first_value_date, o.finish_date]
        scope = or_(
            *[col.between(q.start, q.end) for col in achieved],
            and_(o.start_date <= asof, or_(*[or_(col.is_(None), col > asof) for col in achieved])),
        )
    group_col = {"csm": o.owner, "segment": Account.segment, "gemstone": Account.gemstone, None: None}[by]
    columns = [o.start_date, o.purchase_date, o.first_engaged_date, o.first_value_date, o.finish_date, o.status]
    if group_col is not None:
        columns.append(group_col.label("grp"))
    query = select(*columns).join(t.account, Account.id == o.account_id).where(Account.archived_at.is_(None), scope)
    keys = ["start_date", "purchase_date", "first_engaged_date", "first_value_date", "finish_date", "status", "grp"]
    return [dict(zip(keys, r)) for r in session.execute(query).all()]


def _summaries(rows: list[dict], q: FiscalQuarter, *, today: date, cohort: str, goal: dict[str, int]):
    metrics, left_out = [], Counter()
    q_start, q_end = q.start, q.end  # computed once, not per row
    for metric in ttv.METRICS:
        values, pending, overdue = [], 0, 0
        for row in rows:
            verdict = ttv.classify(metric, row, q_start=q_start, q_end=q_end, today=today, goal=goal[metric],
                                   cohort=cohort)
            if verdict is None:
                continue
            kind, detail = verdict
            if kind == "measured":
                values.append(detail)
            elif kind == "pending":
                pending += 1
                overdue += bool(detail)
            else:
                left_out[(metric, detail)] += 1
        metrics.append(ttv.summarise(metric, goal[metric], values, pending=pending, overdue=overdue).as_dict())
    return metrics, left_out


def ttv_report(
    session, *, quarter: FiscalQuarter, quarters: int = 1, by: str | None = None, cohort: str = "achieved",
    today: date | None = None,
) -> dict | list[dict]:
    today = today or clock_today()
    goal = goals(session)
    out = []
    for q in [quarter.shift(-i) for i in reversed(range(quarters))]:
        rows = _quarter_rows(session, q, today=today, cohort=cohort, by=by)
        report = {"quarter": q.label, "start": iso(q.start), "end": iso(q.end), "cohort": cohort}
        if by is None:
            metrics, left = _summaries(rows, q, today=today, cohort=cohort, goal=goal)
            report["metrics"] = metrics
        else:
            grouped: dict[str, list[dict]] = defaultdict(list)
            for row in rows:
                grouped[row["grp"] or NO_GROUP].append(row)
            left = Counter()
            report["by"] = by
            report["groups"] = []
            for name in sorted(grouped, key=lambda g: _group_order(by, g)):
                metrics, group_left = _summaries(grouped[name], q, today=today, cohort=cohort, goal=goal)
                left.update(group_left)
                report["groups"].append({"group": name, "metrics": metrics})
        report["left_out"] = [
            {"metric": metric, "count": count, "reason": reason} for (metric, reason), count in sorted(left.items())
        ]
        out.append(report)
    return out if quarters > 1 else out[0]


def _group_order(by: str, name: str):
    if name == NO_GROUP:
        return (1, 99, "")
    if by == "gemstone":
        return (0, RANKS.get(name, 50), name)
    return (0, 0, name.casefold())


# --- open onboardings ---------------------------------------------------------------


def standing_fields(row: dict, *, today: date, goal: dict[str, int]) -> dict:
    """The TTV standing keys a record view shows (days left per metric, pending and overdue lists),
    from the one classification the TTV report uses (``ttv.standing``)."""
    st = ttv.standing(row, today=today, goals=goal)
    out = {f"{m}_left_days": st[m].days_left for m in ttv.METRICS}
    out["pending"] = [m for m in ttv.METRICS if st[m].state == "pending"]
    out["overdue"] = [m for m in ttv.METRICS if st[m].overdue]
    return out


def onboarding_standing(session, o, *, today: date | None = None) -> dict:
    """`standing_fields` for one onboarding row object (onboarding show, account show)."""
    row = {k: getattr(o, k) for k in _STANDING_KEYS}
    return standing_fields(row, today=today or clock_today(), goal=goals(session))


_STANDING_KEYS = ("status", "start_date", "purchase_date", "first_engaged_date", "first_value_date", "finish_date")


def onboarding_report(session, *, today: date | None = None) -> dict:
    """Every open onboarding, and every completed one whose first value is still pending (SPEC 5)."""
    today = today or clock_today()
    goal = goals(session)
    o = Onboarding
    awaiting_value = and_(o.status == "completed", o.first_value_date.is_(None), o.purchase_date.is_not(None),
                          o.start_date.is_not(None))
    query = (
        select(o.id, *[getattr(o, k) for k in _STANDING_KEYS], o.owner, o.delay_reason, Account.name, Account.csm)
        .join(t.account, Account.id == o.account_id)
        .where(Account.archived_at.is_(None), or_(o.status.in_(ONBOARDING_OPEN), awaiting_value))
        .order_by(o.start_date.is_(None), o.start_date, Account.name_key)
    )
    keys = ("id", *_STANDING_KEYS, "owner", "delay_reason", "account", "account_csm")
    rows = [dict(zip(keys, r)) for r in session.execute(query).all()]
    ids = [r["id"] for r in rows]
    next_tasks: dict[int, tuple] = {}
    if ids:
        first_due = (
            select(Task.onboarding_id, func.min(Task.due_date).label("due"))
            .where(Task.onboarding_id.in_(ids), Task.done_date.is_(None))
            .group_by(Task.onboarding_id)
            .subquery()
        )
        for oid, title, due in session.execute(
            select(Task.onboarding_id, Task.title, Task.due_date)
            .join(first_due, and_(first_due.c.onboarding_id == Task.onboarding_id, first_due.c.due == Task.due_date))
            .where(Task.done_date.is_(None))
            .order_by(Task.id.desc())
        ).all():
            next_tasks[oid] = (title, due)
    out = []
    for row in rows:
        m = ttv.metrics_of(start=row["start_date"], first_engaged=row["first_engaged_date"],
                           purchase=row["purchase_date"], first_value=row["first_value_date"],
                           finish=row["finish_date"])
        std = standing_fields(row, today=today, goal=goal)
        if row["status"] == "completed" and "ttfv" not in std["pending"]:
            continue
        title, due = next_tasks.get(row["id"], (None, None))
        out.append({
            "account": row["account"],
            "csm": row["owner"] or row["account_csm"],
            "status": row["status"],
            "start_date": iso(row["start_date"]),
            "age_days": (today - row["start_date"]).days if row["start_date"] else None,
            "tte_days": m["tte"],
            "ttfv_days": m["ttfv"],
            "tto_days": m["tto"],
            "tte_left_days": std["tte_left_days"],
            "ttfv_left_days": std["ttfv_left_days"],
            "tto_left_days": std["tto_left_days"],
            "pending": std["pending"],
            "overdue": std["overdue"],
            "next_task": title,
            "next_task_due_date": iso(due),
            "delay_reason": row["delay_reason"] if row["status"] == "on-hold" else None,
        })
    counts = Counter(r["status"] for r in out)
    return {"rows": out, "counts": {s: counts.get(s, 0) for s in (*ONBOARDING_OPEN, "completed")}}


# --- engagement -------------------------------------------------------------------------


def engagement_report(session, *, days: int, today: date | None = None) -> list[dict]:
    """Active accounts whose last contact is older than `days` (or who were never contacted)."""
    today = today or clock_today()
    last = (
        select(Activity.account_id, func.max(Activity.on_date).label("last"))
        .group_by(Activity.account_id)
        .subquery()
    )
    cutoff = date.fromordinal(today.toordinal() - days)
    rows = session.execute(
        select(Account.name, Account.csm, last.c.last).select_from(t.account)
        .outerjoin(last, last.c.account_id == Account.id)
        .where(Account.archived_at.is_(None), or_(last.c.last.is_(None), last.c.last < cutoff))
        .order_by(last.c.last.is_not(None), last.c.last, Account.name_key)
    ).all()
    out = []
    for name, csm, last_date in rows:
        since = (today - last_date).days if last_date else None
        follow_up = "never contacted" if since is None else ("60-day" if since >= 60 else "30-day" if since >= 30 else "due")
        out.append({"account": name, "csm": csm, "last_contact_date": iso(last_date), "days_since_contact": since,
                    "follow_up": follow_up})
    return out
