"""Import kinds: onboardings (filling the untouched placeholders) and license-usage snapshots."""

from __future__ import annotations

from sqlalchemy import select

from cstool.domain import fields as f
from cstool.domain import onboarding as rules
from cstool.errors import CstoolError, RuleViolation
from cstool.services.importing.base import Column, Context, Kind, Row, insert_new, update_existing
from cstool.services.importing.cells import boolean, count, day, pick, text
from cstool.services.importing.refs import by_name_in_account, chunks, resolve_accounts
from cstool.storage.models import ONBOARDING_OPEN, Onboarding, Opportunity

MILESTONES = ("start_date", "first_engaged_date", "infra_ready_date", "first_value_date", "finish_date")
DATES = ("purchase_date", *MILESTONES)


def is_placeholder(o) -> bool:
    return rules.is_placeholder(o.status, {k: getattr(o, k) for k in rules.PLACEHOLDER_EMPTY})


def _row_rules(ctx: Context, r: Row) -> None:
    v = r.values
    if "status" not in v:
        v["status"] = "completed" if v.get("finish_date") else "in-progress" if v.get("start_date") else "not-started"
    if v["status"] == "completed" and not v.get("finish_date"):
        raise RuleViolation("finish_date: a completed onboarding needs its finish date")
    if v["status"] in ("in-progress", "on-hold") and not v.get("start_date"):
        raise RuleViolation(f"start_date: an onboarding {v['status']} needs its start date")
    rules.check_dates({k: v.get(k) for k in DATES}, today=ctx.today)


def _resolve_onboardings(ctx: Context, rows: list[Row]) -> list[Row]:
    checked = []
    for r in rows:
        try:
            _row_rules(ctx, r)
            checked.append(r)
        except CstoolError as exc:
            ctx.error(r.line, exc.message)
    rows = by_name_in_account(ctx, resolve_accounts(ctx, checked), Opportunity, "opportunity")
    open_now: dict[int, Onboarding] = {}
    for chunk in chunks(sorted({r.account_id for r in rows})):
        for o in ctx.session.execute(select(Onboarding).where(Onboarding.account_id.in_(chunk),
                                                              Onboarding.status.in_(ONBOARDING_OPEN))).scalars():
            open_now[o.account_id] = o
    claimed = ctx.state.setdefault("claimed", set())
    out = []
    for r in rows:
        is_open = r.values["status"] in ONBOARDING_OPEN
        if is_open and not ctx.first_time(("open", r.account_id), r.line,
                                          "a second open onboarding for this account in the file"):
            continue
        current = open_now.get(r.account_id)
        if current is not None and is_placeholder(current) and current.id not in claimed:
            claimed.add(current.id)  # the first row for the account fills its placeholder
            r.existing_id = current.id
            r.refs["fills_placeholder"] = True
        elif current is not None and is_open and current.id not in claimed:
            if not ctx.update:
                ctx.error(r.line, f"{r.values['account']} already has an open onboarding (#{current.id}, "
                                  f"{current.status}); give --update to update it")
                continue
            claimed.add(current.id)
            r.existing_id = current.id
        elif current is not None and is_open:
            ctx.error(r.line, "a second open onboarding for this account in the file")
            continue
        elif (current is not None and ctx.update and current.id not in claimed and current.start_date is not None
              and current.start_date == r.values.get("start_date")):
            claimed.add(current.id)  # the open onboarding that started that day, completed in the file
            r.existing_id = current.id
        out.append(r)
    return out


def _values(r: Row) -> dict:
    out = {k: v for k, v in r.values.items() if k not in ("account", "opportunity", "name")}
    if "opportunity" in r.refs:
        out["opportunity_id"] = r.refs["opportunity"]
    if out.get("first_engaged_date") is not None:  # a date the file gives was set by a person: it wins and stays
        out["first_engaged_source"] = "manual"
    return out


def _write_onboardings(ctx: Context, rows: list[Row]) -> None:
    from cstool.services.tasks import end_onboarding_phase, follow_onboarding_csm_changes

    completed, owners = [], []
    for r in rows:  # fill placeholders and update first: the store allows one open onboarding per account
        if r.existing_id is None:
            continue
        if r.refs.get("fills_placeholder"):
            current = ctx.session.get(Onboarding, r.existing_id)
            rules.check_dates({**{k: getattr(current, k) for k in DATES}, **{k: v for k, v in r.values.items()
                                                                              if k in DATES}}, today=ctx.today)
            changes = update_existing(ctx, ONBOARDINGS, Onboarding, r, _values(r))
            ctx.result.placeholders_filled += 1
            ctx.result.updated -= 1
        else:
            changes = update_existing(ctx, ONBOARDINGS, Onboarding, r, _values(r))
        if "owner" in changes:
            owners.append((r.existing_id, *changes["owner"]))
        if changes.get("status", (None, None))[1] == "completed":
            completed.append(r.existing_id)
    blank = {c: None for c in ("owner", "team", "greenfield", "notes", "challenges", "success_plan_url",
                               "delay_reason", "delay_cause", "survey_sent", "survey_received", "experience_score",
                               "opportunity_id", "first_engaged_source", *DATES)}
    new = [r for r in rows if r.existing_id is None]
    insert_new(ctx, ONBOARDINGS, new, lambda r: {**blank, **_values(r), "account_id": r.account_id,
                                                 "created_at": ctx.stamp, "updated_at": ctx.stamp})
    completed += [r.existing_id for r in new if r.values["status"] == "completed"]
    # as `onboarding update --csm` and `onboarding complete`: the same functions, over the whole batch
    follow_onboarding_csm_changes(ctx.session, owners, actor=ctx.actor)
    end_onboarding_phase(ctx.session, completed, actor=ctx.actor)
    ctx.state.setdefault("accounts", set()).update(r.account_id for r in rows)


def _finish_onboardings(ctx: Context) -> None:
    """Onboardings without a first-engaged date in the file take it from the timeline, as `onboarding start`."""
    from cstool.services.onboarding import refresh_first_engagement

    refresh_first_engagement(ctx.session, account_ids=ctx.state.get("accounts", ()), actor=ctx.actor)


ONBOARDINGS = Kind(
    "onboardings", "onboarding", "onboarding",
    (
        Column("account", ("Account Name", "Account"), text(200), required=True),
        Column("name", ("Customer Onboarding Name", "Onboarding Name"), text(300),
               note="read, not stored: an onboarding is known by its account"),
        Column("status", ("Onboarding Status",), pick(rules.STATUSES, {"complete": "completed", "done": "completed",
                                                                       "hold": "on-hold", "new": "not-started"})),
        Column("opportunity", ("Opportunity Name", "Opportunity"), text(200)),
        Column("purchase_date", ("Original Contract Date", "Purchase"), day),
        Column("start_date", ("Start", "Onboarding Start Date"), day),
        Column("first_engaged_date", ("First Engaged", "First Engagement Date", "First Reach-out", "First Reach-out Date"), day),
        Column("infra_ready_date", ("Infra Ready", "Infrastructure Ready Date", "Infrastructure Ready"), day),
        Column("first_value_date", ("First Value",), day),
        Column("finish_date", ("Completed Date", "Completion Date", "Finish", "Onboarding Finish Date"), day),
        Column("owner", ("CSM", "Onboarding Owner", "Owner", "Technical Account Manager"), text(200)),
        Column("greenfield", (), boolean),
        Column("notes", ("Onboarding Notes",), text(4000)),
        Column("challenges", ("Challenges/Highlights", "Highlights", "Onboarding Challenges / Highlights"), text(4000)),
        Column("success_plan_url", ("Success Plan", "Success Plan URL"), lambda v, ctx, n: f.url(n, v)),
        Column("delay_reason", ("Reason", "Delay Reason"), text(2000)),
        Column("delay_cause", ("Cause",), pick(rules.DELAY_CAUSES)),
        Column("survey_sent", ("Survey Sent", "Onboarding experience survey sent?"), boolean),
        Column("survey_received", ("Survey Received", "Onboarding experience survey results received?"), boolean),
        Column("experience_score", ("Score", "Experience Score", "Customer Experience Score",
                                    "Onboarding experience score"), lambda v, ctx, n: rules.experience_score(v)),
    ),
    _resolve_onboardings, _write_onboardings, finish=_finish_onboardings,
    aliases=("onboarding",), help="Account Name, Status, Purchase Date, Start Date, First Engaged, First Value, ...",
)


# --- usage snapshots ----------------------------------------------------------------------------------------


def _resolve_usage(ctx: Context, rows: list[Row]) -> list[Row]:
    rows = resolve_accounts(ctx, rows)
    latest: dict[int, int] = {}
    open_: dict[int, int] = {}
    for chunk in chunks(sorted({r.account_id for r in rows})):
        for aid, oid, status in ctx.session.execute(
            select(Onboarding.account_id, Onboarding.id, Onboarding.status).where(Onboarding.account_id.in_(chunk))
            .order_by(Onboarding.id)
        ).all():
            latest[aid] = oid
            if status in ONBOARDING_OPEN:
                open_[aid] = oid
    target = {**latest, **open_}  # the account's open onboarding, else its latest (as `onboarding usage` does)
    out = []
    for r in rows:
        try:
            rules.check_usage(r.values["licenses"], r.values["active"])
        except CstoolError as problem:
            ctx.error(r.line, problem.message.rstrip("."))
            continue
        if r.account_id not in target:
            ctx.error(r.line, f"account: {r.values['account']} has no onboarding to record usage on")
            continue
        r.refs["onboarding_id"] = target[r.account_id]
        out.append(r)
    return out


def _write_usage(ctx: Context, rows: list[Row]) -> None:
    insert_new(ctx, USAGE, rows, lambda r: {"onboarding_id": r.refs["onboarding_id"], "on_date": r.values["date"],
                                            "licenses": r.values["licenses"], "active": r.values["active"],
                                            "created_at": ctx.stamp})
    first = ctx.state.setdefault("first_value", {})
    from cstool.services.settings import get_setting

    threshold = get_setting(ctx.session, "first-value-threshold")
    for r in rows:
        if rules.reaches_first_value(r.values["licenses"], r.values["active"], threshold):
            oid = r.refs["onboarding_id"]
            first[oid] = min(first.get(oid, r.values["date"]), r.values["date"])


def _finish_usage(ctx: Context) -> None:
    """The earliest imported snapshot at or above the threshold sets first value where it is empty."""
    from cstool.services.history import apply_changes

    for oid, when in sorted(ctx.state.get("first_value", {}).items()):
        o = ctx.session.get(Onboarding, oid)
        if o.first_value_date is not None:
            continue
        try:
            rules.check_dates({**{k: getattr(o, k) for k in DATES}, "first_value_date": when}, today=ctx.today)
        except CstoolError:
            continue
        apply_changes(ctx.session, o, {"first_value_date": when}, actor=ctx.actor, entity="onboarding")


USAGE = Kind(
    "usage", "license_usage", "license_usage",
    (
        Column("account", ("Account Name",), text(200), required=True),
        Column("date", ("Snapshot Date", "Usage Date", "on_date"), day, required=True),
        Column("licenses", ("Licensed Users", "Seats", "Licenses Purchased"), count(), required=True),
        Column("active", ("Active Users", "Billable Users"), count(), required=True),
    ),
    _resolve_usage, _write_usage, finish=_finish_usage,
    aliases=("license_usage", "usage_snapshots", "license-usage"),
    history_account=lambda table: select(Onboarding.account_id).where(Onboarding.id == table.c.onboarding_id)
    .scalar_subquery(),
    help="Account Name, Date, Licenses, Active Users (on the account's open onboarding, else its latest)",
)
