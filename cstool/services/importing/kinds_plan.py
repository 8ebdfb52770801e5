"""Import kind: success-plan objectives (a green status without its date takes none: nothing is guessed)."""

from __future__ import annotations

from sqlalchemy import func, select

from cstool.domain import plans as rules
from cstool.services.importing.base import Column, Context, Kind, Row, insert_new, update_existing
from cstool.services.importing.cells import boolean, day, pick, text
from cstool.services.importing.refs import chunks, resolve_accounts
from cstool.storage.models import Objective

FIELDS = ("is_primary", "solution", "capability", "value_driver", "metrics", "pain", "due_date", "status",
          "green_date", "notes", "title")


def _resolve(ctx: Context, rows: list[Row]) -> list[Row]:
    """Objectives are keyed by title within their account; one primary per account, in the store and the file."""
    rows = resolve_accounts(ctx, rows)
    existing: dict[tuple[int, str], int] = {}
    primary_of: dict[int, int] = {}
    for chunk in chunks(sorted({r.account_id for r in rows})):
        for aid, title, oid, is_primary in ctx.session.execute(
                select(Objective.account_id, func.lower(Objective.title), Objective.id, Objective.is_primary)
                .where(Objective.account_id.in_(chunk))):
            existing[(aid, title.casefold())] = oid
            if is_primary:
                primary_of[aid] = oid
    out = []
    for r in rows:
        v = r.values
        v.setdefault("status", "yellow")  # a green status without its date gets none: nothing is guessed
        key = (r.account_id, v["title"].casefold())
        if not ctx.first_time(("objective", key), r.line, f"objective {v['title']!r} of {v['account']} appears "
                                                           "twice in the file"):
            continue
        if key in existing:
            if not ctx.update:
                ctx.error(r.line, f"{v['title']!r} already exists for {v['account']} (give --update to update it)")
                continue
            r.existing_id = existing[key]
        if v.get("is_primary"):
            holder = primary_of.get(r.account_id)
            if holder is not None and holder != r.existing_id:
                ctx.error(r.line, f"{v['account']} already has a primary objective (#{holder}); one per account")
                continue
            if not ctx.first_time(("primary", r.account_id), r.line, "a second primary objective for this account"):
                continue
        out.append(r)
    return out


def _values(r: Row) -> dict:
    return {k: r.values[k] for k in FIELDS if k in r.values}


def _write(ctx: Context, rows: list[Row]) -> None:
    for r in rows:
        if r.existing_id is not None:
            update_existing(ctx, OBJECTIVES, Objective, r, _values(r))
    blank = {c.name: None for c in Objective.__table__.columns}
    insert_new(ctx, OBJECTIVES, [r for r in rows if r.existing_id is None], lambda r: {
        **blank, "is_primary": False, **_values(r), "account_id": r.account_id, "created_at": ctx.stamp,
        "updated_at": ctx.stamp})


OBJECTIVES = Kind(
    "objectives", "objective", "objective",
    (
        Column("account", ("Account Name",), text(200), required=True),
        Column("title", ("Objective", "Objective Title", "Use Case"), text(500), required=True),
        Column("is_primary", ("primary", "Primary", "Primary Use Case"), boolean),
        Column("solution", ("Solution",), text(500)),
        Column("capability", ("Capability",), text(60)),
        Column("value_driver", ("Value Driver",), text(500)),
        Column("metrics", ("Metrics", "Success Metrics"), text(2000)),
        Column("pain", ("Pain", "Pain Points"), text(2000)),
        Column("due_date", ("due", "Due Date"), day),
        Column("status", ("Status", "Colour", "Color", "Health"), pick(rules.STATUSES)),
        Column("green_date", ("Green Date", "Date Green"), day),
        Column("notes", ("Notes",), text(4000)),
    ),
    _resolve, _write,
    aliases=("objective", "plans", "plan", "plan-objectives", "success-plans"),
    help="Account Name, Objective, Primary, Capability, Value Driver, Metrics, Pain, Due Date, Status, Green Date",
)
