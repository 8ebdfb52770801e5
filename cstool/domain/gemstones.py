"""Gemstone tiering: computed from licensed users, plan and iACV.

Every comparison is strictly *greater than*.  The same table drives the pure
calculation here and the SQL expression the bulk recalculation uses, so the
two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

NO_GEMSTONE_RANK = 6
QUARTZ_RANK = 5
GEMSTONES = ("diamond", "pearl", "sapphire", "ruby", "quartz")
RANKS = {name: rank for rank, name in enumerate(GEMSTONES, start=1)}


@dataclass(frozen=True)
class Clause:
    field: str  # "users" or "iacv"
    threshold: int
    ultimate_only: bool = False

    def holds(self, users: int, plan: str | None, iacv: Decimal) -> bool:
        if self.ultimate_only and (plan or "").strip().lower() != "ultimate":
            return False
        value = users if self.field == "users" else iacv
        return value > self.threshold

    def describe(self) -> str:
        subject = "users" if self.field == "users" else "iACV"
        prefix = "plan ultimate and " if self.ultimate_only else ""
        return f"{prefix}{subject} > {self.threshold:,}"


RULES: tuple[tuple[str, tuple[Clause, ...]], ...] = (
    ("diamond", (Clause("users", 5000), Clause("users", 2000, True), Clause("iacv", 500_000))),
    ("pearl", (Clause("users", 2500), Clause("users", 1000, True), Clause("iacv", 250_000))),
    ("sapphire", (Clause("users", 1000), Clause("iacv", 100_000))),
    ("ruby", (Clause("users", 500), Clause("iacv", 50_000))),
)


@dataclass(frozen=True)
class Gemstone:
    name: str | None
    rank: int
    reason: str

    def as_dict(self) -> dict:
        return {"gemstone": self.name, "rank": self.rank, "reason": self.reason}


def _fmt_money(value: Decimal) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{int(value):,}"


def compute(users: int | None, plan: str | None, iacv: Decimal | int | float | None) -> Gemstone:
    """The gemstone for these inputs, with the rule that decided it."""
    if users is None and iacv is None:
        return Gemstone(None, NO_GEMSTONE_RANK, "no users and no iACV recorded")
    u = users or 0
    money = Decimal(str(iacv)) if iacv is not None else Decimal(0)
    for name, clauses in RULES:
        for clause in clauses:
            if clause.holds(u, plan, money):
                actual = f"{u:,} users" if clause.field == "users" else f"iACV {_fmt_money(money)}"
                return Gemstone(name, RANKS[name], f"{clause.describe()} ({actual})")
    return Gemstone(
        "quartz",
        QUARTZ_RANK,
        f"no higher rule holds ({u:,} users, iACV {_fmt_money(money)}, plan {plan or 'none'})",
    )


def triggers_onboarding(old_rank: int | None, new_rank: int) -> bool:
    """A move from quartz or none (rank 5/6) into ranks 1-4 starts an onboarding."""
    return (old_rank or NO_GEMSTONE_RANK) >= QUARTZ_RANK and new_rank <= 4


ASSIGN_CSM_TYPES = ("new", "add-on")
ASSIGN_CSM_DUE_DAYS = 2


def projected_for_csm(*, old_stage: str | None, new_stage: str, opportunity_type: str | None, account_csm: str | None,
                      users: int | None, plan: str | None, account_iacv: Decimal | None,
                      opportunity_iacv: Decimal | None) -> "Gemstone | None":
    """The gemstone an account without a CSM would have once this opportunity closes, when the opportunity (new or
    add-on) has just moved to negotiating and that gemstone is ruby or above; else None (no CSM to assign)."""
    if new_stage != "negotiating" or old_stage == "negotiating" or opportunity_type not in ASSIGN_CSM_TYPES:
        return None
    if account_csm:
        return None
    iacv = (account_iacv or Decimal(0)) + (opportunity_iacv or Decimal(0))
    projected = compute(users, plan, iacv if account_iacv is not None or opportunity_iacv is not None else None)
    return projected if projected.rank <= 4 else None


# --- the account follows its deals (SPEC section 4) ----------------------------------------------

IACV_DEAL_TYPES = ("new", "add-on")  # the closed-won deals whose iACV rolls up into the account's
IACV_WINDOW_DAYS = 365
IACV_SOURCES = ("opportunities", "manual")  # setting iacv-source: the roll-up on (default), or iACV kept by hand


def iacv_window_opens(today: date) -> date:
    """The first close date that still counts: a deal closed in the last 365 days (today included) counts; one
    closed 365 days ago or earlier has aged out.  A closed-won deal with no close date never ages out."""
    return today - timedelta(days=IACV_WINDOW_DAYS - 1)


def fills_purchase(opportunity_type: str | None) -> bool:
    """A closed-won new or add-on deal gives the open onboarding its purchase date; a renewal or services one not."""
    return opportunity_type in IACV_DEAL_TYPES
