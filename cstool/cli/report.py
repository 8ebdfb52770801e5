"""`cstool report ttv|onboarding|engagement|ebr|pse|pov|plans|health|renewals`."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool import render
from cstool.cli.common import FormatOpt, querying
from cstool.render import Format

app = typer.Typer(no_args_is_help=True)

METRIC_LABELS = {"tte": "Time to Engage", "ttfv": "Time to First Value", "tto": "Time to Onboard",
                 "ttpi": "Time to Purchase Intent"}
BAR_WIDTH = 20


QuarterOpt = Annotated[str | None, typer.Option("--quarter", help="FY2027-Q4, current, previous (default current).")]


def _quarter_of(session, quarter: str | None):
    """A --quarter value (FY2027-Q4, current, previous; None: the current one) under the store's fiscal year."""
    from cstool.clock import today
    from cstool.domain.fiscal import parse_quarter
    from cstool.services.settings import get_setting

    return parse_quarter(quarter, start_month=get_setting(session, "fiscal-year-start"), today=today())


def _num(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def _metric_cells(m: dict) -> list[str]:
    pct = "-" if m["within_goal_pct"] is None else f"{_num(m['within_goal_pct'])}%"
    return [METRIC_LABELS[m["metric"]], f"{m['goal_days']}d", str(m["count"]), _num(m["median_days"]),
            _num(m["mean_days"]), _num(m["p90_days"]), _num(m["min_days"]), _num(m["max_days"]),
            f"{m['within_goal']} ({pct})", str(m["pending"]), str(m["overdue"])]


HEADER = ["metric", "goal", "measured", "median", "mean", "p90", "min", "max", "within goal", "pending", "overdue"]


def _left_out_caption(report: dict) -> str | None:
    if not report["left_out"]:
        return None
    parts = [f"{x['count']} {x['metric'].upper()} left out ({x['reason']})" for x in report["left_out"]]
    return "Not measured: " + "; ".join(parts) + "."


def _print_quarter(report: dict) -> None:
    title = f"Time to Value {report['quarter']} ({report['start']} to {report['end']}, cohort: {report['cohort']})"
    if "groups" in report:
        body = [[g["group"], *_metric_cells(m)] for g in report["groups"] for m in g["metrics"]]
        render.table(body, [report["by"], *HEADER], title=title)
    else:
        render.table([_metric_cells(m) for m in report["metrics"]], HEADER, title=title)
    caption = _left_out_caption(report)
    if caption:
        typer.echo(caption)


def _print_trend(reports: list[dict]) -> None:
    for metric in ("tte", "ttfv", "tto"):
        body = []
        goal = None
        for report in reports:
            m = next(x for x in report["metrics"] if x["metric"] == metric)
            goal = m["goal_days"]
            pct = m["within_goal_pct"]
            bar = "-" if pct is None else "█" * round(pct * BAR_WIDTH / 100) + "·" * (BAR_WIDTH - round(pct * BAR_WIDTH / 100))
            body.append([report["quarter"], str(m["count"]), _num(m["median_days"]), _num(m["p90_days"]),
                         "-" if pct is None else f"{_num(pct)}%", bar, str(m["pending"]), str(m["overdue"])])
        render.table(body, ["quarter", "measured", "median", "p90", "within goal", f"within {goal}d goal", "pending",
                            "overdue"], title=f"{METRIC_LABELS[metric]} (goal {goal} days)")
    for report in reports:
        caption = _left_out_caption(report)
        if caption:
            typer.echo(f"{report['quarter']}: {caption}")


@app.command("ttv")
def ttv_report(
    ctx: typer.Context,
    quarter: Annotated[str | None, typer.Option("--quarter", help="FY2027-Q4, current, previous; bare --quarter = current.")] = None,
    quarters: Annotated[int, typer.Option("--quarters", min=1, max=24, help="Show the N quarters ending at the chosen one.")] = 1,
    by: Annotated[str | None, typer.Option("--by", help="Group by csm, segment or gemstone.")] = None,
    cohort: Annotated[str, typer.Option("--cohort", help="achieved (the quarter a milestone was reached) or start.")] = "achieved",
    chart: Annotated[str | None, typer.Option("--chart", help="Also draw the trend to FILE.svg or FILE.png (replaced if it exists), for a slide.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Time to Engage, First Value and Onboard per fiscal quarter against their goals."""
    from cstool.clock import today
    from cstool.domain.fields import choice
    from cstool.domain.fiscal import parse_quarter
    from cstool.queries.reports import GROUPS, ttv_report as build
    from cstool.services.settings import get_setting

    cohort = choice("cohort", cohort, ("achieved", "start"))
    by = choice("by", by, GROUPS) if by else None
    if chart is not None:
        from cstool.charts import chart_format
        from cstool.errors import InvalidValue

        chart_format(chart)
        if by:
            raise InvalidValue("--chart", chart, "the chart draws all onboardings; leave out --by")
    with querying(ctx) as session:
        start_month = get_setting(session, "fiscal-year-start")
        q = parse_quarter(quarter, start_month=start_month, today=today())
        data = build(session, quarter=q, quarters=quarters, by=by, cohort=cohort)
    if chart is not None:
        from cstool import charts

        size = charts.save(charts.ttv_trend(data if isinstance(data, list) else [data]), chart)
        render.note(f"Wrote {chart} ({size / 1024:,.0f} KB).")
    if fmt is Format.json:
        render.record(data, fmt) if isinstance(data, dict) else render.rows(data, fmt)
        return
    reports = data if isinstance(data, list) else [data]
    if fmt is Format.csv:
        flat = []
        for report in reports:
            for group in report.get("groups") or [{"group": None, "metrics": report["metrics"]}]:
                for m in group["metrics"]:
                    flat.append({"quarter": report["quarter"], "group": group["group"], **m})
        render.rows(flat, fmt)
        return
    if len(reports) > 1 and by is None:
        _print_trend(reports)
    else:
        for report in reports:
            _print_quarter(report)


@app.command("onboarding")
def onboarding_report(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """Every open onboarding (and every completed one still waiting for its first value): status, age,
    days left to each goal (negative: overdue), next task, hold reason."""
    from cstool.queries.reports import onboarding_report as build

    with querying(ctx) as session:
        data = build(session)
    if fmt is not Format.table:
        render.rows(data["rows"], fmt)
        return
    render.rows(data["rows"], fmt, columns=["account", "csm", "status", "start_date", "age_days", "tte_left_days",
                                            "ttfv_left_days", "tto_left_days", "overdue", "next_task",
                                            "next_task_due_date", "delay_reason"],
                title="Open onboardings (and completed ones whose first value is pending)",
                empty="No open onboardings.")
    labels = {"completed": "completed, first value pending"}
    render.table([[labels.get(s, s), str(n)] for s, n in data["counts"].items()], ["status", "count"],
                 title="By status")


@app.command("engagement")
def engagement(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", min=1, max=36500, help="Last contact older than this many days.")] = 30,
    fmt: FormatOpt = Format.table,
) -> None:
    """Accounts to follow up: last contact older than N days (30 and 60 are the follow-up points)."""
    from cstool.queries.reports import engagement_report

    with querying(ctx) as session:
        data = engagement_report(session, days=days)
    render.rows(data, fmt, columns=["account", "csm", "last_contact_date", "days_since_contact", "follow_up"],
                title=f"No contact for more than {days} days", empty="Every account was contacted recently.")


@app.command("ebr")
def ebr_report(
    ctx: typer.Context,
    fy: Annotated[str | None, typer.Option("--fy", help="Fiscal year (2027, FY2027, current, previous).")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Per account: the cadence target for the year, held, declined, cancelled, upcoming, quarters with no EBR."""
    from cstool.clock import today
    from cstool.domain.fiscal import parse_fiscal_year
    from cstool.queries.ebr import ebr_report as build
    from cstool.services.settings import get_setting

    with querying(ctx) as session:
        year = parse_fiscal_year(fy, start_month=get_setting(session, "fiscal-year-start"), today=today())
        data = build(session, fy=year)
    if fmt is Format.json:
        render.record(data, fmt)
        return
    if fmt is Format.csv:
        render.rows(data["rows"], fmt)
        return
    body = [[r["account"], r["cadence"], str(r["target"]), str(r["held"]), str(r["declined"]), str(r["cancelled"]),
             str(r["upcoming"]), ", ".join(r["missing_quarters"]) or "-"] for r in data["rows"]]
    t = data["totals"]
    body.append(["Total", "", str(t["target"]), str(t["held"]), str(t["declined"]), str(t["cancelled"]),
                 str(t["upcoming"]), f"{t['missing_quarters']} quarter(s)"])
    render.table(body, ["account", "cadence", "target", "held", "declined", "cancelled", "upcoming", "no EBR in"],
                 title=f"EBRs FY{data['fiscal_year']} ({data['start']} to {data['end']})")
    render.table([[o, str(n)] for o, n in data["outcomes"].items()], ["outcome", "EBRs"], title="Outcomes")


@app.command("pse")
def pse_report(
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="Leave out completed engagements.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Hours scoped, consumed and remaining; percent complete against hours burned; over-budget and stale flags."""
    from cstool.queries.pse import pse_report as build

    with querying(ctx) as session:
        data = build(session, include_completed=not open_only)
    render.rows(data, fmt, title="Professional Services Engagements", empty="No engagements.")


@app.command("pov")
def pov_report(
    ctx: typer.Context,
    quarter: QuarterOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """POVs closed in the quarter (win rate, median length, ran over, POV-to-win) and the open ones per SA."""
    from cstool.queries.pov import pov_report as build

    with querying(ctx) as session:
        data = build(session, quarter=_quarter_of(session, quarter))
    if fmt is Format.json:
        render.record(data, fmt)
        return
    if fmt is Format.csv:
        render.rows(data["open"], fmt)
        return
    summary = {k: v for k, v in data.items() if k != "open"}
    render.record(summary, fmt, title=f"POVs closed in {data['quarter']}")
    render.rows(data["open"], fmt, title="Open POVs per SA", empty="No POV in progress.")


@app.command("plans")
def plans_report(
    ctx: typer.Context,
    quarter: QuarterOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Time to Purchase Intent (primary objective green - purchase) per quarter, and each account's objectives."""
    from cstool.queries.plans import plans_report as build

    with querying(ctx) as session:
        data = build(session, quarter=_quarter_of(session, quarter))
    if fmt is Format.json:
        render.record(data, fmt)
        return
    if fmt is Format.csv:
        render.rows(data["metrics"], fmt)
        return
    render.table([_metric_cells(m) for m in data["metrics"]], HEADER,
                 title=f"Time to Purchase Intent {data['quarter']} ({data['start']} to {data['end']})")
    caption = _left_out_caption(data)
    if caption:
        typer.echo(caption)
    render.rows(data["accounts"], fmt, title="Objectives by colour", empty="No success plans yet.")


@app.command("health")
def health_report(
    ctx: typer.Context,
    csm: Annotated[str | None, typer.Option("--csm", help="Only this CSM's accounts.")] = None,
    colour: Annotated[str | None, typer.Option("--colour", "--color", help="Only red, yellow or green.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Accounts from the riskiest: computed health score and colour, the worst measures, change since the last snapshot."""
    from cstool.domain.fields import HEALTH, choice
    from cstool.queries.health import health_report as build

    colour = choice("colour", colour, HEALTH) if colour else None
    with querying(ctx) as session:
        data = build(session, csm=csm, colour=colour)
    render.rows(data, fmt, title="Health, riskiest first", empty="No accounts.")


@app.command("renewals")
def renewals_report(
    ctx: typer.Context,
    quarter: Annotated[str | None, typer.Option("--quarter", help="FY2027-Q4, current, previous, next; bare --quarter = current.")] = None,
    quarters: Annotated[int, typer.Option("--quarters", min=1, max=24, help="Show the N quarters ending at the chosen one.")] = 1,
    by: Annotated[str | None, typer.Option("--by", help="Group by csm, segment or gemstone.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Renewals whose renewal date falls in the quarter: due, renewed, churned (by reason), downsell, upsell,
    pending (by forecast), at-risk ARR on red and yellow accounts, GRR and NRR."""
    from cstool.domain.fields import choice
    from cstool.queries.renewals import GROUPS, renewals_report as build

    by = choice("by", by, GROUPS) if by else None
    with querying(ctx) as session:
        data = build(session, quarter=_quarter_of(session, quarter), quarters=quarters, by=by)
    if fmt is Format.json:
        render.record(data, fmt) if isinstance(data, dict) else render.rows(data, fmt)
        return
    reports = data if isinstance(data, list) else [data]
    flat = []
    for report in reports:
        for group in report.get("groups") or [{"group": None, **report}]:
            row = {"quarter": report["quarter"], **({"group": group["group"]} if by else {})}
            row.update({k: v for k, v in group.items() if k not in ("quarter", "group", "groups", "churn_reasons",
                                                                     "forecast")})
            if fmt is Format.csv:
                for r in group["churn_reasons"]:
                    row[f"churned_{r['reason']}_arr"] = r["arr"]
                for c in group["forecast"]:
                    row[f"pending_{c['category']}_arr"] = c["arr"]
            flat.append(row)
    if fmt is Format.csv:
        keys = list(dict.fromkeys(k for row in flat for k in row))
        render.rows([{k: row.get(k) for k in keys} for row in flat], fmt)
        return
    if len(flat) == 1:
        render.record(flat[0], fmt, title=f"Renewals due in {flat[0]['quarter']}")
    else:
        render.rows(flat, fmt, title="Renewals by fiscal quarter (renewal date)", empty="No renewals.")
    for report in reports:
        reasons = [{"quarter": report["quarter"], **r} for r in report["churn_reasons"]]
        if reasons:
            render.rows(reasons, fmt, title=f"Churn reasons {report['quarter']}")
        forecast = [{"quarter": report["quarter"], **c} for c in report["forecast"]]
        if forecast:
            render.rows(forecast, fmt, title=f"Pending by forecast {report['quarter']}")
