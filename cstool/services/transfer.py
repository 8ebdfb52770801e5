"""CSV import (validate everything, then write all or nothing) and table export.

Import streams the file twice: the first pass parses and checks every row
(keeping only errors and the keys it has seen), the second parses again and
writes in batches inside the caller's single transaction.  Memory stays flat
whatever the file's size.
"""

from __future__ import annotations

import csv

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Iterator, TextIO

from sqlalchemy import func, insert, select, update
from sqlmodel import Session

from cstool.clock import now, today
from cstool.domain import fields as f
from cstool.domain import gemstones
from cstool.domain.accounts import ACCOUNT_FIELDS
from cstool.domain.crm import CONTACT_FIELDS, opportunity_stage
from cstool.domain.dates import parse_date
from cstool.domain.onboarding import DELAY_CAUSES, STATUSES as ONBOARDING_STATUSES, check_dates, experience_score
from cstool.errors import CstoolError, InvalidValue, RuleViolation
from cstool.services.history import bulk_rows
from cstool.services.lookup import name_key
from cstool.storage.models import Account, Contact, History, Onboarding, ONBOARDING_OPEN, Opportunity, metadata

BATCH = 5000
MAX_ERRORS_SHOWN = 20


def _norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


# normalised header -> our field name, per kind (CRM export headers and our own names)
HEADERS: dict[str, dict[str, str]] = {
    "accounts": {
        "accountname": "name", "name": "name", "account": "name",
        "segment": "segment", "salessegment": "segment", "accountsegment": "segment",
        "plan": "plan", "productplan": "plan", "subscriptionplan": "plan",
        "users": "users", "licensedusers": "users", "seats": "users", "licenses": "users",
        "iacv": "iacv", "incrementalacv": "iacv",
        "health": "health", "healthscore": "health", "csmsentiment": "sentiment", "sentiment": "sentiment",
        "csm": "csm", "customersuccessmanager": "csm", "technicalaccountmanager": "csm", "tam": "csm",
        "sa": "sa", "solutionsarchitect": "sa", "owner": "owner", "accountowner": "owner", "ae": "owner",
        "csproject": "cs_project", "csprojecturl": "cs_project", "gitlabcustomersuccessproject": "cs_project",
        "slack": "slack", "slackchannel": "slack", "customerslackchannel": "slack",
        "stage": "stage", "lifecyclestage": "stage", "ebrcadence": "ebr_cadence",
    },
    "contacts": {
        "accountname": "account", "account": "account", "name": "name", "contactname": "name", "fullname": "name",
        "title": "title", "jobtitle": "title", "role": "role", "contactrole": "role", "email": "email",
        "emailaddress": "email", "phone": "phone", "phonenumber": "phone", "salutation": "salutation",
        "gitlabadmin": "gitlab_admin", "admin": "gitlab_admin",
    },
    "opportunities": {
        "accountname": "account", "account": "account", "opportunityname": "name", "name": "name",
        "stage": "stage", "closedate": "close_date", "amount": "amount", "iacv": "iacv",
        "incrementalacv": "iacv", "type": "type", "opportunitytype": "type",
    },
    "onboardings": {
        "accountname": "account", "account": "account", "status": "status", "onboardingstatus": "status",
        "purchasedate": "purchase_date", "originalcontractdate": "purchase_date", "startdate": "start_date",
        "firstengageddate": "first_engaged_date", "firstengaged": "first_engaged_date",
        "infrareadydate": "infra_ready_date", "infrastructurereadydate": "infra_ready_date",
        "firstvaluedate": "first_value_date", "firstvalue": "first_value_date",
        "finishdate": "finish_date", "completeddate": "finish_date", "csm": "owner", "owner": "owner",
        "greenfield": "greenfield", "notes": "notes", "surveysent": "survey_sent",
        "surveyreceived": "survey_received", "experiencescore": "experience_score", "score": "experience_score",
        "delayreason": "delay_reason", "delaycause": "delay_cause", "reason": "delay_reason", "cause": "delay_cause",
    },
}
KINDS = tuple(HEADERS)
REQUIRED = {"accounts": ("name",), "contacts": ("account", "name"), "opportunities": ("account", "name"),
            "onboardings": ("account",)}
TRUE = {"true", "yes", "y", "1", "x"}
FALSE = {"false", "no", "n", "0", ""}


def _bool(name: str, value: str) -> bool:
    v = value.strip().lower()
    if v in TRUE:
        return True
    if v in FALSE:
        return False
    raise InvalidValue(name, value, "use yes/no, true/false or 1/0")


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    error_count: int = 0
    ignored_headers: list[str] = field(default_factory=list)
    dry_run: bool = False
    onboardings_created: int = 0

    def as_dict(self) -> dict:
        return {"kind": self.kind, "rows": self.rows, "created": self.created, "updated": self.updated,
                "errors": [{"line": line, "reason": reason} for line, reason in self.errors],
                "error_count": self.error_count, "ignored_headers": self.ignored_headers, "dry_run": self.dry_run,
                "onboardings_created": self.onboardings_created}


class _Reader:
    """CSV records with the line each starts on, and the bytes read so far (for a progress bar)."""

    def __init__(self, stream: TextIO) -> None:
        self.bytes = 0
        self._stream = stream
        self.reader = csv.reader(self._lines())

    def _lines(self) -> Iterator[str]:
        for line in self._stream:
            self.bytes += len(line.encode("utf-8", "surrogatepass"))
            yield line

    def records(self) -> Iterator[tuple[int, list[str]]]:
        last = self.reader.line_num
        for record in self.reader:
            yield last + 1, record
            last = self.reader.line_num


def _open(path: str) -> TextIO:
    try:
        return open(path, newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidValue("file", path, "no such file") from None
    except IsADirectoryError:
        raise InvalidValue("file", path, "it is a directory; give a CSV file") from None
    except PermissionError:
        raise InvalidValue("file", path, "it cannot be read (permission denied)") from None


def _header_map(kind: str, header: list[str], result: ImportResult) -> dict[int, str]:
    known = HEADERS[kind]
    mapping, seen = {}, set()
    for i, h in enumerate(header):
        target = known.get(_norm(h))
        if target is None or target in seen:
            if h.strip():
                result.ignored_headers.append(h)
            continue
        mapping[i] = target
        seen.add(target)
    missing = [r for r in REQUIRED[kind] if r not in seen]
    if missing:
        raise RuleViolation(f"import: the header has no column for {', '.join(missing)} (accepted e.g. "
                            f"{', '.join(sorted(h for h, t in known.items() if t in missing)[:4])}); nothing was imported.")
    return mapping


# --- parsing one row per kind ------------------------------------------------------------------


def _parse(kind: str, raw: dict[str, str], date_order: str | None) -> dict[str, Any]:
    if kind == "accounts":
        given = {k: v for k, v in raw.items() if k != "name" and v.strip() != ""}
        values = f.parse_fields(ACCOUNT_FIELDS, given)
        values["name"] = f.name("name", raw.get("name", ""))
        return values
    if kind == "contacts":
        given = {k: v for k, v in raw.items() if k in CONTACT_FIELDS and v.strip() != ""}
        values = f.parse_fields(CONTACT_FIELDS, given)
        if raw.get("gitlab_admin", "").strip():
            values["gitlab_admin"] = _bool("gitlab_admin", raw["gitlab_admin"])
        values["name"] = f.name("name", raw.get("name", ""))
        values["account"] = f.text("account", raw.get("account", ""), required=True)
        return values
    if kind == "opportunities":
        values: dict[str, Any] = {"name": f.name("name", raw.get("name", "")),
                                  "account": f.text("account", raw.get("account", ""), required=True)}
        if raw.get("stage", "").strip():
            values["stage"] = opportunity_stage(raw["stage"])
        if raw.get("close_date", "").strip():
            values["close_date"] = parse_date(raw["close_date"], field="close_date", date_order=date_order)
        for key in ("amount", "iacv"):
            if raw.get(key, "").strip():
                values[f"{key}_cents"] = f.to_cents(f.money(key, raw[key]))
        if raw.get("type", "").strip():
            values["type"] = f.choice("type", raw["type"], f.OPPORTUNITY_TYPES)
        return values
    values = {"account": f.text("account", raw.get("account", ""), required=True)}
    for key in ("purchase_date", "start_date", "first_engaged_date", "infra_ready_date", "first_value_date",
                "finish_date"):
        if raw.get(key, "").strip():
            values[key] = parse_date(raw[key], field=key, date_order=date_order)
    for key in ("greenfield", "survey_sent", "survey_received"):
        if raw.get(key, "").strip():
            values[key] = _bool(key, raw[key])
    if raw.get("experience_score", "").strip():
        values["experience_score"] = experience_score(raw["experience_score"])
    for key, limit in (("owner", 200), ("notes", 4000), ("delay_reason", 2000)):
        if raw.get(key, "").strip():
            values[key] = f.text(key, raw[key], max_len=limit)
    if raw.get("delay_cause", "").strip():
        values["delay_cause"] = f.choice("delay_cause", raw["delay_cause"], DELAY_CAUSES)
    if raw.get("status", "").strip():
        values["status"] = f.choice("status", raw["status"], ONBOARDING_STATUSES)
    else:
        values["status"] = ("completed" if values.get("finish_date") else
                            "in-progress" if values.get("start_date") else "not-started")
    if values["status"] == "completed" and not values.get("finish_date"):
        raise RuleViolation("finish_date: a completed onboarding needs its finish date")
    check_dates({k: values.get(k) for k in ("purchase_date", "start_date", "first_engaged_date", "infra_ready_date",
                                            "first_value_date", "finish_date")}, today=today())
    return values


def _key(kind: str, values: dict, account_id: int | None) -> tuple:
    if kind == "accounts":
        return (name_key(values["name"]),)
    if kind == "onboardings":
        return (account_id, values["status"] in ONBOARDING_OPEN)
    return (account_id, values["name"].casefold())


# --- the import ----------------------------------------------------------------------------------


def import_csv(
    session: Session, *, kind: str, path: str, date_order: str | None, dry_run: bool, update_existing: bool,
    actor: str, progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    kind = f.choice("table", kind, KINDS)
    if date_order is not None:
        date_order = f.choice("date-order", date_order, ("mdy", "dmy", "ymd"))
    result = ImportResult(kind=kind, dry_run=dry_run)
    import os

    total_bytes = os.path.getsize(path) if os.path.isfile(path) else 0
    seen: set[tuple] = set()
    with _open(path) as stream:
        reader = _Reader(stream)
        records = reader.records()
        try:
            _, header = next(records)
        except StopIteration:
            raise RuleViolation(f"import: {path} is empty; nothing was imported.") from None
        except csv.Error as exc:
            raise RuleViolation(f"import: {path} is not a readable CSV ({exc}); nothing was imported.") from None
        mapping = _header_map(kind, header, result)
        for batch in _batches(reader, records, mapping, len(header), result):
            _validate(session, kind, batch, date_order, update_existing, seen, result)
            if progress:
                progress(reader.bytes, total_bytes * 2)
    result.errors.sort()
    if result.error_count or dry_run:
        return result
    with _open(path) as stream:
        reader = _Reader(stream)
        records = reader.records()
        next(records)
        scratch = ImportResult(kind=kind)
        for batch in _batches(reader, records, mapping, len(header), scratch):
            _write(session, kind, batch, date_order, update_existing, actor, result)
            if progress:
                progress(total_bytes + reader.bytes, total_bytes * 2)
    return result


def _batches(reader: _Reader, records, mapping: dict[int, str], width: int, result: ImportResult):
    batch: list[tuple[int, dict[str, str]]] = []
    try:
        for line, record in records:
            if not any(cell.strip() for cell in record):
                continue
            result.rows += 1
            if len(record) > width and any(c.strip() for c in record[width:]):
                _error(result, line, f"{len(record)} fields where the header has {width}")
                continue
            batch.append((line, {name: (record[i] if i < len(record) else "") for i, name in mapping.items()}))
            if len(batch) >= BATCH:
                yield batch
                batch = []
    except csv.Error as exc:
        _error(result, reader.reader.line_num, f"unreadable CSV: {exc}")
    if batch:
        yield batch


def _error(result: ImportResult, line: int, reason: str) -> None:
    result.error_count += 1
    if len(result.errors) < MAX_ERRORS_SHOWN:
        result.errors.append((line, reason))


def _account_ids(session: Session, names: set[str]) -> dict[str, int]:
    if not names:
        return {}
    found: dict[str, int] = {}
    keys = list(names)
    for start in range(0, len(keys), 900):
        chunk = keys[start:start + 900]
        found.update(dict(session.execute(select(Account.name_key, Account.id).where(Account.name_key.in_(chunk))).all()))
    return found


def _existing(session: Session, kind: str, keys: list[tuple]) -> dict[tuple, int]:
    """Which of these keys already exist in the store: key -> record id."""
    if not keys:
        return {}
    if kind == "accounts":
        return {(k,): i for k, i in _account_ids(session, {k[0] for k in keys}).items()}
    if kind == "onboardings":
        ids = {k[0] for k in keys}
        rows = session.execute(select(Onboarding.account_id, Onboarding.id).where(
            Onboarding.account_id.in_(ids), Onboarding.status.in_(ONBOARDING_OPEN))).all()
        return {(aid, True): oid for aid, oid in rows}
    model = Contact if kind == "contacts" else Opportunity
    ids = {k[0] for k in keys}
    rows = session.execute(select(model.account_id, func.lower(model.name), model.id).where(model.account_id.in_(ids))).all()
    wanted = set(keys)
    return {(a, n.casefold()): i for a, n, i in rows if (a, n.casefold()) in wanted}


def _parse_batch(session: Session, kind: str, batch, date_order, on_error) -> list[tuple[int, dict, int | None]]:
    parsed = []
    for line, raw in batch:
        try:
            parsed.append((line, _parse(kind, raw, date_order)))
        except CstoolError as exc:
            on_error(line, exc.message)
    if kind == "accounts":
        return [(line, values, None) for line, values in parsed]
    ids = _account_ids(session, {name_key(v["account"]) for _, v in parsed})
    out = []
    for line, values in parsed:
        aid = ids.get(name_key(values["account"]))
        if aid is None:
            on_error(line, f"account: no account named {values['account']!r} (import accounts first)")
            continue
        out.append((line, values, aid))
    return out


def _validate(session, kind, batch, date_order, update_existing, seen, result) -> None:
    rows = _parse_batch(session, kind, batch, date_order, lambda line, msg: _error(result, line, msg))
    keys = [_key(kind, v, aid) for _, v, aid in rows]
    existing = _existing(session, kind, keys)
    for (line, values, aid), key in zip(rows, keys):
        if kind == "onboardings" and not key[1]:
            continue  # completed ones may repeat per account
        if key in seen:
            _error(result, line, "appears twice in the file" if kind != "onboardings"
                   else "a second open onboarding for this account in the file")
            continue
        seen.add(key)
        if key in existing and not update_existing:
            what = "an open onboarding" if kind == "onboardings" else f"{values.get('name')!r}"
            _error(result, line, f"{what} already exists (give --update to update it)")


def _write(session, kind, batch, date_order, update_existing, actor, result) -> None:
    rows = _parse_batch(session, kind, batch, date_order, lambda line, msg: None)
    keys = [_key(kind, v, aid) for _, v, aid in rows]
    existing = _existing(session, kind, keys) if (update_existing or kind == "onboardings") else {}
    stamp = now()
    new, changed = [], []
    for (line, values, aid), key in zip(rows, keys):
        if key in existing and (kind != "onboardings" or key[1]):
            changed.append((existing[key], values, aid))
        else:
            new.append((values, aid))
    model = {"accounts": Account, "contacts": Contact, "opportunities": Opportunity, "onboardings": Onboarding}[kind]
    entity = {"accounts": "account", "contacts": "contact", "opportunities": "opportunity", "onboardings": "onboarding"}[kind]
    if new:
        records = [_record(kind, values, aid, stamp) for values, aid in new]
        table = model.__table__  # Core executemany: no ORM bulk machinery, no row-at-a-time RETURNING
        before = session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
        session.execute(insert(table), records)
        new_ids = _ids_of(session, kind, records, after=before)
        history = bulk_rows(actor=actor, entity=entity, changes=(
            (rid, rec.get("account_id", rid), "(created)", None, '{"source": "import"}')
            for rid, rec in zip(new_ids, records)))
        session.execute(insert(History.__table__), history)
        result.created += len(new_ids)
        if kind == "accounts":
            from cstool.services.onboarding import create_pending_onboardings_bulk

            qualifying = [rid for rid, rec in zip(new_ids, records) if rec["gemstone_rank"] <= 4]
            result.onboardings_created += len(create_pending_onboardings_bulk(session, account_ids=qualifying, actor=actor))
    for record_id, values, aid in changed:
        _update_one(session, kind, model, entity, record_id, values, aid, actor)
        result.updated += 1
    if changed and kind == "accounts":
        from cstool.services.gemstones import recalc_all

        result.onboardings_created += recalc_all(session, actor=actor, dry_run=False,
                                                 only_ids=[rid for rid, _, _ in changed])["onboardings_created"]


def _ids_of(session: Session, kind: str, records: list[dict], *, after: int) -> list[int]:
    """The ids (all above `after`) of rows just inserted, in the order given, found by their natural keys."""
    if kind == "accounts":
        found = _account_ids(session, {r["name_key"] for r in records})
        return [found[r["name_key"]] for r in records]
    model = {"contacts": Contact, "opportunities": Opportunity, "onboardings": Onboarding}[kind]
    accounts = sorted({r["account_id"] for r in records})
    ids: dict[tuple, list[int]] = {}
    for start in range(0, len(accounts), 900):
        chunk = accounts[start:start + 900]
        key_col = model.name if kind != "onboardings" else model.status
        for aid, key, rid in session.execute(
            select(model.account_id, key_col, model.id).where(model.account_id.in_(chunk), model.id > after)
            .order_by(model.id.desc())
        ).all():
            ids.setdefault((aid, key), []).append(rid)
    out = []
    for r in records:  # the newest rows with this key are the ones just inserted, oldest of them first
        bucket = ids[(r["account_id"], r["name"] if kind != "onboardings" else r["status"])]
        out.append(bucket.pop())
    return out


def _record(kind: str, values: dict, aid: int | None, stamp: datetime) -> dict:
    if kind == "accounts":
        gem = gemstones.compute(values.get("users"), values.get("plan"),
                                None if values.get("iacv_cents") is None else values["iacv_cents"] / 100)
        base = {c: None for c in ("segment", "plan", "users", "iacv_cents", "health", "csm_sentiment", "csm", "sa",
                                  "owner", "cs_project_url", "slack_channel", "lifecycle_stage", "ebr_cadence")}
        return {**base, **values, "name_key": name_key(values["name"]), "gemstone": gem.name,
                "gemstone_rank": gem.rank, "created_at": stamp, "updated_at": stamp}
    if kind == "contacts":
        base = {c: None for c in ("title", "role", "email", "phone", "salutation")}
        return {**base, "gitlab_admin": False, **{k: v for k, v in values.items() if k != "account"}, "account_id": aid}
    if kind == "opportunities":
        base = {"stage": "discovery", "close_date": None, "amount_cents": None, "iacv_cents": None, "type": None}
        return {**base, **{k: v for k, v in values.items() if k != "account"}, "account_id": aid}
    base = {c: None for c in ("owner", "team", "greenfield", "purchase_date", "start_date", "first_engaged_date",
                              "infra_ready_date", "first_value_date", "finish_date", "notes", "challenges",
                              "success_plan_url", "delay_reason", "delay_cause", "survey_sent", "survey_received",
                              "experience_score", "opportunity_id")}
    return {**base, **{k: v for k, v in values.items() if k != "account"}, "account_id": aid, "created_at": stamp,
            "updated_at": stamp}


def _update_one(session, kind, model, entity, record_id, values, aid, actor) -> None:
    values = {k: v for k, v in values.items() if k != "account"}
    if kind == "accounts":
        values.pop("name", None)  # the key; renames go through `account update`
    current = session.get(model, record_id)
    changes = {k: (getattr(current, k), v) for k, v in values.items() if getattr(current, k) != v}
    if not changes:
        return
    if kind == "onboardings":
        merged = {k: getattr(current, k) for k in ("purchase_date", "start_date", "first_engaged_date",
                                                   "infra_ready_date", "first_value_date", "finish_date")}
        merged.update({k: v for k, v in values.items() if k in merged})
        check_dates(merged, today=today())
    extra = {"updated_at": now()} if hasattr(model, "updated_at") else {}
    session.execute(update(model).where(model.id == record_id).values(**{k: v for k, (_, v) in changes.items()}, **extra)
                    .execution_options(synchronize_session=False))
    session.execute(insert(History), bulk_rows(actor=actor, entity=entity, changes=(
        (record_id, aid if aid is not None else record_id, k, o, n) for k, (o, n) in changes.items())))


# --- export --------------------------------------------------------------------------------------

TABLE_ALIASES = {"accounts": "account", "contacts": "contact", "opportunities": "opportunity",
                 "onboardings": "onboarding", "activities": "activity", "tasks": "task", "ebrs": "ebr",
                 "pses": "pse", "settings": "setting", "usage": "license_usage"}


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def export_rows(session: Session, *, table: str, fmt: str, out: TextIO) -> int:
    name = TABLE_ALIASES.get(table.strip().lower(), table.strip().lower())
    if name not in metadata.tables or name == "alembic_version":
        raise InvalidValue("table", table, "use one of " + ", ".join(sorted(metadata.tables)))
    t = metadata.tables[name]
    columns = [c.name for c in t.columns]
    result = session.execute(select(t).order_by(*t.primary_key.columns).execution_options(yield_per=2000))
    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in result:
            writer.writerow(["" if v is None else ("true" if v is True else "false" if v is False else _cell(v))
                             for v in row])
            count += 1
    elif fmt == "jsonl":
        for row in result:
            out.write(json.dumps({c: _cell(v) for c, v in zip(columns, row)}, ensure_ascii=False) + "\n")
            count += 1
    else:
        out.write("[")
        for row in result:
            out.write(("," if count else "") + "\n  " + json.dumps({c: _cell(v) for c, v in zip(columns, row)},
                                                                   ensure_ascii=False))
            count += 1
        out.write("\n]\n" if count else "]\n")
    return count


