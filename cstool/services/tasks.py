"""Tasks: add, close (done, skipped), correct, remove, reassign, snooze, and the rules that move them with the work.

The side effects of SPEC sections 5 and 8 live here, each one function over a set of records that a
one-record command calls with one and `import` calls with many:

- ``follow_account_csm_changes``: an account's CSM changed: its open tasks owned by the old CSM move to
  the new one, and the "Assign a CSM" task is done by itself;
- ``follow_onboarding_csm_changes``: an onboarding's CSM changed: its open playbook tasks owned by the
  old CSM move;
- ``end_onboarding_phase``: onboardings completed: the account moves to adoption and the open
  onboarding-phase playbook tasks are skipped;
- ``create_playbook``: onboardings started: their playbook tasks, those whose window already passed
  skipped.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Iterable

from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from cstool.clock import now, today
from cstool.domain import fields as f
from cstool.domain import tasks as rules
from cstool.domain.dates import parse_date
from cstool.domain.onboarding import ONBOARDING_PHASE_STEPS, playbook_tasks
from cstool.errors import Conflict, InvalidValue, NotFound
from cstool.services.history import bulk_rows, record_changes, record_created
from cstool.services.lookup import account_names, as_id, find_account, name_like, same_name
from cstool.services.records import iso, task_record
from cstool.services.settings import get_setting
from cstool.storage.models import Account, History, Onboarding, Task, TaskCreate

CHUNK = 900  # stay under SQLite's bound-parameter limit


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _history(session: Session, actor: str, changes: list[tuple[int, int | None, str, object, object]]) -> None:
    if changes:
        session.execute(insert(History), bulk_rows(actor=actor, entity="task", changes=changes))


def _records(session: Session, tasks: list[Task]) -> list[dict]:
    names = account_names(session, {t.account_id for t in tasks})
    return [task_record(t, names[t.account_id]) for t in tasks]


def default_owners(session: Session, account_ids: Iterable[int]) -> dict[int, str | None]:
    """Who a new task belongs to when no owner is given: the account's CSM, else the `csm-manager` setting."""
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    manager = get_setting(session, "csm-manager")
    out: dict[int, str | None] = {}
    for chunk in _chunks(ids):
        for aid, csm in session.execute(select(Account.id, Account.csm).where(Account.id.in_(chunk))).all():
            out[aid] = csm or manager
    return out


def _task_ids(raw: Iterable[str]) -> list[int]:
    ids: list[int] = []
    for text in raw:
        value = as_id(text)
        if value is None:
            raise InvalidValue("id", text, "give the task's numeric id (see `cstool task list`)")
        if value not in ids:
            ids.append(value)
    if not ids:
        raise InvalidValue("id", "", "give at least one task id")
    return ids


def _get(session: Session, raw: str, *, for_update: bool = False) -> Task:
    (task_id,) = _task_ids([raw])
    query = select(Task).where(Task.id == task_id)
    task = session.scalars(query.with_for_update() if for_update else query).first()
    if task is None:
        raise NotFound(f"task: no task has id {task_id}.")
    return task


def _open(task: Task, doing: str) -> None:
    if task.status != "open":
        when = f" on {iso(task.done_date)}" if task.done_date else ""
        why = f" ({task.closed_reason})" if task.closed_reason else ""
        raise Conflict(f"task: #{task.id} is already {task.status}{when}{why}; only an open task can be {doing}.")


# --- add, correct, remove ---------------------------------------------------------------------------------


def add_task(session: Session, *, account: str, title: str, due: str, owner: str | None, actor: str,
             type_: str | None = None, priority: str | None = None) -> dict:
    acc = find_account(session, account)
    data = TaskCreate(
        account_id=acc.id,
        title=f.text("title", title, max_len=500, required=True),
        due_date=parse_date(due, field="due", today=today()),
        owner=f.text("owner", owner, max_len=200) if owner else default_owners(session, [acc.id])[acc.id],
        type=f.choice("type", type_, rules.TYPES) if type_ else rules.MANUAL_TYPE,
        priority=f.choice("priority", priority, rules.PRIORITIES) if priority else rules.DEFAULT_PRIORITY,
        source=rules.SOURCE_MANUAL,
    )
    task = Task.model_validate({**data.model_dump(), "created_at": now()})
    session.add(task)
    session.flush()
    record_created(session, actor=actor, entity="task", entity_id=task.id, account_id=acc.id,
                   values={"title": task.title, "due_date": task.due_date, "owner": task.owner, "type": task.type,
                           "priority": task.priority})
    return task_record(task, acc.name)


def update_task(session: Session, *, task_id: str, actor: str, title: str | None = None, due: str | None = None,
                owner: str | None = None, type_: str | None = None, priority: str | None = None) -> dict:
    """Correct a task's title, due date, owner, type or priority (an empty --owner gives it back to the default)."""
    task = _get(session, task_id, for_update=True)
    values: dict = {}
    if title is not None:
        values["title"] = f.text("title", title, max_len=500, required=True)
    if due is not None:
        values["due_date"] = parse_date(due, field="due", today=today())
        if task.window_end_date is not None:  # a window (days 2-5) moves with its opening day
            values["window_end_date"] = task.window_end_date + (values["due_date"] - task.due_date)
    if owner is not None:
        values["owner"] = f.text("owner", owner, max_len=200) or default_owners(session, [task.account_id])[task.account_id]
    if type_ is not None:
        values["type"] = f.choice("type", type_, rules.TYPES)
    if priority is not None:
        values["priority"] = f.choice("priority", priority, rules.PRIORITIES)
    if not values:
        raise InvalidValue("options", "", "give at least one of --title, --due, --owner, --type, --priority")
    changes = {k: (getattr(task, k), v) for k, v in values.items() if getattr(task, k) != v}
    for key, (_, new) in changes.items():
        setattr(task, key, new)
    record_changes(session, actor=actor, entity="task", entity_id=task.id, account_id=task.account_id, changes=changes)
    return _records(session, [task])[0]


def remove_task(session: Session, *, task_id: str, actor: str) -> dict:
    """Delete a task; its history stays (and records the removal), so `history task:ID` still shows it."""
    task = _get(session, task_id, for_update=True)
    record = _records(session, [task])[0]
    record_changes(session, actor=actor, entity="task", entity_id=task.id, account_id=task.account_id,
                   changes={"(removed)": (f"{task.title} (due {iso(task.due_date)}, {task.status})", None)})
    session.execute(delete(Task).where(Task.id == task.id))
    return record


# --- closing ------------------------------------------------------------------------------------------------


def close_tasks(session: Session, *, task_ids: list[str], status: str, actor: str, on: str | None = None,
                reason: str | None = None) -> list[dict]:
    """`task done ID...` and `task skip ID... --reason`: all of them or none (an unknown id is exit 3, a task
    that is not open exit 4).  The UPDATE only takes open rows, so two racing closes close it once."""
    ids = _task_ids(task_ids)
    when = None
    if status == "done":
        when = parse_date(on, field="date", today=today()) if on else today()
        if when > today() + timedelta(days=1):
            raise InvalidValue("date", on, f"a task is done by tomorrow at the latest "
                                           f"({(today() + timedelta(days=1)).isoformat()})")
    why = f.text("reason", reason, max_len=rules.MAX_REASON, required=status == "skipped") if reason is not None else None
    if status == "skipped" and why is None:
        raise InvalidValue("reason", "", "say why the task is skipped (--reason TEXT)")
    found = {t.id: t for chunk in _chunks(ids) for t in session.scalars(select(Task).where(Task.id.in_(chunk)))}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise NotFound(f"task: no task has id {', '.join(missing)}; nothing was changed.")
    for i in ids:
        _open(found[i], "done" if status == "done" else "skipped")
    changed = 0
    for chunk in _chunks(ids):
        changed += session.execute(update(Task).where(Task.id.in_(chunk), Task.status == "open")
                                   .values(status=status, done_date=when, closed_reason=why)).rowcount
    if changed != len(ids):  # another writer closed one in between (PostgreSQL without the store's lock)
        raise Conflict("task: one of the tasks was closed by someone else just now; nothing was changed.")
    _history(session, actor, [(i, found[i].account_id, field, old, new) for i in ids for field, old, new in
                              (("status", "open", status), ("done_date", None, when), ("closed_reason", None, why))
                              if old != new])
    return _records(session, [found[i] for i in ids])


def snooze_task(session: Session, *, task_id: str, until: str, actor: str) -> dict:
    """Hide an open task from `task list` until a later day (`--until ""` shows it again now)."""
    task = _get(session, task_id, for_update=True)
    _open(task, "snoozed")
    if until.strip() == "":
        day = None
    else:
        day = parse_date(until, field="until", today=today())
        if day <= today():
            raise InvalidValue("until", until, f"use a day after today ({today().isoformat()}), or \"\" to unsnooze")
    record_changes(session, actor=actor, entity="task", entity_id=task.id, account_id=task.account_id,
                   changes={"snooze_date": (task.snooze_date, day)})
    task.snooze_date = day
    return _records(session, [task])[0]


# --- moving tasks with the people who do the work ------------------------------------------------------------


def _move(session: Session, moves: list[tuple[Task, str]], *, actor: str) -> None:
    """Give each (task, new owner) its owner, one UPDATE per new owner, with a history row per task."""
    by_owner: dict[str, list[int]] = defaultdict(list)
    for t, owner in moves:
        by_owner[owner].append(t.id)
    _history(session, actor, [(t.id, t.account_id, "owner", t.owner, owner) for t, owner in moves])
    for owner, ids in by_owner.items():
        for chunk in _chunks(ids):
            session.execute(update(Task).where(Task.id.in_(chunk), Task.status == "open").values(owner=owner))


def _owned_by(owner: str | None, old: str | None, manager: str | None) -> bool:
    """Does a task's owner stand for `old`?  With no old CSM, the tasks nobody or the CSM manager held."""
    if old:
        return same_name(owner, old)
    return owner is None or (manager is not None and same_name(owner, manager))


def _net_changes(changes: Iterable[tuple[int, str | None, str | None]]) -> dict[int, tuple[str | None, str | None]]:
    """(account, old, new) triples -> {account: (first old, last new)}; an unchanged CSM is no change."""
    out: dict[int, tuple[str | None, str | None]] = {}
    for key, old, new in changes:
        first = out[key][0] if key in out else old
        out[key] = (first, new)
    return {k: v for k, v in out.items() if (v[0] or None) != (v[1] or None)}


def follow_account_csm_changes(session: Session, changes: Iterable[tuple[int, str | None, str | None]], *,
                               actor: str) -> list[str]:
    """Accounts whose CSM changed, as (account id, old CSM, new CSM): the "Assign a CSM" task is done once
    there is a CSM, and the open tasks the old CSM owned move to the new one (to the CSM manager when the
    CSM is cleared).  Called by `account update --csm` with one change and `import accounts --update` with
    all of a file's.  Returns what it did, for the command to say."""
    changes = _net_changes(changes)
    if not changes:
        return []
    manager = get_setting(session, "csm-manager")
    events: list[str] = []
    stamp = today()
    ids = sorted(changes)
    tasks = [t for chunk in _chunks(ids) for t in session.scalars(
        select(Task).where(Task.account_id.in_(chunk), Task.status == "open").order_by(Task.id))]
    names = account_names(session, set(ids))
    assign = [t for t in tasks if t.kind == rules.ASSIGN_CSM_KIND and changes[t.account_id][1]]
    closed = {t.id for t in assign}
    for t in assign:
        new = changes[t.account_id][1]
        reason = rules.assign_csm_done_reason(new)
        record_changes(session, actor=actor, entity="task", entity_id=t.id, account_id=t.account_id,
                       changes={"status": ("open", "done"), "done_date": (None, stamp), "closed_reason": (None, reason)})
        t.status, t.done_date, t.closed_reason = "done", stamp, reason
        events.append(f"Task #{t.id} 'Assign a CSM' is done: {new} is the CSM.")
    moving = []
    for t in tasks:
        old, new = changes[t.account_id]
        target = new or manager
        if t.id not in closed and target and _owned_by(t.owner, old, manager) and not same_name(t.owner, target):
            moving.append((t, target))
    _move(session, moving, actor=actor)
    per_account: dict[int, int] = defaultdict(int)
    for t, _ in moving:
        per_account[t.account_id] += 1
    for aid, n in sorted(per_account.items()):
        old, new = changes[aid]
        events.append(f"{names[aid]}: {n} open task{'s' if n != 1 else ''} of {old or 'no CSM'} moved to "
                      f"{new or manager}.")
    return events


def follow_onboarding_csm_changes(session: Session, changes: Iterable[tuple[int, str | None, str | None]], *,
                                  actor: str) -> list[str]:
    """Onboardings whose CSM (owner) changed, as (onboarding id, old, new): their open playbook tasks owned
    by the old CSM move to the new one.  Called by `onboarding update --csm` and `import onboardings --update`."""
    changes = {k: v for k, v in _net_changes(changes).items() if v[1]}
    if not changes:
        return []
    manager = get_setting(session, "csm-manager")
    ids = sorted(changes)
    moving = []
    for chunk in _chunks(ids):
        for t in session.scalars(select(Task).where(Task.onboarding_id.in_(chunk), Task.status == "open",
                                                    Task.source == rules.SOURCE_PLAYBOOK).order_by(Task.id)):
            old, new = changes[t.onboarding_id]
            if _owned_by(t.owner, old, manager) and not same_name(t.owner, new):
                moving.append((t, new))
    _move(session, moving, actor=actor)
    per: dict[int, int] = defaultdict(int)
    for t, _ in moving:
        per[t.onboarding_id] += 1
    return [f"Onboarding #{oid}: {n} open playbook task{'s' if n != 1 else ''} of {changes[oid][0] or 'no CSM'} "
            f"moved to {changes[oid][1]}." for oid, n in sorted(per.items())]


def reassign_tasks(session: Session, *, from_: str, to: str, actor: str, account: str | None = None) -> tuple[list[dict], list[str]]:
    """`task reassign --from X --to Y [--account A]`: a book of open tasks from one person to another
    (names match in any case)."""
    old = f.text("from", from_, max_len=200, required=True)
    new = f.text("to", to, max_len=200, required=True)
    if same_name(old, new):
        raise InvalidValue("to", to, "give a different person than --from")
    query = select(Task).where(Task.status == "open", name_like(Task.owner, old)).order_by(Task.id)
    if account:
        query = query.where(Task.account_id == find_account(session, account).id)
    moving = [t for t in session.scalars(query) if same_name(t.owner, old)]
    _move(session, [(t, new) for t in moving], actor=actor)
    records = _records(session, moving)
    return records, [f"Moved {len(moving)} open task{'s' if len(moving) != 1 else ''} from {old} to {new}."]


# --- the onboarding's playbook: started and completed ------------------------------------------------------


def _renewal_dates(session: Session, account_ids: set[int]) -> dict[int, date]:
    """The renewal dates the accounts' renewal check-ins are anchored to (none: months after the start)."""
    ids, found = sorted(account_ids), {}
    for at in range(0, len(ids), 500):  # bounded bind parameters per statement
        batch = ids[at:at + 500]
        found.update(session.execute(select(Account.id, Account.renewal_date)
                                     .where(Account.id.in_(batch), Account.renewal_date.is_not(None))).all())
    return found


def create_playbook(session: Session, onboardings: list[tuple[int, int, date, str | None]], *, actor: str,
                    recorded_on: date | None = None) -> dict[int, tuple[int, int]]:
    """The playbook tasks of onboardings just started, as (onboarding id, account id, start date, owner).
    A start recorded late does not flood the morning list: a step whose window ended before the day it is
    recorded is created skipped.  Returns {onboarding id: (open, skipped)}."""
    from cstool.services.onboarding import record_created_bulk

    day = recorded_on or today()
    stamp = now()
    rows, counts = [], {}
    renewal = _renewal_dates(session, {aid for _, aid, _, _ in onboardings})
    for oid, aid, start, owner in onboardings:
        opened = skipped = 0
        for step in playbook_tasks(start, renewal.get(aid)):
            late = rules.window_passed(step["due_date"], step["window_end_date"], today=day)
            skipped += late
            opened += not late
            rows.append({**step, "account_id": aid, "onboarding_id": oid, "owner": owner, "created_at": stamp,
                         "status": "skipped" if late else "open",
                         "closed_reason": rules.BACKDATED_REASON if late else None})
        counts[oid] = (opened, skipped)
    if rows:
        before = session.scalar(select(Task.id).order_by(Task.id.desc()).limit(1)) or 0
        session.execute(insert(Task), rows)
        record_created_bulk(session, Task.__table__, entity="task", after=before, actor=actor,
                            snapshot='{"source": "playbook"}')
    return counts


def end_onboarding_phase(session: Session, onboarding_ids: Iterable[int], *, actor: str) -> list[str]:
    """Onboardings just completed: the account's lifecycle stage becomes adoption (when it was onboarding or
    empty), and the open playbook tasks of the onboarding phase are skipped with the reason; the
    account-lifecycle ones stay.  Called by `onboarding complete` with one and `import onboardings` with
    every completed row."""
    ids = sorted(set(onboarding_ids))
    if not ids:
        return []
    events: list[str] = []
    accounts = {}
    for chunk in _chunks(ids):
        accounts.update(dict(session.execute(select(Onboarding.id, Onboarding.account_id)
                                             .where(Onboarding.id.in_(chunk))).all()))
    moved = []
    for chunk in _chunks(sorted(set(accounts.values()))):
        for acc in session.scalars(select(Account).where(Account.id.in_(chunk)).order_by(Account.id)):
            if (acc.lifecycle_stage or "onboarding") == "onboarding":
                moved.append((acc.id, acc.lifecycle_stage, acc.name))
    stamp = now()
    for chunk in _chunks([m[0] for m in moved]):
        session.execute(update(Account).where(Account.id.in_(chunk)).values(lifecycle_stage="adoption", updated_at=stamp))
    if moved:
        session.execute(insert(History), bulk_rows(actor=actor, entity="account", changes=(
            (aid, aid, "lifecycle_stage", old, "adoption") for aid, old, _ in moved)))
        events += [f"{name} moves on to adoption." for _, _, name in moved]
    skipped: list[Task] = []
    for chunk in _chunks(ids):
        skipped += session.scalars(select(Task).where(Task.onboarding_id.in_(chunk), Task.status == "open",
                                                      Task.source == rules.SOURCE_PLAYBOOK,
                                                      Task.kind.in_(ONBOARDING_PHASE_STEPS)).order_by(Task.id)).all()
    for chunk in _chunks([t.id for t in skipped]):
        session.execute(update(Task).where(Task.id.in_(chunk), Task.status == "open")
                        .values(status="skipped", closed_reason=rules.COMPLETED_REASON))
    _history(session, actor, [(t.id, t.account_id, field, old, new) for t in skipped for field, old, new in
                              (("status", "open", "skipped"), ("closed_reason", None, rules.COMPLETED_REASON))])
    per: dict[int, int] = defaultdict(int)
    for t in skipped:
        per[t.onboarding_id] += 1
    events += [f"Onboarding #{oid}: {n} open onboarding-phase task{'s' if n != 1 else ''} skipped "
               f"({rules.COMPLETED_REASON})." for oid, n in sorted(per.items())]
    return events
