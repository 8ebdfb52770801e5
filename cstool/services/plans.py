"""Success plans: objectives added, changed (the green date stamped once) and removed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Session

from cstool.clock import now, today
from cstool.domain import fields as f
from cstool.domain import plans as rules
from cstool.domain.dates import parse_date
from cstool.errors import Conflict, InvalidValue, NotFound
from cstool.services.history import apply_changes, record_changes, record_created
from cstool.services.lookup import as_id, find_account
from cstool.storage.models import Objective, ObjectiveCreate


def parse_fields(raw: dict[str, Any]) -> dict[str, Any]:
    """Options -> attributes; "" clears an optional text or date."""
    values: dict[str, Any] = {}
    for option, limit in (("solution", 500), ("value_driver", 500), ("metrics", 2000), ("pain", 2000),
                          ("notes", 4000)):
        if raw.get(option) is not None:
            values[option] = f.text(option.replace("_", "-"), raw[option], max_len=limit)
    if raw.get("capability") is not None:
        known = {c.casefold(): c for c in rules.CAPABILITIES}
        values["capability"] = known.get(raw["capability"].strip().casefold()) or f.text(
            "capability", raw["capability"], max_len=60)
    if raw.get("due") is not None:
        values["due_date"] = parse_date(raw["due"], field="due") if raw["due"].strip() else None
    if raw.get("title") is not None:
        values["title"] = f.text("title", raw["title"], max_len=500, required=True)
    if raw.get("status") is not None:
        values["status"] = f.choice("status", raw["status"], rules.STATUSES)
    return values


def find_objective(session: Session, ref: str) -> Objective:
    text = str(ref).strip()
    if as_id(text) is None:
        raise InvalidValue("id", ref, "give the objective's numeric id (see `cstool plan list`)")
    o = session.get(Objective, as_id(text))
    if o is None:
        raise NotFound(f"plan: no objective has id {text}.")
    return o


def _other_primary(session: Session, account_id: int, besides: int | None) -> Objective | None:
    query = select(Objective).where(Objective.account_id == account_id, Objective.is_primary.is_(True))
    if besides is not None:
        query = query.where(Objective.id != besides)
    return session.scalars(query).first()


def _refuse_second_primary(session: Session, account_id: int, besides: int | None) -> None:
    other = _other_primary(session, account_id, besides)
    if other is not None:
        raise Conflict(f"plan: #{other.id} '{other.title}' is already the primary objective of this account; "
                       f"one per account (clear it with `cstool plan update {other.id} --no-primary`).")


def add(session: Session, *, account: str, objective: str, primary: bool, on: str | None, raw: dict,
        actor: str) -> tuple[Objective, list[str]]:
    acc = find_account(session, account)
    values = parse_fields({**raw, "title": objective})
    if primary:
        _refuse_second_primary(session, acc.id, None)
    status = values.pop("status", "yellow")
    when = parse_date(on, field="date") if on else today()
    data = ObjectiveCreate(account_id=acc.id, is_primary=primary, status=status,
                           green_date=rules.green_date(old_status="yellow", old_green=None, new_status=status,
                                                       when=when), **values)
    stamp = now()
    o = Objective.model_validate({**data.model_dump(), "created_at": stamp, "updated_at": stamp})
    session.add(o)
    session.flush()
    record_created(session, actor=actor, entity="objective", entity_id=o.id, account_id=acc.id,
                   values={"title": o.title, "primary": o.is_primary, "status": o.status})
    return o, [f"Added objective #{o.id} '{o.title}' to {acc.name}'s success plan"
               + (" (primary)." if primary else ".")]


def update(session: Session, *, ref: str, primary: bool | None, on: str | None, raw: dict,
           actor: str) -> tuple[Objective, list[str]]:
    o = find_objective(session, ref)
    values = parse_fields(raw)
    if primary is not None:
        if primary:
            _refuse_second_primary(session, o.account_id, o.id)
        values["is_primary"] = primary
    if "status" in values:
        when = parse_date(on, field="date") if on else today()
        values["green_date"] = rules.green_date(old_status=o.status, old_green=o.green_date,
                                                new_status=values["status"], when=when)
    changes = apply_changes(session, o, values, actor=actor, entity="objective")
    return o, [f"Objective #{o.id}: " + (", ".join(changes) if changes else "nothing to change") + "."]


def remove(session: Session, *, ref: str, actor: str) -> tuple[dict, list[str]]:
    o = find_objective(session, ref)
    gone = {"id": o.id, "account_id": o.account_id, "title": o.title}
    record_changes(session, actor=actor, entity="objective", entity_id=o.id, account_id=o.account_id,
                   changes={"(removed)": (o.title, None)})
    session.execute(delete(Objective).where(Objective.id == o.id))
    return gone, [f"Removed objective #{gone['id']} '{gone['title']}'."]
