"""Parsing the dates people type.

Accepted: ISO ``YYYY-MM-DD``; ``today``, ``yesterday``, ``tomorrow``;
relative ``+3d``, ``-2w``, ``+1m``, ``-1y``; spelled forms with a day, a month
name and a four-digit year (``24 Nov 2026``, ``Nov 24 2026``, ``November 24,
2026``).  A numeric form such as ``01/02/2026`` is accepted only when it can be
read one way, or when a date order (``mdy``, ``dmy``, ``ymd``) settles it.
Partial dates (``March``, ``Nov 2026``) are refused, never guessed.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from cstool.errors import InvalidValue

ACCEPTED = (
    "use YYYY-MM-DD, today, yesterday, tomorrow, +3d/-2w/+1m, "
    "or a spelled date like '24 Nov 2026'"
)
DATE_ORDERS = ("mdy", "dmy", "ymd")

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_RELATIVE = re.compile(r"^([+-])(\d{1,4})([dwmy])$")
_NUMERIC = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([a-z]+)\.?,?[\s\-]+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([a-z]+)\.?[\s\-]+(\d{1,2})(?:st|nd|rd|th)?,?[\s\-]+(\d{4})$")


def _build(field: str, raw: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidValue(field, raw, f"that day does not exist; {ACCEPTED}") from None


def parse_date(
    raw: str,
    *,
    field: str = "date",
    today: date | None = None,
    date_order: str | None = None,
) -> date:
    """Parse one date as a person or a CRM export writes it."""
    if isinstance(raw, date):
        return raw
    today = today or date.today()
    text = (raw or "").strip().lower()
    if not text:
        raise InvalidValue(field, raw, ACCEPTED)
    if text == "today":
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    if text == "tomorrow":
        return today + timedelta(days=1)
    if m := _RELATIVE.match(text):
        sign = -1 if m.group(1) == "-" else 1
        n = sign * int(m.group(2))
        unit = m.group(3)
        delta = {
            "d": relativedelta(days=n),
            "w": relativedelta(weeks=n),
            "m": relativedelta(months=n),
            "y": relativedelta(years=n),
        }[unit]
        try:
            return today + delta
        except (OverflowError, ValueError):
            raise InvalidValue(field, raw, ACCEPTED) from None
    if m := _ISO.match(text):
        return _build(field, raw, int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _NUMERIC.match(text):
        return _numeric(field, raw, m.groups(), date_order)
    for pattern, order in ((_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy")):
        if m := pattern.match(text):
            a, b, year = m.groups()
            day_s, month_s = (a, b) if order == "dmy" else (b, a)
            month = MONTHS.get(month_s)
            if month is None:
                raise InvalidValue(field, raw, f"{month_s!r} is not a month name; {ACCEPTED}")
            return _build(field, raw, int(year), month, int(day_s))
    raise InvalidValue(field, raw, ACCEPTED)


def _numeric(field: str, raw: str, parts: tuple[str, ...], date_order: str | None) -> date:
    a, b, c = parts
    if date_order is not None and date_order not in DATE_ORDERS:
        raise InvalidValue("date-order", date_order, "use mdy, dmy or ymd")
    if len(a) == 4:  # 2026/11/24 reads one way only
        return _build(field, raw, int(a), int(b), int(c))
    if len(c) != 4:
        raise InvalidValue(field, raw, f"write the year with four digits; {ACCEPTED}")
    year, x, y = int(c), int(a), int(b)
    if date_order == "mdy":
        return _build(field, raw, year, x, y)
    if date_order == "dmy":
        return _build(field, raw, year, y, x)
    readings = set()
    for month, day in ((x, y), (y, x)):
        try:
            readings.add(date(year, month, day))
        except ValueError:
            pass
    if len(readings) == 1:
        return readings.pop()
    if not readings:
        raise InvalidValue(field, raw, f"that day does not exist; {ACCEPTED}")
    raise InvalidValue(
        field,
        raw,
        "it could be read as month/day or day/month; write it as YYYY-MM-DD "
        "(or give --date-order mdy|dmy)",
    )


def add_months(d: date, months: int) -> date:
    """Calendar months: the 31st plus one month is the last day of the next month."""
    return d + relativedelta(months=months)


def not_after_tomorrow(field: str, value: date | None, *, today: date) -> date | None:
    """No date the user types may be later than tomorrow; `field` is the option the user typed (`date` for
    `--date`), so every command that shares this check names its own option."""
    latest = today + timedelta(days=1)
    if value is not None and value > latest:
        raise InvalidValue(field, value.isoformat(), f"a date may not be later than tomorrow ({latest.isoformat()})")
    return value


def numeric_reading(raw: str) -> str | None:
    """How a numeric date with a four-digit year can be read: "mdy" when only month-first is a real day
    (10/27/2026), "dmy" when only day-first is (27/10/2026), "both" when either is (01/02/2026), None when
    it is not such a date or reads the same both ways (05/05/2026).  A file's numeric dates decide its
    order from these (services/importing/base.decide_date_order)."""
    m = _NUMERIC.match((raw or "").strip())
    if not m:
        return None
    a, b, c = m.groups()
    if len(a) == 4 or len(c) != 4:
        return None
    x, y, year = int(a), int(b), int(c)
    readings = set()
    for order, (month, day) in (("mdy", (x, y)), ("dmy", (y, x))):
        try:
            date(year, month, day)
            readings.add(order)
        except ValueError:
            pass
    if len(readings) == 2:
        return None if x == y else "both"
    return readings.pop() if readings else None
