"""Professional Services Engagement rules: kickoff and completion gates, hours, derived figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from cstool.errors import InvalidValue, RuleViolation

STATUSES = ("backlog", "initiation", "in-progress", "closure", "completed")
ACTIVE_STATUSES = ("initiation", "in-progress", "closure")
ENGAGEMENT_TYPES = ("fixed", "time-and-materials")
STALE_AFTER_DAYS = 14
MAX_HOURS = 100_000

# field -> the option that sets it; what kickoff needs, in the order people fill them in
KICKOFF_FIELDS = {
    "approver": "--approver",
    "actual_start_date": "--actual-start",
    "expected_completion_date": "--expected-completion",
    "opportunity_id": "--opportunity",
    "scoped_centihours": "--scoped-hours",
    "success_criteria": "--success-criteria",
    "econtract_url": "--econtract",
    "sow_url": "--sow",
    "collaboration_project_url": "--collaboration-project",
    "signed_acceptance": "--signed-acceptance",
}


def hours(field: str, value: str | float | int, *, positive: bool = False) -> int:
    """Hours with at most two decimals -> hundredths of an hour (exact)."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidValue(field, value, "use a number of hours like 8 or 1.25") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_HOURS:
        raise InvalidValue(field, value, f"use a number of hours from 0 to {MAX_HOURS:,}")
    if positive and amount == 0:
        raise InvalidValue(field, value, "logged hours must be more than 0")
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidValue(field, value, "use at most two decimals (e.g. 1.25)")
    return int(amount * 100)


def as_hours(centihours: int | None) -> int | float | None:
    if centihours is None:
        return None
    return centihours // 100 if centihours % 100 == 0 else centihours / 100


def percent(value: str | int) -> int:
    try:
        number = int(str(value).strip().rstrip("%"))
    except ValueError:
        raise InvalidValue("percent", value, "use a whole number from 0 to 100") from None
    if not 0 <= number <= 100:
        raise InvalidValue("percent", value, "use a whole number from 0 to 100")
    return number


def missing_for_kickoff(values: dict) -> list[str]:
    """The options still needed before kickoff, every one of them."""
    missing = []
    for field, option in KICKOFF_FIELDS.items():
        v = values.get(field)
        if v is None or v is False or v == "":
            missing.append(option)
    if values.get("approver") and not values.get("approved"):
        missing.append("--approver")
    return sorted(set(missing), key=missing.index)


def check_kickoff(values: dict) -> None:
    missing = missing_for_kickoff(values)
    if missing:
        raise RuleViolation("kickoff: missing " + ", ".join(missing) + "; set them (kickoff takes the same options "
                            "as update) and try again. Nothing was changed.")


def check_dates(values: dict) -> None:
    pairs = (("expected_start_date", "expected_completion_date", "--expected-start", "--expected-completion"),
             ("actual_start_date", "completed_date", "--actual-start", "--completed"))
    for first, second, a, b in pairs:
        x, y = values.get(first), values.get(second)
        if x is not None and y is not None and y < x:
            raise RuleViolation(f"{b.lstrip('-')}: {y.isoformat()} is before {a} {x.isoformat()}; dates must be in order.")


def check_completion(values: dict) -> None:
    """Every kickoff field, dates in order, and the customer's sign-off (explicit or passive)."""
    missing = missing_for_kickoff(values)
    if values.get("completed_date") is None:
        missing.append("--completed")
    signed_off = values.get("customer_signoff") or (
        values.get("passive_acceptance_used") and values.get("passive_acceptance_language"))
    if missing:
        raise RuleViolation("complete: missing " + ", ".join(missing) + ". Nothing was changed.")
    check_dates(values)
    if not signed_off:
        raise RuleViolation(
            "complete: the customer's sign-off is not recorded; give --customer-signoff, or "
            "--passive-acceptance-used when the SOW has passive-acceptance language "
            "(--passive-acceptance-language). Nothing was changed."
        )


def length_days(first: date | None, last: date | None) -> int | None:
    return None if first is None or last is None else (last - first).days


def stale_on_or_before(today: date) -> date:
    """Hours last updated on or before this day are stale today: on the 14th day without an update it is."""
    return date.fromordinal(today.toordinal() - STALE_AFTER_DAYS)


def is_stale(status: str, hours_updated: date | None, today: date) -> bool:
    """An active engagement whose hours were never logged, or not updated for 14 days or more."""
    return status in ACTIVE_STATUSES and (hours_updated is None or hours_updated <= stale_on_or_before(today))
