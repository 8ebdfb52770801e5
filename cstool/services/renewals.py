"""Renewals and revenue (SPEC section 17): opening renewal opportunities, and what a closed deal does to the
account's ARR, renewal date and lifecycle stage.

Every rule here works on a set of records: `opportunity add` and `update` call it with one, `import
opportunities` and `import accounts` with all of a file's, `renewal open` (cron) with every account.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from cstool.clock import now, today as clock_today
from cstool.domain import renewals as rules
from cstool.errors import RuleViolation
from cstool.services.history import record_changes, record_created
from cstool.storage.models import Account, Opportunity, Task

CLOSED = ("closed-won", "closed-lost")


def _chunks(ids: list[int], size: int = 5000):
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def check_closes(opportunities) -> None:
    """Refuse, before anything is written, a lost renewal without its churn reason (naming the picklist)."""
    for opp in opportunities:
        problem = rules.close_problem(opportunity_type=opp.type, stage=opp.stage, churn_reason=opp.churn_reason)
        if problem:
            raise RuleViolation(f"churn-reason: {opp.name!r} {problem}.")


def follow_renewal_deals(session: Session, written: dict[int, str | None], *, actor: str,
                         events: list[str] | None = None) -> None:
    """The revenue side of deals just written: `written` maps opportunity id -> its stage before the write (None
    for a new one).

    - a new renewal takes its defaults: the ARR due is the account's ARR, the renewal date the account's, the
      forecast `pipeline`;
    - a deal that has just become closed-won or closed-lost applies `rules.apply_close` to its account, in
      renewal-date order, with a history row per account field changed; the renewal check-ins move with the
      renewal date, and a renewal date moved into the `renewal-lead-days` window opens the next renewal.
    """
    events = events if events is not None else []
    ids = sorted(written)
    opps: list[Opportunity] = []
    for chunk in _chunks(ids):
        opps += session.scalars(select(Opportunity).where(Opportunity.id.in_(chunk),
                                                          Opportunity.type.in_(("renewal", "add-on")))).all()
    if not opps:
        return
    accounts = {}
    for chunk in _chunks(sorted({o.account_id for o in opps})):
        accounts.update({a.id: a for a in session.scalars(select(Account).where(Account.id.in_(chunk)))})
    for opp in opps:
        if written[opp.id] is None and opp.type == "renewal":
            acc = accounts[opp.account_id]
            defaults = {"arr_due_cents": acc.arr_cents, "renewal_date": acc.renewal_date,
                        "forecast": rules.DEFAULT_FORECAST}
            changes = {k: (None, v) for k, v in defaults.items() if getattr(opp, k) is None and v is not None}
            for k, (_, v) in changes.items():
                setattr(opp, k, v)
            if changes:
                record_changes(session, actor=actor, entity="opportunity", entity_id=opp.id,
                               account_id=opp.account_id, changes=changes)
    closing = [o for o in opps if o.stage in CLOSED and written[o.id] != o.stage]
    check_closes(closing)
    closing.sort(key=lambda o: (o.account_id, o.renewal_date or o.close_date or date.min, o.id))
    moved: list[int] = []
    for opp in closing:
        acc = accounts[opp.account_id]
        if opp.type == "renewal" and opp.stage == "closed-won" and opp.amount_cents is None:
            record_changes(session, actor=actor, entity="opportunity", entity_id=opp.id, account_id=opp.account_id,
                           changes={"amount_cents": (None, opp.arr_due_cents)})
            opp.amount_cents = opp.arr_due_cents  # no amount given: renewed at par
        work = rules.AccountRevenue(arr_cents=acc.arr_cents, renewal_date=acc.renewal_date,
                                    term_months=acc.term_months or rules.DEFAULT_TERM,
                                    lifecycle_stage=acc.lifecycle_stage)
        rules.apply_close(work, opportunity_type=opp.type, stage=opp.stage, amount_cents=opp.amount_cents,
                          iacv_cents=opp.iacv_cents, arr_due_cents=opp.arr_due_cents, renewal_date=opp.renewal_date)
        changes = {k: (getattr(acc, k), getattr(work, k)) for k in ("arr_cents", "renewal_date", "lifecycle_stage")
                   if getattr(acc, k) != getattr(work, k)}
        if not changes:
            continue
        for k, (_, v) in changes.items():
            setattr(acc, k, v)
        acc.updated_at = now()
        record_changes(session, actor=actor, entity="account", entity_id=acc.id, account_id=acc.id,
                       changes={**changes, "(by deal)": (None, f"{opp.name} (id {opp.id})")})
        if "renewal_date" in changes:
            moved.append(acc.id)
        events.append(_close_event(acc, opp, changes))
    session.flush()
    if moved:
        move_check_ins(session, moved)
        open_renewals(session, actor=actor, account_ids=moved, events=events)


def _close_event(acc: Account, opp: Opportunity, changes: dict) -> str:
    from cstool.domain.fields import from_cents

    parts = []
    if "arr_cents" in changes:
        parts.append(f"ARR {from_cents(changes['arr_cents'][0]) or 0:,} -> {from_cents(changes['arr_cents'][1]) or 0:,}")
    if "renewal_date" in changes:
        parts.append(f"renewal date {changes['renewal_date'][1].isoformat()}")
    if "lifecycle_stage" in changes:
        parts.append(f"stage {changes['lifecycle_stage'][1]}")
    if opp.type == "renewal" and opp.stage == "closed-won":
        down, up = rules.movement(arr_due_cents=opp.arr_due_cents, amount_cents=opp.amount_cents)
        if down:
            parts.append(f"downsell {from_cents(down):,}")
        if up:
            parts.append(f"upsell {from_cents(up):,}")
    if opp.type == "renewal" and opp.stage == "closed-lost":
        parts.append(f"churned {from_cents(opp.arr_due_cents) or 0:,} ({opp.churn_reason})")
    return f"{acc.name}: {', '.join(parts)} ({opp.name})."


def move_check_ins(session: Session, account_ids: list[int]) -> int:
    """The open renewal check-in tasks of these accounts fall 2 months, 1 month before and on the renewal date."""
    moved = 0
    for chunk in _chunks(sorted(set(account_ids))):
        dates = dict(session.execute(select(Account.id, Account.renewal_date).where(
            Account.id.in_(chunk), Account.renewal_date.is_not(None))).all())
        if not dates:
            continue
        for task in session.scalars(select(Task).where(Task.account_id.in_(list(dates)), Task.status == "open",
                                                       Task.kind.in_(tuple(rules.CHECK_IN_MONTHS_BEFORE)))):
            due = rules.check_in_due(task.kind, dates[task.account_id])
            if task.due_date != due:
                task.due_date, task.window_end_date = due, None
                moved += 1
    return moved


def open_renewals(session: Session, *, actor: str, days: int | None = None, dry_run: bool = False,
                  account_ids: list[int] | None = None, events: list[str] | None = None,
                  today: date | None = None) -> list[dict]:
    """Every active account (or those given) whose renewal date is within `days` (setting `renewal-lead-days`;
    today + N included, a past date too) and that has no renewal opportunity for that date gets one: `<account>
    renewal <date>`, stage discovery, forecast pipeline, ARR due = the account's ARR.  Returns what it opened."""
    from cstool.domain.fields import from_cents
    from cstool.services.settings import get_setting

    today = today or clock_today()
    days = days if days is not None else get_setting(session, "renewal-lead-days")
    last = rules.window_end(today, days)
    existing = select(Opportunity.id).where(Opportunity.account_id == Account.id, Opportunity.type == "renewal",
                                            Opportunity.renewal_date == Account.renewal_date).exists()
    query = select(Account).where(Account.archived_at.is_(None), Account.renewal_date.is_not(None),
                                  Account.renewal_date <= last, ~existing)
    due: list[Account] = []
    if account_ids is None:
        due = list(session.scalars(query.order_by(Account.renewal_date, Account.name_key)))
    else:
        for chunk in _chunks(sorted(set(account_ids))):
            due += session.scalars(query.where(Account.id.in_(chunk))).all()
        due.sort(key=lambda a: (a.renewal_date, a.name_key))
    opened = []
    stamp_events = events if events is not None else []
    for acc in due:
        name = rules.renewal_name(acc.name, acc.renewal_date)
        row = {"id": None, "account": acc.name, "account_id": acc.id, "name": name, "renewal_date":
               acc.renewal_date.isoformat(), "days_left": (acc.renewal_date - today).days,
               "arr_due": from_cents(acc.arr_cents), "stage": rules.OPEN_STAGE, "forecast": rules.DEFAULT_FORECAST}
        if not dry_run:
            opp = Opportunity(account_id=acc.id, name=name, stage=rules.OPEN_STAGE, type="renewal",
                              renewal_date=acc.renewal_date, arr_due_cents=acc.arr_cents,
                              forecast=rules.DEFAULT_FORECAST)
            session.add(opp)
            session.flush()
            record_created(session, actor=actor, entity="opportunity", entity_id=opp.id, account_id=acc.id,
                           values={"name": name, "stage": opp.stage, "type": "renewal",
                                   "renewal_date": acc.renewal_date, "arr_due": row["arr_due"],
                                   "forecast": opp.forecast, "source": "renewal open"})
            row["id"] = opp.id
            stamp_events.append(f"Opened {name} (id {opp.id}), ARR due {row['arr_due'] or 0:,}.")
        opened.append(row)
    return opened


def follow_renewal_dates(session: Session, account_ids: list[int], *, actor: str,
                         events: list[str] | None = None) -> None:
    """An account's renewal date was set or changed (command or import): its check-ins move, and a date inside
    the window opens its renewal (the same function as `renewal open`)."""
    if not account_ids:
        return
    session.flush()
    move_check_ins(session, account_ids)
    open_renewals(session, actor=actor, account_ids=account_ids, events=events)
