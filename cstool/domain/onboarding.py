"""Onboarding rules: statuses, date consistency, completion fields, the playbook.

Pure functions over dates and values; the services apply them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable

from dateutil.relativedelta import relativedelta

from cstool.domain.dates import not_after_tomorrow
from cstool.domain.tasks import PLAYBOOK_TYPE, SOURCE_PLAYBOOK
from cstool.errors import InvalidValue, RuleViolation

STATUSES = ("not-started", "scheduled", "in-progress", "on-hold", "completed")
OPEN_STATUSES = STATUSES[:-1]
DELAY_CAUSES = ("customer", "gitlab")
ACTIVITY_TYPES = ("call", "meeting", "email", "workshop")
ENGAGING_TYPES = ("call", "meeting")  # the ones that set first-engaged
PURCHASE_SLACK_DAYS = 365
ENGAGEMENT_LOOKBACK_DAYS = 90  # the engagement window opens this long before the purchase (or start)
FIRST_ENGAGED_SOURCES = ("manual", "timeline")

DATE_FIELDS = {
    "purchase_date": "purchase-date",
    "start_date": "date",
    "first_engaged_date": "first-engaged",
    "infra_ready_date": "infra-ready",
    "first_value_date": "first-value",
    "finish_date": "finish",
}


# An untouched placeholder: not started, and every one of these still empty (the purchase date may be
# filled in from the opportunity when the placeholder is created).
PLACEHOLDER_EMPTY = ("start_date", "first_engaged_date", "infra_ready_date", "first_value_date", "finish_date", "notes")


def is_placeholder(status: str, values: dict) -> bool:
    return status == "not-started" and all(values.get(k) is None for k in PLACEHOLDER_EMPTY)


def resumed_status(before_hold: str | None, start: date | None) -> str:
    """The status `resume` returns to: the one before the hold, but never in progress without a start date
    (a placeholder held before it started goes back to not started). `before_hold` is None when unknown."""
    if before_hold in ("not-started", "scheduled"):
        return before_hold
    return "in-progress" if start is not None else "not-started"


def can_start(status: str, start: date | None) -> bool:
    """`onboarding start` works on an open onboarding that has not started: not started, scheduled, or any
    open one with no start date (nothing can strand an onboarding that `start` then refuses)."""
    return status in OPEN_STATUSES and (status in ("not-started", "scheduled") or start is None)


def check_dates(dates: dict[str, date | None], *, today: date, options: dict[str, str] | None = None) -> None:
    """Refuse an inconsistent set of milestone dates, naming the field as the user typed it: `options` maps a
    field to the command's own option where it differs from DATE_FIELDS (`onboarding complete --date`)."""
    names = {**DATE_FIELDS, **(options or {})}
    for field in DATE_FIELDS:
        not_after_tomorrow(names[field], dates.get(field), today=today)
    start, finish, purchase = dates.get("start_date"), dates.get("finish_date"), dates.get("purchase_date")
    if finish is not None and start is not None and finish < start:
        raise RuleViolation(
            f"{names['finish_date']}: {finish.isoformat()} is before the start date {start.isoformat()}; "
            "the finish date must be on or after the start."
        )
    if purchase is not None:
        floor = purchase - timedelta(days=PURCHASE_SLACK_DAYS)
        for field in ("infra_ready_date", "first_engaged_date", "finish_date"):
            d = dates.get(field)
            if d is not None and d < floor:
                raise RuleViolation(
                    f"{names[field]}: {d.isoformat()} is more than {PURCHASE_SLACK_DAYS} days before the "
                    f"purchase date {purchase.isoformat()}; use a date on or after {floor.isoformat()}."
                )


# --- first engagement comes from the timeline (SPEC section 5) ---------------------------------


def engagement_window_opens(*, purchase: date | None, start: date | None,
                            previous_finish: date | None) -> date | None:
    """The day an onboarding's engagement window opens: the later of 90 days before its purchase date (its start
    date when it has none) and the finish date of the account's previous onboarding.  The window has no end.
    None when the onboarding has neither date (nothing to measure from)."""
    anchor = purchase if purchase is not None else start
    if anchor is None:
        return None
    opens = anchor - timedelta(days=ENGAGEMENT_LOOKBACK_DAYS)
    return max(opens, previous_finish) if previous_finish is not None else opens


def previous_finish(others: Iterable[tuple[date | None, date | None]], *, start: date) -> date | None:
    """The finish date of the account's previous onboarding, from the (start, finish) of its other onboardings:
    the latest finish on or before this onboarding's start (an onboarding that had ended before this one began)."""
    ends = [finish for _, finish in others if finish is not None and finish <= start]
    return max(ends) if ends else None


def first_engagement(engaging_dates: Iterable[date], *, opens: date | None) -> date | None:
    """The earliest call or meeting inside the window (on or after the day it opens); None when there is none."""
    if opens is None:
        return None
    inside = [d for d in engaging_dates if d >= opens]
    return min(inside) if inside else None


def completion_fields(survey_sent: bool | None, survey_received: bool | None, score: int | None) -> None:
    """The three survey fields are compulsory when completing; name every missing one."""
    missing = [
        name
        for name, value in (
            ("--survey-sent/--no-survey-sent", survey_sent),
            ("--survey-received/--no-survey-received", survey_received),
            ("--score", score),
        )
        if value is None
    ]
    if missing:
        raise RuleViolation(
            "complete: missing " + ", ".join(missing) + " (all three are required to complete an onboarding; "
            "the CSM picks the score when no survey came back). Nothing was changed."
        )
    experience_score(score)


def experience_score(score: int | str | None) -> int | None:
    if score is None:
        return None
    try:
        value = int(str(score))
    except ValueError:
        raise InvalidValue("score", score, "use a whole number from 1 to 5") from None
    if not 1 <= value <= 5:
        raise InvalidValue("score", score, "use a whole number from 1 to 5")
    return value


def check_usage(licenses: int, active: int, *, licenses_field: str = "licenses", active_field: str = "active") -> None:
    """A usage snapshot means something only with licenses to use and no more active users than licenses
    (500 active of 100 licenses is a typo, not 500% usage); counts are already whole and non-negative."""
    if licenses < 1:
        raise InvalidValue(licenses_field, licenses, "use a whole number of 1 or more")
    if active > licenses:
        raise InvalidValue(active_field, active, f"use a whole number from 0 to {licenses:,} "
                                                 f"(active users cannot exceed the {licenses:,} licenses)")


def first_value_from(snapshots: list[tuple[date, int, int]], threshold_pct: int) -> date | None:
    """The date of the earliest snapshot (date, licenses, active) at or above the threshold: what first value
    is when it comes from usage (a removed snapshot's date is worked out again from the rest)."""
    reached = [d for d, lic, act in snapshots if reaches_first_value(lic, act, threshold_pct)]
    return min(reached) if reached else None


def reaches_first_value(licenses: int, active: int, threshold_pct: int) -> bool:
    """active/licenses at or above the threshold (a percentage)."""
    return licenses > 0 and active * 100 >= threshold_pct * licenses


# --- the playbook ----------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    kind: str
    title: str
    due: relativedelta
    window_end: relativedelta | None = None


PLAYBOOK: tuple[Step, ...] = (
    Step("welcome", "Welcome the customer on board", relativedelta(days=0)),
    Step("personal-introduction", "Personal introduction call", relativedelta(days=2), relativedelta(days=5)),
    Step("installation-follow-up", "Installation follow-up", relativedelta(days=7), relativedelta(days=10)),
    Step("kickoff-call", "Kickoff call", relativedelta(days=14)),
    Step("education", "Education session", relativedelta(days=20), relativedelta(days=30)),
    Step("success-plan", "Success plan agreed", relativedelta(days=30)),
    Step("first-cadence-call", "First cadence call", relativedelta(days=45)),
    Step("discovery", "Discovery", relativedelta(days=60)),
    Step("check-in", "90-day check-in", relativedelta(days=90)),
    Step("outlook", "Six-month outlook", relativedelta(months=6)),
    Step("renewal-check-in-10", "Renewal check-in (10 months)", relativedelta(months=10)),
    Step("renewal-check-in-11", "Renewal check-in (11 months)", relativedelta(months=11)),
    Step("renewal-check-in-12", "Renewal check-in (12 months)", relativedelta(months=12)),
)


# The steps of the onboarding phase: completing the onboarding skips the ones still open (SPEC section 5);
# the account-lifecycle steps after them (discovery, check-in, outlook, renewal check-ins) stay.
ONBOARDING_PHASE_STEPS = ("welcome", "personal-introduction", "installation-follow-up", "kickoff-call",
                          "education", "success-plan", "first-cadence-call")


def playbook_tasks(start: date, renewal_date: date | None = None) -> list[dict]:
    """The playbook's tasks for an onboarding starting on `start` (calendar months clamp to month end); with the
    account's renewal date the renewal check-ins fall 2 months, 1 month before and on it (SPEC section 17)."""
    from cstool.domain.renewals import CHECK_IN_MONTHS_BEFORE, check_in_due

    return [
        {
            "kind": step.kind,
            "title": step.title,
            "due_date": check_in_due(step.kind, renewal_date) if renewal_date and step.kind in CHECK_IN_MONTHS_BEFORE
            else start + step.due,
            "window_end_date": start + step.window_end if step.window_end else None,
            "type": PLAYBOOK_TYPE,
            "source": SOURCE_PLAYBOOK,
        }
        for step in PLAYBOOK
    ]
