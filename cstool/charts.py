"""Charts, drawn with matplotlib: the one module that imports it (only commands that draw load this).

Each function takes a report's output (the dicts ``cstool report ... -f json`` prints) and returns a
matplotlib ``Figure``, or ``None`` when there is nothing to draw, so the page can label the empty state
instead of showing an empty frame.  No figure is computed here: the charts draw the report's numbers.

Text from people (account, PSE and POV names) reaches the chart as plain text: mathtext is off
(``text.parse_math``), so ``$`` is a dollar sign, and the SVG writer escapes ``<`` and ``&``.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from pathlib import Path

from cstool.errors import InvalidValue
from cstool.storage.files import write_file

METRIC_TITLES = {"tte": "Time to Engage", "ttfv": "Time to First Value", "tto": "Time to Onboard"}
STATUS_LABELS = {"not-started": "not started", "scheduled": "scheduled", "in-progress": "in progress",
                 "on-hold": "on hold", "completed": "completed, first value pending"}

# Okabe-Ito: told apart with every common colour-vision deficiency, and in grey on paper
BLUE, ORANGE, GREEN, VERMILLION, SKY, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#777777"
INK = "#1d2330"
HEALTH_COLOURS = {"red": VERMILLION, "yellow": "#D9A400", "green": GREEN, None: GREY}
HEALTH_LABELS = {"red": "red", "yellow": "yellow", "green": "green", None: "not scored"}

STYLE = {
    "svg.fonttype": "none",  # text stays text: smaller files, selectable, read by the browser test
    "text.parse_math": False,  # a name with two $ signs is a name, not a formula
    "font.size": 10,
    "font.family": ["DejaVu Sans", "sans-serif"],
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "legend.frameon": False,
    "legend.fontsize": 9,
}
FORMATS = ("svg", "png")
LABEL_LIMIT = 40


def _label(text: str | None) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _nan(value):
    return math.nan if value is None else value


def _pct(value) -> str:
    return "–" if value is None else f"{value:g}%"


def _whole_counts(axis) -> None:
    """A count axis ticks at whole numbers only: never 0.5 onboardings."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _in_progress(report: dict, today) -> bool:
    from datetime import date

    from cstool.domain.fiscal import quarter_in_progress

    start, end = report.get("start"), report.get("end")
    if not start or not end:
        return False
    return quarter_in_progress(date.fromisoformat(str(start)), date.fromisoformat(str(end)), today)


BAND_COLOURS = {"good": GREEN, "fair": ORANGE, "poor": VERMILLION, None: GREY}
IN_PROGRESS = "in progress"


# --- the charts -------------------------------------------------------------------------------------------


def ttv_trend(reports: list[dict], *, today=None):
    """Per metric: median and 90th percentile per quarter against the goal line (top), and the share
    measured within the goal (bottom), coloured by how it compares with the goal (domain/ttv
    within_goal_band).  A quarter still in progress is labelled so, its bars hatched and its points hollow.
    `reports`: `report ttv --quarters N` output."""
    import matplotlib as mpl
    from matplotlib.patches import Patch

    from cstool.clock import today as clock_today
    from cstool.domain.ttv import WITHIN_GOAL_BANDS, within_goal_band

    today = today or clock_today()
    with mpl.rc_context(STYLE):
        current = [_in_progress(r, today) for r in reports]
        labels = [f"{r['quarter']}\n({IN_PROGRESS})" if now else r["quarter"] for r, now in zip(reports, current)]
        x = list(range(len(labels)))
        fig = _figure(min(16.0, max(9.0, 0.8 * len(labels) * 3)), 6.4)
        axes = fig.subplots(2, 3, sharex=True)
        cohort = reports[-1].get("cohort", "achieved") if reports else "achieved"
        span = labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"
        by = " (cohort: the quarter onboarding started)" if cohort == "start" else ""
        fig.suptitle(f"Time to Value, {span}{by}", fontsize=12, fontweight="bold")
        for col, metric in enumerate(("tte", "ttfv", "tto")):
            rows = [next(m for m in r["metrics"] if m["metric"] == metric) for r in reports]
            goal = rows[-1]["goal_days"]
            top, bottom = axes[0][col], axes[1][col]
            top.set_title(f"{METRIC_TITLES[metric]}, days (goal {goal})")
            top.axhline(goal, color=INK, linestyle=":", linewidth=1.5, label="goal")
            medians = [_nan(m["median_days"]) for m in rows]
            p90s = [_nan(m["p90_days"]) for m in rows]
            top.plot(x, medians, marker="o", color=BLUE, label="median", clip_on=False, zorder=3)
            top.plot(x, p90s, marker="s", linestyle="--", color=ORANGE, label="90th percentile", clip_on=False,
                     zorder=3)
            for i in (i for i, now in enumerate(current) if now):  # figures that may still change: hollow
                top.plot([i], [medians[i]], marker="o", color=BLUE, markerfacecolor="white", clip_on=False,
                         zorder=4, linestyle="none")
                top.plot([i], [p90s[i]], marker="s", color=ORANGE, markerfacecolor="white", clip_on=False,
                         zorder=4, linestyle="none")
            if all(m["count"] == 0 for m in rows):
                top.text(0.5, 0.5, "nothing measured", transform=top.transAxes, ha="center", color=GREY)
            values = [v for v in medians + p90s if not math.isnan(v)]
            top.set_ylim(min(0, *values) if values else 0, max(goal, *values) * 1.12 if values else goal * 1.5)
            shares = [m["within_goal_pct"] for m in rows]
            bands = [within_goal_band(v) for v in shares]
            bars = bottom.bar(x, [v or 0 for v in shares], color=[BAND_COLOURS[b] for b in bands], width=0.6)
            for bar, now in zip(bars, current):
                if now:
                    bar.set_hatch("///")
                    bar.set_alpha(0.55)
                    bar.set_edgecolor(INK)
            if len(labels) <= 12:  # beyond that the labels would overlap; the table beside has every figure
                bottom.bar_label(bars, labels=[_pct(v) for v in shares], fontsize=8 if len(labels) <= 6 else 6)
            bottom.set_ylim(0, 112)
            bottom.set_title(f"measured within {goal} days, %", fontweight="normal", fontsize=10)
            step = 1 if len(labels) <= 8 else 2 if len(labels) <= 16 else 3  # every quarter stays in the table
            shown = [label if (len(labels) - 1 - i) % step == 0 else "" for i, label in enumerate(labels)]
            bottom.set_xticks(x, shown, rotation=35 if len(labels) > 3 else 0,
                              ha="right" if len(labels) > 3 else "center", fontsize=8 if len(labels) > 3 else 9)
        handles = list(axes[0][0].get_legend_handles_labels()[0])
        handles += [Patch(color=BAND_COLOURS[b], label=f"within the goal: {text}") for b, text in
                    WITHIN_GOAL_BANDS.items()]
        if any(current):
            handles.append(Patch(facecolor="white", edgecolor=INK, hatch="///",
                                 label="quarter in progress (figures may still change)"))
        fig.legend(handles, [h.get_label() for h in handles], loc="outside lower center", ncols=4)
        return fig


def ttv_spread(report: dict):
    """The chosen quarter's measured values per metric: min to max, median to 90th percentile, the mean and
    the goal.  `report`: one quarter of `report ttv`."""
    import matplotlib as mpl

    with mpl.rc_context(STYLE):
        fig = _figure(9.0, 4.2)
        axes = fig.subplots(3, 1)
        fig.suptitle(f"Time to Value in {report['quarter']}: how the measured days spread",
                     fontsize=12, fontweight="bold")
        for ax, m in zip(axes, report["metrics"]):
            goal = m["goal_days"]
            title = f"{METRIC_TITLES[m['metric']]}: {m['count']} measured"
            if m["count"]:
                title += f", {_pct(m['within_goal_pct'])} within {goal} days"
            ax.set_title(title, loc="left", fontsize=10)
            ax.set_yticks([])
            ax.spines["left"].set_visible(False)
            ax.axvline(goal, color=INK, linestyle=":", linewidth=1.5, label="goal")
            if not m["count"]:
                ax.text(0.5, 0.4, "nothing measured", transform=ax.transAxes, ha="center", color=GREY)
                ax.set_xlim(0, goal * 2)
                continue
            ax.hlines(0, m["min_days"], m["max_days"], color=GREY, linewidth=2, label="min to max")
            ax.hlines(0, m["median_days"], m["p90_days"], color=SKY, linewidth=9, label="median to 90th percentile")
            ax.plot([m["median_days"]], [0], marker="|", markersize=18, markeredgewidth=3, color=BLUE,
                    linestyle="none", label="median")
            ax.plot([m["mean_days"]], [0], marker="D", color=ORANGE, linestyle="none", label="mean")
            low, high = min(m["min_days"], 0), max(m["max_days"], goal)
            ax.set_xlim(low - 1, high + max(2, (high - low) * 0.05))
            ax.set_ylim(-1, 1)
        axes[-1].set_xlabel("days")
        handles, names = [], []
        for ax in axes:
            for h, n in zip(*ax.get_legend_handles_labels()):
                if n not in names:
                    handles.append(h)
                    names.append(n)
        if handles:
            fig.legend(handles, names, loc="outside lower center", ncols=5)
        return fig


def onboarding_status(onboarding: dict):
    """Open onboardings per status, the overdue ones apart.  `onboarding`: the dashboard's onboarding section
    (`report onboarding` plus its overdue tally)."""
    import matplotlib as mpl

    counts, overdue = onboarding["counts"], onboarding["overdue_counts"]
    if not any(counts.values()):
        return None
    with mpl.rc_context(STYLE):
        statuses = [s for s in counts if counts[s]]
        fig = _figure(8.0, 0.55 * len(statuses) + 1.4)
        ax = fig.subplots()
        y = list(range(len(statuses)))[::-1]
        late = [overdue.get(s, 0) for s in statuses]
        on_time = [counts[s] - overdue.get(s, 0) for s in statuses]
        b1 = ax.barh(y, on_time, color=BLUE, label="within every goal so far")
        b2 = ax.barh(y, late, left=on_time, color=VERMILLION, label="overdue on a goal")
        ax.bar_label(b2, labels=[str(counts[s]) for s in statuses], padding=3)
        del b1
        ax.set_yticks(y, [STATUS_LABELS.get(s, s) for s in statuses])
        ax.set_xlabel("onboardings")
        _whole_counts(ax.xaxis)
        ax.set_title("Open onboardings by status", loc="left")
        ax.set_xlim(0, max(counts.values()) * 1.15 + 1)
        ax.legend(loc="lower right")
        return fig


EBR_STATE_COLOURS = {"met": GREEN, "booked": SKY, "behind": ORANGE, "none": VERMILLION}


def ebr_coverage(ebr: dict):
    """Accounts per cadence by where they stand against the year's target.  `ebr`: `report ebr --fy` output."""
    import matplotlib as mpl

    from cstool.domain.ebr import COVERAGE_STATES, coverage_tally

    t = ebr["totals"]
    tally = coverage_tally(ebr["rows"])
    if not tally or not (t["held"] or t["upcoming"] or t["declined"] or t["cancelled"]):
        return None
    with mpl.rc_context(STYLE):
        cadences = [c for c in ("quarterly", "semiannual", "annual") if c in tally] + \
                   [c for c in tally if c not in ("quarterly", "semiannual", "annual")]
        fig = _figure(8.0, 0.6 * len(cadences) + 1.9)
        ax = fig.subplots()
        y = list(range(len(cadences)))[::-1]
        left = [0] * len(cadences)
        for state, label in COVERAGE_STATES.items():
            widths = [tally[c][state] for c in cadences]
            bars = ax.barh(y, widths, left=left, color=EBR_STATE_COLOURS[state], label=label, height=0.6)
            ax.bar_label(bars, labels=[str(w) if w else "" for w in widths], label_type="center", fontsize=8,
                         color="white" if state in ("met", "none") else INK)
            left = [a + b for a, b in zip(left, widths)]
        ax.set_yticks(y, [f"{c} ({sum(tally[c].values())})" for c in cadences])
        ax.set_xlabel("accounts")
        _whole_counts(ax.xaxis)
        ax.set_title(f"EBR coverage per account, FY{ebr['fiscal_year']}, by cadence", loc="left")
        fig.legend(loc="outside lower center", ncols=4)
        return fig


def pse_burn(rows: list[dict]):
    """Percent complete against hours burned per engagement; above the diagonal is ahead of the hours.
    `rows`: `report pse` output."""
    import matplotlib as mpl

    points = [r for r in rows if r["hours_burned_pct"] is not None and r["percent_complete"] is not None]
    if not points:
        return None
    with mpl.rc_context(STYLE):
        fig = _figure(8.0, 5.4)
        ax = fig.subplots()
        top = max(100.0, *(r["hours_burned_pct"] for r in points)) * 1.08
        ax.plot([0, 100], [0, 100], color=GREY, linestyle=":", label="on pace (work done = hours used)")
        groups = {"over budget": [r for r in points if r["over_budget"]],
                  "hours not logged for 14 days": [r for r in points if r["stale_hours"] and not r["over_budget"]],
                  "in budget": [r for r in points if not r["over_budget"] and not r["stale_hours"]]}
        # flagged points are drawn last, on top: a stale or over-budget engagement is never hidden under an
        # in-budget one at the same place; points on an axis (0%) are drawn whole (clip_on=False)
        drawn = {}
        for (name, members), colour, z in reversed(list(zip(groups.items(), (VERMILLION, ORANGE, BLUE), (5, 4, 3)))):
            if members:
                drawn[name] = ax.scatter([r["hours_burned_pct"] for r in members],
                                         [r["percent_complete"] for r in members], color=colour,
                                         s=36 if z == 3 else 44, label=name, zorder=z, clip_on=False,
                                         edgecolors="white", linewidths=0.8)
        for r in points:  # name the ones to look at; the table beside the chart names them all
            if not (r["over_budget"] or r["stale_hours"] or r["hours_burned_pct"] - r["percent_complete"] > 15):
                continue
            ax.annotate(_label(r["name"]), (r["hours_burned_pct"], r["percent_complete"]), fontsize=7,
                        xytext=(4, 3), textcoords="offset points", color="#333333")
        ax.set_xlim(0, top)
        ax.set_ylim(0, 105)
        ax.set_xlabel("hours burned (% of scoped hours)")
        ax.set_ylabel("percent complete")
        ax.set_title("Professional Services: work done against hours used", loc="left")
        pace = ax.get_legend_handles_labels()[0][:1]
        ax.legend(pace + [drawn[n] for n in groups if n in drawn], [h.get_label() for h in pace] +
                  [n for n in groups if n in drawn], loc="lower right")
        return fig


def health_colours(colours: dict):
    """Accounts per computed health colour.  `colours`: the dashboard's tally of `report health` rows."""
    import matplotlib as mpl

    if not any(colours.values()):
        return None
    with mpl.rc_context(STYLE):
        fig = _figure(6.0, 3.2)
        ax = fig.subplots()
        keys = list(colours)
        bars = ax.bar([HEALTH_LABELS.get(k, HEALTH_LABELS[None]) for k in keys], [colours[k] for k in keys],
                      color=[HEALTH_COLOURS[k] for k in keys], width=0.6)
        ax.bar_label(bars, padding=2)
        ax.set_ylim(0, max(colours.values()) * 1.18 + 1)
        ax.set_ylabel("accounts")
        _whole_counts(ax.yaxis)
        ax.set_title("Accounts by health colour", loc="left")
        return fig


def pov_win_rate(povs: list[dict]):
    """Win rate of the POVs closed per quarter.  `povs`: `report pov --quarter Q` per quarter."""
    import matplotlib as mpl

    if not any(p["closed"] for p in povs):
        return None
    with mpl.rc_context(STYLE):
        fig = _figure(min(12.0, max(6.0, 1.3 * len(povs))), 3.4)
        ax = fig.subplots()
        x = list(range(len(povs)))
        bars = ax.bar(x, [p["win_rate_pct"] or 0 for p in povs], color=BLUE, width=0.6)
        ax.bar_label(bars, labels=[f"{_pct(p['win_rate_pct'])}\n{p['successful']} of {p['closed']}"
                                   if p["closed"] else "none closed" for p in povs], fontsize=8, padding=2)
        ax.set_xticks(x, [p["quarter"] for p in povs], rotation=45 if len(povs) > 4 else 0,
                      ha="right" if len(povs) > 4 else "center")
        ax.set_ylim(0, 125)
        ax.set_ylabel("won (% of closed POVs)")
        ax.set_title("POV win rate per quarter", loc="left")
        return fig


def renewal_retention(reports: list[dict]):
    """GRR and NRR per quarter.  `reports`: `report renewals --quarters N`."""
    import matplotlib as mpl

    if not any(r["grr_pct"] is not None for r in reports):
        return None
    with mpl.rc_context(STYLE):
        fig = _figure(min(12.0, max(6.0, 1.3 * len(reports))), 3.4)
        ax = fig.subplots()
        x = list(range(len(reports)))
        width = 0.38
        grr = ax.bar([i - width / 2 for i in x], [r["grr_pct"] or 0 for r in reports], width, color=BLUE, label="GRR")
        nrr = ax.bar([i + width / 2 for i in x], [r["nrr_pct"] or 0 for r in reports], width, color=ORANGE,
                     label="NRR")
        ax.bar_label(grr, labels=[_pct(r["grr_pct"]) if r["grr_pct"] is not None else "none closed" for r in reports],
                     fontsize=8, padding=2)
        ax.bar_label(nrr, labels=[_pct(r["nrr_pct"]) if r["nrr_pct"] is not None else "" for r in reports],
                     fontsize=8, padding=2)
        ax.axhline(100, color=GREY, linewidth=0.8, linestyle="--")
        ax.set_xticks(x, [r["quarter"] for r in reports], rotation=45 if len(reports) > 4 else 0,
                      ha="right" if len(reports) > 4 else "center")
        top = max([r["nrr_pct"] or 0 for r in reports] + [100])
        ax.set_ylim(0, top * 1.2)
        ax.set_ylabel("% of the ARR due (closed renewals)")
        ax.set_title("Gross and net revenue retention per quarter", loc="left")
        ax.legend(loc="lower right")
        return fig


def renewal_risk(reports: list[dict]):
    """ARR pending renewal per coming quarter, split by the account's computed health colour."""
    import matplotlib as mpl

    if not any(r["pending_arr"] for r in reports):
        return None
    with mpl.rc_context(STYLE):
        fig = _figure(6.0, 3.2)
        ax = fig.subplots()
        labels = [r["quarter"] for r in reports]
        red = [r["at_risk_red_arr"] for r in reports]
        yellow = [r["at_risk_yellow_arr"] for r in reports]
        rest = [r["pending_arr"] - a - b for r, a, b in zip(reports, red, yellow)]
        ax.bar(labels, red, color=HEALTH_COLOURS["red"], label="red", width=0.5)
        ax.bar(labels, yellow, bottom=red, color=HEALTH_COLOURS["yellow"], label="yellow", width=0.5)
        ax.bar(labels, rest, bottom=[a + b for a, b in zip(red, yellow)], color=HEALTH_COLOURS["green"],
               label="green or not scored", width=0.5)
        ax.set_ylabel("ARR pending renewal")
        ax.set_title("Renewal ARR by health colour", loc="left")
        ax.legend(loc="upper right")
        return fig


# --- output -----------------------------------------------------------------------------------------------

_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)


def svg_markup(fig, *, name: str, label: str) -> str:
    """The figure as an <svg> element to place inside an HTML page: no XML prolog, no metadata, ids salted
    with the chart's name (several charts share one document), a role and a label for screen readers."""
    import matplotlib as mpl
    from html import escape

    buffer = io.StringIO()
    with mpl.rc_context({**STYLE, "svg.hashsalt": f"cstool-{name}"}), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a glyph DejaVu lacks: the browser draws SVG text with its own fonts
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = _METADATA.sub("", _PROLOG.sub("", buffer.getvalue(), count=1), count=1)
    return text.replace("<svg ", f'<svg class="chart" data-chart="{escape(name)}" role="img" '
                                 f'aria-label="{escape(label)}" ', 1)


def chart_format(path: str) -> str:
    """svg or png, from the file name (the --chart option)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise InvalidValue("--chart", path, "give a file name ending in .svg or .png")
    return suffix


def save(fig, path: str) -> int:
    """Write the figure as SVG or PNG (by the file's suffix), replacing the file in one step; returns bytes."""
    fmt = chart_format(path)
    target = Path(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = io.BytesIO()
        import matplotlib as mpl

        with mpl.rc_context({**STYLE, "svg.hashsalt": "cstool"}):
            fig.savefig(data, format=fmt, dpi=150, metadata={"Date": None} if fmt == "svg" else {})
    return write_file(target, data.getvalue(), field="--chart")
