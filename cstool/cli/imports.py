"""`cstool import accounts|contacts|opportunities|onboardings FILE.csv`."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool import render
from cstool.cli.common import FormatOpt, writing
from cstool.render import Format, note

app = typer.Typer(no_args_is_help=True)

DateOrder = Annotated[str | None, typer.Option("--date-order", help="mdy|dmy|ymd for numeric dates like 01/02/2026.")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Validate every row and report; write nothing.")]
Update = Annotated[bool, typer.Option("--update", help="Update records that already exist instead of refusing them.")]
File = Annotated[str, typer.Argument(help="CSV file with a header row (CRM export or cstool field names).")]


def _run(ctx: typer.Context, kind: str, path: str, date_order, dry_run: bool, update: bool, fmt: Format) -> None:
    import sys

    from cstool.errors import ExitCode
    from cstool.services.transfer import import_csv

    bar = None
    progress = None
    if sys.stderr.isatty():
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        bar = Progress(TextColumn(f"import {kind}"), BarColumn(), TimeRemainingColumn(), transient=True)
        task = bar.add_task(kind, total=1)
        bar.start()
        progress = lambda done, total: bar.update(task, completed=done, total=max(total, 1))  # noqa: E731
    try:
        with writing(ctx) as (session, actor):
            result = import_csv(session, kind=kind, path=path, date_order=date_order, dry_run=dry_run,
                                update_existing=update, actor=actor, progress=progress)
            if result.error_count or dry_run:
                session.rollback()
    finally:
        if bar is not None:
            bar.stop()
    if result.ignored_headers:
        note("ignored columns: " + ", ".join(result.ignored_headers))
    if result.error_count:
        for line, reason in result.errors:
            note(f"line {line}: {reason}")
        more = result.error_count - len(result.errors)
        if more > 0:
            note(f"... and {more} more bad row(s)")
        note(f"error: {result.error_count} bad row(s) in {path}; nothing was imported.")
        if fmt is not Format.table:
            render.record(result.as_dict(), fmt)
        raise typer.Exit(int(ExitCode.REFUSED))
    verb = "would import" if dry_run else "imported"
    note(f"{path}: {result.rows} row(s) checked; {verb} {result.created} new and "
         f"{'would update' if dry_run else 'updated'} {result.updated}"
         + (f"; {result.onboardings_created} onboarding(s) created" if result.onboardings_created else "") + ".")
    if fmt is not Format.table:
        render.record(result.as_dict(), fmt)


def _command(kind: str):
    def command(ctx: typer.Context, path: File, date_order: DateOrder = None, dry_run: DryRun = False,
                update: Update = False, fmt: FormatOpt = Format.table) -> None:
        _run(ctx, kind, path, date_order, dry_run, update, fmt)

    command.__doc__ = (f"Import {kind} from CSV: every row is checked first; all rows are imported or none "
                       "(bad rows are reported by line).")
    return command


for _kind in ("accounts", "contacts", "opportunities", "onboardings"):
    app.command(_kind)(_command(_kind))
