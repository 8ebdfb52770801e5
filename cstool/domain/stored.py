"""What a stored value may be: the commands' own checks, applied to rows that arrive whole (SPEC 10, "Restores
validate").

`import --all` and a table-file import (export's CSV, restored as is) put values straight into the columns.
They go through the same vocabularies and checks as `account add`, `config set`, `onboarding complete`...:
`check_row(table, row)` raises the command's own InvalidValue, named by the column, for the first value the
command would refuse.  A choice must be stored exactly as the command stores it (`Red` is not `red`).
"""

from __future__ import annotations

from typing import Any, Callable

from cstool.domain import ebr, fields as f, gemstones, onboarding, plans, pov, pse
from cstool.domain.settings import spec
from cstool.errors import InvalidValue

Check = Callable[[Any], Any]


def _exact(column: str, allowed: tuple[str, ...]) -> Check:
    def check(value: Any) -> None:
        if value not in allowed:
            raise InvalidValue(column, value, "use one of " + ", ".join(allowed))
    return check


def _count(column: str, *, maximum: int = f.MAX_USERS) -> Check:
    return lambda value: f.non_negative_int(column, value, maximum=maximum)


def _between(column: str, low: int, high: int) -> Check:
    def check(value: Any) -> None:
        if not isinstance(value, int) or not low <= value <= high:
            raise InvalidValue(column, value, f"use a whole number from {low} to {high}")
    return check


def _name(column: str) -> Check:
    return lambda value: f.name(column, str(value))


def _text(column: str, max_len: int) -> Check:
    return lambda value: f.text(column, str(value), max_len=max_len)


_CENTS = int(f.MAX_MONEY) * 100

COLUMNS: dict[str, dict[str, Check]] = {
    "account": {
        "name": _name("name"), "segment": _exact("segment", f.SEGMENTS), "plan": lambda v: f.plan(str(v)),
        "users": _count("users"), "iacv_cents": _count("iacv_cents", maximum=_CENTS),
        "health": _exact("health", f.HEALTH), "csm_sentiment": _exact("csm_sentiment", f.HEALTH),
        "csm": _text("csm", 200), "sa": _text("sa", 200), "owner": _text("owner", 200),
        "lifecycle_stage": _exact("lifecycle_stage", f.LIFECYCLE_STAGES),
        "ebr_cadence": _exact("ebr_cadence", f.EBR_CADENCES), "domains": lambda v: f.domains("domains", str(v)),
        "gemstone": _exact("gemstone", gemstones.GEMSTONES),
        "gemstone_rank": _between("gemstone_rank", 1, len(gemstones.GEMSTONES) + 1),
    },
    "contact": {"name": _name("name"), "email": lambda v: f.email("email", str(v))},
    "opportunity": {
        "name": _name("name"), "stage": _exact("stage", f.OPPORTUNITY_STAGES),
        "type": _exact("type", f.OPPORTUNITY_TYPES),
        "amount_cents": _count("amount_cents", maximum=_CENTS), "iacv_cents": _count("iacv_cents", maximum=_CENTS),
    },
    "onboarding": {
        "status": _exact("status", onboarding.STATUSES), "delay_cause": _exact("delay_cause", onboarding.DELAY_CAUSES),
        "experience_score": _between("experience_score", 1, 5),
    },
    "license_usage": {"licenses": _count("licenses"), "active": _count("active")},
    "activity": {"type": _exact("type", onboarding.ACTIVITY_TYPES)},
    "ebr": {"status": _exact("status", ebr.STATUSES), "outcome": _exact("outcome", ebr.OUTCOMES)},
    "pse": {
        "name": _name("name"), "status": _exact("status", pse.STATUSES),
        "engagement_type": _exact("engagement_type", pse.ENGAGEMENT_TYPES),
        "percent_complete": _between("percent_complete", 0, 100),
        "scoped_centihours": _count("scoped_centihours", maximum=f.MAX_USERS),
    },
    "pov": {"status": _exact("status", pov.STATUSES), "type": _exact("type", pov.TYPES),
            "result": _exact("result", pov.RESULTS)},
    "objective": {"status": _exact("status", plans.STATUSES)},
    "health_snapshot": {"score": _between("score", 0, 100), "colour": _exact("colour", f.HEALTH)},
}


def check_setting(row: dict) -> None:
    """A stored setting: a key `config set` knows and a value it would accept for that key."""
    spec(str(row.get("key") or "")).parse(row.get("value") or "")


ROWS: dict[str, Callable[[dict], None]] = {"setting": check_setting}


def check_row(table: str, row: dict) -> None:
    """Refuse (InvalidValue, named by the column) the first value of a row that the commands would not store."""
    for column, check in COLUMNS.get(table, {}).items():
        value = row.get(column)
        if value is not None:
            check(value)
    whole = ROWS.get(table)
    if whole is not None:
        whole(row)
