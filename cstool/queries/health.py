"""Health scorecards for every account, as of a day: one statement per measure, the rules in domain/health.

`cards` is the one computation behind `account health`, `report health`, `health snapshot`, `check` and
`account show`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Iterator

from sqlalchemy import func, select

from cstool.clock import today as clock_today
from cstool.domain import ebr as ebr_rules
from cstool.domain import health as rules
from cstool.domain import pse as pse_rules
from cstool.domain import ttv
from cstool.domain.fiscal import fiscal_year_bounds, fiscal_year_of
from cstool.domain.onboarding import ENGAGING_TYPES
from cstool.services.lookup import account_row
from cstool.services.records import iso
from cstool.services.settings import all_settings
from cstool.storage import tables as t
from cstool.storage.many import among

A, O = t.account.c, t.onboarding.c


def _latest_per_account(conn, columns, account_col, order_cols, where):
    """The newest row per account (a window function: one statement for all accounts)."""
    rank = func.row_number().over(partition_by=account_col, order_by=[c.desc() for c in order_cols]).label("rn")
    inner = select(account_col.label("account_id"), *columns, rank).where(*where).subquery()
    return {r.account_id: r for r in conn.execute(select(inner).where(inner.c.rn == 1))}


def _inputs(conn, ids: list[int] | None, as_of: date, settings: dict) -> dict:
    only = (lambda col: among(col, ids)) if ids is not None else (lambda col: True)
    u = t.license_usage.c
    usage = _latest_per_account(conn, [u.licenses, u.active], O.account_id, [u.on_date, u.id],
                                [u.onboarding_id == O.id, u.on_date <= as_of, only(O.account_id)])
    onboardings = _latest_per_account(conn, [O.purchase_date], O.account_id, [O.id], [only(O.account_id)])
    p = t.opportunity.c
    won = dict(conn.execute(select(p.account_id, func.max(p.close_date)).where(
        p.stage == "closed-won", p.close_date <= as_of, only(p.account_id)).group_by(p.account_id)).all())
    a = t.activity.c
    calls = dict(conn.execute(select(a.account_id, func.max(a.on_date)).where(
        a.type.in_(ENGAGING_TYPES), a.on_date <= as_of, only(a.account_id)).group_by(a.account_id)).all())
    start_month = settings["fiscal-year-start"]
    fy = fiscal_year_of(as_of, start_month)
    first, last = fiscal_year_bounds(fy, start_month)
    e = t.ebr.c
    ebrs = dict(conn.execute(select(e.account_id, func.count()).where(
        e.status.in_(("completed", "scheduled")), e.on_date.between(first, last), only(e.account_id))
        .group_by(e.account_id)).all())
    from cstool.queries.ebr import customer_since

    since = customer_since(conn, ids)
    quarters = {aid: len(ebr_rules.counted_quarters(fy, start_month, day, as_of)) for aid, day in since.items()}
    open_ob = {r.account_id: r for r in conn.execute(select(
        O.account_id, O.status, O.start_date, O.purchase_date, O.first_engaged_date, O.first_value_date,
        O.finish_date, O.delay_cause).where(O.status.in_(("not-started", "scheduled", "in-progress", "on-hold")),
                                            only(O.account_id)))}
    s, te = t.pse.c, t.pse_time_entry.c
    spent = select(te.pse_id, func.sum(te.centihours).label("spent")).group_by(te.pse_id).subquery()
    pses: dict[int, Counter] = defaultdict(Counter)
    for aid, status, scoped, updated, used in conn.execute(
        select(s.account_id, s.status, s.scoped_centihours, s.hours_updated_date, spent.c.spent)
        .outerjoin(spent, spent.c.pse_id == s.id).where(s.status != "completed", only(s.account_id))
    ):
        over = scoped is not None and (used or 0) > scoped
        stale = pse_rules.is_stale(status, updated, as_of)
        c = pses[aid]
        c["open"] += 1
        c["over"] += over
        c["stale"] += stale
        c["both"] += over and stale
    return {"usage": usage, "onboardings": onboardings, "won": won, "calls": calls, "ebrs": ebrs,
            "quarters": quarters, "open": open_ob, "pses": pses}


CARD_BATCH = 20_000  # accounts scored at a time: memory stays flat whatever the store's size


def cards(conn, *, account_ids: list[int] | None = None, as_of: date | None = None) -> list[dict]:
    """Every active account's scorecard (or those given), as of a day."""
    return list(iter_cards(conn, account_ids=account_ids, as_of=as_of))


def iter_cards(conn, *, account_ids: list[int] | None = None, as_of: date | None = None) -> Iterator[dict]:
    """The scorecards in name order, computed CARD_BATCH accounts at a time (each batch's inputs in one statement
    per measure), so a million accounts never sit in memory at once."""
    as_of = as_of or clock_today()
    settings = all_settings(conn)
    query = select(A.id, A.name, A.name_key, A.csm, A.health, A.csm_sentiment, A.ebr_cadence, A.created_at).where(
        A.archived_at.is_(None))
    if account_ids is not None:
        accounts = conn.execute(query.where(among(A.id, account_ids)).order_by(A.name_key)).all()
        yield from _cards(conn, accounts, as_of, settings)
        return
    last = None
    while True:
        page = query.where(A.name_key > last) if last is not None else query
        accounts = conn.execute(page.order_by(A.name_key).limit(CARD_BATCH)).all()
        if not accounts:
            return
        yield from _cards(conn, accounts, as_of, settings)
        last = accounts[-1].name_key


def _cards(conn, accounts, as_of: date, settings: dict) -> Iterator[dict]:
    weights = {m: settings[rules.WEIGHT_SETTINGS[m]] for m in rules.MEASURES}
    goals = {m: settings[ttv.GOAL_SETTINGS[m]] for m in ttv.METRICS}
    data = _inputs(conn, [a.id for a in accounts], as_of, settings)
    for acc in accounts:
        ob = data["onboardings"].get(acc.id)
        purchase = (ob.purchase_date if ob is not None else None) or data["won"].get(acc.id)
        used = data["usage"].get(acc.id)
        open_ob = data["open"].get(acc.id)
        overdue = []
        if open_ob is not None:
            standing = ttv.standing(dict(open_ob._mapping), today=as_of, goals=goals)
            overdue = [m for m in ttv.METRICS if standing[m].overdue]
        cadence = acc.ebr_cadence
        p = data["pses"].get(acc.id, Counter())
        measures = [
            rules.usage(licenses=used.licenses if used else None, active=used.active if used else None,
                        purchase=purchase, as_of=as_of),
            rules.engagement(last_call=data["calls"].get(acc.id), account_created=acc.created_at.date(), as_of=as_of),
            rules.sentiment(acc.csm_sentiment),
            rules.ebr(cadence=cadence, target=ebr_rules.CADENCE_TARGET.get(cadence or "none", 0),
                      quarters_started=data["quarters"].get(acc.id, 0), held_or_scheduled=data["ebrs"].get(acc.id, 0)),
            rules.onboarding(is_open=open_ob is not None, overdue=overdue,
                             customer_hold=bool(open_ob is not None and open_ob.status == "on-hold"
                                                and open_ob.delay_cause == "customer")),
            rules.pse(open_count=p["open"], over_budget=p["over"], stale=p["stale"], both=p["both"]),
        ]
        value = rules.score(measures, weights)
        yield {
            "account_id": acc.id, "account": acc.name, "csm": acc.csm, "score": value,
            "reason": rules.evidence_problem(measures, weights), "colour": rules.colour(value),
            "recorded_health": acc.health,
            "measures": [{"measure": m.measure, "colour": m.colour, "weight": weights[m.measure], "reason": m.reason}
                         for m in measures],
            "worst_measures": rules.worst(measures), "as_of": iso(as_of),
        }


def account_health(conn, *, ref: str, history: bool = False) -> dict:
    account = account_row(conn, ref)
    (card,) = cards(conn, account_ids=[account.id])
    record = {k: card[k] for k in ("account", "score", "reason", "colour", "recorded_health", "measures", "as_of")}
    if history:
        h = t.health_snapshot.c
        record["history"] = [{"date": iso(d), "score": s, "colour": c} for d, s, c in conn.execute(
            select(h.on_date, h.score, h.colour).where(h.account_id == account.id).order_by(h.on_date))]
    return record


def previous_scores(conn, *, before: date) -> dict[int, int | None]:
    h = t.health_snapshot.c
    latest = _latest_per_account(conn, [h.score], h.account_id, [h.on_date], [h.on_date < before])
    return {aid: r.score for aid, r in latest.items()}


REPORT_KEYS = ("account", "csm", "score", "reason", "colour", "recorded_health", "previous_score", "change", "worst_measures")


class ReportRows(Sequence):
    """The health report's rows, held as compact tuples and given out as dicts one at a time (a million rows
    take a few hundred bytes each, not a few kilobytes)."""

    def __init__(self, rows: list[tuple]) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [dict(zip(REPORT_KEYS, r)) for r in self._rows[index]]
        return dict(zip(REPORT_KEYS, self._rows[index]))

    def __iter__(self) -> Iterator[dict]:
        for r in self._rows:
            yield dict(zip(REPORT_KEYS, r))

    def colours(self) -> Iterator[str | None]:
        return (r[4] for r in self._rows)


def health_report(conn, *, csm: str | None = None, colour: str | None = None, as_of: date | None = None) -> ReportRows:
    """Accounts from the riskiest: score, colour, the worst measures, and the change since the last snapshot."""
    as_of = as_of or clock_today()
    previous = previous_scores(conn, before=as_of)
    worst_seen: dict[tuple, list] = {}  # the few distinct worst-measure lists, shared by every row
    rows = []
    for card in iter_cards(conn, as_of=as_of):
        if csm and (card["csm"] or "").casefold() != csm.strip().casefold():
            continue
        if colour and card["colour"] != colour:
            continue
        before = previous.get(card["account_id"])
        worst = worst_seen.setdefault(tuple(card["worst_measures"]), card["worst_measures"])
        score = card["score"]
        rows.append((card["account"], card["csm"], score, card["reason"], card["colour"], card["recorded_health"], before,
                     score - before if score is not None and before is not None else None, worst))
    rows.sort(key=lambda r: (r[2] is None, r[2] if r[2] is not None else 0, r[0].casefold()))
    return ReportRows(rows)
