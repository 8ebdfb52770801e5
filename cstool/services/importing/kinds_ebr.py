"""Import kind: EBRs, with the EBR each replaced and their linked opportunities (the four-latest rule)."""

from __future__ import annotations

from sqlalchemy import insert, select

from cstool.domain import ebr as rules
from cstool.domain.fiscal import quarter_of
from cstool.errors import CstoolError
from cstool.services.history import record_changes
from cstool.services.importing.base import Column, Context, Kind, Row, insert_new, update_existing
from cstool.services.importing.cells import day, names_list, pick, text
from cstool.services.importing.refs import by_name_in_account, match_existing, resolve_accounts
from cstool.services.lookup import account_names, name_like, same_name
from cstool.storage.models import Ebr, EbrOpportunity, Opportunity

STATUS_ALIASES = {"held": "completed", "complete": "completed", "done": "completed", "canceled": "cancelled",
                  "not-scheduled": "not-started", "new": "not-started", "planned": "scheduled"}
OUTCOME_ALIASES = {"canceled": "cancelled", "partially": "partially-successful", "partial": "partially-successful",
                   "partially-successful-ebr": "partially-successful", "successful-ebr": "successful",
                   "unsuccessful-ebr": "unsuccessful", "none": "incomplete", "pending": "incomplete"}


def _resolve(ctx: Context, rows: list[Row]) -> list[Row]:
    from cstool.services.settings import get_setting

    start_month = ctx.state.get("start_month") or ctx.state.setdefault(
        "start_month", get_setting(ctx.session, "fiscal-year-start"))
    settled = []
    for r in rows:
        try:
            r.values["status"], r.values["outcome"] = rules.settle(r.values.get("status"), r.values.get("outcome"),
                                                                   r.values.get("date"))
            settled.append(r)
        except CstoolError as exc:
            ctx.error(r.line, exc.message)
    rows = by_name_in_account(ctx, resolve_accounts(ctx, settled), Opportunity, "opportunities", many=True)
    names = account_names(ctx.session, {r.account_id for r in rows})
    for r in rows:
        if "name" not in r.values:
            r.values["name"] = rules.default_name(names[r.account_id], quarter_of(r.values.get("date") or ctx.today,
                                                                                  start_month))
    return match_existing(ctx, rows, Ebr.__table__, label="EBR")


def _values(r: Row) -> dict:
    return {"name": r.values["name"], "on_date": r.values.get("date"), "status": r.values["status"],
            "outcome": r.values["outcome"], "notes": r.values.get("notes")}


def _write(ctx: Context, rows: list[Row]) -> None:
    for r in rows:
        if r.existing_id is not None:
            update_existing(ctx, EBRS, Ebr, r, {k: v for k, v in _values(r).items() if k != "name"})
    insert_new(ctx, EBRS, [r for r in rows if r.existing_id is None],
               lambda r: {**_values(r), "account_id": r.account_id, "replaces_id": None, "created_at": ctx.stamp,
                          "updated_at": ctx.stamp})
    ctx.state.setdefault("ebr_accounts", []).extend(r.account_id for r in rows)
    later = ctx.state.setdefault("later", [])
    for r in rows:  # links and replacements may name EBRs further down the file: settled in _finish
        if r.values.get("replaces") or r.refs.get("opportunities"):
            later.append((r.line, r.existing_id, r.account_id, r.values.get("replaces"), r.refs.get("opportunities", [])))


def _finish(ctx: Context) -> None:
    session = ctx.session
    for line, eid, aid, replaces, opp_ids in ctx.state.get("later", []):
        if replaces:
            found = next((i for i, n in session.execute(
                select(Ebr.id, Ebr.name).where(Ebr.account_id == aid, name_like(Ebr.name, replaces), Ebr.id != eid)
                .order_by(Ebr.id)).all() if same_name(n, replaces)), None)
            if found is None:
                ctx.error(line, f"replaces: this account has no other EBR named {replaces!r}")
            else:
                e = session.get(Ebr, eid)
                if e.replaces_id != found:
                    record_changes(session, actor=ctx.actor, entity="ebr", entity_id=eid, account_id=aid,
                                   changes={"replaces_id": (e.replaces_id, found)})
                    e.replaces_id = found
        for opp_id in opp_ids:
            _link(ctx, line, eid, opp_id)
    session.flush()
    # the four-latest rule on every path: an imported EBR held later joins its account's followed opportunities,
    # and an opportunity's oldest link leaves when a newer one comes (services/ebr.settle_links)
    from cstool.services.ebr import settle_links

    accounts = sorted(set(ctx.state.get("ebr_accounts", ())))
    if accounts:
        held = set(session.scalars(select(Ebr.id).where(Ebr.account_id.in_(accounts), Ebr.status == "completed")))
        settle_links(session, account_ids=accounts, held=held, actor=ctx.actor)  # the moves are in history


def _link(ctx: Context, line: int, eid: int, opp_id: int) -> None:
    session = ctx.session
    opp = session.get(Opportunity, opp_id)
    e = session.get(Ebr, eid)
    cache = ctx.state.setdefault("eligible", {})
    if opp_id not in cache:
        held = session.execute(select(Ebr.id, Ebr.on_date).where(Ebr.account_id == opp.account_id,
                                                                 Ebr.status == "completed")).all()
        cache[opp_id] = rules.linkable(list(held), opp.close_date) if opp.close_date else []
    problem = rules.link_problem(ebr_id=eid, ebr_account=e.account_id, status=e.status, on=e.on_date, opp_id=opp_id,
                                 opp_account=opp.account_id, close_date=opp.close_date, eligible=cache[opp_id])
    if problem:
        ctx.error(line, f"opportunities: {opp.name!r}: {problem}")
        return
    if session.get(EbrOpportunity, (eid, opp_id)) is None:
        session.execute(insert(EbrOpportunity), [{"ebr_id": eid, "opportunity_id": opp_id, "linked_at": ctx.stamp}])
        record_changes(session, actor=ctx.actor, entity="ebr", entity_id=eid, account_id=e.account_id,
                       changes={"opportunity": (None, opp_id)})


EBRS = Kind(
    "ebrs", "ebr", "ebr",
    (
        Column("account", ("Account Name",), text(200), required=True),
        Column("name", ("EBR Name", "Executive Business Review Name"), text(300)),
        Column("date", ("EBR Date", "Meeting Date", "on_date"), day),
        Column("status", ("EBR Status",), pick(rules.STATUSES, STATUS_ALIASES)),
        Column("outcome", ("EBR Outcome", "Result"), pick(rules.OUTCOMES, OUTCOME_ALIASES)),
        Column("notes", ("Comments", "Description"), text(4000)),
        Column("replaces", ("Replaces EBR", "Replaced EBR", "Rescheduled From"), text(300)),
        Column("opportunities", ("Linked Opportunities", "Opportunity", "Opportunity Name"), names_list),
    ),
    _resolve, _write, finish=_finish,
    aliases=("ebr", "executive-business-reviews"),
    help="Account Name, EBR Name, Date, Status, Outcome, Notes, Replaces EBR, Linked Opportunities (names, ;)",
)
