"""Tasks as calls to action (SPEC sections 8 and 18): statuses, types, priorities, sources, and the rules
that close or hide them.  Pure values and functions; the services apply them.
"""

from __future__ import annotations

from datetime import date

from cstool.errors import InvalidValue

STATUSES = ("open", "done", "skipped", "resolved")
CLOSED_STATUSES = STATUSES[1:]
TYPES = ("activity", "lifecycle", "risk", "expansion", "objective")
PRIORITIES = ("high", "medium", "low")
PRIORITY_RANK = {p: i for i, p in enumerate(PRIORITIES)}  # the order `task list` sorts by
DEFAULT_PRIORITY = "medium"
MANUAL_TYPE = "activity"  # a task added by hand, unless given
PLAYBOOK_TYPE = "lifecycle"
SOURCE_MANUAL = "manual"
SOURCE_PLAYBOOK = "playbook"
RULE_PREFIX = "rule:"
MAX_REASON = 500

# The "Assign a CSM" task (SPEC section 4): made by the CSM-assignment rule, done once a CSM is set.
ASSIGN_CSM_KIND = "assign-csm"
ASSIGN_CSM_SOURCE = RULE_PREFIX + ASSIGN_CSM_KIND
ASSIGN_CSM_TYPE = "lifecycle"

# Why a task closed by itself.
BACKDATED_REASON = "window passed before the start was recorded"
COMPLETED_REASON = "onboarding completed"


def assign_csm_done_reason(csm: str) -> str:
    return f"{csm} is the CSM"


def source(value: str, *, field: str = "source") -> str:
    """playbook, manual, or rule:<name> (a rule's name: lower-case letters, digits and hyphens)."""
    key = value.strip().lower()
    if key in (SOURCE_MANUAL, SOURCE_PLAYBOOK):
        return key
    name = key[len(RULE_PREFIX):] if key.startswith(RULE_PREFIX) else ""
    if name and len(key) <= 60 and all(c.isalnum() or c == "-" for c in name):
        return key
    raise InvalidValue(field, value, "use playbook, manual or rule:<name> (e.g. rule:health-red)")


def hidden_by_snooze(snooze_date: date | None, *, today: date) -> bool:
    """A snoozed task stays off the list until its snooze date (it shows again on that day)."""
    return snooze_date is not None and snooze_date > today


def window_passed(due: date, window_end: date | None, *, today: date) -> bool:
    """A playbook step whose window ended before today: recorded late, it is skipped, not opened."""
    return (window_end or due) < today


def status_for_import(status: str | None, done_date: date | None) -> str:
    """An imported task without a status: done when it has a done date, else open."""
    if status:
        return status
    return "done" if done_date is not None else "open"

# What CRM task exports call their statuses.
STATUS_ALIASES = {"not-started": "open", "in-progress": "open", "waiting-on-someone-else": "open",
                  "completed": "done", "closed": "done", "deferred": "skipped"}
