"""Renewals and revenue (SPEC section 17): the open renewals, and per fiscal quarter what was due, renewed and
churned, GRR and NRR.

`renewals_report` is the one computation behind `report renewals`, the dashboard's renewals section and the
digest: it counts and sums in SQL over the indexed renewal and close dates (one statement per figure family
per quarter), and takes the computed health colours from `queries.health.cards`, the one health computation.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import and_, case, func, literal, select

from cstool.clock import today as clock_today
from cstool.domain import renewals as rules
from cstool.domain.fields import from_cents
from cstool.domain.fiscal import FiscalQuarter
from cstool.queries.reports import NO_GROUP, _group_order
from cstool.services.records import iso
from cstool.storage import tables as t

A, P = t.account.c, t.opportunity.c
GROUPS = ("csm", "segment", "gemstone")


def _colours(conn, account_ids) -> dict[int, tuple[str | None, int | None]]:
    """{account id: (computed colour, score)} from the health scorecards, for the accounts given as a set of ids or
    as a SELECT of ids (scored in the store's own terms: no IN list of thousands of parameters)."""
    from cstool.queries.health import cards

    if isinstance(account_ids, (set, list)) and not account_ids:
        return {}
    return {c["account_id"]: (c["colour"], c["score"]) for c in cards(conn, account_ids=account_ids)}


# --- renewal list --------------------------------------------------------------------------------------------


def _open_risk_tasks(conn, ids: list[int]) -> dict[int, int]:
    """Open tasks of type `risk` per account."""
    k = t.task.c
    if not ids:
        return {}
    is_open = k.status == "open"
    out: dict[int, int] = {}
    for i in range(0, len(ids), 5000):
        out.update(conn.execute(select(k.account_id, func.count()).where(
            k.type == "risk", is_open, k.account_id.in_(ids[i:i + 5000])).group_by(k.account_id)).all())
    return out


def renewal_list(conn, *, within_days: int | None = None, csm: str | None = None,
                 today: date | None = None) -> list[dict]:
    """Open renewals by renewal date (all of them, or those due within N days; a past date counts too)."""
    today = today or clock_today()
    query = (select(P.id, P.renewal_date, P.arr_due_cents, P.forecast, A.id.label("account_id"), A.name)
             .select_from(t.opportunity.join(t.account, A.id == P.account_id))
             .where(P.type == "renewal", P.stage.not_in(("closed-won", "closed-lost")), A.archived_at.is_(None)))
    if within_days is not None:
        query = query.where(P.renewal_date <= rules.window_end(today, within_days))
    if csm:
        query = query.where(func.lower(A.csm) == csm.strip().lower())
    rows = conn.execute(query.order_by(P.renewal_date.is_(None), P.renewal_date, A.name_key, P.id)).all()
    ids = sorted({r.account_id for r in rows})
    colours = _colours(conn, query.with_only_columns(A.id).order_by(None).distinct()) if ids else {}
    risks = _open_risk_tasks(conn, ids)
    a = t.activity.c
    last = {}
    for i in range(0, len(ids), 5000):
        last.update(conn.execute(select(a.account_id, func.max(a.on_date)).where(
            a.account_id.in_(ids[i:i + 5000]), a.on_date <= today).group_by(a.account_id)).all())
    out = []
    for r in rows:
        colour, score = colours.get(r.account_id, (None, None))
        contact = last.get(r.account_id)
        out.append({"account": r.name, "renewal_date": iso(r.renewal_date),
                    "days_left": (r.renewal_date - today).days if r.renewal_date else None,
                    "arr_due": from_cents(r.arr_due_cents), "forecast": r.forecast or rules.DEFAULT_FORECAST,
                    "health_colour": colour, "health_score": score, "open_risk_tasks": risks.get(r.account_id, 0),
                    "days_since_contact": (today - contact).days if contact else None})
    return out


# --- report renewals -----------------------------------------------------------------------------------------


def _group_columns(by: str | None) -> list:
    """The grouping column as a list (none without --by: PostgreSQL refuses a constant in GROUP BY)."""
    return [{"csm": A.csm, "segment": A.segment, "gemstone": A.gemstone}[by].label("grp")] if by else []


def _split(row, by: str | None):
    return (row[0], row[1:]) if by else (None, row)


def _empty(label: str) -> dict:
    return {"quarter": label, "due_count": 0, "due_arr": 0, "renewed_count": 0, "renewed_arr": 0, "churned_count": 0,
            "churned_arr": 0, "churn_reasons": {}, "downsell_arr": 0, "upsell_arr": 0, "pending_count": 0,
            "pending_arr": 0, "forecast": {}, "at_risk_red_arr": 0, "at_risk_yellow_arr": 0, "closed_due": 0}


def _quarter_figures(conn, q: FiscalQuarter, by: str | None) -> tuple[dict, dict[tuple, int]]:
    """{group: cents figures} for the renewals whose renewal date falls in the quarter, and the pending ARR due per
    (group, account) for the at-risk figures."""
    group = _group_columns(by)
    due = func.coalesce(P.arr_due_cents, 0)
    amount = func.coalesce(P.amount_cents, 0)
    outcome = case((P.stage == "closed-won", literal("won")), (P.stage == "closed-lost", literal("lost")),
                   else_=literal("open")).label("outcome")
    forecast = func.coalesce(P.forecast, literal(rules.DEFAULT_FORECAST)).label("fc")
    reason = func.coalesce(P.churn_reason, literal("other")).label("reason")
    in_quarter = and_(P.type == "renewal", P.renewal_date.between(q.start, q.end))
    joined = t.opportunity.join(t.account, A.id == P.account_id)
    figures: dict = defaultdict(lambda: _empty(q.label))
    for row in conn.execute(
        select(*group, outcome, forecast, reason, func.count(), func.sum(due), func.sum(amount),
               func.sum(case((and_(P.stage == "closed-won", amount < due), due - amount), else_=0)),
               func.sum(case((and_(P.stage == "closed-won", amount > due), amount - due), else_=0)))
        .select_from(joined).where(in_quarter).group_by(*group, outcome, forecast, reason)
    ):
        g, (out, fc, why, n, due_sum, amount_sum, down, up) = _split(row, by)
        due_sum, amount_sum, down, up = (int(v or 0) for v in (due_sum, amount_sum, down, up))  # PG: numeric
        f = figures[g]
        f["due_count"] += n
        f["due_arr"] += due_sum
        if out == "won":
            f["renewed_count"] += n
            f["renewed_arr"] += amount_sum
            f["downsell_arr"] += down
            f["upsell_arr"] += up
            f["closed_due"] += due_sum
        elif out == "lost":
            f["churned_count"] += n
            f["churned_arr"] += due_sum
            f["closed_due"] += due_sum
            c = f["churn_reasons"].setdefault(why, [0, 0])
            c[0] += n
            c[1] += due_sum
        else:
            f["pending_count"] += n
            f["pending_arr"] += due_sum
            c = f["forecast"].setdefault(fc, [0, 0])
            c[0] += n
            c[1] += due_sum
    # add-on deals closed won in the quarter on the accounts renewing in it: upsell
    renewing = select(P.account_id).where(in_quarter).distinct().scalar_subquery()
    addon = t.opportunity.alias("addon")
    x = addon.c
    for row in conn.execute(
        select(*group, func.sum(func.coalesce(x.iacv_cents, 0)))
        .select_from(addon.join(t.account, A.id == x.account_id))
        .where(x.type == "add-on", x.stage == "closed-won", x.close_date.between(q.start, q.end),
               x.account_id.in_(renewing)).group_by(*group)
    ):
        g, (iacv,) = _split(row, by)
        if iacv:
            figures[g]["upsell_arr"] += int(iacv)
    pending = {}
    for row in conn.execute(
        select(*group, P.account_id, func.sum(due)).select_from(joined)
        .where(in_quarter, P.stage.not_in(("closed-won", "closed-lost"))).group_by(*group, P.account_id)
    ):
        g, (aid, arr) = _split(row, by)
        pending[(g, aid)] = int(arr or 0)
    return figures, pending


def _finish(f: dict) -> dict:
    """Cents -> money, picklist order for the lists, GRR and NRR over the closed renewals."""
    money = ("due_arr", "renewed_arr", "churned_arr", "downsell_arr", "upsell_arr", "pending_arr", "at_risk_red_arr",
             "at_risk_yellow_arr")
    out = {k: (from_cents(v) if k in money else v) for k, v in f.items() if k != "closed_due"}
    out["churn_reasons"] = [{"reason": r, "count": f["churn_reasons"][r][0], "arr": from_cents(f["churn_reasons"][r][1])}
                            for r in rules.CHURN_REASONS if r in f["churn_reasons"]]
    out["forecast"] = [{"category": c, "count": f["forecast"][c][0], "arr": from_cents(f["forecast"][c][1])}
                       for c in rules.FORECASTS if c in f["forecast"]]
    out["grr_pct"] = rules.retention_pct(closed_due=f["closed_due"], churned=f["churned_arr"],
                                         downsell=f["downsell_arr"])
    out["nrr_pct"] = rules.retention_pct(closed_due=f["closed_due"], churned=f["churned_arr"],
                                         downsell=f["downsell_arr"], upsell=f["upsell_arr"])
    return out


def _total(parts: list[dict], label: str) -> dict:
    total = _empty(label)
    for f in parts:
        for k, v in f.items():
            if k == "quarter":
                continue
            if isinstance(v, dict):
                for key, (n, arr) in v.items():
                    c = total[k].setdefault(key, [0, 0])
                    c[0] += n
                    c[1] += arr
            else:
                total[k] += v
    return total


def renewals_report(conn, *, quarter: FiscalQuarter, quarters: int = 1, by: str | None = None,
                    today: date | None = None) -> dict | list[dict]:
    """One report per quarter (the N ending at `quarter`): the keys of SPEC section 17, with `--by` a `groups`
    list (each with `group` beside the same keys)."""
    per_quarter = []
    for q in [quarter.shift(-i) for i in reversed(range(quarters))]:
        figures, pending = _quarter_figures(conn, q, by)
        per_quarter.append((q, figures, pending))
    first, last = quarter.shift(1 - quarters), quarter
    pending_accounts = select(P.account_id).where(
        P.type == "renewal", P.renewal_date.between(first.start, last.end),
        P.stage.not_in(("closed-won", "closed-lost"))).distinct()
    colours = _colours(conn, pending_accounts) if any(p for _, _, p in per_quarter) else {}
    out = []
    for q, figures, pending in per_quarter:
        for (g, aid), arr in pending.items():
            colour = colours.get(aid, (None, None))[0]
            if colour in ("red", "yellow"):
                figures[g][f"at_risk_{colour}_arr"] += arr
        report = _finish(_total(list(figures.values()), q.label))
        if by is not None:
            report["groups"] = [{"group": g or NO_GROUP, **{k: v for k, v in _finish(figures[g]).items()
                                                            if k != "quarter"}}
                                for g in sorted(figures, key=lambda g: _group_order(by, g or NO_GROUP))]
        out.append(report)
    return out if quarters > 1 else out[0]
