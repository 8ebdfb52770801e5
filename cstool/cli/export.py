"""`cstool export TABLE`: any table, streamed, as CSV, JSON or JSON lines."""

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
    table: Annotated[str, typer.Argument(help="account, contact, opportunity, onboarding, activity, task, "
                                               "license_usage, ebr, ebr_opportunity, pse, pse_time_entry, "
                                               "pse_contact, history, setting (plurals accepted).")],
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", case_sensitive=False,
                                              help="csv (default), json (one list) or jsonl (one object a line, for large tables).")] = ExportFormat.csv,
) -> None:
    """Write every row of a table to stdout, as stored (money in cents, hours in hundredths).

    Its files are for `cstool import`: values are raw (a name starting with = stays as it is), so open
    list/report CSV output, not an export, in a spreadsheet."""
    import sys

    from cstool.cli.common import reading
    from cstool.services.transfer import export_rows

    with reading(ctx) as session:
        export_rows(session, table=table, fmt=fmt.value, out=sys.stdout)
