"""Renewals and revenue (SPEC section 17): the picklists, the window, the term and the close rules.

Pure rules, no database: the services apply them to sets of opportunities (cstool.services.renewals) and the
report classifies renewals with the same definitions (cstool.queries.renewals).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from cstool.domain import fields as f
from cstool.domain.dates import add_months
from cstool.errors import InvalidValue

FORECASTS = ("commit", "best-case", "pipeline", "omitted")
CHURN_REASONS = ("budget", "product-fit", "competitor", "acquired", "consolidation", "no-adoption", "support",
                 "other")
FORECAST_ALIASES = {"best": "best-case", "bestcase": "best-case", "upside": "best-case", "omit": "omitted",
                    "closed": "commit"}
CHURN_ALIASES = {"product": "product-fit", "price": "budget", "pricing": "budget", "acquisition": "acquired",
                 "merger": "acquired", "adoption": "no-adoption", "low-adoption": "no-adoption"}
TERM_MIN, TERM_MAX = 1, 120
DEFAULT_TERM = 12
DEFAULT_FORECAST = "pipeline"  # what `renewal open` sets, and what a renewal without a forecast counts as
OPEN_STAGE = "discovery"
CHECK_IN_MONTHS_BEFORE = {"renewal-check-in-10": 2, "renewal-check-in-11": 1, "renewal-check-in-12": 0}


def forecast(value: str, *, field_name: str = "forecast") -> str:
    return f.choice(field_name, value, FORECASTS, aliases=FORECAST_ALIASES)


def churn_reason(value: str, *, field_name: str = "churn-reason") -> str:
    return f.choice(field_name, value, CHURN_REASONS, aliases=CHURN_ALIASES)


def term_months(value: str | int, *, field_name: str = "term") -> int:
    try:
        months = int(str(value).strip().lower().removesuffix("months").removesuffix("m").strip())
    except ValueError:
        raise InvalidValue(field_name, value, f"use a whole number of months from {TERM_MIN} to {TERM_MAX}") from None
    if not TERM_MIN <= months <= TERM_MAX:
        raise InvalidValue(field_name, value, f"use a whole number of months from {TERM_MIN} to {TERM_MAX}")
    return months


# --- renewal open ---------------------------------------------------------------------------------------------


def window_end(today: date, days: int) -> date:
    """The last renewal date `renewal open` reaches: today + N days, included (a past date counts too)."""
    return today + timedelta(days=days)


def in_window(renewal_date: date | None, *, today: date, days: int) -> bool:
    return renewal_date is not None and renewal_date <= window_end(today, days)


def renewal_name(account: str, renewal_date: date) -> str:
    return f"{account} renewal {renewal_date.isoformat()}"[:200]


# --- the renewal check-ins of the playbook ---------------------------------------------------------------------


def check_in_due(kind: str, renewal_date: date) -> date:
    """A renewal check-in's due date: 2 months, 1 month before and on the renewal date (calendar months)."""
    return add_months(renewal_date, -CHECK_IN_MONTHS_BEFORE[kind])


# --- closing --------------------------------------------------------------------------------------------------


def close_problem(*, opportunity_type: str | None, stage: str, churn_reason: str | None) -> str | None:
    """Why a close is refused (None when it is fine): a lost renewal needs its churn reason."""
    if opportunity_type == "renewal" and stage == "closed-lost" and not churn_reason:
        return "a lost renewal needs --churn-reason: use one of " + ", ".join(CHURN_REASONS)
    return None


@dataclass
class AccountRevenue:
    """The account fields a close changes (a working copy; the service writes the differences)."""

    arr_cents: int | None
    renewal_date: date | None
    term_months: int
    lifecycle_stage: str | None
    notes: list[str] = field(default_factory=list)


def apply_close(acc: AccountRevenue, *, opportunity_type: str | None, stage: str, amount_cents: int | None,
                iacv_cents: int | None, arr_due_cents: int | None, renewal_date: date | None) -> None:
    """What one deal that has just closed does to its account's revenue (SPEC section 17).

    - a renewal won: the account's ARR becomes the renewed ARR (the amount) and its renewal date moves forward
      by its term from the subscription end the deal renews (never backwards);
    - a renewal lost: the account's ARR becomes 0 and its lifecycle stage `churned`;
    - an add-on won: its iACV is added to the account's ARR.

    A renewal of a subscription end before the account's current renewal date is history (the account has moved
    on, e.g. past renewals imported after the accounts): it changes nothing on the account.
    """
    if opportunity_type == "renewal" and renewal_date is not None and acc.renewal_date is not None \
            and renewal_date < acc.renewal_date:
        return
    if opportunity_type == "renewal" and stage == "closed-won":
        acc.arr_cents = amount_cents
        base = renewal_date or acc.renewal_date
        if base is not None:
            moved = add_months(base, acc.term_months)
            if acc.renewal_date is None or moved > acc.renewal_date:
                acc.renewal_date = moved
    elif opportunity_type == "renewal" and stage == "closed-lost":
        acc.arr_cents = 0
        acc.lifecycle_stage = "churned"
    elif opportunity_type == "add-on" and stage == "closed-won" and iacv_cents:
        acc.arr_cents = (acc.arr_cents or 0) + iacv_cents


def movement(*, arr_due_cents: int | None, amount_cents: int | None) -> tuple[int, int]:
    """(downsell, upsell) of a won renewal, in cents: below the ARR due a downsell, above it an upsell."""
    due, renewed = arr_due_cents or 0, amount_cents or 0
    return max(0, due - renewed), max(0, renewed - due)


def retention_pct(*, closed_due: int, churned: int, downsell: int, upsell: int = 0) -> float | None:
    """GRR (upsell 0) or NRR as a percentage with one decimal; None when no renewal closed (nothing due)."""
    if not closed_due:
        return None
    return f.round1(100 * (closed_due - churned - downsell + upsell) / closed_due)
