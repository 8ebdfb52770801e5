"""`cstool check`: the data-quality review, for people and for cron (exit 1 when anything is found)."""

from __future__ import annotations

import typer

from cstool import render
from cstool.cli.common import FormatOpt, reading
from cstool.render import Format, note


def check(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """Find what a reviewer would flag; exit 0 when clean, 1 when anything is found."""
    from collections import Counter

    from cstool.errors import ExitCode
    from cstool.services.quality import run_checks

    with reading(ctx) as session:
        findings = run_checks(session)
    render.rows(findings, fmt, columns=["rule", "entity", "entity_id", "account", "detail"], title="Findings",
                empty="No findings: the store is clean.")
    if findings:
        counts = Counter(f["rule"] for f in findings)
        note(f"{len(findings)} finding(s): " + ", ".join(f"{n} {rule}" for rule, n in counts.most_common()) + ".")
        raise typer.Exit(int(ExitCode.REFUSED))
