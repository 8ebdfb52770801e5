"""What every import kind shares: the columns and kinds, the parse step and the two passes.

Reading a file (its encoding, separator, and the lines a CRM report adds) is ``reading.py``; which column
is which field (known headers, ``--map``, the warning for an unused column) is ``headers.py``.

A kind (see ``kinds_*.py``) is a declaration: its columns (our field name, the CRM headers that mean
the same, the parser of one cell), a ``resolve`` step that turns references into ids and applies the
rules that need the store or the other rows, and a ``write`` step.  ``check`` and ``write`` do the rest for every
kind alike:

1. read the header, match it to the columns (case and spacing ignored), refuse a missing required one;
   without --date-order, let the file's numeric dates decide their order (``decide_date_order``);
2. ``check``: parse and resolve every row in batches, collecting bad rows by line, in a READ transaction:
   nothing is written and no write lock is held, however long the file takes to read;
3. ``write``: with no bad row, in the caller's one write transaction, resolve each batch again (the store
   may have moved on since step 2) and write it, then call the kind's ``finish`` (links between rows of the
   file), which may still refuse rows.  Only this pass holds the write lock.

A file's records are kept between the passes while it is small enough (``KEEP_ROWS``), so most files are
read once; a larger file is read again for the write pass and memory stays flat.
"""

from __future__ import annotations

import os
import re
from operator import itemgetter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable

from sqlalchemy import func, insert, select, text as sql_text
from typing import TYPE_CHECKING

from cstool.services.importing import cells
from cstool.errors import CstoolError, InvalidValue, RuleViolation
from cstool.services.history import bulk_rows
from cstool.storage.hooks import hold_point
from cstool.storage.tables import history as History

BATCH = 5000
KEEP_ROWS = 100_000
MAX_ERRORS_SHOWN = 20

if TYPE_CHECKING:
    from sqlmodel import Session


def norm(header: str) -> str:
    """A header as compared: case, spacing and punctuation ignored, and a Salesforce API name's `__c`
    suffix dropped (`Health_Score__c`, what Data Loader writes, is `Health Score`)."""
    return re.sub(r"[^a-z0-9]", "", re.sub(r"__c$", "", header.strip().lower()))


@dataclass(frozen=True)
class Column:
    field: str  # our name: the key in a row's values, and a header the import accepts
    headers: tuple[str, ...] = ()  # other spellings (CRM exports)
    parse: Callable[[str, "Context", str], Any] = cells.text()
    required: bool = False
    note: str = ""  # what `import KIND --columns` says beside the headers (e.g. read, not stored)

    @property
    def reads_date(self) -> bool:
        return getattr(self.parse, "reads_date", False)


@dataclass(slots=True)
class Row:
    line: int
    values: dict[str, Any]
    account_id: int | None = None
    existing_id: int | None = None  # the record this row updates (--update) or fills (a placeholder)
    refs: dict[str, Any] = field(default_factory=dict)


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
    placeholders_filled: int = 0
    mode: str = "crm"
    skipped: dict[str, int] = field(default_factory=dict)  # why -> lines (report footer, totals rows)
    warnings: list[str] = field(default_factory=list)  # unused columns with the field they may be, ...
    date_order: str | None = None  # the numeric date order the file decided (mdy|dmy), when it did
    date_order_because: str = ""  # "10/27/2026 on line 3"
    source_format: str = ""  # "Windows-1252, semicolon-separated"

    def as_dict(self) -> dict:
        return {"kind": self.kind, "rows": self.rows, "created": self.created, "updated": self.updated,
                "errors": [{"line": line, "reason": reason} for line, reason in self.errors],
                "error_count": self.error_count, "ignored_headers": self.ignored_headers, "dry_run": self.dry_run,
                "onboardings_created": self.onboardings_created, "placeholders_filled": self.placeholders_filled,
                "skipped_lines": [{"reason": why, "lines": n} for why, n in self.skipped.items()],
                "warnings": self.warnings, "date_order": self.date_order, "file_format": self.source_format}

    def error(self, line: int, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_SHOWN:
            self.errors.append((line, reason))


@dataclass
class Context:
    session: Session
    result: ImportResult
    actor: str
    today: date
    stamp: datetime
    date_order: str | None = None
    update: bool = False
    options: dict[str, Any] = field(default_factory=dict)
    seen: dict[Any, int] = field(default_factory=dict)  # a key of the file -> its first line
    state: dict[str, Any] = field(default_factory=dict)  # what a kind carries between batches and passes
    writing: bool = False

    def error(self, line: int, reason: str) -> None:
        self.result.error(line, reason)

    def first_time(self, key: Any, line: int, what: str = "appears twice in the file") -> bool:
        """False (and a bad row) when the key was already on an earlier line of the file."""
        if key in self.seen:
            self.error(line, f"{what} (first on line {self.seen[key]})")
            return False
        self.seen[key] = line
        return True


@dataclass(frozen=True)
class Kind:
    name: str  # accounts
    table: str  # the table it fills (export's name for it)
    entity: str  # the history entity
    columns: tuple[Column, ...]
    resolve: Callable[[Context, list[Row]], list[Row]]
    write: Callable[[Context, list[Row]], None]
    finish: Callable[[Context], None] | None = None
    aliases: tuple[str, ...] = ()
    help: str = ""
    history_account: Callable | None = None  # the account of a row, in SQL, when the table has no account_id
    # (fields, warning): a rule needs one of these fields; a file with none of them is warned about once
    needs: tuple[tuple[tuple[str, ...], str], ...] = ()

    def header_map(self, header: list[str], result: ImportResult,
                   mapped: dict[str, str] | None = None) -> dict[int, Column]:
        from cstool.services.importing.headers import header_map

        return header_map(self, header, result, mapped or {})


# --- reading: see reading.py (encodings, separators, report lines); the names stay importable from here ----

from cstool.services.importing.reading import Reader, raw_batches, read_header  # noqa: E402,F401


CACHE_MAX = 20_000  # distinct cells remembered per column (segments, plans, CSMs, dates repeat a lot)
_MISS = object()


def _parse_rows(ctx: Context, mapping: dict[int, Column], width: int, batch) -> list[Row]:
    """Parse every mapped cell.  Parsers are pure (the cell, the date order, today), so a cell seen before
    in the same column gets the value it got then."""
    caches = ctx.state.setdefault("parsed", {i: {} for i in mapping})
    rows = []
    for line, record in batch:
        if len(record) > width and any(c.strip() for c in record[width:]):
            ctx.error(line, f"{len(record)} fields where the header has {width}")
            continue
        values: dict[str, Any] = {}
        try:
            for i, column in mapping.items():
                cell = record[i] if i < len(record) else ""
                cache = caches[i]
                value = cache.get(cell, _MISS)
                if value is _MISS:
                    if cell.strip() == "":
                        if column.required:
                            raise InvalidValue(column.field, cell, "it may not be empty")
                        continue
                    value = column.parse(cell, ctx, column.field)
                    if len(cache) < CACHE_MAX:
                        cache[cell] = value
                values[column.field] = value
        except CstoolError as exc:
            ctx.error(line, exc.message)
            continue
        rows.append(Row(line, values))
    return rows


def decide_date_order(ctx: Context, kind: Kind, path: str, mapping: dict[int, Column]) -> None:
    """Without --date-order the file decides how its numeric dates read: some value that can only be
    month-first (10/27/2026) and none that can only be day-first -> month-first, and the reverse; both
    kinds, or ambiguous values and none that decides, are refused naming --date-order."""
    from cstool.domain.dates import numeric_reading

    columns = [i for i, c in mapping.items() if c.reads_date]
    if not columns:
        return
    first: dict[str, tuple[int, str]] = {}
    looked: set[str] = set()
    for _reader, batch in raw_batches(path, ImportResult(kind.name), count_rows=False, count_bytes=False,
                                      report_lines=True):
        for line, record in batch:
            for i in columns:
                cell = record[i].strip() if i < len(record) else ""
                if not cell or cell in looked:
                    continue
                looked.add(cell)
                reading = numeric_reading(cell)
                if reading is not None and reading not in first:
                    first[reading] = (line, cell)
        if "mdy" in first and "dmy" in first:
            break
    order = {"mdy": "month-first", "dmy": "day-first"}
    if "mdy" in first and "dmy" in first:
        (la, ca), (lb, cb) = first["mdy"], first["dmy"]
        raise RuleViolation(f"import {kind.name}: {path} has month-first dates ({ca} on line {la}) and day-first "
                            f"dates ({cb} on line {lb}); give --date-order mdy or dmy; nothing was imported.")
    decided = next((o for o in ("mdy", "dmy") if o in first), None)
    if decided is None:
        if "both" in first:
            line, cell = first["both"]
            raise RuleViolation(f"import {kind.name}: {path} has numeric dates that read month-first or day-first "
                                f"({cell} on line {line}) and none that decides; give --date-order mdy or dmy; "
                                "nothing was imported.")
        return
    ctx.date_order = decided
    ctx.result.date_order = decided
    line, cell = first[decided]
    ctx.result.date_order_because = f"numeric dates read {order[decided]} ({cell} on line {line} decides)"


def check(kind: Kind, path: str, ctx: Context,
          progress: Callable[[int, int], None] | None) -> list[list[tuple[int, list[str]]]] | None:
    """The check pass (no write lock: `ctx.session` is a read transaction): the header mapped (``--map``,
    ``--strict``), the date order decided, every row parsed and resolved, bad rows collected by line.  Returns
    the file's records when it is small enough to hold (else None: the write pass reads it again)."""
    from cstool.services.importing.headers import header_map
    from cstool.services.importing.reading import file_format

    result = ctx.result
    header = read_header(path)
    result.source_format = file_format(path).label
    mapping = header_map(kind, header, result, dict(ctx.options.get("map") or {}), path=path)
    if ctx.options.get("strict") and result.ignored_headers:
        raise RuleViolation(f"import {kind.name} --strict: {path} has column(s) that would not be imported: "
                            + "; ".join(result.warnings[:len(result.ignored_headers)])
                            + "; nothing was imported.")
    if ctx.date_order is None:
        decide_date_order(ctx, kind, path, mapping)
    ctx.state["mapping"], ctx.state["width"] = mapping, len(header)
    total = os.path.getsize(path) if os.path.isfile(path) else 0
    kept: list[list[tuple[int, list[str]]]] | None = []
    for reader, batch in raw_batches(path, result, count_rows=True, count_bytes=progress is not None,
                                     report_lines=True):
        kind.resolve(ctx, _parse_rows(ctx, mapping, len(header), batch))
        if kept is not None:
            kept.append(batch)
            if result.rows > KEEP_ROWS:
                kept = None  # too big to hold: the write pass reads the file again
        if progress:
            progress(reader.bytes, total * 2)
        hold_point("import-check")
    result.errors.sort()
    return kept


def write(kind: Kind, path: str, ctx: Context, kept: list[list[tuple[int, list[str]]]] | None,
          progress: Callable[[int, int], None] | None) -> None:
    """The write pass, under the write lock (`ctx.session` is the write transaction): each batch resolved again
    (the store may have changed since the check pass: what is now refused is a bad row, and the caller rolls the
    whole file back) and written, then the kind's `finish`.  Parsing repeats from the per-column cache."""
    result = ctx.result
    mapping, width = ctx.state["mapping"], ctx.state["width"]
    parsed = ctx.state.get("parsed")
    ctx.seen.clear()
    ctx.state.clear()
    ctx.state.update({"mapping": mapping, "width": width})
    if parsed is not None:
        ctx.state["parsed"] = parsed
    ctx.writing = True
    total = os.path.getsize(path) if os.path.isfile(path) else 0
    before = result.error_count
    batches = ((None, batch) for batch in kept) if kept is not None else \
        raw_batches(path, ImportResult(kind.name), count_rows=False, count_bytes=progress is not None,
                    report_lines=True)
    for reader, batch in batches:
        rows = kind.resolve(ctx, _parse_rows(ctx, mapping, width, batch))
        if result.error_count == before:
            kind.write(ctx, rows)
        hold_point("import-write")
        if progress and reader is not None:
            progress(total + reader.bytes, total * 2)
    if os.environ.get("CSTOOL_FAULT") == "import-write":  # tests: a kill -9 here, every row written, not committed
        os.kill(os.getpid(), 9)
    if kind.finish is not None and result.error_count == before:
        kind.finish(ctx)
    if progress:
        progress(total * 2, total * 2)
    result.errors.sort()


# --- writing helpers ----------------------------------------------------------------------------------


def next_ids(session: Session, table, n: int) -> list[int]:
    """Ids for n new rows of a table.  Every writer holds the store's write lock (SQLite BEGIN IMMEDIATE,
    PostgreSQL the advisory lock), so the ids after the largest one are ours; `sync_sequences` then moves
    a PostgreSQL sequence past them."""
    top = session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
    return list(range(top + 1, top + 1 + n))


def sync_sequences(session: Session, tables) -> None:
    """PostgreSQL: the next id of each table comes after the largest one written with an explicit id."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        if "id" not in table.c:
            continue
        session.execute(sql_text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))


def insert_new(ctx: Context, kind: Kind, rows: list[Row], record: Callable[[Row], dict]) -> list[int]:
    """Insert the rows with explicit ids (the driver's executemany), then their `(created)` history rows in
    one INSERT ... SELECT; returns the ids, also left in each row's `existing_id`."""
    if not rows:
        return []
    from cstool.services.onboarding import record_created_bulk
    from cstool.storage.bulk import insert_rows
    from cstool.storage.models import metadata

    table = metadata.tables[kind.table]
    ids = next_ids(ctx.session, table, len(rows))
    records = [record(r) for r in rows]
    columns = [c.name for c in table.columns if c.name in records[0] or c.name == "id"]
    pick = itemgetter(*columns)  # every record of a kind has the same keys (they start from the same blank)
    values = []
    for r, rec, i in zip(rows, records, ids):
        rec["id"] = i
        values.append(pick(rec))
        r.existing_id = i
    insert_rows(ctx.session, table, columns, values)
    sync_sequences(ctx.session, [table])
    record_created_bulk(ctx.session, table, entity=kind.entity, after=ids[0] - 1, actor=ctx.actor,
                        snapshot='{"source": "import"}',
                        account_of=kind.history_account(table) if kind.history_account else None)
    ctx.result.created += len(rows)
    return ids


def update_existing(ctx: Context, kind: Kind, model, row: Row, values: dict) -> dict:
    """Set the fields that differ on one existing record, with a history row per field; returns the changes."""
    from sqlalchemy import update

    from cstool.services.history import _public

    current = ctx.session.execute(select(model.__table__).where(model.__table__.c.id == row.existing_id)).mappings().one()
    changes = {k: (current[k], v) for k, v in values.items() if current[k] != v}
    if not changes:
        return {}
    extra = {"updated_at": ctx.stamp} if "updated_at" in model.__table__.c else {}
    ctx.session.execute(update(model.__table__).where(model.__table__.c.id == row.existing_id)
                        .values(**{k: v for k, (_, v) in changes.items()}, **extra))
    public = dict(_public(k, o, n) for k, (o, n) in changes.items())
    ctx.session.execute(insert(History), bulk_rows(actor=ctx.actor, entity=kind.entity, changes=(
        (row.existing_id, row.account_id if row.account_id is not None else row.existing_id, k, o, n)
        for k, (o, n) in public.items())))
    ctx.result.updated += 1
    return changes
