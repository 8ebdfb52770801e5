"""`cstool pse create|update|kickoff|log-hours|hours [update|remove]|complete|contact add|list|show`."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from cstool import render
from cstool.cli.common import FormatOpt, querying
from cstool.cli.options import flag_option as _flag
from cstool.cli.options import text_option as _text
from cstool.cli.options import with_options
from cstool.render import Format

app = typer.Typer(no_args_is_help=True)
contact_app = typer.Typer(no_args_is_help=True)
app.add_typer(contact_app, name="contact", help="Contacts of an engagement.")
ENTRY_COLUMNS = ["id", "date", "hours", "note", "actor"]

Ref = Annotated[str, typer.Argument(help="Engagement id or name, or an account with one open engagement.")]
LIST_COLUMNS = ["id", "account", "name", "status", "percent_complete", "scoped_hours", "hours_consumed",
                "remaining_hours", "owner"]


# The setting options of SPEC section 11, defined once and shared by create, update, kickoff and complete.
SETTINGS = {
    "owner": _text("--owner", "Owner of the engagement."),
    "team": _text("--team", "Project team."),
    "type": _text("--type", "Engagement type: fixed, time-and-materials, or other text."),
    "success_criteria": _text("--success-criteria", "What success means."),
    "econtract": _text("--econtract", "E-contract URL."),
    "sow": _text("--sow", "SOW / engagement URL."),
    "collaboration_project": _text("--collaboration-project", "Collaboration project URL."),
    "status": _text("--status", "backlog|initiation|in-progress|closure (completed: use `pse complete`)."),
    "percent": _text("--percent", "Percent complete, 0-100."),
    "notes": _text("--notes", "General notes."),
    "scoped_hours": _text("--scoped-hours", "Scoped hours (two decimals at most)."),
    "approver": _text("--approver", "Who approved it (sets approved)."),
    "passive_acceptance_language": _flag("--passive-acceptance-language", "The SOW has passive-acceptance language."),
    "signed_acceptance": _flag("--signed-acceptance", "Signed acceptance from the customer."),
    "passive_acceptance_used": _flag("--passive-acceptance-used", "Passive acceptance used for sign-off."),
    "customer_signoff": _flag("--customer-signoff", "The customer signed off."),
    "kickoff": _text("--kickoff", "Kick-off date."),
    "expected_start": _text("--expected-start", "Expected start date."),
    "expected_completion": _text("--expected-completion", "Expected completion date."),
    "actual_start": _text("--actual-start", "Actual start date."),
    "completed": _text("--completed", "Completed date."),
}


with_settings = with_options(SETTINGS)


def _change(ctx: typer.Context, fmt: Format, service, **kwargs) -> None:
    from cstool.cli.common import change_and_show
    from cstool.queries.pse import pse_records

    change_and_show(ctx, fmt, service, lambda session, p: pse_records(session, [p])[0],
                    lambda r: f"Engagement #{r['id']} {r['name']}", **kwargs)


@app.command("create")
@with_settings
def create(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name or id.")],
    name: Annotated[str, typer.Option("--name", help="Engagement name (unique).")],
    opportunity: Annotated[Optional[str], typer.Option("--opportunity", help="Opportunity id or name (required).")] = None,
    settings: dict = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Create an engagement (status backlog); it needs an account and an opportunity."""
    from cstool.services.pse import create as service

    _change(ctx, fmt, service, account=account, opportunity=opportunity, name=name, raw=settings)


@app.command("update")
@with_settings
def update(ctx: typer.Context, ref: Ref, settings: dict = None, fmt: FormatOpt = Format.table) -> None:
    """Change an engagement's fields (derived values follow; an empty value clears a field)."""
    from cstool.services.pse import update as service

    _change(ctx, fmt, service, ref=ref, raw=settings)


@app.command("kickoff")
@with_settings
def kickoff(
    ctx: typer.Context,
    ref: Ref,
    in_progress: Annotated[bool, typer.Option("--in-progress", help="Go straight to in-progress.")] = False,
    settings: dict = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Kick off: refuses, naming every missing field, until the kickoff fields are set."""
    from cstool.services.pse import kickoff as service

    _change(ctx, fmt, service, ref=ref, raw=settings, in_progress=in_progress)


@app.command("complete")
@with_settings
def complete(
    ctx: typer.Context,
    ref: Ref,
    on: Annotated[Optional[str], typer.Option("--date", help="Completed date (default today).")] = None,
    settings: dict = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Complete: every field filled, dates in order, the customer's sign-off recorded; percent becomes 100."""
    from cstool.services.pse import complete as service

    _change(ctx, fmt, service, ref=ref, raw=settings, on=on)


@app.command("log-hours")
def log_hours(
    ctx: typer.Context,
    ref: Ref,
    hours: Annotated[str, typer.Argument(help="Hours, e.g. 1.5.")],
    on: Annotated[Optional[str], typer.Option("--date", help="Day worked (default today).")] = None,
    note: Annotated[Optional[str], typer.Option("--note")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Log hours; consumed hours and the hours-updated date follow. Over the scope is warned about."""
    from cstool.services.pse import log_hours as service

    _change(ctx, fmt, service, ref=ref, hours=hours, on=on, note=note)


ENTRY_ACTIONS = ("update", "remove")


@app.command("hours")
def hours_(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(metavar="REF|update|remove", help="An engagement (id, name, or an account with "
                                          "one open one) to list its time entries, or update/remove to correct one.")],
    entry: Annotated[Optional[str], typer.Argument(metavar="[ENTRY]", help="The time entry id, after update/remove.")] = None,
    hours: Annotated[Optional[str], typer.Option("--hours", help="update: the right number of hours.")] = None,
    on: Annotated[Optional[str], typer.Option("--date", help="update: the right day worked.")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="update: a new note (empty clears it).")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Time entries: `pse hours REF` lists them; `pse hours update ENTRY [--hours --date --note]` and
    `pse hours remove ENTRY` correct one (hours consumed and the hours-updated date follow; history keeps it)."""
    action = target.strip().lower()
    if action in ENTRY_ACTIONS and entry is not None:
        from cstool.services.pse import remove_entry, update_entry

        if action == "remove":
            _change(ctx, fmt, remove_entry, entry=entry)
        else:
            _change(ctx, fmt, update_entry, entry=entry, hours=hours, on=on, note=note)
        return
    if entry is not None or any(v is not None for v in (hours, on, note)):
        from cstool.errors import InvalidValue

        raise InvalidValue("entry", entry or "", "list with `pse hours REF`; correct with `pse hours update ENTRY "
                                                 "--hours H` or `pse hours remove ENTRY`")
    from cstool.queries.pse import time_entries

    with querying(ctx) as session:
        data = time_entries(session, target)
    render.rows(data, fmt, columns=ENTRY_COLUMNS, title=f"Time entries of {target}", empty="No time entries.")


@contact_app.command("add")
def contact_add(
    ctx: typer.Context,
    ref: Ref,
    contact: Annotated[str, typer.Argument(help="Contact id or name on the engagement's account.")],
    fmt: FormatOpt = Format.table,
) -> None:
    """Add a contact of the account to the engagement."""
    from cstool.services.pse import add_contact

    _change(ctx, fmt, add_contact, ref=ref, contact=contact)


@app.command("list")
def list_(
    ctx: typer.Context,
    account: Annotated[Optional[str], typer.Option("--account", help="Only this account.")] = None,
    status: Annotated[Optional[str], typer.Option("--status", help="Only this status.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """List engagements."""
    from cstool.queries.pse import list_pses

    with querying(ctx) as session:
        data = list_pses(session, account=account, status=status)
    render.rows(data, fmt, columns=LIST_COLUMNS, title="Engagements", empty="No engagements.")


@app.command("show")
def show(ctx: typer.Context, ref: Ref, fmt: FormatOpt = Format.table) -> None:
    """One engagement with every field and its derived figures."""
    from cstool.queries.pse import pse_records, pse_row

    with querying(ctx) as session:
        (record,) = pse_records(session, [pse_row(session, ref)])
    render.record(record, fmt, title=f"Engagement #{record['id']} {record['name']}")
