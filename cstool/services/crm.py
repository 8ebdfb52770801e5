"""Contacts and opportunities of an account."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from cstool.domain import fields as f
from cstool.domain.crm import CONTACT_FIELDS, opportunity_fields
from cstool.services.history import apply_changes, record_changes, record_created
from cstool.services.lookup import find_named, account_names, find_account
from cstool.services.records import contact_record, opportunity_record
from cstool.storage.models import Account, Contact, ContactCreate, Opportunity, OpportunityCreate, Task


# --- contacts -----------------------------------------------------------------


def _find(session: Session, model, label: str, ref: str, account_id: int | None):
    """The ORM record (for a write) of the row `find_named` finds."""
    return session.get(model, find_named(session, model.__table__, label, ref, account_id).id)


def find_contact(session: Session, ref: str, *, account_id: int | None = None) -> Contact:
    """A contact by id, or by name within an account."""
    return _find(session, Contact, "contact", ref, account_id)


def add_contact(session: Session, *, account: str, name: str, raw: dict, actor: str) -> dict:
    acc = find_account(session, account)
    values = f.parse_fields(CONTACT_FIELDS, {k: v for k, v in raw.items() if k != "gitlab_admin"})
    values["gitlab_admin"] = bool(raw.get("gitlab_admin") or False)
    data = ContactCreate.model_validate({"account_id": acc.id, "name": f.name("name", name), **values})
    contact = Contact.model_validate(data.model_dump())
    session.add(contact)
    session.flush()
    record_created(session, actor=actor, entity="contact", entity_id=contact.id, account_id=acc.id,
                   values=data.model_dump())
    return contact_record(contact, acc.name)


def update_contact(session: Session, *, ref: str, raw: dict, actor: str, new_name: str | None = None) -> dict:
    contact = find_contact(session, ref)
    values = f.parse_fields(CONTACT_FIELDS, {k: v for k, v in raw.items() if k != "gitlab_admin"})
    if raw.get("gitlab_admin") is not None:
        values["gitlab_admin"] = bool(raw["gitlab_admin"])
    if new_name is not None:
        values["name"] = f.name("name", new_name)
    apply_changes(session, contact, values, actor=actor, entity="contact")
    return contact_record(contact, account_names(session, {contact.account_id})[contact.account_id])


def remove_contact(session: Session, *, ref: str, actor: str) -> dict:
    contact = find_contact(session, ref)
    record = contact_record(contact, account_names(session, {contact.account_id})[contact.account_id])
    record_changes(session, actor=actor, entity="contact", entity_id=contact.id, account_id=contact.account_id,
                   changes={"(removed)": (contact.name, None)})
    session.delete(contact)
    return record


# --- opportunities --------------------------------------------------------------


def find_opportunity(session: Session, ref: str, *, account_id: int | None = None) -> Opportunity:
    return _find(session, Opportunity, "opportunity", ref, account_id)


def add_opportunity(session: Session, *, account: str, raw: dict, actor: str) -> tuple[dict, list[str]]:
    acc = find_account(session, account)
    values = f.parse_fields(opportunity_fields(), raw)
    values.setdefault("stage", "discovery")
    data = OpportunityCreate.model_validate({"account_id": acc.id, **values})
    opp = Opportunity.model_validate(data.model_dump())
    session.add(opp)
    session.flush()
    record_created(session, actor=actor, entity="opportunity", entity_id=opp.id, account_id=acc.id,
                   values=data.model_dump())
    events = [f"Added opportunity {opp.name} (id {opp.id}) to {acc.name}."]
    _assign_csm_task(session, acc, opp, old_stage=None, actor=actor, events=events)
    _follow_renewal_deals(session, {opp.id: None}, actor=actor, events=events)
    return opportunity_record(opp, acc.name), events


def update_opportunity(session: Session, *, ref: str, raw: dict, actor: str) -> tuple[dict, list[str]]:
    opp = find_opportunity(session, ref)
    old_stage = opp.stage
    values = f.parse_fields(opportunity_fields(), raw)
    apply_changes(session, opp, values, actor=actor, entity="opportunity")
    events: list[str] = []
    _assign_csm_task(session, session.get(Account, opp.account_id), opp, old_stage=old_stage, actor=actor,
                     events=events)
    _follow_renewal_deals(session, {opp.id: old_stage}, actor=actor, events=events)
    return opportunity_record(opp, account_names(session, {opp.account_id})[opp.account_id]), events


def _follow_renewal_deals(session: Session, written: dict, *, actor: str, events: list[str]) -> None:
    from cstool.services.renewals import follow_renewal_deals

    follow_renewal_deals(session, written, actor=actor, events=events)


def _assign_csm_task(session: Session, acc, opp, *, old_stage: str | None, actor: str, events: list[str]) -> None:
    """CSM assignment starts before the close (SPEC section 4): a task for the CSM manager, once per account."""
    from datetime import timedelta
    from decimal import Decimal

    from cstool.clock import now, today
    from cstool.domain.gemstones import ASSIGN_CSM_DUE_DAYS, projected_for_csm
    from cstool.services.settings import get_setting

    projected = projected_for_csm(
        old_stage=old_stage, new_stage=opp.stage, opportunity_type=opp.type, account_csm=acc.csm, users=acc.users,
        plan=acc.plan, account_iacv=None if acc.iacv_cents is None else Decimal(acc.iacv_cents) / 100,
        opportunity_iacv=None if opp.iacv_cents is None else Decimal(opp.iacv_cents) / 100)
    if projected is None:
        return
    pending = session.scalars(select(Task).where(Task.account_id == acc.id, Task.kind == "assign-csm",
                                                 Task.status == "open")).first()
    if pending is not None:
        events.append(f"{acc.name} still needs a CSM (task #{pending.id} is open).")
        return
    manager = get_setting(session, "csm-manager")
    due = today() + timedelta(days=ASSIGN_CSM_DUE_DAYS)
    task = Task(account_id=acc.id, title="Assign a CSM", due_date=due, owner=manager, kind="assign-csm",
                type="lifecycle", source="rule:assign-csm", created_at=now())
    session.add(task)
    session.flush()
    record_created(session, actor=actor, entity="task", entity_id=task.id, account_id=acc.id,
                   values={"title": task.title, "due_date": due, "owner": manager})
    events.append(f"{acc.name} has no CSM and would be {projected.name} with {opp.name!r}: task #{task.id} "
                  f"'Assign a CSM' for {manager or 'the CSM manager (config set csm-manager NAME)'}, due "
                  f"{due.isoformat()}.")
