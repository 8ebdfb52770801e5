"""Contacts and opportunities of an account."""

from __future__ import annotations

from sqlmodel import Session

from cstool.domain import fields as f
from cstool.domain.crm import CONTACT_FIELDS, opportunity_fields
from cstool.services.history import apply_changes, record_changes, record_created
from cstool.services.lookup import find_named, account_names, find_account
from cstool.services.records import contact_record, opportunity_record
from cstool.storage.models import Contact, ContactCreate, Opportunity, OpportunityCreate


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
    events += _deal_rules(session, opp, old_stage=None, actor=actor)
    return opportunity_record(opp, acc.name), events


def update_opportunity(session: Session, *, ref: str, raw: dict, actor: str) -> tuple[dict, list[str]]:
    opp = find_opportunity(session, ref)
    old_stage = opp.stage
    values = f.parse_fields(opportunity_fields(), raw)
    changes = apply_changes(session, opp, values, actor=actor, entity="opportunity")
    events = _deal_rules(session, opp, old_stage=old_stage, actor=actor) if changes else []
    return opportunity_record(opp, account_names(session, {opp.account_id})[opp.account_id]), events


def _deal_rules(session: Session, opp: Opportunity, *, old_stage: str | None, actor: str) -> list[str]:
    """The rules an opportunity's change sets off (the same functions `import opportunities` calls for a file):
    "Assign a CSM" at negotiating, then what a closed-won deal does to its account."""
    from cstool.services.deals import apply_closed_won, create_assign_csm_tasks
    from cstool.services.renewals import follow_renewal_deals

    events = create_assign_csm_tasks(session, moves=[(opp.id, old_stage)], actor=actor)
    events += apply_closed_won(session, opportunity_ids=[opp.id], actor=actor)
    follow_renewal_deals(session, {opp.id: old_stage}, actor=actor, events=events)
    session.refresh(opp)
    return events
