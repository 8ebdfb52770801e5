"""`activity import-mail`: .eml files, mbox files and Maildir folders become email activities (SPEC section 15).

Everything is read first, in a read transaction that takes no write lock (`read_mail`): a path that does not
exist or cannot be read refuses the whole command with its name and the reason; a message that cannot be
parsed, or has no date, is counted and skipped; a message's addresses stop at ``MAX_ADDRESSES`` (the rest are
counted).  Then `write_activities` writes what is new in batches of ``WRITE_BATCH``, each its own short
transaction, so a teammate's one-record command waiting for the write lock gets in between.  Once per account
and Message-ID: a run stopped between batches is finished by running it again, which adds nothing twice.
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
    addresses_skipped: int = 0  # past MAX_ADDRESSES in a message
    capped_messages: int = 0
    unmatched_domains: Counter = field(default_factory=Counter)
    dry_run: bool = False

    def as_dict(self) -> dict:
        return {"files": self.files, "messages": self.messages, "logged": self.logged, "already_there": self.already,
                "not_matched": self.not_matched, "no_date": self.no_date, "future_skipped": self.future,
                "unreadable": self.unreadable, "dry_run": self.dry_run, "addresses_skipped": self.addresses_skipped,
                "messages_over_address_cap": self.capped_messages,
                "unmatched_domains": [{"domain": d, "messages": n} for d, n in self.unmatched_domains.most_common(10)]}


def _refuse(path: str, reason: str) -> InvalidValue:
    return InvalidValue("path", path, reason, whole=True)


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


ADDRESS_HEADERS = ("from", "to", "cc")


def _addresses(msg) -> tuple[list[str], int]:
    """The addresses of From, To and Cc (at most MAX_ADDRESSES of them) and how many more there were.

    Read from the raw headers with one scan (`rules.split_addresses`), each entry parsed alone, so a message
    with 100,000 recipients costs a moment and little memory."""
    out: list[str] = []
    more = 0
    for name, raw in msg.raw_items():
        if name.lower() not in ADDRESS_HEADERS:
            continue
        entries, extra = rules.split_addresses(str(raw), rules.MAX_ADDRESSES - len(out))
        more += extra
        for entry in entries:
            found = [a for _, a in email.utils.getaddresses([" ".join(entry.split())])]
            out += [a for a in found if a and "@" in a]
    return out, more


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


def import_mail(store, *, paths: list[str], dry_run: bool,
                progress: Callable[[int, int], None] | None = None) -> Summary:
    """Read and match every message in a read transaction, then write the new activities in short batches."""
    with store.read() as session:
        wanted, summary = read_mail(session, paths=paths, dry_run=dry_run, progress=progress)
    write_activities(store, wanted, summary, source="mail", kind="email")
    return summary


def read_mail(session: Session, *, paths: list[str], dry_run: bool,
              progress: Callable[[int, int], None] | None = None) -> tuple[dict[tuple[int, str], dict], Summary]:
    """Every message read and matched (a read transaction: no write lock): the activities wanted, by account and
    Message-ID, and the summary so far."""
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
                addresses, more = _addresses(msg)
                subject = _clean(str(msg.get("Subject", "") or ""), 500) or "(no subject)"
            except Exception:  # noqa: BLE001 -- a message no parser makes sense of: counted, not fatal
                summary.unreadable += 1
                continue
            if more:
                summary.addresses_skipped += more
                summary.capped_messages += 1
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
    return wanted, summary


WRITE_BATCH = 2_000  # activities per write transaction: a few tens of milliseconds under the write lock


def _missing(session: Session, wanted: dict, *, source: str) -> list[dict]:
    """The wanted activities not in the store yet (by account and source id), in the order they are written."""
    table = Activity.__table__
    ids = sorted({msgid for _, msgid in wanted})
    have = set()
    for start in range(0, len(ids), 900):
        have.update(session.execute(select(table.c.account_id, table.c.source_id).where(
            table.c.source == source, table.c.source_id.in_(ids[start:start + 900]))).all())
    new = [row for key, row in wanted.items() if key not in have]
    new.sort(key=lambda r: (r["on_date"], r["account_id"], r["source_id"]))
    return new


def write_activities(store, wanted: dict, summary, *, source: str, kind: str) -> list[dict]:
    """Write the wanted activities that are not there yet, WRITE_BATCH at a time, each batch its own short write
    transaction that also works out first engagement again for the batch's accounts (the rule `activity log`
    applies; meetings count, emails do not).  A dry run only counts them, in a read transaction.  Returns the
    new ones."""
    from cstool.services.onboarding import refresh_first_engagement

    if summary.dry_run:
        with store.read() as session:
            new = _missing(session, wanted, source=source)
        summary.already, summary.logged = len(wanted) - len(new), len(new)
        return new
    written: list[dict] = []
    keys = list(wanted)
    for start in range(0, len(keys), WRITE_BATCH):
        part = {k: wanted[k] for k in keys[start:start + WRITE_BATCH]}
        with store.write() as session:  # re-checked under the lock: a concurrent run may have written some
            new = _missing(session, part, source=source)
            _insert_activities(session, new, actor=store.actor, source=source, kind=kind)
            if new:
                refresh_first_engagement(session, account_ids={r["account_id"] for r in new}, actor=store.actor)
        summary.already += len(part) - len(new)
        summary.logged += len(new)
        written += new
    return written


def _insert_activities(session: Session, new: list[dict], *, actor: str, source: str, kind: str) -> None:
    from cstool.services.importing.base import next_ids, sync_sequences
    from cstool.services.onboarding import record_created_bulk
    from cstool.storage.bulk import insert_rows

    if not new:
        return
    table = Activity.__table__
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


