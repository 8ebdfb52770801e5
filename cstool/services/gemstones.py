"""Applying the gemstone rules to stored accounts: one at a time, and set-based."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import and_, case, func, insert, literal, or_, select, update
from sqlmodel import Session

from cstool.clock import now
from cstool.domain import gemstones as g
from cstool.services.history import bulk_rows
from cstool.storage.models import Account, History
from cstool.storage.many import among


def compute_for(account: Account) -> g.Gemstone:
    iacv = None if account.iacv_cents is None else Decimal(account.iacv_cents) / 100
    return g.compute(account.users, account.plan, iacv)


def apply_gemstone(session: Session, account: Account, *, actor: str, events: list[str]) -> bool:
    """Recompute one account's gemstone, with its history and the onboarding a tier-up creates: the set-based
    rule (`recalc_all`) with one account.  Returns True when the gemstone changed.  The account must have an id."""
    session.flush()
    result = recalc_all(session, actor=actor, dry_run=False, only_ids=[account.id])
    session.expire(account)
    events += transition_events(session, result)
    return bool(result["transitions"])


def transition_events(session: Session, result: dict) -> list[str]:
    """The lines a command prints for `recalc_all`'s transitions: the move with its reason, the onboarding."""
    transitions = result["transitions"]
    if not transitions:
        return []
    accounts = {a.id: a for a in session.scalars(select(Account).where(
        Account.id.in_([t["account_id"] for t in transitions])))}
    events = []
    for t in transitions:
        computed = compute_for(accounts[t["account_id"]])
        events.append(f"{t['account']}: gemstone {t['old_gemstone'] or 'none'} -> {t['new_gemstone'] or 'none'} "
                      f"({computed.reason}).")
        if t["onboarding_created"]:
            events.append(f"{t['account']}: created onboarding #{t['onboarding_id']} (not started) because it moved "
                          f"from {t['old_gemstone'] or 'no gemstone'} to {t['new_gemstone']}.")
    return events


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
               where=None, create_onboardings: bool = True, roll_up: bool = False) -> dict:
    """Recompute the gemstone of every active account (or of the accounts given by id or by a condition, archived
    ones included) in a few statements: the one implementation of "inputs changed -> gemstone recomputed, a move
    from quartz or none into ruby or above creating the onboarding", for one account or many.

    With `roll_up` (`gemstone recalc`), the iACV roll-up over the last 365 days runs first (deals age out); it
    writes even on a dry run, which the caller rolls back.  Returns the transitions, the iACV changes and the
    onboardings created (none on a dry run).
    """
    from cstool.services.deals import roll_up_iacv
    from cstool.services.onboarding import create_pending_onboardings_bulk

    iacv_changes: list[str] = []
    if roll_up:
        _, iacv_changes = roll_up_iacv(session, actor=actor, account_ids=only_ids)
    computed_rank = rank_sql()
    scope = [Account.gemstone_rank != computed_rank]
    if only_ids is not None:
        scope.append(among(Account.id, only_ids))
    elif where is not None:
        scope.append(where)
    else:
        scope.append(Account.archived_at.is_(None))
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
            "onboarding_id": None,
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
            t["onboarding_id"] = created.get(t["account_id"])
    elif dry_run:
        for t in qualifying:
            t["onboarding_created"] = None  # would be created unless one is open
    return {"transitions": transitions, "onboardings_created": len(created), "dry_run": dry_run,
            "iacv_changes": iacv_changes}


