"""Finding records by what people type: account names (any case) or ids."""

from __future__ import annotations

import difflib

from sqlalchemy import func, select
from sqlmodel import Session

from cstool.errors import InvalidValue, NotFound
from cstool.storage.models import Account


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
    text = str(ref).strip()
    if not text:
        raise InvalidValue("account", ref, "give an account name or id")
    if text.isdigit():
        account = session.get(Account, int(text))
        if account is None:
            raise NotFound(f"account: no account has id {text}.")
        return account
    account = session.scalars(select(Account).where(Account.name_key == name_key(text))).first()
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
