"""Import kind: Proofs of Value (a record of what ran: status and result held together, dates in order)."""

from __future__ import annotations


from cstool.domain import fields as f
from cstool.domain import pov as rules
from cstool.errors import CstoolError
from cstool.services.importing.base import Column, Context, Kind, Row, insert_new, update_existing
from cstool.services.importing.cells import day, name_of, pick, text
from cstool.services.importing.refs import by_name_in_account, resolve_accounts, match_unique_name
from cstool.services.lookup import name_key
from cstool.storage.models import Opportunity, Pov

FIELDS = ("owner", "type", "status", "result", "success_criteria", "start_date", "planned_end_date", "end_date",
          "collaboration_project_url", "notes")


def _resolve(ctx: Context, rows: list[Row]) -> list[Row]:
    settled = []
    for r in rows:
        v = r.values
        try:
            v["status"], v["result"] = rules.settle(v.get("status"), v.get("result"), start=v.get("start_date"),
                                                    end=v.get("end_date"))
            settled.append(r)
        except CstoolError as exc:
            ctx.error(r.line, exc.message)
    rows = by_name_in_account(ctx, resolve_accounts(ctx, settled), Opportunity, "opportunity", required=True)
    return match_unique_name(ctx, rows, Pov.__table__, label="pov")


def _values(r: Row) -> dict:
    return {k: r.values.get(k) for k in FIELDS if k in r.values} | {"opportunity_id": r.refs["opportunity"]}


def _write(ctx: Context, rows: list[Row]) -> None:
    for r in rows:
        if r.existing_id is not None:
            update_existing(ctx, POVS, Pov, r, _values(r))
    blank = {c.name: None for c in Pov.__table__.columns}
    insert_new(ctx, POVS, [r for r in rows if r.existing_id is None], lambda r: {
        **blank, **_values(r), "name": r.values["name"], "name_key": name_key(r.values["name"]),
        "account_id": r.account_id, "created_at": ctx.stamp, "updated_at": ctx.stamp})


POVS = Kind(
    "povs", "pov", "pov",
    (
        Column("account", ("Account Name",), text(200), required=True),
        Column("opportunity", ("Opportunity Name",), text(200), required=True),
        Column("name", ("POV Name", "Proof of Value Name"), name_of(300), required=True),
        Column("owner", ("Solutions Architect", "SA", "POV Owner"), text(200)),
        Column("type", ("POV Type",), pick(rules.TYPES)),
        Column("status", ("POV Status",), pick(rules.STATUSES, {"open": "in-progress", "canceled": "cancelled",
                                                                "complete": "closed", "completed": "closed"})),
        Column("result", ("POV Result", "Outcome"), pick(rules.RESULTS, {"won": "successful", "lost": "unsuccessful",
                                                                         "success": "successful"})),
        Column("success_criteria", ("Success Criteria",), text(4000)),
        Column("start_date", ("Start Date", "POV Start Date"), day),
        Column("planned_end_date", ("Planned End Date", "Planned End"), day),
        Column("end_date", ("End Date", "Close Date", "POV End Date"), day),
        Column("collaboration_project_url", ("Collaboration Project",), lambda v, ctx, n: f.url(n, v)),
        Column("notes", ("Comments",), text(4000)),
    ),
    _resolve, _write,
    aliases=("pov", "proofs-of-value"),
    help="Account Name, Opportunity Name, POV Name, Type, Status, Result, Start, Planned End, End Date, ...",
)
