"""Executive Business Reviews: schedule, reschedule, complete, cancel, decline, link, report."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, insert, select
from sqlmodel import Session

from cstool.clock import now, today
from cstool.domain import ebr as rules
from cstool.domain import fields as f
from cstool.domain.dates import parse_date
from cstool.domain.fiscal import quarter_of
from cstool.domain.dates import not_after_tomorrow
from cstool.errors import Conflict, InvalidValue, RuleViolation
from cstool.services.crm import find_opportunity
from cstool.services.history import apply_changes, record_changes, record_created
from cstool.queries.ebr import ebr_row# noqa: F401  (records: what the ebr commands print)
from cstool.services.lookup import as_id, find_account
from cstool.services.records import iso
from cstool.services.settings import get_setting
from cstool.storage.models import Account, Ebr, EbrCreate, EbrOpportunity, Opportunity
from cstool.storage.many import among


def find_ebr(session: Session, ref: str, *, open_only: bool = True, action: str = "changed") -> Ebr:
    """An EBR by id, or an account's one open EBR (several open: listed and refused), for a write.

    With `open_only` (the default) an EBR given by id that is no longer open is refused (exit 4), saying
    it cannot be `action`; `open_only=False` returns it whatever its status."""
    e = session.get(Ebr, ebr_row(session, ref).id)
    if open_only and e.status not in rules.OPEN_STATUSES:
        raise Conflict(f"ebr: #{e.id} is {e.status}; only an open (not-started or scheduled) EBR can be {action}.")
    return e


def _change(session: Session, e: Ebr, values: dict, *, actor: str) -> None:
    apply_changes(session, e, values, actor=actor, entity="ebr")


def check_open_name(session: Session, *, account: Account, name: str, besides: int | None = None) -> None:
    """A second open EBR with the same name on the account is refused (exit 4): a second open EBR in the same
    quarter needs a name of its own."""
    from cstool.services.lookup import name_key

    for other_id, other_name in session.execute(select(Ebr.id, Ebr.name).where(
            Ebr.account_id == account.id, Ebr.status.in_(rules.OPEN_STATUSES))).all():
        if other_id != besides and name_key(other_name) == name_key(name):
            raise Conflict(f"ebr: {account.name} already has an open EBR named {other_name!r} (#{other_id}); "
                           "give this one a name of its own (--name).")


def _create(session: Session, *, account: Account, on: date | None, actor: str, name: str | None = None,
            notes: str | None = None, replaces: int | None = None) -> Ebr:
    start_month = get_setting(session, "fiscal-year-start")
    quarter = quarter_of(on or today(), start_month)
    chosen = f.text("name", name, max_len=300) if name else rules.default_name(account.name, quarter)
    check_open_name(session, account=account, name=chosen)
    data = EbrCreate(
        account_id=account.id,
        name=chosen,
        on_date=on,
        status="scheduled" if on else "not-started",
        outcome="incomplete",
        notes=f.text("notes", notes, max_len=4000) if notes else None,
        replaces_id=replaces,
    )
    stamp = now()
    e = Ebr.model_validate({**data.model_dump(), "created_at": stamp, "updated_at": stamp})
    session.add(e)
    session.flush()
    record_created(session, actor=actor, entity="ebr", entity_id=e.id, account_id=account.id,
                   values={"name": e.name, "date": on, "status": e.status, "replaces_id": replaces})
    return e


def schedule(session: Session, *, account: str, on: str | None, name: str | None, notes: str | None,
             actor: str) -> tuple[Ebr, list[str]]:
    acc = find_account(session, account)
    when = parse_date(on, field="date") if on else None
    e = _create(session, account=acc, on=when, actor=actor, name=name, notes=notes)
    return e, [f"Created EBR #{e.id} '{e.name}' ({e.status}{', ' + iso(when) if when else ''})."]


def reschedule(session: Session, *, ref: str, on: str, actor: str) -> tuple[Ebr, list[str]]:
    e = find_ebr(session, ref, action="rescheduled")
    new_date = parse_date(on, field="date")
    start_month = get_setting(session, "fiscal-year-start")
    if not rules.crosses_quarter(e.on_date, new_date, start_month):
        old = e.on_date
        values = {"on_date": new_date, "status": "scheduled", **_dated_name(session, e, new_date, start_month)}
        _change(session, e, values, actor=actor)
        return e, [f"EBR #{e.id} moved from {iso(old) or 'no date'} to {iso(new_date)}"
                   + (f" and named '{e.name}'." if "name" in values else ".")]
    _change(session, e, {"status": "declined", "outcome": "declined"}, actor=actor)
    account = session.get(Account, e.account_id)
    successor = _create(session, account=account, on=new_date, actor=actor, replaces=e.id, notes=e.notes)
    old_q, new_q = quarter_of(e.on_date, start_month).label, quarter_of(new_date, start_month).label
    return successor, [
        f"EBR #{e.id} moved from {old_q} to {new_q}: declined, and EBR #{successor.id} '{successor.name}' "
        f"scheduled on {iso(new_date)} in its place."
    ]


def _dated_name(session: Session, e: Ebr, new_date: date, start_month: int) -> dict:
    """An undated EBR given a date takes that quarter's default name, unless it was named by hand."""
    if e.on_date is not None:
        return {}
    account = session.get(Account, e.account_id)
    name = rules.name_for_date(e.name, account.name, new_date, start_month)
    if name == e.name:
        return {}
    check_open_name(session, account=account, name=name, besides=e.id)
    return {"name": name}


def _successor(session: Session, e: Ebr, *, actor: str) -> tuple[Ebr, str]:
    account = session.get(Account, e.account_id)
    base = e.on_date or today()
    nxt = _create(session, account=account, on=rules.next_date(base, account.ebr_cadence), actor=actor)
    return nxt, f"Next EBR #{nxt.id} '{nxt.name}' scheduled on {iso(nxt.on_date)}."


def complete(session: Session, *, ref: str, outcome: str, on: str | None, notes: str | None, next_: bool,
             actor: str) -> tuple[Ebr, list[str]]:
    held = f.choice("outcome", outcome, rules.HELD_OUTCOMES)
    e = find_ebr(session, ref, action="completed")
    when = parse_date(on, field="date") if on else (e.on_date or today())
    not_after_tomorrow("date", when, today=today())  # an EBR is held on or before tomorrow
    values = {"status": "completed", "outcome": held, "on_date": when,
              **_dated_name(session, e, when, get_setting(session, "fiscal-year-start"))}
    if notes:
        values["notes"] = f.text("notes", notes, max_len=4000)
    _change(session, e, values, actor=actor)
    events = [f"EBR #{e.id} held on {iso(when)}: {held}."]
    events += settle_links(session, account_ids=[e.account_id], held={e.id}, actor=actor)
    if next_:
        events.append(_successor(session, e, actor=actor)[1])
    return e, events


def call_off(session: Session, *, ref: str, how: str, next_: bool, actor: str) -> tuple[Ebr, list[str]]:
    """cancel: it was scheduled and then called off; decline: the customer does not want this one."""
    e = find_ebr(session, ref, action="cancelled" if how == "cancelled" else "declined")
    if how == "cancelled" and e.status != "scheduled":
        raise Conflict(f"ebr: #{e.id} was never scheduled, so it cannot be cancelled; decline it instead.")
    _change(session, e, {"status": how, "outcome": how}, actor=actor)
    events = [f"EBR #{e.id} {how}."]
    if next_:
        events.append(_successor(session, e, actor=actor)[1])
    return e, events


def _eligible(session: Session, opp: Opportunity) -> list[int]:
    if opp.close_date is None:
        raise RuleViolation(f"link: opportunity #{opp.id} '{opp.name}' has no close date; set one first.")
    held = session.execute(
        select(Ebr.id, Ebr.on_date).where(Ebr.account_id == opp.account_id, Ebr.status == "completed")
    ).all()
    return rules.linkable([(i, d) for i, d in held], opp.close_date)


def settle_links(session: Session, *, actor: str, opportunity_ids: list[int] | None = None,
                 account_ids: list[int] | None = None, requested: set[int] | frozenset = frozenset(),
                 held: set[int] | frozenset = frozenset(), auto: bool = False, say_added: bool = True) -> list[str]:
    """The four-latest rule (SPEC 6) over a set of opportunities, however their links are reached (`ebr link`
    by id or --auto, `ebr complete` of a newer EBR, `import ebrs`): an opportunity never has more than four
    linked EBRs and they are always its four latest held before its close date (domain/ebr.links_after).
    With `auto`, each opportunity gets exactly its four latest. Returns what moved, said for people."""
    query = select(Opportunity).where(Opportunity.close_date.is_not(None))
    if opportunity_ids is not None:
        query = query.where(among(Opportunity.id, list(opportunity_ids)))
    opps: list[Opportunity] = []
    if account_ids is None:
        opps = list(session.scalars(query.order_by(Opportunity.id)))
    else:
        ids = sorted(set(account_ids))
        for i in range(0, len(ids), 900):  # an import may touch many accounts: bounded IN lists
            opps += session.scalars(query.where(Opportunity.account_id.in_(ids[i:i + 900])).order_by(Opportunity.id))
    events: list[str] = []
    for opp in opps:
        eligible = _eligible(session, opp)
        linked = set(session.scalars(select(EbrOpportunity.ebr_id).where(EbrOpportunity.opportunity_id == opp.id)))
        add, drop = rules.links_after(eligible, linked, requested=set(eligible) if auto else set(requested),
                                      held=set(held))
        if drop:
            session.execute(delete(EbrOpportunity).where(EbrOpportunity.opportunity_id == opp.id,
                                                         EbrOpportunity.ebr_id.in_(drop)))
        if add:
            session.execute(insert(EbrOpportunity), [{"ebr_id": i, "opportunity_id": opp.id, "linked_at": now()}
                                                     for i in add])
        for i in add + drop:
            record_changes(session, actor=actor, entity="ebr", entity_id=i, account_id=opp.account_id,
                           changes={"opportunity": (opp.id if i in drop else None, opp.id if i in add else None)})
        newer = [i for i in add if i not in linked]
        for i in drop:
            events.append(f"EBR #{i} unlinked from opportunity #{opp.id} '{opp.name}': only its "
                          f"{rules.LINKABLE_PER_OPPORTUNITY} latest EBRs held before {iso(opp.close_date)} stay linked"
                          + (f" (#{', #'.join(map(str, newer))} is newer)." if newer else "."))
        if add and say_added:
            events.append(f"EBR #{', #'.join(map(str, add))} linked to opportunity #{opp.id} '{opp.name}': it keeps "
                          f"its {rules.LINKABLE_PER_OPPORTUNITY} latest EBRs held before {iso(opp.close_date)}.")
    return events


def link(session: Session, *, ref: str | None, opportunity: str, auto: bool, actor: str) -> tuple[list[int], list[str]]:
    opp = find_opportunity(session, opportunity)
    eligible = _eligible(session, opp)
    linked = set(session.scalars(select(EbrOpportunity.ebr_id).where(EbrOpportunity.opportunity_id == opp.id)))
    if auto:
        events = settle_links(session, opportunity_ids=[opp.id], auto=True, say_added=False, actor=actor)
        return sorted(eligible), events + [f"Opportunity #{opp.id} '{opp.name}' is linked to EBRs "
                                           f"{', '.join('#' + str(i) for i in sorted(eligible)) or '(none held before its close date)'}."]
    if ref is None:
        raise InvalidValue("ebr", "", "give the EBR id to link, or --auto")
    text = str(ref).strip()
    if as_id(text) is None:
        raise InvalidValue("ebr", ref, "give the EBR's numeric id (see `cstool ebr list`)")
    e = find_ebr(session, text, open_only=False)
    problem = rules.link_problem(ebr_id=e.id, ebr_account=e.account_id, status=e.status, on=e.on_date, opp_id=opp.id,
                                 opp_account=opp.account_id, close_date=opp.close_date, eligible=eligible)
    if problem:
        raise RuleViolation(problem)
    if e.id in linked:
        raise Conflict(f"link: EBR #{e.id} is already linked to opportunity #{opp.id}.")
    events = settle_links(session, opportunity_ids=[opp.id], requested={e.id}, say_added=False, actor=actor)
    now_linked = sorted(session.scalars(select(EbrOpportunity.ebr_id).where(EbrOpportunity.opportunity_id == opp.id)))
    return now_linked, [f"Linked EBR #{e.id} to opportunity #{opp.id} '{opp.name}'."] + events


