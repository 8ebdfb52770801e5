"""The tables, as SQLModel families: ``XBase`` -> ``XCreate``/``XUpdate`` -> ``X(table=True)``.

Table models do not validate on construction, so services validate input
with the ``Create``/``Update`` models first and then ``model_validate`` into
the table model.  Money is stored in cents (exact integers on both engines).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
BIGINT = sa.BigInteger
metadata = SQLModel.metadata


def _fk(target: str, *, nullable: bool = False, ondelete: str | None = None) -> sa.Column:
    return sa.Column(sa.Integer, sa.ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True)


# --- settings --------------------------------------------------------------


class Setting(SQLModel, table=True):
    __tablename__ = "setting"
    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=200)
    updated_at: datetime
    updated_by: str = Field(max_length=200)


# --- accounts --------------------------------------------------------------


class AccountBase(SQLModel):
    name: str = Field(max_length=200)
    segment: str | None = Field(default=None, max_length=20)
    plan: str | None = Field(default=None, max_length=60)
    users: int | None = Field(default=None, ge=0)
    iacv_cents: int | None = Field(default=None, ge=0, sa_type=sa.BigInteger)
    health: str | None = Field(default=None, max_length=10)
    csm_sentiment: str | None = Field(default=None, max_length=10)
    csm: str | None = Field(default=None, max_length=200)
    sa: str | None = Field(default=None, max_length=200)
    owner: str | None = Field(default=None, max_length=200)
    cs_project_url: str | None = Field(default=None, max_length=500)
    slack_channel: str | None = Field(default=None, max_length=80)
    lifecycle_stage: str | None = Field(default=None, max_length=30)
    ebr_cadence: str | None = Field(default=None, max_length=20)
    domains: str | None = Field(default=None, max_length=1000)  # "acme.com,acme.co.uk", lower case
    # renewals (revision 0008): ARR in cents like iACV; the current subscription's end and its term
    arr_cents: int | None = Field(default=None, ge=0, sa_type=BIGINT)  # `sa` is a field name in this class
    renewal_date: date | None = None
    term_months: int = Field(default=12, ge=1, le=120)


class AccountCreate(AccountBase):
    pass


class AccountUpdate(SQLModel):
    name: str | None = Field(default=None, max_length=200)
    segment: str | None = None
    plan: str | None = None
    users: int | None = Field(default=None, ge=0)
    iacv_cents: int | None = Field(default=None, ge=0)
    health: str | None = None
    csm_sentiment: str | None = None
    csm: str | None = None
    sa: str | None = None
    owner: str | None = None
    cs_project_url: str | None = None
    slack_channel: str | None = None
    lifecycle_stage: str | None = None
    ebr_cadence: str | None = None
    domains: str | None = None
    arr_cents: int | None = Field(default=None, ge=0)
    renewal_date: date | None = None
    term_months: int | None = Field(default=None, ge=1, le=120)


class Account(AccountBase, table=True):
    __tablename__ = "account"
    __table_args__ = (sa.Index("ix_account_renewal_date", "renewal_date"),)
    id: int | None = Field(default=None, primary_key=True)
    name_key: str = Field(max_length=200, unique=True)  # casefolded name
    gemstone: str | None = Field(default=None, max_length=20)
    gemstone_rank: int = Field(default=6, index=True)
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None = None


# --- contacts ------------------------------------------------------------------


class ContactBase(SQLModel):
    name: str = Field(max_length=200)
    title: str | None = Field(default=None, max_length=200)
    role: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=60)
    salutation: str | None = Field(default=None, max_length=60)
    gitlab_admin: bool = False


class ContactCreate(ContactBase):
    account_id: int


class Contact(ContactBase, table=True):
    __tablename__ = "contact"
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(sa_column=_fk("account.id", ondelete="CASCADE"))


# --- opportunities -------------------------------------------------------------


class OpportunityBase(SQLModel):
    name: str = Field(max_length=200)
    stage: str = Field(default="discovery", max_length=30)
    close_date: date | None = None
    amount_cents: int | None = Field(default=None, ge=0, sa_type=sa.BigInteger)
    iacv_cents: int | None = Field(default=None, ge=0, sa_type=sa.BigInteger)
    type: str | None = Field(default=None, max_length=20)
    # renewals (revision 0008): the subscription end a renewal renews, the ARR up for renewal, the forecast
    renewal_date: date | None = None
    arr_due_cents: int | None = Field(default=None, ge=0, sa_type=sa.BigInteger)
    forecast: str | None = Field(default=None, max_length=20)
    churn_reason: str | None = Field(default=None, max_length=30)


class OpportunityCreate(OpportunityBase):
    account_id: int


class Opportunity(OpportunityBase, table=True):
    __tablename__ = "opportunity"
    __table_args__ = (sa.Index("ix_opportunity_account_id_stage_close_date", "account_id", "stage", "close_date"),
                      sa.Index("ix_opportunity_renewal_date", "renewal_date"))
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(sa_column=_fk("account.id", ondelete="CASCADE"))


# --- onboarding --------------------------------------------------------------

ONBOARDING_OPEN = ("not-started", "scheduled", "in-progress", "on-hold")


class OnboardingBase(SQLModel):
    owner: str | None = Field(default=None, max_length=200)
    team: str | None = Field(default=None, max_length=4000)  # JSON list, as at onboarding time
    greenfield: bool | None = None
    status: str = Field(default="not-started", max_length=20)
    purchase_date: date | None = None
    start_date: date | None = None
    first_engaged_date: date | None = None
    first_engaged_source: str | None = Field(default=None, max_length=20)  # manual | timeline (null: no date)
    infra_ready_date: date | None = None
    first_value_date: date | None = None
    finish_date: date | None = None
    notes: str | None = Field(default=None, max_length=4000)
    challenges: str | None = Field(default=None, max_length=4000)
    success_plan_url: str | None = Field(default=None, max_length=500)
    delay_reason: str | None = Field(default=None, max_length=2000)
    delay_cause: str | None = Field(default=None, max_length=20)
    survey_sent: bool | None = None
    survey_received: bool | None = None
    experience_score: int | None = Field(default=None, ge=1, le=5)


class OnboardingCreate(OnboardingBase):
    account_id: int
    opportunity_id: int | None = None


class Onboarding(OnboardingBase, table=True):
    __tablename__ = "onboarding"
    __table_args__ = (
        # One open onboarding per account, enforced by the store itself.
        sa.Index(
            "uq_onboarding_open_account",
            "account_id",
            unique=True,
            sqlite_where=sa.text("status != 'completed'"),
            postgresql_where=sa.text("status != 'completed'"),
        ),
        sa.Index("ix_onboarding_start_date", "start_date"),
        sa.Index("ix_onboarding_first_engaged_date", "first_engaged_date"),
        sa.Index("ix_onboarding_first_value_date", "first_value_date"),
        sa.Index("ix_onboarding_finish_date", "finish_date"),
        sa.Index("ix_onboarding_status", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(sa_column=_fk("account.id", ondelete="CASCADE"))
    opportunity_id: int | None = Field(
        default=None, sa_column=_fk("opportunity.id", nullable=True, ondelete="SET NULL")
    )
    created_at: datetime
    updated_at: datetime


# --- history -------------------------------------------------------------------


class History(SQLModel, table=True):
    """Every change: who, when, which record, which field, old and new value.

    No foreign keys: the trail outlives the records it describes.
    """

    __tablename__ = "history"
    __table_args__ = (sa.Index("ix_history_entity_entity_id", "entity", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    actor: str = Field(max_length=200)
    entity: str = Field(max_length=30)
    entity_id: int
    account_id: int | None = Field(default=None, index=True)
    field: str = Field(max_length=60)
    old: str | None = Field(default=None, max_length=4000)
    new: str | None = Field(default=None, max_length=4000)


# --- activities, tasks, license usage (revision 0002) ------------------------


class ActivityBase(SQLModel):
    on_date: date
    type: str = Field(max_length=20)
    subject: str = Field(max_length=500)
    disposition: str | None = Field(default=None, max_length=200)
    notes: str | None = Field(default=None, max_length=4000)


class ActivityCreate(ActivityBase):
    account_id: int
    contact_id: int | None = None
    opportunity_id: int | None = None


class Activity(ActivityBase, table=True):
    __tablename__ = "activity"
    __table_args__ = (sa.Index("ix_activity_account_id_on_date", "account_id", "on_date"),
                      # an imported message or meeting is logged once per account (NULL source ids never clash)
                      sa.Index("uq_activity_account_id_source_source_id", "account_id", "source", "source_id",
                               unique=True))
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(sa_column=_fk("account.id", ondelete="CASCADE"))
    contact_id: int | None = Field(default=None, sa_column=_fk("contact.id", nullable=True, ondelete="SET NULL"))
    opportunity_id: int | None = Field(
        default=None, sa_column=_fk("opportunity.id", nullable=True, ondelete="SET NULL")
    )
    created_at: datetime
    actor: str = Field(max_length=200)
    source: str = Field(default="manual", max_length=20)  # manual | mail | calendar
    source_id: str | None = Field(default=None, max_length=500)  # Message-ID, or event UID + recurrence id


class TaskBase(SQLModel):
    title: str = Field(max_length=500)
    due_date: date
    window_end_date: date | None = None
    owner: str | None = Field(default=None, max_length=200)
    kind: str | None = Field(default=None, max_length=40)  # playbook step, or None when added by hand
    # calls to action (revision 0007): what kind of work, how urgent, why it exists (one line), where it
    # came from (playbook|rule:<name>|manual), and the day a snoozed task shows again
    type: str = Field(default="activity", max_length=20)
    priority: str = Field(default="medium", max_length=10)
    reason: str | None = Field(default=None, max_length=500)
    source: str = Field(default="manual", max_length=60)
    snooze_date: date | None = None


class TaskCreate(TaskBase):
    account_id: int
    onboarding_id: int | None = None


class Task(TaskBase, table=True):
    __tablename__ = "task"
    __table_args__ = (sa.Index("ix_task_done_date_due_date", "done_date", "due_date"),
                      sa.Index("ix_task_status_due_date", "status", "due_date"),
                      sa.Index("ix_task_source_account_id", "source", "account_id"))
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(sa_column=_fk("account.id", ondelete="CASCADE"))
    onboarding_id: int | None = Field(default=None, sa_column=_fk("onboarding.id", nullable=True, ondelete="CASCADE"))
    done_date: date | None = None
    created_at: datetime
    status: str = Field(default="open", max_length=20)  # open|done|skipped|resolved
    closed_reason: str | None = Field(default=None, max_length=500)


class LicenseUsage(SQLModel, table=True):
    __tablename__ = "license_usage"
    id: int | None = Field(default=None, primary_key=True)
    onboarding_id: int = Field(sa_column=_fk("onboarding.id", ondelete="CASCADE"))
    on_date: date
    licenses: int = Field(ge=1)
    active: int = Field(ge=0)
    created_at: datetime


# --- executive business reviews (revision 0003) ---------------------------------


class EbrBase(SQLModel):
    name: str = Field(max_length=300)
    on_date: date | None = None
    status: str = Field(default="not-started", max_length=20)
    outcome: str = Field(default="incomplete", max_length=30)
    notes: str | None = Field(default=None, max_length=4000)


class EbrCreate(EbrBase):
    account_id: int
    replaces_id: int | None = None


class Ebr(EbrBase, table=True):
    __tablename__ = "ebr"
    __table_args__ = (
        sa.Index("ix_ebr_account_id_on_date", "account_id", "on_date"),
        sa.Index("ix_ebr_on_date", "on_date"),
    )
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(sa_column=_fk("account.id", ondelete="CASCADE"))
    replaces_id: int | None = Field(default=None, sa_column=_fk("ebr.id", nullable=True, ondelete="SET NULL"))
    created_at: datetime
    updated_at: datetime


class EbrOpportunity(SQLModel, table=True):
    __tablename__ = "ebr_opportunity"
    ebr_id: int = Field(sa_column=sa.Column(sa.Integer, sa.ForeignKey("ebr.id", ondelete="CASCADE"), primary_key=True))
    opportunity_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("opportunity.id", ondelete="CASCADE"), primary_key=True, index=True)
    )
    linked_at: datetime


# --- professional services engagements (revision 0004) ------------------------------
# Hours are stored in hundredths of an hour: exact for the two decimals people log.


class PseBase(SQLModel):
    name: str = Field(max_length=300)
    owner: str | None = Field(default=None, max_length=200)
    project_team: str | None = Field(default=None, max_length=1000)
    engagement_type: str | None = Field(default=None, max_length=60)
    success_criteria: str | None = Field(default=None, max_length=4000)
    econtract_url: str | None = Field(default=None, max_length=500)
    sow_url: str | None = Field(default=None, max_length=500)
    collaboration_project_url: str | None = Field(default=None, max_length=500)
    status: str = Field(default="backlog", max_length=20)
    percent_complete: int = Field(default=0, ge=0, le=100)
    notes: str | None = Field(default=None, max_length=4000)
    scoped_centihours: int | None = Field(default=None, ge=0)
    hours_updated_date: date | None = None
    approved: bool = False
    approver: str | None = Field(default=None, max_length=200)
    passive_acceptance_language: bool = False
    signed_acceptance: bool = False
    passive_acceptance_used: bool = False
    customer_signoff: bool = False
    kickoff_date: date | None = None
    expected_start_date: date | None = None
    expected_completion_date: date | None = None
    actual_start_date: date | None = None
    completed_date: date | None = None


class PseCreate(PseBase):
    account_id: int
    opportunity_id: int


class Pse(PseBase, table=True):
    __tablename__ = "pse"
    __table_args__ = (sa.Index("ix_pse_status", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    name_key: str = Field(max_length=300, unique=True)
    account_id: int = Field(sa_column=_fk("account.id", ondelete="CASCADE"))
    opportunity_id: int = Field(sa_column=_fk("opportunity.id", ondelete="RESTRICT"))
    created_at: datetime
    updated_at: datetime


class PseTimeEntry(SQLModel, table=True):
    __tablename__ = "pse_time_entry"
    id: int | None = Field(default=None, primary_key=True)
    pse_id: int = Field(sa_column=_fk("pse.id", ondelete="CASCADE"))
    on_date: date
    centihours: int = Field(gt=0)
    note: str | None = Field(default=None, max_length=2000)
    actor: str = Field(max_length=200)
    created_at: datetime


class PseContact(SQLModel, table=True):
    __tablename__ = "pse_contact"
    pse_id: int = Field(sa_column=sa.Column(sa.Integer, sa.ForeignKey("pse.id", ondelete="CASCADE"), primary_key=True))
    contact_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True, index=True)
    )


# --- proofs of value (revision 0005) -----------------------------------------------


class PovBase(SQLModel):
    name: str = Field(max_length=300)
    owner: str | None = Field(default=None, max_length=200)
    type: str | None = Field(default=None, max_length=20)
    status: str = Field(default="new", max_length=20)
    result: str | None = Field(default=None, max_length=20)
    success_criteria: str | None = Field(default=None, max_length=4000)
    start_date: date | None = None
    planned_end_date: date | None = None
    end_date: date | None = None
    collaboration_project_url: str | None = Field(default=None, max_length=500)
    notes: str | None = Field(default=None, max_length=4000)


class PovCreate(PovBase):
    account_id: int
    opportunity_id: int


class Pov(PovBase, table=True):
    __tablename__ = "pov"
    __table_args__ = (sa.Index("ix_pov_status", "status"), sa.Index("ix_pov_end_date", "end_date"))
    id: int | None = Field(default=None, primary_key=True)
    name_key: str = Field(max_length=300, unique=True)
    account_id: int = Field(sa_column=_fk("account.id", ondelete="CASCADE"))
    opportunity_id: int = Field(sa_column=_fk("opportunity.id", ondelete="RESTRICT"))
    created_at: datetime
    updated_at: datetime


# --- success-plan objectives and health snapshots (revision 0005) -----------------------


class ObjectiveBase(SQLModel):
    title: str = Field(max_length=500)
    is_primary: bool = False  # the use case the customer bought for: one per account ("primary" in JSON)
    solution: str | None = Field(default=None, max_length=500)
    capability: str | None = Field(default=None, max_length=60)
    value_driver: str | None = Field(default=None, max_length=500)
    metrics: str | None = Field(default=None, max_length=2000)
    pain: str | None = Field(default=None, max_length=2000)
    due_date: date | None = None
    status: str = Field(default="yellow", max_length=10)
    green_date: date | None = None
    notes: str | None = Field(default=None, max_length=4000)


class ObjectiveCreate(ObjectiveBase):
    account_id: int


class Objective(ObjectiveBase, table=True):
    __tablename__ = "objective"
    __table_args__ = (sa.Index("ix_objective_green_date", "green_date"),)
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(sa_column=_fk("account.id", ondelete="CASCADE"))
    created_at: datetime
    updated_at: datetime


class HealthSnapshot(SQLModel, table=True):
    """Every account's computed health score on a day (`cstool health snapshot`, weekly from cron)."""

    __tablename__ = "health_snapshot"
    __table_args__ = (sa.Index("uq_health_snapshot_account_id_on_date", "account_id", "on_date", unique=True),
                      sa.Index("ix_health_snapshot_on_date", "on_date"))
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(sa_column=sa.Column(sa.Integer, sa.ForeignKey("account.id", ondelete="CASCADE"),
                                                nullable=False))
    on_date: date
    score: int | None = None
    colour: str | None = Field(default=None, max_length=10)
    created_at: datetime
