"""First value after completion (docs/rules.md, "Time to Value: TTE, TTFV, TTO"): completing does not stop the first-value clock.

Every figure below is computed by hand; today is 2026-11-24, fiscal year from February:
FY2026-Q1 = 2025-02-01..2025-04-30, Q2 = 2025-05-01..2025-07-31, Q3 = 2025-08-01..2025-10-31.

account   csm  purchase    start       first engaged       completed            first value
Kilo      Ann  2025-03-01  2025-03-03  2025-03-10 (TTE 7)  2025-04-20 (TTO 48)  2025-05-10 (TTFV 70), after completing
Lima      Ann  2025-05-01  2025-05-05  2025-05-08 (TTE 3)  2025-06-10 (TTO 36)  never
Mike      Bob  2025-05-15  2025-05-20  2025-06-20 (TTE 31) 2025-06-30 (TTO 41)  2025-08-05 (TTFV 82), after completing
November  Bob  2025-06-20  2025-06-25  never               2025-07-25 (TTO 30)  2025-07-10 (TTFV 20)
Oscar     Ann  -           2025-07-01  2025-07-02 (TTE 1)  2025-07-30 (TTO 29)  2025-07-15 (no purchase date)
"""

from __future__ import annotations

from datetime import date

import pytest

from cstool.domain import ttv
from tests.test_ttv_report import empty, metric

GOALS = {"tte": 14, "ttfv": 30, "tto": 45}
Q1 = dict(q_start=date(2025, 2, 1), q_end=date(2025, 4, 30))
Q2 = dict(q_start=date(2025, 5, 1), q_end=date(2025, 7, 31))
TODAY = date(2026, 11, 24)


def _kilo(first_value=date(2025, 5, 10)):
    return {"status": "completed", "purchase_date": date(2025, 3, 1), "start_date": date(2025, 3, 3),
            "first_engaged_date": date(2025, 3, 10), "finish_date": date(2025, 4, 20), "first_value_date": first_value}


# --- the domain rule alone (no store) ---------------------------------------------------------------------------


def test_the_issue_example_in_the_domain():
    row = _kilo()
    # FY2026-Q1 (as of 2025-04-30): completed on 04-20 with no first value yet -> pending, 60 days > 30: overdue
    assert ttv.classify("ttfv", row, **Q1, today=TODAY, goal=30) == ("pending", True)
    # FY2026-Q2: first value on 05-10 -> measured, 70 days
    assert ttv.classify("ttfv", row, **Q2, today=TODAY, goal=30) == ("measured", 70)
    # TTO is measured in Q1 and out of scope after
    assert ttv.classify("tto", row, **Q1, today=TODAY, goal=45) == ("measured", 48)
    assert ttv.classify("tto", row, **Q2, today=TODAY, goal=45) is None


def test_pending_until_first_value_however_long_after_completion():
    row = _kilo(first_value=None)
    for q_start, q_end in [(date(2025, 5, 1), date(2025, 7, 31)), (date(2026, 8, 1), date(2026, 10, 31))]:
        assert ttv.classify("ttfv", row, q_start=q_start, q_end=q_end, today=TODAY, goal=30) == ("pending", True)
    st = ttv.standing(row, today=TODAY, goals=GOALS)
    assert (st["ttfv"].state, st["ttfv"].days_left, st["ttfv"].overdue) == ("pending", -603, True)
    assert (st["tte"].state, st["tte"].days) == ("measured", 7)


def test_the_left_out_reasons_that_remain():
    no_purchase = {**_kilo(), "purchase_date": None}
    assert ttv.classify("ttfv", no_purchase, **Q2, today=TODAY, goal=30) == ("left_out", "no purchase date")
    # not reached and no purchase date: it cannot be computed either
    assert ttv.classify("ttfv", {**no_purchase, "first_value_date": None}, **Q2, today=TODAY, goal=30) == (
        "left_out", "no purchase date")
    no_start = {**_kilo(), "start_date": None}
    assert ttv.classify("tte", no_start, **Q1, today=TODAY, goal=14) == ("left_out", "no start date")
    assert ttv.classify("tto", no_start, **Q1, today=TODAY, goal=45) == ("left_out", "no start date")
    never_engaged = {**_kilo(), "first_engaged_date": None}
    reason = ("left_out", "completed without a first-engaged date")
    assert ttv.classify("tte", never_engaged, **Q1, today=TODAY, goal=14) == reason  # the quarter it completed
    assert ttv.classify("tte", never_engaged, **Q2, today=TODAY, goal=14) is None  # and not again
    assert ttv.classify("tte", never_engaged, q_start=date(2025, 2, 1), q_end=date(2025, 4, 30), today=TODAY,
                        goal=14, cohort="start") == reason


# --- through the CLI, on both engines -----------------------------------------------------------------------------


@pytest.fixture
def completions(cli):
    def account(name, csm, purchase=None):
        cli.ok("account", "add", name, "--csm", csm)
        if purchase:
            cli.ok("opportunity", "add", name, "--name", f"{name} deal", "--stage", "closed-won", "--close-date", purchase)

    def complete(name, on):
        cli.ok("onboarding", "complete", name, "--date", on, "--survey-sent", "--survey-received", "--score", "4")

    account("Kilo", "Ann", "2025-03-01")
    cli.ok("onboarding", "start", "Kilo", "--date", "2025-03-03")
    cli.ok("activity", "log", "Kilo", "--type", "call", "--subject", "intro", "--date", "2025-03-10")
    complete("Kilo", "2025-04-20")

    account("Lima", "Ann", "2025-05-01")
    cli.ok("onboarding", "start", "Lima", "--date", "2025-05-05")
    cli.ok("activity", "log", "Lima", "--type", "meeting", "--subject", "kickoff", "--date", "2025-05-08")
    complete("Lima", "2025-06-10")

    account("Mike", "Bob", "2025-05-15")
    cli.ok("onboarding", "start", "Mike", "--date", "2025-05-20")
    cli.ok("activity", "log", "Mike", "--type", "call", "--subject", "intro", "--date", "2025-06-20")
    complete("Mike", "2025-06-30")

    account("November", "Bob", "2025-06-20")
    cli.ok("onboarding", "start", "November", "--date", "2025-06-25")
    cli.ok("activity", "log", "November", "--type", "email", "--subject", "welcome", "--date", "2025-06-26")
    cli.ok("onboarding", "update", "November", "--first-value", "2025-07-10")
    complete("November", "2025-07-25")

    account("Oscar", "Ann")
    cli.ok("onboarding", "start", "Oscar", "--date", "2025-07-01")
    cli.ok("activity", "log", "Oscar", "--type", "call", "--subject", "intro", "--date", "2025-07-02")
    cli.ok("onboarding", "update", "Oscar", "--first-value", "2025-07-15")
    complete("Oscar", "2025-07-30")
    return cli


def _add_late_first_values(cli):
    cli.ok("onboarding", "update", "Kilo", "--first-value", "2025-05-10")
    cli.ok("onboarding", "update", "Mike", "--first-value", "2025-08-05")


# FY2026-Q1, as of 2025-04-30: only Kilo has started. TTE 7; TTFV pending and overdue (60 days); TTO 48.
FQ1 = {
    "quarter": "FY2026-Q1", "start": "2025-02-01", "end": "2025-04-30", "cohort": "achieved",
    "metrics": [
        metric("tte", 14, 1, 7.0, 7.0, 7.0, 7, 7, 1, 100.0, 0, 0),
        empty("ttfv", 30, 1, 1),
        metric("tto", 45, 1, 48.0, 48.0, 48.0, 48, 48, 0, 0.0, 0, 0),
    ],
    "left_out": [],
}
# FY2026-Q2, as of 2025-07-31:
#  TTE  Lima 3, Mike 31, Oscar 1 -> [1, 3, 31]: median 3, mean 11.7, p90 3+0.8*28=25.4, within 2 (66.7%);
#       November completed on 07-25 without a first-engaged date: left out (this quarter only).
#  TTFV Kilo 70 (its first value came after completion), November 20 -> median 45, p90 20+0.9*50=65, within 1;
#       pending Lima (91 days) and Mike (77 days, first value only on 08-05): both overdue;
#       Oscar reached first value but has no purchase date: left out.
#  TTO  Lima 36, Mike 41, November 30, Oscar 29 -> median 33, mean 34, p90 36+0.7*5=39.5, all within 45.
FQ2 = {
    "quarter": "FY2026-Q2", "start": "2025-05-01", "end": "2025-07-31", "cohort": "achieved",
    "metrics": [
        metric("tte", 14, 3, 3.0, 11.7, 25.4, 1, 31, 2, 66.7, 0, 0),
        metric("ttfv", 30, 2, 45.0, 45.0, 65.0, 20, 70, 1, 50.0, 2, 2),
        metric("tto", 45, 4, 33.0, 34.0, 39.5, 29, 41, 4, 100.0, 0, 0),
    ],
    "left_out": [{"metric": "tte", "count": 1, "reason": "completed without a first-engaged date"},
                 {"metric": "ttfv", "count": 1, "reason": "no purchase date"}],
}
# FY2026-Q3, as of 2025-10-31: TTFV Mike 82; Lima still pending (183 days): overdue. Nothing else in scope
# (November's missing engagement was left out in Q2, not again).
FQ3 = {
    "quarter": "FY2026-Q3", "start": "2025-08-01", "end": "2025-10-31", "cohort": "achieved",
    "metrics": [
        empty("tte", 14, 0, 0),
        metric("ttfv", 30, 1, 82.0, 82.0, 82.0, 82, 82, 0, 0.0, 1, 1),
        empty("tto", 45, 0, 0),
    ],
    "left_out": [],
}


def test_the_issue_example_before_and_after_its_first_value(completions):
    cli = completions
    # completed without a first value: pending in every quarter until it comes, never left out for that reason
    q1 = cli.json("report", "ttv", "--quarter", "FY2026-Q1")
    assert q1["metrics"][1] == empty("ttfv", 30, 1, 1)
    assert q1["left_out"] == []
    kilo = cli.json("onboarding", "show", "Kilo")
    assert (kilo["status"], kilo["pending"], kilo["overdue"], kilo["ttfv_left_days"]) == (
        "completed", ["ttfv"], ["ttfv"], -603)
    assert "Kilo" in {r["account"] for r in cli.json("report", "onboarding")}
    _add_late_first_values(cli)
    q2 = cli.json("report", "ttv", "--quarter", "FY2026-Q2")
    assert q2 == FQ2
    kilo = cli.json("onboarding", "show", "Kilo")
    assert (kilo["ttfv_days"], kilo["pending"], kilo["overdue"], kilo["ttfv_left_days"]) == (70, [], [], None)


def test_three_quarters_side_by_side(completions):
    _add_late_first_values(completions)
    assert completions.json("report", "ttv", "--quarter", "FY2026-Q3", "--quarters", "3") == [FQ1, FQ2, FQ3]
    table = completions.ok("report", "ttv", "--quarter", "FY2026-Q3", "--quarters", "3").stdout
    assert "FY2026-Q2: Not measured: 1 TTE left out (completed without a first-engaged date); " \
           "1 TTFV left out (no purchase date)." in table


def test_by_csm(completions):
    _add_late_first_values(completions)
    # Ann (Kilo, Lima, Oscar): TTE Lima 3, Oscar 1 -> median 2, p90 1+0.9*2=2.8. TTFV Kilo 70; Lima pending and
    #   overdue; Oscar left out. TTO Lima 36, Oscar 29 -> median 32.5, p90 29+0.9*7=35.3.
    # Bob (Mike, November): TTE Mike 31; November left out. TTFV November 20; Mike pending and overdue.
    #   TTO Mike 41, November 30 -> median 35.5, p90 30+0.9*11=39.9.
    data = completions.json("report", "ttv", "--quarter", "FY2026-Q2", "--by", "csm")
    assert data["groups"] == [
        {"group": "Ann", "metrics": [
            metric("tte", 14, 2, 2.0, 2.0, 2.8, 1, 3, 2, 100.0, 0, 0),
            metric("ttfv", 30, 1, 70.0, 70.0, 70.0, 70, 70, 0, 0.0, 1, 1),
            metric("tto", 45, 2, 32.5, 32.5, 35.3, 29, 36, 2, 100.0, 0, 0),
        ]},
        {"group": "Bob", "metrics": [
            metric("tte", 14, 1, 31.0, 31.0, 31.0, 31, 31, 0, 0.0, 0, 0),
            metric("ttfv", 30, 1, 20.0, 20.0, 20.0, 20, 20, 1, 100.0, 1, 1),
            metric("tto", 45, 2, 35.5, 35.5, 39.9, 30, 41, 2, 100.0, 0, 0),
        ]},
    ]
    assert data["left_out"] == FQ2["left_out"]


def test_start_cohort(completions):
    _add_late_first_values(completions)
    # started in Q2: Lima, Mike, November, Oscar; measured whenever reached, pending as of today.
    #  TTE [1, 3, 31], November left out. TTFV Mike 82, November 20 -> median 51, p90 20+0.9*62=75.8,
    #  within 1; Lima pending and overdue; Oscar left out. TTO [29, 30, 36, 41].
    data = completions.json("report", "ttv", "--quarter", "FY2026-Q2", "--cohort", "start")
    assert data["metrics"] == [
        metric("tte", 14, 3, 3.0, 11.7, 25.4, 1, 31, 2, 66.7, 0, 0),
        metric("ttfv", 30, 2, 51.0, 51.0, 75.8, 20, 82, 1, 50.0, 1, 1),
        metric("tto", 45, 4, 33.0, 34.0, 39.5, 29, 41, 4, 100.0, 0, 0),
    ]
    assert data["left_out"] == FQ2["left_out"]


def test_onboarding_report_lists_completed_onboardings_waiting_for_first_value(completions):
    _add_late_first_values(completions)
    rows = completions.json("report", "onboarding")
    # nothing is open; Lima (completed 2025-06-10, purchase 2025-05-01) still waits for its first value
    assert [(r["account"], r["status"], r["pending"], r["overdue"], r["ttfv_left_days"], r["tto_days"]) for r in rows] \
        == [("Lima", "completed", ["ttfv"], ["ttfv"], -542, 36)]
    lima = completions.json("onboarding", "show", "Lima")
    assert (lima["pending"], lima["overdue"], lima["ttfv_left_days"]) == (["ttfv"], ["ttfv"], -542)
    account = completions.json("account", "show", "Lima")
    assert account["onboarding"]["overdue"] == ["ttfv"]
    table = completions.ok("report", "onboarding").stdout
    assert "completed, first value pending" in table
