"""The account timeline: activities (tasks are in services/tasks.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from cstool.clock import now, today
from cstool.domain import fields as f
from cstool.domain.dates import not_after_tomorrow, parse_date
from cstool.domain.onboarding import ACTIVITY_TYPES, check_dates
from cstool.services.crm import find_contact, find_opportunity
from cstool.services.history import apply_changes, record_changes, record_created
from cstool.services.lookup import account_names, find_account
from cstool.services.onboarding import refresh_first_engagement
from cstool.services.records import activity_record, iso
from cstool.storage.models import Activity, ActivityCreate


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
    events += refresh_first_engagement(session, account_ids=[acc.id], actor=actor)
    return activity_record(activity, acc.name, contact_row.name if contact_row else None,
                           opp_row.name if opp_row else None), events


def find_activity(session: Session, ref: str) -> Activity:
    """An activity by id, locked for the correction: removed earlier is exit 4, never existed exit 3."""
    from cstool.services.history import child_by_id

    return child_by_id(session, Activity, ref, entity="activity", label="activity", noun="activity",
                       listing="cstool activity list ACCOUNT")


def _activity_view(session: Session, activity: Activity) -> dict:
    from cstool.storage.models import Contact, Opportunity

    contact = session.get(Contact, activity.contact_id) if activity.contact_id else None
    opp = session.get(Opportunity, activity.opportunity_id) if activity.opportunity_id else None
    return activity_record(activity, account_names(session, {activity.account_id})[activity.account_id],
                           contact.name if contact else None, opp.name if opp else None)


def update_activity(session: Session, *, ref: str, raw: dict, actor: str) -> tuple[dict, list[str]]:
    """Correct an activity (an empty --contact, --opportunity, --disposition or --notes clears it); first
    engagement follows."""
    activity = find_activity(session, ref)
    values: dict = {}
    if raw.get("date") is not None:
        values["on_date"] = parse_date(raw["date"], field="date")
        not_after_tomorrow("date", values["on_date"], today=today())  # the timeline holds what happened
    if raw.get("type") is not None:
        values["type"] = f.choice("type", raw["type"], ACTIVITY_TYPES)
    if raw.get("subject") is not None:
        values["subject"] = f.text("subject", raw["subject"], max_len=500, required=True)
    if raw.get("contact") is not None:
        values["contact_id"] = (find_contact(session, raw["contact"], account_id=activity.account_id).id
                                if raw["contact"].strip() else None)
    if raw.get("opportunity") is not None:
        values["opportunity_id"] = (find_opportunity(session, raw["opportunity"], account_id=activity.account_id).id
                                    if raw["opportunity"].strip() else None)
    for key, limit in (("disposition", 200), ("notes", 4000)):
        if raw.get(key) is not None:
            values[key] = f.text(key, raw[key], max_len=limit) if raw[key].strip() else None
    changes = apply_changes(session, activity, values, actor=actor, entity="activity")
    events = [f"Activity #{activity.id}: " + (", ".join(sorted(changes)) + " changed." if changes
                                              else "nothing to change.")]
    events += refresh_first_engagement(session, account_ids=[activity.account_id], actor=actor)
    return _activity_view(session, activity), events


def remove_activity(session: Session, *, ref: str, actor: str) -> tuple[dict, list[str]]:
    """Remove an activity from the timeline; its history stays (`history activity:ID`); first engagement follows."""
    activity = find_activity(session, ref)
    record = _activity_view(session, activity)
    record_changes(session, actor=actor, entity="activity", entity_id=activity.id, account_id=activity.account_id,
                   changes={"(removed)": (f"{activity.type} {iso(activity.on_date)}: {activity.subject}", None)})
    account_id = activity.account_id
    session.delete(activity)
    events = [f"Removed activity #{record['id']} ({record['type']} on {record['date']})."]
    events += refresh_first_engagement(session, account_ids=[account_id], actor=actor)
    return record, events

