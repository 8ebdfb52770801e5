"""`cstool export TABLE` (any table, streamed, as CSV, JSON or JSON lines) and `cstool export --all DIR`."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer


class ExportFormat(str, Enum):
    csv = "csv"
    json = "json"
    jsonl = "jsonl"


def export(
    ctx: typer.Context,
    table: Annotated[str | None, typer.Argument(help="account, contact, opportunity, onboarding, activity, task, "
                                                      "license_usage, ebr, ebr_opportunity, pse, pse_time_entry, "
                                                      "pse_contact, history, setting (plurals accepted).",
                                                 show_default=False)] = None,
    all_dir: Annotated[str | None, typer.Option("--all", help="Write every table as DIR/<table>.csv (history and "
                                                             "settings included); never overwrites a file.")] = None,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", case_sensitive=False,
                                              help="csv (default), json (one list) or jsonl (one object a line, for large tables).")] = ExportFormat.csv,
) -> None:
    """Write every row of a table to stdout, as stored (money in cents, hours in hundredths).

    Its files are for `cstool import`: values are raw (a name starting with = stays as it is), so open
    list/report CSV output, not an export, in a spreadsheet. `--all DIR` and `cstool import --all DIR`
    move a whole store."""
    import sys

    from cstool.cli.common import querying
    from cstool.errors import InvalidValue
    from cstool.render import note

    if all_dir is not None:
        if table is not None:
            raise InvalidValue("--all", all_dir, "give either TABLE or --all DIR, not both")
        from cstool.services.importing.tables import export_all

        with querying(ctx) as session:
            counts = export_all(session, folder=all_dir)
        note(f"Wrote {len(counts)} tables ({sum(counts.values())} rows) to {all_dir}; restore with "
             f"`cstool --db NEW import --all {all_dir}`.")
        return
    if table is None:
        raise InvalidValue("table", "", "give a TABLE (e.g. account) or --all DIR")
    from cstool.services.importing.tables import export_rows

    with querying(ctx) as session:
        export_rows(session, table=table, fmt=fmt.value, out=sys.stdout)
