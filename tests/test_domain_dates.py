"""The date parser: what it accepts, and what it refuses rather than guesses."""

from __future__ import annotations

from datetime import date

import pytest

from cstool.domain.dates import add_months, parse_date
from cstool.errors import InvalidValue

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11-24", date(2026, 11, 24)),
        ("today", TODAY),
        ("Yesterday", date(2026, 11, 23)),
        ("tomorrow", date(2026, 11, 25)),
        ("+3d", date(2026, 11, 27)),
        ("-2w", date(2026, 11, 10)),
        ("+1m", date(2026, 12, 24)),
        ("-1y", date(2025, 11, 24)),
        ("24 Nov 2026", date(2026, 11, 24)),
        ("Nov 24 2026", date(2026, 11, 24)),
        ("November 24, 2026", date(2026, 11, 24)),
        ("24 september 2026", date(2026, 9, 24)),
        ("2026/11/24", date(2026, 11, 24)),
        ("13/02/2026", date(2026, 2, 13)),  # only one reading
        ("05/05/2026", date(2026, 5, 5)),  # both readings agree
    ],
)
def test_accepted(text, expected):
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize("text", ["01/02/2026", "March", "Nov 2026", "2026-02-30", "31 Feb 2026", "", "soon",
                                  "24 Smarch 2026", "1/2/26", "+3x"])
def test_refused(text):
    with pytest.raises(InvalidValue) as err:
        parse_date(text, field="close-date", today=TODAY)
    assert err.value.message.startswith("close-date: ")


def test_ambiguous_message_says_how_to_write_it():
    with pytest.raises(InvalidValue) as err:
        parse_date("01/02/2026", today=TODAY)
    assert "YYYY-MM-DD" in err.value.message and "--date-order" in err.value.message


def test_date_order_settles_ambiguity():
    assert parse_date("01/02/2026", date_order="mdy") == date(2026, 1, 2)
    assert parse_date("01/02/2026", date_order="dmy") == date(2026, 2, 1)


def test_calendar_months_clamp_to_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 10, 31), 6) == date(2028, 4, 30)
