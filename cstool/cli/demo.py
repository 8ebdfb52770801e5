"""`cstool demo`: a realistic demo store and its TTV report, in one command."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool.cli.common import state
from cstool.render import Format, note


def demo(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", help="Where to build it (an empty or new store).")] = None,
    accounts: Annotated[int, typer.Option("--accounts", min=10, max=5000, help="How many accounts.")] = 200,
    samples: Annotated[str | None, typer.Option("--samples", help="Also write demo-mail.mbox and demo-calendar.ics "
                                                                   "here, to try the mail and calendar import.")] = None,
) -> None:
    """Build a demo store (about 200 accounts over six fiscal quarters, fixed seed) and print the TTV report."""
    import sys

    from cstool.cli.common import writing
    from cstool.clock import today
    from cstool.services.demo import build_demo

    if db:
        state(ctx).db = db
    progress = None
    bar = None
    if sys.stderr.isatty():
        from rich.progress import Progress

        bar = Progress(transient=True)
        task = bar.add_task("Building the demo store", total=6)
        bar.start()
        progress = lambda label, n: bar.update(task, advance=1, description=f"{label}: {n:,}")  # noqa: E731
    try:
        with writing(ctx) as (session, actor):
            counts = build_demo(session, actor=actor, accounts=accounts, today=today(), progress=progress)
            if samples:
                from cstool.services.demo_samples import write_samples

                mbox, ics = write_samples(session, folder=samples, today=today())
    finally:
        if bar is not None:
            bar.stop()
    from cstool.services.demo import PLANTED

    note("Demo store built: " + ", ".join(f"{n:,} {k.replace('_', ' ')}" for k, n in counts.items()) + ".")
    note("Planted on purpose for `cstool check` to find: one engagement over budget (pse-over-budget) and one "
         "with no hours logged for 30 days (pse-stale-hours): " + ", ".join(PLANTED) + ".")
    from cstool.cli.report import ttv_report

    ctx.invoke(ttv_report, ctx=ctx, quarter="current", quarters=6, by=None, cohort="achieved", fmt=Format.table)
    note("Try: cstool report ttv --quarter --by csm | cstool report onboarding | cstool task list --due 7d "
         "(with --db pointing at this store).")
    if samples:
        note(f"Sample files: cstool activity import-mail {mbox} | cstool activity import-calendar {ics}")
