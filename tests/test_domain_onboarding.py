"""Onboarding rules and TTV metrics on hand-computed cases."""

from __future__ import annotations

from datetime import date

import pytest

from cstool.domain import ttv
from cstool.domain.onboarding import check_dates, completion_fields, playbook_tasks, reaches_first_value
from cstool.errors import InvalidValue, RuleViolation

D = date.fromisoformat
TODAY = D("2026-11-24")


def test_spec_worked_checks():
    assert ttv.tte(D("2020-01-01"), D("2020-01-12")) == 11
    assert ttv.tto(D("2020-08-15"), D("2020-09-18")) == 34


def test_engagement_before_start_is_zero():
    assert ttv.tte(D("2026-03-10"), D("2026-03-01")) == 0
    assert ttv.tte(D("2026-03-10"), D("2026-03-10")) == 0


def test_negative_ttfv_during_trial():
    assert ttv.ttfv(D("2026-03-10"), D("2026-02-20")) == -18


def test_first_value_after_completion_still_counts():
    m = ttv.metrics_of(start=D("2026-03-01"), first_engaged=D("2026-03-05"), purchase=D("2026-02-25"),
                       first_value=D("2026-05-01"), finish=D("2026-04-10"))
    assert m == {"tte": 4, "ttfv": 65, "tto": 40}


def test_missing_dates_are_none():
    assert ttv.metrics_of(start=None, first_engaged=D("2026-01-01"), purchase=None, first_value=None,
                          finish=None) == {"tte": None, "ttfv": None, "tto": None}


def test_summary_statistics():
    s = ttv.summarise("tte", 14, [11, 0, 20, 14, 3], pending=2, overdue=1)
    assert (s.count, s.median_days, s.mean_days, s.min_days, s.max_days) == (5, 11.0, 9.6, 0, 20)
    assert s.p90_days == pytest.approx(17.6)  # 14 + 0.6 * (20 - 14)
    assert (s.within_goal, s.within_goal_pct, s.pending, s.overdue) == (4, 80.0, 2, 1)
    empty = ttv.summarise("tto", 45, [])
    assert (empty.count, empty.median_days, empty.within_goal_pct) == (0, None, None)
    assert ttv.summarise("ttfv", 30, [-5, 31]).within_goal == 1  # negatives count as within


def test_date_rules():
    check_dates({"start_date": D("2026-01-01"), "finish_date": D("2026-01-01")}, today=TODAY)
    with pytest.raises(RuleViolation, match="^finish: 2025-12-31 is before the start"):
        check_dates({"start_date": D("2026-01-01"), "finish_date": D("2025-12-31")}, today=TODAY)
    with pytest.raises(InvalidValue, match="^first-value: "):
        check_dates({"first_value_date": D("2026-11-26")}, today=TODAY)
    check_dates({"first_value_date": D("2026-11-25")}, today=TODAY)  # tomorrow is fine
    with pytest.raises(RuleViolation, match="^infra-ready: "):
        check_dates({"purchase_date": D("2026-06-01"), "infra_ready_date": D("2025-05-31")}, today=TODAY)
    check_dates({"purchase_date": D("2026-06-01"), "infra_ready_date": D("2025-06-01")}, today=TODAY)


def test_completion_needs_all_three_survey_fields():
    with pytest.raises(RuleViolation) as err:
        completion_fields(None, True, None)
    assert "--survey-sent/--no-survey-sent" in err.value.message and "--score" in err.value.message
    assert "--survey-received" not in err.value.message
    with pytest.raises(InvalidValue, match="^score: 6"):
        completion_fields(True, False, 6)
    completion_fields(False, False, 3)


def test_first_value_threshold():
    assert reaches_first_value(100, 10, 10)
    assert not reaches_first_value(100, 9, 10)
    assert reaches_first_value(3, 1, 10)


def test_playbook_due_dates_use_calendar_months():
    tasks = {t["kind"]: t for t in playbook_tasks(D("2026-01-31"))}
    assert tasks["welcome"]["due_date"] == D("2026-01-31")
    assert (tasks["personal-introduction"]["due_date"], tasks["personal-introduction"]["window_end_date"]) == (
        D("2026-02-02"), D("2026-02-05"))
    assert tasks["kickoff-call"]["due_date"] == D("2026-02-14")
    assert tasks["outlook"]["due_date"] == D("2026-07-31")
    assert tasks["renewal-check-in-10"]["due_date"] == D("2026-11-30")  # Nov has 30 days
    assert tasks["renewal-check-in-11"]["due_date"] == D("2026-12-31")
    assert tasks["renewal-check-in-12"]["due_date"] == D("2027-01-31")
    assert len(tasks) == 13
