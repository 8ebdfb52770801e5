"""Which column of a CRM export is which field: the kind's known headers, the user's `--map` pairs, and a
warning (with the closest field) for every column left unused.

A header is compared with case, spacing and punctuation ignored (`base.norm`).  `--map "CRM HEADER=field"`
(or the same pairs in a `--map-file`, one a line) wins over the known headers.  An unused column is named
in a warning with the field it most resembles (difflib), or refused with `--strict`.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from cstool.errors import InvalidValue, RuleViolation

if TYPE_CHECKING:
    from cstool.services.importing.base import Column, ImportResult, Kind


def spellings(kind: Kind) -> dict[str, Column]:
    """Every accepted header of a kind (normalised) -> its column; the first declaration of a spelling wins."""
    from cstool.services.importing.base import norm

    known: dict[str, Column] = {}
    for column in kind.columns:
        for spelling in (column.field, *column.headers):
            known.setdefault(norm(spelling), column)
    return known


def accepted_headers(kind: Kind) -> list[dict]:
    """Per field, every header the import accepts for it (what `import KIND --columns` prints)."""
    out = []
    for column in kind.columns:
        headers = list(dict.fromkeys((column.field, *column.headers)))
        out.append({"field": column.field, "required": column.required, "headers": headers,
                    "note": column.note})
    return out


def closest_field(kind: Kind, header: str) -> str | None:
    """The field whose field name or accepted header looks most like `header` (difflib), if any does."""
    from cstool.services.importing.base import norm

    known = spellings(kind)
    key = norm(header)
    if not key:
        return None
    hits = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    if not hits:  # `Potential EE Users` -> users: a known spelling inside the header
        inside = sorted((k for k in known if len(k) >= 4 and k in key), key=len, reverse=True)
        hits = inside[:1]
    return known[hits[0]].field if hits else None


def parse_map(pairs: list[str], *, source: str = "--map") -> dict[str, str]:
    """`CRM HEADER=field` pairs -> {header: field}; a bad pair is refused naming where it came from."""
    out: dict[str, str] = {}
    for where, pair in enumerate(pairs, 1):
        label = source if source == "--map" else f"{source} line {where}"
        text = pair.strip()
        if source != "--map" and (not text or text.startswith("#")):
            continue
        header, sep, fieldname = text.rpartition("=")
        if not sep or not header.strip() or not fieldname.strip():
            raise InvalidValue(label, pair, 'write "CRM HEADER=field", e.g. "Potential EE Users=users"')
        out[header.strip()] = fieldname.strip()
    return out


def read_map_file(path: str) -> list[str]:
    from cstool.services.importing.reading import open_text

    try:
        stream, _fmt = open_text(path)
    except InvalidValue as exc:
        raise InvalidValue("--map-file", path, exc.message.split(": ", 1)[-1]) from None
    except RuleViolation as exc:
        raise InvalidValue("--map-file", path, "not a text file: " + exc.message) from None
    with stream:
        return stream.read().splitlines()


def header_map(kind: Kind, header: list[str], result: ImportResult, mapped: dict[str, str],
               *, path: str = "the file") -> dict[int, Column]:
    from cstool.services.importing.base import norm

    known = spellings(kind)
    by_field = {c.field: c for c in kind.columns}
    in_file = {norm(h) for h in header}
    pairs = mapped
    mapped = {}
    for crm_header, fieldname in pairs.items():
        column = by_field.get(fieldname) or known.get(norm(fieldname))
        if column is None:
            raise InvalidValue("--map", f"{crm_header}={fieldname}", f"{kind.name} has no field {fieldname!r}; use one "
                               f"of {', '.join(by_field)} (see `cstool import {kind.name} --columns`)")
        if norm(crm_header) not in in_file:
            raise InvalidValue("--map", f"{crm_header}={fieldname}", f"{path} has no column {crm_header!r}; its "
                               "columns are " + ", ".join(h for h in header if h.strip()))
        mapped[norm(crm_header)] = column.field
    mapping: dict[int, Column] = {}
    seen: set[str] = set()
    # mapped headers first: a pair the user wrote wins over a header cstool knows
    order = sorted(range(len(header)), key=lambda i: norm(header[i]) not in mapped)
    for i in order:
        h = header[i]
        key = norm(h)
        column = by_field[mapped[key]] if key in mapped else known.get(key)
        if column is None or column.field in seen:
            if h.strip():
                result.ignored_headers.append(h)
            continue
        mapping[i] = column
        seen.add(column.field)
    result.ignored_headers.sort(key=lambda h: header.index(h))
    missing = [c for c in kind.columns if c.required and c.field not in seen]
    if missing:
        raise RuleViolation(
            f"import {kind.name}: the header of {path} has no column for "
            + ", ".join(f"{c.field} (e.g. {', '.join((c.field, *c.headers)[:3])})" for c in missing)
            + f"; name one with --map \"HEADER={missing[0].field}\" (see `cstool import {kind.name} --columns`); "
            "nothing was imported.")
    for h in result.ignored_headers:
        guess = closest_field(kind, h)
        if norm(h) in known or norm(h) in mapped:
            result.warnings.append(f"column {h!r}: not imported; {guess} is already read from another column")
        elif guess is not None:
            result.warnings.append(f"column {h!r}: not imported; did you mean {guess}? "
                                   f"use --map \"{h}={guess}\"")
        else:
            result.warnings.append(f"column {h!r}: not imported (no field like it); "
                                   f"use --map \"{h}=FIELD\" to import it")
    for fields, why in kind.needs:
        if not any(f in seen for f in fields):
            result.warnings.append(why)
    return mapping
