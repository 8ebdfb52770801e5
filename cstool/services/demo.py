"""A realistic demo store, generated with a fixed seed through the domain rules.

About 200 accounts over the six fiscal quarters that end with the current one:
every gemstone, onboardings in every state (with a few missing dates, as real
data has), contacts, opportunities, activities, playbook tasks and license
usage.  Rows go in with set-based inserts, a table at a time.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Callable

from sqlalchemy import func, insert, select
from sqlmodel import Session

from cstool.clock import now
from cstool.domain import gemstones
from cstool.domain.fiscal import quarter_of
from cstool.domain.onboarding import ENGAGEMENT_LOOKBACK_DAYS, check_dates, playbook_tasks
from cstool.domain.text import name_key
from cstool.errors import Conflict
from cstool.services.settings import get_setting
from cstool.storage.many import among
from cstool.storage.models import (
    Account, Activity, Contact, Ebr, History, LicenseUsage, Objective, Onboarding, Opportunity, Pov, Pse, PseTimeEntry,
    Task,
)

SEED = 2027
FIRST = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne",
         "Soylent", "Oscorp", "Vandelay", "Gringotts", "Aperture", "Black Mesa", "Dunder", "Pied Piper",
         "Monarch", "Nakatomi"]
SECOND = ["Labs", "Industries", "Systems", "Logistics", "Health", "Bank", "Foods", "Media", "Energy", "Robotics"]
CSMS = ["Ann Lee", "Bob Ortiz", "Chen Wei", "Dana Kim", "Eli Novak", "Fatima Noor"]
SAS = ["Sam Reed", "Tara Fox", "Uma Das"]
AES = ["Victor Hale", "Wendy Park", "Xavier Cruz", "Yara Haddad"]
CONTACT_FIRST = ["Alex", "Blair", "Casey", "Drew", "Emery", "Finley", "Gray", "Harper", "Indy", "Jordan"]
CONTACT_LAST = ["Smith", "Garcia", "Müller", "O'Brien", "Tanaka", "Kowalski", "Dubois", "Okafor"]
TITLES = ["CTO", "VP Engineering", "DevOps Lead", "Platform Manager", "Head of Security"]
SUBJECTS = ["Cadence call", "Roadmap review", "Support escalation", "Training follow-up", "Usage review",
            "Renewal planning", "Feature request", "Architecture review"]
HOLD_REASONS = [("Customer security review pending", "customer"), ("Waiting on customer hardware", "customer"),
                ("Migration tooling issue", "gitlab")]


def _slug(name: str) -> str:
    return "-".join("".join(ch for ch in part.lower() if ch.isalnum()) for part in name.split())


def build_demo(session: Session, *, actor: str, accounts: int = 200, today: date,
               progress: Callable[[str, int], None] | None = None) -> dict:
    """Fill an empty store; returns counts per table."""
    if session.scalar(select(func.count()).select_from(Account)):
        raise Conflict("demo: the store already holds accounts; give an empty store (--db NEW.db).")
    rng = random.Random(SEED)
    step = progress or (lambda _label, _n: None)
    start_month = get_setting(session, "fiscal-year-start")
    window_start = quarter_of(today, start_month).shift(-5).start
    span = (today - window_start).days
    stamp = now()

    # --- accounts ----------------------------------------------------------------
    names = [f"{a} {b}" for a in FIRST for b in SECOND]
    rng.shuffle(names)
    account_rows = []
    for name in names[:accounts]:
        tier = rng.random()
        if tier < 0.08:
            users, iacv = rng.randint(5001, 20000), rng.randint(400_000, 1_500_000)
        elif tier < 0.2:
            users, iacv = rng.randint(2501, 5000), rng.randint(150_000, 500_000)
        elif tier < 0.45:
            users, iacv = rng.randint(1001, 2500), rng.randint(60_000, 250_000)
        elif tier < 0.8:
            users, iacv = rng.randint(501, 1000), rng.randint(30_000, 100_000)
        elif tier < 0.97:
            users, iacv = rng.randint(10, 500), rng.randint(1_000, 50_000)
        else:
            users, iacv = None, None
        plan = rng.choices(["premium", "ultimate", "free"], [0.55, 0.4, 0.05])[0]
        gem = gemstones.compute(users, plan, Decimal(iacv) if iacv is not None else None)
        segment = ("strategic" if gem.rank <= 1 else "large" if gem.rank <= 3 else
                   rng.choice(["mid-market", "smb"]))
        account_rows.append({
            "name": name, "name_key": name_key(name), "segment": segment, "plan": plan, "users": users,
            "iacv_cents": iacv * 100 if iacv is not None else None, "gemstone": gem.name,
            "gemstone_rank": gem.rank, "health": rng.choices(["green", "yellow", "red"], [0.7, 0.2, 0.1])[0],
            "csm_sentiment": rng.choices(["green", "yellow", "red"], [0.65, 0.25, 0.1])[0],
            "csm": rng.choice(CSMS) if gem.rank <= 4 else None, "sa": rng.choice(SAS), "owner": rng.choice(AES),
            "cs_project_url": f"https://gitlab.example.com/cs/{_slug(name)}",
            "slack_channel": f"#a_{_slug(name)}-internal", "domains": f"{_slug(name)}.example",
            "lifecycle_stage": "onboarding", "ebr_cadence": rng.choice(["quarterly", "semiannual", "annual"]),
            "created_at": stamp, "updated_at": stamp,
        })
    ids = session.scalars(insert(Account).returning(Account.id, sort_by_parameter_order=True), account_rows).all()
    accounts_by_id = dict(zip(ids, account_rows))
    session.execute(insert(History), [
        {"at": stamp, "actor": actor, "entity": "account", "entity_id": aid, "account_id": aid,
         "field": "(created)", "old": None, "new": json.dumps({"source": "demo"})} for aid in ids
    ])
    step("accounts", len(ids))

    # --- contacts and opportunities ---------------------------------------------------------
    contacts, opps, opp_keys = [], [], []
    for aid, acc in accounts_by_id.items():
        for n in range(rng.randint(1, 3)):
            first, last = rng.choice(CONTACT_FIRST), rng.choice(CONTACT_LAST)
            title = rng.choice(TITLES)  # (the seeded draws keep their order: the demo stays the same store)
            # customers being onboarded (ruby and above) name a GitLab admin: the enablement emails go there
            admin = rng.random() < 0.3 or (n == 0 and acc["gemstone_rank"] <= 4)
            contacts.append({"account_id": aid, "name": f"{first} {last}", "title": title,
                             "email": f"{first.lower()}@{_slug(acc['name'])}.example", "gitlab_admin": admin})
        if acc["gemstone_rank"] <= 4:
            purchase = window_start + timedelta(days=rng.randint(-30, max(1, span - 3)))
            opps.append({"account_id": aid, "name": f"{acc['name']} subscription", "stage": "closed-won",
                         "close_date": purchase, "amount_cents": acc["iacv_cents"], "iacv_cents": acc["iacv_cents"],
                         "type": "new"})
            opp_keys.append(aid)
        if rng.random() < 0.3:
            opps.append({"account_id": aid, "name": f"{acc['name']} expansion",
                         "stage": rng.choice(["discovery", "scoping", "proposal", "negotiating"]),
                         "close_date": today + timedelta(days=rng.randint(10, 120)),
                         "amount_cents": rng.randint(10_000, 200_000) * 100, "iacv_cents": None, "type": "add-on"})
            opp_keys.append(None)
    # the account's iACV is its closed-won new and add-on deals of the last 365 days (SPEC section 4): a customer
    # who bought before that has a second-year expansion on the books, so its iACV stands as generated
    opens = gemstones.iacv_window_opens(today)
    for row in [o for o in opps if o["stage"] == "closed-won" and o["close_date"] < opens]:
        opps.append({**row, "name": row["name"].replace(" subscription", " second-year expansion"), "type": "add-on",
                     "close_date": row["close_date"] + timedelta(days=365)})
        opp_keys.append(None)
    session.execute(insert(Contact), contacts)
    opp_ids = session.scalars(insert(Opportunity).returning(Opportunity.id, sort_by_parameter_order=True), opps).all()
    won = {aid: (oid, row["close_date"]) for aid, oid, row in zip(opp_keys, opp_ids, opps) if aid is not None}
    step("contacts and opportunities", len(contacts) + len(opps))

    # --- onboardings ------------------------------------------------------------------------
    onboardings, meta = [], []
    for aid, (oid, purchase) in won.items():
        acc = accounts_by_id[aid]
        start = purchase + timedelta(days=rng.randint(0, 20))
        team = json.dumps([{"role": "csm", "name": acc["csm"]}, {"role": "sa", "name": acc["sa"]},
                           {"role": "owner", "name": acc["owner"]}])
        row = {"account_id": aid, "opportunity_id": oid, "owner": acc["csm"], "team": team,
               "greenfield": rng.random() < 0.4, "purchase_date": purchase, "created_at": stamp, "updated_at": stamp}
        if start > today or rng.random() < 0.05:  # not begun yet, or just qualified and waiting for a CSM
            row.update(status="scheduled" if start > today and rng.random() < 0.5 else "not-started")
            onboardings.append(row)
            meta.append(None)
            continue
        engaged = start + timedelta(days=max(-3, int(rng.gammavariate(2.0, 5.0))))
        value = purchase + timedelta(days=int(rng.gauss(28, 14)))
        finish = start + timedelta(days=max(5, int(rng.gauss(42, 14))))
        infra = start + timedelta(days=rng.randint(1, 15))
        row.update(status="in-progress", start_date=start)
        for field, d in (("first_engaged_date", engaged), ("infra_ready_date", infra), ("first_value_date", value)):
            if d <= today and rng.random() > 0.04:
                row[field] = d
        if row.get("first_engaged_date"):  # the kickoff call below is on the timeline: the date comes from there
            row["first_engaged_source"] = "timeline"
        if finish <= today and rng.random() < 0.9:
            row.update(status="completed", finish_date=finish, survey_sent=rng.random() < 0.8,
                       experience_score=rng.choices([5, 4, 3, 2, 1], [0.35, 0.35, 0.18, 0.08, 0.04])[0])
            row["survey_received"] = bool(row["survey_sent"] and rng.random() < 0.6)
        elif rng.random() < 0.25:
            reason, cause = rng.choice(HOLD_REASONS)
            row.update(status="on-hold", delay_reason=reason, delay_cause=cause)
        if rng.random() < 0.03:
            row["purchase_date"] = None  # real data has gaps; the report says what it left out
        check_dates({k: row.get(k) for k in ("purchase_date", "start_date", "first_engaged_date", "infra_ready_date",
                                             "first_value_date", "finish_date")}, today=today + timedelta(days=1))
        onboardings.append(row)
        meta.append(row)
    keys = sorted({k for r in onboardings for k in r})
    onboardings = [{k: r.get(k) for k in keys} for r in onboardings]
    ob_ids = session.scalars(insert(Onboarding).returning(Onboarding.id, sort_by_parameter_order=True), onboardings).all()
    step("onboardings", len(ob_ids))

    # --- tasks, activities, usage --------------------------------------------------------------
    tasks, activities, usage = [], [], []
    for ob_id, row in zip(ob_ids, meta):
        if row is None:
            continue
        aid = row["account_id"]
        for t in playbook_tasks(row["start_date"]):
            latest = t["window_end_date"] or t["due_date"]
            done = latest < today - timedelta(days=3) and rng.random() < 0.85
            tasks.append({**t, "account_id": aid, "onboarding_id": ob_id, "owner": row["owner"], "created_at": stamp,
                          "done_date": latest if done else None, "status": "done" if done else "open"})
        if row.get("first_engaged_date"):  # the first call, sometimes a few days before the start (TTE 0)
            activities.append({"account_id": aid, "on_date": row["first_engaged_date"],
                               "type": rng.choice(["call", "meeting"]), "subject": "Kickoff call",
                               "created_at": stamp, "actor": actor})
        if row.get("start_date"):
            licenses = max(10, (accounts_by_id[aid]["users"] or 50))
            day = row["start_date"] + timedelta(days=7)
            for pct in (0.03, 0.08, 0.15, 0.3):
                if day > today:
                    break
                usage.append({"onboarding_id": ob_id, "on_date": day, "licenses": licenses,
                              "active": int(licenses * pct * rng.uniform(0.8, 1.2)), "created_at": stamp})
                day += timedelta(days=rng.randint(7, 21))
    # before an onboarding's first call its engagement window holds only mail: the first call is the kickoff above
    quiet = {row["account_id"]: (row.get("purchase_date") or row["start_date"],
                                 row.get("first_engaged_date") or today + timedelta(days=2))
             for row in meta if row is not None}
    for aid in accounts_by_id:
        for _ in range(rng.randint(0, 6)):
            day = today - timedelta(days=rng.randint(0, span))
            kind = rng.choices(["call", "meeting", "email", "workshop"], [0.3, 0.3, 0.3, 0.1])[0]
            if aid in quiet and kind in ("call", "meeting") and \
                    quiet[aid][0] - timedelta(days=ENGAGEMENT_LOOKBACK_DAYS) <= day < quiet[aid][1]:
                kind = "email"
            activities.append({"account_id": aid, "on_date": day, "type": kind, "subject": rng.choice(SUBJECTS),
                               "created_at": stamp, "actor": actor})
    for start in range(0, len(tasks), 5000):
        session.execute(insert(Task), tasks[start:start + 5000])
    from cstool.services.tasks import end_onboarding_phase  # as `onboarding complete` does, for every completed one

    end_onboarding_phase(session, [oid for oid, row in zip(ob_ids, meta) if row is not None
                                   and row.get("status") == "completed"], actor=actor)
    session.execute(insert(Activity), activities)
    if usage:
        session.execute(insert(LicenseUsage), usage)
    step("tasks, activities and usage", len(tasks) + len(activities) + len(usage))
    # the rules the commands apply, over the whole store: first engagement from the timeline, iACV from the deals
    from cstool.services.gemstones import recalc_all
    from cstool.services.onboarding import refresh_first_engagement

    refresh_first_engagement(session, account_ids=list(accounts_by_id), actor=actor)

    # --- EBRs: one per quarter per the cadence, most held, some declined or cancelled, the next ones scheduled ---
    ebrs = []
    every = {"quarterly": 1, "semiannual": 2, "annual": 4}
    for aid, acc in accounts_by_id.items():
        if acc["gemstone_rank"] > 3:
            continue
        step_q = every[acc["ebr_cadence"]]
        q = quarter_of(window_start, start_month)
        current = quarter_of(today, start_month)
        while q <= current:
            day = q.start + timedelta(days=rng.randint(10, 75))
            name = f"{acc['name']} {q.label} EBR"
            if day >= today:
                ebrs.append({"account_id": aid, "name": name, "on_date": day, "status": "scheduled",
                             "outcome": "incomplete"})
            else:
                status = rng.choices(["completed", "declined", "cancelled"], [0.8, 0.12, 0.08])[0]
                outcome = (rng.choices(["successful", "partially-successful", "unsuccessful"], [0.6, 0.3, 0.1])[0]
                           if status == "completed" else status)
                ebrs.append({"account_id": aid, "name": name, "on_date": day, "status": status, "outcome": outcome})
            q = q.shift(step_q)
    for row in ebrs:
        row.update(notes=None, replaces_id=None, created_at=stamp, updated_at=stamp)
    if ebrs:
        session.execute(insert(Ebr), ebrs)
    step("EBRs", len(ebrs))

    # --- PSEs: a few engagements in every status; two problems planted on purpose (see PLANTED) ---
    services = [(aid, oid) for aid, (oid, _) in won.items() if accounts_by_id[aid]["gemstone_rank"] <= 2][:12]
    pses, entries = [], []
    for n, (aid, oid) in enumerate(services):
        acc = accounts_by_id[aid]
        status = ["backlog", "initiation", "in-progress", "closure", "completed"][n % 5]
        start = today - timedelta(days=rng.randint(30, 120))
        scoped = rng.choice([40, 80, 120, 200]) * 100
        row = {"account_id": aid, "opportunity_id": oid, "name": f"{acc['name']} enablement", "name_key":
               name_key(f"{acc['name']} enablement"), "owner": rng.choice(CSMS), "project_team": "PS team",
               "engagement_type": rng.choice(["fixed", "time-and-materials"]), "status": status,
               "percent_complete": {"backlog": 0, "initiation": 10, "in-progress": 50, "closure": 90,
                                    "completed": 100}[status],
               "scoped_centihours": scoped, "created_at": stamp, "updated_at": stamp,
               "approved": status != "backlog", "approver": "PS Director" if status != "backlog" else None,
               "passive_acceptance_language": True, "signed_acceptance": status != "backlog",
               "passive_acceptance_used": status == "completed", "customer_signoff": False,
               "success_criteria": "Teams migrated and trained", "econtract_url": "https://contracts.example.com/ps",
               "sow_url": "https://sow.example.com/ps", "collaboration_project_url": "https://gitlab.example.com/ps",
               "kickoff_date": start if status != "backlog" else None,
               "expected_start_date": start, "expected_completion_date": start + timedelta(days=60),
               "actual_start_date": start if status != "backlog" else None,
               "completed_date": start + timedelta(days=rng.randint(25, 29)) if status == "completed" else None,
               "hours_updated_date": today - timedelta(days=rng.randint(0, 10)) if status != "backlog" else None}
        pses.append(row)
    if pses:
        # planted: the first active engagement ran over its scope, the second has not logged hours for weeks
        active = [r for r in pses if r["status"] in ("initiation", "in-progress", "closure")]
        if len(active) >= 2:
            active[1]["hours_updated_date"] = today - timedelta(days=30)
        pse_ids = session.scalars(insert(Pse).returning(Pse.id, sort_by_parameter_order=True), pses).all()
        for pid, row in zip(pse_ids, pses):
            if row["status"] == "backlog":
                continue
            budget = row["scoped_centihours"] * (1.15 if active and row is active[0] else row["percent_complete"] / 110)
            day = row["actual_start_date"]
            while budget > 0:
                chunk = min(int(budget), rng.choice([200, 400, 800]))
                if chunk <= 0:
                    break
                entries.append({"pse_id": pid, "on_date": min(day, today), "centihours": chunk, "note": None,
                                "actor": actor, "created_at": stamp})
                budget -= chunk
                day += timedelta(days=2)
        if entries:
            session.execute(insert(PseTimeEntry), entries)
    step("PSEs", len(pses))
    povs = _povs(session, rng=rng, accounts_by_id=accounts_by_id, won=won, today=today, stamp=stamp)
    step("POVs", povs)
    from cstool.services.settings import set_setting

    set_setting(session, key="team-domains", value="ourteam.example", actor=actor)  # the demo team's own mail
    objectives = _plans(session, rng=rng, today=today, stamp=stamp)
    step("objectives", objectives)
    renewals = _renewals(session, accounts_by_id=accounts_by_id, won=won, today=today, window_start=window_start,
                         actor=actor)
    step("renewals", renewals)
    # iACV from the deals of the last 365 days, the renewals' add-ons included, as `gemstone recalc` computes it
    recalc_all(session, actor=actor, dry_run=False, roll_up=True, create_onboardings=False)
    snapshots = _health(session, today=today, actor=actor)
    step("health snapshots", snapshots)
    return {"accounts": len(ids), "contacts": len(contacts), "opportunities": len(opps),
            "onboardings": len(ob_ids), "tasks": len(tasks), "activities": len(activities), "usage": len(usage),
            "ebrs": len(ebrs), "pses": len(pses), "time_entries": len(entries), "povs": povs,
            "objectives": objectives, "renewals": renewals, "health_snapshots": snapshots}


def _povs(session: Session, *, rng: random.Random, accounts_by_id: dict, won: dict, today: date, stamp) -> int:
    """POVs in every state: closed ones (their opportunities since won or not) over the last two quarters, some
    in progress (one SA past the limit of three guided or paid at once), new ones and a cancelled one; each new
    or running POV has an open expansion opportunity."""
    plan = (["closed-successful"] * 6 + ["closed-unsuccessful"] * 3 + ["in-progress"] * 5 + ["new"] * 2
            + ["cancelled"])
    candidates = [aid for aid in sorted(won)][: len(plan)]
    rows = []
    for n, (aid, state) in enumerate(zip(candidates, plan)):
        acc = accounts_by_id[aid]
        if state.startswith("closed"):
            opp_id = won[aid][0]
        else:
            opp_id = session.scalars(insert(Opportunity).returning(Opportunity.id), [{
                "account_id": aid, "name": f"{acc['name']} expansion", "stage": "technical-evaluation",
                "close_date": today + timedelta(days=60), "amount_cents": None, "iacv_cents": 5_000_000,
                "type": "add-on"}]).one()
        owner = SAS[0] if state == "in-progress" and n % 5 != 4 else SAS[1 + n % 2]
        if state.startswith("closed"):  # ended over the last two quarters, some of them past their plan
            end = today - timedelta(days=rng.randint(1, 150))
            start = end - timedelta(days=rng.randint(25, 62))
        else:
            end, start = None, today - timedelta(days=rng.randint(3, 30))
        planned = start + timedelta(days=rng.choice([28, 42, 56]))
        row = {"account_id": aid, "opportunity_id": opp_id, "name": f"{acc['name']} POV 1",
               "name_key": name_key(f"{acc['name']} POV 1"), "owner": owner,
               "type": "guided" if state == "in-progress" else rng.choice(["guided", "lite", "paid"]),
               "status": state.split("-")[0] if state.startswith("closed") else state,
               "result": state.split("-", 1)[1] if state.startswith("closed") else None,
               "success_criteria": "Pipelines under 10 minutes; SSO working" if state != "new" or n % 2 else None,
               "start_date": start if state not in ("new",) else None,
               "planned_end_date": planned if state != "new" or n % 2 else None,
               "end_date": end,
               "collaboration_project_url": "https://gitlab.example.com/pov", "notes": None,
               "created_at": stamp, "updated_at": stamp}
        if state == "in-progress" and row["planned_end_date"] < today:
            row["planned_end_date"] = today + timedelta(days=7)  # running ones are within their plan
        rows.append(row)
    if rows:
        session.execute(insert(Pov), rows)
    return len(rows)


RENEWAL_OUTCOMES = (("par", 0.66), ("downsell", 0.1), ("upsell", 0.12), ("churn", 0.12))
CHURN_MIX = (("budget", 3), ("competitor", 2), ("product-fit", 2), ("no-adoption", 2), ("acquired", 1),
             ("consolidation", 1), ("support", 1))


def _renewals(session: Session, *, accounts_by_id: dict, won: dict, today: date, window_start: date,
              actor: str) -> int:
    """ARR, annual renewal dates and the renewals of the six quarters: most renewed at par, some downsells and
    upsells (a few with an add-on deal in the renewal quarter), a few churns with their reasons, and the coming
    renewals open with forecasts.  Accounts whose first deal is in the window become customers then; the others
    have been customers for years.  The account fields follow the close rules of domain/renewals (the same
    function the commands apply), in date order.  Its own seeded generator: the rest of the demo is unchanged."""
    from sqlalchemy import update

    from cstool.domain import renewals as rules
    from cstool.domain.dates import add_months
    from cstool.services.renewals import move_check_ins

    rng = random.Random(SEED + 33)
    lead = get_setting(session, "renewal-lead-days")
    opps: list[dict] = []
    accounts = []
    for aid, acc in accounts_by_id.items():
        base = acc["iacv_cents"] or rng.randint(5_000, 40_000) * 100
        if aid in won:  # a new customer in the window: its first year ends a term after the purchase
            anniversary = add_months(won[aid][1], 12)
        else:
            anniversary = window_start + timedelta(days=rng.randint(0, 364))
            while anniversary > window_start:
                anniversary = add_months(anniversary, -12)
            anniversary = add_months(anniversary, 12) if anniversary < window_start else anniversary
        work = rules.AccountRevenue(arr_cents=base, renewal_date=anniversary, term_months=12, lifecycle_stage=
                                    acc["lifecycle_stage"])
        while work.renewal_date is not None and work.lifecycle_stage != "churned" and work.renewal_date <= today:
            due = work.renewal_date
            outcome = rng.choices([o for o, _ in RENEWAL_OUTCOMES], [w for _, w in RENEWAL_OUTCOMES])[0]
            arr = work.arr_cents or 0
            amount = {"par": arr, "downsell": int(arr * rng.uniform(0.6, 0.9)) // 100 * 100,
                      "upsell": int(arr * rng.uniform(1.1, 1.5)) // 100 * 100, "churn": None}[outcome]
            stage = "closed-lost" if outcome == "churn" else "closed-won"
            reason = rng.choices([r for r, _ in CHURN_MIX], [w for _, w in CHURN_MIX])[0] if outcome == "churn" else None
            close = min(today, due - timedelta(days=rng.randint(-5, 25)))
            opps.append({"account_id": aid, "name": rules.renewal_name(acc["name"], due), "stage": stage,
                         "close_date": close, "amount_cents": amount, "iacv_cents": None, "type": "renewal",
                         "renewal_date": due, "arr_due_cents": arr, "forecast": "commit", "churn_reason": reason})
            rules.apply_close(work, opportunity_type="renewal", stage=stage, amount_cents=amount, iacv_cents=None,
                              arr_due_cents=arr, renewal_date=due)
            if outcome != "churn" and rng.random() < 0.12:
                iacv = rng.randint(2, 20) * 100_000
                opps.append({"account_id": aid, "name": f"{acc['name']} add-on {due.isoformat()}",
                             "stage": "closed-won", "close_date": close, "amount_cents": iacv, "iacv_cents": iacv,
                             "type": "add-on", "renewal_date": None, "arr_due_cents": None, "forecast": None,
                             "churn_reason": None})
                rules.apply_close(work, opportunity_type="add-on", stage="closed-won", amount_cents=iacv,
                                  iacv_cents=iacv, arr_due_cents=None, renewal_date=None)
        if work.lifecycle_stage != "churned" and rules.in_window(work.renewal_date, today=today, days=lead):
            opps.append({"account_id": aid, "name": rules.renewal_name(acc["name"], work.renewal_date),
                         "stage": rng.choice(["discovery", "scoping", "proposal", "negotiating"]), "close_date": None,
                         "amount_cents": None, "iacv_cents": None, "type": "renewal",
                         "renewal_date": work.renewal_date, "arr_due_cents": work.arr_cents,
                         "forecast": rng.choices(list(rules.FORECASTS), [4, 3, 5, 1])[0], "churn_reason": None})
        accounts.append({"aid": aid, "arr_cents": work.arr_cents, "renewal_date": work.renewal_date,
                         "lifecycle_stage": work.lifecycle_stage})
    if opps:
        session.execute(insert(Opportunity), opps)
    a = Account.__table__.c
    for row in accounts:
        session.execute(update(Account.__table__).where(a.id == row["aid"]).values(
            arr_cents=row["arr_cents"], renewal_date=row["renewal_date"], term_months=12,
            lifecycle_stage=row["lifecycle_stage"]))
    move_check_ins(session, list(accounts_by_id))
    return sum(1 for o in opps if o["type"] == "renewal")


PLANTED = ("pse-over-budget", "pse-stale-hours")


PLAN_OBJECTIVES = [("Faster, reliable CI pipelines", "CI", "Increase operational efficiency"),
                   ("Single application for source control", "SCM", "Reduce cost"),
                   ("Shift security left", "Security", "Reduce security and compliance risk"),
                   ("Continuous delivery to production", "CD", "Deliver better products faster"),
                   ("Plan work in one place", "Agile", "Increase operational efficiency")]


def _plans(session: Session, *, rng: random.Random, today: date, stamp) -> int:
    """Success plans for every account past onboarding (a completed onboarding, or in adoption or later): a
    primary objective, green for most once value arrived (between 20 and 150 days after the purchase), red or
    yellow for the rest, and one or two others."""
    from cstool.domain.plans import PAST_ONBOARDING_STAGES

    latest = {aid: (status, purchase) for aid, status, purchase in session.execute(
        select(Onboarding.account_id, Onboarding.status, Onboarding.purchase_date).order_by(Onboarding.id)).all()}
    staged = set(session.scalars(select(Account.id).where(Account.lifecycle_stage.in_(PAST_ONBOARDING_STAGES))))
    rows = []
    for aid in sorted(staged | {a for a, (status, _) in latest.items() if status in ("completed", "in-progress")}):
        picks = rng.sample(PLAN_OBJECTIVES, rng.randint(2, 3))
        purchase = latest.get(aid, (None, None))[1]
        for n, (title, capability, driver) in enumerate(picks):
            green = None
            if purchase is not None and rng.random() < (0.7 if n == 0 else 0.4):
                day = purchase + timedelta(days=rng.randint(20, 150))
                green = day if day <= today else None
            status = "green" if green else rng.choice(["yellow", "red"])
            rows.append({"account_id": aid, "title": title, "is_primary": n == 0, "solution": "GitLab Ultimate",
                         "capability": capability, "value_driver": driver, "metrics": None, "pain": None,
                         "due_date": None, "status": status, "green_date": green, "notes": None,
                         "created_at": stamp, "updated_at": stamp})
    if rows:
        session.execute(insert(Objective), rows)
    return len(rows)


def _health(session: Session, *, today: date, actor: str) -> int:
    """The CSMs' recorded health agrees with the scorecard where it would be green against a computed red (the
    demo plants no such mismatch), then two weekly health snapshots, a week ago and today."""
    from sqlalchemy import update

    from cstool.queries.health import cards
    from cstool.services.health import snapshot

    mismatched = [c["account_id"] for c in cards(session, as_of=today)
                  if c["recorded_health"] == "green" and c["colour"] == "red"]
    if mismatched:
        session.execute(update(Account.__table__).where(among(Account.__table__.c.id, mismatched)).values(health="yellow"))
    week_ago = snapshot(session, as_of=today - timedelta(days=7), actor=actor)
    now_ = snapshot(session, as_of=today, actor=actor)
    return week_ago["accounts"] + now_["accounts"]
