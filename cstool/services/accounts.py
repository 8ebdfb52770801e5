"""Accounts: add, update, archive, list, show."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from cstool.clock import now
from cstool.domain import fields as f
from cstool.domain.accounts import GEMSTONE_INPUTS, parse_account_fields
from cstool.errors import Conflict
from cstool.services.gemstones import apply_gemstone
from cstool.services.history import record_changes, record_created
from cstool.services.lookup import find_account, name_key
from cstool.services.records import iso
from cstool.storage.models import Account, AccountCreate, AccountUpdate


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
    if account.renewal_date is not None:
        from cstool.services.renewals import follow_renewal_dates

        follow_renewal_dates(session, [account.id], actor=actor, events=events)
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
    if "csm" in changes:
        from cstool.services.tasks import follow_account_csm_changes

        events += follow_account_csm_changes(session, [(account.id, *changes["csm"])], actor=actor)
    if "renewal_date" in changes or "term_months" in changes:
        from cstool.services.renewals import follow_renewal_dates

        follow_renewal_dates(session, [account.id], actor=actor, events=events)
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


