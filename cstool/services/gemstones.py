"""Applying the gemstone rules to stored accounts: one at a time, and set-based."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import and_, case, func, insert, literal, or_, select, update
from sqlmodel import Session

from cstool.clock import now
from cstool.domain import gemstones as g
from cstool.services.history import bulk_rows, record_changes
from cstool.storage.models import Account, History
from cstool.storage.many import among


def compute_for(account: Account) -> g.Gemstone:
    iacv = None if account.iacv_cents is None else Decimal(account.iacv_cents) / 100
    return g.compute(account.users, account.plan, iacv)


def apply_gemstone(session: Session, account: Account, *, actor: str, events: list[str], old_rank: int | None = None) -> bool:
    """Recompute one account's gemstone; record the change; create an onboarding if it qualifies.

    Returns True when the gemstone changed.  The account must have an id.
    """
    from cstool.services.onboarding import create_pending_onboarding

    computed = compute_for(account)
    before_rank = account.gemstone_rank if old_rank is None else old_rank
    before_name = account.gemstone
    if computed.rank == before_rank and computed.name == before_name:
        return False
    account.gemstone, account.gemstone_rank = computed.name, computed.rank
    record_changes(
        session,
        actor=actor,
        entity="account",
        entity_id=account.id,
        account_id=account.id,
        changes={"gemstone": (before_name, computed.name)},
    )
    events.append(
        f"{account.name}: gemstone {before_name or 'none'} -> {computed.name or 'none'} ({computed.reason})."
    )
    if g.triggers_onboarding(before_rank, computed.rank):
        onboarding = create_pending_onboarding(session, account=account, actor=actor)
        if onboarding is not None:
            events.append(
                f"{account.name}: created onboarding #{onboarding.id} (not started) because it moved "
                f"from {before_name or 'no gemstone'} to {computed.name}."
            )
    return True


# --- set-based -------------------------------------------------------------------


def _clause_sql(clause: g.Clause):
    users = func.coalesce(Account.users, 0)
    cents = func.coalesce(Account.iacv_cents, 0)
    value_test = users > clause.threshold if clause.field == "users" else cents > clause.threshold * 100
    if clause.ultimate_only:
        return and_(func.lower(func.trim(func.coalesce(Account.plan, ""))) == "ultimate", value_test)
    return value_test


def rank_sql():
    """The SQL twin of :func:`cstool.domain.gemstones.compute` (rank only)."""
    whens = [(and_(Account.users.is_(None), Account.iacv_cents.is_(None)), literal(g.NO_GEMSTONE_RANK))]
    for name, clauses in g.RULES:
        whens.append((or_(*[_clause_sql(c) for c in clauses]), literal(g.RANKS[name])))
    return case(*whens, else_=literal(g.QUARTZ_RANK))


def name_for_rank_sql(rank_expr):
    return case(*[(rank_expr == r, literal(n)) for n, r in g.RANKS.items()], else_=None)


def recalc_all(session: Session, *, actor: str, dry_run: bool, only_ids: list[int] | None = None,
               create_onboardings: bool = True) -> dict:
    """Recompute every active account's gemstone in a few statements.

    Returns the transitions and the onboardings created (none on a dry run).
    """
    from cstool.services.onboarding import create_pending_onboardings_bulk

    computed_rank = rank_sql()
    scope = [Account.archived_at.is_(None), Account.gemstone_rank != computed_rank]
    if only_ids is not None:
        scope.append(among(Account.id, only_ids))
    rows = session.execute(
        select(Account.id, Account.name, Account.gemstone, Account.gemstone_rank, computed_rank.label("new_rank"))
        .where(*scope)
        .order_by(Account.id)
    ).all()
    names = {r: n for n, r in g.RANKS.items()}
    transitions = [
        {
            "account_id": r.id,
            "account": r.name,
            "old_gemstone": r.gemstone,
            "new_gemstone": names.get(r.new_rank),
            "old_rank": r.gemstone_rank,
            "new_rank": r.new_rank,
            "onboarding_created": False,
        }
        for r in rows
    ]
    qualifying = [t for t in transitions if create_onboardings and g.triggers_onboarding(t["old_rank"], t["new_rank"])]
    created: dict[int, int] = {}
    if not dry_run and transitions:
        stamp = now()
        session.execute(
            update(Account)
            .where(*scope)
            .values(gemstone=name_for_rank_sql(computed_rank), gemstone_rank=computed_rank, updated_at=stamp)
            .execution_options(synchronize_session=False)
        )
        history = bulk_rows(
            actor=actor,
            entity="account",
            changes=((t["account_id"], t["account_id"], "gemstone", t["old_gemstone"], t["new_gemstone"]) for t in transitions),
        )
        for start in range(0, len(history), 5000):
            session.execute(insert(History.__table__), history[start : start + 5000])
        created = create_pending_onboardings_bulk(session, account_ids=[t["account_id"] for t in qualifying],
                                                  actor=actor)
        for t in transitions:
            t["onboarding_created"] = t["account_id"] in created
    elif dry_run:
        for t in qualifying:
            t["onboarding_created"] = None  # would be created unless one is open
    return {"transitions": transitions, "onboardings_created": len(created), "dry_run": dry_run}


