"""Import kinds: accounts, contacts, opportunities."""

from __future__ import annotations

from cstool.domain import fields as f
from cstool.domain.accounts import ACCOUNT_FIELDS
from cstool.domain import renewals as renewal_rules
from cstool.domain.crm import opportunity_stage
from cstool.services.importing.base import Column, Context, Kind, Row, insert_new, update_existing
from cstool.services.importing.cells import boolean, cents, day, name_of, pick, text
from cstool.services.importing.refs import account_ids, match_existing, resolve_accounts
from cstool.services.lookup import name_key
from cstool.storage.models import Account, Contact, Opportunity
from sqlalchemy import select


def _field(option: str):
    parser = ACCOUNT_FIELDS[option][1]
    return lambda v, ctx, name: parser(v)


ACCOUNT_COLUMNS = (
    Column("name", ("Account Name", "Account", "Customer", "Company name"), name_of(), required=True),
    Column("segment", ("Sales Segment", "Account Segment"), _field("segment")),
    Column("plan", ("Product Plan", "Subscription Plan"), _field("plan")),
    Column("users", ("Licensed Users", "Seats", "Licenses"), _field("users")),
    Column("iacv", ("Incremental ACV",), _field("iacv")),
    Column("health", ("Health Score",), _field("health")),
    Column("sentiment", ("CSM Sentiment", "csm_sentiment"), _field("sentiment")),
    Column("csm", ("Customer Success Manager", "Technical Account Manager", "TAM"), _field("csm")),
    Column("sa", ("Solutions Architect",), _field("sa")),
    Column("owner", ("Account Owner", "AE", "Company owner"), _field("owner")),
    Column("cs_project", ("CS Project", "CS Project URL", "cs_project_url",
                           "GitLab Customer Success Project"), _field("cs_project")),
    Column("slack", ("Slack Channel", "Customer Slack Channel", "slack_channel"), _field("slack")),
    Column("stage", ("Lifecycle Stage", "lifecycle_stage"), _field("stage")),
    Column("ebr_cadence", ("EBR Cadence",), _field("ebr_cadence")),
    Column("domain", ("domains", "Email Domains", "Domain", "Company Domain Name"), _field("domain")),
    Column("arr", ("ARR", "arr_cents", "Annual Recurring Revenue", "Current ARR", "Total ARR"), _field("arr")),
    Column("renewal_date", ("Next Renewal Date", "Renewal Date", "Subscription End Date", "Contract End Date"), day),
    Column("term", ("term_months", "Term (Months)", "Subscription Term", "Contract Term", "Term Length"),
           _field("term")),
)
# column field -> the account attribute it sets
_ATTRIBUTE = {c.field: ACCOUNT_FIELDS[c.field][0] for c in ACCOUNT_COLUMNS if c.field != "name"}


def _account_values(r: Row) -> dict:
    return {_ATTRIBUTE[k]: v for k, v in r.values.items() if k in _ATTRIBUTE}


def _resolve_accounts(ctx: Context, rows: list[Row]) -> list[Row]:
    for r in rows:
        r.refs["key"] = name_key(r.values["name"])
    if "had_accounts" not in ctx.state:  # into an empty store nothing can exist: no lookups at all
        ctx.state["had_accounts"] = ctx.session.scalar(select(Account.id).limit(1)) is not None
    existing = account_ids(ctx.session, {r.refs["key"] for r in rows}) if ctx.state["had_accounts"] else {}
    out = []
    for r in rows:
        key = r.refs["key"]
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
                               "owner", "cs_project_url", "slack_channel", "lifecycle_stage", "ebr_cadence",
                               "domains", "arr_cents", "renewal_date")}
    blank["term_months"] = 12

    def record(r: Row) -> dict:  # the gemstone is set below for the whole batch, by the SQL twin of its rule
        return {**blank, **_account_values(r), "name": r.values["name"], "name_key": r.refs["key"],
                "gemstone": None, "gemstone_rank": 6, "created_at": ctx.stamp, "updated_at": ctx.stamp,
                "archived_at": None}

    from cstool.services.gemstones import recalc_all

    ids = insert_new(ctx, ACCOUNTS, new, record)
    if ids:  # the tier-up rule `account add` applies (history, placeholders), once for the batch
        done = recalc_all(ctx.session, actor=ctx.actor, dry_run=False, where=Account.id.between(ids[0], ids[-1]),
                          create_onboardings=not ctx.options.get("no_onboarding"))
        ctx.result.onboardings_created += done["onboardings_created"]
    csm_changes = []
    renewing = [r.existing_id for r in new if r.values.get("renewal_date") is not None]
    for r in changed:
        done = update_existing(ctx, ACCOUNTS, Account, r, _account_values(r))
        if "csm" in done:
            csm_changes.append((r.existing_id, *done["csm"]))
        if "renewal_date" in done:
            renewing.append(r.existing_id)
    if csm_changes:  # as `account update --csm`: tasks follow the new CSM, "Assign a CSM" is done
        from cstool.services.tasks import follow_account_csm_changes

        follow_account_csm_changes(ctx.session, csm_changes, actor=ctx.actor)
    if renewing:  # the same function as a renewal date set by command: check-ins move, renewals open
        from cstool.services.renewals import follow_renewal_dates

        follow_renewal_dates(ctx.session, renewing, actor=ctx.actor)
    if changed:
        done = recalc_all(ctx.session, actor=ctx.actor, dry_run=False, only_ids=[r.existing_id for r in changed],
                          create_onboardings=not ctx.options.get("no_onboarding"))
        ctx.result.onboardings_created += done["onboardings_created"]


ACCOUNTS = Kind("accounts", "account", "account", ACCOUNT_COLUMNS, _resolve_accounts, _write_accounts,
                aliases=("account",), help="Account Name, Segment, Plan, Licensed Users, iACV, CSM, SA, Owner, ...",
                needs=((("users", "iacv"), "the file has no users and no iACV column: the gemstone of its new "
                        "accounts cannot be ranked (they stay `no gemstone`); add one or use --map"),))


# --- contacts and opportunities: a name unique within its account --------------------------------------------


def _resolve_named(model):
    def resolve(ctx: Context, rows: list[Row]) -> list[Row]:
        return match_existing(ctx, resolve_accounts(ctx, rows), model.__table__, label=model.__tablename__)
    return resolve


def _write_named(kind_of, model, blank: dict):
    def write(ctx: Context, rows: list[Row]) -> None:
        kind = kind_of()

        def record(r: Row) -> dict:
            return {**blank, **{k: v for k, v in r.values.items() if k != "account"}, "account_id": r.account_id}

        insert_new(ctx, kind, [r for r in rows if r.existing_id is None], record)
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

OPPORTUNITY_BLANK = {"stage": "discovery", "close_date": None, "amount_cents": None, "iacv_cents": None, "type": None,
                     "renewal_date": None, "arr_due_cents": None, "forecast": None, "churn_reason": None}


def _resolve_opportunities(ctx: Context, rows: list[Row]) -> list[Row]:
    rows = _resolve_named(Opportunity)(ctx, rows)
    kept = []
    for r in rows:  # a lost renewal without its churn reason is refused by line, as the command refuses it
        v = r.values
        problem = renewal_rules.close_problem(opportunity_type=v.get("type"), stage=v.get("stage") or "discovery",
                                              churn_reason=v.get("churn_reason"))
        if problem and r.existing_id is None:
            ctx.error(r.line, problem.replace("--churn-reason", "a Churn Reason column"))
            continue
        kept.append(r)
    return kept


def _write_opportunities(ctx: Context, rows: list[Row]) -> None:
    """Write the rows, noting each opportunity with the stage it had, for the deal rules of `_finish_opportunities`."""
    from cstool.services.importing.refs import chunks

    moves = ctx.state.setdefault("moves", {})
    before: dict[int, str] = {}
    for chunk in chunks(sorted(r.existing_id for r in rows if r.existing_id is not None)):
        before.update(ctx.session.execute(select(Opportunity.id, Opportunity.stage)
                                          .where(Opportunity.id.in_(chunk))).all())
    _write_named(lambda: OPPORTUNITIES, Opportunity, OPPORTUNITY_BLANK)(ctx, rows)
    for r in rows:
        moves.setdefault(r.existing_id, before.get(r.existing_id))


def _finish_opportunities(ctx: Context) -> None:
    """The rules `opportunity add`/`update` apply, once for the whole file: "Assign a CSM" at negotiating, what
    closed-won deals do to their accounts, then the revenue rules of renewals and add-ons."""
    from sqlalchemy import func

    from cstool.services.deals import apply_closed_won, create_assign_csm_tasks
    from cstool.services.renewals import follow_renewal_deals
    from cstool.storage.models import Onboarding

    moves = ctx.state.get("moves", {})
    create_assign_csm_tasks(ctx.session, moves=moves.items(), actor=ctx.actor)
    before = ctx.session.scalar(select(func.count()).select_from(Onboarding))
    apply_closed_won(ctx.session, opportunity_ids=moves, actor=ctx.actor)
    follow_renewal_deals(ctx.session, dict(moves), actor=ctx.actor)
    ctx.result.onboardings_created += ctx.session.scalar(select(func.count()).select_from(Onboarding)) - before


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
        Column("renewal_date", ("Renewal Date", "Subscription End Date", "Contract End Date"), day),
        Column("arr_due_cents", ("arr_due", "ARR Due", "Renewal ARR", "Available to Renew", "ATR"), cents),
        Column("forecast", ("Forecast Category", "Forecast", "ForecastCategoryName"),
               lambda v, ctx, n: renewal_rules.forecast(v, field_name=n)),
        Column("churn_reason", ("Churn Reason", "Loss Reason", "Closed Lost Reason", "Reason Lost"),
               lambda v, ctx, n: renewal_rules.churn_reason(v, field_name=n)),
    ),
    _resolve_opportunities, _write_opportunities, finish=_finish_opportunities,
    aliases=("opportunity",), help="Account Name, Opportunity Name, Stage, Close Date, Amount, iACV, Type",
)
