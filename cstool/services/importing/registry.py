"""`cstool import`: every kind of record from CRM-style CSV, and every table from `export`'s CSV.

`import_file` picks the way a file is read: a header that is exactly a table's columns (what `cstool
export TABLE` writes) is restored as it is; anything else is read as a CRM export of that kind, by
the kind's declaration (``kinds_*.py``).  Everything happens in the caller's one transaction; the
caller rolls it back when the result has errors or on a dry run.
"""

from __future__ import annotations

from typing import Callable

from cstool.clock import now, today
from cstool.domain import fields as f
from cstool.errors import InvalidValue, RuleViolation
from cstool.services.importing import base
from cstool.services.importing.base import Context, ImportResult, Kind
from cstool.services.importing.kinds_crm import ACCOUNTS, CONTACTS, OPPORTUNITIES
from cstool.services.importing.kinds_ebr import EBRS
from cstool.services.importing.kinds_onboarding import ONBOARDINGS, USAGE
from cstool.services.importing.kinds_plan import OBJECTIVES
from cstool.services.importing.kinds_pov import POVS
from cstool.services.importing.kinds_pse import PSES, TIME_ENTRIES
from cstool.services.importing.kinds_timeline import ACTIVITIES, TASKS
from cstool.services.importing.tables import is_table_file, restore_table, table_named, tables

# In the order a CRM migration imports them: each kind refers to kinds above it.
KINDS: tuple[Kind, ...] = (ACCOUNTS, CONTACTS, OPPORTUNITIES, ONBOARDINGS, USAGE, ACTIVITIES, TASKS, EBRS, PSES,
                           TIME_ENTRIES, POVS, OBJECTIVES)


def kind_named(name: str) -> Kind | None:
    key = f.normalise_choice(name).replace("_", "-")
    for kind in KINDS:
        if key == kind.name or key in (a.replace("_", "-") for a in kind.aliases):
            return kind
    return None


def columns_of(kind: str) -> list[dict]:
    """Per field of a kind, every header `import` accepts for it (`cstool import KIND --columns`)."""
    from cstool.services.importing.headers import accepted_headers

    declared = kind_named(kind)
    if declared is None:
        raise InvalidValue("kind", kind, "use one of " + ", ".join(k.name for k in KINDS)
                           + " (a table name's columns are the ones `cstool export` writes)")
    return accepted_headers(declared)


def accepted_names() -> list[str]:
    names = [k.name for k in KINDS]
    return names + [t.name for t in tables() if t.name not in {k.table for k in KINDS}]


def import_file(store, *, kind: str, path: str, date_order: str | None, dry_run: bool, update: bool,
                no_onboarding: bool = False, mapping: dict[str, str] | None = None, strict: bool = False,
                progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Check the whole file in a read transaction (no write lock), then write it in one write transaction.

    All or nothing (SPEC 9), so the write is one transaction: only the write pass holds the lock, and a peer
    that waits past its busy timeout is told what holds it.  A table file's ``dry_run`` is the check pass alone
    (no write lock).  A CRM file's ``dry_run`` also rehearses the write pass and rolls it back, because some
    rules only the written rows can answer (an EBR's links and replacement, a placeholder's dates, the
    onboardings a gemstone creates): that rehearsal holds the write lock as long as the real write would."""
    if date_order is not None:
        date_order = f.choice("date-order", date_order, ("mdy", "dmy", "ymd"))
    declared = kind_named(kind)
    table = table_named(declared.table if declared else kind)
    if declared is None and table is None:
        raise InvalidValue("kind", kind, "use one of " + ", ".join(accepted_names()))
    header = base.read_header(path)
    result = ImportResult(kind=declared.name if declared else table.name, dry_run=dry_run)
    holder = f"import {result.kind}"
    if table is not None and is_table_file(table, header) and not mapping:
        result.mode = "table"
        import os

        size = os.path.getsize(path) * 2
        with store.read() as session:
            restore_table(session, table, path, result, write=False,
                          progress=(lambda b: progress(b, size)) if progress else None)
        if result.error_count or dry_run:
            return result
        result.rows = 0
        with store.write(holder=holder) as session:
            restore_table(session, table, path, result,
                          progress=(lambda b: progress(size // 2 + b, size)) if progress else None)
            if result.error_count:
                session.rollback()
        return result
    if declared is None:
        raise RuleViolation(f"import {table.name}: {path} must have export's columns for {table.name} "
                            f"({', '.join(c.name for c in table.columns)}); nothing was imported.")
    with store.read() as session:
        ctx = Context(session=session, result=result, actor=store.actor, today=today(), stamp=now(),
                      date_order=date_order, update=update, options={"no_onboarding": no_onboarding, "map": mapping or {},
                                                              "strict": strict})
        kept = base.check(declared, path, ctx, progress)
    if result.error_count:
        return result
    with store.write(holder=holder) as session:
        ctx.session = session
        base.write(declared, path, ctx, kept, progress)
        if result.error_count or dry_run:
            session.rollback()
    return result
