"""Settings stored in the database, so a whole team shares one fiscal calendar and goals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update

from cstool.clock import now
from cstool.domain.settings import SETTINGS, SettingSpec, spec
from cstool.errors import CstoolError, StorageError, echo
from cstool.services.history import record_changes
from cstool.storage.tables import setting as Setting

if TYPE_CHECKING:
    from sqlmodel import Session


def _stored(s: SettingSpec, raw: str | None):
    """A stored value as the rules read it; one the rules refuse (written by an older restore, or by hand) stops
    the command with the repair, rather than a figure computed from it."""
    if raw is None:
        return s.default
    try:
        return s.parse(raw)
    except CstoolError as exc:
        raise StorageError(f"store: the stored setting {s.key} is {echo(raw)}, which cstool does not accept "
                           f"({exc.message.split('; ', 1)[-1].rstrip('.')}); repair it with `cstool config set "
                           f"{s.key} VALUE`.") from None


def all_settings(session: Session) -> dict[str, int]:
    stored = dict(session.execute(select(Setting.c.key, Setting.c.value)).all())
    return {key: _stored(s, stored.get(key)) for key, s in SETTINGS.items()}


def get_setting(session: Session, key: str) -> int:
    s = spec(key)
    return _stored(s, session.scalar(select(Setting.c.value).where(Setting.c.key == s.key)))


def set_setting(session: Session, *, key: str, value: str, actor: str) -> int:
    s = spec(key)
    parsed = s.parse(value)
    stored = session.scalar(select(Setting.c.value).where(Setting.c.key == s.key))
    try:  # a stored value the rules refuse is still replaced: `config set` is how it is repaired
        old = _stored(s, stored)
    except StorageError:
        old = stored
    values = {"value": str(parsed), "updated_at": now(), "updated_by": actor}
    if stored is None:
        session.execute(insert(Setting).values(key=s.key, **values))
    else:
        session.execute(update(Setting).where(Setting.c.key == s.key).values(**values))
    record_changes(session, actor=actor, entity="setting", entity_id=0, account_id=None,
                   changes={s.key: (old, parsed)})
    return parsed


def setting_rows(session: Session) -> list[dict]:
    """Every setting with its value; a stored value the rules refuse is shown as stored, so it can be seen and
    repaired."""
    stored = dict(session.execute(select(Setting.c.key, Setting.c.value)).all())
    rows = []
    for key, s in SETTINGS.items():
        try:
            value = _stored(s, stored.get(key))
        except StorageError:
            value = stored.get(key)
        rows.append({"key": key, "value": value, "default": s.default, "help": s.help})
    return rows
