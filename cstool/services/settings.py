"""Settings stored in the database, so a whole team shares one fiscal calendar and goals."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from cstool.clock import now
from cstool.domain.settings import SETTINGS, spec
from cstool.services.history import record_changes
from cstool.storage.models import Setting


def all_settings(session: Session) -> dict[str, int]:
    stored = {s.key: s.value for s in session.scalars(select(Setting))}
    return {key: SETTINGS[key].parse(stored[key]) if key in stored else s.default for key, s in SETTINGS.items()}


def get_setting(session: Session, key: str) -> int:
    s = spec(key)
    row = session.get(Setting, s.key)
    return s.parse(row.value) if row else s.default


def set_setting(session: Session, *, key: str, value: str, actor: str) -> int:
    s = spec(key)
    parsed = s.parse(value)
    row = session.get(Setting, s.key)
    old = s.parse(row.value) if row else s.default
    if row is None:
        session.add(Setting(key=s.key, value=str(parsed), updated_at=now(), updated_by=actor))
    else:
        row.value, row.updated_at, row.updated_by = str(parsed), now(), actor
    record_changes(session, actor=actor, entity="setting", entity_id=0, account_id=None,
                   changes={s.key: (old, parsed)})
    return parsed


def setting_rows(session: Session) -> list[dict]:
    values = all_settings(session)
    return [
        {"key": key, "value": values[key], "default": s.default, "help": s.help}
        for key, s in SETTINGS.items()
    ]
