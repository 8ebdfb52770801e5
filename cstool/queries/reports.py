"""Reports: Time to Value per fiscal quarter, open onboardings, engagement gaps.

The TTV report fetches only the rows that matter for the quarter (milestones
inside it, or started and not yet reached by its end) through indexed date
columns, then classifies them with the pure rules in ``cstool.domain.ttv``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal, or_, select

from cstool.clock import today as clock_today
from cstool.domain import ttv
from cstool.domain.fiscal import FiscalQuarter
from cstool.domain.gemstones import RANKS
from cstool.queries.onboarding import OPEN as ONBOARDING_OPEN
from cstool.services.records import iso
from cstool.services.settings import all_settings
from cstool.storage import tables as t
from cstool.storage.bulk import days_between
from cstool.storage.many import among

Account, Onboarding, Activity, Task = t.account.c, t.onboarding.c, t.activity.c, t.task.c

GROUPS = ("csm", "segment", "gemstone")
NO_GROUP = "(none)"


def goals(session) -> dict[str, int]:
    values = all_settings(session)
    return {m: values[ttv.GOAL_SETTINGS[m]] for m in ttv.METRICS}


# The report counts in SQL (SPEC section 10): per metric, one statement sorts the quarter's onboardings into
# the verdicts of `ttv.classify` and counts them, and returns the measured values (whole days) that the
# median and p90 need, each distinct value once with its count.  These statements are the SQL twin of `ttv.classify`, the rule every record view
# uses; tests/test_ttv_sql_twin.py checks on both engines that they agree on random stores.


def _verdict_sql(metric: str, q: FiscalQuarter, *, today: date, cohort: str, goal: int):
    """(scope, verdict): which onboardings are in this quarter's pool for the metric, and a CASE naming each
    one's verdict: measured, pending, overdue, left_out:<reason> or none."""
    o = Onboarding
    milestone, clock, start = (getattr(o, ttv.ACHIEVED_FIELD[metric]), getattr(o, ttv.CLOCK_FIELD[metric]),
                               o.start_date)
    reached = _reached_sql(metric)
    no_clock = f"left_out:no {ttv.CLOCK_NAMES[ttv.CLOCK_FIELD[metric]]}"
    if cohort == "start":
        asof = today
        measured = and_(reached.is_not(None), reached <= today)
        scope = start.between(q.start, q.end)
    else:
        asof = min(q.end, today)
        measured = reached.between(q.start, q.end)
        # terms each answered by an index (SQLite's multi-index OR): the milestone in the quarter, never reached,
        # reached after it, and (TTE: achieved on the start when the call came first) started in the quarter; the
        # exact conditions are the CASE's (`pool`, `measured`), not the index's
        scope = or_(milestone.between(q.start, q.end), milestone.is_(None), milestone > asof,
                    *([start.between(q.start, q.end)] if metric == "tte" else []))
    # NULL-safe: no start date means not in the pool (SQL's NOT of a NULL comparison is not true)
    pool = and_(start.is_not(None), start <= asof, or_(reached.is_(None), reached > asof))
    whens = [(and_(measured, clock.is_(None)), literal(no_clock)), (measured, literal("measured")),
             (~pool, literal("none"))]
    if metric == "tte":  # completed with no first-engaged date: left out once, in the quarter of the completion
        done = and_(o.status == "completed", o.finish_date.is_not(None), o.finish_date <= asof)
        if cohort == "start":
            whens.append((done, literal("left_out:completed without a first-engaged date")))
        else:
            whens += [(and_(done, o.finish_date >= q.start), literal("left_out:completed without a first-engaged date")),
                      (done, literal("none"))]
    whens += [(clock.is_(None), literal(no_clock)), (clock < asof - timedelta(days=goal), literal("overdue"))]
    return scope, case(*whens, else_=literal("pending"))


def _reached_sql(metric: str):
    """The SQL twin of `ttv.achieved_on`: the milestone's date, for TTE the later of first-engaged and start."""
    milestone = getattr(Onboarding, ttv.ACHIEVED_FIELD[metric])
    if metric != "tte":
        return milestone
    return case((and_(milestone.is_not(None), Onboarding.start_date.is_not(None),
                      milestone < Onboarding.start_date), Onboarding.start_date), else_=milestone)


def _group_column(by: str | None):
    return {"csm": Onboarding.owner, "segment": Account.segment, "gemstone": Account.gemstone, None: None}[by]


def _metric_figures(session, metric: str, q: FiscalQuarter, *, today: date, cohort: str, goal: int,
                    by: str | None) -> dict[str | None, dict]:
    """{group: {"values": [...], "counts": Counter(verdict)}} for one metric in one quarter, from one statement
    that counts verdicts and measured values in SQL (a value comes back once with how often it occurs)."""
    o = Onboarding
    scope, verdict = _verdict_sql(metric, q, today=today, cohort=cohort, goal=goal)
    reached, clock = _reached_sql(metric), getattr(o, ttv.CLOCK_FIELD[metric])
    measured = reached.between(q.start, q.end) if cohort != "start" else and_(reached.is_not(None), reached <= today)
    days = case((and_(measured, clock.is_not(None)), days_between(reached, clock)), else_=None).label("days")
    group = _group_column(by)
    grp = group.label("grp") if group is not None else literal(None).label("grp")
    label = verdict.label("verdict")
    out: dict[str | None, dict] = defaultdict(lambda: {"values": [], "counts": Counter()})
    for g, v, d, n in session.execute(
        select(grp, label, days, func.count()).select_from(t.onboarding)
        .join(t.account, Account.id == o.account_id).where(Account.archived_at.is_(None), scope)
        .group_by(grp, label, days)
    ).all():
        figures = out[g or None]
        figures["counts"][v] += n
        if v == "measured":
            figures["values"] += [ttv.measured_days(metric, d)] * n
    return out


def _quarter(session, q: FiscalQuarter, *, today: date, cohort: str, goal: dict[str, int], by: str | None):
    """{group: metrics list} and the left-out counts, for one quarter."""
    per_metric = {m: _metric_figures(session, m, q, today=today, cohort=cohort, goal=goal[m], by=by)
                  for m in ttv.METRICS}
    # a group is shown when any of its onboardings has a verdict in this quarter (left out included)
    groups = {g for figures in per_metric.values() for g, f in figures.items()
              if any(v != "none" for v, n in f["counts"].items() if n)}
    left = Counter()
    summaries: dict[str | None, list[dict]] = {}
    for g in groups:
        metrics = []
        for m in ttv.METRICS:
            figures = per_metric[m].get(g) or {"values": [], "counts": Counter()}
            counts = figures["counts"]
            for verdict, n in counts.items():
                if verdict.startswith("left_out:"):
                    left[(m, verdict.split(":", 1)[1])] += n
            metrics.append(ttv.summarise(m, goal[m], figures["values"], pending=counts["pending"] + counts["overdue"],
                                         overdue=counts["overdue"]).as_dict())
        summaries[g] = metrics
    return summaries, left


def ttv_report(
    session, *, quarter: FiscalQuarter, quarters: int = 1, by: str | None = None, cohort: str = "achieved",
    today: date | None = None,
) -> dict | list[dict]:
    today = today or clock_today()
    goal = goals(session)
    out = []
    for q in [quarter.shift(-i) for i in reversed(range(quarters))]:
        summaries, left = _quarter(session, q, today=today, cohort=cohort, goal=goal, by=by)
        report = {"quarter": q.label, "start": iso(q.start), "end": iso(q.end), "cohort": cohort}
        if by is None:
            report["metrics"] = summaries.get(None) or [ttv.summarise(m, goal[m], []).as_dict() for m in ttv.METRICS]
        else:
            report["by"] = by
            report["groups"] = []
            for name in sorted(summaries, key=lambda g: _group_order(by, g or NO_GROUP)):
                report["groups"].append({"group": name or NO_GROUP, "metrics": summaries[name]})
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
            .where(among(Task.onboarding_id, ids), Task.status == "open")
            .group_by(Task.onboarding_id)
            .subquery()
        )
        for oid, title, due in session.execute(
            select(Task.onboarding_id, Task.title, Task.due_date)
            .join(first_due, and_(first_due.c.onboarding_id == Task.onboarding_id, first_due.c.due == Task.due_date))
            .where(Task.status == "open")
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
