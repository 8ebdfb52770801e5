"""Gemstone rules: exact boundaries (strictly greater than), plan only for the ultimate rules."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cstool.domain.gemstones import compute, triggers_onboarding


@pytest.mark.parametrize(
    "users, plan, iacv, expected",
    [
        # users thresholds: at the threshold is the tier below, one more is the tier
        (5000, "premium", None, "pearl"),
        (5001, "premium", None, "diamond"),
        (2500, "premium", None, "sapphire"),
        (2501, "premium", None, "pearl"),
        (1000, "premium", None, "ruby"),
        (1001, "premium", None, "sapphire"),
        (500, "premium", None, "quartz"),
        (501, "premium", None, "ruby"),
        # ultimate-only rules
        (2000, "ultimate", None, "pearl"),
        (2001, "ultimate", None, "diamond"),
        (2001, "premium", None, "sapphire"),
        (1000, "ultimate", None, "ruby"),
        (1001, "ultimate", None, "pearl"),
        (1001, "Ultimate", None, "pearl"),
        (1001, "free", None, "sapphire"),
        (1001, "ultimate-ish", None, "sapphire"),
        # iACV thresholds
        (0, None, Decimal("500000"), "pearl"),
        (0, None, Decimal("500000.01"), "diamond"),
        (0, None, Decimal("250000"), "sapphire"),
        (0, None, Decimal("250000.01"), "pearl"),
        (0, None, Decimal("100000"), "ruby"),
        (0, None, Decimal("100000.01"), "sapphire"),
        (0, None, Decimal("50000"), "quartz"),
        (0, None, Decimal("50000.01"), "ruby"),
        (None, None, Decimal("0"), "quartz"),
        (0, None, None, "quartz"),
        # plan does not matter outside the ultimate rules
        (600, "ultimate", None, "ruby"),
        (600, None, None, "ruby"),
    ],
)
def test_boundaries(users, plan, iacv, expected):
    assert compute(users, plan, iacv).name == expected


def test_no_inputs_no_gemstone():
    g = compute(None, "ultimate", None)
    assert (g.name, g.rank) == (None, 6)


def test_reason_names_the_rule():
    assert compute(2001, "ultimate", None).reason == "plan ultimate and users > 2,000 (2,001 users)"
    assert compute(0, None, Decimal("250000.01")).reason == "iACV > 250,000 (iACV 250,000.01)"
    assert compute(3, "free", 10).reason.startswith("no higher rule holds")


def test_onboarding_trigger_only_from_quartz_or_none_into_top_four():
    assert triggers_onboarding(5, 4) and triggers_onboarding(6, 1) and triggers_onboarding(None, 3)
    assert not triggers_onboarding(4, 3)
    assert not triggers_onboarding(6, 5)
    assert not triggers_onboarding(3, 5)


@given(
    users=st.one_of(st.none(), st.integers(0, 10_000)),
    plan=st.sampled_from([None, "free", "premium", "ultimate", "Ultimate", " ultimate ", "gold"]),
    cents=st.one_of(st.none(), st.integers(0, 80_000_000)),
)
def test_ranks_are_monotonic_in_users(users, plan, cents):
    iacv = None if cents is None else Decimal(cents) / 100
    base = compute(users, plan, iacv)
    more = compute((users or 0) + 1000, plan, iacv)
    assert more.rank <= base.rank
