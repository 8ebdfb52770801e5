"""The settings a team shares, their defaults and what each accepts."""

from __future__ import annotations

from dataclasses import dataclass

from cstool.errors import InvalidValue


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: int
    minimum: int
    maximum: int
    help: str

    def parse(self, raw: str | int) -> int:
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
    )
}


def spec(key: str) -> SettingSpec:
    normal = key.strip().lower().replace("_", "-")
    if normal not in SETTINGS:
        raise InvalidValue("key", key, "use one of " + ", ".join(SETTINGS))
    return SETTINGS[normal]
