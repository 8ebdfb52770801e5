"""The settings a team shares, their defaults and what each accepts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from cstool.errors import InvalidValue


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: int | str | None
    minimum: int
    maximum: int
    help: str
    text: bool = False  # a name rather than a number
    check: Callable[[str], str] | None = None  # normalises a text value, or refuses it

    def parse(self, raw: str | int) -> int | str | None:
        if self.text:
            value = str(raw).strip()
            if len(value) > 1000:
                raise InvalidValue(self.key, raw, "use at most 1,000 characters")
            if value and self.check is not None:
                value = self.check(value)
            return value or None
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise InvalidValue(self.key, raw, f"use a whole number from {self.minimum} to {self.maximum}") from None
        if not self.minimum <= value <= self.maximum:
            raise InvalidValue(self.key, raw, f"use a whole number from {self.minimum} to {self.maximum}")
        return value


SETTINGS: dict[str, SettingSpec] = {
    s.key: s
    for s in (
        SettingSpec("fiscal-year-start", 2, 1, 12, "month the fiscal year starts in (1-12)"),
        SettingSpec("tte-goal", 14, 1, 365, "Time to Engage goal, days"),
        SettingSpec("ttfv-goal", 30, 1, 365, "Time to First Value goal, days"),
        SettingSpec("tto-goal", 45, 1, 730, "Time to Onboard goal, days"),
        SettingSpec("first-value-threshold", 10, 1, 100, "active/licensed users percent that marks first value"),
        SettingSpec("ttpi-goal", 90, 1, 730, "Time to Purchase Intent goal, days"),
        SettingSpec("health-weight-usage", 30, 0, 100, "health score weight of license usage"),
        SettingSpec("health-weight-engagement", 20, 0, 100, "health score weight of engagement"),
        SettingSpec("health-weight-sentiment", 20, 0, 100, "health score weight of CSM sentiment"),
        SettingSpec("health-weight-ebr", 10, 0, 100, "health score weight of EBR coverage"),
        SettingSpec("health-weight-onboarding", 10, 0, 100, "health score weight of the open onboarding"),
        SettingSpec("health-weight-pse", 10, 0, 100, "health score weight of professional services"),
        SettingSpec("renewal-lead-days", 180, 1, 730, "renewal open: days ahead a renewal opportunity is opened"),
        SettingSpec("csm-manager", None, 0, 0, "who gets the 'Assign a CSM' task (a name)", text=True),
        SettingSpec("team-domains", None, 0, 0, "the team's own email domains, never a customer (example.com,...)",
                    text=True, check=lambda v: _domains(v)),
        SettingSpec("iacv-source", "opportunities", 0, 0, "where accounts' iACV comes from: opportunities (the sum "
                    "of closed-won new and add-on deals of the last 365 days) or manual", text=True,
                    check=lambda v: _iacv_source(v)),
        SettingSpec("timezone", "UTC", 0, 0, "time zone that imported mail and meetings are dated in", text=True,
                    check=lambda v: _timezone(v)),
    )
}


def spec(key: str) -> SettingSpec:
    normal = key.strip().lower().replace("_", "-")
    if normal not in SETTINGS:
        raise InvalidValue("key", key, "use one of " + ", ".join(SETTINGS))
    return SETTINGS[normal]


def _domains(value: str) -> str:
    from cstool.domain.fields import domains

    return domains("team-domains", value) or ""


def _timezone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidValue("timezone", value, "use a time zone name like UTC, Europe/Berlin or America/New_York") \
            from None
    return value


def _iacv_source(value: str) -> str:
    from cstool.domain.fields import choice
    from cstool.domain.gemstones import IACV_SOURCES

    return choice("iacv-source", value, IACV_SOURCES)
