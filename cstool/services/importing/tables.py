"""Whole tables in and out, as `export` writes them: export, restore, `--all` folders, store to store.

A file whose header is exactly a table's columns (what `cstool export TABLE` writes) is restored as it
is: ids kept, raw values (cents, hundredths, stored names), no history rows added (the history table
travels with the rest).  `export_all`/`import_all` move every table through a folder; `copy_rows`
moves them from one store to another.  Either way the rows go in foreign-key order inside the caller's
one transaction, and PostgreSQL sequences are moved past the copied ids.
"""

from __future__ import annotations

import csv
import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, TextIO

import sqlalchemy as sa
from sqlalchemy import func, insert, select
from typing import TYPE_CHECKING

from cstool.domain.stored import check_row
from cstool.errors import Conflict, CstoolError, InvalidValue, RuleViolation, echo
from cstool.services.importing.base import BATCH, ImportResult, raw_batches, sync_sequences
from cstool.storage.tables import metadata

TABLE_ALIASES = {"accounts": "account", "contacts": "contact", "opportunities": "opportunity",
                 "onboardings": "onboarding", "activities": "activity", "tasks": "task", "ebrs": "ebr",
                 "pses": "pse", "settings": "setting", "usage": "license_usage", "histories": "history",
                 "license_usages": "license_usage", "ebr_opportunities": "ebr_opportunity",
                 "pse_time_entries": "pse_time_entry", "pse_contacts": "pse_contact"}

if TYPE_CHECKING:
    from sqlmodel import Session


def tables() -> list[sa.Table]:
    """Every table of the store in foreign-key order (parents first)."""
    return [t for t in metadata.sorted_tables if t.name != "alembic_version"]


def table_named(name: str) -> sa.Table | None:
    key = name.strip().lower().replace("-", "_")
    key = TABLE_ALIASES.get(key, key)
    return metadata.tables.get(key) if key != "alembic_version" else None


def is_table_file(table: sa.Table, header: list[str]) -> bool:
    return sorted(h.strip() for h in header) == sorted(c.name for c in table.columns)


# --- export -----------------------------------------------------------------------------------------------


def _out(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def export_rows(session: Session, *, table: str, fmt: str, out: TextIO) -> int:
    t = table_named(table)
    if t is None:
        raise InvalidValue("table", table, "use one of " + ", ".join(x.name for x in tables()))
    columns = [c.name for c in t.columns]
    result = session.execute(select(t).order_by(*t.primary_key.columns).execution_options(yield_per=2000))
    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in result:
            writer.writerow(["" if v is None else ("true" if v is True else "false" if v is False else _out(v))
                             for v in row])
            count += 1
    elif fmt == "jsonl":
        for row in result:
            out.write(json.dumps({c: _out(v) for c, v in zip(columns, row)}, ensure_ascii=False) + "\n")
            count += 1
    else:
        out.write("[")
        for row in result:
            out.write(("," if count else "") + "\n  " + json.dumps({c: _out(v) for c, v in zip(columns, row)},
                                                                   ensure_ascii=False))
            count += 1
        out.write("\n]\n" if count else "]\n")
    return count


MANIFEST = "manifest.json"
MANIFEST_FORMAT = "cstool export --all"


def export_all(session: Session, *, folder: str) -> dict[str, int]:
    """Every table as FOLDER/<table>.csv, from one read transaction; never overwrites a file.

    Each file is whole or absent (storage.files); FOLDER/manifest.json (the tables and their row counts)
    is written last, so a folder without it is an export that did not finish, and `import --all` says so."""
    from cstool.storage import schema
    from cstool.storage.files import replacing

    path = Path(folder)
    if path.is_symlink() and not path.exists():
        raise InvalidValue("--all", folder, "it is a symbolic link to a folder that does not exist; give a folder")
    if path.exists() and not path.is_dir():
        raise InvalidValue("--all", folder, "it is a file; give a folder (created when missing)", whole=True)
    targets = {t.name: path / f"{t.name}.csv" for t in tables()}
    targets[MANIFEST] = path / MANIFEST
    clash = [str(p) for p in targets.values() if os.path.lexists(p)]
    if clash:
        raise Conflict(f"export: {clash[0]} already exists{' (and more)' if len(clash) > 1 else ''}; give an empty "
                       "or new folder. Nothing was written.")
    path.mkdir(parents=True, exist_ok=True)
    counts = {}
    for t in tables():  # 0600: history and settings are private
        with replacing(targets[t.name], field="--all", overwrite=False, text=True) as out:
            counts[t.name] = export_rows(session, table=t.name, fmt="csv", out=out)
    manifest = {"format": MANIFEST_FORMAT, "schema": schema.HEAD, "tables": counts}
    with replacing(targets[MANIFEST], field="--all", overwrite=False, text=True) as out:
        out.write(json.dumps(manifest, indent=2) + "\n")
    return counts


def read_manifest(folder: Path) -> dict[str, int]:
    """The row count of every table an `export --all` folder says it holds; refuses a folder without one."""
    where = folder / MANIFEST
    if not where.is_file():
        raise RuleViolation(f"import --all: {folder} has no {MANIFEST}: the export did not finish (or the folder "
                            "was not written by `cstool export --all`); export again. Nothing was imported.")
    try:
        data = json.loads(where.read_text(encoding="utf-8"))
        counts = data["tables"]
        if data.get("format") != MANIFEST_FORMAT or not isinstance(counts, dict) or not all(
                isinstance(k, str) and type(v) is int and v >= 0 for k, v in counts.items()):
            raise ValueError("not an export manifest")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise RuleViolation(f"import --all: {where} is not a manifest `cstool export --all` wrote ({error}); "
                            "nothing was imported.") from None
    return counts


# --- restore ----------------------------------------------------------------------------------------------


def _python_type(column: sa.Column) -> type:
    """The Python type behind a column, through SQLModel's decorators (AutoString, UTCDateTime)."""
    return getattr(column.type, "impl_instance", column.type).python_type


def _parser(column: sa.Column) -> Callable[[str], Any]:
    kind = _python_type(column)
    if kind is bool:
        def boolean(v: str) -> bool:
            key = v.strip().lower()
            if key in ("true", "1", "t", "yes"):
                return True
            if key in ("false", "0", "f", "no"):
                return False
            raise ValueError("use true or false")
        return boolean
    if kind is int:
        return lambda v: int(v.strip())
    if kind is datetime:
        return lambda v: datetime.fromisoformat(v.strip().replace("Z", "+00:00"))
    if kind is date:
        return lambda v: date.fromisoformat(v.strip())
    return lambda v: v


def restore_table(session: Session, table: sa.Table, path: str, result: ImportResult,
                  progress: Callable[[int], None] | None = None, *, write: bool = True) -> None:
    """Rows of export's CSV for one table, as they are (ids kept); bad cells are bad rows by line.
    ``write=False`` is the check pass (a read transaction, no write lock): every value checked, nothing written."""
    from cstool.services.importing.base import read_header

    header = [h.strip() for h in read_header(path)]
    if not is_table_file(table, header):
        raise RuleViolation(f"import {table.name}: {path} does not have export's columns for {table.name} "
                            f"({', '.join(c.name for c in table.columns)}); nothing was imported.")
    columns = [(table.c[h], _parser(table.c[h])) for h in header]
    deferred = _Deferred(table)
    for reader, batch in raw_batches(path, result, count_rows=True):
        records = []
        for line, cells in batch:
            if len(cells) != len(columns):
                result.error(line, f"{len(cells)} fields where the header has {len(columns)}")
                continue
            record = {}
            for (column, parse), cell in zip(columns, cells):
                if cell == "":
                    if not column.nullable and _python_type(column) is not str:
                        result.error(line, f"{column.name}: it may not be empty")
                        break
                    record[column.name] = None if column.nullable else ""
                    continue
                try:
                    record[column.name] = parse(cell)
                except ValueError as exc:
                    result.error(line, f"{column.name}: {echo(cell)} is not accepted ({exc})")
                    break
            else:
                try:  # the commands' own checks (domain/stored): a restore stores nothing a command would refuse
                    check_row(table.name, record)
                except CstoolError as exc:
                    result.error(line, exc.message)
                    continue
                records.append(record)
        if records and not result.error_count and write:
            session.execute(insert(table), deferred.strip(records))
            result.created += len(records)
        if progress:
            progress(reader.bytes)
    if not write:
        return
    if not result.error_count:
        deferred.apply(session)
    sync_sequences(session, [table])


def _self_references(table: sa.Table) -> list[str]:
    """Columns pointing at the same table (an EBR's replaces_id): set after every row is in."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


class _Deferred:
    """Holds self-referencing values back while rows go in, then sets them once every row exists."""

    def __init__(self, table: sa.Table) -> None:
        self.table = table
        self.columns = _self_references(table)
        self.later: list[dict] = []

    def strip(self, records: list[dict]) -> list[dict]:
        if not self.columns:
            return records
        out = []
        for r in records:
            held = {c: r[c] for c in self.columns if r.get(c) is not None}
            if held:
                self.later.append({"_id": r["id"], **held})
                r = {**r, **{c: None for c in held}}
            out.append(r)
        return out

    def apply(self, session: Session) -> None:
        t = self.table
        for column in self.columns:
            pairs = [{"_id": x["_id"], "_v": x[column]} for x in self.later if column in x]
            if pairs:
                session.execute(sa.update(t).where(t.c.id == sa.bindparam("_id")).values({column: sa.bindparam("_v")}),
                                pairs)


def store_is_empty(session: Session) -> bool:
    return all(session.scalar(select(func.count()).select_from(t)) == 0 for t in tables())


def import_all(store, *, folder: str, result: ImportResult,
               progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """A folder written by `export --all` into an empty store, table by table in foreign-key order.

    Every file is read and checked first in a read transaction (no write lock); then everything is written in
    ONE write transaction, so a restore is whole or absent (it goes into a new store nobody else uses yet)."""
    path = Path(folder)
    if not path.is_dir():
        raise InvalidValue("folder", folder, "no such folder (give one written by `cstool export --all`)", whole=True)
    files = {t.name: path / f"{t.name}.csv" for t in tables()}
    missing = [name for name, p in files.items() if not p.is_file()]
    if missing:
        raise RuleViolation(f"import --all: {folder} has no {', '.join(m + '.csv' for m in missing)}; give a folder "
                            "written by `cstool export --all`. Nothing was imported.")
    expected = read_manifest(path)
    unknown = sorted(set(expected) - set(files))
    unlisted = sorted(set(files) - set(expected))
    if unknown or unlisted:
        raise RuleViolation(f"import --all: {path / MANIFEST} lists {', '.join(unknown) or 'no'} table(s) this "
                            f"store has not and misses {', '.join(unlisted) or 'none'}; nothing was imported.")
    empty = ("import --all: the store is not empty; restore into a new store (cstool --db NEW.db import --all DIR). "
             "Nothing was imported.")
    total = sum(p.stat().st_size for p in files.values()) * 2
    with store.read() as session:
        if not store_is_empty(session):
            raise Conflict(empty)
        if not _pass(session, files, expected, result, progress, total, offset=0, write=False):
            return {}
    with store.write(holder="import --all") as session:
        if not store_is_empty(session):
            raise Conflict(empty)
        result.rows = 0
        counts = _pass(session, files, expected, result, progress, total, offset=total // 2, write=True)
        if result.error_count:
            session.rollback()
    return counts or {}


def _pass(session: Session, files: dict, expected: dict[str, int], result: ImportResult, progress, total: int, *, offset: int,
          write: bool) -> dict[str, int] | None:
    """One pass over every table's file (check or write); None when a table had bad rows.  A table whose
    rows differ from the manifest's count (an export cut short) is refused in the check pass, before any write."""
    done, counts = offset, {}
    for t in tables():
        part = ImportResult(kind=t.name, mode="table")
        restore_table(session, t, str(files[t.name]), part, write=write,
                      progress=(lambda b, d=done: progress(d + b, total)) if progress else None)
        result.rows += part.rows
        result.created += part.created
        for line, reason in part.errors:
            result.error(line, f"{t.name}.csv: {reason}")
        result.error_count += part.error_count - len(part.errors)
        if part.error_count:
            return None
        if (part.created if write else part.rows) != expected[t.name]:
            raise RuleViolation(f"import --all: {t.name}.csv holds {part.created if write else part.rows:,} row(s) "
                                f"where {MANIFEST} says {expected[t.name]:,}; the folder is not the export it was. "
                                "Nothing was imported.")
        done += files[t.name].stat().st_size
        counts[t.name] = part.created
    return counts


def copy_rows(source: Session, target: Session, *, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Every row of every table from one store into another (empty) one, ids kept, in one target transaction."""
    if not store_is_empty(target):
        raise Conflict("db copy: the target store is not empty; copy into a new database. Nothing was changed.")
    sizes = {t.name: source.scalar(select(func.count()).select_from(t)) for t in tables()}
    total, done, counts = sum(sizes.values()), 0, {}
    for t in tables():
        batch: list[dict] = []
        deferred = _Deferred(t)
        result = source.execute(select(t).order_by(*t.primary_key.columns).execution_options(yield_per=BATCH))
        for row in result.mappings():
            batch.append(dict(row))
            if len(batch) >= BATCH:
                target.execute(insert(t), deferred.strip(batch))
                done += len(batch)
                batch = []
                if progress:
                    progress(done, total)
        if batch:
            target.execute(insert(t), deferred.strip(batch))
            done += len(batch)
        deferred.apply(target)
        counts[t.name] = sizes[t.name]
        if progress:
            progress(done, total)
    sync_sequences(target, tables())
    return counts

