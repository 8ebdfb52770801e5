"""Import kinds: activities (the timeline, with the first-engaged rule) and tasks."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta


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
    engaging = ctx.state.setdefault("engaging", defaultdict(set))
    for r in rows:
        if r.values["type"] in ENGAGING_TYPES:
            engaging[r.account_id].add(r.values["date"])


def _finish_activities(ctx: Context) -> None:
    """The first-engaged rule of `activity log`, once per onboarding: its earliest imported call or meeting."""
    from cstool.services.onboarding import note_engagements

    note_engagements(ctx.session, ctx.state.get("engaging", {}), actor=ctx.actor)


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


def _write_tasks(ctx: Context, rows: list[Row]) -> None:
    insert_new(ctx, TASKS, rows, lambda r: {
        "account_id": r.account_id, "onboarding_id": None, "title": r.values["title"],
        "due_date": r.values["due_date"], "window_end_date": r.values.get("window_end_date"),
        "done_date": r.values.get("done_date"), "owner": r.values.get("owner"), "kind": None,
        "created_at": ctx.stamp,
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
    ),
    resolve_accounts, _write_tasks,
    aliases=("task",), help="Account Name, Subject, Due Date, Completed Date, Assigned To",
)
