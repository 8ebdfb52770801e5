"""Reading a CSV file as other programs write it: its encoding, its separator, and the lines a CRM report
adds that are not records (a Salesforce footer, "Total" and "Grand Totals (N records)" rows).

Encodings: UTF-8 with or without a byte-order mark, UTF-16 with one, and Windows-1252 (what a spreadsheet
on Windows saves).  The file is checked byte by byte before anything is parsed, so a file in none of these
is refused with its name, the line of the first bad byte and how to save it as UTF-8; a Python decode error
never reaches the user.  The separator (`,` `;` or tab) is the one that splits the header line into the
most cells.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from typing import Iterator, TextIO

from cstool.errors import InvalidValue, RuleViolation

SEPARATORS = (",", ";", "\t")
SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
CHUNK = 1 << 20
SAVE_AS = ('save it from the spreadsheet or CRM as "CSV UTF-8 (Comma delimited)" '
           "(or UTF-16 with a byte-order mark, or Windows-1252) and import it again")

# Windows-1252 leaves these five bytes undefined: a file holding one is not Windows-1252 text.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


@dataclass(frozen=True)
class Format:
    encoding: str  # a Python codec name
    separator: str

    @property
    def label(self) -> str:
        names = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "cp1252": "Windows-1252"}
        return f"{names.get(self.encoding, self.encoding)}, {SEPARATOR_NAMES[self.separator]}-separated"


def _open_binary(path: str):
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise InvalidValue("file", path, "no such file") from None
    except IsADirectoryError:
        raise InvalidValue("file", path, "it is a directory; give a CSV file") from None
    except PermissionError:
        raise InvalidValue("file", path, "it cannot be read (permission denied)") from None


def _refuse(path: str, line: int, why: str):
    raise RuleViolation(f"import: {path} line {line}: {why}; it is not UTF-8, UTF-16 or Windows-1252 text. "
                        f"To import it, {SAVE_AS}; nothing was imported.")


def detect_encoding(path: str) -> str:
    """The codec the whole file decodes with, or a refusal naming the line of the first bad byte."""
    with _open_binary(path) as stream:
        head = stream.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not head.startswith(codecs.BOM_UTF32_LE):
            stream.seek(0)
            decoder = codecs.getincrementaldecoder("utf-16")()
            line = 1
            while True:
                chunk = stream.read(CHUNK)
                try:
                    line += decoder.decode(chunk, final=not chunk).count("\n")
                except UnicodeDecodeError:
                    _refuse(path, line, "it starts with a UTF-16 byte-order mark but holds bytes that are not UTF-16")
                if not chunk:
                    return "utf-16"
        stream.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        lines_before = 0
        utf8_bad: int | None = None
        nul_line: int | None = None
        cp1252_ok = True
        while chunk := stream.read(CHUNK):
            if nul_line is None and b"\x00" in chunk:
                nul_line = lines_before + chunk[:chunk.index(b"\x00")].count(b"\n") + 1
            if cp1252_ok and _CP1252_UNDEFINED.search(chunk):
                cp1252_ok = False
            if utf8_bad is None:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:  # exc.start: within this chunk (and <= 3 carried bytes)
                    utf8_bad = lines_before + chunk[:max(exc.start, 0)].count(b"\n") + 1
            lines_before += chunk.count(b"\n")
            if utf8_bad is not None and not cp1252_ok:
                break
        if utf8_bad is None:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8_bad = lines_before + 1
        if nul_line is not None:
            _refuse(path, nul_line, "it holds a NUL byte (UTF-16 without a byte-order mark, or not a text file)")
        if utf8_bad is None:
            return "utf-8-sig"
        if cp1252_ok:
            return "cp1252"
        _refuse(path, utf8_bad, "a byte there is not UTF-8 and the file holds bytes that Windows-1252 does not use")
        raise AssertionError("unreachable")


def separator_of(header_line: str) -> str:
    """The separator that splits the header line into the most cells (a comma when none splits it)."""
    best, most = ",", 1
    for sep in SEPARATORS:
        try:
            cells = next(csv.reader([header_line], delimiter=sep), [])
        except csv.Error:
            continue
        if len(cells) > most:
            best, most = sep, len(cells)
    return best


_FORMATS: dict[str, tuple[float, Format]] = {}


def file_format(path: str) -> Format:
    """The encoding and separator of a file (remembered per path and modification time)."""
    import os

    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        mtime = -1.0
    cached = _FORMATS.get(path)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    encoding = detect_encoding(path)
    with open(path, newline="", encoding=encoding) as stream:
        first = stream.readline()
    fmt = Format(encoding, separator_of(first.rstrip("\r\n")))
    _FORMATS[path] = (mtime, fmt)
    return fmt


def open_text(path: str) -> tuple[TextIO, Format]:
    fmt = file_format(path)
    return open(path, newline="", encoding=fmt.encoding), fmt


# --- lines a CRM report adds ------------------------------------------------------------------------------

FOOTER_MARKS = (
    re.compile(r"^copyright\s*(\(c\)|©)?\s*[\d\s\-–]*\s*salesforce\.com", re.I),
    re.compile(r"^confidential information\s*-\s*do not distribute$", re.I),
    re.compile(r"^generated by:", re.I),
)
TOTALS = re.compile(r"^(sub\s*)?(grand\s+)?totals?(\s*\(\s*[\d,]+\s+records?\s*\))?:?$", re.I)
FOOTER_MAX = 12  # a Salesforce footer is five or six lines; a longer one-cell block is data


def _one_cell(record: list[str]) -> str | None:
    filled = [c.strip() for c in record if c.strip()]
    return filled[0] if len(filled) == 1 else None


def is_footer_mark(record: list[str]) -> bool:
    cell = _one_cell(record)
    return cell is not None and any(m.search(cell) for m in FOOTER_MARKS)


def is_totals_row(record: list[str]) -> bool:
    first = next((c.strip() for c in record if c.strip()), "")
    return bool(TOTALS.match(first))


class ReportLines:
    """Filters a CSV's records: blank lines, totals rows and a report footer are dropped and counted.

    A footer is the block of one-cell lines after the last blank line that holds one of Salesforce's footer
    lines (the copyright, "Confidential Information - Do Not Distribute", "Generated By: ..."); the report
    title and company name around them go with it.  A one-cell block without such a line is data."""

    def __init__(self) -> None:
        self.skipped: dict[str, int] = {}

    def _skip(self, why: str, n: int = 1) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + n

    def filter(self, records: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
        pending: list[tuple[int, list[str]]] | None = None  # one-cell lines after a blank line
        for line, record in records:
            if not "".join(record).strip():
                if pending:
                    yield from pending
                pending = []
                continue
            if is_totals_row(record):
                self._skip("totals row (Total / Grand Totals)")
                continue
            if pending is not None and _one_cell(record) is not None and len(pending) < FOOTER_MAX:
                pending.append((line, record))
                continue
            if pending:
                yield from pending
            pending = None
            if is_footer_mark(record):
                self._skip("report footer (Salesforce)")
                continue
            yield line, record
        if pending:
            if any(is_footer_mark(r) for _, r in pending):
                self._skip("report footer (Salesforce)", len(pending))
            else:
                yield from pending


# --- records -------------------------------------------------------------------------------------------


class Reader:
    """CSV records with the line each starts on, and the bytes read so far (for a progress bar)."""

    def __init__(self, stream: TextIO, *, count_bytes: bool = True, delimiter: str = ",") -> None:
        self.bytes = 0
        self._stream = stream
        self.reader = csv.reader(self._lines() if count_bytes else stream, delimiter=delimiter)

    def _lines(self) -> Iterator[str]:
        for line in self._stream:
            self.bytes += len(line.encode("utf-8", "surrogatepass"))
            yield line

    def records(self) -> Iterator[tuple[int, list[str]]]:
        last = self.reader.line_num
        for record in self.reader:
            yield last + 1, record
            last = self.reader.line_num


def read_header(path: str) -> list[str]:
    stream, fmt = open_text(path)
    with stream:
        try:
            return next(csv.reader(stream, delimiter=fmt.separator))
        except StopIteration:
            raise RuleViolation(f"import: {path} is empty; nothing was imported.") from None
        except csv.Error as exc:
            raise RuleViolation(f"import: {path} line 1: the header is not readable CSV ({exc}); "
                                "nothing was imported.") from None


def raw_batches(path: str, result, *, count_rows: bool, count_bytes: bool = True,
                report_lines: bool = False) -> Iterator[tuple[Reader, list[tuple[int, list[str]]]]]:
    """(reader, [(line, cells)]) in batches, header skipped, blank lines dropped; unreadable CSV is a bad row.
    With `report_lines` (a CRM export) totals rows and a report footer are dropped too, counted in
    `result.skipped` (see reading.ReportLines)."""
    from cstool.services.importing.base import BATCH

    stream, fmt = open_text(path)
    with stream:
        reader = Reader(stream, count_bytes=count_bytes, delimiter=fmt.separator)
        records = reader.records()
        batch: list[tuple[int, list[str]]] = []
        lines = ReportLines()
        try:
            next(records, None)
            for line, record in (lines.filter(records) if report_lines else records):
                if not "".join(record).strip():  # a blank line, or only empty cells
                    continue
                if count_rows:
                    result.rows += 1
                batch.append((line, record))
                if len(batch) >= BATCH:
                    yield reader, batch
                    batch = []
        except csv.Error as exc:
            result.error(reader.reader.line_num, f"unreadable CSV: {exc}")
        if count_rows:
            for why, n in lines.skipped.items():
                result.skipped[why] = result.skipped.get(why, 0) + n
        if batch:
            yield reader, batch
