"""Which accounts a message or meeting concerns, and on which day (SPEC section 15). Pure functions."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone, tzinfo


def address_domain(address: str) -> str | None:
    address = address.strip().lower()
    if "@" not in address:
        return None
    return address.rsplit("@", 1)[1].strip(".>") or None


def domain_of(domain: str, candidates: list[str]) -> str | None:
    """The candidate this domain is, or is a subdomain of (eu.acme.com is acme.com's); the longest wins."""
    hits = [d for d in candidates if domain == d or domain.endswith("." + d)]
    return max(hits, key=len) if hits else None


def match(addresses: list[str], *, contacts: dict[str, tuple[int, int]], account_domains: dict[str, int],
          team_domains: list[str]) -> tuple[dict[int, int | None], list[str]]:
    """{account_id: contact_id or None} for every account the addresses concern, and the unmatched domains.

    A contact's email (any case) matches its account; otherwise the address's domain (subdomains included)
    matches the account that lists it. The team's own domains never match a customer."""
    accounts: dict[int, int | None] = {}
    unmatched = []
    for raw in addresses:
        address = raw.strip().lower()
        domain = address_domain(address)
        if domain is None or domain_of(domain, team_domains):
            continue
        if address in contacts:
            aid, cid = contacts[address]
            if accounts.get(aid) is None:
                accounts[aid] = cid
            continue
        owner = domain_of(domain, list(account_domains))
        if owner is not None:
            accounts.setdefault(account_domains[owner], None)
        else:
            unmatched.append(domain)
    return accounts, unmatched


def local_day(moment: datetime, zone: tzinfo) -> date:
    """The day a moment falls on in the store's time zone (a moment without an offset is taken as UTC).

    A moment at the very edge of the calendar (9999-12-31 23:00 -0500) has no local day: it is far in the
    future, so it is the last day there is (and an import skips it as a future message)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(zone).date()
    except (OverflowError, ValueError):
        return date.max if moment.year > 1 else date.min


# --- bounded work (SPEC 10) ---------------------------------------------------------------------------------

MAX_ADDRESSES = 1_000  # addresses read from one message (From, To and Cc together); the rest are counted
MAX_OCCURRENCES = 5_000  # occurrences one calendar event expands to; later ones are counted, not imported

# One address of a header list: quoted strings, <angle addresses> and (comments) may hold commas.
_ADDRESS_PART = re.compile(r'"(?:[^"\\]|\\.)*"?|<[^>]*>?|\([^)]*\)?|[^,"<(]+')


def split_addresses(text: str, limit: int) -> tuple[list[str], int]:
    """The first `limit` comma-separated entries of an address header, and how many more there are.

    A scan of the raw header, so a header of 100,000 addresses costs one pass and no parsing of the rest."""
    entries: list[str] = []
    more = 0
    current: list[str] = []
    position = 0
    size = len(text)
    while position < size:
        if text[position] == ",":
            if current:
                if len(entries) < limit:
                    entries.append("".join(current).strip())
                else:
                    more += 1
                current = []
            position += 1
            continue
        found = _ADDRESS_PART.match(text, position)
        if found is None:  # never happens: the pattern takes any one character but a comma
            position += 1
            continue
        if len(entries) < limit:
            current.append(found.group())
        else:
            current = ["-"]  # past the cap: only count the entries
        position = found.end()
    if current and "".join(current).strip():
        if len(entries) < limit:
            entries.append("".join(current).strip())
        else:
            more += 1
    return [e for e in entries if e], more


def recurrence_problem(rule: dict) -> str | None:
    """Why a recurrence rule cannot be expanded (an INTERVAL of 0 repeats forever), or None.
    `rule` maps RRULE parts (upper case) to their value lists, as iCalendar readers give them."""
    for raw in rule.get("INTERVAL", []) or []:
        try:
            interval = int(raw)
        except (TypeError, ValueError):
            return f"INTERVAL={raw} is not a whole number"
        if interval < 1:
            return f"INTERVAL={interval} never moves on (it must be 1 or more)"
    return None
