"""`activity import-mail`: .eml files, mbox files and Maildir folders become email activities (SPEC section 15).

Everything is read first: a path that does not exist or cannot be read refuses the whole command with its
name and the reason.  A message that cannot be parsed, or has no date, is counted and skipped.  Then the
activities are written in one transaction: once per account and Message-ID, so importing again adds nothing.
"""

from __future__ import annotations

import email
import email.parser
import email.policy
import email.utils
import hashlib
import mailbox
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from cstool.clock import now, today
from cstool.domain import mail as rules
from cstool.errors import InvalidValue
from cstool.services.settings import get_setting
from cstool.storage.models import Account, Activity, Contact

PARSER = email.parser.BytesHeaderParser(policy=email.policy.default)  # headers only: no body is stored


@dataclass
class Summary:
    files: int = 0
    messages: int = 0
    logged: int = 0
    already: int = 0
    not_matched: int = 0
    no_date: int = 0
    future: int = 0
    unreadable: int = 0
    unmatched_domains: Counter = field(default_factory=Counter)
    dry_run: bool = False

    def as_dict(self) -> dict:
        return {"files": self.files, "messages": self.messages, "logged": self.logged, "already_there": self.already,
                "not_matched": self.not_matched, "no_date": self.no_date, "future_skipped": self.future,
                "unreadable": self.unreadable, "dry_run": self.dry_run,
                "unmatched_domains": [{"domain": d, "messages": n} for d, n in self.unmatched_domains.most_common(10)]}


def _refuse(path: str, reason: str) -> InvalidValue:
    return InvalidValue("path", path, reason)


def sources(paths: list[str]) -> list[tuple[str, str]]:
    """(kind, path) for every path given, checked before anything is read: eml, mbox or maildir."""
    out = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise _refuse(raw, "no such file or folder; nothing was imported")
        if p.is_dir():
            if (p / "cur").is_dir() or (p / "new").is_dir():
                out.append(("maildir", raw))
            else:
                files = sorted(x for x in p.iterdir() if x.is_file())
                if not files:
                    raise _refuse(raw, "the folder holds no message files and is not a Maildir; nothing was imported")
                out += [(_kind_of(str(x)), str(x)) for x in files]
        else:
            out.append((_kind_of(raw), raw))
    return out


def _kind_of(path: str) -> str:
    try:
        with open(path, "rb") as fh:
            head = fh.read(5)
    except OSError as exc:
        raise _refuse(path, f"it cannot be read ({exc.strerror or exc}); nothing was imported") from None
    return "mbox" if head == b"From " else "eml"


def messages(kind: str, path: str) -> Iterator[bytes]:
    try:
        if kind == "eml":
            with open(path, "rb") as fh:
                yield fh.read()
            return
        box = mailbox.Maildir(path, factory=None, create=False) if kind == "maildir" else \
            mailbox.mbox(path, factory=None, create=False)
        for key in box.iterkeys():
            yield box.get_bytes(key)
    except OSError as exc:
        raise _refuse(path, f"it cannot be read ({exc.strerror or exc}); nothing was imported") from None


def _addresses(msg) -> list[str]:
    out = []
    for name in ("From", "To", "Cc"):
        for value in msg.get_all(name, []) or []:
            try:
                out += [a.addr_spec for a in value.addresses]
            except Exception:  # a header the strict parser gives up on: read it the lenient way
                out += [addr for _, addr in email.utils.getaddresses([str(value)])]
    return [a for a in out if a and "@" in a]


def _clean(text: str, limit: int) -> str:
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())[:limit]


def _message_id(msg, raw: bytes) -> str:
    value = _clean(str(msg.get("Message-ID", "") or ""), 490).strip("<>")
    if value:
        return value
    digest = hashlib.sha256()  # no Message-ID: the same message still gets the same id
    for name in ("From", "To", "Cc", "Date", "Subject"):
        digest.update(str(msg.get(name, "")).encode("utf-8", "replace") + b"\0")
    return "sha256:" + digest.hexdigest()


def directory(session: Session) -> tuple[ZoneInfo, list[str], dict[str, tuple[int, int]], dict[str, int]]:
    """What both the mail and the calendar import match against: the store's time zone, the team's own domains,
    contacts' emails (-> account, contact) and accounts' domains (-> account), active accounts only."""
    zone = ZoneInfo(get_setting(session, "timezone"))
    team_setting = get_setting(session, "team-domains")
    team = team_setting.split(",") if team_setting else []
    live = Account.archived_at.is_(None)
    contacts = {email_.lower(): (aid, cid) for cid, aid, email_ in session.execute(
        select(Contact.id, Contact.account_id, Contact.email).join(Account, Account.id == Contact.account_id)
        .where(live, Contact.email.is_not(None)).order_by(Contact.id))}
    account_domains: dict[str, int] = {}
    for aid, listed in session.execute(select(Account.id, Account.domains).where(live, Account.domains.is_not(None))):
        for d in listed.split(","):
            account_domains.setdefault(d, aid)
    return zone, team, contacts, account_domains


def import_mail(session: Session, *, paths: list[str], dry_run: bool, actor: str,
                progress: Callable[[int, int], None] | None = None) -> Summary:
    found = sources(paths)
    summary = Summary(files=len(found), dry_run=dry_run)
    zone, team, contacts, account_domains = directory(session)
    latest = today() + timedelta(days=1)
    wanted: dict[tuple[int, str], dict] = {}
    for n, (kind, path) in enumerate(found):
        for raw in messages(kind, path):
            summary.messages += 1
            try:
                msg = PARSER.parsebytes(raw)
                msgid = _message_id(msg, raw)
                header = msg.get("Date")
                moment = header.datetime if header is not None and getattr(header, "datetime", None) else None
                addresses = _addresses(msg)
                subject = _clean(str(msg.get("Subject", "") or ""), 500) or "(no subject)"
            except Exception:  # noqa: BLE001 -- a message no parser makes sense of: counted, not fatal
                summary.unreadable += 1
                continue
            if moment is None:
                summary.no_date += 1
                continue
            day = rules.local_day(moment, zone)
            if day > latest:
                summary.future += 1
                continue
            accounts, unmatched = rules.match(addresses, contacts=contacts, account_domains=account_domains,
                                              team_domains=team)
            if not accounts:
                summary.not_matched += 1
                summary.unmatched_domains.update(set(unmatched))
                continue
            for aid, cid in accounts.items():
                wanted.setdefault((aid, msgid), {"account_id": aid, "on_date": day, "type": "email",
                                                 "subject": subject, "contact_id": cid, "source_id": msgid})
        if progress:
            progress(n + 1, len(found))
    write_activities(session, wanted, summary, actor=actor, source="mail", kind="email")
    return summary


def write_activities(session: Session, wanted: dict, summary, *, actor: str, source: str, kind: str) -> list[dict]:
    """Insert the activities not there yet (by account and source id) set-based; returns the new ones."""
    from cstool.services.importing.base import next_ids, sync_sequences
    from cstool.services.onboarding import record_created_bulk
    from cstool.storage.bulk import insert_rows

    table = Activity.__table__
    ids = sorted({msgid for _, msgid in wanted})
    have = set()
    for start in range(0, len(ids), 900):
        have.update(session.execute(select(table.c.account_id, table.c.source_id).where(
            table.c.source == source, table.c.source_id.in_(ids[start:start + 900]))).all())
    new = [row for key, row in wanted.items() if key not in have]
    summary.already = len(wanted) - len(new)
    summary.logged = len(new)
    if not new:
        return new
    new.sort(key=lambda r: (r["on_date"], r["account_id"], r["source_id"]))
    first = next_ids(session, table, len(new))
    stamp = now()
    columns = ["id", "account_id", "on_date", "type", "subject", "contact_id", "opportunity_id", "disposition",
               "notes", "created_at", "actor", "source", "source_id"]
    insert_rows(session, table, columns, [
        (i, r["account_id"], r["on_date"], kind, r["subject"], r["contact_id"], None, None, None, stamp, actor,
         source, r["source_id"]) for i, r in zip(first, new)])
    sync_sequences(session, [table])
    record_created_bulk(session, table, entity="activity", after=first[0] - 1, actor=actor,
                        snapshot=f'{{"source": "{source}"}}')
    from cstool.services.onboarding import refresh_first_engagement

    refresh_first_engagement(session, account_ids={r["account_id"] for r in new}, actor=actor)  # meetings count
    return new


