"""The change trail: who changed which field of which record, when, from what to what."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable

from typing import TYPE_CHECKING

from sqlalchemy import insert, or_, select

from cstool.clock import now
from cstool.domain.fields import from_cents
from cstool.storage.tables import history as History

if TYPE_CHECKING:
    from sqlmodel import Session


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _public(field: str, old: Any, new: Any) -> tuple[str, tuple[Any, Any]]:
    """Stored names -> the names people use: iacv_cents 12000000 -> iacv 120000; scoped_centihours -> scoped_hours."""
    if field.endswith("_centihours"):
        return field[: -len("_centihours")] + "_hours", (from_cents(old), from_cents(new))
    if field.endswith("_cents"):
        return field[: -len("_cents")], (from_cents(old), from_cents(new))
    return field, (old, new)


def apply_changes(session: Session, record: Any, values: dict, *, actor: str, entity: str,
                  account_id: int | None = None) -> dict[str, tuple[Any, Any]]:
    """Set the fields that differ, stamp updated_at where the table has one, and record each change."""
    changes = {k: (getattr(record, k), v) for k, v in values.items() if getattr(record, k) != v}
    for key, (_, new) in changes.items():
        setattr(record, key, new)
    if changes:
        if hasattr(record, "updated_at"):
            record.updated_at = now()
        record_changes(session, actor=actor, entity=entity, entity_id=record.id,
                       account_id=record.account_id if account_id is None else account_id, changes=changes)
    return changes


def record_changes(
    session: Session,
    *,
    actor: str,
    entity: str,
    entity_id: int,
    account_id: int | None,
    changes: dict[str, tuple[Any, Any]],
) -> None:
    """One history row per changed field, in the caller's transaction."""
    changes = dict(_public(field, old, new) for field, (old, new) in changes.items())
    rows = bulk_rows(actor=actor, entity=entity, changes=(
        (entity_id, account_id, field, old, new) for field, (old, new) in changes.items() if old != new))
    if rows:
        session.execute(insert(History), rows)


def record_created(
    session: Session, *, actor: str, entity: str, entity_id: int, account_id: int | None, values: dict
) -> None:
    snapshot = json.dumps({k: as_text(v) for k, v in values.items() if v is not None}, sort_keys=True)
    record_changes(
        session,
        actor=actor,
        entity=entity,
        entity_id=entity_id,
        account_id=account_id,
        changes={"(created)": (None, snapshot[:4000])},
    )


def bulk_rows(
    *, actor: str, entity: str, changes: Iterable[tuple[int, int | None, str, Any, Any]]
) -> list[dict]:
    """History rows for a set-based change: (entity_id, account_id, field, old, new)."""
    at = now()
    return [
        {
            "at": at,
            "actor": actor,
            "entity": entity,
            "entity_id": entity_id,
            "account_id": account_id,
            "field": field,
            "old": as_text(old),
            "new": as_text(new),
        }
        for entity_id, account_id, field, old, new in changes
    ]


def history_rows(session: Session, *, entity: str, entity_id: int, include_account: bool) -> list[dict]:
    h = History.c
    query = select(h.at, h.actor, h.entity, h.entity_id, h.field, h.old, h.new)
    if include_account:
        query = query.where(or_((h.entity == entity) & (h.entity_id == entity_id), h.account_id == entity_id))
    else:
        query = query.where(h.entity == entity, h.entity_id == entity_id)
    query = query.order_by(h.at, h.id)
    return [
        {
            "at": r.at.isoformat().replace("+00:00", "Z"),
            "actor": r.actor,
            "entity": r.entity,
            "entity_id": r.entity_id,
            "field": r.field,
            "old": r.old,
            "new": r.new,
        }
        for r in session.execute(query)
    ]


ENTITIES = ("account", "contact", "opportunity", "onboarding", "activity", "task", "setting", "ebr", "pse", "pov",
            "objective", "pse_time_entry", "license_usage", "time_entry", "usage")
# the short names people type -> the history entity (the table's name, as `import` records it too)
ENTITY_ALIASES = {"time_entry": "pse_time_entry", "usage": "license_usage"}


def _ever_existed(session: Session, entity: str, entity_id: int, rows: list[dict]) -> bool:
    """A record exists, or existed: its history outlives it (a removed record's trail stays readable)."""
    if rows or (entity == "setting" and entity_id == 0):  # the team settings' trail is setting:0
        return True
    from cstool.storage import tables

    table = getattr(tables, entity, None)
    if table is None or "id" not in table.c:
        return False
    return session.execute(select(table.c.id).where(table.c.id == entity_id)).first() is not None


def remove_with_trail(session: Session, row: Any, *, entity: str, shown: str, parent: tuple[str, int],
                      parent_field: str, account_id: int | None, actor: str) -> None:
    """Delete a correctable record (a time entry, a usage snapshot) and keep its trail: a `(removed)` row on the
    record itself (`history ENTITY:ID` still shows it) and one on the record it belonged to."""
    record_changes(session, actor=actor, entity=entity, entity_id=row.id, account_id=account_id,
                   changes={"(removed)": (shown, None)})
    record_changes(session, actor=actor, entity=parent[0], entity_id=parent[1], account_id=account_id,
                   changes={parent_field: (None, shown)})
    session.delete(row)
    session.flush()


def child_by_id(session: Session, model: Any, ident: str, *, entity: str, label: str, noun: str, listing: str) -> Any:
    """A correctable record by its numeric id, locked for the write: removed earlier is exit 4, never existed 3."""
    from cstool.errors import InvalidValue
    from cstool.services.lookup import as_id

    text = str(ident).strip()
    if as_id(text) is None:
        raise InvalidValue("id", ident, f"give the {noun}'s numeric id (see `{listing}`)")
    row = session.get(model, as_id(text), with_for_update=True)
    if row is None:
        raise missing_record(session, entity, as_id(text), noun, label=label)
    return row


def missing_record(session: Session, entity: str, entity_id: int, noun: str, *, label: str | None = None):
    """The error for a record id that is not in its table: removed earlier (its history says so) is a conflict
    (exit 4), an id that never existed is not found (exit 3)."""
    from cstool.errors import Conflict, NotFound

    h = History.c
    removed = session.execute(select(h.at).where(h.entity == entity, h.entity_id == entity_id,
                                                 h.field == "(removed)")).first()
    label = label or entity
    if removed is not None:
        return Conflict(f"{label}: {noun} {entity_id} was removed on {removed.at.date().isoformat()} "
                        f"(see `cstool history {label}:{entity_id}`).")
    return NotFound(f"{label}: no {noun} has id {entity_id}.")


def history_for(session: Session, ref: str) -> list[dict]:
    """`ENTITY:ID` (e.g. onboarding:3) for one record; anything else is an account, with everything under it."""
    from cstool.errors import InvalidValue, NotFound
    from cstool.services.lookup import account_row, as_id

    entity, _, ident = ref.partition(":")
    if ident and entity.strip().lower() in ENTITIES:
        if as_id(ident) is None:
            raise InvalidValue("ref", ref, "write ENTITY:ID with a numeric id, e.g. onboarding:3")
        typed, number = entity.strip().lower(), as_id(ident)
        kind = ENTITY_ALIASES.get(typed, typed)
        rows = history_rows(session, entity=kind, entity_id=number, include_account=False)
        if not _ever_existed(session, kind, number, rows):
            raise NotFound(f"{typed}: no {typed.replace('_', ' ')} has ever had id {number}.")
        return rows
    account = account_row(session, ref)
    return history_rows(session, entity="account", entity_id=account.id, include_account=True)
