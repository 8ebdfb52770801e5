"""`cstool activity log|update|remove|list|import-mail|import-calendar`: the account timeline."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool import render
from cstool.cli.common import FormatOpt, notes, open_store, querying, writing
from cstool.render import Format

app = typer.Typer(no_args_is_help=True)
COLUMNS = ["id", "date", "type", "subject", "contact", "opportunity", "disposition", "source"]


@app.command("log")
def log(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name or id.")],
    type_: Annotated[str, typer.Option("--type", help="call|meeting|email|workshop")],
    subject: Annotated[str, typer.Option("--subject", help="What it was about.")],
    on: Annotated[str | None, typer.Option("--date", help="When (default today).")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="Contact id or name on this account.")] = None,
    opportunity: Annotated[str | None, typer.Option("--opportunity", help="Opportunity id or name on this account.")] = None,
    disposition: Annotated[str | None, typer.Option("--disposition", help="Outcome, e.g. connected, left voicemail.")] = None,
    notes_: Annotated[str | None, typer.Option("--notes")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Log a call, meeting, email or workshop; a call or meeting can set the onboarding's first-engaged date."""
    from cstool.services.timeline import log_activity

    with writing(ctx) as (session, actor):
        record, events = log_activity(session, account=account, type_=type_, subject=subject, on=on, contact=contact,
                                      opportunity=opportunity, disposition=disposition, notes=notes_, actor=actor)
    notes(events)
    render.record(record, fmt, title="Activity")


@app.command("update")
def update(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Activity id (see `activity list ACCOUNT`).")],
    on: Annotated[str | None, typer.Option("--date", help="When it happened.")] = None,
    type_: Annotated[str | None, typer.Option("--type", help="call|meeting|email|workshop")] = None,
    subject: Annotated[str | None, typer.Option("--subject")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="Contact id or name on this account (\"\" clears).")] = None,
    opportunity: Annotated[str | None, typer.Option("--opportunity", help="Opportunity id or name (\"\" clears).")] = None,
    disposition: Annotated[str | None, typer.Option("--disposition", help="Outcome (\"\" clears).")] = None,
    notes_: Annotated[str | None, typer.Option("--notes", help="Notes (\"\" clears).")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Correct an activity; the onboarding's first-engaged date follows."""
    from cstool.services.timeline import update_activity

    raw = {"date": on, "type": type_, "subject": subject, "contact": contact, "opportunity": opportunity,
           "disposition": disposition, "notes": notes_}
    with writing(ctx) as (session, actor):
        record, events = update_activity(session, ref=ref, raw=raw, actor=actor)
    notes(events)
    render.record(record, fmt, title="Activity")


@app.command("remove")
def remove(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Activity id (see `activity list ACCOUNT`).")],
    fmt: FormatOpt = Format.table,
) -> None:
    """Remove an activity (its history stays); the onboarding's first-engaged date follows."""
    from cstool.services.timeline import remove_activity

    with writing(ctx) as (session, actor):
        record, events = remove_activity(session, ref=ref, actor=actor)
    notes(events)
    render.record(record, fmt, title="Removed activity")


@app.command("list")
def list_(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name or id.")],
    type_: Annotated[str | None, typer.Option("--type", help="Only this type.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only on or after this date.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, max=10_000_000)] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The account's timeline, newest first."""
    from cstool.queries.timeline import list_activities

    with querying(ctx) as session:
        data = list_activities(session, account=account, type_=type_, since=since, limit=limit)
    render.rows(data, fmt, columns=COLUMNS, title=f"Timeline of {account}", empty="No activities.")


@app.command("import-mail")
def import_mail(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(help=".eml files, mbox files, Maildir folders (or folders of .eml files).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and match everything; write nothing.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Customer mail into the timeline: one email activity per account a message concerns (a contact's address,
    or an address on the account's domains; never the team's own), once per Message-ID."""
    from cstool.cli.common import progress_bar
    from cstool.render import note
    from cstool.domain.mail import MAX_ADDRESSES
    from cstool.services.mail import import_mail as service

    with progress_bar("import mail") as progress, open_store(ctx) as store:
        summary = service(store, paths=paths, dry_run=dry_run, progress=progress)
    verb = "would log" if dry_run else "logged"
    note(f"{summary.messages} message(s) in {summary.files} file(s): {verb} {summary.logged} email activit"
         f"{'y' if summary.logged == 1 else 'ies'}; {summary.already} already there; {summary.not_matched} not "
         f"matched to an account; {summary.no_date} without a date; {summary.future} dated in the future"
         + (f"; {summary.unreadable} unreadable" if summary.unreadable else "") + ".")
    if summary.capped_messages:
        note(f"{summary.capped_messages} message(s) had more than {MAX_ADDRESSES:,} addresses: the first "
             f"{MAX_ADDRESSES:,} of each were matched, {summary.addresses_skipped:,} more were not read.")
    if summary.unmatched_domains:
        note("domains that matched nothing most often (add them with `account update NAME --domain ...`): "
             + ", ".join(f"{d} ({n})" for d, n in summary.unmatched_domains.most_common(5)))
    if fmt is not Format.table:
        render.record(summary.as_dict(), fmt)


@app.command("import-calendar")
def import_calendar(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help="An iCalendar export (.ics) from Google, Outlook, Thunderbird or Apple.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and match everything; write nothing.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Meetings into the timeline: each past event (recurring ones expanded up to today) with a customer among its
    attendees or organizer becomes a meeting, once per occurrence; cancelled ones and those every customer declined
    are skipped. Meetings set first-engaged as `activity log` does."""
    from cstool.cli.common import progress_bar
    from cstool.render import note
    from cstool.domain.mail import MAX_OCCURRENCES
    from cstool.services.calendar import import_calendar as service

    with progress_bar("import calendar") as progress, open_store(ctx) as store:
        summary = service(store, path=path, dry_run=dry_run, progress=progress)
    verb = "would log" if dry_run else "logged"
    note(f"{summary.events} event(s), {summary.occurrences} occurrence(s) up to today: {verb} {summary.logged} "
         f"meeting(s); {summary.already} already there; {summary.not_matched} not matched to an account; "
         f"{summary.cancelled} cancelled; {summary.declined} declined by the customer; {summary.future} future "
         "event(s) skipped.")
    if summary.capped_events:
        note(f"{summary.capped_events} event(s) repeat more than {MAX_OCCURRENCES:,} times up to today: the first "
             f"{MAX_OCCURRENCES:,} occurrences of each were read, {summary.occurrences_skipped:,} later ones were not"
             " (counted up to as many again).")
    if summary.unmatched_domains:
        note("domains that matched nothing most often (add them with `account update NAME --domain ...`): "
             + ", ".join(f"{d} ({n})" for d, n in summary.unmatched_domains.most_common(5)))
    if fmt is not Format.table:
        render.record(summary.as_dict(), fmt)
