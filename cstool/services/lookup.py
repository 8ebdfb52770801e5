"""Finding records by what people type: account names (any case) or ids."""

from __future__ import annotations

import difflib

from sqlalchemy import func, select
from sqlmodel import Session

from cstool.errors import Conflict, InvalidValue, NotFound
from cstool.storage.models import Account


MAX_ID = 2**63 - 1


def as_id(text: str) -> int | None:
    """Digits as a record id; None when it is not one. Ids past 64 bits exist nowhere: -1 finds nothing."""
    text = str(text).strip()
    if not text.isdigit() or not text.isascii():
        return None
    value = int(text)
    return value if value <= MAX_ID else -1


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def suggestions(session: Session, ref: str, limit: int = 3) -> list[str]:
    key = name_key(ref)
    names = dict(session.execute(select(Account.name_key, Account.name)).all())
    close = difflib.get_close_matches(key, list(names), n=limit, cutoff=0.6)
    if len(close) < limit and key:
        close += [k for k in names if key in k and k not in close][: limit - len(close)]
    return [names[k] for k in close]


def find_account(session: Session, ref: str | int, *, for_update: bool = False) -> Account:
    """An account by id or by name (any case); a miss suggests close names (exit 3)."""
    text = str(ref).strip()
    if not text:
        raise InvalidValue("account", ref, "give an account name or id")
    if as_id(text) is not None:
        account = session.get(Account, as_id(text), with_for_update=for_update or None)
        if account is None:
            raise NotFound(f"account: no account has id {text}.")
        return account
    query = select(Account).where(Account.name_key == name_key(text))
    if for_update:  # a read-then-write: lock the row on PostgreSQL (SQLite already holds the write lock)
        query = query.with_for_update()
    account = session.scalars(query).first()
    if account is None:
        close = suggestions(session, text)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise NotFound(f"account: no account named {text!r}.{hint}")
    return account


def account_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Account.id, Account.name).where(Account.id.in_(ids))).all())


def count(session: Session, model) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def only_open(session: Session, model, *, account: Account, is_open, order_by, label: str, describe, noun: str,
              hint: str = ""):
    """An account's one open record of a kind; none is exit 3, several are listed and refused (exit 4)."""
    open_ones = list(session.scalars(select(model).where(model.account_id == account.id, is_open).order_by(*order_by)))
    if not open_ones:
        raise NotFound(f"{label}: {account.name} has no open {noun}{hint}.")
    if len(open_ones) > 1:
        listing = "; ".join(describe(r) for r in open_ones)
        raise Conflict(f"{label}: {account.name} has {len(open_ones)} open {noun}s: {listing}. Give the {noun} id.")
    return open_ones[0]
