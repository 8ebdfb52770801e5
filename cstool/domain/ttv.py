"""Time-to-Value metrics: days between milestones, and their summary statistics."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from cstool.domain.fields import round1

METRICS = ("tte", "ttfv", "tto")  # the onboarding's (report ttv); TTPI is the success plan's (report plans)
METRIC_NAMES = {"tte": "Time to Engage", "ttfv": "Time to First Value", "tto": "Time to Onboard",
                "ttpi": "Time to Purchase Intent"}
GOAL_SETTINGS = {"tte": "tte-goal", "ttfv": "ttfv-goal", "tto": "tto-goal", "ttpi": "ttpi-goal"}
# the milestone whose date places a measurement in a quarter ("achieved" cohort)
ACHIEVED_FIELD = {"tte": "first_engaged_date", "ttfv": "first_value_date", "tto": "finish_date",
                  "ttpi": "green_date"}
# the date the clock starts from, for pending/overdue.  For TTPI the clock starts at the purchase, and a plan
# row's start_date is its purchase date: it is in the pool from the day the customer bought.
CLOCK_FIELD = {"tte": "start_date", "ttfv": "purchase_date", "tto": "start_date", "ttpi": "purchase_date"}


def tte(start: date | None, first_engaged: date | None) -> int | None:
    """first-engaged - start; 0 when engagement came on or before the start."""
    if start is None or first_engaged is None:
        return None
    return max(0, (first_engaged - start).days)


def ttfv(purchase: date | None, first_value: date | None) -> int | None:
    """first-value - purchase; negative when value came during a trial."""
    if purchase is None or first_value is None:
        return None
    return (first_value - purchase).days


def tto(start: date | None, finish: date | None) -> int | None:
    if start is None or finish is None:
        return None
    return (finish - start).days


def metrics_of(*, start, first_engaged, purchase, first_value, finish) -> dict[str, int | None]:
    return {"tte": tte(start, first_engaged), "ttfv": ttfv(purchase, first_value), "tto": tto(start, finish)}


def median(values: list[int]) -> float | None:
    if not values:
        return None
    s = sorted(values)
    mid = len(s) // 2
    return float(s[mid]) if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def percentile(values: list[int], pct: float) -> float | None:
    """Linear interpolation between closest ranks (the common 'inclusive' method)."""
    if not values:
        return None
    s = sorted(values)
    if len(s) == 1:
        return float(s[0])
    pos = (len(s) - 1) * pct / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return float(s[lo] + (s[hi] - s[lo]) * (pos - lo))


@dataclass
class MetricSummary:
    metric: str
    goal_days: int
    count: int = 0
    median_days: float | None = None
    mean_days: float | None = None
    p90_days: float | None = None
    min_days: int | None = None
    max_days: int | None = None
    within_goal: int = 0
    within_goal_pct: float | None = None
    pending: int = 0
    overdue: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def summarise(metric: str, goal: int, values: list[int], *, pending: int = 0, overdue: int = 0) -> MetricSummary:
    within = sum(1 for v in values if v <= goal)
    return MetricSummary(
        metric=metric,
        goal_days=goal,
        count=len(values),
        median_days=median(values),
        mean_days=round1(sum(values) / len(values)) if values else None,
        p90_days=round1(percentile(values, 90)) if values else None,
        min_days=min(values) if values else None,
        max_days=max(values) if values else None,
        within_goal=within,
        within_goal_pct=round1(100 * within / len(values)) if values else None,
        pending=pending,
        overdue=overdue,
    )


CLOCK_NAMES = {"start_date": "start date", "purchase_date": "purchase date"}
MILESTONE_NAMES = {"first_engaged_date": "first-engaged date", "first_value_date": "first-value date",
                   "finish_date": "finish date"}


def achieved_on(metric: str, row: dict) -> date | None:
    """The day a metric is achieved, which places it in a quarter: its milestone's date, except that a TTE is
    achieved on the later of the first-engaged and start dates (a call before the start counts on the start)."""
    achieved = row.get(ACHIEVED_FIELD[metric])
    if metric == "tte" and achieved is not None and row.get("start_date") is not None:
        return max(achieved, row["start_date"])
    return achieved


def classify(
    metric: str,
    row: dict,
    *,
    q_start: date,
    q_end: date,
    today: date,
    goal: int,
    cohort: str = "achieved",
) -> tuple[str, object] | None:
    """Where one onboarding stands for one metric in one quarter (SPEC section 5).

    Returns ("measured", days), ("pending", overdue: bool), ("left_out", reason) or None (not in scope).

    achieved cohort: measured when the milestone falls in the quarter; pending when it started by the
    quarter's end (or today, whichever is earlier) and had not reached the milestone by then.
    start cohort: the onboardings that started in the quarter; measured whenever reached, otherwise
    pending as of today.

    Left out means the figure cannot be computed at all: no date its clock starts from (the purchase
    for TTFV, the start for TTE and TTO), or, for TTE only, completed with no first-engaged date (left
    out once, in the quarter of the completion).  Completing does not stop the first-value clock: a
    completed onboarding without a first value stays pending (and overdue) until that date arrives.
    """
    achieved = achieved_on(metric, row)
    clock_field = CLOCK_FIELD[metric]
    clock = row.get(clock_field)
    start = row.get("start_date")
    if cohort == "start":
        if start is None or not q_start <= start <= q_end:
            return None
        asof = today
        in_scope_measured = achieved is not None and achieved <= today
    else:
        asof = min(q_end, today)
        in_scope_measured = achieved is not None and q_start <= achieved <= q_end
    if in_scope_measured:
        if clock is None:
            return ("left_out", f"no {CLOCK_NAMES[clock_field]}")
        return ("measured", _value(metric, clock, achieved))
    if start is None or start > asof:
        return None  # not started by then: not in this quarter's pool
    if achieved is not None and achieved <= asof:
        return None  # reached before this quarter (achieved cohort)
    if metric == "tte":
        finish = row.get("finish_date")
        if row.get("status") == "completed" and finish is not None and finish <= asof:
            if cohort == "start" or finish >= q_start:
                return ("left_out", f"completed without a {MILESTONE_NAMES[ACHIEVED_FIELD[metric]]}")
            return None  # left out in the quarter it was completed, not again
    if clock is None:
        return ("left_out", f"no {CLOCK_NAMES[clock_field]}")
    return ("pending", (asof - clock).days > goal)


def _value(metric: str, clock: date, achieved: date) -> int:
    return measured_days(metric, (achieved - clock).days)


def measured_days(metric: str, days: int) -> int:
    """A metric's value from the days between its clock and its milestone: TTE is 0 when engagement came first."""
    return max(0, days) if metric == "tte" else days


@dataclass
class Standing:
    """One metric of one onboarding as of a day: the figure, or why there is none yet."""

    metric: str
    state: str  # measured | pending | left_out | none
    days: int | None = None  # the measured value
    days_left: int | None = None  # pending: goal minus days on the clock (negative: overdue)
    reason: str | None = None  # left_out: why

    @property
    def overdue(self) -> bool:
        return self.state == "pending" and self.days_left is not None and self.days_left < 0


def standing(row: dict, *, today: date, goals: dict[str, int]) -> dict[str, Standing]:
    """Where one onboarding stands today on every metric, by the same rule as the report.

    It is the report's classification over everything up to today, so a record view, `report
    onboarding` and `report ttv` always agree on what is pending and overdue.
    """
    out = {}
    for metric in METRICS:
        verdict = classify(metric, row, q_start=date.min, q_end=today, today=today, goal=goals[metric])
        if verdict is None:
            out[metric] = Standing(metric, "none")
            continue
        kind, detail = verdict
        if kind == "measured":
            out[metric] = Standing(metric, kind, days=detail)
        elif kind == "left_out":
            out[metric] = Standing(metric, kind, reason=detail)
        else:
            clock = row[CLOCK_FIELD[metric]]
            out[metric] = Standing(metric, kind, days_left=goals[metric] - (today - clock).days)
    return out


# How a quarter's within-goal share compares with the goal (every measured onboarding within it): the
# dashboard colours the share by this, never green whatever its value.
WITHIN_GOAL_GOOD_PCT = 80.0  # four in five or more within the goal
WITHIN_GOAL_FAIR_PCT = 50.0  # at least half: the median is within the goal
WITHIN_GOAL_BANDS = {"good": f"{WITHIN_GOAL_GOOD_PCT:g}% or more within the goal",
                     "fair": f"{WITHIN_GOAL_FAIR_PCT:g}% to {WITHIN_GOAL_GOOD_PCT:g}%",
                     "poor": f"under {WITHIN_GOAL_FAIR_PCT:g}% (the median misses the goal)"}


def within_goal_band(pct: float | None) -> str | None:
    """good / fair / poor for a within-goal share (None when nothing was measured)."""
    if pct is None:
        return None
    if pct >= WITHIN_GOAL_GOOD_PCT:
        return "good"
    return "fair" if pct >= WITHIN_GOAL_FAIR_PCT else "poor"
