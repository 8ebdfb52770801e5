"""Checked fields of contacts and opportunities."""

from __future__ import annotations

from typing import Any, Callable

from cstool.domain import fields as f
from cstool.domain import renewals
from cstool.domain.dates import parse_date

STAGE_ALIASES = {
    "closed-won": "closed-won",
    "won": "closed-won",
    "closed-lost": "closed-lost",
    "lost": "closed-lost",
    "negotiation": "negotiating",
    "tech-eval": "technical-evaluation",
    "technical-evaluation": "technical-evaluation",
}


def opportunity_stage(value: str) -> str:
    key = f.normalise_choice(value)
    key = key.split("-", 1)[1] if key[:1].isdigit() and "-" in key else key  # "5-Negotiating"
    return f.choice("stage", key, f.OPPORTUNITY_STAGES, aliases=STAGE_ALIASES)


CONTACT_FIELDS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "title": ("title", lambda v: f.text("title", v, max_len=200)),
    "role": ("role", lambda v: f.text("role", v, max_len=200)),
    "email": ("email", lambda v: f.email("email", v)),
    "phone": ("phone", lambda v: f.text("phone", v, max_len=60)),
    "salutation": ("salutation", lambda v: f.text("salutation", v, max_len=60)),
}


def opportunity_fields(date_order: str | None = None) -> dict[str, tuple[str, Callable[[str], Any]]]:
    return {
        "name": ("name", lambda v: f.name("name", v)),
        "stage": ("stage", opportunity_stage),
        "close_date": ("close_date", lambda v: parse_date(v, field="close-date", date_order=date_order)),
        "amount": ("amount_cents", lambda v: f.to_cents(f.money("amount", v))),
        "iacv": ("iacv_cents", lambda v: f.to_cents(f.money("iacv", v))),
        "type": ("type", lambda v: f.choice("type", v, f.OPPORTUNITY_TYPES)),
        "renewal_date": ("renewal_date", lambda v: parse_date(v, field="renewal-date", date_order=date_order)),
        "arr_due": ("arr_due_cents", lambda v: f.to_cents(f.money("arr-due", v))),
        "forecast": ("forecast", lambda v: renewals.forecast(v)),
        "churn_reason": ("churn_reason", lambda v: renewals.churn_reason(v)),
    }
