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


_SECRET_PARAM = re.compile(r"([?&;](?:ssl)?password=)([^&#\s]*)", re.I)
_URL_IN_TEXT = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.I)


def secrets(url: str) -> list[str]:
    """The passwords a URL carries, however given: `user:pw@host` (an `@` or `:` inside it too) and
    `?password=` (`sslpassword=`), each as written and percent-decoded."""
    from urllib.parse import unquote

    if "://" not in url:
        return []
    rest = url.split("://", 1)[1]
    base, _, query = rest.partition("?")
    found = []
    if "@" in base:
        userinfo = base[: base.rfind("@")]
        if ":" in userinfo:
            found.append(userinfo.split(":", 1)[1])
    for m in _SECRET_PARAM.finditer("?" + query):
        found.append(m.group(2))
    out = []
    for s in found:
        for form in (s, unquote(s)):
            if form and form not in out:
                out.append(form)
    return sorted(out, key=len, reverse=True)


def redact_url(url: str) -> str:
    """A URL for people: its password (in the user part or a password= parameter) shown as ***."""
    if "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    base, sep, query = rest.partition("?")
    if "@" in base:
        at = base.rfind("@")
        userinfo, host = base[:at], base[at:]
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        base = userinfo + host
    if sep:
        query = _SECRET_PARAM.sub(lambda m: m.group(1) + "***", "?" + query)[1:]
    return f"{scheme}://{base}{sep}{query}"


def redact(text: str, url: str) -> str:
    """Remove a URL's passwords from any text (error messages from drivers, tracebacks)."""
    for secret in secrets(url):
        text = text.replace(secret, "***")
    return _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), text)


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
