"""`activity import-calendar`: events from iCalendar exports become meeting activities (SPEC section 15).

Google, Outlook (Windows time-zone names in VTIMEZONE blocks), Thunderbird and Apple exports are read with
`icalendar`; recurring series are expanded with `recurring-ical-events` (RRULE, RDATE, EXDATE, moved and
cancelled occurrences) up to today.  A file that cannot be parsed or expanded is refused with its name and the
reason; nothing is written.  Once per account and event occurrence (UID + recurrence id).

Bounded work (SPEC 10): a rule whose INTERVAL is 0 is refused (it never moves on); one event expands to at most
``MAX_OCCURRENCES`` (its first ones; later ones are counted and reported), which also bounds SECONDLY and
MINUTELY series.  The file is read and matched in a read transaction; the meetings are written in short
batches afterwards (see `mail.write_activities`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable

from sqlmodel import Session

from cstool.clock import today
from cstool.domain import mail as rules
from cstool.errors import CstoolError, InvalidValue, clip

EARLIEST = date(1990, 1, 1)


@dataclass
class Summary:
    events: int = 0
    occurrences: int = 0
    logged: int = 0
    already: int = 0
    not_matched: int = 0
    future: int = 0
    cancelled: int = 0
    declined: int = 0
    capped_events: int = 0  # events with more than MAX_OCCURRENCES occurrences up to today
    occurrences_skipped: int = 0  # their later occurrences (counted up to another MAX_OCCURRENCES each)
    unmatched_domains: Counter = field(default_factory=Counter)
    dry_run: bool = False

    def as_dict(self) -> dict:
        return {"events": self.events, "occurrences": self.occurrences, "logged": self.logged,
                "already_there": self.already, "not_matched": self.not_matched, "future_skipped": self.future,
                "cancelled": self.cancelled, "declined": self.declined, "dry_run": self.dry_run,
                "events_over_occurrence_cap": self.capped_events, "occurrences_skipped": self.occurrences_skipped,
                "unmatched_domains": [{"domain": d, "events": n} for d, n in self.unmatched_domains.most_common(10)]}


def _refuse(path: str, reason: str) -> InvalidValue:
    return InvalidValue("file", path, reason + "; nothing was imported", whole=True)


def read_calendar(path: str):
    """The parsed calendar, or a refusal naming the file and the reason."""
    import icalendar

    p = Path(path)
    if not p.is_file():
        raise _refuse(path, "no such file" if not p.exists() else "it is not a file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise _refuse(path, f"it cannot be read ({exc.strerror or exc})") from None
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except Exception as exc:  # noqa: BLE001 -- icalendar raises several kinds on broken input
        raise _refuse(path, f"it is not a readable iCalendar file ({clip(str(exc).splitlines()[0]) or type(exc).__name__})") \
            from None
    if not calendars:
        raise _refuse(path, "it holds no calendar")
    return calendars


def _address(value) -> str:
    text = str(value).strip()
    return text[7:] if text.lower().startswith("mailto:") else text


def _people(component, key: str) -> list:
    value = component.get(key)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _day(value, zone) -> date:
    if isinstance(value, datetime):
        return rules.local_day(value, zone) if value.tzinfo is not None else value.date()
    return value


def import_calendar(store, *, path: str, dry_run: bool, progress: Callable[[int, int], None] | None = None) -> Summary:
    """Read and match the whole file in a read transaction, then write the new meetings in short batches (each
    batch runs the first-engagement rule for its accounts: meetings count)."""
    from cstool.services.mail import write_activities

    with store.read() as session:
        wanted, summary = read_events(session, path=path, dry_run=dry_run, progress=progress)

    write_activities(store, wanted, summary, source="calendar", kind="meeting")
    return summary


def read_events(session: Session, *, path: str, dry_run: bool,
                progress: Callable[[int, int], None] | None = None) -> tuple[dict, Summary]:
    from cstool.services.mail import directory

    calendars = read_calendar(path)
    summary = Summary(dry_run=dry_run)
    zone, team, contacts, account_domains = directory(session)
    now_day = today()
    wanted: dict[tuple[int, str], dict] = {}
    try:
        _collect(calendars, wanted, summary, zone=zone, now_day=now_day, contacts=contacts,
                 account_domains=account_domains, team=team, path=path, progress=progress)
    except CstoolError:
        raise
    except Exception as exc:  # noqa: BLE001 -- a property no reader makes sense of (a broken DTSTART...)
        raise _refuse(path, f"an event cannot be read ({clip(str(exc).splitlines()[0]) or type(exc).__name__})") \
            from None
    return wanted, summary


def _collect(calendars, wanted: dict, summary: Summary, *, zone, now_day: date, contacts: dict, account_domains: dict,
             team: list[str], path: str, progress) -> None:
    """Every past occurrence with a customer, keyed by account and UID + recurrence id, into `wanted`."""
    import recurring_ical_events

    for cal in calendars:
        masters = [c for c in cal.walk("VEVENT") if c.get("RECURRENCE-ID") is None]
        summary.events += len(masters)
        for c in masters:
            start = c.get("DTSTART")
            if start is not None and _day(start.dt, zone) > now_day and c.get("RRULE") is None:
                summary.future += 1
            for rule in _people(c, "RRULE"):
                problem = rules.recurrence_problem(dict(rule))
                if problem:
                    raise _refuse(path, f"event {clip(str(c.get('UID', '') or c.get('SUMMARY', '') or '?'), 60)!r} "
                                        f"repeats with {problem}")
        try:
            occurrences = _bounded_occurrences(recurring_ical_events.of(cal, skip_bad_series=False), summary,
                                               EARLIEST, now_day + timedelta(days=1))
        except Exception as exc:  # noqa: BLE001 -- a broken RRULE or time zone: refuse the file, say why
            raise _refuse(path, f"its events cannot be expanded ({clip(str(exc).splitlines()[0]) or type(exc).__name__})") \
                from None
        for n, occurrence in enumerate(occurrences):
            summary.occurrences += 1
            if str(occurrence.get("STATUS", "")).upper() == "CANCELLED":
                summary.cancelled += 1
                continue
            start = occurrence.get("DTSTART")
            if start is None:
                continue
            day = _day(start.dt, zone)
            if day > now_day:
                continue
            organizer = [_address(o) for o in _people(occurrence, "ORGANIZER")]
            attendees = [(_address(a), str(getattr(a, "params", {}).get("PARTSTAT", "")).upper())
                         for a in _people(occurrence, "ATTENDEE")]
            accounts, unmatched = rules.match(organizer + [a for a, _ in attendees], contacts=contacts,
                                              account_domains=account_domains, team_domains=team)
            if not accounts:
                summary.not_matched += 1
                summary.unmatched_domains.update(set(unmatched))
                continue
            customers = [(a, status) for a, status in attendees
                         if rules.match([a], contacts=contacts, account_domains=account_domains, team_domains=team)[0]]
            organized_by_customer = rules.match(organizer, contacts=contacts, account_domains=account_domains,
                                                team_domains=team)[0]
            if customers and not organized_by_customer and all(s == "DECLINED" for _, s in customers):
                summary.declined += 1
                continue
            recurrence = occurrence.get("RECURRENCE-ID")
            key = f"{occurrence.get('UID', '')}/{(recurrence or start).dt.isoformat()}"[:500]
            subject = " ".join(str(occurrence.get("SUMMARY", "") or "").split())[:500] or "(no title)"
            for aid, cid in accounts.items():
                wanted.setdefault((aid, key), {"account_id": aid, "on_date": day, "subject": subject,
                                               "contact_id": cid, "source_id": key})
            if progress and n % 500 == 0:
                progress(n, max(n, 1))


def _bounded_occurrences(query, summary: Summary, start: date, stop: date) -> list:
    """Each series' occurrences between the days, at most MAX_OCCURRENCES of one event (its first ones); the
    later ones are counted (up to as many again) and the event noted, so a SECONDLY rule costs what a daily one
    does."""
    from itertools import islice

    begin, end = query.to_datetime(start), query.to_datetime(stop)
    out = []
    for series in query.series:
        found = iter(series.between(begin, end))
        first = list(islice(found, rules.MAX_OCCURRENCES))
        rest = sum(1 for _ in islice(found, rules.MAX_OCCURRENCES))
        if rest:
            summary.capped_events += 1
            summary.occurrences_skipped += rest
        out += [o.as_component(False) for o in first]
    return out
