"""Settings stored in the database, so a whole team shares one fiscal calendar and goals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update

from cstool.clock import now
from cstool.domain.settings import SETTINGS, spec
from cstool.services.history import record_changes
from cstool.storage.tables import setting as Setting

if TYPE_CHECKING:
    from sqlmodel import Session


def all_settings(session: Session) -> dict[str, int]:
    stored = dict(session.execute(select(Setting.c.key, Setting.c.value)).all())
    return {key: SETTINGS[key].parse(stored[key]) if key in stored else s.default for key, s in SETTINGS.items()}


def get_setting(session: Session, key: str) -> int:
    s = spec(key)
    value = session.scalar(select(Setting.c.value).where(Setting.c.key == s.key))
    return s.parse(value) if value is not None else s.default


def set_setting(session: Session, *, key: str, value: str, actor: str) -> int:
    s = spec(key)
    parsed = s.parse(value)
    stored = session.scalar(select(Setting.c.value).where(Setting.c.key == s.key))
    old = s.parse(stored) if stored is not None else s.default
    values = {"value": str(parsed), "updated_at": now(), "updated_by": actor}
    if stored is None:
        session.execute(insert(Setting).values(key=s.key, **values))
    else:
        session.execute(update(Setting).where(Setting.c.key == s.key).values(**values))
    record_changes(session, actor=actor, entity="setting", entity_id=0, account_id=None,
                   changes={s.key: (old, parsed)})
    return parsed


def setting_rows(session: Session) -> list[dict]:
    values = all_settings(session)
    return [
        {"key": key, "value": values[key], "default": s.default, "help": s.help}
        for key, s in SETTINGS.items()
    ]
