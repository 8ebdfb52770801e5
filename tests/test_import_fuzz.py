"""Fuzzing the CSV readers: generated files of every import kind and mutated bytes of a good one.

Whatever the file, `cstool import` reads it or refuses it with the file and the reason (exit 1),
never with a traceback, and a refused import leaves the store byte for byte as it was.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cstool.services.importing.registry import KINDS
from tests.conftest import copy_sqlite
from tests.state import store_state


CELLS = st.one_of(
    st.sampled_from(["", " ", "Base", "base", "Base deal", "Base work", "Ann", "2026-10-05", "10/05/2026",
                     "05/10/2026", "2026-02-30", "13/13/2026", "today", "yes", "no", "Completed", "In Progress",
                     "Closed Won", "call", "meeting", "40", "12.5", "-3", "1e9", "99999999999999999999", "NaN",
                     "=cmd()", '"', "'", "\n", "\r\n", "☃", "Zoë", "a;b;c", "x" * 5000]),
    st.text(max_size=30),
    st.integers(-10**6, 10**6).map(str),
    st.dates().map(lambda d: d.isoformat()),
)


def _kind_headers(kind):
    return [spelling for c in kind.columns for spelling in (c.field, *c.headers)]


@st.composite
def csv_files(draw):
    kind = draw(st.sampled_from(KINDS))
    spellings = _kind_headers(kind)
    header = draw(st.lists(st.one_of(st.sampled_from(spellings), st.text(max_size=12)), min_size=1, max_size=8))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=len(header) + 2), max_size=6))

    def line(cells):
        return ",".join('"' + c.replace('"', '""') + '"' if any(x in c for x in ',"\n\r') else c for c in cells)

    return kind.name, "\n".join([line(header), *map(line, rows)]) + "\n"


def _based(cli, tmp_path):
    """A fresh store for one example: a copy of a based store (built once) made anew each time."""
    base = tmp_path / "base.db"
    if not base.exists():
        db = str(base)
        cli.ok("--db", db, "account", "add", "Base", "--csm", "Ann", "--users", "800")
        cli.ok("--db", db, "opportunity", "add", "Base", "--name", "Base deal", "--stage", "closed-won",
               "--close-date", "2026-10-01")
        cli.ok("--db", db, "onboarding", "start", "Base", "--date", "2026-10-05")
        cli.ok("--db", db, "pse", "create", "Base", "--opportunity", "Base deal", "--name", "Base work")
    return copy_sqlite(base, tmp_path / "example.db")


def _check(cli, db, kind, path):
    before = store_state(db)
    r = cli("--db", db, "import", kind, str(path), "--date-order", "mdy")
    text = r.stdout + r.stderr
    assert r.exit_code in (0, 1, 4), (kind, r.exit_code, text[-600:])
    assert "Traceback" not in text and "internal error" not in text, (kind, text[-800:])
    if r.exit_code != 0:
        assert r.stderr.strip()
        assert store_state(db) == before, (kind, text[-400:])


@pytest.mark.slow
@given(file=csv_files())
def test_generated_files_of_every_kind(bare_cli, tmp_path_factory, file):
    tmp = tmp_path_factory.getbasetemp() / "fuzz-kinds"
    tmp.mkdir(exist_ok=True)
    db = _based(bare_cli, tmp)
    kind, content = file
    path = tmp / "in.csv"
    path.write_text(content, encoding="utf-8")
    _check(bare_cli, db, kind, path)


GOOD = {
    "accounts": b"Account Name,Licensed Users,CSM,Plan\nNew Co,700,Ann,Ultimate\nOther Co,20,Bo,free\n",
    "onboardings": b"Account Name,Status,Start Date,Completed Date,First Value\nBase,Completed,10/05/2026,"
                   b"11/01/2026,10/20/2026\n",
    "ebrs": b"Account Name,EBR Name,EBR Date,Status,Outcome\nBase,Base EBR,09/01/2026,Completed,Successful\n",
    "time-entries": b"PSE Name,Date,Hours,Note\nBase work,10/06/2026,2.5,x\n",
}


@pytest.mark.slow
@given(kind=st.sampled_from(sorted(GOOD)), data=st.data())
def test_mutated_bytes_of_good_files(bare_cli, tmp_path_factory, kind, data):
    tmp = tmp_path_factory.getbasetemp() / "fuzz-bytes"
    tmp.mkdir(exist_ok=True)
    db = _based(bare_cli, tmp)
    raw = bytearray(GOOD[kind])
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(raw)))
        op = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        byte = data.draw(st.sampled_from([0, 0xFF, 0xC3, 0x22, 0x2C, 0x0A, 0x0D, 0x3B, 0x41, 0x80]))
        if op == "insert":
            raw.insert(at, byte)
        elif raw and at < len(raw):
            if op == "delete":
                del raw[at]
            else:
                raw[at] = byte
    path = tmp / "in.csv"
    path.write_bytes(bytes(raw))
    _check(bare_cli, db, kind, path)
