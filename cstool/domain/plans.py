"""Success-plan rules: objective colours, the green date stamped once, Time to Purchase Intent."""

from __future__ import annotations

from datetime import date

STATUSES = ("red", "yellow", "green")
CAPABILITIES = ("SCM", "CI", "CD", "Security", "Agile")  # the usual ones; others are kept as written
PAST_ONBOARDING_STAGES = ("adoption", "expansion", "renewal")


def green_date(*, old_status: str, old_green: date | None, new_status: str, when: date) -> date | None:
    """The green date after a status change: stamped the first time the objective turns green, kept after."""
    if old_green is not None:
        return old_green
    if new_status == "green" and old_status != "green":
        return when
    return None


def ttpi_row(*, purchase: date | None, green: date | None) -> dict:
    """One account as `ttv.classify` sees it for TTPI: the clock (and the pool) start at the purchase date of its
    latest onboarding; the milestone is the green date of its primary objective."""
    return {"start_date": purchase, "purchase_date": purchase, "green_date": green, "status": None,
            "finish_date": None}
