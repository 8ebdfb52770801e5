"""The fiscal calendar (docs/rules.md, "Fiscal calendar")."""

from __future__ import annotations

from datetime import date

import pytest

from cstool.domain.fiscal import FiscalQuarter, fiscal_year_bounds, parse_quarter, quarter_of
from cstool.errors import InvalidValue


def test_spec_example_february_start():
    q = quarter_of(date(2026, 11, 24))
    assert q.label == "FY2027-Q4"
    assert (q.start, q.end) == (date(2026, 11, 1), date(2027, 1, 31))
    assert fiscal_year_bounds(2027) == (date(2026, 2, 1), date(2027, 1, 31))


@pytest.mark.parametrize(
    "d, label",
    [
        (date(2026, 1, 31), "FY2026-Q4"),
        (date(2026, 2, 1), "FY2027-Q1"),
        (date(2026, 4, 30), "FY2027-Q1"),
        (date(2026, 5, 1), "FY2027-Q2"),
        (date(2026, 8, 1), "FY2027-Q3"),
        (date(2026, 10, 31), "FY2027-Q3"),
    ],
)
def test_february_boundaries(d, label):
    assert quarter_of(d, 2).label == label


def test_january_start_is_the_calendar_year():
    assert quarter_of(date(2026, 11, 24), 1).label == "FY2026-Q4"
    assert quarter_of(date(2026, 1, 1), 1).label == "FY2026-Q1"
    q = FiscalQuarter(2026, 2, 1)
    assert (q.start, q.end) == (date(2026, 4, 1), date(2026, 6, 30))


def test_other_start_months_and_shift():
    q = quarter_of(date(2026, 7, 15), 7)
    assert q.label == "FY2027-Q1" and q.start == date(2026, 7, 1)
    assert q.shift(-1).label == "FY2026-Q4" and q.shift(4).label == "FY2028-Q1"


def test_parse_quarter_forms():
    today = date(2026, 11, 24)
    assert parse_quarter("current", today=today).label == "FY2027-Q4"
    assert parse_quarter(None, today=today).label == "FY2027-Q4"
    assert parse_quarter("previous", today=today).label == "FY2027-Q3"
    assert parse_quarter("last", today=today).label == "FY2027-Q3"
    assert parse_quarter("fy2027-q1", today=today).label == "FY2027-Q1"
    with pytest.raises(InvalidValue):
        parse_quarter("Q5", today=today)
