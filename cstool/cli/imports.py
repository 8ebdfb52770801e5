"""`cstool import KIND FILE.csv` and `cstool import --all DIR`."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool import render
from cstool.cli.common import FormatOpt, open_store, progress_bar
from cstool.render import Format, note

KINDS_HELP = ("accounts, contacts, opportunities, onboardings, usage, activities, tasks, ebrs, pses, time-entries, povs, objectives "
              "(CRM exports or our field names), or any table name `cstool export` takes (its CSV, restored as is)")


def import_(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Argument(help=KINDS_HELP, show_default=False)] = None,
    path: Annotated[str | None, typer.Argument(help="CSV file with a header row.", show_default=False)] = None,
    all_dir: Annotated[str | None, typer.Option("--all", help="Restore a folder written by `cstool export --all` "
                                                             "into an empty store (ids kept).")] = None,
    date_order: Annotated[str | None, typer.Option("--date-order", help="mdy|dmy|ymd for numeric dates like "
                                                                        "01/02/2026.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row and report; write nothing.")] = False,
    update: Annotated[bool, typer.Option("--update", help="Update records that already exist instead of "
                                                          "refusing them.")] = False,
    no_onboarding: Annotated[bool, typer.Option("--no-onboarding", help="accounts: create no placeholder "
                                                "onboardings (customers onboarded before cstool).")] = False,
    columns: Annotated[bool, typer.Option("--columns", help="List, per field of KIND, every CSV header it "
                                                           "accepts (no FILE needed).")] = False,
    map_pairs: Annotated[list[str] | None, typer.Option("--map", help='Say what a column means: "CRM HEADER=field" '
                                                        "(repeatable; fields: see --columns).")] = None,
    map_file: Annotated[str | None, typer.Option("--map-file", help='A file of "CRM HEADER=field" pairs, one a '
                                                 "line (# comments), kept beside the export.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Refuse a file with a column that would not be "
                                                          "imported, instead of warning.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Import records from CSV: every row is checked first; all rows are imported or none (bad rows by line).

    The file is read and checked without the write lock; the rows are then written in ONE transaction (all or
    nothing), which holds the lock only while it writes: a teammate's command waiting longer than
    CSTOOL_BUSY_TIMEOUT is told that this import holds it. --all restores in one transaction too.

    Migrating from a CRM: accounts, then contacts, opportunities, onboardings, usage, activities, tasks,
    ebrs, pses, time-entries, povs, objectives. An imported onboarding fills the account's untouched placeholder."""
    from cstool.errors import ExitCode, InvalidValue

    if all_dir is not None:
        if kind is not None:
            raise InvalidValue("--all", all_dir, "give either --all DIR or KIND FILE, not both")
        return _import_all(ctx, all_dir, fmt)
    if columns:
        if kind is None:
            raise InvalidValue("kind", "", "give the KIND whose columns to list (e.g. `cstool import onboardings "
                               "--columns`)")
        from cstool.services.importing.registry import columns_of

        render.rows(columns_of(kind), fmt, title=f"Headers accepted by import {kind}")
        return
    if kind is None or path is None:
        raise InvalidValue("kind" if kind is None else "file", "", "give KIND and FILE (e.g. `cstool import accounts "
                           "accounts.csv`) or --all DIR")
    from cstool.services.importing.headers import parse_map, read_map_file
    from cstool.services.importing.registry import import_file

    mapping = parse_map(read_map_file(map_file), source=f"--map-file {map_file}") if map_file else {}
    mapping.update(parse_map(list(map_pairs or [])))
    with progress_bar(f"import {kind}") as progress, open_store(ctx) as store:
        result = import_file(store, kind=kind, path=path, date_order=date_order, dry_run=dry_run, update=update,
                             no_onboarding=no_onboarding, mapping=mapping, strict=strict, progress=progress)
    for warning in result.warnings:
        note(f"warning: {warning}")
    if result.error_count:
        for line, reason in result.errors:
            note(f"line {line}: {reason}")
        more = result.error_count - len(result.errors)
        if more > 0:
            note(f"... and {more} more bad row(s)")
        _say_how_read(result)
        note(f"error: {result.error_count} bad row(s) in {path}; nothing was imported.")
        if fmt is not Format.table:
            render.record(result.as_dict(), fmt)
        raise typer.Exit(int(ExitCode.REFUSED))
    verb = "would import" if dry_run else "imported"
    parts = [f"{verb} {result.created} new", f"{'would update' if dry_run else 'updated'} {result.updated}"]
    if result.placeholders_filled:
        parts.append(f"filled {result.placeholders_filled} placeholder onboarding(s)")
    if result.onboardings_created:
        parts.append(f"{result.onboardings_created} onboarding(s) created")
    how = " (export's table file, restored as is)" if result.mode == "table" else ""
    note(f"{path}: {result.rows} row(s) checked{how}; " + "; ".join(parts) + ".")
    _say_how_read(result)
    if fmt is not Format.table:
        render.record(result.as_dict(), fmt)


def _say_how_read(result) -> None:
    """What the summary adds about how the file was read: lines skipped and why, the date order it decided."""
    if result.skipped:
        note(f"skipped {sum(result.skipped.values())} line(s) that are not records: "
             + ", ".join(f"{n} {why}" for why, n in result.skipped.items()) + ".")
    if result.source_format and result.source_format != "UTF-8, comma-separated":
        note(f"read as {result.source_format}.")
    if result.date_order_because:
        note(f"{result.date_order_because}; give --date-order to read them otherwise.")


def _import_all(ctx: typer.Context, folder: str, fmt: Format) -> None:
    from cstool.errors import ExitCode
    from cstool.services.importing.base import ImportResult
    from cstool.services.importing.tables import import_all

    result = ImportResult(kind="all", mode="table")
    with progress_bar("import --all") as progress, open_store(ctx) as store:
        counts = import_all(store, folder=folder, result=result, progress=progress)
    if result.error_count:
        for line, reason in result.errors:
            note(f"line {line}: {reason}")
        note(f"error: {result.error_count} bad row(s) in {folder}; nothing was imported.")
        raise typer.Exit(int(ExitCode.REFUSED))
    note(f"Restored {sum(counts.values())} row(s) in {len(counts)} tables from {folder}.")
    render.rows([{"table": t, "rows": n} for t, n in counts.items()], fmt, title="Restored")
