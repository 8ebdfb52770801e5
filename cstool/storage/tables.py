"""The store's tables in plain SQLAlchemy Core (generated from models.py; do not edit).

    python -m cstool.storage.codegen    # regenerate after changing models.py

Importing this costs SQLAlchemy Core alone: no SQLModel, pydantic or ORM.
"""

from __future__ import annotations

from datetime import timezone

import sqlalchemy as sa


class UTCDateTime(sa.TypeDecorator):
    """Timestamps stored in UTC and read back timezone-aware on both engines; like SQLModel's type, a naive
    datetime is refused (ValueError), never guessed to be UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("Datetime values must have timezone information (a naive datetime is refused).")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


NAMING_CONVENTION = {'ix': 'ix_%(table_name)s_%(column_0_N_name)s', 'uq': 'uq_%(table_name)s_%(column_0_N_name)s', 'ck': 'ck_%(table_name)s_%(constraint_name)s', 'fk': 'fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s', 'pk': 'pk_%(table_name)s'}
metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

account = sa.Table(
    'account',
    metadata,
    sa.Column('name', sa.String(200), nullable=False),
    sa.Column('segment', sa.String(20), nullable=True),
    sa.Column('plan', sa.String(60), nullable=True),
    sa.Column('users', sa.Integer(), nullable=True),
    sa.Column('iacv_cents', sa.BigInteger(), nullable=True),
    sa.Column('health', sa.String(10), nullable=True),
    sa.Column('csm_sentiment', sa.String(10), nullable=True),
    sa.Column('csm', sa.String(200), nullable=True),
    sa.Column('sa', sa.String(200), nullable=True),
    sa.Column('owner', sa.String(200), nullable=True),
    sa.Column('cs_project_url', sa.String(500), nullable=True),
    sa.Column('slack_channel', sa.String(80), nullable=True),
    sa.Column('lifecycle_stage', sa.String(30), nullable=True),
    sa.Column('ebr_cadence', sa.String(20), nullable=True),
    sa.Column('domains', sa.String(1000), nullable=True),
    sa.Column('arr_cents', sa.BigInteger(), nullable=True),
    sa.Column('renewal_date', sa.Date(), nullable=True),
    sa.Column('term_months', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), primary_key=True, nullable=False),
    sa.Column('name_key', sa.String(200), nullable=False, unique=True),
    sa.Column('gemstone', sa.String(20), nullable=True),
    sa.Column('gemstone_rank', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('archived_at', UTCDateTime(), nullable=True),
)

history = sa.Table(
    'history',
    metadata,
    sa.Column('id', sa.Integer(), primary_key=True, nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(200), nullable=False),
    sa.Column('entity', sa.String(30), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('field', sa.String(60), nullable=False),
    sa.Column('old', sa.String(4000), nullable=True),
    sa.Column('new', sa.String(4000), nullable=True),
)

setting = sa.Table(
    'setting',
    metadata,
    sa.Column('key', sa.String(64), primary_key=True, nullable=False),
    sa.Column('value', sa.String(200), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(200), nullable=False),
)

contact = sa.Table(
    'contact',
    metadata,
    sa.Column('name', sa.String(200), nullable=False),
    sa.Column('title', sa.String(200), nullable=True),
    sa.Column('role', sa.String(200), nullable=True),
    sa.Column('email', sa.String(254), nullable=True),
    sa.Column('phone', sa.String(60), nullable=True),
    sa.Column('salutation', sa.String(60), nullable=True),
    sa.Column('gitlab_admin', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Integer(), primary_key=True, nullable=False),
    sa.Column('account_id', sa.Integer(), sa.ForeignKey('account.id', ondelete='CASCADE'), nullable=False),
)

ebr = sa.Table(
    'ebr',
    metadata,
    sa.Column('name', sa.String(300), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(20), nullable=False),
    sa.Column('outcome', sa.String(30), nullable=False),
    sa.Column('notes', sa.String(4000), nullable=True),
    sa.Column('id', sa.Integer(), primary_key=True, nullable=False),
    sa.Column('account_id', sa.Integer(), sa.ForeignKey('account.id', ondelete='CASCADE'), nullable=False),
    sa.Column('replaces_id', sa.Integer(), sa.ForeignKey('ebr.id', ondelete='SET NULL'), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
)

health_snapshot = sa.Table(
    'health_snapshot',
    metadata,
    sa.Column('id', sa.Integer(), primary_key=True, nullable=False),
    sa.Column('account_id', sa.Integer(), sa.ForeignKey('account.id', ondelete='CASCADE'), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('colour', sa.String(10), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
)

objective = sa.Table(
    'objective',
    metadata,
    sa.Column('title', sa.String(500), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.Column('solution', sa.String(500), nullable=True),
    sa.Column('capability', sa.String(60), nullable=True),
    sa.Column('value_driver', sa.String(500), nullable=True),
    sa.Column('metrics', sa.String(2000), nullable=True),
    sa.Column('pain', sa.String(2000), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(10), nullable=False),
    sa.Column('green_date', sa.Date(), nullable=True),
    sa.Column('notes', sa.String(4000), nullable=True),
    sa.Column('id', sa.Integer(), primary_key=True, nullable=False),
    sa.Column('account_id', sa.Integer(), sa.ForeignKey('account.id', ondelete='CASCADE'), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
)

opportunity = sa.Table(
    'opportunity',
    metadata,
    sa.Column('name', sa.String(200), nullable=False),
    sa.Column('stage', sa.String(30), nullable=False),
    sa.Column('close_date', sa.Date(), nullable=True),
    sa.Column('amount_cents', sa.BigInteger(), nullable=True),
    sa.Column('iacv_cents', sa.BigInteger(), nullable=True),
    sa.Column('type', sa.String(20), nullable=True),
    sa.Column('renewal_date', sa.Date(), nullable=True),
    sa.Column('arr_due_cents', sa.BigInteger(), nullable=True),
    sa.Column('forecast', sa.String(20), nullable=True),
    sa.Column('churn_reason', sa.String(30), nullable=True),
    sa.Column('id', sa.Integer(), primary_key=True, nullable=False),
    sa.Column('account_id', sa.Integer(), sa.ForeignKey('account.id', ondelete='CASCADE'), nullable=False),
)

activity = sa.Table(
    'activity',
    metadata,
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('type', sa.String(20), nullable=False),
    sa.Column('subject', sa.String(500), nullable=False),
    sa.Column('disposition', sa.String(200), nullable=True),
    sa.Column('notes', sa.String(4000), nullable=True),
    sa.Column('id', sa.Integer(), primary_key=True, nullable=False),
    sa.Column('account_id', sa.Integer(), sa.ForeignKey('account.id', ondelete='CASCADE'), nullable=False),
    sa.Column('contact_id', sa.Integer(), sa.ForeignKey('contact.id', ondelete='SET NULL'), nullable=True),
    sa.Column('opportunity_id', sa.Integer(), sa.ForeignKey('opportunity.id', ondelete='SET NULL'), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(200), nullable=False),
    sa.Column('source', sa.String(20), nullable=False),
    sa.Column('source_id', sa.String(500), nullable=True),
)

ebr_opportunity = sa.Table(
    'ebr_opportunity',
    metadata,
    sa.Column('ebr_id', sa.Integer(), sa.ForeignKey('ebr.id', ondelete='CASCADE'), primary_key=True, nullable=False),
    sa.Column('opportunity_id', sa.Integer(), sa.ForeignKey('opportunity.id', ondelete='CASCADE'), primary_key=True, nullable=False),
    sa.Column('linked_at', UTCDateTime(), nullable=False),
)

onboarding = sa.Table(
    'onboarding',
    metadata,
    sa.Column('owner', sa.String(200), nullable=True),
    sa.Column('team', sa.String(4000), nullable=True),
    sa.Column('greenfield', sa.Boolean(), nullable=True),
    sa.Column('status', sa.String(20), nullable=False),
    sa.Column('purchase_date', sa.Date(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('first_engaged_date', sa.Date(), nullable=True),
    sa.Column('first_engaged_source', sa.String(20), nullable=True),
    sa.Column('infra_ready_date', sa.Date(), nullable=True),
    sa.Column('first_value_date', sa.Date(), nullable=True),
    sa.Column('finish_date', sa.Date(), nullable=True),
    sa.Column('notes', sa.String(4000), nullable=True),
    sa.Column('challenges', sa.String(4000), nullable=True),
    sa.Column('success_plan_url', sa.String(500), nullable=True),
    sa.Column('delay_reason', sa.String(2000), nullable=True),
    sa.Column('delay_cause', sa.String(20), nullable=True),
    sa.Column('survey_sent', sa.Boolean(), nullable=True),
    sa.Column('survey_received', sa.Boolean(), nullable=True),
    sa.Column('experience_score', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), primary_key=True, nullable=False),
    sa.Column('account_id', sa.Integer(), sa.ForeignKey('account.id', ondelete='CASCADE'), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), sa.ForeignKey('opportunity.id', ondelete='SET NULL'), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
)

pov = sa.Table(
    'pov',
    metadata,
    sa.Column('name', sa.String(300), nullable=False),
    sa.Column('owner', sa.String(200), nullable=True),
    sa.Column('type', sa.String(20), nullable=True),
    sa.Column('status', sa.String(20), nullable=False),
    sa.Column('result', sa.String(20), nullable=True),
    sa.Column('success_criteria', sa.String(4000), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('planned_end_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('collaboration_project_url', sa.String(500), nullable=True),
    sa.Column('notes', sa.String(4000), nullable=True),
    sa.Column('id', sa.Integer(), primary_key=True, nullable=False),
    sa.Column('name_key', sa.String(300), nullable=False, unique=True),
    sa.Column('account_id', sa.Integer(), sa.ForeignKey('account.id', ondelete='CASCADE'), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), sa.ForeignKey('opportunity.id', ondelete='RESTRICT'), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
)

pse = sa.Table(
    'pse',
    metadata,
    sa.Column('name', sa.String(300), nullable=False),
    sa.Column('owner', sa.String(200), nullable=True),
    sa.Column('project_team', sa.String(1000), nullable=True),
    sa.Column('engagement_type', sa.String(60), nullable=True),
    sa.Column('success_criteria', sa.String(4000), nullable=True),
    sa.Column('econtract_url', sa.String(500), nullable=True),
    sa.Column('sow_url', sa.String(500), nullable=True),
    sa.Column('collaboration_project_url', sa.String(500), nullable=True),
    sa.Column('status', sa.String(20), nullable=False),
    sa.Column('percent_complete', sa.Integer(), nullable=False),
    sa.Column('notes', sa.String(4000), nullable=True),
    sa.Column('scoped_centihours', sa.Integer(), nullable=True),
    sa.Column('hours_updated_date', sa.Date(), nullable=True),
    sa.Column('approved', sa.Boolean(), nullable=False),
    sa.Column('approver', sa.String(200), nullable=True),
    sa.Column('passive_acceptance_language', sa.Boolean(), nullable=False),
    sa.Column('signed_acceptance', sa.Boolean(), nullable=False),
    sa.Column('passive_acceptance_used', sa.Boolean(), nullable=False),
    sa.Column('customer_signoff', sa.Boolean(), nullable=False),
    sa.Column('kickoff_date', sa.Date(), nullable=True),
    sa.Column('expected_start_date', sa.Date(), nullable=True),
    sa.Column('expected_completion_date', sa.Date(), nullable=True),
    sa.Column('actual_start_date', sa.Date(), nullable=True),
    sa.Column('completed_date', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), primary_key=True, nullable=False),
    sa.Column('name_key', sa.String(300), nullable=False, unique=True),
    sa.Column('account_id', sa.Integer(), sa.ForeignKey('account.id', ondelete='CASCADE'), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), sa.ForeignKey('opportunity.id', ondelete='RESTRICT'), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
)

license_usage = sa.Table(
    'license_usage',
    metadata,
    sa.Column('id', sa.Integer(), primary_key=True, nullable=False),
    sa.Column('onboarding_id', sa.Integer(), sa.ForeignKey('onboarding.id', ondelete='CASCADE'), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('licenses', sa.Integer(), nullable=False),
    sa.Column('active', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
)

pse_contact = sa.Table(
    'pse_contact',
    metadata,
    sa.Column('pse_id', sa.Integer(), sa.ForeignKey('pse.id', ondelete='CASCADE'), primary_key=True, nullable=False),
    sa.Column('contact_id', sa.Integer(), sa.ForeignKey('contact.id', ondelete='CASCADE'), primary_key=True, nullable=False),
)

pse_time_entry = sa.Table(
    'pse_time_entry',
    metadata,
    sa.Column('id', sa.Integer(), primary_key=True, nullable=False),
    sa.Column('pse_id', sa.Integer(), sa.ForeignKey('pse.id', ondelete='CASCADE'), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('centihours', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(2000), nullable=True),
    sa.Column('actor', sa.String(200), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
)

task = sa.Table(
    'task',
    metadata,
    sa.Column('title', sa.String(500), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('window_end_date', sa.Date(), nullable=True),
    sa.Column('owner', sa.String(200), nullable=True),
    sa.Column('kind', sa.String(40), nullable=True),
    sa.Column('type', sa.String(20), nullable=False),
    sa.Column('priority', sa.String(10), nullable=False),
    sa.Column('reason', sa.String(500), nullable=True),
    sa.Column('source', sa.String(60), nullable=False),
    sa.Column('snooze_date', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), primary_key=True, nullable=False),
    sa.Column('account_id', sa.Integer(), sa.ForeignKey('account.id', ondelete='CASCADE'), nullable=False),
    sa.Column('onboarding_id', sa.Integer(), sa.ForeignKey('onboarding.id', ondelete='CASCADE'), nullable=True),
    sa.Column('done_date', sa.Date(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('status', sa.String(20), nullable=False),
    sa.Column('closed_reason', sa.String(500), nullable=True),
)
