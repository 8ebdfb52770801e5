"""The account timeline (activities) and follow-up tasks."""

from __future__ import annotations


from sqlmodel import Session

from cstool.clock import now, today
from cstool.domain import fields as f
from cstool.domain.dates import not_after_tomorrow, parse_date
from cstool.domain.onboarding import ACTIVITY_TYPES, ENGAGING_TYPES, check_dates
from cstool.errors import Conflict, InvalidValue, NotFound
from cstool.services.crm import find_contact, find_opportunity
from cstool.services.history import record_changes, record_created
from cstool.services.lookup import as_id, account_names, find_account
from cstool.services.onboarding import note_engagement
from cstool.services.records import activity_record, iso, task_record
from cstool.storage.models import Activity, ActivityCreate, Task, TaskCreate


def log_activity(
    session: Session, *, account: str, type_: str, subject: str, on: str | None, contact: str | None,
    opportunity: str | None, disposition: str | None, notes: str | None, actor: str,
) -> tuple[dict, list[str]]:
    acc = find_account(session, account)
    kind = f.choice("type", type_, ACTIVITY_TYPES)
    when = parse_date(on, field="date") if on else today()
    not_after_tomorrow("date", when, today=today())  # nothing logged beyond tomorrow
    contact_row = find_contact(session, contact, account_id=acc.id) if contact else None
    opp_row = find_opportunity(session, opportunity, account_id=acc.id) if opportunity else None
    data = ActivityCreate(
        account_id=acc.id,
        on_date=when,
        type=kind,
        subject=f.text("subject", subject, max_len=500, required=True),
        contact_id=contact_row.id if contact_row else None,
        opportunity_id=opp_row.id if opp_row else None,
        disposition=f.text("disposition", disposition, max_len=200) if disposition else None,
        notes=f.text("notes", notes, max_len=4000) if notes else None,
    )
    activity = Activity.model_validate({**data.model_dump(), "created_at": now(), "actor": actor})
    session.add(activity)
    session.flush()
    record_created(session, actor=actor, entity="activity", entity_id=activity.id, account_id=acc.id,
                   values={"type": kind, "date": when, "subject": data.subject})
    events = [f"Logged {kind} with {acc.name} on {iso(when)} (id {activity.id})."]
    if kind in ENGAGING_TYPES:
        engaged = note_engagement(session, account_id=acc.id, on=when, actor=actor)
        if engaged:
            events.append(engaged)
    return activity_record(activity, acc.name, contact_row.name if contact_row else None,
                           opp_row.name if opp_row else None), events


def add_task(session: Session, *, account: str, title: str, due: str, owner: str | None, actor: str) -> dict:
    acc = find_account(session, account)
    data = TaskCreate(
        account_id=acc.id,
        title=f.text("title", title, max_len=500, required=True),
        due_date=parse_date(due, field="due"),
        owner=f.text("owner", owner, max_len=200) if owner else acc.csm,
    )
    task = Task.model_validate({**data.model_dump(), "created_at": now()})
    session.add(task)
    session.flush()
    record_created(session, actor=actor, entity="task", entity_id=task.id, account_id=acc.id,
                   values={"title": task.title, "due_date": task.due_date})
    return task_record(task, acc.name)


def complete_task(session: Session, *, task_id: str, on: str | None, actor: str) -> dict:
    text = str(task_id).strip()
    if as_id(text) is None:
        raise InvalidValue("id", task_id, "give the task's numeric id (see `cstool task list`)")
    task = session.get(Task, as_id(text))
    if task is None:
        raise NotFound(f"task: no task has id {text}.")
    if task.done_date is not None:
        raise Conflict(f"task: #{task.id} was already done on {iso(task.done_date)}.")
    when = parse_date(on, field="date") if on else today()
    check_dates({"finish_date": when}, today=today())
    record_changes(session, actor=actor, entity="task", entity_id=task.id, account_id=task.account_id,
                   changes={"done_date": (None, when)})
    task.done_date = when
    return task_record(task, account_names(session, {task.account_id})[task.account_id])
