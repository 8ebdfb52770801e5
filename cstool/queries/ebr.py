"""EBRs: records with their links and fiscal quarter, find by id or account, list, the year's report."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from cstool.clock import today
from cstool.domain import ebr as rules
from cstool.domain import fields as f
from cstool.domain.fiscal import fiscal_year_bounds, fiscal_year_of, quarter_of
from cstool.errors import NotFound
from cstool.services.lookup import account_names, account_row, as_id, only_open
from cstool.services.records import iso
from cstool.services.settings import get_setting
from cstool.storage import tables as t
from cstool.storage.many import among

E = t.ebr.c


def ebr_record(e, account_name: str, start_month: int, opportunity_ids: list[int]) -> dict:
    return {
        "id": e.id,
        "account": account_name,
        "account_id": e.account_id,
        "name": e.name,
        "date": iso(e.on_date),
        "fiscal_quarter": quarter_of(e.on_date, start_month).label if e.on_date else None,
        "status": e.status,
        "outcome": e.outcome,
        "notes": e.notes,
        "replaces_id": e.replaces_id,
        "opportunity_ids": opportunity_ids,
    }


def records(conn, ebrs: list) -> list[dict]:
    """SPEC-shaped records of EBR rows (or ORM objects: the write commands print theirs with this)."""
    start_month = get_setting(conn, "fiscal-year-start")
    names = account_names(conn, {e.account_id for e in ebrs})
    links: dict[int, list[int]] = {e.id: [] for e in ebrs}
    if ebrs:
        eo = t.ebr_opportunity.c
        for ebr_id, opp_id in conn.execute(select(eo.ebr_id, eo.opportunity_id)
                                           .where(among(eo.ebr_id, links)).order_by(eo.opportunity_id)).all():
            links[ebr_id].append(opp_id)
    return [ebr_record(e, names[e.account_id], start_month, links[e.id]) for e in ebrs]


def ebr_row(conn, ref: str):
    """An EBR by id, or an account's one open EBR (several open: listed and refused)."""
    text = str(ref).strip()
    if as_id(text) is not None:
        row = conn.execute(select(t.ebr).where(E.id == as_id(text))).first()
        if row is None:
            raise NotFound(f"ebr: no EBR has id {text}.")
        return row
    return only_open(
        conn, t.ebr, account=account_row(conn, text), is_open=E.status.in_(rules.OPEN_STATUSES),
        order_by=(E.on_date.nulls_last(), E.id), label="ebr", noun="EBR",
        describe=lambda e: f"#{e.id} {e.name} ({e.status}, {iso(e.on_date) or 'no date'})",
        hint=" (schedule one with `cstool ebr schedule`)",
    )


def ebrs_of_year(conn, account) -> list[dict]:
    """An account's EBRs of this fiscal year, the undated ones, and its next open one whatever its fiscal year
    (for `account show`: an EBR booked for next February is still the next EBR)."""
    start_month = get_setting(conn, "fiscal-year-start")
    first, last = fiscal_year_bounds(fiscal_year_of(today(), start_month), start_month)
    next_open = (select(E.id).where(E.account_id == account.id, E.status.in_(rules.OPEN_STATUSES), E.on_date >= today())
                 .order_by(E.on_date, E.id).limit(1).scalar_subquery())
    return records(conn, conn.execute(select(t.ebr).where(
        E.account_id == account.id, E.on_date.between(first, last) | E.on_date.is_(None) | (E.id == next_open))
        .order_by(E.on_date.nulls_last(), E.id)).all())


def list_ebrs(conn, *, account: str | None, fy: int | None, status: str | None) -> list[dict]:
    query = select(t.ebr)
    if account:
        query = query.where(E.account_id == account_row(conn, account).id)
    if fy is not None:
        start_month = get_setting(conn, "fiscal-year-start")
        first, last = fiscal_year_bounds(fy, start_month)
        query = query.where(E.on_date.between(first, last))
    if status:
        query = query.where(E.status == f.choice("status", status, rules.STATUSES))
    return records(conn, conn.execute(query.order_by(E.on_date.nulls_last(), E.id)).all())


def ebr_report(conn, *, fy: int) -> dict:
    start_month = get_setting(conn, "fiscal-year-start")
    first, last = fiscal_year_bounds(fy, start_month)
    now_day = today()
    A = t.account.c
    rows = conn.execute(
        select(E.account_id, E.on_date, E.status, E.outcome).join(t.account, A.id == E.account_id)
        .where(A.archived_at.is_(None), E.on_date.between(first, last))
    ).all()
    undated_open = Counter(conn.scalars(
        select(E.account_id).join(t.account, A.id == E.account_id)
        .where(A.archived_at.is_(None), E.on_date.is_(None), E.status.in_(rules.OPEN_STATUSES))
    ))
    accounts = {a.id: a for a in conn.execute(
        select(A.id, A.name, A.name_key, A.ebr_cadence).where(
            A.archived_at.is_(None),
            A.ebr_cadence.in_(["quarterly", "semiannual", "annual"]) | among(A.id, {r[0] for r in rows} | set(undated_open)))
    )}
    per: dict[int, Counter] = {aid: Counter() for aid in accounts}
    covered: dict[int, set[str]] = {aid: set() for aid in accounts}
    outcomes = Counter()
    for aid, on, status, outcome in rows:
        c = per[aid]
        outcomes[outcome] += 1
        if status == "completed":
            c["held"] += 1
            covered[aid].add(quarter_of(on, start_month).label)
        elif status in ("declined", "cancelled"):
            c[status] += 1
        elif status in rules.OPEN_STATUSES:
            covered[aid].add(quarter_of(on, start_month).label)
            if on >= now_day:
                c["upcoming"] += 1
    since = customer_since(conn, list(accounts))
    out = []
    for aid in sorted(accounts, key=lambda i: accounts[i].name_key):
        a, c = accounts[aid], per[aid]
        cadence = a.ebr_cadence or "none"
        counted = rules.counted_quarters(fy, start_month, since[aid])
        out.append({
            "account": a.name, "cadence": cadence, "target": rules.year_target(cadence, len(counted)),
            "held": c["held"], "declined": c["declined"], "cancelled": c["cancelled"],
            "upcoming": c["upcoming"] + undated_open.get(aid, 0),
            "missing_quarters": rules.missing_quarters(fy, start_month, covered[aid], now_day, since[aid]),
        })
    totals = {k: sum(r[k] for r in out) for k in ("target", "held", "declined", "cancelled", "upcoming")}
    totals["missing_quarters"] = sum(len(r["missing_quarters"]) for r in out)
    return {"fiscal_year": fy, "start": iso(first), "end": iso(last), "rows": out, "totals": totals,
            "outcomes": {o: outcomes.get(o, 0) for o in rules.OUTCOMES}}


def customer_since(conn, account_ids: list[int] | None = None) -> dict[int, object]:
    """{account_id: the day it became a customer} (domain/ebr.customer_since), one statement per input for all
    accounts (or those given): EBR coverage counts from that day's quarter in `report ebr`, the health scorecard
    and the dashboard."""
    from sqlalchemy import func

    A, O, P = t.account.c, t.onboarding.c, t.opportunity.c

    def only(col):
        return col.in_(account_ids) if account_ids is not None else True

    purchase = dict(conn.execute(select(O.account_id, func.min(O.purchase_date)).where(only(O.account_id))
                                 .group_by(O.account_id)).all())
    won = dict(conn.execute(select(P.account_id, func.min(P.close_date)).where(
        P.stage == "closed-won", only(P.account_id)).group_by(P.account_id)).all())
    first_start = dict(conn.execute(select(O.account_id, func.min(O.start_date)).where(only(O.account_id))
                                    .group_by(O.account_id)).all())
    return {aid: rules.customer_since(purchases=[purchase.get(aid)], won_closes=[won.get(aid)],
                                      first_start=first_start.get(aid), added=created.date())
            for aid, created in conn.execute(select(A.id, A.created_at).where(only(A.id))).all()}
