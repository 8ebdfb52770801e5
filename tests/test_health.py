"""The health scorecard (docs/rules.md, "Health scorecard"): each measure at each boundary, a score by hand, the CLI on both engines."""

from __future__ import annotations

from datetime import date

import pytest

from cstool.domain import health as h

AS_OF = date(2026, 11, 24)


def _months_ago(n: int) -> date:
    from dateutil.relativedelta import relativedelta

    return AS_OF - relativedelta(months=n)


@pytest.mark.parametrize("months, active, colour", [
    (1, 900, None),  # under 2 months: not scored
    (2, 99, "red"), (2, 100, "yellow"), (2, 500, "yellow"), (2, 501, "green"),  # 10% yellow, 50% yellow, >50% green
    (5, 500, "yellow"), (5, 501, "green"), (5, 99, "red"),
    (6, 500, "red"), (6, 501, "yellow"), (6, 750, "yellow"), (6, 751, "green"),  # 50% red, >50-75% yellow
    (8, 750, "yellow"), (8, 751, "green"), (8, 100, "red"),
    (9, 750, "red"), (9, 751, "green"), (12, 500, "red"), (24, 999, "green"),  # 9+: 75% red, no yellow
])
def test_usage_bands(months, active, colour):
    m = h.usage(licenses=1000, active=active, purchase=_months_ago(months), as_of=AS_OF)
    assert h.months_since(_months_ago(months), AS_OF) == months
    assert m.colour == colour, m.reason


def test_usage_not_scored_and_whole_months():
    assert h.usage(licenses=None, active=None, purchase=date(2026, 1, 1), as_of=AS_OF).colour is None
    assert h.usage(licenses=100, active=5, purchase=None, as_of=AS_OF).colour is None
    assert h.months_since(date(2026, 1, 31), date(2026, 3, 30)) == 1
    assert h.months_since(date(2026, 1, 31), date(2026, 3, 31)) == 2
    m = h.usage(licenses=1200, active=96, purchase=date(2026, 4, 20), as_of=AS_OF)  # 8%, 7 months
    assert (m.colour, m.reason) == ("red", "usage 8% of 1,200 licenses, 7 months after purchase: red")


@pytest.mark.parametrize("days, colour", [(0, "green"), (30, "green"), (31, "yellow"), (60, "yellow"), (61, "red")])
def test_engagement_bands(days, colour):
    last = date.fromordinal(AS_OF.toordinal() - days)
    assert h.engagement(last_call=last, account_created=date(2025, 1, 1), as_of=AS_OF).colour == colour


def test_engagement_never_contacted():
    young = date.fromordinal(AS_OF.toordinal() - 30)
    old = date.fromordinal(AS_OF.toordinal() - 31)
    assert h.engagement(last_call=None, account_created=young, as_of=AS_OF).colour is None
    assert h.engagement(last_call=None, account_created=old, as_of=AS_OF).colour == "red"


@pytest.mark.parametrize("cadence, target, quarters, held, colour", [
    ("quarterly", 4, 3, 3, "green"), ("quarterly", 4, 3, 4, "green"),  # 3 due: met or more
    ("quarterly", 4, 3, 2, "yellow"), ("quarterly", 4, 3, 1, "red"), ("quarterly", 4, 1, 0, "yellow"),
    ("semiannual", 2, 3, 0, "yellow"),  # floor(2*3/4) = 1 due
    ("annual", 1, 3, 0, "green"),  # floor(1*3/4) = 0 due
    ("annual", 1, 4, 0, "yellow"),
    ("none", 0, 4, 0, None), (None, 0, 4, 0, None),
])
def test_ebr_shortfall(cadence, target, quarters, held, colour):
    assert h.ebr(cadence=cadence, target=target, quarters_started=quarters, held_or_scheduled=held).colour == colour


def test_onboarding_sentiment_and_pse():
    assert h.onboarding(is_open=False, overdue=[], customer_hold=False).colour is None
    assert h.onboarding(is_open=True, overdue=[], customer_hold=False).colour == "green"
    assert h.onboarding(is_open=True, overdue=["tte"], customer_hold=False).colour == "yellow"
    assert h.onboarding(is_open=True, overdue=["tte", "tto"], customer_hold=False).colour == "red"
    assert h.onboarding(is_open=True, overdue=[], customer_hold=True).colour == "red"
    assert [h.sentiment(s).colour for s in ("green", "yellow", "red", None)] == ["green", "yellow", "red", None]
    assert h.pse(open_count=0, over_budget=0, stale=0, both=0).colour is None
    assert h.pse(open_count=2, over_budget=0, stale=0, both=0).colour == "green"
    assert h.pse(open_count=2, over_budget=1, stale=0, both=0).colour == "yellow"
    assert h.pse(open_count=2, over_budget=0, stale=1, both=0).colour == "yellow"
    assert h.pse(open_count=2, over_budget=1, stale=1, both=0).colour == "yellow"  # two engagements, one each
    assert h.pse(open_count=1, over_budget=1, stale=1, both=1).colour == "red"


def test_weighted_score_by_hand_with_measures_not_scored():
    weights = {"usage": 30, "engagement": 20, "sentiment": 20, "ebr": 10, "onboarding": 10, "pse": 10}
    card = [h.Measure("usage", "green", ""), h.Measure("engagement", "yellow", ""), h.Measure("sentiment", "red", ""),
            h.Measure("ebr", None, ""), h.Measure("onboarding", "green", ""), h.Measure("pse", None, "")]
    # (100*30 + 50*20 + 0*20 + 100*10) / (30+20+20+10) = 5000/80 = 62.5 -> 63 (half up): yellow
    assert h.score(card, weights) == 63 and h.colour(63) == "yellow"
    assert h.worst(card) == ["sentiment"]
    assert h.score([h.Measure("usage", None, "")], weights) is None and h.colour(None) is None
    assert [h.colour(v) for v in (100, 70, 69, 40, 39, 0)] == ["green", "green", "yellow", "yellow", "red", "red"]
    assert h.score(card, {**weights, "usage": 0, "engagement": 0, "sentiment": 0, "onboarding": 0}) is None


def test_scorecard_report_snapshot_and_check(cli):
    """Acme: purchase 2026-04-20 (7 months), usage 96 of 1,200 (8%: red); last call 2026-10-01 (54 days: yellow);
    sentiment green; quarterly cadence, FY2027 has 4 quarters started, 4 due, 3 held: yellow; no open
    onboarding, no engagement.  Score (0*30 + 50*20 + 100*20 + 50*10) / 80 = 43.75 -> 44, yellow."""
    cli.ok("account", "add", "Acme", "--csm", "Ann", "--health", "green", "--sentiment", "green",
           "--ebr-cadence", "quarterly")
    cli.ok("onboarding", "start", "Acme", "--date", "2026-04-20", "--purchase-date", "2026-04-20")
    cli.ok("onboarding", "usage", "Acme", "--licenses", "1200", "--active", "96", "--date", "2026-11-20")
    cli.ok("onboarding", "complete", "Acme", "--date", "2026-06-01", "--survey-sent", "--survey-received",
           "--score", "4")
    cli.ok("activity", "log", "Acme", "--type", "call", "--subject", "cadence", "--date", "2026-10-01")
    for day in ("2026-03-10", "2026-06-10", "2026-09-10"):
        e = cli.json("ebr", "schedule", "Acme", "--date", day)["id"]
        cli.ok("ebr", "complete", str(e), "--outcome", "successful")
    card = cli.json("account", "health", "Acme")
    assert (card["score"], card["colour"], card["recorded_health"], card["as_of"]) == (44, "yellow", "green",
                                                                                      "2026-11-24")
    assert [(m["measure"], m["colour"], m["weight"]) for m in card["measures"]] == [
        ("usage", "red", 30), ("engagement", "yellow", 20), ("sentiment", "green", 20), ("ebr", "yellow", 10),
        ("onboarding", None, 10), ("pse", None, 10)]
    assert card["measures"][0]["reason"] == "usage 8% of 1,200 licenses, 7 months after purchase: red"
    assert cli.json("account", "show", "Acme")["health_score"] == 44
    # a snapshot a week ago: the usage snapshot (2026-11-20) did not exist yet, so usage was not scored:
    # (50*20 + 100*20 + 50*10) / 50 = 70, green.  Then sentiment turns red.
    cli.ok("health", "snapshot", env={"CSTOOL_TODAY": "2026-11-17"})
    cli.ok("account", "update", "Acme", "--sentiment", "red")
    cli.ok("account", "add", "Calm", "--sentiment", "green")
    # today: (0*30 + 50*20 + 0*20 + 50*10) / 80 = 18.75 -> 19, red; a week ago 70
    rows = cli.json("report", "health")
    # Calm has only its sentiment (weight 20 of 100): too little evidence for a score (SPEC 14), so not scored
    assert [(r["account"], r["score"], r["colour"], r["previous_score"], r["change"]) for r in rows] == [
        ("Acme", 19, "red", 70, -51), ("Calm", None, None, None, None)]
    assert rows[0]["worst_measures"] == ["usage", "sentiment"] and rows[0]["reason"] is None
    assert rows[1]["reason"].startswith("not scored: the measures with data carry 20 of 100 weight")
    assert [r["account"] for r in cli.json("report", "health", "--colour", "green")] == []
    assert [r["account"] for r in cli.json("report", "health", "--csm", "ann")] == ["Acme"]
    found = [f for f in cli("check", "-f", "json").json() if f["rule"] == "health-mismatch"]
    assert [f["account"] for f in found] == ["Acme"]  # recorded green, computed red
    cli.ok("health", "snapshot")
    history = cli.json("account", "health", "Acme", "--history")["history"]
    assert history == [{"date": "2026-11-17", "score": 70, "colour": "green"},
                       {"date": "2026-11-24", "score": 19, "colour": "red"}]
    cli.ok("health", "snapshot")  # the same day again replaces, never doubles
    assert len(cli.json("account", "health", "Acme", "--history")["history"]) == 2
    cli.ok("config", "set", "health-weight-usage", "0")  # weights are settings: usage no longer counts
    assert cli.json("account", "health", "Acme")["score"] == 30  # (50*20 + 0*20 + 50*10) / 50
