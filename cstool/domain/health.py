"""The health scorecard (SPEC section 14): six measures, each green, yellow, red or not scored, and a score.

Every function here is pure: the inputs come from the store (one query per measure for all accounts), the
verdicts and the reasons come from here, so `account health`, `report health` and `health snapshot` agree.

License-usage bands follow the public customer-success health methodology the SPEC cites: adoption is
judged against the time since purchase (2-5 months, 6-8 months, 9 months and later).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

MEASURES = ("usage", "engagement", "sentiment", "ebr", "onboarding", "pse")
WEIGHT_SETTINGS = {m: f"health-weight-{m}" for m in MEASURES}
POINTS = {"green": 100, "yellow": 50, "red": 0}
ORDER = {"red": 0, "yellow": 1, "green": 2}


@dataclass(frozen=True)
class Measure:
    measure: str
    colour: str | None  # None: not scored
    reason: str


def months_since(start: date, as_of: date) -> int:
    """Whole calendar months from one day to another (2026-01-31 -> 2026-03-30 is 1)."""
    delta = relativedelta(as_of, start)
    return delta.years * 12 + delta.months


def usage(*, licenses: int | None, active: int | None, purchase: date | None, as_of: date) -> Measure:
    if purchase is None:
        return Measure("usage", None, "no purchase date")
    if not licenses:
        return Measure("usage", None, "no license usage recorded")
    months = months_since(purchase, as_of)
    pct = Decimal(active) * 100 / Decimal(licenses)
    shown = f"usage {pct.quantize(Decimal('1'), rounding=ROUND_HALF_UP)}% of {licenses:,} licenses, {months} " \
            f"month{'s' if months != 1 else ''} after purchase"
    if months < 2:
        return Measure("usage", None, f"{shown}: too early to score (under 2 months)")
    if months <= 5:
        colour = "green" if pct > 50 else "yellow" if pct >= 10 else "red"
    elif months <= 8:
        colour = "green" if pct > 75 else "yellow" if pct > 50 else "red"
    else:
        colour = "green" if pct > 75 else "red"
    return Measure("usage", colour, f"{shown}: {colour}")


def engagement(*, last_call: date | None, account_created: date, as_of: date) -> Measure:
    if last_call is None:
        age = (as_of - account_created).days
        if age > 30:
            return Measure("engagement", "red", f"never a call or meeting, account {age} days old: red")
        return Measure("engagement", None, f"no call or meeting yet, account {age} days old: not scored")
    days = (as_of - last_call).days
    colour = "green" if days <= 30 else "yellow" if days <= 60 else "red"
    return Measure("engagement", colour, f"last call or meeting {days} days ago ({last_call.isoformat()}): {colour}")


def ebr(*, cadence: str | None, target: int, quarters_started: int, held_or_scheduled: int) -> Measure:
    if not cadence or cadence == "none":
        return Measure("ebr", None, "no EBR cadence: not scored")
    from cstool.domain.ebr import year_target

    due = year_target(cadence, quarters_started)  # the target's share of the quarters counted (domain/ebr)
    shortfall = due - held_or_scheduled
    colour = "green" if shortfall <= 0 else "yellow" if shortfall == 1 else "red"
    return Measure("ebr", colour, f"{cadence}: {due} due by now this fiscal year, {held_or_scheduled} held or "
                                  f"scheduled (short by {max(shortfall, 0)}): {colour}")


def onboarding(*, is_open: bool, overdue: list[str], customer_hold: bool) -> Measure:
    if not is_open:
        return Measure("onboarding", None, "no open onboarding: not scored")
    if customer_hold:
        return Measure("onboarding", "red", "on hold for a customer cause: red")
    colour = "green" if not overdue else "yellow" if len(overdue) == 1 else "red"
    listed = ", ".join(m.upper() for m in overdue) or "nothing"
    return Measure("onboarding", colour, f"open onboarding, overdue: {listed}: {colour}")


def sentiment(recorded: str | None) -> Measure:
    if recorded not in POINTS:
        return Measure("sentiment", None, "no CSM sentiment recorded: not scored")
    return Measure("sentiment", recorded, f"CSM sentiment {recorded}")


def pse(*, open_count: int, over_budget: int, stale: int, both: int) -> Measure:
    if open_count == 0:
        return Measure("pse", None, "no open engagement: not scored")
    colour = "red" if both else "yellow" if over_budget or stale else "green"
    return Measure("pse", colour, f"{open_count} open engagement{'s' if open_count != 1 else ''}: {over_budget} over "
                                  f"budget, {stale} with stale hours, {both} both: {colour}")


def evidence_problem(measures: list[Measure], weights: dict[str, int]) -> str | None:
    """Why there is not enough evidence for a score (None when there is): the scored measures must carry at least
    half of the total weight, so one small measure never decides an account's colour on its own."""
    total = sum(weights[m.measure] for m in measures)
    carried = sum(weights[m.measure] for m in measures if m.colour is not None)
    if total > 0 and carried > 0 and 2 * carried >= total:
        return None
    missing = [m.measure for m in measures if m.colour is None]
    return (f"not scored: the measures with data carry {carried} of {total} weight, less than half; no data for "
            f"{', '.join(missing) or 'any measure'}")


def score(measures: list[Measure], weights: dict[str, int]) -> int | None:
    """The weighted mean of the scored measures (green 100, yellow 50, red 0), rounded half up; None when they
    carry less than half of the total weight (see evidence_problem)."""
    scored = [(POINTS[m.colour], weights[m.measure]) for m in measures if m.colour is not None]
    total = sum(w for _, w in scored)
    if not scored or total == 0 or evidence_problem(measures, weights) is not None:
        return None
    mean = Decimal(sum(p * w for p, w in scored)) / Decimal(total)
    return int(mean.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def colour(value: int | None) -> str | None:
    if value is None:
        return None
    return "green" if value >= 70 else "yellow" if value >= 40 else "red"


def worst(measures: list[Measure]) -> list[str]:
    """The measures with the worst colour of the card (the reds, else the yellows; none when all are green)."""
    scored = [m for m in measures if m.colour is not None and m.colour != "green"]
    if not scored:
        return []
    low = min(ORDER[m.colour] for m in scored)
    return [m.measure for m in scored if ORDER[m.colour] == low]
