"""What a deal does to its account (SPEC section 4), each side effect one set-based function.

- ``create_assign_csm_tasks``: an opportunity that has just moved to negotiating, on an account with no CSM that
  would be ruby or above with it, gives the CSM manager an "Assign a CSM" task;
- ``apply_closed_won``: closed-won deals fill the open onboarding's purchase date and opportunity, roll the
  account's iACV up (``roll_up_iacv``) and recompute the gemstone (a lift into ruby or above creating the
  onboarding);
- ``roll_up_iacv``: the account's iACV is the sum of its closed-won new and add-on deals of the last 365 days
  (``gemstone recalc`` applies it to every account, so deals age out).

`opportunity add`, `opportunity update` and `import opportunities` call them with their opportunities: one
opportunity from a command, all of a file's from the import, the same code either way.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Iterable

from sqlalchemy import and_, bindparam, case, func, insert, or_, select, update
from sqlmodel import Session

from cstool.clock import now, today
from cstool.domain import gemstones as g
from cstool.domain import tasks as task_rules
from cstool.domain import onboarding as rules
from cstool.domain.fields import from_cents
from cstool.errors import CstoolError
from cstool.services.history import bulk_rows
from cstool.services.records import iso
from cstool.storage.models import Account, History, Onboarding, ONBOARDING_OPEN, Opportunity, Task

CHUNK = 900


def _chunks(ids: Iterable[int]):
    ordered = sorted(set(ids))
    for i in range(0, len(ordered), CHUNK):
        yield ordered[i:i + CHUNK]


def _money(cents: int | None) -> str:
    return f"{from_cents(cents or 0):,.2f}"


def _history(session: Session, rows: list[dict]) -> None:
    for i in range(0, len(rows), 5000):
        session.execute(insert(History.__table__), rows[i:i + 5000])


def _expire(session: Session, model, ids: set[int]) -> None:
    """ORM copies of rows changed by a set-based statement read the new values."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, model) and obj.id in ids:
            session.expire(obj)


# --- CSM assignment starts before the close --------------------------------------------------------------


def create_assign_csm_tasks(session: Session, *, moves: Iterable[tuple[int, str | None]], actor: str) -> list[str]:
    """For (opportunity id, stage it had before) pairs: one open "Assign a CSM" task per account whose new or
    add-on opportunity has just moved to negotiating, when the account has no CSM and would be ruby or above with
    the opportunity's iACV added to its own.  The task goes to the `csm-manager`, due two days later."""
    from cstool.services.settings import get_setting

    session.flush()
    moves = dict(moves)
    if not moves:
        return []
    o, a = Opportunity.__table__.c, Account.__table__.c
    wanted: dict[int, tuple] = {}  # account -> (account name, opportunity name, projected gemstone)
    for chunk in _chunks(moves):
        for r in session.execute(
            select(o.id, o.name, o.stage, o.type, o.iacv_cents, a.id.label("aid"), a.name.label("account"), a.csm,
                   a.users, a.plan, a.iacv_cents.label("account_iacv"))
            .join(Account.__table__, a.id == o.account_id).where(o.id.in_(chunk)).order_by(o.id)
        ).all():
            projected = g.projected_for_csm(
                old_stage=moves[r.id], new_stage=r.stage, opportunity_type=r.type, account_csm=r.csm, users=r.users,
                plan=r.plan, account_iacv=None if r.account_iacv is None else Decimal(r.account_iacv) / 100,
                opportunity_iacv=None if r.iacv_cents is None else Decimal(r.iacv_cents) / 100)
            if projected is not None:
                wanted.setdefault(r.aid, (r.account, r.name, projected))
    if not wanted:
        return []
    t = Task.__table__.c
    pending: dict[int, int] = {}
    for chunk in _chunks(wanted):
        pending.update(session.execute(
            select(t.account_id, func.min(t.id)).where(t.account_id.in_(chunk), t.kind == "assign-csm",
                                                       t.status == "open").group_by(t.account_id)).all())
    manager = get_setting(session, "csm-manager")
    due = today() + timedelta(days=g.ASSIGN_CSM_DUE_DAYS)
    events = [f"{name} still needs a CSM (task #{pending[aid]} is open)." for aid, (name, _, _) in wanted.items()
              if aid in pending]
    new = [aid for aid in sorted(wanted) if aid not in pending]
    if not new:
        return events
    import json

    from cstool.services.history import as_text

    stamp = now()
    before = session.scalar(select(func.coalesce(func.max(t.id), 0)))
    session.execute(insert(Task.__table__), [
        {"account_id": aid, "onboarding_id": None, "title": "Assign a CSM", "due_date": due, "window_end_date": None,
         "owner": manager, "kind": task_rules.ASSIGN_CSM_KIND, "done_date": None, "created_at": stamp,
         "status": "open", "type": task_rules.ASSIGN_CSM_TYPE, "source": task_rules.ASSIGN_CSM_SOURCE,
         "priority": task_rules.DEFAULT_PRIORITY} for aid in new])
    created = dict(session.execute(select(t.account_id, t.id).where(t.id > before, t.kind == "assign-csm")).all())
    snapshot = json.dumps({k: as_text(v) for k, v in (("due_date", due), ("owner", manager), ("title", "Assign a CSM"))
                           if v is not None}, sort_keys=True)
    _history(session, bulk_rows(actor=actor, entity="task", changes=(
        (created[aid], aid, "(created)", None, snapshot) for aid in new)))
    for aid in new:
        account, opp, projected = wanted[aid]
        events.append(f"{account} has no CSM and would be {projected.name} with {opp!r}: task #{created[aid]} "
                      f"'Assign a CSM' for {manager or 'the CSM manager (config set csm-manager NAME)'}, due "
                      f"{due.isoformat()}.")
    return events


# --- the account follows its deals ----------------------------------------------------------------------------


def roll_up_iacv(session: Session, *, actor: str, account_ids: Iterable[int] | None = None,
                 deal_names: dict[int, str] | None = None) -> tuple[list[int], list[str]]:
    """The account's iACV becomes the sum of the iACV of its closed-won new and add-on deals closed in the last
    365 days (0 once all have aged out), for every account that has ever had such a deal with an iACV recorded; an
    account that never had one keeps its typed or imported value.  Off with `config set iacv-source manual`.  For the accounts given
    (all active accounts when None); returns the accounts whose iACV changed, and one line each."""
    from cstool.services.settings import get_setting

    if (get_setting(session, "iacv-source") or "opportunities") == "manual":
        return [], []
    session.flush()
    o, a = Opportunity.__table__.c, Account.__table__.c
    opens = g.iacv_window_opens(today())
    counted = or_(o.close_date.is_(None), o.close_date >= opens)
    rolled = (select(o.account_id, func.sum(case((counted, o.iacv_cents), else_=0)).label("cents"))
              .where(o.stage == "closed-won", o.type.in_(g.IACV_DEAL_TYPES), o.iacv_cents.is_not(None))
              .group_by(o.account_id).subquery())
    base = (select(a.id, a.name, a.iacv_cents, rolled.c.cents).join(rolled, rolled.c.account_id == a.id)
            .where(a.archived_at.is_(None), or_(a.iacv_cents.is_(None), a.iacv_cents != rolled.c.cents)))
    rows = []
    if account_ids is None:
        rows = session.execute(base.order_by(a.id)).all()
    else:
        for chunk in _chunks(account_ids):
            rows += session.execute(base.where(a.id.in_(chunk)).order_by(a.id)).all()
    if not rows:
        return [], []
    stamp = now()
    session.execute(update(Account.__table__).where(a.id == bindparam("aid")).values(
        iacv_cents=bindparam("cents"), updated_at=stamp).execution_options(synchronize_session=False),
        [{"aid": r.id, "cents": int(r.cents)} for r in rows])
    names = deal_names or {}
    why = {r.id: (f"closed-won {names[r.id]}" if r.id in names else
                  f"closed-won new and add-on deals closed since {opens.isoformat()}") for r in rows}
    _history(session, bulk_rows(actor=actor, entity="account", changes=[
        change for r in rows for change in (
            (r.id, r.id, "iacv", from_cents(r.iacv_cents), from_cents(int(r.cents))),
            (r.id, r.id, "iacv_from", None, why[r.id]))]))
    changed = [r.id for r in rows]
    _expire(session, Account, set(changed))
    return changed, [f"{r.name}: iACV {_money(r.iacv_cents)} -> {_money(int(r.cents))} ({why[r.id]}; the sum of "
                     f"closed-won new and add-on deals of the last {g.IACV_WINDOW_DAYS} days)." for r in rows]


def apply_closed_won(session: Session, *, opportunity_ids: Iterable[int], actor: str) -> list[str]:
    """What closed-won deals do to their accounts (SPEC section 4), for any set of opportunities (those not
    closed-won still count for the iACV roll-up: a deal moved out of closed-won leaves the sum):

    1. the account's open onboarding that has no purchase date takes the close date of the account's latest
       closed-won new or add-on deal among them as its purchase date, and that deal as its opportunity (first
       engagement is worked out again: the window moved);
    2. the account's iACV rolls up over the last 365 days (``roll_up_iacv``), the history naming the deal;
    3. the gemstone is recomputed, so a lift into ruby or above creates the onboarding (``recalc_all``).

    Returns one line per change.  The single entry point for every write path that changes opportunities."""
    from cstool.services.gemstones import recalc_all, transition_events
    from cstool.services.onboarding import refresh_first_engagement

    session.flush()
    o = Opportunity.__table__.c
    deals = []
    for chunk in _chunks(opportunity_ids):
        deals += session.execute(select(o.id, o.account_id, o.name, o.stage, o.type, o.close_date)
                                 .where(o.id.in_(chunk))).all()
    if not deals:
        return []
    events: list[str] = []
    latest: dict[int, object] = {}  # account -> its latest closed-won new/add-on deal here
    for d in deals:
        if d.stage == "closed-won" and g.fills_purchase(d.type) and d.close_date is not None:
            best = latest.get(d.account_id)
            if best is None or (d.close_date, d.id) > (best.close_date, best.id):
                latest[d.account_id] = d
    filled = _fill_purchase_dates(session, latest, actor=actor, events=events)
    if filled:
        events += refresh_first_engagement(session, account_ids=filled, actor=actor)
    names = {aid: f"{d.name!r} (#{d.id})" for aid, d in latest.items()}
    for d in deals:
        if d.stage == "closed-won" and g.fills_purchase(d.type):
            names.setdefault(d.account_id, f"{d.name!r} (#{d.id})")
    changed, lines = roll_up_iacv(session, actor=actor, account_ids={d.account_id for d in deals}, deal_names=names)
    events += lines
    if changed:
        result = recalc_all(session, actor=actor, dry_run=False, only_ids=changed)
        events += transition_events(session, result)
    return events


def _fill_purchase_dates(session: Session, latest: dict, *, actor: str, events: list[str]) -> list[int]:
    """Step 1 of `apply_closed_won`: the open onboardings without a purchase date take the deal's."""
    if not latest:
        return []
    ob = Onboarding.__table__.c
    targets = []
    for chunk in _chunks(latest):
        targets += session.execute(select(Onboarding.__table__).where(
            ob.account_id.in_(chunk), ob.status.in_(ONBOARDING_OPEN), ob.purchase_date.is_(None))).all()
    changes, history = [], []
    for t in targets:
        deal = latest[t.account_id]
        dates = {k: getattr(t, k) for k in rules.DATE_FIELDS}
        try:
            rules.check_dates({**dates, "purchase_date": deal.close_date}, today=today())
        except CstoolError as exc:
            events.append(f"Onboarding #{t.id} keeps no purchase date: {deal.name!r} closed on "
                          f"{iso(deal.close_date)} ({exc.message})")
            continue
        changes.append({"oid": t.id, "day": deal.close_date, "opp": deal.id})
        history.append((t.id, t.account_id, "purchase_date", None, deal.close_date))
        if t.opportunity_id != deal.id:
            history.append((t.id, t.account_id, "opportunity_id", t.opportunity_id, deal.id))
        events.append(f"Onboarding #{t.id}: purchase date {iso(deal.close_date)} and opportunity {deal.name!r} "
                      "from the closed-won deal.")
    if not changes:
        return []
    table = Onboarding.__table__
    session.execute(update(table).where(and_(table.c.id == bindparam("oid"))).values(
        purchase_date=bindparam("day"), opportunity_id=bindparam("opp"), updated_at=now())
        .execution_options(synchronize_session=False), changes)
    _history(session, bulk_rows(actor=actor, entity="onboarding", changes=history))
    _expire(session, Onboarding, {c["oid"] for c in changes})
    return sorted({t.account_id for t in targets if any(c["oid"] == t.id for c in changes)})
