"""Contacts and opportunities of an account."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from cstool.domain import fields as f
from cstool.domain.crm import CONTACT_FIELDS, opportunity_fields
from cstool.errors import Conflict, NotFound
from cstool.services.history import apply_changes, record_changes, record_created
from cstool.services.lookup import as_id, account_names, find_account
from cstool.services.records import contact_record, opportunity_record
from cstool.storage.models import Contact, ContactCreate, Opportunity, OpportunityCreate


# --- contacts -----------------------------------------------------------------


def _find(session: Session, model, label: str, ref: str, account_id: int | None):
    """A record by id, or by name (any case) within an account; several of the same name: give the id."""
    text = str(ref).strip()
    where = " on that account." if account_id else "."
    if as_id(text) is not None:
        record = session.get(model, as_id(text))
        if record is None or (account_id is not None and record.account_id != account_id):
            raise NotFound(f"{label}: no {label} has id {text}{where}")
        return record
    query = select(model).where(func.lower(model.name) == text.lower())
    if account_id is not None:
        query = query.where(model.account_id == account_id)
    matches = list(session.scalars(query))
    if not matches:
        raise NotFound(f"{label}: no {label} named {text!r}{where}")
    if len(matches) > 1:
        ids = ", ".join(str(m.id) for m in matches)
        raise Conflict(f"{label}: {len(matches)} records are named {text!r} (ids {ids}); give the id.")
    return matches[0]


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


def list_contacts(session: Session, *, account: str | None = None) -> list[dict]:
    query = select(Contact)
    if account is not None:
        query = query.where(Contact.account_id == find_account(session, account).id)
    rows = list(session.scalars(query.order_by(Contact.account_id, Contact.name)))
    names = account_names(session, {c.account_id for c in rows})
    return [contact_record(c, names[c.account_id]) for c in rows]


# --- opportunities --------------------------------------------------------------


def find_opportunity(session: Session, ref: str, *, account_id: int | None = None) -> Opportunity:
    return _find(session, Opportunity, "opportunity", ref, account_id)


def add_opportunity(session: Session, *, account: str, raw: dict, actor: str) -> dict:
    acc = find_account(session, account)
    values = f.parse_fields(opportunity_fields(), raw)
    values.setdefault("stage", "discovery")
    data = OpportunityCreate.model_validate({"account_id": acc.id, **values})
    opp = Opportunity.model_validate(data.model_dump())
    session.add(opp)
    session.flush()
    record_created(session, actor=actor, entity="opportunity", entity_id=opp.id, account_id=acc.id,
                   values=data.model_dump())
    return opportunity_record(opp, acc.name)


def update_opportunity(session: Session, *, ref: str, raw: dict, actor: str) -> dict:
    opp = find_opportunity(session, ref)
    values = f.parse_fields(opportunity_fields(), raw)
    apply_changes(session, opp, values, actor=actor, entity="opportunity")
    return opportunity_record(opp, account_names(session, {opp.account_id})[opp.account_id])


def show_opportunity(session: Session, *, ref: str) -> dict:
    opp = find_opportunity(session, ref)
    return opportunity_record(opp, account_names(session, {opp.account_id})[opp.account_id])


def list_opportunities(session: Session, *, account: str | None = None, stage: str | None = None) -> list[dict]:
    from cstool.domain.crm import opportunity_stage

    query = select(Opportunity)
    if account is not None:
        query = query.where(Opportunity.account_id == find_account(session, account).id)
    if stage is not None:
        query = query.where(Opportunity.stage == opportunity_stage(stage))
    rows = list(session.scalars(query.order_by(Opportunity.close_date.desc().nulls_last(), Opportunity.id)))
    names = account_names(session, {o.account_id for o in rows})
    return [opportunity_record(o, names[o.account_id]) for o in rows]
