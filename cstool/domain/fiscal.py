"""The fiscal calendar: years named by the calendar year they end in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from cstool.errors import InvalidValue

DEFAULT_START_MONTH = 2
_LABEL = re.compile(r"^fy(\d{4})-?q([1-4])$")
QUARTER_ACCEPTED = "use a label like FY2027-Q4, current, previous or last"


def _check_month(start_month: int) -> None:
    if not 1 <= start_month <= 12:
        raise InvalidValue("fiscal-year-start", start_month, "use a month number from 1 to 12")


@dataclass(frozen=True, order=True)
class FiscalQuarter:
    year: int  # the fiscal year, named by the calendar year it ends in
    quarter: int  # 1..4
    start_month: int = DEFAULT_START_MONTH

    @property
    def label(self) -> str:
        return f"FY{self.year}-Q{self.quarter}"

    def __str__(self) -> str:
        return self.label

    @property
    def start(self) -> date:
        first_year = self.year - 1 if self.start_month != 1 else self.year
        month0 = self.start_month - 1 + 3 * (self.quarter - 1)
        return date(first_year + month0 // 12, month0 % 12 + 1, 1)

    @property
    def end(self) -> date:
        return self.shift(1).start - timedelta(days=1)

    def shift(self, quarters: int) -> "FiscalQuarter":
        index = self.year * 4 + (self.quarter - 1) + quarters
        return FiscalQuarter(index // 4, index % 4 + 1, self.start_month)

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end


def fiscal_year_of(d: date, start_month: int = DEFAULT_START_MONTH) -> int:
    _check_month(start_month)
    first_year = d.year if d.month >= start_month else d.year - 1
    return first_year + 1 if start_month != 1 else first_year


def quarter_of(d: date, start_month: int = DEFAULT_START_MONTH) -> FiscalQuarter:
    _check_month(start_month)
    months_in = (d.month - start_month) % 12
    return FiscalQuarter(fiscal_year_of(d, start_month), months_in // 3 + 1, start_month)


def fiscal_year_bounds(fy: int, start_month: int = DEFAULT_START_MONTH) -> tuple[date, date]:
    _check_month(start_month)
    return FiscalQuarter(fy, 1, start_month).start, FiscalQuarter(fy, 4, start_month).end


def parse_quarter(
    raw: str | None, *, start_month: int = DEFAULT_START_MONTH, today: date | None = None
) -> FiscalQuarter:
    """``FY2027-Q4`` (any case, hyphen optional), ``current``, ``previous``/``last``."""
    today = today or date.today()
    text = (raw or "current").strip().lower()
    current = quarter_of(today, start_month)
    if text in ("current", "this", ""):
        return current
    if text in ("previous", "last", "prev"):
        return current.shift(-1)
    if text == "next":
        return current.shift(1)
    if m := _LABEL.match(text):
        return FiscalQuarter(int(m.group(1)), int(m.group(2)), start_month)
    raise InvalidValue("quarter", raw, QUARTER_ACCEPTED)


def parse_fiscal_year(
    raw: str | int | None, *, start_month: int = DEFAULT_START_MONTH, today: date | None = None
) -> int:
    """``2027``, ``FY2027``, ``current`` or ``previous``."""
    today = today or date.today()
    current = fiscal_year_of(today, start_month)
    if raw is None:
        return current
    text = str(raw).strip().lower()
    if text in ("current", "this", ""):
        return current
    if text in ("previous", "last"):
        return current - 1
    m = re.match(r"^(?:fy)?(\d{4})$", text)
    if not m:
        raise InvalidValue("fy", raw, "use a fiscal year like 2027 or FY2027, current or previous")
    return int(m.group(1))


def quarter_in_progress(start: date, end: date, today: date) -> bool:
    """A quarter whose figures can still change: today falls inside it (charts mark it as such)."""
    return start <= today <= end
