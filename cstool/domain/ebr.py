"""Executive Business Review rules: statuses and outcomes, fiscal-quarter moves, cadence, links."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from cstool.domain.fiscal import FiscalQuarter, quarter_of

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
    """The successive EBR: per the account's cadence, else 90 days after this one."""
    return this_date + CADENCE_INTERVAL.get(cadence or "", DEFAULT_INTERVAL)


def linkable(held: list[tuple[int, date]], close_date: date) -> list[int]:
    """The ids of the (up to) four latest EBRs held strictly before the close date, newest first.

    `held` is (id, date) of completed EBRs of the opportunity's account.
    """
    before = sorted(((d, i) for i, d in held if d is not None and d < close_date), reverse=True)
    return [i for _, i in before[:LINKABLE_PER_OPPORTUNITY]]


def missing_quarters(fy: int, start_month: int, covered: set[str], today: date) -> list[str]:
    """Quarters of the fiscal year up to the current one with no EBR held or scheduled."""
    out = []
    for q in range(1, 5):
        quarter = FiscalQuarter(fy, q, start_month)
        if quarter.start > today:
            break
        if quarter.label not in covered:
            out.append(quarter.label)
    return out
