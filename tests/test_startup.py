"""Start-up stays light: --help, --version and completion import no SQLAlchemy, SQLModel or pydantic."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, run_cstool

HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "alembic", "psycopg", "matplotlib", "numpy", "PIL", "icalendar",
         "playwright")

PROBE = """
import sys, runpy
sys.argv = ["cstool", *{args!r}]
try:
    runpy.run_module("cstool", run_name="__main__")
except SystemExit:
    pass
import json
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})), file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["account", "--help"], ["onboarding", "--help"],
                                  ["report", "ttv", "--help"], ["dashboard", "--help"]])
def test_no_heavy_imports(args):
    code = PROBE.format(args=args, heavy=HEAVY)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=str(ROOT),
                         env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"})
    loaded = json.loads(out.stderr.strip().splitlines()[-1])
    assert loaded == [], f"{args} imported {loaded}"


def test_completion_does_not_import_heavy_modules():
    code = PROBE.format(args=[], heavy=HEAVY)
    env = {"PATH": "/usr/bin:/bin", "_CSTOOL_COMPLETE": "complete_bash", "COMP_WORDS": "cstool acc", "COMP_CWORD": "1"}
    out = subprocess.run([sys.executable, "-c", code.replace('"cstool", *[]', '"cstool"')], capture_output=True,
                         text=True, cwd=str(ROOT), env=env)
    loaded = json.loads(out.stderr.strip().splitlines()[-1])
    assert loaded == []
    assert out.stdout.split() == ["account"]  # completion really ran


def test_version_and_module_entry_point():
    r = run_cstool("--version")
    assert r.returncode == 0 and r.stdout.startswith("cstool ")
    r = run_cstool("--help")
    assert r.returncode == 0 and "Exit codes" in r.stdout


READ_ONLY_HEAVY = ("sqlmodel", "pydantic", "sqlalchemy.orm", "alembic", "cstool.storage.models", "cstool.services.demo",
                   "matplotlib", "numpy", "PIL", "icalendar", "cstool.charts")
READ_PROBE = PROBE.replace("m.split('.')[0] in {heavy!r}", "any(m == h or m.startswith(h + '.') for h in {heavy!r})")


@pytest.mark.parametrize("args", [["account", "show", "Acme"], ["account", "list"], ["task", "list", "--due", "7d"],
                                  ["report", "ttv", "--quarter"], ["report", "onboarding"], ["onboarding", "show", "1"],
                                  ["ebr", "list"], ["pse", "list"], ["history", "Acme"], ["export", "account"],
                                  ["pov", "list"], ["plan", "list"], ["report", "pov"], ["report", "plans"],
                                  ["report", "health"], ["account", "health", "Acme"], ["report", "ebr"],
                                  ["report", "pse"]])
def test_reads_load_no_orm(args, tmp_path):
    """The read path is Core statements: no SQLModel, pydantic, ORM or table models are imported."""
    db = str(tmp_path / "r.db")
    assert run_cstool("--db", db, "account", "add", "Acme", "--users", "900").returncode == 0
    assert run_cstool("--db", db, "onboarding", "start", "Acme").returncode == 0
    code = READ_PROBE.format(args=["--db", db, *args], heavy=READ_ONLY_HEAVY)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=str(ROOT),
                         env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "CSTOOL_USER": "t"})
    loaded = json.loads(out.stderr.strip().splitlines()[-1])
    assert loaded == [], f"{args} imported {loaded}"


def test_only_drawing_commands_load_the_charting_library(tmp_path):
    """The dashboard and --chart do load matplotlib (the probe sees it), and still no ORM."""
    db = str(tmp_path / "r.db")
    assert run_cstool("--db", db, "account", "add", "Acme", "--users", "900").returncode == 0
    probe = READ_PROBE.format(
        args=["--db", db, "dashboard", "-o", str(tmp_path / "d.html")], heavy=("matplotlib", "sqlmodel"))
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=str(ROOT),
                         env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "CSTOOL_USER": "t", "HOME": str(tmp_path)})
    loaded = json.loads(out.stderr.strip().splitlines()[-1])
    assert "matplotlib" in loaded and "sqlmodel" not in loaded
