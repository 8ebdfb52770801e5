"""`cstool dashboard`: the one-file HTML dashboard (SPEC section 16)."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool.cli.common import querying
from cstool.render import note

DEFAULT_FILE = "cstool-dashboard.html"


def dashboard(
    ctx: typer.Context,
    output: Annotated[str, typer.Option("--output", "-o", help="The HTML file to write (replaced if it exists); - for stdout.")] = DEFAULT_FILE,
    quarter: Annotated[str | None, typer.Option("--quarter", help="The last quarter shown: FY2027-Q4, current, previous (default current).")] = None,
    quarters: Annotated[int, typer.Option("--quarters", min=1, max=24, help="How many quarters the trends show, ending at --quarter.")] = 4,
) -> None:
    """Write one self-contained HTML page: TTV trend and spread, open onboardings, EBR coverage, PSE burn,
    health and POV win rate, with every chart's figures beside it. Needs no network to view and runs no script."""
    import sys

    from cstool.clock import today
    from cstool.domain.fiscal import parse_quarter
    from cstool.queries.dashboard import dashboard_figures
    from cstool.services.settings import get_setting

    with querying(ctx, consistent=True) as conn:
        q = parse_quarter(quarter, start_month=get_setting(conn, "fiscal-year-start"), today=today())
        data = dashboard_figures(conn, quarter=q, quarters=quarters)

    from cstool.dashboard import page
    from cstool.storage.files import write_file

    html = page(data).encode("utf-8")
    if output == "-":
        sys.stdout.buffer.write(html)
        sys.stdout.flush()
        return
    size = write_file(output, html, field="--output")
    span = data["quarters"][0] if quarters == 1 else f"{data['quarters'][0]} to {data['quarters'][-1]}"
    note(f"Wrote {output} ({size / 1024:,.0f} KB, {span}): open it in a browser, or mail it; it needs no network.")
