"""Import kinds: activities (the timeline, with the first-engaged rule) and tasks (with their CTA fields)."""

from __future__ import annotations

from datetime import timedelta


from cstool.domain import tasks
from cstool.domain.onboarding import ACTIVITY_TYPES, ENGAGING_TYPES
from cstool.services.importing.base import Column, Context, Kind, Row, insert_new
from cstool.services.importing.cells import day, pick, text
from cstool.services.importing.refs import by_name_in_account, resolve_accounts
from cstool.storage.models import Contact, Opportunity

ACTIVITY_ALIASES = {"phone-call": "call", "phone": "call", "video-call": "meeting", "zoom": "meeting",
                    "mail": "email", "e-mail": "email", "training": "workshop"}


def _resolve_activities(ctx: Context, rows: list[Row]) -> list[Row]:
    rows = resolve_accounts(ctx, rows)
    rows = by_name_in_account(ctx, rows, Contact, "contact", also_email=True)
    rows = by_name_in_account(ctx, rows, Opportunity, "opportunity")
    latest = ctx.today + timedelta(days=1)
    out = []
    for r in rows:
        if r.values["date"] > latest:  # as `activity log`: the timeline holds what happened
            ctx.error(r.line, f"date: {r.values['date'].isoformat()} is later than tomorrow ({latest.isoformat()})")
            continue
        out.append(r)
    return out


def _write_activities(ctx: Context, rows: list[Row]) -> None:
    insert_new(ctx, ACTIVITIES, rows, lambda r: {
        "account_id": r.account_id, "on_date": r.values["date"], "type": r.values["type"],
        "subject": r.values["subject"], "contact_id": r.refs.get("contact"),
        "opportunity_id": r.refs.get("opportunity"), "disposition": r.values.get("disposition"),
        "notes": r.values.get("notes"), "created_at": ctx.stamp, "actor": ctx.actor,
    })
    ctx.state.setdefault("accounts", set()).update(r.account_id for r in rows)


def _finish_activities(ctx: Context) -> None:
    """First engagement from the timeline, as `activity log` works it out: once, for every account of the file."""
    from cstool.services.onboarding import refresh_first_engagement

    refresh_first_engagement(ctx.session, account_ids=ctx.state.get("accounts", ()), actor=ctx.actor)


ACTIVITIES = Kind(
    "activities", "activity", "activity",
    (
        Column("account", ("Account Name", "Company"), text(200), required=True),
        Column("date", ("Activity Date", "Date", "on_date", "Due Date"), day, required=True),
        Column("type", ("Activity Type", "Task Subtype", "Kind"), pick(ACTIVITY_TYPES, ACTIVITY_ALIASES),
               required=True),
        Column("subject", ("Subject", "Title"), text(500), required=True),
        Column("contact", ("Contact", "Contact Name", "Name", "Email"), text(254)),
        Column("opportunity", ("Opportunity Name", "Related To"), text(200)),
        Column("disposition", ("Call Result", "Outcome", "Activity Disposition"), text(200)),
        Column("notes", ("Comments", "Description"), text(4000)),
    ),
    _resolve_activities, _write_activities, finish=_finish_activities,
    aliases=("activity",), help="Account Name, Date, Type (call, meeting, email, workshop), Subject, Contact, ...",
)


def _resolve_tasks(ctx: Context, rows: list[Row]) -> list[Row]:
    """As `task add`: the owner defaults to the account's CSM (else the CSM manager); a done date means done."""
    from cstool.services.tasks import default_owners

    rows = resolve_accounts(ctx, rows)
    owners = default_owners(ctx.session, {r.account_id for r in rows if not r.values.get("owner")})
    out = []
    for r in rows:
        v = r.values
        v["status"] = tasks.status_for_import(v.get("status"), v.get("done_date"))
        if v["status"] != "done" and v.get("done_date") is not None:
            ctx.error(r.line, f"done_date: a {v['status']} task has no done date (use status done, or leave it empty)")
            continue
        if not v.get("owner"):
            v["owner"] = owners.get(r.account_id)
        out.append(r)
    return out


def _write_tasks(ctx: Context, rows: list[Row]) -> None:
    insert_new(ctx, TASKS, rows, lambda r: {
        "account_id": r.account_id, "onboarding_id": None, "title": r.values["title"],
        "due_date": r.values["due_date"], "window_end_date": r.values.get("window_end_date"),
        "done_date": r.values.get("done_date"), "owner": r.values.get("owner"), "kind": None,
        "created_at": ctx.stamp, "status": r.values["status"], "closed_reason": r.values.get("closed_reason"),
        "type": r.values.get("type") or tasks.MANUAL_TYPE, "priority": r.values.get("priority") or tasks.DEFAULT_PRIORITY,
        "reason": r.values.get("reason"), "source": r.values.get("source") or tasks.SOURCE_MANUAL,
        "snooze_date": r.values.get("snooze_date"),
    })


TASKS = Kind(
    "tasks", "task", "task",
    (
        Column("account", ("Account Name",), text(200), required=True),
        Column("title", ("Subject", "Task"), text(500), required=True),
        Column("due_date", ("Due Date", "Due"), day, required=True),
        Column("window_end_date", ("Window End",), day),
        Column("done_date", ("Completed Date", "Done"), day),
        Column("owner", ("Assigned To", "Task Owner"), text(200)),
        Column("status", ("Task Status", "CTA Status"), pick(tasks.STATUSES, tasks.STATUS_ALIASES)),
        Column("closed_reason", ("Closed Reason", "Reason Closed"), text(tasks.MAX_REASON)),
        Column("type", ("Task Type", "CTA Type"), pick(tasks.TYPES)),
        Column("priority", ("Priority",), pick(tasks.PRIORITIES, {"normal": "medium"})),
        Column("reason", ("CTA Reason", "Why"), text(tasks.MAX_REASON)),
        Column("source", ("Task Source", "CTA Source"), lambda v, ctx, name: tasks.source(v, field=name)),
        Column("snooze_date", ("Snooze Until", "Snoozed Until"), day),
    ),
    _resolve_tasks, _write_tasks,
    aliases=("task",), help="Account Name, Subject, Due Date, Completed Date, Assigned To, Status, Type, Priority, ...",
)
