"""Where the store is: ``--db``, ``CSTOOL_DB``, or the user data folder.

Light on purpose (no SQLAlchemy), so `cstool db path` and start-up stay fast.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from cstool.errors import StorageError

ENV_DB = "CSTOOL_DB"
DEFAULT_FILENAME = "cstool.db"
_URL = re.compile(r"^[a-z][a-z0-9+]*://", re.I)


def default_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("cstool", appauthor=False)) / DEFAULT_FILENAME


@dataclass(frozen=True)
class Location:
    """A resolved store: a SQLite file path, or a server URL."""

    url: str  # what SQLAlchemy is given (never printed: may hold a password)
    path: Path | None  # the real SQLite file, or None for a server
    is_default: bool = False

    @property
    def is_sqlite(self) -> bool:
        return self.path is not None or self.url.startswith("sqlite")

    @property
    def backend(self) -> str:
        return "sqlite" if self.is_sqlite else self.url.split(":", 1)[0].split("+", 1)[0]

    def display(self) -> str:
        """For messages: the path, or the URL with its password hidden."""
        if self.path is not None:
            return str(self.path)
        return redact_url(self.url)


def redact_url(url: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def redact(text: str, url: str) -> str:
    """Remove a URL's password from any text (error messages from drivers)."""
    m = re.search(r"://[^:/@]*:([^@]*)@", url)
    if m and m.group(1):
        text = text.replace(m.group(1), "***")
    return redact_url(text)


def resolve(db: str | None) -> Location:
    raw = db if db not in (None, "") else os.environ.get(ENV_DB) or None
    if raw is None:
        path = default_path()
        return Location(url=f"sqlite:///{path}", path=path, is_default=True)
    if _URL.match(raw):
        lowered = raw.lower()
        if lowered.startswith("sqlite"):
            file_part = raw.split(":///", 1)[1] if ":///" in raw else ""
            if not file_part or file_part.startswith(":memory:"):
                raise StorageError("store: an in-memory SQLite store keeps nothing; give a file path.")
            return _file(file_part.split("?", 1)[0])
        if lowered.startswith(("postgresql", "postgres")):
            url = raw
            if lowered.startswith("postgres://"):
                url = "postgresql+psycopg://" + raw.split("://", 1)[1]
            elif lowered.startswith("postgresql://"):
                url = "postgresql+psycopg://" + raw.split("://", 1)[1]
            return Location(url=url, path=None)
        raise StorageError(
            f"store: {redact_url(raw)!r} is not supported; use a file path, "
            "sqlite:///PATH or postgresql+psycopg://USER@HOST/DB."
        )
    return _file(raw)


def _file(raw: str) -> Location:
    path = Path(os.path.expanduser(raw))
    # One real path for every process: SQLite keeps -wal/-shm beside the path it is given.
    path = Path(os.path.realpath(path))
    return Location(url=f"sqlite:///{path}", path=path)
