"""Import kinds: PSEs (with their contacts) and PSE time entries.

Cells are checked by the same `parse_settings` the pse commands use.  An imported engagement is a
record of what happened, so the kickoff and completion gates (which govern the commands that move an
engagement forward) are not applied; dates must still be in order and a completed one needs its date.
"""

from __future__ import annotations

from sqlalchemy import insert, select

from cstool.domain import pse as rules
from cstool.errors import CstoolError, RuleViolation
from cstool.services.history import record_changes
from cstool.services.importing.base import Column, Context, Kind, Row, insert_new, update_existing
from cstool.services.importing.cells import boolean, day, name_of, names_list, text
from cstool.services.importing.refs import by_name_in_account, chunks, resolve_accounts, match_unique_name
from cstool.services.lookup import name_key
from cstool.services.pse import parse_settings
from cstool.storage.models import Contact, Opportunity, Pse, PseContact

SETTINGS = ("owner", "team", "type", "success_criteria", "econtract", "sow", "collaboration_project", "status",
            "percent", "notes", "scoped_hours", "approver", "passive_acceptance_language", "signed_acceptance",
            "passive_acceptance_used", "customer_signoff", "kickoff", "expected_start", "expected_completion",
            "actual_start", "completed")


def iso_day(v, ctx, name):
    return day(v, ctx, name).isoformat()  # parse_settings reads ISO; the import's --date-order is applied here


iso_day.reads_date = True  # type: ignore[attr-defined]


def _settle(r: Row) -> dict:
    values = parse_settings({k: v for k, v in r.values.items() if k in SETTINGS})
    if "hours_updated" in r.values:
        values["hours_updated_date"] = r.values["hours_updated"]
    if "approved" in r.values:
        values["approved"] = r.values["approved"]
    status = values.get("status", "backlog")
    if status == "completed":
        if values.get("completed_date") is None:
            raise RuleViolation("completed: a completed engagement needs its completed date")
        values.setdefault("percent_complete", 100)
    return values


def _resolve(ctx: Context, rows: list[Row]) -> list[Row]:
    settled = []
    for r in rows:
        try:
            r.refs["values"] = _settle(r)
            if "hours_consumed" in r.values:  # the one time entry it becomes is dated the hours-updated date
                r.refs["values"].setdefault("hours_updated_date", ctx.today)
            settled.append(r)
        except CstoolError as exc:
            ctx.error(r.line, exc.message)
    rows = resolve_accounts(ctx, settled)
    rows = by_name_in_account(ctx, rows, Opportunity, "opportunity", required=True)
    rows = by_name_in_account(ctx, rows, Contact, "contacts", also_email=True, many=True)
    return match_unique_name(ctx, rows, Pse.__table__, label="pse")


def _write(ctx: Context, rows: list[Row]) -> None:
    for r in rows:
        if r.existing_id is not None:
            update_existing(ctx, PSES, Pse, r, {**r.refs["values"], "opportunity_id": r.refs["opportunity"]})
    blank = {c.name: None for c in Pse.__table__.columns}
    defaults = {"status": "backlog", "percent_complete": 0, "approved": False, "passive_acceptance_language": False,
                "signed_acceptance": False, "passive_acceptance_used": False, "customer_signoff": False}
    insert_new(ctx, PSES, [r for r in rows if r.existing_id is None], lambda r: {
        **blank, **defaults, **r.refs["values"], "name": r.values["name"], "name_key": name_key(r.values["name"]),
        "account_id": r.account_id, "opportunity_id": r.refs["opportunity"], "created_at": ctx.stamp,
        "updated_at": ctx.stamp})
    _consumed_entries(ctx, [r for r in rows if "hours_consumed" in r.values])
    for r in rows:
        have = set(ctx.session.scalars(select(PseContact.contact_id).where(PseContact.pse_id == r.existing_id)))
        add = [c for c in dict.fromkeys(r.refs.get("contacts", [])) if c not in have]
        if add:
            ctx.session.execute(insert(PseContact), [{"pse_id": r.existing_id, "contact_id": c} for c in add])
            record_changes(ctx.session, actor=ctx.actor, entity="pse", entity_id=r.existing_id,
                           account_id=r.account_id, changes={"contacts": (None, ", ".join(map(str, add)))})


def _consumed_entries(ctx: Context, rows: list[Row]) -> None:
    """An imported Hours Consumed becomes one time entry (note "imported", dated the hours-updated date) for
    what the engagement's entries do not already hold, so consumed hours stay the sum of time entries."""
    from cstool.queries.pse import consumed

    have = consumed(ctx.session.connection(), [r.existing_id for r in rows])
    entries = []
    for r in rows:
        missing = r.values["hours_consumed"] - have.get(r.existing_id, 0)
        if missing < 0:
            ctx.error(r.line, f"Hours Consumed: {r.values['hours_consumed'] / 100:g} is less than the "
                              f"{have[r.existing_id] / 100:g} hours already logged on this engagement; "
                              "correct its time entries instead")
        elif missing > 0:
            entries.append(Row(r.line, {"hours": missing, "date": r.refs["values"]["hours_updated_date"]},
                               account_id=r.account_id, refs={"pse_id": r.existing_id}))
    insert_new(ctx, TIME_ENTRIES, entries, lambda e: {
        "pse_id": e.refs["pse_id"], "on_date": e.values["date"], "centihours": e.values["hours"],
        "note": "imported", "actor": ctx.actor, "created_at": ctx.stamp})
    ctx.result.created -= len(entries)  # the engagements are the records imported; their hours come with them


PSES = Kind(
    "pses", "pse", "pse",
    (
        Column("account", ("Account Name", "Account"), text(200), required=True),
        Column("opportunity", ("Opportunity Name", "Opportunity"), text(200), required=True),
        Column("name", ("PSE Name", "Engagement Name", "Project Name", "PS Engagement Name"),
               name_of(300),
               required=True),
        Column("owner", ("Engagement Owner", "Project Manager", "Owner"), text(200)),
        Column("team", ("Project Team", "project_team"), text(1000)),
        Column("type", ("Engagement Type", "engagement_type"), text(60)),
        Column("success_criteria", ("Success Criteria",), text(4000)),
        Column("econtract", ("E-Contract", "econtract_url", "E-Contract URL", "Sertifi EContract", "Sertifi Contract"), text(500)),
        Column("sow", ("SOW", "sow_url", "SOW URL", "Engagement Link", "SOW Link", "PS Engagement Link"), text(500)),
        Column("collaboration_project", ("Collaboration Project", "collaboration_project_url"), text(500)),
        Column("status", ("PSE Status", "Engagement Status"), text(30)),
        Column("percent", ("Percent Complete", "percent_complete", "% Complete"), text(10)),
        Column("notes", ("General Notes",), text(4000)),
        Column("scoped_hours", ("Scoped Hours", "Hours Scoped"), text(20)),
        Column("approver", ("Approved By", "Approver"), text(200)),
        Column("approved", ("Approved",), boolean),
        Column("passive_acceptance_language", ("Passive Acceptance Language in SOW",), boolean),
        Column("signed_acceptance", ("Signed Acceptance from Customer",), boolean),
        Column("passive_acceptance_used", ("Passive Acceptance Used for Sign-off", "Passive acceptanced used for sign off?"), boolean),
        Column("customer_signoff", ("Customer Sign-off", "Customer Signoff"), boolean),
        Column("kickoff", ("Kick-off Date", "Kickoff Date", "kickoff_date"), iso_day),
        Column("expected_start", ("Expected Start Date", "expected_start_date"), iso_day),
        Column("expected_completion", ("Expected Completion Date", "expected_completion_date"), iso_day),
        Column("actual_start", ("Actual Start Date", "actual_start_date", "Actual Project Start Date"), iso_day),
        Column("completed", ("Completed Date", "completed_date"), iso_day),
        Column("hours_updated", ("Hours Updated Date", "hours_updated_date"), day),
        Column("hours_consumed", ("Hours Consumed", "Consumed Hours"), lambda v, ctx, n: rules.hours(n, v),
               note="becomes one time entry noted \"imported\", dated Hours Updated Date (else the import day)"),
        Column("contacts", ("PSE Contacts", "Customer Contacts"), names_list),
    ),
    _resolve, _write,
    aliases=("pse", "professional-services-engagements", "engagements"),
    help="Account Name, Opportunity Name, PSE Name, Status, Scoped Hours, dates, approver, acceptance flags, Contacts",
)


# --- time entries -------------------------------------------------------------------------------------------


def _resolve_entries(ctx: Context, rows: list[Row]) -> list[Row]:
    found: dict[str, tuple[int, int]] = {}
    for chunk in chunks(sorted({name_key(r.values["pse"]) for r in rows})):
        for key, pid, aid in ctx.session.execute(select(Pse.name_key, Pse.id, Pse.account_id)
                                                 .where(Pse.name_key.in_(chunk))).all():
            found[key] = (pid, aid)
    out = []
    for r in rows:
        hit = found.get(name_key(r.values["pse"]))
        if hit is None:
            ctx.error(r.line, f"pse: no engagement named {r.values['pse']!r} (import pses first)")
            continue
        if r.values["date"] > ctx.today:
            ctx.error(r.line, f"date: {r.values['date'].isoformat()} is in the future; log hours that were worked")
            continue
        r.refs["pse_id"], r.account_id = hit
        out.append(r)
    return out


def _write_entries(ctx: Context, rows: list[Row]) -> None:
    insert_new(ctx, TIME_ENTRIES, rows, lambda r: {
        "pse_id": r.refs["pse_id"], "on_date": r.values["date"], "centihours": r.values["hours"],
        "note": r.values.get("note"), "actor": ctx.actor, "created_at": ctx.stamp})
    latest = ctx.state.setdefault("latest", {})
    for r in rows:
        latest[r.refs["pse_id"]] = max(latest.get(r.refs["pse_id"], r.values["date"]), r.values["date"])


def _finish_entries(ctx: Context) -> None:
    """Hours-updated date: the latest entry's date, by the one rule `pse log-hours` uses."""
    from cstool.services.pse import sync_hours_updated

    sync_hours_updated(ctx.session, list(ctx.state.get("latest", {})), actor=ctx.actor)


TIME_ENTRIES = Kind(
    "time-entries", "pse_time_entry", "pse_time_entry",
    (
        Column("pse", ("PSE Name", "Engagement", "Engagement Name", "Project"), text(300), required=True),
        Column("date", ("Entry Date", "Work Date", "on_date"), day, required=True),
        Column("hours", ("Hours Logged", "Hours Worked", "Duration"),
               lambda v, ctx, n: rules.hours(n, v, positive=True), required=True),
        Column("note", ("Notes", "Description", "Comment"), text(2000)),
    ),
    _resolve_entries, _write_entries, finish=_finish_entries,
    aliases=("pse_time_entry", "pse_time_entries", "time_entries", "hours", "pse-hours"),
    history_account=lambda table: select(Pse.account_id).where(Pse.id == table.c.pse_id).scalar_subquery(),
    help="PSE Name, Date, Hours, Note",
)
