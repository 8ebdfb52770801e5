"""What people read from the CLI (SPEC 1 and 3): a closed pipe ends quietly with exit 0 in every format,
number columns line up on the right, no internal value in a table, an unknown command suggests close ones."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT, run_cstool

PIPE_BUFFER = 65536


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("demo") / "demo.db")
    r = run_cstool("demo", "--db", db, timeout=300)
    assert r.returncode == 0, r.stderr
    return db


def _piped(db: str, command: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-o", "pipefail", "-c", f'{sys.executable} -m cstool --db "{db}" {command} | head -1'],
                          capture_output=True, text=True, cwd=str(ROOT), timeout=120)


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_a_closed_pipe_is_not_an_error_in_any_format(demo_db, fmt):
    size = len(run_cstool("--db", demo_db, "task", "list", "--all", "-f", fmt).stdout.encode())
    assert size > PIPE_BUFFER  # the writer is still writing when `head` goes away
    for command in (f"task list --all -f {fmt}", f"report onboarding -f {fmt}"):
        r = _piped(demo_db, command)
        assert (r.returncode, r.stderr) == (0, ""), (command, r.returncode, r.stderr)
        assert r.stdout.strip()


def _right_aligned_columns(table: str, headers: list[str]) -> None:
    lines = table.splitlines()
    head_i = next(i for i, line in enumerate(lines) if all(h in line for h in headers))
    head = lines[head_i]
    body = []
    for line in lines[head_i + 2:]:  # after the rule under the header, until the table ends
        if not line.startswith(" "):
            break
        body.append(line)
    assert body
    for h in headers:
        end = head.index(f" {h} ") + 1 + len(h)
        for line in body:
            assert line[end - 1] != " " and (len(line) == end or line[end] == " "), (h, line)


def test_every_number_column_of_report_ttv_by_is_right_aligned(demo_db):
    out = run_cstool("--db", demo_db, "report", "ttv", "--by", "csm").stdout
    _right_aligned_columns(out, ["goal", "measured", "median", "mean", "p90", "min", "max", "within goal", "pending",
                                 "overdue"])
    trend = run_cstool("--db", demo_db, "report", "ttv", "--quarters", "3").stdout
    _right_aligned_columns(trend, ["measured", "median", "p90", "pending", "overdue"])


def test_tables_show_no_internal_values(cli):
    cli.ok("account", "add", "Bare Co")  # no plan, users or iACV: no gemstone
    cli.ok("account", "add", "Big Co", "--plan", "ultimate", "--users", "2500", "--iacv", "300000")
    summary = cli.ok("gemstone", "summary").stdout
    rows = [line for line in summary.splitlines()[3:] if line.strip()]
    assert all(line.split()[0] for line in rows)
    assert any(line.split()[:3] == ["no", "gemstone", "1"] for line in rows), summary
    assert not re.search(r"^\s+\d", summary, re.M)  # no blank gemstone cell, no bare rank
    assert [g["rank"] for g in cli.json("gemstone", "summary")][-1] == 6  # json keeps the raw value
    shown = cli.ok("account", "show", "Bare Co").stdout
    assert "gemstone_rank" not in shown and re.search(r"gemstone\s+no gemstone", shown)
    cli.ok("account", "update", "Big Co", "--iacv", "310000.5")
    history = cli.ok("history", "Big Co").stdout
    assert re.search(r"iacv\s+300,000.00\s+310,000.50", history), history
    assert "iacv_cents" not in history
    (o,) = cli.json("onboarding", "list")
    cli.ok("onboarding", "update", str(o["id"]), "--greenfield")
    assert re.search(r"greenfield\s+(no\s+)?yes", cli.ok("history", f"onboarding:{o['id']}").stdout)
    if not cli.store.startswith("postgresql"):
        info = cli.ok("db", "info").stdout
        assert re.search(r"mode\s+0600", info) and "0o600" not in info


def test_an_unknown_command_suggests_close_ones(cli):
    r = cli("reprot", "ttv")
    assert r.exit_code == 2 and "No such command 'reprot'. Did you mean 'report'" in r.stderr
    r = cli("acount", "list")
    assert r.exit_code == 2 and "Did you mean 'account'" in r.stderr
    r = cli("zzz")
    assert r.exit_code == 2 and "Commands: account, contact" in r.stderr
