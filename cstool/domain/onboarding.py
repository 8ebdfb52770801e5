"""Onboarding rules: statuses, date consistency, the playbook."""

from __future__ import annotations

STATUSES = ("not-started", "scheduled", "in-progress", "on-hold", "completed")
OPEN_STATUSES = STATUSES[:-1]
DELAY_CAUSES = ("customer", "gitlab")
