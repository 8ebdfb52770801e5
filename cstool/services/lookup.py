"""Finding records by what people type: account names (any case) or ids."""

from __future__ import annotations

import difflib

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from cstool.errors import Conflict, InvalidValue, NotFound
from cstool.storage.tables import account as account_table
from cstool.storage.many import among

if TYPE_CHECKING:
    from sqlmodel import Session

    from cstool.storage.models import Account


MAX_ID = 2**63 - 1


def as_id(text: str) -> int | None:
    """Digits as a record id; None when it is not one. Ids past 64 bits exist nowhere: -1 finds nothing."""
    text = str(text).strip()
    if not text.isdigit() or not text.isascii():
        return None
    value = int(text)
    return value if value <= MAX_ID else -1


from cstool.domain.text import name_key  # noqa: E402,F401 -- the one key "names are unique" compares


def name_like(column, text: str):
    """SQL that keeps the rows whose `column` may equal `text` in any case, right on both engines.

    lower() folds only ASCII letters on SQLite and on PostgreSQL's C locale ('Ü' stays 'Ü'), so comparing
    lower(name) with Python's lower() misses every name with a capital outside ASCII.  Here each non-ASCII
    character matches any one character; the caller keeps the rows for which `same_name` holds."""
    pattern = "".join("\\" + ch if ch in "%_\\" else ch.lower() if ch.isascii() else "_" for ch in text)
    return func.lower(column).like(pattern, escape="\\")


def same_name(a: str | None, b: str) -> bool:
    return a is not None and name_key(a) == name_key(b)


def suggestions(session: Session, ref: str, limit: int = 3) -> list[str]:
    key = name_key(ref)
    a = account_table.c
    names = dict(session.execute(select(a.name_key, a.name)).all())
    close = difflib.get_close_matches(key, list(names), n=limit, cutoff=0.6)
    if len(close) < limit and key:
        close += [k for k in names if key in k and k not in close][: limit - len(close)]
    return [names[k] for k in close]


def account_row(session, ref: str | int):
    """An account (a Core row) by id or by name (any case); a miss suggests close names (exit 3)."""
    text = str(ref).strip()
    if not text:
        raise InvalidValue("account", ref, "give an account name or id")
    a = account_table.c
    if as_id(text) is not None:
        row = session.execute(select(account_table).where(a.id == as_id(text))).first()
        if row is None:
            raise NotFound(f"account: no account has id {text}.")
        return row
    row = session.execute(select(account_table).where(a.name_key == name_key(text))).first()
    if row is None:
        close = suggestions(session, text)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise NotFound(f"account: no account named {text!r}.{hint}")
    return row


def find_account(session: Session, ref: str | int, *, for_update: bool = False) -> Account:
    """The account as an ORM object, for a write (locked on PostgreSQL with for_update)."""
    from cstool.storage.models import Account

    found = account_row(session, ref)
    return session.get(Account, found.id, with_for_update=for_update or None)


def find_named(session, table, label: str, ref: str, account_id: int | None = None):
    """A row of `table` by id, or by name (any case) within an account; several of the same name: give the id."""
    text = str(ref).strip()
    where = " on that account." if account_id else "."
    c = table.c
    if as_id(text) is not None:
        row = session.execute(select(table).where(c.id == as_id(text))).first()
        if row is None or (account_id is not None and row.account_id != account_id):
            raise NotFound(f"{label}: no {label} has id {text}{where}")
        return row
    query = select(table).where(name_like(c.name, text))
    if account_id is not None:
        query = query.where(c.account_id == account_id)
    matches = [r for r in session.execute(query.order_by(c.id)).all() if same_name(r.name, text)]
    if not matches:
        raise NotFound(f"{label}: no {label} named {text!r}{where}")
    if len(matches) > 1:
        ids = ", ".join(str(m.id) for m in matches)
        raise Conflict(f"{label}: {len(matches)} records are named {text!r} (ids {ids}); give the id.")
    return matches[0]


def account_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    a = account_table.c
    return dict(session.execute(select(a.id, a.name).where(among(a.id, ids))).all())


def count(session: Session, model) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def only_open(session: Session, table, *, account, is_open, order_by, label: str, describe, noun: str,
              hint: str = ""):
    """An account's one open record of a kind (a row of `table`); none is exit 3, several are listed and refused (exit 4)."""
    open_ones = session.execute(select(table).where(table.c.account_id == account.id, is_open).order_by(*order_by)).all()
    if not open_ones:
        raise NotFound(f"{label}: {account.name} has no open {noun}{hint}.")
    if len(open_ones) > 1:
        listing = "; ".join(describe(r) for r in open_ones)
        raise Conflict(f"{label}: {account.name} has {len(open_ones)} open {noun}s: {listing}. Give the {noun} id.")
    return open_ones[0]


def by_id_name_or_account(session, table, ref: str, *, label: str, noun: str, is_open, describe, hint: str = ""):
    """A row by id, by its unique name (name_key), or the account's one open record of the kind."""
    text = str(ref).strip()
    if as_id(text) is not None:
        row = session.execute(select(table).where(table.c.id == as_id(text))).first()
        if row is None:
            raise NotFound(f"{label}: no {noun} has id {text}.")
        return row
    row = session.execute(select(table).where(table.c.name_key == name_key(text))).first()
    if row is not None:
        return row
    return only_open(session, table, account=account_row(session, text), is_open=is_open,
                     order_by=(table.c.id,), label=label, noun=noun, describe=describe, hint=hint)
