"""Turning the values people type for an account into checked, typed fields."""

from __future__ import annotations

from typing import Any, Callable

from cstool.domain import fields as f
from cstool.domain import renewals
from cstool.domain.dates import parse_date

# option name (SPEC section 11) -> (model attribute, parser); "" clears a field.
ACCOUNT_FIELDS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "segment": ("segment", lambda v: f.choice("segment", v, f.SEGMENTS)),
    "plan": ("plan", f.plan),
    "users": ("users", lambda v: f.non_negative_int("users", v)),
    "iacv": ("iacv_cents", lambda v: f.to_cents(f.money("iacv", v))),
    "health": ("health", lambda v: f.choice("health", v, f.HEALTH)),
    "sentiment": ("csm_sentiment", lambda v: f.choice("sentiment", v, f.HEALTH)),
    "csm": ("csm", lambda v: f.text("csm", v, max_len=200)),
    "sa": ("sa", lambda v: f.text("sa", v, max_len=200)),
    "owner": ("owner", lambda v: f.text("owner", v, max_len=200)),
    "cs_project": ("cs_project_url", lambda v: f.url("cs-project", v)),
    "slack": ("slack_channel", f.slack_channel),
    "stage": ("lifecycle_stage", lambda v: f.choice("stage", v, f.LIFECYCLE_STAGES)),
    "ebr_cadence": ("ebr_cadence", lambda v: f.choice("ebr-cadence", v, f.EBR_CADENCES)),
    "domain": ("domains", lambda v: f.domains("domain", v)),
    "arr": ("arr_cents", lambda v: f.to_cents(f.money("arr", v))),
    "renewal_date": ("renewal_date", lambda v: parse_date(v, field="renewal-date")),
    "term": ("term_months", lambda v: renewals.term_months(v)),
}
GEMSTONE_INPUTS = {"users", "plan", "iacv_cents"}


def parse_account_fields(raw: dict[str, str | None]) -> dict[str, Any]:
    """Options given (not None) -> model attributes; an empty string clears the field."""
    parsed = f.parse_fields(ACCOUNT_FIELDS, raw)
    if "term_months" in parsed and parsed["term_months"] is None:  # "" clears other fields; a term is kept
        raise f.InvalidValue("term", raw.get("term"), f"use a whole number of months from {renewals.TERM_MIN} to "
                             f"{renewals.TERM_MAX}")
    return parsed
