"""Onboarding records: created when an account qualifies, started, tracked to completion."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import and_, case, exists, func, insert, literal, null, select
from sqlmodel import Session

from cstool.clock import now
from cstool.clock import today as clock_today
from cstool.domain import fields as f
from cstool.domain import onboarding as rules
from cstool.domain.dates import not_after_tomorrow, parse_date
from cstool.errors import Conflict, RuleViolation
from cstool.services.history import apply_changes, record_changes, record_created, remove_with_trail
from cstool.services.lookup import find_account
from cstool.services.records import iso
from cstool.services.settings import get_setting
from cstool.storage.bulk import json_text
from cstool.storage.models import (
    Account,
    Activity,
    History,
    LicenseUsage,
    Onboarding,
    OnboardingCreate,
    ONBOARDING_OPEN,
    Opportunity,
    Task,
)


def team_snapshot(account: Account) -> str:
    """The account team as it is now; kept on the onboarding even when the account's team changes."""
    team = [
        {"role": role, "name": name}
        for role, name in (("csm", account.csm), ("sa", account.sa), ("owner", account.owner))
        if name
    ]
    return json.dumps(team, ensure_ascii=False)


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


def team_sql():
    """`team_snapshot` in SQL: the same JSON text, built from the account's CSM, SA and owner."""
    def member(role: str, column):
        present = column.is_not(None) & (column != "")
        return case((present, literal(f'{{"role": "{role}", "name": ') + json_text(column) + literal("}, ")),
                    else_=literal(""))

    members = member("csm", Account.csm) + member("sa", Account.sa) + member("owner", Account.owner)
    return literal("[") + func.rtrim(members, ", ") + literal("]")


def create_pending_onboardings_bulk(session: Session, *, actor: str, account_ids: list[int] | None = None,
                                    where=None) -> dict[int, int]:
    """Set-based twin of create_pending_onboarding (INSERT ... SELECT, history likewise) for the accounts
    given by id or by a condition on the account table; returns {account_id: onboarding_id}."""
    stamp = now()
    table = Onboarding.__table__
    stamp_type = table.c.created_at.type

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
    conditions = [where] if where is not None else [Account.id.in_(account_ids[i:i + 2000])
                                                    for i in range(0, len(account_ids or []), 2000)]
    before = session.scalar(select(func.coalesce(func.max(Onboarding.id), 0)))
    conn = session.connection()
    for condition in conditions:
        conn.execute(insert(table).from_select(
            ["account_id", "opportunity_id", "owner", "team", "status", "purchase_date", "created_at", "updated_at"],
            select(Account.id, latest(Opportunity.id), Account.csm, team_sql(), literal("not-started"),
                   latest(Opportunity.close_date), literal(stamp, stamp_type), literal(stamp, stamp_type))
            .where(condition, ~has_open).order_by(Account.id)))
    created = dict(conn.execute(select(Onboarding.account_id, Onboarding.id).where(Onboarding.id > before)).all())
    if created:
        record_created_bulk(session, table, entity="onboarding", after=before, actor=actor,
                            snapshot='{"status": "not-started"}')
    return created


def record_created_bulk(session: Session, table, *, entity: str, after: int, actor: str, snapshot: str,
                        account_of=None) -> None:
    """One `(created)` history row for every row of `table` with an id above `after`: one INSERT ... SELECT."""
    h = History.__table__
    account = account_of if account_of is not None else (table.c.account_id if "account_id" in table.c else table.c.id)
    session.connection().execute(insert(h).from_select(
        ["at", "actor", "entity", "entity_id", "account_id", "field", "old", "new"],
        select(literal(now(), h.c.at.type), literal(actor), literal(entity), table.c.id, account,
               literal("(created)"), null(), literal(snapshot)).where(table.c.id > after).order_by(table.c.id)))


def find_onboarding(session: Session, ref: str, *, open_only: bool = False) -> Onboarding:
    """By onboarding id (digits), or by account name: its open onboarding, else its latest one (for a write)."""
    from cstool.queries.onboarding import onboarding_row

    return session.get(Onboarding, onboarding_row(session, ref, open_only=open_only).id)


def _dates_of(o: Onboarding) -> dict[str, date | None]:
    return {k: getattr(o, k) for k in rules.DATE_FIELDS}


def _apply(session: Session, o: Onboarding, values: dict, *, actor: str, options: dict | None = None) -> dict:
    """Check the dates as they would be (named as the command's options), then write the changes with history."""
    future = {**_dates_of(o), **{k: v for k, v in values.items() if k in rules.DATE_FIELDS}}
    rules.check_dates(future, today=clock_today(), options=options)
    return apply_changes(session, o, values, actor=actor, entity="onboarding")


def _renewal_date(session: Session, o: Onboarding) -> date | None:
    return session.scalar(select(Account.renewal_date).where(Account.id == o.account_id))


def _reschedule_playbook(session: Session, o: Onboarding, *, actor: str) -> None:
    """Open playbook tasks follow a changed start date (renewal check-ins stay on the renewal date), and so do
    the ones a back-dated start skipped: a step whose window has not passed on the new dates opens again."""
    from cstool.domain import tasks as task_rules

    plan = {t["kind"]: t for t in rules.playbook_tasks(o.start_date, _renewal_date(session, o))}
    for task in session.scalars(
        select(Task).where(Task.onboarding_id == o.id, Task.source == task_rules.SOURCE_PLAYBOOK,
                           (Task.status == "open") | ((Task.status == "skipped")
                                                      & (Task.closed_reason == task_rules.BACKDATED_REASON)))
    ):
        step = plan.get(task.kind)
        if step:
            task.due_date, task.window_end_date = step["due_date"], step["window_end_date"]
            if task.status == "skipped" and not task_rules.window_passed(task.due_date, task.window_end_date,
                                                                         today=clock_today()):
                record_changes(session, actor=actor, entity="task", entity_id=task.id, account_id=task.account_id,
                               changes={"status": ("skipped", "open"), "closed_reason": (task.closed_reason, None)})
                task.status, task.closed_reason = "open", None


def start_onboarding(
    session: Session, *, ref: str, actor: str, start: str | None = None, purchase: str | None = None,
    csm: str | None = None,
) -> tuple[Onboarding, list[str]]:
    account = find_account(session, ref)
    events: list[str] = []
    start_date = parse_date(start, field="date") if start else clock_today()
    purchase_date = parse_date(purchase, field="purchase-date") if purchase else None
    owner = f.text("csm", csm, max_len=200) if csm else account.csm
    o = open_onboarding(session, account.id)
    if o is not None and not rules.can_start(o.status, o.start_date):
        raise Conflict(
            f"onboarding: {account.name} already has an open onboarding (#{o.id}, {o.status}, started "
            f"{iso(o.start_date)}); one open onboarding per account."
        )
    if o is None:
        o = create_pending_onboarding(session, account=account, actor=actor)
        events.append(f"Created onboarding #{o.id} for {account.name}.")
    if purchase_date is None and o.purchase_date is None:
        opp = latest_closed_won(session, account.id)
        if opp is not None:
            purchase_date = opp.close_date
            if o.opportunity_id is None:
                _apply(session, o, {"opportunity_id": opp.id}, actor=actor)
    values = {"status": "in-progress", "start_date": start_date, "owner": owner}
    if purchase_date is not None:
        values["purchase_date"] = purchase_date
    snapshot = json.loads(team_snapshot(account))
    if owner:
        snapshot = [m for m in snapshot if m["role"] != "csm"] + [{"role": "csm", "name": owner}]
        snapshot.sort(key=lambda m: ("csm", "sa", "owner").index(m["role"]))
    values["team"] = json.dumps(snapshot, ensure_ascii=False)
    _apply(session, o, values, actor=actor)
    session.flush()
    from cstool.services.tasks import create_playbook

    opened, skipped = create_playbook(session, [(o.id, o.account_id, o.start_date, owner)], actor=actor)[o.id]
    events.append(f"Started onboarding #{o.id} for {account.name} on {iso(start_date)}; {opened + skipped} playbook "
                  "tasks created" + (f", {skipped} of them skipped (window passed before the start was recorded)."
                                     if skipped else "."))
    events += refresh_first_engagement(session, account_ids=[account.id], actor=actor)
    if o.purchase_date is None:
        events.append(f"warning: {account.name} has no purchase date (no closed-won opportunity); TTFV needs one "
                      "(--purchase-date).")
    return o, events


ONBOARDING_OPTIONS = {
    "purchase_date": "purchase-date",
    "start_date": "date",
    "first_engaged_date": "first-engaged",
    "infra_ready_date": "infra-ready",
    "first_value_date": "first-value",
}


def parse_update(raw: dict) -> dict:
    values: dict = {}
    for key, option in ONBOARDING_OPTIONS.items():
        if raw.get(key) is not None:
            values[key] = None if str(raw[key]).strip() == "" else parse_date(raw[key], field=option)
    if raw.get("owner") is not None:
        values["owner"] = f.text("csm", raw["owner"], max_len=200)
    if raw.get("greenfield") is not None:
        values["greenfield"] = bool(raw["greenfield"])
    for key, option, limit in (("notes", "notes", 4000), ("challenges", "challenges", 4000)):
        if raw.get(key) is not None:
            values[key] = f.text(option, raw[key], max_len=limit)
    if raw.get("success_plan_url") is not None:
        values["success_plan_url"] = f.url("success-plan", raw["success_plan_url"])
    return values


def update_onboarding(session: Session, *, ref: str, raw: dict, actor: str) -> tuple[Onboarding, list[str]]:
    o = find_onboarding(session, ref)
    values = parse_update(raw)
    if "start_date" in values and values["start_date"] is None and o.status != "not-started":
        raise f.InvalidValue("date", "", "a started onboarding keeps its start date; give a date")
    if "first_engaged_date" in values:  # a date typed by hand wins and stays; "" hands it back to the timeline
        values["first_engaged_source"] = "manual" if values["first_engaged_date"] is not None else None
    changes = _apply(session, o, values, actor=actor)
    events = [f"Onboarding #{o.id}: " + (", ".join(f"{k} {iso(v[1]) if isinstance(v[1], date) else v[1]}"
                                                    for k, v in changes.items()) if changes else "nothing to change") + "."]
    if "start_date" in changes and o.start_date is not None:
        _reschedule_playbook(session, o, actor=actor)
    if "owner" in changes:
        from cstool.services.tasks import follow_onboarding_csm_changes

        events += follow_onboarding_csm_changes(session, [(o.id, *changes["owner"])], actor=actor)
    events += refresh_first_engagement(session, account_ids=[o.account_id], actor=actor)
    return o, events


def record_usage(
    session: Session, *, ref: str, licenses: int, active: int, on: str | None, actor: str
) -> tuple[dict, list[str]]:
    o = find_onboarding(session, ref)
    lic = f.non_negative_int("licenses", licenses)
    act = f.non_negative_int("active", active)
    rules.check_usage(lic, act)
    when = parse_date(on, field="date") if on else clock_today()
    not_after_tomorrow("date", when, today=clock_today())
    snapshot = LicenseUsage(onboarding_id=o.id, on_date=when, licenses=lic, active=act, created_at=now())
    session.add(snapshot)
    session.flush()
    record_created(session, actor=actor, entity="license_usage", entity_id=snapshot.id, account_id=o.account_id,
                   values={"onboarding_id": o.id, "date": when, "licenses": lic, "active": act})
    threshold = get_setting(session, "first-value-threshold")
    events = [f"Recorded usage for onboarding #{o.id}: {act}/{lic} active ({100 * act / lic:.1f}%) on {iso(when)}."]
    if o.first_value_date is None and rules.reaches_first_value(lic, act, threshold):
        _apply(session, o, {"first_value_date": when}, actor=actor)
        events.append(f"First value reached (>= {threshold}% active): first-value date set to {iso(when)}.")
    record_changes(session, actor=actor, entity="onboarding", entity_id=o.id, account_id=o.account_id,
                   changes={"license_usage": (None, f"{act}/{lic} on {iso(when)}")})
    return {"id": snapshot.id, "onboarding_id": o.id, "date": iso(when), "licenses": lic, "active": act,
            "active_pct": f.round1(100 * act / lic)}, events


def find_usage(session: Session, ident: str) -> LicenseUsage:
    from cstool.services.history import child_by_id

    return child_by_id(session, LicenseUsage, ident, entity="license_usage", label="usage", noun="usage snapshot",
                       listing="cstool onboarding usage-list REF")


def _first_value_follows(session: Session, o: Onboarding, was_source: bool, *, actor: str) -> list[str]:
    """First value follows the snapshots when it came from one (or is empty): the earliest remaining snapshot
    at or above the threshold setting, else none. A first-value date typed by hand on another day stays."""
    if not was_source and o.first_value_date is not None:
        return []
    threshold = get_setting(session, "first-value-threshold")
    snapshots = session.execute(select(LicenseUsage.on_date, LicenseUsage.licenses, LicenseUsage.active)
                                .where(LicenseUsage.onboarding_id == o.id)).all()
    when = rules.first_value_from([tuple(s) for s in snapshots], threshold)
    if when == o.first_value_date:
        return []
    _apply(session, o, {"first_value_date": when}, actor=actor)
    return [f"First value follows the usage snapshots (>= {threshold}% active): first-value date "
            f"{iso(when) if when else 'cleared'}."]


def _was_source(session: Session, o: Onboarding, s: LicenseUsage) -> bool:
    threshold = get_setting(session, "first-value-threshold")
    return o.first_value_date == s.on_date and rules.reaches_first_value(s.licenses, s.active, threshold)


def update_usage(session: Session, *, ident: str, licenses: str | None, active: str | None, on: str | None,
                 actor: str) -> tuple[dict, list[str]]:
    """Correct a usage snapshot (a typo in a count or the day); first value follows when it came from usage."""
    s = find_usage(session, ident)
    o = session.get(Onboarding, s.onboarding_id)
    if licenses is None and active is None and on is None:
        raise f.InvalidValue("id", ident, "give --licenses, --active or --date to change")
    values = {"licenses": f.non_negative_int("licenses", licenses) if licenses is not None else s.licenses,
              "active": f.non_negative_int("active", active) if active is not None else s.active,
              "on_date": not_after_tomorrow("date", parse_date(on, field="date"), today=clock_today())
              if on is not None else s.on_date}
    rules.check_usage(values["licenses"], values["active"])
    source = _was_source(session, o, s)
    changes = {k: (getattr(s, k), v) for k, v in values.items() if getattr(s, k) != v}
    for k, (_, v) in changes.items():
        setattr(s, k, v)
    session.flush()
    record_changes(session, actor=actor, entity="license_usage", entity_id=s.id, account_id=o.account_id,
                   changes={("date" if k == "on_date" else k): v for k, v in changes.items()})
    from cstool.queries.onboarding import usage_record

    events = [f"Usage snapshot {s.id}: " + (", ".join("date" if k == "on_date" else k for k in changes) + " changed"
                                             if changes else "nothing to change") + "."]
    return usage_record(s), events + _first_value_follows(session, o, source, actor=actor)


def remove_usage(session: Session, *, ident: str, actor: str) -> tuple[dict, list[str]]:
    """Remove a usage snapshot (its history stays: `history usage:ID`); first value follows when it came from it."""
    from cstool.queries.onboarding import usage_record

    s = find_usage(session, ident)
    o = session.get(Onboarding, s.onboarding_id)
    record = usage_record(s)
    source = _was_source(session, o, s)
    shown = f"{s.active}/{s.licenses} on {iso(s.on_date)}"
    remove_with_trail(session, s, entity="license_usage", shown=shown, parent=("onboarding", o.id),
                      parent_field="license_usage_removed", account_id=o.account_id, actor=actor)
    return record, [f"Removed usage snapshot {record['id']} ({shown}) from onboarding #{o.id}."] + \
        _first_value_follows(session, o, source, actor=actor)


def hold_onboarding(session: Session, *, ref: str, reason: str, cause: str, actor: str) -> tuple[Onboarding, list[str]]:
    o = find_onboarding(session, ref, open_only=True)
    if o.status == "on-hold":
        raise Conflict(f"onboarding: #{o.id} is already on hold ({o.delay_reason}).")
    text = f.text("reason", reason, max_len=2000, required=True)
    delay_cause = f.choice("cause", cause, rules.DELAY_CAUSES)
    _apply(session, o, {"status": "on-hold", "delay_reason": text, "delay_cause": delay_cause}, actor=actor)
    events = [f"Onboarding #{o.id} is on hold ({delay_cause}: {text})."]
    if delay_cause == "customer":
        account = session.get(Account, o.account_id)
        health = f.at_least_health(account.health, "yellow")
        if health != account.health:
            record_changes(session, actor=actor, entity="account", entity_id=account.id, account_id=account.id,
                           changes={"health": (account.health, health)})
            account.health, account.updated_at = health, now()
            events.append(f"{account.name} is at risk: health set to {health} (customer-caused delay).")
    return o, events


def resume_onboarding(session: Session, *, ref: str, actor: str) -> tuple[Onboarding, list[str]]:
    o = find_onboarding(session, ref, open_only=True)
    if o.status != "on-hold":
        raise Conflict(f"onboarding: #{o.id} is {o.status}, not on hold.")
    before = session.scalar(select(History.old).where(
        History.entity == "onboarding", History.entity_id == o.id, History.field == "status",
        History.new == "on-hold").order_by(History.at.desc(), History.id.desc()).limit(1))
    status = rules.resumed_status(before, o.start_date)
    _apply(session, o, {"status": status}, actor=actor)
    return o, [f"Onboarding #{o.id} resumed: {status}."]


def complete_onboarding(
    session: Session, *, ref: str, actor: str, finish: str | None, survey_sent: bool | None,
    survey_received: bool | None, score: int | None,
) -> tuple[Onboarding, list[str]]:
    rules.completion_fields(survey_sent, survey_received, score)
    o = find_onboarding(session, ref, open_only=True)
    finish_date = parse_date(finish, field="date") if finish else clock_today()
    if o.start_date is None:
        raise Conflict(f"onboarding: #{o.id} was never started (no start date); start it first.")
    _apply(session, o, {"status": "completed", "finish_date": finish_date, "survey_sent": survey_sent,
                        "survey_received": survey_received, "experience_score": rules.experience_score(score)},
           actor=actor, options={"finish_date": "date"})
    tto = (finish_date - o.start_date).days
    from cstool.services.tasks import end_onboarding_phase

    events = [f"Completed onboarding #{o.id} on {iso(finish_date)} (TTO {tto} days).",
              *end_onboarding_phase(session, [o.id], actor=actor)]
    return o, events + refresh_first_engagement(session, account_ids=[o.account_id], actor=actor)


def refresh_first_engagement(session: Session, *, account_ids, actor: str) -> list[str]:
    """First engagement comes from the timeline (SPEC section 5), for every onboarding of these accounts: the
    earliest call or meeting inside its engagement window (``rules.engagement_window_opens``), unless the date was
    set by hand (``first_engaged_source`` manual).  Only started onboardings are measured (a not-started placeholder
    stays untouched until it starts).  The one implementation of the rule: every command that can move the date
    calls it with its account, every import with all of the file's; returns one line per changed onboarding."""
    from sqlalchemy import bindparam, update

    from cstool.domain.ttv import tte

    session.flush()
    ob, act = Onboarding.__table__.c, Activity.__table__.c
    ids = sorted({int(a) for a in account_ids if a is not None})
    changes: list[dict] = []
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        by_account: dict[int, list] = {}
        for row in session.execute(
            select(ob.id, ob.account_id, ob.start_date, ob.purchase_date, ob.finish_date, ob.first_engaged_date,
                   ob.first_engaged_source).where(ob.account_id.in_(chunk)).order_by(ob.id)
        ).all():
            by_account.setdefault(row.account_id, []).append(row)
        dates: dict[int, list] = {}
        for aid, day in session.execute(
            select(act.account_id, act.on_date).where(act.account_id.in_(chunk), act.type.in_(rules.ENGAGING_TYPES))
            .group_by(act.account_id, act.on_date)
        ).all():
            dates.setdefault(aid, []).append(day)
        for aid, rows in by_account.items():
            for o in rows:
                if o.first_engaged_source == "manual" or o.start_date is None:
                    continue
                opens = rules.engagement_window_opens(
                    purchase=o.purchase_date, start=o.start_date,
                    previous_finish=rules.previous_finish(((x.start_date, x.finish_date) for x in rows if x.id != o.id),
                                                          start=o.start_date))
                found = rules.first_engagement(dates.get(aid, ()), opens=opens)
                source = "timeline" if found is not None else None
                if (found, source) != (o.first_engaged_date, o.first_engaged_source):
                    changes.append({"oid": o.id, "account_id": aid, "old": o.first_engaged_date, "new": found,
                                    "old_source": o.first_engaged_source, "source": source, "start": o.start_date})
    if not changes:
        return []
    table = Onboarding.__table__
    stamp = now()
    session.execute(update(table).where(table.c.id == bindparam("oid")).values(
        first_engaged_date=bindparam("new"), first_engaged_source=bindparam("source"), updated_at=stamp),
        [{"oid": c["oid"], "new": c["new"], "source": c["source"]} for c in changes])
    history = []
    for c in changes:
        if c["old"] != c["new"]:
            history.append((c["oid"], c["account_id"], "first_engaged_date", c["old"], c["new"]))
        if c["old_source"] != c["source"]:
            history.append((c["oid"], c["account_id"], "first_engaged_source", c["old_source"], c["source"]))
    from cstool.services.history import bulk_rows

    rows = bulk_rows(actor=actor, entity="onboarding", changes=history)
    for i in range(0, len(rows), 5000):
        session.execute(insert(History.__table__), rows[i:i + 5000])
    changed = {c["oid"] for c in changes}
    for obj in list(session.identity_map.values()):  # ORM copies of these rows read the new values
        if isinstance(obj, Onboarding) and obj.id in changed:
            session.expire(obj)
    return [f"Onboarding #{c['oid']}: first-engaged date {iso(c['new'])} from the timeline "
            f"(TTE {tte(c['start'], c['new'])} days)." if c["new"] is not None else
            f"Onboarding #{c['oid']}: no call or meeting in its engagement window; first-engaged date cleared."
            for c in changes]
