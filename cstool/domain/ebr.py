"""Executive Business Review rules: statuses and outcomes, fiscal-quarter moves, cadence, links."""

from __future__ import annotations

import re
from datetime import date

from dateutil.relativedelta import relativedelta

from cstool.domain.fiscal import FiscalQuarter, quarter_of
from cstool.errors import RuleViolation

STATUSES = ("not-started", "scheduled", "completed", "cancelled", "declined")
OPEN_STATUSES = ("not-started", "scheduled")
OUTCOMES = ("incomplete", "successful", "partially-successful", "unsuccessful", "cancelled", "declined")
HELD_OUTCOMES = ("successful", "partially-successful", "unsuccessful")
LINKABLE_PER_OPPORTUNITY = 4
CADENCE_TARGET = {"quarterly": 4, "semiannual": 2, "annual": 1, "none": 0}
DEFAULT_INTERVAL = relativedelta(days=90)
CADENCE_INTERVAL = {
    "quarterly": relativedelta(days=90),
    "semiannual": relativedelta(months=6),
    "annual": relativedelta(months=12),
}


def default_name(account: str, quarter: FiscalQuarter) -> str:
    return f"{account} {quarter.label} EBR"


def crosses_quarter(old: date | None, new: date, start_month: int) -> bool:
    """Moving an EBR into another fiscal quarter declines it and creates a new one."""
    return old is not None and quarter_of(old, start_month) != quarter_of(new, start_month)


def next_date(this_date: date, cadence: str | None) -> date:
    """The successive EBR: per the account's cadence, else 90 days after this one (refused past 9999-12-31)."""
    try:
        return this_date + CADENCE_INTERVAL.get(cadence or "", DEFAULT_INTERVAL)
    except (OverflowError, ValueError):
        raise RuleViolation(f"--next: the EBR after {this_date.isoformat()} would fall after 9999-12-31, the last "
                            "date there is; schedule the next one with `ebr schedule --date`. Nothing was changed.") from None


def linkable(held: list[tuple[int, date]], close_date: date) -> list[int]:
    """The ids of the (up to) four latest EBRs held strictly before the close date, newest first.

    `held` is (id, date) of completed EBRs of the opportunity's account.
    """
    before = sorted(((d, i) for i, d in held if d is not None and d < close_date), reverse=True)
    return [i for _, i in before[:LINKABLE_PER_OPPORTUNITY]]


def link_problem(*, ebr_id: int, ebr_account: int, status: str, on: date | None, opp_id: int, opp_account: int,
                 close_date: date | None, eligible: list[int]) -> str | None:
    """Why this EBR may not be linked to this opportunity (None when it may): the four-latest rule."""
    if ebr_account != opp_account:
        return f"link: EBR #{ebr_id} belongs to another account than opportunity #{opp_id}."
    if status != "completed":
        return f"link: EBR #{ebr_id} is {status}; only EBRs that were held can be linked."
    if on is None or close_date is None or on >= close_date:
        return (f"link: EBR #{ebr_id} was held on {on}, not before the opportunity's close date "
                f"{close_date or '(none)'}.")
    if ebr_id not in eligible:
        return (f"link: only the {LINKABLE_PER_OPPORTUNITY} latest EBRs held before {close_date} may be linked "
                f"({', '.join('#' + str(i) for i in eligible)}); EBR #{ebr_id} ({on}) is older.")
    return None


def settle(status: str | None, outcome: str | None, on: date | None) -> tuple[str, str]:
    """Status and outcome of an EBR recorded elsewhere (an import), held together by the rules of section 6.

    Open EBRs have outcome incomplete; a held one a held outcome; cancelled and declined carry their own.
    A missing status follows from the outcome (or the date); a missing outcome from the status."""
    if status is None:
        status = ("completed" if outcome in HELD_OUTCOMES else outcome if outcome in ("cancelled", "declined")
                  else "scheduled" if on is not None else "not-started")
    if status in OPEN_STATUSES:
        if outcome not in (None, "incomplete"):
            raise RuleViolation(f"outcome: {outcome!r} needs a held, cancelled or declined EBR, not a {status} one")
        if status == "scheduled" and on is None:
            raise RuleViolation("date: a scheduled EBR needs its date")
        return status, "incomplete"
    if status == "completed":
        if outcome not in HELD_OUTCOMES:
            raise RuleViolation(f"outcome: a completed EBR needs one of {', '.join(HELD_OUTCOMES)}"
                                + (f", not {outcome!r}" if outcome else ""))
        if on is None:
            raise RuleViolation("date: a completed EBR needs the date it was held")
        return status, outcome
    if outcome not in (None, status):
        raise RuleViolation(f"outcome: a {status} EBR has outcome {status}, not {outcome!r}")
    return status, status


def is_default_name(name: str, account: str) -> bool:
    """A name cstool gave (`<account> FY2027-Q3 EBR`), as opposed to one typed by hand."""
    return re.fullmatch(re.escape(account) + r" FY\d{4}-Q[1-4] EBR", name.strip(), flags=re.IGNORECASE) is not None


def name_for_date(name: str, account: str, new_date: date, start_month: int) -> str:
    """An undated EBR given a date takes that quarter's default name, unless it was named by hand."""
    return default_name(account, quarter_of(new_date, start_month)) if is_default_name(name, account) else name


def links_after(eligible: list[int], linked: set[int], *, requested: set[int] = frozenset(),
                held: set[int] = frozenset()) -> tuple[list[int], list[int]]:
    """The four-latest rule for one opportunity, however its links are reached: (add, drop).

    `eligible` is its four latest EBRs held before its close date; `requested` the EBRs being linked (by id,
    --auto, import); `held` EBRs just held. An opportunity never keeps a link outside its four latest (the
    oldest leaves when a newer one comes); one that follows its EBRs (it has links) takes a newly held one in;
    one with no links is left alone."""
    top = set(eligible)
    wanted = (linked | requested | (held if linked else set())) & top
    return sorted(wanted - linked), sorted(linked - wanted)


def customer_since(*, purchases: list[date | None], won_closes: list[date | None], first_start: date | None,
                   added: date) -> date:
    """When the account became a customer: its earliest purchase date or closed-won close date, else its first
    onboarding's start, else the day it was added."""
    known = [d for d in (*purchases, *won_closes) if d is not None]
    return min(known) if known else first_start or added


def counted_quarters(fy: int, start_month: int, since: date, today: date | None = None) -> list[FiscalQuarter]:
    """The fiscal year's quarters that count for EBR coverage: from the one the account became a customer in
    (all four when it was a customer before the year began); with `today`, only those started by then."""
    out = []
    for q in range(1, 5):
        quarter = FiscalQuarter(fy, q, start_month)
        if quarter.end < since or (today is not None and quarter.start > today):
            continue
        out.append(quarter)
    return out


def year_target(cadence: str | None, quarters: int) -> int:
    """The cadence's share of the counted quarters: quarterly one per quarter, semiannual 2 per 4, annual 1 per 4
    (rounded down)."""
    return CADENCE_TARGET.get(cadence or "none", 0) * quarters // 4


def missing_quarters(fy: int, start_month: int, covered: set[str], today: date, since: date | None = None) -> list[str]:
    """Quarters of the fiscal year up to the current one (from the customer's first) with no EBR held or scheduled."""
    counted = counted_quarters(fy, start_month, since or date.min, today)
    return [q.label for q in counted if q.label not in covered]


# --- coverage: where an account stands against its cadence target for the year --------------------------

COVERAGE_STATES = {"met": "target met", "booked": "on course (rest booked)", "behind": "behind",
                   "none": "nothing held or booked"}


def coverage_state(*, held: int, upcoming: int, target: int) -> str:
    """met: held the target; booked: held + upcoming reach it; behind: some, not enough; none: nothing."""
    if held >= target:
        return "met"
    if held + upcoming >= target:
        return "booked"
    return "behind" if held + upcoming else "none"


def coverage_tally(rows: list[dict]) -> dict[str, dict[str, int]]:
    """{cadence: {state: accounts}} over `report ebr` rows that have a target."""
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        if r["target"]:
            per = out.setdefault(r["cadence"], dict.fromkeys(COVERAGE_STATES, 0))
            per[coverage_state(held=r["held"], upcoming=r["upcoming"], target=r["target"])] += 1
    return out


def furthest_behind(rows: list[dict], limit: int) -> list[dict]:
    """The `report ebr` rows with a target, the most EBRs short of it (held + upcoming) first."""
    targeted = [r for r in rows if r["target"]]
    return sorted(targeted, key=lambda r: (-(r["target"] - r["held"] - r["upcoming"]), -r["target"],
                                           r["account"].casefold()))[:limit]
