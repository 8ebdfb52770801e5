"""Rows -> the JSON-shaped dicts of SPEC section 11 (one place for every entity)."""

from __future__ import annotations

import json
from datetime import date, datetime

from cstool.domain import ttv
from cstool.domain.fields import from_cents


def iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value.isoformat()


def account_record(a) -> dict:
    return {
        "id": a.id,
        "name": a.name,
        "segment": a.segment,
        "plan": a.plan,
        "users": a.users,
        "iacv": from_cents(a.iacv_cents),
        "gemstone": a.gemstone,
        "gemstone_rank": a.gemstone_rank,
        "health": a.health,
        "csm_sentiment": a.csm_sentiment,
        "csm": a.csm,
        "sa": a.sa,
        "owner": a.owner,
        "cs_project_url": a.cs_project_url,
        "slack_channel": a.slack_channel,
        "lifecycle_stage": a.lifecycle_stage,
        "ebr_cadence": a.ebr_cadence,
        "domains": a.domains.split(",") if a.domains else [],
        "arr": from_cents(a.arr_cents),
        "renewal_date": iso(a.renewal_date),
        "term_months": a.term_months,
        "created_at": iso(a.created_at),
        "updated_at": iso(a.updated_at),
        "archived_at": iso(a.archived_at),
    }


def contact_record(c, account_name: str) -> dict:
    return {
        "id": c.id,
        "account": account_name,
        "account_id": c.account_id,
        "name": c.name,
        "title": c.title,
        "role": c.role,
        "email": c.email,
        "phone": c.phone,
        "salutation": c.salutation,
        "gitlab_admin": c.gitlab_admin,
    }


def opportunity_record(o, account_name: str) -> dict:
    return {
        "id": o.id,
        "account": account_name,
        "account_id": o.account_id,
        "name": o.name,
        "stage": o.stage,
        "close_date": iso(o.close_date),
        "amount": from_cents(o.amount_cents),
        "iacv": from_cents(o.iacv_cents),
        "type": o.type,
        "renewal_date": iso(o.renewal_date),
        "arr_due": from_cents(o.arr_due_cents),
        "forecast": o.forecast,
        "churn_reason": o.churn_reason,
    }


def onboarding_record(o, account_name: str, opportunity_name: str | None = None) -> dict:
    metrics = ttv.metrics_of(
        start=o.start_date, first_engaged=o.first_engaged_date, purchase=o.purchase_date,
        first_value=o.first_value_date, finish=o.finish_date,
    )
    return {
        "id": o.id,
        "account": account_name,
        "account_id": o.account_id,
        "opportunity": opportunity_name,
        "owner": o.owner,
        "team": json.loads(o.team) if o.team else [],
        "greenfield": o.greenfield,
        "status": o.status,
        "purchase_date": iso(o.purchase_date),
        "start_date": iso(o.start_date),
        "first_engaged_date": iso(o.first_engaged_date),
        "first_engaged_source": o.first_engaged_source if o.first_engaged_date is not None else None,
        "infra_ready_date": iso(o.infra_ready_date),
        "first_value_date": iso(o.first_value_date),
        "finish_date": iso(o.finish_date),
        "tte_days": metrics["tte"],
        "ttfv_days": metrics["ttfv"],
        "tto_days": metrics["tto"],
        "notes": o.notes,
        "challenges": o.challenges,
        "success_plan_url": o.success_plan_url,
        "delay_reason": o.delay_reason,
        "delay_cause": o.delay_cause,
        "survey_sent": o.survey_sent,
        "survey_received": o.survey_received,
        "experience_score": o.experience_score,
    }


def activity_record(a, account_name: str, contact_name: str | None, opportunity_name: str | None) -> dict:
    return {
        "id": a.id,
        "account": account_name,
        "account_id": a.account_id,
        "date": iso(a.on_date),
        "type": a.type,
        "subject": a.subject,
        "contact": contact_name,
        "opportunity": opportunity_name,
        "disposition": a.disposition,
        "notes": a.notes,
        "source": getattr(a, "source", None) or "manual",
        "source_id": getattr(a, "source_id", None),
    }


def task_record(t, account_name: str) -> dict:
    return {
        "id": t.id,
        "account": account_name,
        "account_id": t.account_id,
        "onboarding_id": t.onboarding_id,
        "title": t.title,
        "due_date": iso(t.due_date),
        "window_end_date": iso(t.window_end_date),
        "done_date": iso(t.done_date),
        "owner": t.owner,
        "status": t.status,
        "closed_reason": t.closed_reason,
        "type": t.type,
        "priority": t.priority,
        "reason": t.reason,
        "source": t.source,
        "snooze_date": iso(t.snooze_date),
    }
