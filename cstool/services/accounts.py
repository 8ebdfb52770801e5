"""Accounts: add, update, archive, list, show."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from cstool.clock import now, today
from cstool.domain import fields as f
from cstool.domain.accounts import GEMSTONE_INPUTS, parse_account_fields
from cstool.errors import Conflict
from cstool.services.gemstones import apply_gemstone, compute_for
from cstool.services.history import record_changes, record_created
from cstool.services.lookup import find_account, name_key
from cstool.services.records import (
    account_record,
    contact_record,
    iso,
    onboarding_record,
    opportunity_record,
    task_record,
)
from cstool.storage.models import (
    Account,
    AccountCreate,
    AccountUpdate,
    Activity,
    Contact,
    Onboarding,
    ONBOARDING_OPEN,
    Opportunity,
    Task,
)


def _ensure_name_free(session: Session, name: str, *, except_id: int | None = None) -> None:
    existing = session.scalars(select(Account).where(Account.name_key == name_key(name))).first()
    if existing is not None and existing.id != except_id:
        raise Conflict(f"account: {existing.name!r} (id {existing.id}) already exists; names are unique in any case.")


def add_account(session: Session, *, name: str, raw: dict[str, str | None], actor: str) -> tuple[Account, list[str]]:
    clean_name = f.name("name", name)
    values = parse_account_fields(raw)
    _ensure_name_free(session, clean_name)
    data = AccountCreate.model_validate({"name": clean_name, **values})
    stamp = now()
    account = Account.model_validate(
        {**data.model_dump(), "name_key": name_key(clean_name), "created_at": stamp, "updated_at": stamp,
         "gemstone": None, "gemstone_rank": 6}
    )
    session.add(account)
    session.flush()
    record_created(session, actor=actor, entity="account", entity_id=account.id, account_id=account.id,
                   values={"name": clean_name, **values})
    events: list[str] = []
    apply_gemstone(session, account, actor=actor, events=events)
    return account, events


def update_account(
    session: Session, *, ref: str, raw: dict[str, str | None], actor: str, new_name: str | None = None
) -> tuple[Account, list[str]]:
    account = find_account(session, ref, for_update=True)
    values: dict[str, Any] = parse_account_fields(raw)
    if new_name is not None:
        values["name"] = f.name("name", new_name)
        _ensure_name_free(session, values["name"], except_id=account.id)
    AccountUpdate.model_validate(values)
    changes = {k: (getattr(account, k), v) for k, v in values.items() if getattr(account, k) != v}
    events: list[str] = []
    if not changes:
        events.append(f"{account.name}: nothing to change.")
        return account, events
    for key, (_, new) in changes.items():
        setattr(account, key, new)
    if "name" in changes:
        account.name_key = name_key(account.name)
    account.updated_at = now()
    record_changes(session, actor=actor, entity="account", entity_id=account.id, account_id=account.id,
                   changes=changes)
    if GEMSTONE_INPUTS & changes.keys():
        apply_gemstone(session, account, actor=actor, events=events)
    return account, events


def archive_account(session: Session, *, ref: str, actor: str, restore: bool = False) -> Account:
    account = find_account(session, ref, for_update=True)
    if restore:
        if account.archived_at is None:
            raise Conflict(f"account: {account.name!r} is not archived.")
        old, account.archived_at = account.archived_at, None
    else:
        if account.archived_at is not None:
            raise Conflict(f"account: {account.name!r} was already archived on {iso(account.archived_at)}.")
        old, account.archived_at = None, now()
    account.updated_at = now()
    record_changes(session, actor=actor, entity="account", entity_id=account.id, account_id=account.id,
                   changes={"archived_at": (old, account.archived_at)})
    return account


def list_accounts(
    session: Session,
    *,
    include_archived: bool = False,
    gemstone: str | None = None,
    csm: str | None = None,
    segment: str | None = None,
    limit: int | None = None,
) -> list[dict]:
    query = select(Account)
    if not include_archived:
        query = query.where(Account.archived_at.is_(None))
    if gemstone is not None:
        if gemstone.strip().lower() == "none":
            query = query.where(Account.gemstone.is_(None))
        else:
            query = query.where(Account.gemstone == f.choice("gemstone", gemstone, ("diamond", "pearl", "sapphire", "ruby", "quartz")))
    if csm is not None:
        query = query.where(func.lower(Account.csm) == csm.strip().lower())
    if segment is not None:
        query = query.where(Account.segment == f.choice("segment", segment, f.SEGMENTS))
    query = query.order_by(Account.gemstone_rank, Account.name_key)
    if limit:
        query = query.limit(limit)
    return [account_record(a) for a in session.scalars(query)]


def show_account(session: Session, *, ref: str) -> dict:
    """Everything known about one account, for `account show`."""
    account = find_account(session, ref)
    record = account_record(account)
    record["gemstone_reason"] = compute_for(account).reason
    aid = account.id
    record["contacts"] = [
        contact_record(c, account.name)
        for c in session.scalars(select(Contact).where(Contact.account_id == aid).order_by(Contact.name))
    ]
    opps = list(session.scalars(select(Opportunity).where(Opportunity.account_id == aid).order_by(Opportunity.close_date.desc())))
    record["opportunities"] = [opportunity_record(o, account.name) for o in opps]
    opp_names = {o.id: o.name for o in opps}
    onboarding = session.scalars(
        select(Onboarding).where(Onboarding.account_id == aid)
        .order_by(Onboarding.status.in_(ONBOARDING_OPEN).desc(), Onboarding.id.desc())
    ).first()
    record["onboarding"] = None
    if onboarding is not None:
        from cstool.services.reports import onboarding_standing

        record["onboarding"] = onboarding_record(onboarding, account.name, opp_names.get(onboarding.opportunity_id))
        record["onboarding"].update(onboarding_standing(session, onboarding))
    last = session.scalar(select(func.max(Activity.on_date)).where(Activity.account_id == aid))
    record["last_contact_date"] = iso(last)
    record["days_since_contact"] = (today() - last).days if last else None
    from cstool.domain.fiscal import fiscal_year_bounds, fiscal_year_of
    from cstool.services import ebr as ebrs
    from cstool.services.settings import get_setting
    from cstool.storage.models import Ebr

    start_month = get_setting(session, "fiscal-year-start")
    first, last = fiscal_year_bounds(fiscal_year_of(today(), start_month), start_month)
    record["ebrs"] = ebrs.records(session, list(session.scalars(
        select(Ebr).where(Ebr.account_id == aid, (Ebr.on_date.between(first, last)) | Ebr.on_date.is_(None))
        .order_by(Ebr.on_date.nulls_last(), Ebr.id)
    )))
    from cstool.services.pse import pses_of_account

    record["pses"] = pses_of_account(session, aid)
    record["tasks"] = [
        task_record(t, account.name)
        for t in session.scalars(
            select(Task).where(Task.account_id == aid, Task.done_date.is_(None)).order_by(Task.due_date, Task.id).limit(5)
        )
    ]
    return record
