"""Onboarding records: created when an account qualifies, started, tracked to completion."""

from __future__ import annotations

import json

from sqlalchemy import and_, exists, insert, select
from sqlmodel import Session

from cstool.clock import now
from cstool.services.history import bulk_rows, record_created
from cstool.services.lookup import account_names, find_account
from cstool.services.records import onboarding_record
from cstool.storage.models import (
    Account,
    History,
    Onboarding,
    OnboardingCreate,
    ONBOARDING_OPEN,
    Opportunity,
)


def team_snapshot(account: Account) -> str:
    """The account team as it is now; kept on the onboarding even when the account's team changes."""
    team = [
        {"role": role, "name": name}
        for role, name in (("csm", account.csm), ("sa", account.sa), ("owner", account.owner))
        if name
    ]
    return json.dumps(team)


def latest_closed_won(session: Session, account_id: int) -> Opportunity | None:
    return session.scalars(
        select(Opportunity)
        .where(Opportunity.account_id == account_id, Opportunity.stage == "closed-won")
        .order_by(Opportunity.close_date.desc().nulls_last(), Opportunity.id.desc())
    ).first()


def open_onboarding(session: Session, account_id: int) -> Onboarding | None:
    return session.scalars(
        select(Onboarding).where(Onboarding.account_id == account_id, Onboarding.status.in_(ONBOARDING_OPEN))
    ).first()


def create_pending_onboarding(session: Session, *, account: Account, actor: str) -> Onboarding | None:
    """A not-started onboarding for an account that just qualified; None if one is open."""
    if open_onboarding(session, account.id) is not None:
        return None
    opp = latest_closed_won(session, account.id)
    stamp = now()
    data = OnboardingCreate(
        account_id=account.id,
        opportunity_id=opp.id if opp else None,
        owner=account.csm,
        team=team_snapshot(account),
        status="not-started",
        purchase_date=opp.close_date if opp else None,
    )
    onboarding = Onboarding.model_validate({**data.model_dump(), "created_at": stamp, "updated_at": stamp})
    session.add(onboarding)
    session.flush()
    record_created(session, actor=actor, entity="onboarding", entity_id=onboarding.id, account_id=account.id,
                   values={"status": "not-started", "purchase_date": onboarding.purchase_date})
    return onboarding


def create_pending_onboardings_bulk(session: Session, *, account_ids: list[int], actor: str) -> dict[int, int]:
    """Set-based twin of create_pending_onboarding; returns {account_id: onboarding_id}."""
    created: dict[int, int] = {}
    stamp = now()
    for start in range(0, len(account_ids), 500):
        chunk = account_ids[start : start + 500]
        def latest(column):
            return (
                select(column)
                .where(Opportunity.account_id == Account.id, Opportunity.stage == "closed-won")
                .order_by(Opportunity.close_date.desc().nulls_last(), Opportunity.id.desc())
                .limit(1)
                .correlate(Account)
                .scalar_subquery()
            )

        has_open = exists().where(and_(Onboarding.account_id == Account.id, Onboarding.status.in_(ONBOARDING_OPEN)))
        source = select(Account.id, latest(Opportunity.id), Account.csm, latest(Opportunity.close_date)).where(
            Account.id.in_(chunk), ~has_open
        )
        candidates = session.execute(source).all()
        if not candidates:
            continue
        accounts = {a.id: a for a in session.scalars(select(Account).where(Account.id.in_([c[0] for c in candidates])))}
        rows = [
            {
                "account_id": aid,
                "opportunity_id": opp_id,
                "owner": csm,
                "team": team_snapshot(accounts[aid]),
                "status": "not-started",
                "purchase_date": close,
                "created_at": stamp,
                "updated_at": stamp,
            }
            for aid, opp_id, csm, close in candidates
        ]
        session.execute(insert(Onboarding), rows)
        ids = session.execute(
            select(Onboarding.account_id, Onboarding.id).where(
                Onboarding.account_id.in_([r["account_id"] for r in rows]),
                Onboarding.status.in_(ONBOARDING_OPEN),
            )
        ).all()
        created.update(dict(ids))
    if created:
        session.execute(
            insert(History),
            bulk_rows(actor=actor, entity="onboarding",
                      changes=((oid, aid, "(created)", None, '{"status": "not-started"}') for aid, oid in created.items())),
        )
    return created


def list_onboardings(
    session: Session, *, account: str | None = None, status: str | None = None, open_only: bool = False
) -> list[dict]:
    query = select(Onboarding)
    if account is not None:
        query = query.where(Onboarding.account_id == find_account(session, account).id)
    if status is not None:
        query = query.where(Onboarding.status == status)
    if open_only:
        query = query.where(Onboarding.status.in_(ONBOARDING_OPEN))
    rows = list(session.scalars(query.order_by(Onboarding.id)))
    names = account_names(session, {o.account_id for o in rows})
    opp_ids = {o.opportunity_id for o in rows if o.opportunity_id}
    opps = dict(session.execute(select(Opportunity.id, Opportunity.name).where(Opportunity.id.in_(opp_ids))).all()) if opp_ids else {}
    return [onboarding_record(o, names[o.account_id], opps.get(o.opportunity_id)) for o in rows]
