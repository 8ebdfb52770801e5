"""Proof of Value rules: the start gate, the 8-week limit, the concurrency limit per SA, closing."""

from __future__ import annotations

from datetime import date

from cstool.errors import RuleViolation

TYPES = ("guided", "lite", "paid")
STATUSES = ("new", "in-progress", "closed", "cancelled")
RESULTS = ("successful", "unsuccessful")
OPEN_STATUSES = ("in-progress",)
ACTIVE_STATUSES = ("new", "in-progress")  # what an account reference finds: not yet closed or cancelled
MAX_PLANNED_DAYS = 56  # 8 weeks
CONCURRENT_LIMIT = 3  # guided or paid POVs one SA runs at once
COUNTED_TYPES = ("guided", "paid")
CLOSED_OPPORTUNITY_STAGES = ("closed-won", "closed-lost")


def default_name(account: str, n: int) -> str:
    return f"{account} POV {n}"


def check_start(*, success_criteria: str | None, planned_end: date | None, start: date) -> None:
    """Refuse a start, naming every missing setting, or a planned length over 8 weeks."""
    missing = [option for option, value in (("--success-criteria", success_criteria), ("--planned-end", planned_end))
               if value in (None, "")]
    if missing:
        raise RuleViolation("start: missing " + ", ".join(missing) + "; set them (start takes the same options as "
                            "update) and try again. Nothing was changed.")
    check_planned(start, planned_end)


def check_planned(start: date | None, planned_end: date | None) -> None:
    if start is None or planned_end is None:
        return
    if planned_end < start:
        raise RuleViolation(f"planned-end: {planned_end.isoformat()} is before the start {start.isoformat()}.")
    length = (planned_end - start).days
    if length > MAX_PLANNED_DAYS:
        raise RuleViolation(f"planned-end: {planned_end.isoformat()} makes the POV {length} days long; a POV runs at "
                            f"most 8 weeks ({MAX_PLANNED_DAYS} days) from its start {start.isoformat()}.")


def check_close(start: date | None, end: date) -> None:
    if start is not None and end < start:
        raise RuleViolation(f"date: {end.isoformat()} is before the POV's start {start.isoformat()}.")


def over_limit(guided_or_paid_open: int) -> bool:
    return guided_or_paid_open > CONCURRENT_LIMIT


def past_planned_end(status: str, planned_end: date | None, today: date) -> bool:
    return status in OPEN_STATUSES and planned_end is not None and planned_end < today


def length_days(start: date | None, end: date | None) -> int | None:
    return None if start is None or end is None else (end - start).days


def settle(status: str | None, result: str | None, *, start: date | None, end: date | None) -> tuple[str, str | None]:
    """Status and result of a POV recorded elsewhere (an import), held together: a result only once closed."""
    status = status or ("closed" if result else "in-progress" if start else "new")
    if status == "closed":
        if result not in RESULTS:
            raise RuleViolation("result: a closed POV needs successful or unsuccessful")
        if start is None or end is None:
            raise RuleViolation("end: a closed POV needs its start and end dates")
        check_close(start, end)
        return status, result
    if result is not None:
        raise RuleViolation(f"result: {result!r} is only set once the POV is closed (status is {status})")
    if status == "in-progress" and start is None:
        raise RuleViolation("start: a POV in progress needs its start date")
    return status, None
