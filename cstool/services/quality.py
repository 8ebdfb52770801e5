"""`cstool check`: what a reviewer would flag, each finding with its record and rule.

Every rule is one query over indexed columns (or a scan of one table), so a
nightly cron run stays cheap on a large store.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from cstool.clock import today
from cstool.domain.fields import slack_problem
from cstool.domain.onboarding import PLACEHOLDER_EMPTY, PURCHASE_SLACK_DAYS
from cstool.domain.pse import ACTIVE_STATUSES, STALE_AFTER_DAYS, as_hours, stale_on_or_before
from cstool.services.gemstones import rank_sql
from cstool.services.records import iso
from cstool.domain.plans import PAST_ONBOARDING_STAGES
from cstool.storage.models import Account, Contact, Ebr, Objective, Onboarding, Pov, Pse, PseTimeEntry

RULES = {
    "dates-out-of-order": "milestone dates contradict each other",
    "date-in-future": "a milestone date later than tomorrow",
    "survey-missing": "completed onboarding without its survey fields",
    "placeholder-beside-completed": "untouched placeholder onboarding on an account that has a completed one",
    "ebr-date-passed": "scheduled EBR whose date has passed",
    "pse-over-budget": "engagement consumed more hours than scoped",
    "pov-past-planned-end": "POV still in progress after its planned end",
    "plan-missing": "account past onboarding with no success-plan objective",
    "plan-primaries": "account with more than one primary objective",
    "health-mismatch": "recorded health green while the computed health is red",
    "no-gitlab-admin": "open onboarding whose account has no contact flagged GitLab admin",
    "pse-stale-hours": f"active engagement with no hours update for {STALE_AFTER_DAYS} days",
    "no-csm": "account of gemstone ruby or above with no CSM",
    "slack-convention": "Slack channel off the #a_<customer-name>-internal convention",
    "gemstone-stale": "stored gemstone differs from its users, plan and iACV",
}


def _finding(rule: str, entity: str, entity_id: int, account: str | None, detail: str) -> dict:
    return {"rule": rule, "entity": entity, "entity_id": entity_id, "account": account, "detail": detail}


def run_checks(session: Session) -> list[dict]:
    now_day = today()
    tomorrow = now_day + timedelta(days=1)
    out: list[dict] = []
    active = Account.archived_at.is_(None)

    o = Onboarding
    slack = timedelta(days=PURCHASE_SLACK_DAYS)
    for ob, name in session.execute(
        select(o, Account.name).join(Account, Account.id == o.account_id).where(active, or_(
            and_(o.finish_date.is_not(None), o.start_date.is_not(None), o.finish_date < o.start_date),
            *[and_(col.is_not(None), o.purchase_date.is_not(None), col < o.purchase_date - slack)
              for col in (o.first_engaged_date, o.infra_ready_date, o.finish_date)],
            *[col > tomorrow for col in (o.purchase_date, o.start_date, o.first_engaged_date, o.infra_ready_date,
                                         o.first_value_date, o.finish_date)],
        )).order_by(o.id)
    ).all():
        dates = {k: getattr(ob, k) for k in ("purchase_date", "start_date", "first_engaged_date", "infra_ready_date",
                                             "first_value_date", "finish_date")}
        future = [k for k, d in dates.items() if d is not None and d > tomorrow]
        if future:
            out.append(_finding("date-in-future", "onboarding", ob.id, name,
                                ", ".join(f"{k} {iso(dates[k])}" for k in future)))
        if (ob.finish_date and ob.start_date and ob.finish_date < ob.start_date) or any(
                d is not None and ob.purchase_date is not None and d < ob.purchase_date - slack
                for d in (ob.first_engaged_date, ob.infra_ready_date, ob.finish_date)):
            out.append(_finding("dates-out-of-order", "onboarding", ob.id, name,
                                f"start {iso(ob.start_date)}, finish {iso(ob.finish_date)}, purchase "
                                f"{iso(ob.purchase_date)}"))
    for ob_id, name in session.execute(
        select(o.id, Account.name).join(Account, Account.id == o.account_id).where(
            active, o.status == "completed",
            or_(o.survey_sent.is_(None), o.survey_received.is_(None), o.experience_score.is_(None)))
        .order_by(o.id)
    ).all():
        out.append(_finding("survey-missing", "onboarding", ob_id, name,
                            "completed without survey sent, survey received or experience score"))

    done = aliased(Onboarding)
    for ob_id, name in session.execute(
        select(o.id, Account.name).join(Account, Account.id == o.account_id).where(
            active, o.status == "not-started", *[getattr(o, k).is_(None) for k in PLACEHOLDER_EMPTY],
            exists().where(done.account_id == o.account_id, done.status == "completed"))
        .order_by(o.id)
    ).all():
        out.append(_finding("placeholder-beside-completed", "onboarding", ob_id, name,
                            "an untouched not-started onboarding beside a completed one: start it, or fill it by "
                            "importing the onboarding it stands for"))

    for p_id, p_name, planned, p_owner, name in session.execute(
        select(Pov.id, Pov.name, Pov.planned_end_date, Pov.owner, Account.name)
        .join(Account, Account.id == Pov.account_id)
        .where(active, Pov.status == "in-progress", Pov.planned_end_date < now_day).order_by(Pov.id)
    ).all():
        out.append(_finding("pov-past-planned-end", "pov", p_id, name,
                            f"'{p_name}' ({p_owner or 'no owner'}) was planned to end {iso(planned)}: close it or "
                            "update --planned-end"))

    past_onboarding = or_(Account.lifecycle_stage.in_(PAST_ONBOARDING_STAGES),
                          exists().where(Onboarding.account_id == Account.id, Onboarding.status == "completed"))
    for a_id, name, stage in session.execute(
        select(Account.id, Account.name, Account.lifecycle_stage).where(
            active, past_onboarding, ~exists().where(Objective.account_id == Account.id)).order_by(Account.name_key)
    ).all():
        out.append(_finding("plan-missing", "account", a_id, name,
                            f"{'stage ' + stage if stage in PAST_ONBOARDING_STAGES else 'onboarding completed'}, "
                            "no objectives: add them with `cstool plan add`"))
    for a_id, name, n in session.execute(
        select(Account.id, Account.name, func.count()).join(Objective, Objective.account_id == Account.id)
        .where(active, Objective.is_primary.is_(True)).group_by(Account.id, Account.name).having(func.count() > 1)
        .order_by(Account.name)
    ).all():
        out.append(_finding("plan-primaries", "account", a_id, name,
                            f"{n} primary objectives; keep one (`cstool plan update ID --no-primary`)"))

    for ob_id, name in session.execute(
        select(o.id, Account.name).join(Account, Account.id == o.account_id).where(
            active, o.status.in_(("scheduled", "in-progress", "on-hold")),
            ~exists().where(Contact.account_id == o.account_id, Contact.gitlab_admin.is_(True)))
        .order_by(Account.name_key)
    ).all():
        out.append(_finding("no-gitlab-admin", "onboarding", ob_id, name,
                            "no contact is flagged GitLab admin, so the enablement emails have nobody to go to "
                            "(contact update ID --gitlab-admin)"))

    from cstool.queries.health import cards

    for card in cards(session):
        if card["recorded_health"] == "green" and card["colour"] == "red":
            out.append(_finding("health-mismatch", "account", card["account_id"], card["account"],
                                f"recorded green, computed {card['score']} (red): "
                                + "; ".join(m["reason"] for m in card["measures"] if m["colour"] == "red")))

    for e_id, e_name, on, name in session.execute(
        select(Ebr.id, Ebr.name, Ebr.on_date, Account.name).join(Account, Account.id == Ebr.account_id)
        .where(active, Ebr.status == "scheduled", Ebr.on_date < now_day).order_by(Ebr.on_date, Ebr.id)
    ).all():
        out.append(_finding("ebr-date-passed", "ebr", e_id, name,
                            f"'{e_name}' was scheduled for {iso(on)}; complete, cancel, decline or reschedule it"))

    spent = select(PseTimeEntry.pse_id, func.sum(PseTimeEntry.centihours).label("spent")) \
        .group_by(PseTimeEntry.pse_id).subquery()
    for p_id, p_name, scoped, used, name in session.execute(
        select(Pse.id, Pse.name, Pse.scoped_centihours, spent.c.spent, Account.name)
        .join(spent, spent.c.pse_id == Pse.id).join(Account, Account.id == Pse.account_id)
        .where(active, Pse.scoped_centihours.is_not(None), spent.c.spent > Pse.scoped_centihours).order_by(Pse.id)
    ).all():
        out.append(_finding("pse-over-budget", "pse", p_id, name,
                            f"'{p_name}': {as_hours(used)} h consumed of {as_hours(scoped)} h scoped"))
    stale_by = stale_on_or_before(now_day)
    for p_id, p_name, updated, name in session.execute(
        select(Pse.id, Pse.name, Pse.hours_updated_date, Account.name).join(Account, Account.id == Pse.account_id)
        .where(active, Pse.status.in_(ACTIVE_STATUSES),
               or_(Pse.hours_updated_date.is_(None), Pse.hours_updated_date <= stale_by)).order_by(Pse.id)
    ).all():
        out.append(_finding("pse-stale-hours", "pse", p_id, name,
                            f"'{p_name}': hours last updated {iso(updated) or 'never'}"))

    for a_id, name, gem in session.execute(
        select(Account.id, Account.name, Account.gemstone).where(
            active, Account.gemstone_rank <= 4, or_(Account.csm.is_(None), Account.csm == ""))
        .order_by(Account.gemstone_rank, Account.name_key)
    ).all():
        out.append(_finding("no-csm", "account", a_id, name, f"{gem} account without a CSM"))
    for a_id, name, channel in session.execute(
        select(Account.id, Account.name, Account.slack_channel).where(active, Account.slack_channel.is_not(None))
        .order_by(Account.name_key)
    ).all():
        problem = slack_problem(channel)
        if problem:
            out.append(_finding("slack-convention", "account", a_id, name, problem))
    computed = rank_sql()
    for a_id, name, gem, rank, new_rank in session.execute(
        select(Account.id, Account.name, Account.gemstone, Account.gemstone_rank, computed)
        .where(active, Account.gemstone_rank != computed).order_by(Account.name_key)
    ).all():
        out.append(_finding("gemstone-stale", "account", a_id, name,
                            f"stored {gem or 'none'} (rank {rank}) but its inputs give rank {new_rank}; "
                            "run `cstool gemstone recalc`"))
    return out
