"""Import kinds: accounts, contacts, opportunities."""

from __future__ import annotations

from cstool.domain import fields as f
from cstool.domain import gemstones
from cstool.domain.accounts import ACCOUNT_FIELDS
from cstool.domain.crm import opportunity_stage
from cstool.services.importing.base import (Column, Context, Kind, Row, boolean, cents, day, insert_new, name_of,
                                            pick, text, update_existing)
from cstool.services.importing.refs import account_ids, chunks, resolve_accounts
from cstool.services.lookup import name_key
from cstool.storage.models import Account, Contact, Opportunity
from sqlalchemy import func, select


def _field(option: str):
    parser = ACCOUNT_FIELDS[option][1]
    return lambda v, ctx, name: parser(v)


ACCOUNT_COLUMNS = (
    Column("name", ("Account Name", "Account", "Customer"), name_of(), required=True),
    Column("segment", ("Sales Segment", "Account Segment"), _field("segment")),
    Column("plan", ("Product Plan", "Subscription Plan"), _field("plan")),
    Column("users", ("Licensed Users", "Seats", "Licenses"), _field("users")),
    Column("iacv", ("Incremental ACV",), _field("iacv")),
    Column("health", ("Health Score",), _field("health")),
    Column("sentiment", ("CSM Sentiment", "csm_sentiment"), _field("sentiment")),
    Column("csm", ("Customer Success Manager", "Technical Account Manager", "TAM"), _field("csm")),
    Column("sa", ("Solutions Architect",), _field("sa")),
    Column("owner", ("Account Owner", "AE"), _field("owner")),
    Column("cs_project", ("CS Project", "CS Project URL", "cs_project_url",
                           "GitLab Customer Success Project"), _field("cs_project")),
    Column("slack", ("Slack Channel", "Customer Slack Channel", "slack_channel"), _field("slack")),
    Column("stage", ("Lifecycle Stage", "lifecycle_stage"), _field("stage")),
    Column("ebr_cadence", ("EBR Cadence",), _field("ebr_cadence")),
)
# column field -> the account attribute it sets
_ATTRIBUTE = {c.field: ACCOUNT_FIELDS[c.field][0] for c in ACCOUNT_COLUMNS if c.field != "name"}


def _account_values(r: Row) -> dict:
    return {_ATTRIBUTE[k]: v for k, v in r.values.items() if k in _ATTRIBUTE}


def _resolve_accounts(ctx: Context, rows: list[Row]) -> list[Row]:
    existing = account_ids(ctx.session, {name_key(r.values["name"]) for r in rows})
    out = []
    for r in rows:
        key = name_key(r.values["name"])
        if not ctx.first_time(("account", key), r.line):
            continue
        if key in existing:
            if not ctx.update:
                ctx.error(r.line, f"{r.values['name']!r} already exists (give --update to update it)")
                continue
            r.existing_id = r.account_id = existing[key]
        out.append(r)
    return out


def _write_accounts(ctx: Context, rows: list[Row]) -> None:
    new = [r for r in rows if r.existing_id is None]
    changed = [r for r in rows if r.existing_id is not None]
    blank = {c: None for c in ("segment", "plan", "users", "iacv_cents", "health", "csm_sentiment", "csm", "sa",
                               "owner", "cs_project_url", "slack_channel", "lifecycle_stage", "ebr_cadence")}

    def record(r: Row) -> dict:
        values = _account_values(r)
        gem = gemstones.compute(values.get("users",), values.get("plan"),
                                None if values.get("iacv_cents") is None else values["iacv_cents"] / 100)
        return {**blank, **values, "name": r.values["name"], "name_key": name_key(r.values["name"]),
                "gemstone": gem.name, "gemstone_rank": gem.rank, "created_at": ctx.stamp, "updated_at": ctx.stamp,
                "archived_at": None}

    records = {}

    def remember(r: Row) -> dict:
        records[r.line] = record(r)
        return records[r.line]

    ids = insert_new(ctx, ACCOUNTS, new, remember)
    if ids and not ctx.options.get("no_onboarding"):
        from cstool.services.onboarding import create_pending_onboardings_bulk

        qualifying = [i for r, i in zip(new, ids) if gemstones.triggers_onboarding(6, records[r.line]["gemstone_rank"])]
        ctx.result.onboardings_created += len(create_pending_onboardings_bulk(ctx.session, account_ids=qualifying,
                                                                              actor=ctx.actor))
    for r in changed:
        update_existing(ctx, ACCOUNTS, Account, r, _account_values(r))
    if changed:
        from cstool.services.gemstones import recalc_all

        done = recalc_all(ctx.session, actor=ctx.actor, dry_run=False, only_ids=[r.existing_id for r in changed],
                          create_onboardings=not ctx.options.get("no_onboarding"))
        ctx.result.onboardings_created += done["onboardings_created"]


ACCOUNTS = Kind("accounts", "account", "account", ACCOUNT_COLUMNS, _resolve_accounts, _write_accounts,
                aliases=("account",), help="Account Name, Segment, Plan, Licensed Users, iACV, CSM, SA, Owner, ...")


# --- contacts and opportunities: a name unique within its account --------------------------------------------


def _resolve_named(model):
    def resolve(ctx: Context, rows: list[Row]) -> list[Row]:
        rows = resolve_accounts(ctx, rows)
        table = model.__table__
        existing: dict[tuple[int, str], int] = {}
        for chunk in chunks(sorted({r.account_id for r in rows})):
            for aid, name, rid in ctx.session.execute(
                select(table.c.account_id, func.lower(table.c.name), table.c.id).where(table.c.account_id.in_(chunk))
            ).all():
                existing[(aid, name.casefold())] = rid
        out = []
        for r in rows:
            key = (r.account_id, r.values["name"].casefold())
            if not ctx.first_time((model.__tablename__, key), r.line):
                continue
            if key in existing:
                if not ctx.update:
                    ctx.error(r.line, f"{r.values['name']!r} already exists for {r.values['account']} "
                                      "(give --update to update it)")
                    continue
                r.existing_id = existing[key]
            out.append(r)
        return out
    return resolve


def _write_named(kind_of, model, blank: dict):
    def write(ctx: Context, rows: list[Row]) -> None:
        kind = kind_of()

        def record(r: Row) -> dict:
            return {**blank, **{k: v for k, v in r.values.items() if k != "account"}, "account_id": r.account_id}

        insert_new(ctx, kind, [r for r in rows if r.existing_id is None], record,
                   snapshot=lambda r: {"name": r.values["name"]})
        for r in rows:
            if r.existing_id is not None:
                update_existing(ctx, kind, model, r, {k: v for k, v in r.values.items() if k not in ("account", "name")})
    return write


CONTACTS = Kind(
    "contacts", "contact", "contact",
    (
        Column("account", ("Account Name",), text(200), required=True),
        Column("name", ("Contact Name", "Full Name"), name_of(), required=True),
        Column("title", ("Job Title",), text(200)),
        Column("role", ("Contact Role",), text(200)),
        Column("email", ("Email Address",), lambda v, ctx, n: f.email(n, v)),
        Column("phone", ("Phone Number",), text(60)),
        Column("salutation", (), text(60)),
        Column("gitlab_admin", ("GitLab Admin", "Admin"), boolean),
    ),
    _resolve_named(Contact),
    _write_named(lambda: CONTACTS, Contact, {"title": None, "role": None, "email": None, "phone": None,
                                              "salutation": None, "gitlab_admin": False}),
    aliases=("contact",), help="Account Name, Contact Name, Title, Role, Email, Phone, GitLab Admin",
)

OPPORTUNITIES = Kind(
    "opportunities", "opportunity", "opportunity",
    (
        Column("account", ("Account Name",), text(200), required=True),
        Column("name", ("Opportunity Name",), name_of(), required=True),
        Column("stage", ("Opportunity Stage",), lambda v, ctx, n: opportunity_stage(v)),
        Column("close_date", ("Close Date",), day),
        Column("amount_cents", ("amount", "Amount"), cents),
        Column("iacv_cents", ("iacv", "Incremental ACV"), cents),
        Column("type", ("Opportunity Type",), pick(f.OPPORTUNITY_TYPES, {"add-on-business": "add-on",
                                                                         "new-business": "new"})),
    ),
    _resolve_named(Opportunity),
    _write_named(lambda: OPPORTUNITIES, Opportunity, {"stage": "discovery", "close_date": None, "amount_cents": None,
                                                      "iacv_cents": None, "type": None}),
    aliases=("opportunity",), help="Account Name, Opportunity Name, Stage, Close Date, Amount, iACV, Type",
)
