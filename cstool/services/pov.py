"""Proofs of Value: create, start (the gate, the 8-week limit, the SA's concurrency), close, cancel, update."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from cstool.clock import now, today
from cstool.domain import fields as f
from cstool.domain import pov as rules
from cstool.domain.dates import parse_date
from cstool.domain.dates import not_after_tomorrow
from cstool.errors import Conflict, RuleViolation
from cstool.queries.pov import pov_row
from cstool.services.crm import find_opportunity
from cstool.services.history import apply_changes, record_created
from cstool.services.lookup import find_account, name_key, name_like, same_name
from cstool.services.records import iso
from cstool.storage.models import Pov, PovCreate


def parse_settings(raw: dict[str, Any]) -> dict[str, Any]:
    """The setting options of create, update and start -> checked attributes ("" clears an optional one)."""
    values: dict[str, Any] = {}
    if raw.get("owner") is not None:
        values["owner"] = f.text("owner", raw["owner"], max_len=200)
    if raw.get("type") is not None:
        values["type"] = f.choice("type", raw["type"], rules.TYPES) if raw["type"].strip() else None
    if raw.get("success_criteria") is not None:
        values["success_criteria"] = f.text("success-criteria", raw["success_criteria"], max_len=4000)
    if raw.get("planned_end") is not None:
        values["planned_end_date"] = parse_date(raw["planned_end"], field="planned-end") if raw["planned_end"].strip() \
            else None
    if raw.get("collaboration_project") is not None:
        values["collaboration_project_url"] = f.url("collaboration-project", raw["collaboration_project"])
    if raw.get("notes") is not None:
        values["notes"] = f.text("notes", raw["notes"], max_len=4000)
    return values


def find_pov(session: Session, ref: str) -> Pov:
    return session.get(Pov, pov_row(session, ref).id, with_for_update=True)


def create(session: Session, *, account: str, opportunity: str | None, name: str | None, raw: dict,
           actor: str) -> tuple[Pov, list[str]]:
    acc = find_account(session, account)
    if not opportunity:
        raise RuleViolation("opportunity: a POV needs the opportunity it proves value for (--opportunity).")
    opp = find_opportunity(session, opportunity, account_id=acc.id)
    if opp.stage in rules.CLOSED_OPPORTUNITY_STAGES:
        raise RuleViolation(f"opportunity: {opp.name!r} is {opp.stage}; a POV runs while the opportunity is open.")
    values = parse_settings(raw)
    values.setdefault("owner", acc.sa)
    if name:
        title = f.name("name", name, max_len=300)
    else:
        count = session.scalar(select(func.count()).select_from(Pov).where(Pov.account_id == acc.id)) or 0
        title = rules.default_name(acc.name, count + 1)
    existing = session.scalars(select(Pov).where(Pov.name_key == name_key(title))).first()
    if existing is not None:
        raise Conflict(f"pov: a POV named {existing.name!r} (id {existing.id}) already exists; names are unique.")
    data = PovCreate(account_id=acc.id, opportunity_id=opp.id, name=title, status="new", **values)
    stamp = now()
    p = Pov.model_validate({**data.model_dump(), "name_key": name_key(title), "created_at": stamp, "updated_at": stamp})
    session.add(p)
    session.flush()
    record_created(session, actor=actor, entity="pov", entity_id=p.id, account_id=acc.id,
                   values={"name": p.name, "opportunity": opp.name, "type": p.type, "owner": p.owner})
    return p, [f"Created POV #{p.id} '{p.name}' for {acc.name} (new)."]


def _open_guided_or_paid(session: Session, owner: str | None, *, besides: int) -> int:
    if not owner:
        return 0
    owners = session.scalars(select(Pov.owner).where(
        name_like(Pov.owner, owner), Pov.status.in_(rules.OPEN_STATUSES),
        Pov.type.in_(rules.COUNTED_TYPES), Pov.id != besides)).all()
    return sum(1 for o in owners if same_name(o, owner))


def start(session: Session, *, ref: str, on: str | None, raw: dict, actor: str) -> tuple[Pov, list[str]]:
    p = find_pov(session, ref)
    if p.status != "new":
        raise Conflict(f"pov: #{p.id} is {p.status}; only a new POV is started"
                       + (" (a closed or cancelled POV is not started again)." if p.status != "in-progress" else "."))
    values = parse_settings(raw)
    when = parse_date(on, field="date") if on else today()
    not_after_tomorrow("date", when, today=today())
    future = {**{k: getattr(p, k) for k in ("success_criteria", "planned_end_date", "type", "owner")}, **values}
    rules.check_start(success_criteria=future["success_criteria"], planned_end=future["planned_end_date"], start=when)
    apply_changes(session, p, {**values, "status": "in-progress", "start_date": when}, actor=actor, entity="pov")
    events = [f"Started POV #{p.id} '{p.name}' on {iso(when)}; planned to end {iso(p.planned_end_date)}."]
    if p.type in rules.COUNTED_TYPES:
        running = _open_guided_or_paid(session, p.owner, besides=p.id) + 1
        if rules.over_limit(running):
            events.append(f"warning: {p.owner} now runs {running} guided or paid POVs at once; the limit is "
                          f"{rules.CONCURRENT_LIMIT}.")
    return p, events


def close(session: Session, *, ref: str, result: str, on: str | None, actor: str) -> tuple[Pov, list[str]]:
    p = find_pov(session, ref)
    outcome = f.choice("result", result, rules.RESULTS)
    if p.status != "in-progress":
        raise Conflict(f"pov: #{p.id} is {p.status}; only a POV in progress is closed.")
    when = parse_date(on, field="date") if on else today()
    not_after_tomorrow("date", when, today=today())
    rules.check_close(p.start_date, when)
    apply_changes(session, p, {"status": "closed", "result": outcome, "end_date": when}, actor=actor, entity="pov")
    over = p.planned_end_date is not None and when > p.planned_end_date
    return p, [f"Closed POV #{p.id} '{p.name}' on {iso(when)}: {outcome}, "
               f"{rules.length_days(p.start_date, when)} days" + (" (past its planned end)." if over else ".")]


def cancel(session: Session, *, ref: str, actor: str) -> tuple[Pov, list[str]]:
    p = find_pov(session, ref)
    if p.status not in rules.ACTIVE_STATUSES:
        raise Conflict(f"pov: #{p.id} is {p.status} already.")
    apply_changes(session, p, {"status": "cancelled"}, actor=actor, entity="pov")
    return p, [f"Cancelled POV #{p.id} '{p.name}'."]


def update(session: Session, *, ref: str, raw: dict, actor: str) -> tuple[Pov, list[str]]:
    p = find_pov(session, ref)
    values = parse_settings(raw)
    if p.status == "in-progress" and "planned_end_date" in values:
        if values["planned_end_date"] is None:
            raise RuleViolation("planned-end: a POV in progress keeps a planned end.")
        rules.check_planned(p.start_date, values["planned_end_date"])
    changes = apply_changes(session, p, values, actor=actor, entity="pov")
    return p, [f"POV #{p.id}: " + (", ".join(changes) if changes else "nothing to change") + "."]
