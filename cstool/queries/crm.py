"""Contacts and opportunities: list and show."""

from __future__ import annotations

from sqlalchemy import select

from cstool.services.lookup import account_names, account_row, find_named
from cstool.services.records import contact_record, opportunity_record
from cstool.storage import tables as t


def list_contacts(conn, *, account: str | None = None) -> list[dict]:
    c = t.contact.c
    query = select(t.contact)
    if account is not None:
        query = query.where(c.account_id == account_row(conn, account).id)
    rows = conn.execute(query.order_by(c.account_id, c.name)).all()
    names = account_names(conn, {x.account_id for x in rows})
    return [contact_record(x, names[x.account_id]) for x in rows]


def show_opportunity(conn, *, ref: str) -> dict:
    row = find_named(conn, t.opportunity, "opportunity", ref)
    return opportunity_record(row, account_names(conn, {row.account_id})[row.account_id])


def list_opportunities(conn, *, account: str | None = None, stage: str | None = None) -> list[dict]:
    from cstool.domain.crm import opportunity_stage

    o = t.opportunity.c
    query = select(t.opportunity)
    if account is not None:
        query = query.where(o.account_id == account_row(conn, account).id)
    if stage is not None:
        query = query.where(o.stage == opportunity_stage(stage))
    rows = conn.execute(query.order_by(o.close_date.desc().nulls_last(), o.id)).all()
    names = account_names(conn, {x.account_id for x in rows})
    return [opportunity_record(x, names[x.account_id]) for x in rows]
