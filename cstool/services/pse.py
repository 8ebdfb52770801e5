"""Professional Services Engagements: create, update, kickoff, log hours, complete, report."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from cstool.clock import now, today
from cstool.domain import fields as f
from cstool.domain import pse as rules
from cstool.domain.dates import parse_date
from cstool.domain.dates import not_after_tomorrow
from cstool.errors import Conflict, InvalidValue, RuleViolation
from cstool.services.crm import find_contact, find_opportunity
from cstool.services.history import apply_changes, record_changes, record_created, remove_with_trail
from cstool.queries.pse import consumed, pse_row# noqa: F401  (pse_records: what pse commands print)
from cstool.services.lookup import find_account, name_key
from cstool.services.records import iso
from cstool.storage.models import Pse, PseContact, PseCreate, PseTimeEntry

DATE_OPTIONS = {"kickoff": "kickoff_date", "expected_start": "expected_start_date",
                "expected_completion": "expected_completion_date", "actual_start": "actual_start_date",
                "completed": "completed_date"}
TEXT_OPTIONS = {"owner": ("owner", 200), "team": ("project_team", 1000), "success_criteria": ("success_criteria", 4000),
                "notes": ("notes", 4000)}
URL_OPTIONS = {"econtract": "econtract_url", "sow": "sow_url", "collaboration_project": "collaboration_project_url"}
FLAG_OPTIONS = {"passive_acceptance_language": "passive_acceptance_language", "signed_acceptance": "signed_acceptance",
                "passive_acceptance_used": "passive_acceptance_used", "customer_signoff": "customer_signoff"}


def parse_settings(raw: dict[str, Any]) -> dict[str, Any]:
    """The setting options (SPEC section 11) -> checked attributes; derived values are never typed in."""
    values: dict[str, Any] = {}
    for option, attr in DATE_OPTIONS.items():
        if raw.get(option) is not None:
            values[attr] = None if str(raw[option]).strip() == "" else parse_date(raw[option], field=option.replace("_", "-"))
    for option, (attr, limit) in TEXT_OPTIONS.items():
        if raw.get(option) is not None:
            values[attr] = f.text(option.replace("_", "-"), raw[option], max_len=limit)
    for option, attr in URL_OPTIONS.items():
        if raw.get(option) is not None:
            values[attr] = f.url(option.replace("_", "-"), raw[option])
    for option, attr in FLAG_OPTIONS.items():
        if raw.get(option) is not None:
            values[attr] = bool(raw[option])
    if raw.get("type") is not None:
        key = f.normalise_choice(raw["type"])
        values["engagement_type"] = key if key in rules.ENGAGEMENT_TYPES else f.text("type", raw["type"], max_len=60, required=True)
    if raw.get("status") is not None:
        values["status"] = f.choice("status", raw["status"], rules.STATUSES)
    if raw.get("percent") is not None:
        values["percent_complete"] = rules.percent(raw["percent"])
    if raw.get("scoped_hours") is not None:
        values["scoped_centihours"] = None if str(raw["scoped_hours"]).strip() == "" else rules.hours("scoped-hours", raw["scoped_hours"])
    if raw.get("approver") is not None:
        approver = f.text("approver", raw["approver"], max_len=200)
        values["approver"], values["approved"] = approver, approver is not None
    rules.check_dates(values)
    return values


def find_pse(session: Session, ref: str) -> Pse:
    """By id, by its (unique) name, or an account's one open engagement; locked for the write."""
    return session.get(Pse, pse_row(session, ref).id, with_for_update=True)


def _state(p: Pse) -> dict:
    return {k: getattr(p, k) for k in PseCreate.model_fields}


def _write(session: Session, p: Pse, values: dict, *, actor: str) -> None:
    apply_changes(session, p, values, actor=actor, entity="pse")


def create(session: Session, *, account: str, opportunity: str | None, name: str, raw: dict, actor: str) -> tuple[Pse, list[str]]:
    acc = find_account(session, account)
    if not opportunity:
        raise InvalidValue("opportunity", opportunity or "", "an engagement needs its opportunity (--opportunity)")
    opp = find_opportunity(session, opportunity, account_id=acc.id)
    clean = f.name("name", name)
    existing = session.scalars(select(Pse).where(Pse.name_key == name_key(clean))).first()
    if existing is not None:
        raise Conflict(f"pse: an engagement named {existing.name!r} (id {existing.id}) already exists.")
    values = parse_settings(raw)
    if values.get("status") not in (None, "backlog"):
        raise RuleViolation("status: a new engagement starts in backlog; use `cstool pse kickoff` to start it.")
    values.pop("status", None)
    data = PseCreate.model_validate({"account_id": acc.id, "opportunity_id": opp.id, "name": clean, **values})
    stamp = now()
    p = Pse.model_validate({**data.model_dump(), "name_key": name_key(clean), "created_at": stamp, "updated_at": stamp})
    session.add(p)
    session.flush()
    record_created(session, actor=actor, entity="pse", entity_id=p.id, account_id=acc.id,
                   values={"name": clean, "opportunity_id": opp.id, "status": "backlog"})
    return p, [f"Created engagement #{p.id} '{clean}' for {acc.name} (backlog)."]


def update(session: Session, *, ref: str, raw: dict, actor: str) -> tuple[Pse, list[str]]:
    p = find_pse(session, ref)
    values = parse_settings(raw)
    status = values.get("status")
    if status == "completed":
        raise RuleViolation("status: an engagement is completed with `cstool pse complete`, which checks sign-off.")
    if status in rules.ACTIVE_STATUSES and p.status == "backlog":
        raise RuleViolation("status: an engagement leaves the backlog with `cstool pse kickoff`, which checks the "
                            "kickoff fields.")
    if status is not None and p.status == "completed":
        raise Conflict(f"pse: #{p.id} is completed; its status no longer changes.")
    rules.check_dates({**_state(p), **values})
    _write(session, p, values, actor=actor)
    return p, [f"Updated engagement #{p.id}."]


def kickoff(session: Session, *, ref: str, raw: dict, in_progress: bool, actor: str) -> tuple[Pse, list[str]]:
    p = find_pse(session, ref)
    if p.status != "backlog":
        raise Conflict(f"pse: #{p.id} is {p.status}; only a backlog engagement is kicked off.")
    values = parse_settings(raw)
    values.pop("status", None)
    future = {**_state(p), **values}
    rules.check_kickoff(future)
    rules.check_dates(future)
    values["status"] = "in-progress" if in_progress else "initiation"
    values.setdefault("kickoff_date", p.kickoff_date or today())
    _write(session, p, values, actor=actor)
    return p, [f"Engagement #{p.id} kicked off: {values['status']}."]


def sync_hours_updated(session: Session, pse_ids: list[int], *, actor: str) -> None:
    """Hours-updated date = the latest time entry's date (None when none is left): the one rule for
    `log-hours`, `hours update`, `hours remove` and `import time-entries`, over a set of engagements."""
    ids = sorted(set(pse_ids))
    latest: dict[int, object] = {}
    for i in range(0, len(ids), 900):
        latest.update(session.execute(select(PseTimeEntry.pse_id, func.max(PseTimeEntry.on_date))
                                      .where(PseTimeEntry.pse_id.in_(ids[i:i + 900]))
                                      .group_by(PseTimeEntry.pse_id)).all())
    for pid in ids:
        _write(session, session.get(Pse, pid), {"hours_updated_date": latest.get(pid)}, actor=actor)


def _hours_events(session: Session, p: Pse, first: str) -> list[str]:
    total = consumed(session, [p.id]).get(p.id, 0)
    events = [f"{first}; {rules.as_hours(total)} h consumed."]
    if p.scoped_centihours is not None and total > p.scoped_centihours:
        events.append(f"warning: #{p.id} '{p.name}' is over budget: {rules.as_hours(total)} h consumed of "
                      f"{rules.as_hours(p.scoped_centihours)} h scoped.")
    return events


def _entry_values(hours: str | None, on: str | None, note: str | None) -> dict:
    values: dict = {}
    if hours is not None:
        values["centihours"] = rules.hours("hours", hours, positive=True)
    if on is not None:
        values["on_date"] = not_after_tomorrow("date", parse_date(on, field="date"), today=today())
    if note is not None:
        values["note"] = f.text("note", note, max_len=2000) if note.strip() else None
    return values


def log_hours(session: Session, *, ref: str, hours: str, on: str | None, note: str | None, actor: str) -> tuple[Pse, list[str]]:
    p = find_pse(session, ref)
    values = {"on_date": today(), "note": None, **_entry_values(hours, on, note)}
    amount, when = values["centihours"], values["on_date"]
    entry = PseTimeEntry(pse_id=p.id, actor=actor, created_at=now(), **values)
    session.add(entry)
    session.flush()
    record_created(session, actor=actor, entity="pse_time_entry", entity_id=entry.id, account_id=p.account_id,
                   values={"pse_id": p.id, "hours": rules.as_hours(amount), "date": when})
    record_changes(session, actor=actor, entity="pse", entity_id=p.id, account_id=p.account_id,
                   changes={"hours_logged": (None, f"{rules.as_hours(amount)} on {iso(when)}")})
    sync_hours_updated(session, [p.id], actor=actor)
    return p, _hours_events(session, p, f"Logged {rules.as_hours(amount)} h on #{p.id} ({iso(when)}) as entry "
                                        f"{entry.id}")


def find_entry(session: Session, entry: str) -> PseTimeEntry:
    from cstool.services.history import child_by_id

    return child_by_id(session, PseTimeEntry, entry, entity="pse_time_entry", label="time_entry", noun="time entry",
                       listing="cstool pse hours REF")


def update_entry(session: Session, *, entry: str, hours: str | None, on: str | None, note: str | None,
                 actor: str) -> tuple[Pse, list[str]]:
    """Correct a time entry (a typo in the hours or the day); consumed and hours-updated follow."""
    e = find_entry(session, entry)
    p = session.get(Pse, e.pse_id, with_for_update=True)
    values = _entry_values(hours, on, note)
    if not values:
        raise InvalidValue("entry", entry, "give --hours, --date or --note to change")
    changes = {k: (getattr(e, k), v) for k, v in values.items() if getattr(e, k) != v}
    for k, (_, v) in changes.items():
        setattr(e, k, v)
    public = {"on_date": ("date", lambda v: v), "centihours": ("hours", rules.as_hours), "note": ("note", lambda v: v)}
    record_changes(session, actor=actor, entity="pse_time_entry", entity_id=e.id, account_id=p.account_id,
                   changes={public[k][0]: (public[k][1](a), public[k][1](b)) for k, (a, b) in changes.items()})
    sync_hours_updated(session, [p.id], actor=actor)
    return p, _hours_events(session, p, f"Time entry {e.id} on #{p.id}: "
                                        + (", ".join(sorted(changes)).replace("on_date", "date")
                                           .replace("centihours", "hours") + " changed" if changes else "nothing to change"))


def remove_entry(session: Session, *, entry: str, actor: str) -> tuple[Pse, list[str]]:
    """Remove a time entry; its history stays (`history time_entry:ID`); consumed and hours-updated follow."""
    e = find_entry(session, entry)
    p = session.get(Pse, e.pse_id, with_for_update=True)
    shown = f"{rules.as_hours(e.centihours)} on {iso(e.on_date)}"
    remove_with_trail(session, e, entity="pse_time_entry", shown=shown, parent=("pse", p.id), parent_field="hours_removed",
                      account_id=p.account_id, actor=actor)
    sync_hours_updated(session, [p.id], actor=actor)
    return p, _hours_events(session, p, f"Removed time entry {e.id} ({rules.as_hours(e.centihours)} h on "
                                        f"{iso(e.on_date)}) from #{p.id}")


def complete(session: Session, *, ref: str, raw: dict, on: str | None, actor: str) -> tuple[Pse, list[str]]:
    p = find_pse(session, ref)
    if p.status == "completed":
        raise Conflict(f"pse: #{p.id} was already completed on {iso(p.completed_date)}.")
    if p.status == "backlog":
        raise Conflict(f"pse: #{p.id} was never kicked off; run `cstool pse kickoff` first.")
    values = parse_settings(raw)
    values.pop("status", None)
    if on is not None:
        values["completed_date"] = parse_date(on, field="date")
    values.setdefault("completed_date", p.completed_date or today())
    if values.get("percent_complete", 100) != 100:
        raise RuleViolation("percent: a completed engagement is 100% complete.")
    values["percent_complete"] = 100
    future = {**_state(p), **values}
    not_after_tomorrow("date" if on is not None else "completed", future["completed_date"], today=today())
    rules.check_dates(future, completed_option="--date" if on is not None else "--completed")
    rules.check_completion(future)
    values["status"] = "completed"
    _write(session, p, values, actor=actor)
    return p, [f"Engagement #{p.id} completed on {iso(p.completed_date)}."]


def add_contact(session: Session, *, ref: str, contact: str, actor: str) -> tuple[Pse, list[str]]:
    p = find_pse(session, ref)
    c = find_contact(session, contact, account_id=p.account_id)
    exists = session.get(PseContact, (p.id, c.id))
    if exists is not None:
        raise Conflict(f"pse: {c.name} is already a contact of #{p.id}.")
    session.add(PseContact(pse_id=p.id, contact_id=c.id))
    record_changes(session, actor=actor, entity="pse", entity_id=p.id, account_id=p.account_id,
                   changes={"contact": (None, c.name)})
    return p, [f"Added {c.name} to engagement #{p.id}."]


