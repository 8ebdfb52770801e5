"""The one place output is written: table (Rich), json or csv on stdout.

Messages never come here; they go to stderr through :func:`note`.  Rich is
imported only when a table is drawn.  Colour appears only on a terminal and
never with NO_COLOR (Rich honours both).
"""

from __future__ import annotations

import csv
import itertools
import json
import re
import sys
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Iterable, Sequence


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def _default(value: Any):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_json(data: Any) -> str:
    return json.dumps(data, default=_default, ensure_ascii=False, indent=2)


# Numbers people read with thousands separators, except identifiers, ranks, years and scores.
MONEY_KEYS = frozenset({"iacv", "amount", "arr", "arr_due"})  # and every `..._arr` figure of report renewals
_PLAIN_NUMBER = ("id", "_id", "_ids", "rank", "year", "score")


def _number(value: int | float, key: str | None) -> str:
    plain = key is not None and key.endswith(_PLAIN_NUMBER)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if (key in MONEY_KEYS or (key or "").endswith("_arr")) and isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return str(value) if plain else f"{value:,}"
    text = f"{value:.2f}".rstrip("0").rstrip(".") if plain else f"{value:,.2f}".rstrip("0").rstrip(".")
    return text


# What a table shows for a missing value that means something (SPEC 3: no internal value in a table), and
# the fields a table leaves out because another one says it for people (`gemstone` for its rank).
NONE_SHOWN_AS = {"gemstone": "no gemstone"}
TABLE_HIDES = frozenset({"gemstone_rank"})


def _cell(value: Any, key: str | None = None) -> str:
    """A value as a person reads it in a table: lists comma-separated, yes/no, 1,234,567.50."""
    if value is None:
        return NONE_SHOWN_AS.get(key, "")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return _number(value, key)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_cell(v, k)}" for k, v in value.items() if v is not None)
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, dict) for v in value):
            return "; ".join(": ".join(_cell(x) for x in v.values() if x is not None) for v in value)
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def console(stderr: bool = False):
    from rich.console import Console

    class PipeQuietConsole(Console):
        def on_broken_pipe(self) -> None:
            # Rich exits 1 when the reader goes away; a reader that stops early is not an error (SPEC 1):
            # the CLI's one handler ends such a command quietly with exit 0.
            self.quiet = True
            raise BrokenPipeError

    stream = sys.stderr if stderr else sys.stdout
    # Off a terminal Rich would assume 80 columns and fold wide tables; a file has no edge.
    width = None if stream.isatty() else 240
    return PipeQuietConsole(file=stream, highlight=False, soft_wrap=False, width=width)


def shown(text: Any) -> str:
    """Text as it reaches a terminal: control and invisible characters escaped (`\\x1b`), tab and newline kept.

    Every cell, title and message goes through here; Rich then gets it as a Text object (never markup),
    so `Globex [old]` shows as typed, `[/]` cannot fail and `[link=...]` makes no link."""
    from cstool.domain.text import has_hidden, visible

    text = str(text)
    return visible(text, multiline=True) if has_hidden(text) else text


def rich_text(text: Any, style: str | None = None):
    """A Rich Text of `text` exactly as typed (no markup, no emoji codes)."""
    from rich.text import Text

    return Text(shown(text), style=style or "")


def note(message: str, *, style: str | None = None) -> None:
    """A message for the person: stderr, plain when stderr is not a terminal."""
    message = shown(message)
    if sys.stderr.isatty():
        console(stderr=True).print(rich_text(message, style), highlight=False)
    else:
        print(message, file=sys.stderr)


def warn(message: str) -> None:
    note(f"warning: {message}", style="yellow")


def rows(
    data: Sequence[dict],
    fmt: Format,
    *,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    empty: str = "Nothing to show.",
) -> None:
    """A list of records: a JSON list, a CSV with a header, or a Rich table of `columns`.

    `data` may be any iterable: JSON and CSV are written a record at a time (a report of a million rows streams
    from its query), with the same bytes as writing the whole list at once."""
    fmt = Format(fmt)
    if fmt is Format.json:
        out, first = sys.stdout, True
        out.write("[")
        for item in data:
            text = json.dumps(item, default=_default, ensure_ascii=False, indent=2)
            out.write(("\n" if first else ",\n") + "\n".join("  " + line for line in text.split("\n")))
            first = False
        out.write("]\n" if first else "\n]\n")
        return
    if fmt is Format.csv:
        items = iter(data)
        head = next(items, None)
        fieldnames = list(columns) if columns and head is None else list(head.keys()) if head is not None else []
        writer = csv.DictWriter(sys.stdout, fieldnames=fieldnames, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        if head is not None:
            for row in itertools.chain([head], items):
                writer.writerow({k: _csv_cell(row.get(k)) for k in fieldnames})
        return
    if not isinstance(data, (list, tuple)):
        data = list(data)
    if not data:
        note(empty)
        return
    cols = [c for c in (columns or data[0].keys()) if columns or c not in TABLE_HIDES]
    table(([_cell(r.get(c), c) for c in cols] for r in data), [(headers or {}).get(c, c) for c in cols], title=title)


# A text cell starting with one of these runs as a formula when a spreadsheet opens the file.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Prefix a formula-looking text with ' so a spreadsheet shows it instead of running it."""
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def _csv_cell(value: Any) -> Any:
    """A CSV cell of list/show/report output: raw values, text made safe for spreadsheets.

    Numbers stay numbers.  `export` does not come here: its files are for `import`, raw."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        value = json.dumps(value, default=_default, ensure_ascii=False)
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return value


# Rich lays out about a thousand rows a second; beyond this many rows, plain aligned columns.  Off a
# terminal (cron mail, a pipe) the cut is lower: nobody sees the box drawing there, and the morning
# job's `task list --due 7d` should cost what its query costs.
PLAIN_ABOVE_ROWS = 500
PLAIN_ABOVE_ROWS_OFF_TERMINAL = 100


def _plain_table(rows: list[list[str]], header: Sequence[str], title: str | None, right: list[bool]) -> None:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right)).rstrip()

    out = sys.stdout
    if title:
        out.write(shown(title) + "\n")
    out.write(line(header) + "\n" + "  ".join("-" * w for w in widths) + "\n")
    for r in rows:
        out.write(line([c.replace("\n", " ") for c in r]) + "\n")


def table(body: Iterable[Sequence[str]], header: Sequence[str], *, title: str | None = None, justify_numbers: bool = True) -> None:
    materialised = [[shown(c) for c in r] for r in body]
    header = [shown(h) for h in header]
    limit = PLAIN_ABOVE_ROWS if sys.stdout.isatty() else PLAIN_ABOVE_ROWS_OFF_TERMINAL
    right = [bool(justify_numbers) and _numeric_column([r[i] for r in materialised]) for i in range(len(header))]
    if len(materialised) > limit:
        _plain_table(materialised, header, title, right)
        return
    from rich import box
    from rich.table import Table

    t = Table(title=rich_text(title) if title else None, box=box.SIMPLE_HEAVY, title_justify="left", show_edge=False)
    for i, h in enumerate(header):
        t.add_column(rich_text(h), justify="right" if right[i] else "left", overflow="fold")
    for r in materialised:
        t.add_row(*(rich_text(c) for c in r))
    console().print(t)


# A number as tables write it: 1,234.50  57.1%  14d  3 (100%)  $45,000
_NUMERIC_CELL = re.compile(r"^[-+]?[$€£]?\d[\d,]*(\.\d+)?\s*(%|d|h|days?|hours?)?"
                           r"(\s*\(\s*(-|[-+]?\d[\d,]*(\.\d+)?\s*%?)\s*\))?$")
_NO_VALUE = frozenset({"", "-", "—", "–", "n/a"})  # what a number column shows where there is no number


def _looks_numeric(text: str) -> bool:
    return bool(_NUMERIC_CELL.match(text.strip()))


def _numeric_column(cells: list[str]) -> bool:
    """Right-aligned (SPEC 1, tables line up): every cell with a value is a number, and one is."""
    values = [c for c in cells if c.strip() not in _NO_VALUE]
    return bool(values) and all(_looks_numeric(c) for c in values)


def record(data: dict, fmt: Format, *, title: str | None = None, nested: dict[str, Sequence[str]] | None = None) -> None:
    """One record: a JSON object, a one-row CSV, or a field/value table (nested lists as tables)."""
    fmt = Format(fmt)
    if fmt is Format.json:
        sys.stdout.write(to_json(data) + "\n")
        return
    nested = nested or {}
    if fmt is Format.csv:
        rows([data], fmt)
        return
    flat = [(k, v) for k, v in data.items() if k not in nested and k not in TABLE_HIDES]
    table(([k, _cell(v, k)] for k, v in flat), ["field", "value"], title=title, justify_numbers=False)
    for key, cols in nested.items():
        value = data.get(key)
        if isinstance(value, dict):
            table(([k, _cell(v, k)] for k, v in value.items()), ["field", "value"], title=key, justify_numbers=False)
        elif value:
            table(([_cell(r.get(c), c) for c in cols] for r in value), list(cols), title=key)


def write_file(target, payload: bytes, *, field: str = "file") -> int:
    """Kept for callers that import it from here: the one writer is cstool.storage.files.write_file."""
    from cstool.storage.files import write_file as write

    return write(target, payload, field=field)
