"""Turning the names a CSV gives (account, opportunity, contact, EBR, PSE) into ids, a batch at a time."""

from __future__ import annotations

from sqlalchemy import func, select

from cstool.services.importing.base import Context, Row
from cstool.services.lookup import name_key
from cstool.storage.models import Account

CHUNK = 900  # stay under SQLite's bound-parameter limit


def chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def account_ids(session, keys: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in chunks(sorted(keys)):
        found.update(dict(session.execute(select(Account.name_key, Account.id).where(Account.name_key.in_(chunk))).all()))
    return found


def resolve_accounts(ctx: Context, rows: list[Row], field: str = "account") -> list[Row]:
    """Each row's account by name (any case): rows naming an unknown account are bad rows."""
    ids = account_ids(ctx.session, {name_key(r.values[field]) for r in rows})
    out = []
    for r in rows:
        aid = ids.get(name_key(r.values[field]))
        if aid is None:
            ctx.error(r.line, f"{field}: no account named {r.values[field]!r} (import accounts first)")
            continue
        r.account_id = aid
        out.append(r)
    return out


def by_name_in_account(ctx: Context, rows: list[Row], model, field: str, *, also_email: bool = False,
                       required: bool = False, many: bool = False) -> list[Row]:
    """Resolve `field` (a name, or a list of names with many=True) to ids of `model` rows of the same account.

    The ids go to row.refs[field]; an unknown name is a bad row."""
    wanted = {r.account_id for r in rows if r.values.get(field)}
    table = model.__table__
    known: dict[tuple[int, str], int] = {}
    for chunk in chunks(sorted(wanted)):
        columns = [table.c.account_id, func.lower(table.c.name), table.c.id]
        for aid, name, rid in ctx.session.execute(select(*columns).where(table.c.account_id.in_(chunk))).all():
            known.setdefault((aid, name.casefold()), rid)
        if also_email:
            for aid, email, rid in ctx.session.execute(
                select(table.c.account_id, func.lower(table.c.email), table.c.id)
                .where(table.c.account_id.in_(chunk), table.c.email.is_not(None))
            ).all():
                known.setdefault((aid, email.casefold()), rid)
    out = []
    for r in rows:
        given = r.values.get(field)
        if not given:
            if required:
                ctx.error(r.line, f"{field}: it may not be empty")
                continue
            out.append(r)
            continue
        names = given if many else [given]
        ids = [known.get((r.account_id, n.casefold())) for n in names]
        missing = [n for n, i in zip(names, ids) if i is None]
        if missing:
            noun = model.__tablename__
            ctx.error(r.line, f"{field}: {r.values['account']} has no {noun} named {', '.join(map(repr, missing))}")
            continue
        r.refs[field] = ids if many else ids[0]
        out.append(r)
    return out


def match_existing(ctx: Context, rows: list[Row], table, *, label: str) -> list[Row]:
    """Rows keyed by name within their account: a name twice in the file is a bad row; a name the account
    already has is refused, or with --update becomes the record the row updates (row.existing_id)."""
    c = table.c
    existing: dict[tuple[int, str], int] = {}
    for chunk in chunks(sorted({r.account_id for r in rows})):
        for aid, name, rid in ctx.session.execute(
            select(c.account_id, func.lower(c.name), c.id).where(c.account_id.in_(chunk)).order_by(c.id)
        ).all():
            existing.setdefault((aid, name.casefold()), rid)
    out = []
    for r in rows:
        key = (r.account_id, r.values["name"].casefold())
        if not ctx.first_time((table.name, key), r.line, f"{label} {r.values['name']!r} of {r.values['account']} "
                                                         "appears twice in the file"):
            continue
        if key in existing:
            if not ctx.update:
                ctx.error(r.line, f"{r.values['name']!r} already exists for {r.values['account']} "
                                  "(give --update to update it)")
                continue
            r.existing_id = existing[key]
        out.append(r)
    return out


def match_unique_name(ctx: Context, rows: list[Row], table, *, label: str) -> list[Row]:
    """Rows keyed by a name unique in the whole store (PSEs, POVs): twice in the file is a bad row; an existing
    name is refused, or with --update becomes the record the row updates."""
    existing: dict[str, int] = {}
    for chunk in chunks(sorted({name_key(r.values["name"]) for r in rows})):
        existing.update(dict(ctx.session.execute(select(table.c.name_key, table.c.id)
                                                 .where(table.c.name_key.in_(chunk))).all()))
    out = []
    for r in rows:
        key = name_key(r.values["name"])
        if not ctx.first_time((label, key), r.line):
            continue
        if key in existing:
            if not ctx.update:
                ctx.error(r.line, f"{r.values['name']!r} already exists (names are unique; give --update to update it)")
                continue
            r.existing_id = existing[key]
        out.append(r)
    return out
