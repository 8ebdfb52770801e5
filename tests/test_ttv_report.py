"""The TTV report on a hand-built scenario, every figure computed by hand (today is 2026-11-24).

February fiscal start: FY2027-Q3 = 2026-08-01..2026-10-31, FY2027-Q4 = 2026-11-01..2027-01-31.

account  csm  purchase    start       first engaged      first value        finish
Alpha    Ann  2026-07-20  2026-08-03  2026-08-10 (TTE 7)  2026-08-25 (TTFV 36)  2026-09-30 (TTO 58)
Bravo    Ann  2026-08-01  2026-08-20  2026-08-15 (TTE 0)  2026-07-25 (TTFV -7)  2026-10-20 (TTO 61)
Charlie  Bob  2026-09-01  2026-09-10  2026-09-30 (TTE 20) -                     - (open)
Delta    Bob  2026-10-20  2026-11-02  2026-11-05 (TTE 3)  2026-11-20 (TTFV 31)  2026-11-23 (TTO 21)
Echo     Ann  -           2026-10-25  - (an email only)   -                     - (open)
Golf     Ann  2026-06-01  2026-06-15  2026-06-20 (TTE 5)  - (never)             2026-08-20 (TTO 66)
"""

from __future__ import annotations

import pytest


def metric(name, goal, count, median, mean, p90, lo, hi, within, pct, pending, overdue):
    return {"metric": name, "goal_days": goal, "count": count, "median_days": median, "mean_days": mean,
            "p90_days": p90, "min_days": lo, "max_days": hi, "within_goal": within, "within_goal_pct": pct,
            "pending": pending, "overdue": overdue}


def empty(name, goal, pending, overdue):
    return metric(name, goal, 0, None, None, None, None, None, 0, None, pending, overdue)


@pytest.fixture
def scenario(cli):
    def account(name, csm, segment, purchase=None):
        cli.ok("account", "add", name, "--csm", csm, "--segment", segment)
        if purchase:
            cli.ok("opportunity", "add", name, "--name", f"{name} deal", "--stage", "closed-won", "--close-date", purchase)

    account("Alpha", "Ann", "large", "2026-07-20")
    cli.ok("onboarding", "start", "Alpha", "--date", "2026-08-03")
    cli.ok("activity", "log", "Alpha", "--type", "call", "--subject", "intro", "--date", "2026-08-10")
    cli.ok("onboarding", "update", "Alpha", "--first-value", "2026-08-25")
    cli.ok("onboarding", "complete", "Alpha", "--date", "2026-09-30", "--survey-sent", "--survey-received", "--score", "5")

    account("Bravo", "Ann", "smb", "2026-08-01")
    cli.ok("onboarding", "start", "Bravo", "--date", "2026-08-20")
    cli.ok("onboarding", "update", "Bravo", "--first-engaged", "2026-08-15", "--first-value", "2026-07-25")
    cli.ok("onboarding", "complete", "Bravo", "--date", "2026-10-20", "--no-survey-sent", "--no-survey-received",
           "--score", "4")

    account("Charlie", "Bob", "large", "2026-09-01")
    cli.ok("onboarding", "start", "Charlie", "--date", "2026-09-10")
    cli.ok("activity", "log", "Charlie", "--type", "meeting", "--subject", "kickoff", "--date", "2026-09-30")

    account("Delta", "Bob", "smb", "2026-10-20")
    cli.ok("onboarding", "start", "Delta", "--date", "2026-11-02")
    cli.ok("activity", "log", "Delta", "--type", "call", "--subject", "hello", "--date", "2026-11-05")
    cli.ok("onboarding", "usage", "Delta", "--licenses", "200", "--active", "10", "--date", "2026-11-10")  # 5%
    cli.ok("onboarding", "usage", "Delta", "--licenses", "200", "--active", "24", "--date", "2026-11-20")  # 12%
    cli.ok("onboarding", "complete", "Delta", "--date", "2026-11-23", "--survey-sent", "--no-survey-received",
           "--score", "3")

    account("Echo", "Ann", "mid-market")
    cli.ok("onboarding", "start", "Echo", "--date", "2026-10-25")
    cli.ok("activity", "log", "Echo", "--type", "email", "--subject", "welcome mail", "--date", "2026-11-01")

    account("Golf", "Ann", "large", "2026-06-01")
    cli.ok("onboarding", "start", "Golf", "--date", "2026-06-15")
    cli.ok("activity", "log", "Golf", "--type", "call", "--subject", "intro", "--date", "2026-06-20")
    cli.ok("onboarding", "complete", "Golf", "--date", "2026-08-20", "--survey-sent", "--survey-received", "--score", "2")
    return cli


# FY2027-Q3, achieved cohort, as of 2026-10-31:
#  TTE  measured Alpha 7, Bravo 0, Charlie 20 -> sorted [0,7,20]: median 7, mean 9.0, p90 7+0.8*13=17.4,
#       within 14: 2 (66.7%); pending Echo (6 days, not overdue); Delta started after the quarter: not counted.
#  TTFV measured Alpha 36 (Bravo's -7 fell in Q2); pending Charlie (60 days since purchase: overdue) and Golf
#       (completed without a first value: still pending, 152 days since purchase: overdue); Echo has no purchase
#       date: left out.
#  TTO  measured Alpha 58, Bravo 61, Golf 66: median 61, mean 61.7, p90 61+0.8*5=65.0, within 45: 0;
#       pending Charlie (51 days: overdue) and Echo (6 days).
Q3 = {
    "quarter": "FY2027-Q3", "start": "2026-08-01", "end": "2026-10-31", "cohort": "achieved",
    "metrics": [
        metric("tte", 14, 3, 7.0, 9.0, 17.4, 0, 20, 2, 66.7, 1, 0),
        metric("ttfv", 30, 1, 36.0, 36.0, 36.0, 36, 36, 0, 0.0, 2, 2),
        metric("tto", 45, 3, 61.0, 61.7, 65.0, 58, 66, 0, 0.0, 2, 1),
    ],
    "left_out": [{"metric": "ttfv", "count": 1, "reason": "no purchase date"}],
}

# FY2027-Q4, achieved cohort, as of today 2026-11-24:
#  TTE  Delta 3 (within); pending Echo, 30 days since start: overdue.
#  TTFV Delta 31 (not within 30); pending Charlie (84 days: overdue), Golf (176 days: overdue); Echo left out.
#  TTO  Delta 21 (within); pending Charlie (75 days: overdue), Echo (30 days).
Q4 = {
    "quarter": "FY2027-Q4", "start": "2026-11-01", "end": "2027-01-31", "cohort": "achieved",
    "metrics": [
        metric("tte", 14, 1, 3.0, 3.0, 3.0, 3, 3, 1, 100.0, 1, 1),
        metric("ttfv", 30, 1, 31.0, 31.0, 31.0, 31, 31, 0, 0.0, 2, 2),
        metric("tto", 45, 1, 21.0, 21.0, 21.0, 21, 21, 1, 100.0, 2, 1),
    ],
    "left_out": [{"metric": "ttfv", "count": 1, "reason": "no purchase date"}],
}


def test_quarter_figures(scenario):
    assert scenario.json("report", "ttv", "--quarter", "FY2027-Q3") == Q3
    assert scenario.json("report", "ttv", "--quarter", "previous") == Q3


def test_bare_quarter_means_current_even_before_another_option(scenario):
    assert scenario.json("report", "ttv", "--quarter") == Q4
    r = scenario.ok("report", "ttv", "--quarter", "--format", "json")
    assert r.json() == Q4
    assert scenario.json("report", "ttv") == Q4


def test_quarters_2_side_by_side(scenario):
    assert scenario.json("report", "ttv", "--quarters", "2", "--quarter", "FY2027-Q4") == [Q3, Q4]
    table = scenario.ok("report", "ttv", "--quarters", "2", "--quarter").stdout
    assert "FY2027-Q3" in table and "FY2027-Q4" in table and "█" in table
    assert "Time to Engage (goal 14 days)" in table


def test_by_csm(scenario):
    # Ann in Q3: TTE Alpha 7, Bravo 0 -> median 3.5, p90 0+0.9*7=6.3; pending Echo. TTFV Alpha 36; pending Golf
    #   (overdue); Echo left out (no purchase date). TTO 58, 61, 66; pending Echo.
    # Bob in Q3: TTE Charlie 20; TTFV none measured, Charlie pending and overdue; TTO Charlie pending, overdue.
    data = scenario.json("report", "ttv", "--quarter", "FY2027-Q3", "--by", "csm")
    assert data["groups"] == [
        {"group": "Ann", "metrics": [
            metric("tte", 14, 2, 3.5, 3.5, 6.3, 0, 7, 2, 100.0, 1, 0),
            metric("ttfv", 30, 1, 36.0, 36.0, 36.0, 36, 36, 0, 0.0, 1, 1),
            metric("tto", 45, 3, 61.0, 61.7, 65.0, 58, 66, 0, 0.0, 1, 0),
        ]},
        {"group": "Bob", "metrics": [
            metric("tte", 14, 1, 20.0, 20.0, 20.0, 20, 20, 0, 0.0, 0, 0),
            empty("ttfv", 30, 1, 1),
            empty("tto", 45, 1, 1),
        ]},
    ]
    assert data["left_out"] == Q3["left_out"]
    assert (data["quarter"], data["by"]) == ("FY2027-Q3", "csm")


def test_cohort_start(scenario):
    # Started in Q3: Alpha, Bravo, Charlie, Echo; measured whenever reached, pending as of today.
    #  TTE [7, 0, 20]; Echo pending 30 days: overdue.
    #  TTFV Alpha 36, Bravo -7 -> median 14.5, p90 -7+0.9*43=31.7, within 1 (the negative); pending Charlie
    #       (overdue); Echo left out (no purchase date).
    #  TTO Alpha 58, Bravo 61 -> median 59.5, p90 58+0.9*3=60.7; pending Charlie (overdue), Echo (30 days).
    data = scenario.json("report", "ttv", "--quarter", "FY2027-Q3", "--cohort", "start")
    assert data["metrics"] == [
        metric("tte", 14, 3, 7.0, 9.0, 17.4, 0, 20, 2, 66.7, 1, 1),
        metric("ttfv", 30, 2, 14.5, 14.5, 31.7, -7, 36, 1, 50.0, 1, 1),
        metric("tto", 45, 2, 59.5, 59.5, 60.7, 58, 61, 0, 0.0, 2, 1),
    ]
    assert data["left_out"] == [{"metric": "ttfv", "count": 1, "reason": "no purchase date"}]


def test_january_fiscal_start_moves_the_quarters(scenario):
    # FY2026-Q3 = 2026-07-01..2026-09-30, as of 2026-09-30.
    #  TTE Alpha 7, Bravo 0, Charlie 20 (Echo starts later: not counted).
    #  TTFV Alpha 36 and now Bravo -7 (Jul 25 is in this quarter): median 14.5; pending Charlie, 29 days since
    #       purchase: not overdue, and Golf (completed without a first value), 121 days: overdue.
    #  TTO Alpha 58, Golf 66 (Bravo finished Oct 20, next quarter): median 62, p90 58+0.9*8=65.2;
    #       pending Charlie (20 days) and Bravo (41 days, not finished by Sep 30): none overdue.
    scenario.ok("config", "set", "fiscal-year-start", "1")
    data = scenario.json("report", "ttv", "--quarter", "FY2026-Q3")
    assert (data["start"], data["end"]) == ("2026-07-01", "2026-09-30")
    assert data["metrics"] == [
        metric("tte", 14, 3, 7.0, 9.0, 17.4, 0, 20, 2, 66.7, 0, 0),
        metric("ttfv", 30, 2, 14.5, 14.5, 31.7, -7, 36, 1, 50.0, 2, 1),
        metric("tto", 45, 2, 62.0, 62.0, 65.2, 58, 66, 0, 0.0, 2, 0),
    ]
    assert scenario.json("report", "ttv", "--quarter")["quarter"] == "FY2026-Q4"


def test_records_show_metrics(scenario):
    rows = {o["account"]: o for o in scenario.json("onboarding", "list")}
    assert (rows["Alpha"]["tte_days"], rows["Alpha"]["ttfv_days"], rows["Alpha"]["tto_days"]) == (7, 36, 58)
    assert rows["Bravo"]["ttfv_days"] == -7 and rows["Bravo"]["tte_days"] == 0
    assert (rows["Echo"]["tte_days"], rows["Echo"]["ttfv_days"], rows["Echo"]["tto_days"]) == (None, None, None)
    assert rows["Echo"]["first_engaged_date"] is None  # an email does not engage


def test_onboarding_report(scenario):
    rows = {r["account"]: r for r in scenario.json("report", "onboarding")}
    # the two open ones, and Golf: completed without a first value, so TTFV is still pending (and overdue)
    assert set(rows) == {"Charlie", "Echo", "Golf"}
    golf = rows["Golf"]
    assert (golf["status"], golf["pending"], golf["overdue"]) == ("completed", ["ttfv"], ["ttfv"])
    assert (golf["tte_left_days"], golf["ttfv_left_days"], golf["tto_left_days"]) == (None, 30 - 176, None)
    charlie = rows["Charlie"]
    # started 2026-09-10: 75 days old; TTE reached (20); TTFV 84 days since purchase (goal 30): overdue;
    # TTO 75 days (goal 45): overdue
    assert (charlie["age_days"], charlie["tte_days"], charlie["overdue"]) == (75, 20, ["ttfv", "tto"])
    assert (charlie["ttfv_left_days"], charlie["tto_left_days"]) == (-54, -30)
    echo = rows["Echo"]
    assert (echo["age_days"], echo["overdue"], echo["tte_left_days"], echo["ttfv_left_days"]) == (30, ["tte"], -16, None)
    assert echo["pending"] == ["tte", "tto"]  # TTFV cannot be computed: no purchase date
    # the first open playbook task of Echo (started 2026-10-25) is the welcome on the start date
    # started 30 days ago: the steps whose windows closed before the start was recorded are skipped (SPEC 8)
    assert (echo["next_task"], echo["next_task_due_date"]) == ("Education session", "2026-11-14")
    assert set(charlie) >= {"account", "csm", "status", "start_date", "age_days", "tte_days", "ttfv_days", "tto_days",
                            "overdue", "next_task", "next_task_due_date", "delay_reason"}


def test_engagement_report(scenario):
    # last contacts: Alpha 08-10, Bravo never, Charlie 09-30, Delta 11-05, Echo 11-01, Golf 06-20
    rows = scenario.json("report", "engagement", "--days", "30")
    assert [(r["account"], r["days_since_contact"], r["follow_up"]) for r in rows] == [
        ("Bravo", None, "never contacted"),
        ("Golf", 157, "60-day"),
        ("Alpha", 106, "60-day"),
        ("Charlie", 55, "30-day"),
    ]
    assert [r["account"] for r in scenario.json("report", "engagement", "--days", "60")] == ["Bravo", "Golf", "Alpha"]
