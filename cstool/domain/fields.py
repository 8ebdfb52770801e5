"""Field vocabularies and the checks on single values.

Every check raises :class:`InvalidValue` naming the field, the value and what
is accepted, so the CLI never has to word an error itself.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from cstool.domain.text import check_text
from cstool.errors import InvalidValue

SEGMENTS = ("strategic", "large", "mid-market", "smb")
PLANS = ("free", "premium", "ultimate")  # free text allowed for others
HEALTH = ("green", "yellow", "red")
LIFECYCLE_STAGES = ("onboarding", "adoption", "expansion", "renewal", "churned")
EBR_CADENCES = ("quarterly", "semiannual", "annual", "none")
OPPORTUNITY_STAGES = (
    "discovery",
    "scoping",
    "technical-evaluation",
    "proposal",
    "negotiating",
    "closed-won",
    "closed-lost",
)
OPPORTUNITY_TYPES = ("new", "renewal", "add-on", "services")
HEALTH_ORDER = {name: i for i, name in enumerate(HEALTH)}

MAX_TEXT = 2000
MAX_NAME = 200
MAX_MONEY = Decimal("1000000000000")  # a trillion: beyond it a typo, not a contract
MAX_USERS = 100_000_000

_SPACE = re.compile(r"\s")
_SLACK_INTERNAL = re.compile(r"^#a_[a-z0-9]+(?:-[a-z0-9]+)*-internal$")


def normalise_choice(value: str) -> str:
    return re.sub(r"[\s_]+", "-", value.strip().lower())


def choice(field: str, value: str, allowed: tuple[str, ...], *, aliases: dict | None = None) -> str:
    key = normalise_choice(value)
    if aliases and key in aliases:
        key = aliases[key]
    if key not in allowed:
        raise InvalidValue(field, value, "use one of " + ", ".join(allowed))
    return key


def plan(value: str) -> str:
    """Known plans are normalised; any other short text is kept as written."""
    key = normalise_choice(value)
    if key in PLANS:
        return key
    return text("plan", value, max_len=60, required=True)


# A field that takes this many characters or more is a notes field: tab and newline are kept in it.
MULTILINE_FROM = 1000


def text(field: str, value: str, *, max_len: int = MAX_TEXT, required: bool = False,
         multiline: bool | None = None) -> str | None:
    """Free text: stripped, bounded, and through the one check on control characters (domain.text)."""
    if value is None:
        return None
    cleaned = value.replace("\r\n", "\n").strip()
    check_text(field, cleaned, multiline=max_len >= MULTILINE_FROM if multiline is None else multiline)
    if not cleaned:
        if required:
            raise InvalidValue(field, value, "it may not be empty")
        return None
    if len(cleaned) > max_len:
        raise InvalidValue(field, cleaned[:40] + "...", f"use at most {max_len} characters")
    return cleaned


def name(field: str, value: str, *, max_len: int = MAX_NAME) -> str:
    """A record's name: one line of visible characters (no bidi controls or zero-width ones), not only digits."""
    cleaned = text(field, value, max_len=max_len, required=True, multiline=False)
    check_text(field, cleaned, name=True)
    if cleaned.isdigit():
        raise InvalidValue(field, cleaned, "a name may not be only digits (digits refer to ids)")
    return cleaned


def non_negative_int(field: str, value: int | str, *, maximum: int = MAX_USERS) -> int:
    try:
        number = int(str(value).replace(",", "").replace("_", "").strip())
    except (TypeError, ValueError):
        raise InvalidValue(field, value, "use a whole number, 0 or more") from None
    if number < 0 or number > maximum:
        raise InvalidValue(field, value, f"use a whole number from 0 to {maximum:,}")
    return number


def money(field: str, value: str | int | float | Decimal) -> Decimal:
    """A non-negative amount with at most two decimals; '$1,200.50' is accepted."""
    raw = str(value).strip().replace(",", "").replace("_", "")
    raw = raw.lstrip("$€£").strip()
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise InvalidValue(field, value, "use a non-negative amount like 120000 or 1200.50") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_MONEY:
        raise InvalidValue(field, value, f"use a non-negative amount up to {MAX_MONEY:,}")
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidValue(field, value, "use at most two decimals")
    return amount.quantize(Decimal("0.01"))


def to_cents(amount: Decimal | None) -> int | None:
    return None if amount is None else int(amount * 100)


def from_cents(cents: int | None) -> int | float | None:
    """Money as a JSON number: whole amounts as integers."""
    if cents is None:
        return None
    return cents // 100 if cents % 100 == 0 else cents / 100


def slack_channel(value: str, *, field: str = "slack") -> str:
    """Internal channels follow ``#a_<customer-name>-internal``; others need a leading '#'."""
    cleaned = text(field, value, max_len=80, required=True)
    if not cleaned.startswith("#") or len(cleaned) < 2 or _SPACE.search(cleaned):
        raise InvalidValue(field, value, "a Slack channel starts with '#' and has no spaces")
    if cleaned.endswith("-internal") and not _SLACK_INTERNAL.match(cleaned):
        raise InvalidValue(
            field,
            value,
            "an internal channel must be '#a_<customer-name>-internal' "
            "(lower-case letters, digits and hyphens)",
        )
    return cleaned


def slack_problem(value: str | None) -> str | None:
    """Why a stored channel is off the convention, or None (used by `check`)."""
    if not value:
        return None
    try:
        slack_channel(value)
    except InvalidValue as exc:
        return exc.message
    return None


def url(field: str, value: str) -> str | None:
    cleaned = text(field, value, max_len=500)
    if cleaned is None:
        return None
    if not re.match(r"^https?://\S+$", cleaned):
        raise InvalidValue(field, value, "use a full http:// or https:// address")
    return cleaned


def email(field: str, value: str) -> str | None:
    cleaned = text(field, value, max_len=254)
    if cleaned is None:
        return None
    if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", cleaned):
        raise InvalidValue(field, value, "use an address like name@example.com")
    return cleaned


def at_least_health(current: str | None, floor: str) -> str:
    """The worse of two health colours (green < yellow < red)."""
    if current is None:
        return floor
    return current if HEALTH_ORDER[current] >= HEALTH_ORDER[floor] else floor


def parse_fields(spec: dict[str, tuple[str, Callable[[str], Any]]], raw: dict[str, Any]) -> dict[str, Any]:
    """Given options (not None) -> attributes; an empty string clears an optional field."""
    parsed: dict[str, Any] = {}
    for option, value in raw.items():
        if value is None:
            continue
        attribute, parser = spec[option]
        if isinstance(value, bool):
            parsed[attribute] = value
        elif str(value).strip() == "" and option not in ("name", "stage"):
            parsed[attribute] = None
        else:
            parsed[attribute] = parser(str(value))
    return parsed


def round1(value: float | int | None) -> float | None:
    """One decimal, halves rounded up (111.25 -> 111.3), as people round figures in reports."""
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP"))


_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def domains(field: str, value: str) -> str | None:
    """`acme.com, Acme.co.uk` -> "acme.com,acme.co.uk" (lower case, no duplicates); "" clears the list."""
    parts = [p.strip().lower().lstrip("@") for p in re.split(r"[,;\s]+", value or "") if p.strip()]
    for part in parts:
        if not _DOMAIN.match(part):
            raise InvalidValue(field, part, "use email domains like acme.com, separated by commas")
    joined = ",".join(dict.fromkeys(parts))
    if len(joined) > 1000:
        raise InvalidValue(field, value[:40] + "...", "use at most 1,000 characters of domains")
    return joined or None
