"""Professional Services Engagement rules: kickoff and completion gates, hours, derived figures."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from cstool.errors import InvalidValue, RuleViolation

STATUSES = ("backlog", "initiation", "in-progress", "closure", "completed")
ACTIVE_STATUSES = ("initiation", "in-progress", "closure")
ENGAGEMENT_TYPES = ("fixed", "time-and-materials")
STALE_AFTER_DAYS = 14
MAX_HOURS = 100_000
_PLAIN_HOURS = re.compile(r"[0-9]+(\.[0-9]{0,2})?|\.[0-9]{1,2}")

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
    """Hours written as a plain decimal with at most two decimals -> hundredths of an hour (exact).

    `1e3`, `-2`, `1.255`, `inf` are refused with the accepted range: an exponent is never a way people
    write hours, so it is a typo, not a thousand hours."""
    low = "0.01" if positive else "0"
    accepted = f"write hours as a plain number from {low} to {MAX_HOURS:,} with at most two decimals, like 8 or 1.25"
    text = str(value).strip()
    if not _PLAIN_HOURS.fullmatch(text):
        raise InvalidValue(field, value, accepted)
    try:
        amount = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern only lets plain decimals through
        raise InvalidValue(field, value, accepted) from None
    if amount > MAX_HOURS or (positive and amount == 0):
        raise InvalidValue(field, value, accepted)
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


def check_dates(values: dict, *, completed_option: str = "--completed") -> None:
    """Dates in order; `completed_option` is the option that set the completed date (`pse complete --date`)."""
    pairs = (("expected_start_date", "expected_completion_date", "--expected-start", "--expected-completion"),
             ("actual_start_date", "completed_date", "--actual-start", completed_option))
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
