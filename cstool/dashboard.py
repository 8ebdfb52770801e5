"""The dashboard page (SPEC section 16): one self-contained HTML file built from the reports' output.

Rendering only: the figures come from ``cstool.queries.dashboard.dashboard_figures`` (the report
functions) and the pictures from ``cstool.charts``.  The page carries no script at all; its
Content-Security-Policy forbids scripts and every network fetch, so a name that smuggles markup in can
neither run nor call out, and everything typed by people is escaped on top of that.

Every figure shown is the report's value written as its JSON writes it (``15.5``, ``57.1``; ``–`` for
null, yes/no for true/false, lists comma-separated), and each such cell carries ``data-figure``: the path
to the value in the matching ``cstool report ... -f json`` output, so the browser test can check the page
figure by figure.
"""

from __future__ import annotations

import json
from html import escape

from cstool import __version__

LIST_LIMIT = 50
RISKIEST = 15
EBR_LIST = 25
NONE = "–"

CSS = """
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6474; --line: #d9dde5; --band: #f4f6f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); background: #fff; }
header, main, footer { max-width: 1100px; margin: 0 auto; padding: 0 16px; }
header { padding-top: 20px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.25rem; margin: 0 0 6px; }
h3 { font-size: 1rem; margin: 18px 0 6px; }
p { margin: 4px 0 10px; }
.meta, .note, figcaption { color: var(--muted); font-size: .9rem; }
nav { display: flex; flex-wrap: wrap; gap: 6px 14px; margin: 10px 0 4px; font-size: .9rem; }
nav a { color: #0b5cad; }
section { border-top: 1px solid var(--line); padding: 18px 0 8px; }
figure { margin: 8px 0 12px; }
svg.chart { display: block; max-width: 100%; height: auto; }
.empty { background: var(--band); border-left: 4px solid #999; padding: 10px 12px; margin: 8px 0 12px; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: 4px 0 12px; font-size: .88rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px 4px 0; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; }
td.n, td.k { white-space: nowrap; }
tr.total td { font-weight: 600; border-top: 2px solid var(--ink); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 0 24px; }
.dot { display: inline-block; width: .8em; height: .8em; border-radius: 50%; margin-right: 4px; vertical-align: -1px; }
.red { background: #D55E00; } .yellow { background: #D9A400; } .green { background: #009E73; } .none { background: #777; }
@media (max-width: 640px) {
  body { font-size: 14px; }
  h1 { font-size: 1.3rem; }
  th, td { padding-right: 6px; }
}
@media print {
  nav { display: none; }
  body { font-size: 11pt; }
  header, main, footer { max-width: none; padding: 0; }
  section { break-inside: avoid-page; }
  figure, table { break-inside: avoid; }
  .scroll { overflow: visible; }
}
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


# --- writing figures --------------------------------------------------------------------------------------


def text(value) -> str:
    """A figure as the JSON writes it: 15.5, 57.1, 40.0; – for null, yes/no, lists comma-separated."""
    if value is None:
        return NONE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(text(v) for v in value) or NONE
    return str(value)


def cell(value, path: list | None = None, *, number: bool | None = None) -> str:
    """A <td>; with `path`, marked with where the figure comes from in the report's JSON."""
    number = not isinstance(value, (str, bool, list, tuple)) if number is None else number
    attrs = ' class="n"' if number else ""
    if path is not None:
        attrs += f' data-figure="{escape(json.dumps(path, ensure_ascii=False))}"'
    return f"<td{attrs}>{escape(text(value))}</td>"


def table(header: list[str], rows: list[str], *, caption: str | None = None, numeric_from: int = 1,
          numeric_to: int | None = None, label: str | None = None) -> str:
    """A table of figures: columns numeric_from..numeric_to (exclusive) are numbers, aligned right."""
    numeric = ' class="n"'
    last = len(header) if numeric_to is None else numeric_to
    titles = "".join(f'<th scope="col"{numeric if numeric_from <= i < last else ""}>{escape(h)}</th>'
                     for i, h in enumerate(header))
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    data = f' data-table="{escape(label)}"' if label else ""
    return (f'<div class="scroll"><table{data}>{cap}<thead><tr>{titles}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def row(cells: list[str], *, cls: str | None = None) -> str:
    attrs = f' class="{escape(cls)}"' if cls else ""
    return f"<tr{attrs}>{''.join(cells)}</tr>"


def name(value) -> str:
    """A name typed by a person or a file, as a table cell: text, never markup."""
    return f"<td>{escape(text(value))}</td>"


def label(value) -> str:
    """A short key the row is about (a quarter, a metric): kept on one line."""
    return f'<td class="k">{escape(text(value))}</td>'


def empty(message: str) -> str:
    return f'<p class="empty" data-empty>{escape(message)}</p>'


def more(shown: int, total: int, command: str) -> str:
    if total <= shown:
        return ""
    return f'<p class="note">{shown} of {total} shown; all of them: <code>{escape(command)}</code>.</p>'


def figure(svg: str | None, caption: str) -> str:
    if svg is None:
        return ""
    return f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


# --- sections ---------------------------------------------------------------------------------------------


def head(title: str, lead: str) -> list[str]:
    """A section's question-like title and the sentence saying what it shows (both plain text)."""
    return [f"<h2>{escape(title)}</h2>", f"<p>{escape(lead)}</p>"]

METRIC_NAMES = {"tte": "Time to Engage", "ttfv": "Time to First Value", "tto": "Time to Onboard"}


def _ttv_trend(data: dict, charts: dict) -> str:
    reports = data["ttv"]
    goals = {m["metric"]: m["goal_days"] for m in reports[-1]["metrics"]}
    lead = ", ".join(f"{METRIC_NAMES[m]} {g} days" for m, g in goals.items())
    parts = [*head("Time to Value: are customers reaching each goal faster?",
                   f"Median and 90th percentile days per quarter against each goal ({lead}), and the share "
                   "measured within the goal. A milestone counts in the quarter it was reached."),
             figure(charts.get("ttv-trend"), "Time to Value per quarter: median and 90th percentile against the "
                                            "goal line (top); share measured within the goal (bottom).")]
    tables = []
    for metric in goals:
        rows = []
        for r in reports:
            m = next(x for x in r["metrics"] if x["metric"] == metric)
            base = ["ttv", {"quarter": r["quarter"]}, "metrics", {"metric": metric}]
            rows.append(row([label(r["quarter"])] + [cell(m[k], base + [k]) for k in (
                "count", "median_days", "p90_days", "within_goal", "within_goal_pct", "pending", "overdue")]))
        tables.append(table(["quarter", "measured", "median", "p90", "within goal", "within goal %", "pending",
                             "overdue"], rows, caption=f"{METRIC_NAMES[metric]} (goal {goals[metric]} days)",
                            label=f"ttv-{metric}"))
    parts.append("".join(tables))
    left = [f"{r['quarter']}: {x['count']} {x['metric'].upper()} not measured ({x['reason']})"
            for r in reports for x in r["left_out"]]
    if left:
        parts.append(f'<p class="note">Left out because a date is missing: {escape("; ".join(left))}.</p>')
    return "".join(parts)


def _ttv_spread(data: dict, charts: dict) -> str:
    report = data["ttv"][-1]
    rows = []
    for m in report["metrics"]:
        base = ["ttv", {"quarter": report["quarter"]}, "metrics", {"metric": m["metric"]}]
        rows.append(row([name(METRIC_NAMES[m["metric"]])] + [cell(m[k], base + [k]) for k in (
            "goal_days", "count", "min_days", "median_days", "mean_days", "p90_days", "max_days", "within_goal_pct")]))
    return "".join([
        *head(f"{report['quarter']}: how long did it take?",
              f"The quarter's measured days per metric ({report['start']} to {report['end']}): shortest to "
              "longest, median to 90th percentile, the mean, and the goal."),
        figure(charts.get("ttv-spread"), f"Spread of the days measured in {report['quarter']}."),
        table(["metric", "goal", "measured", "min", "median", "mean", "p90", "max", "within goal %"], rows,
              label="ttv-spread"),
    ])


def _onboarding(data: dict, charts: dict) -> str:
    ob = data["onboarding"]
    total = sum(ob["counts"].values())
    parts = head("Open onboardings: where are they, and which are late?",
                 "Every open onboarding by status, and the completed ones still waiting for their first value; "
                 "overdue means past a goal with the milestone still to come.")
    if not total:
        parts.append(empty("No open onboardings."))
        return "".join(parts)
    parts.append(figure(charts.get("onboarding"), "Open onboardings per status; overdue ones in the darker colour."))
    labels = {"completed": "completed, first value pending"}
    counts = [row([name(labels.get(s, s)), cell(n, ["onboarding", {"status": s}, "#count"]),
                   cell(ob["overdue_counts"][s], ["onboarding", {"status": s, "overdue": "*"}, "#count"])])
              for s, n in ob["counts"].items()]
    parts.append(table(["status", "onboardings", "overdue"], counts, label="onboarding-status"))
    late = [r for r in ob["rows"] if r["overdue"]]
    if late:
        rows = []
        for r in late[:LIST_LIMIT]:
            base = ["onboarding", {"account": r["account"], "status": r["status"], "start_date": r["start_date"]}]
            rows.append(row([name(r["account"]), name(r["csm"]), name(labels.get(r["status"], r["status"])),
                             cell(r["overdue"], base + ["overdue"]), cell(r["age_days"], base + ["age_days"]),
                             cell(r["tte_left_days"], base + ["tte_left_days"]),
                             cell(r["ttfv_left_days"], base + ["ttfv_left_days"]),
                             cell(r["tto_left_days"], base + ["tto_left_days"]),
                             name(r["next_task"])]))
        parts.append(table(["account", "CSM", "status", "overdue on", "age (days)", "TTE days left",
                            "TTFV days left", "TTO days left", "next task"], rows,
                           caption=f"Overdue onboardings ({len(late)})", numeric_from=4, numeric_to=8,
                           label="onboarding-overdue"))
        parts.append(more(min(len(late), LIST_LIMIT), len(late), "cstool report onboarding"))
    else:
        parts.append(empty("No open onboarding is overdue."))
    return "".join(parts)


def _ebr(data: dict, charts: dict) -> str:
    from cstool.domain.ebr import COVERAGE_STATES, coverage_tally, furthest_behind

    ebr = data["ebr"]
    fy = ebr["fiscal_year"]
    t = ebr["totals"]
    parts = head(f"EBR coverage, FY{fy}: is every account getting its reviews?",
                 f"Executive Business Reviews held and booked this fiscal year ({ebr['start']} to {ebr['end']}) "
                 "against each account's cadence target (quarterly 4, semiannual 2, annual 1).")
    if not ebr["rows"]:
        parts.append(empty(f"No account has an EBR cadence or an EBR in FY{fy}."))
        return "".join(parts)
    if not (t["held"] or t["upcoming"] or t["declined"] or t["cancelled"]):
        parts.append(empty(f"No EBR recorded in FY{fy} yet: {sum(1 for r in ebr['rows'] if r['target'])} accounts "
                           f"with a cadence, {t['target']} EBRs due in the year."))
    else:
        parts.append(figure(charts.get("ebr"), "Accounts per cadence: target met, on course with the rest booked, "
                                               "behind, or nothing held or booked."))
    keys = ("target", "held", "declined", "cancelled", "upcoming")
    totals = [row([name("All accounts")] + [cell(t[k], ["ebr", "totals", k]) for k in keys]
                  + [cell(t["missing_quarters"], ["ebr", "totals", "missing_quarters"])], cls="total")]
    parts.append(table(["", *keys, "quarters with no EBR"], totals, label="ebr-totals"))
    tally = coverage_tally(ebr["rows"])
    states = [row([name(c)] + [cell(n, ["ebr", "rows", {"cadence": c, "#ebr_state": s}, "#count"])
                               for s, n in per.items()]) for c, per in tally.items()]
    outcomes = [row([name(o), cell(n, ["ebr", "outcomes", o])]) for o, n in ebr["outcomes"].items()]
    parts.append('<div class="grid">'
                 + (table(["cadence", *COVERAGE_STATES.values()], states, caption="Accounts by coverage",
                          label="ebr-coverage") if states else "")
                 + table(["outcome", "EBRs"], outcomes, caption="Outcomes", label="ebr-outcomes") + "</div>")
    behind = furthest_behind(ebr["rows"], EBR_LIST)
    rows = []
    for r in behind:
        base = ["ebr", "rows", {"account": r["account"]}]
        rows.append(row([name(r["account"]), name(r["cadence"])] + [cell(r[k], base + [k]) for k in keys]
                        + [cell(r["missing_quarters"], base + ["missing_quarters"])]))
    if rows:
        parts.append(table(["account", "cadence", *keys, "no EBR in"], rows, numeric_from=2, numeric_to=7,
                           caption="Accounts furthest behind their cadence", label="ebr-accounts"))
        parts.append(more(len(behind), sum(1 for r in ebr["rows"] if r["target"]), f"cstool report ebr --fy {fy}"))
    return "".join(parts)


def _pse(data: dict, charts: dict) -> str:
    rows_in = data["pse"]
    parts = head("Professional Services: is the work keeping up with the hours?",
                 "Each engagement's percent complete against the share of its scoped hours burned; above the "
                 "diagonal is ahead of the hours, below it is burning hours faster than the work moves.")
    if not rows_in:
        parts.append(empty("No Professional Services Engagements."))
        return "".join(parts)
    parts.append(figure(charts.get("pse"), "Percent complete against hours burned per engagement.")
                 or empty("No engagement has scoped hours to burn against yet."))
    rows = []
    for r in rows_in[:LIST_LIMIT]:
        base = ["pse", {"name": r["name"], "account": r["account"]}]
        rows.append(row([name(r["name"]), name(r["account"]), name(r["status"])] + [cell(r[k], base + [k]) for k in (
            "scoped_hours", "hours_consumed", "remaining_hours", "percent_complete", "hours_burned_pct",
            "over_budget", "stale_hours")]))
    parts.append(table(["engagement", "account", "status", "scoped hours", "hours used", "hours left",
                        "% complete", "% hours burned", "over budget", "stale hours"], rows, numeric_from=3,
                       numeric_to=8, label="pse"))
    parts.append(more(min(len(rows_in), LIST_LIMIT), len(rows_in), "cstool report pse"))
    return "".join(parts)


def _health(data: dict, charts: dict) -> str:
    from cstool.charts import HEALTH_LABELS

    health = data["health"]
    parts = head("Health: which accounts are at risk?",
                 "The computed health score of every account (usage, engagement, sentiment, EBR and the rest), "
                 "by colour, and the riskiest accounts with their weakest measures.")
    if not health["rows"]:
        parts.append(empty("No accounts."))
        return "".join(parts)
    parts.append(figure(charts.get("health"), "Accounts per computed health colour."))
    colours = [row([f'<td><span class="dot {c or "none"}"></span>{escape(HEALTH_LABELS.get(c, HEALTH_LABELS[None]))}</td>',
                    cell(n, ["health", {"colour": c}, "#count"])]) for c, n in health["colours"].items()]
    rows = []
    for r in health["rows"][:RISKIEST]:
        base = ["health", {"account": r["account"]}]
        rows.append(row([name(r["account"]), name(r["csm"]), cell(r["colour"], base + ["colour"]),
                         cell(r["score"], base + ["score"]),
                         cell(r["change"], base + ["change"]),
                         cell(r["worst_measures"], base + ["worst_measures"], number=False)]))
    parts.append('<div class="grid">' + table(["colour", "accounts"], colours, label="health-colours") + "</div>")
    parts.append(table(["account", "CSM", "colour", "score", "change", "weakest measures"], rows, numeric_from=3,
                       numeric_to=5,
                       caption=f"The {len(rows)} riskiest accounts", label="health-riskiest"))
    parts.append(more(len(rows), health.get("count", len(health["rows"])), "cstool report health"))
    return "".join(parts)


def _pov(data: dict, charts: dict) -> str:
    povs = data["pov"]
    parts = head("Proofs of Value: how many turn into a win?",
                 "POVs closed per quarter and the share that succeeded, and the POVs running now per solutions "
                 "architect.")
    if any(p["closed"] for p in povs):
        parts.append(figure(charts.get("pov"), "Win rate of the POVs closed in each quarter."))
    else:
        parts.append(empty(f"No POV closed from {povs[0]['quarter']} to {povs[-1]['quarter']}."))
    keys = ("closed", "successful", "win_rate_pct", "median_length_days", "ran_over", "pov_to_win_pct")
    rows = [row([label(p["quarter"])] + [cell(p[k], ["pov", p["quarter"], k]) for k in keys]) for p in povs]
    parts.append(table(["quarter", "closed", "successful", "win rate %", "median length (days)", "ran over",
                        "POV to win %"], rows, label="pov-quarters"))
    current = povs[-1]
    if current["open"]:
        open_rows = [row([name(o["owner"])] + [cell(o[k], ["pov", current["quarter"], "open", {"owner": o["owner"]}, k])
                                               for k in ("open", "guided_or_paid", "over_limit", "past_planned_end")])
                     for o in current["open"]]
        parts.append(table(["solutions architect", "running", "guided or paid", "over the limit", "past planned end"],
                           open_rows, caption="Running POVs per solutions architect", label="pov-open"))
        running = data["pov_running"]
        rows = [row([name(p["name"]), name(p["account"]), name(p["owner"]), name(p["type"]), name(p["start_date"]),
                     name(p["planned_end_date"])]) for p in running[:LIST_LIMIT]]
        parts.append(table(["POV", "account", "solutions architect", "type", "started", "planned end"], rows,
                           caption="Running POVs", numeric_from=6, label="pov-running"))
        parts.append(more(len(rows), len(running), "cstool pov list --status in-progress"))
    else:
        parts.append(empty("No POV is running."))
    return "".join(parts)


def _renewals(data: dict, charts: dict) -> str:
    trend, coming = data["renewals"]["trend"], data["renewals"]["coming"]
    parts = head("Renewals: how much recurring revenue do we keep?",
                 "Per quarter of the renewal date: the ARR due, renewed and churned, downsells and upsells, and "
                 "gross and net revenue retention over the renewals closed; then the ARR up for renewal in the "
                 "coming two quarters by the account's computed health colour.")
    if any(r["grr_pct"] is not None for r in trend):
        parts.append(figure(charts.get("renewals"), "GRR and NRR per quarter."))
    else:
        parts.append(empty(f"No renewal closed from {trend[0]['quarter']} to {trend[-1]['quarter']}."))
    keys = ("due_count", "due_arr", "renewed_arr", "churned_arr", "downsell_arr", "upsell_arr", "pending_arr",
            "grr_pct", "nrr_pct")
    rows = [row([label(r["quarter"])] + [cell(r[k], ["renewals", r["quarter"], k]) for k in keys]) for r in trend]
    parts.append(table(["quarter", "renewals due", "ARR due", "renewed", "churned", "downsell", "upsell", "pending",
                        "GRR %", "NRR %"], rows, label="renewal-quarters"))
    if any(r["pending_arr"] for r in coming):
        parts.append(figure(charts.get("renewal-risk"), "ARR up for renewal in the coming two quarters by health."))
    else:
        parts.append(empty(f"No renewal pending in {coming[0]['quarter']} or {coming[-1]['quarter']}."))
    keys = ("pending_count", "pending_arr", "at_risk_red_arr", "at_risk_yellow_arr")
    rows = [row([label(r["quarter"])] + [cell(r[k], ["renewals", r["quarter"], k]) for k in keys]) for r in coming]
    parts.append(table(["quarter", "pending renewals", "ARR pending", "on red accounts", "on yellow accounts"], rows,
                       caption="The coming two quarters", label="renewal-coming"))
    reasons = [row([label(r["quarter"]), name(c["reason"]), cell(c["count"], ["renewals", r["quarter"], "churn_reasons",
                                                                             {"reason": c["reason"]}, "count"]),
                    cell(c["arr"], ["renewals", r["quarter"], "churn_reasons", {"reason": c["reason"]}, "arr"])])
               for r in trend for c in r["churn_reasons"]]
    if reasons:
        parts.append(table(["quarter", "churn reason", "renewals", "ARR"], reasons, numeric_from=2,
                           caption="Why they churned", label="renewal-churn"))
    return "".join(parts)


SECTIONS = (
    ("ttv-trend", "Time to Value", _ttv_trend),
    ("ttv-spread", "This quarter", _ttv_spread),
    ("onboarding", "Onboardings", _onboarding),
    ("ebr", "EBRs", _ebr),
    ("pse", "Services", _pse),
    ("health", "Health", _health),
    ("pov", "POVs", _pov),
    ("renewals", "Renewals", _renewals),
)


def draw_charts(data: dict) -> dict[str, str | None]:
    """Every chart of the page as inline SVG (None: nothing to draw; the section says so instead)."""
    from cstool import charts as c

    figures = {
        "ttv-trend": (c.ttv_trend(data["ttv"]), "Time to Value trend"),
        "ttv-spread": (c.ttv_spread(data["ttv"][-1]), "Spread of measured days"),
        "onboarding": (c.onboarding_status(data["onboarding"]), "Open onboardings by status"),
        "ebr": (c.ebr_coverage(data["ebr"]), "EBR coverage"),
        "pse": (c.pse_burn(data["pse"]), "PSE percent complete against hours burned"),
        "health": (c.health_colours(data["health"]["colours"]), "Accounts by health colour"),
        "pov": (c.pov_win_rate(data["pov"]), "POV win rate"),
        "renewals": (c.renewal_retention(data["renewals"]["trend"]), "GRR and NRR per quarter"),
        "renewal-risk": (c.renewal_risk(data["renewals"]["coming"]), "Renewal ARR by health colour"),
    }
    return {key: None if fig is None else c.svg_markup(fig, name=key, label=label)
            for key, (fig, label) in figures.items()}


def page(data: dict, charts: dict[str, str | None] | None = None) -> str:
    """The whole HTML document."""
    charts = draw_charts(data) if charts is None else charts
    span = data["quarters"][0] if len(data["quarters"]) == 1 else f"{data['quarters'][0]} to {data['quarters'][-1]}"
    nav = "".join(f'<a href="#{key}">{escape(title)}</a>' for key, title, _ in SECTIONS)
    body = "".join(f'<section id="{key}" data-section="{key}">{build(data, charts)}</section>'
                   for key, _, build in SECTIONS)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>Customer Success dashboard, {escape(data['quarter'])}</title>"
        f"<style>{CSS}</style></head><body>"
        f"<header><h1>Customer Success dashboard</h1>"
        f'<p class="meta">{escape(span)} · built {escape(data["generated_date"])} with cstool {escape(__version__)}. '
        "Every figure is the one <code>cstool report … -f json</code> gives for the same store and day.</p>"
        f"<nav>{nav}</nav></header><main>{body}</main>"
        '<footer><p class="meta">Rebuild: <code>cstool dashboard --quarter '
        f'{escape(data["quarter"])} --quarters {len(data["quarters"])}</code>. The page needs no network and runs '
        "no script.</p></footer></body></html>\n"
    )
