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
code = 0
try:
    runpy.run_module("cstool", run_name="__main__")
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
import json
loaded = sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})
print(json.dumps({{"code": code, "loaded": loaded}}), file=sys.stderr)
"""


def probe(code: str, env: dict) -> tuple[int, list[str], str, str]:
    """Run a probe in a fresh interpreter: (the command's exit code, heavy modules loaded, stdout, stderr)."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=str(ROOT), env=env)
    *lines, last = out.stderr.strip().splitlines() or ["{}"]
    report = json.loads(last)
    return report["code"], report["loaded"], out.stdout, "\n".join(lines)


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["account", "--help"], ["onboarding", "--help"],
                                  ["report", "ttv", "--help"], ["dashboard", "--help"]])
def test_no_heavy_imports(args):
    code, loaded, stdout, stderr = probe(PROBE.format(args=args, heavy=HEAVY), {"PATH": "/usr/bin:/bin", "NO_COLOR": "1"})
    assert code == 0, (args, code, stderr)
    assert stdout.startswith("cstool ") if args == ["--version"] else "Usage: " in stdout, (args, stdout[:300])
    assert loaded == [], f"{args} imported {loaded}"


def test_completion_does_not_import_heavy_modules():
    code = PROBE.format(args=[], heavy=HEAVY)
    env = {"PATH": "/usr/bin:/bin", "_CSTOOL_COMPLETE": "complete_bash", "COMP_WORDS": "cstool acc", "COMP_CWORD": "1"}
    exit_code, loaded, stdout, stderr = probe(code.replace('"cstool", *[]', '"cstool"'), env)
    assert exit_code == 0, stderr
    assert loaded == []
    assert stdout.split() == ["account"]  # completion really ran


def test_version_and_module_entry_point():
    r = run_cstool("--version")
    assert r.returncode == 0 and r.stdout.startswith("cstool ")
    r = run_cstool("--help")
    assert r.returncode == 0 and "Exit codes" in r.stdout


READ_ONLY_HEAVY = ("sqlmodel", "pydantic", "sqlalchemy.orm", "alembic", "cstool.storage.models", "cstool.services.demo",
                   "matplotlib", "numpy", "PIL", "icalendar", "cstool.charts")
READ_PROBE = PROBE.replace("m.split('.')[0] in {heavy!r}", "any(m == h or m.startswith(h + '.') for h in {heavy!r})")


READS = [  # (argv, what its output must show: proof that the command ran to its end)
    (["account", "show", "Acme"], "Acme"), (["account", "list"], "Acme"), (["task", "list", "--due", "7d"], "Tasks"),
    (["report", "ttv", "--quarter"], "Time to Value FY2027-Q4"), (["report", "onboarding"], "Open onboardings"),
    (["onboarding", "show", "1"], "Onboarding #1 (Acme)"), (["ebr", "list"], "No EBRs."),
    (["pse", "list"], "No engagements."), (["history", "Acme"], "History of Acme"), (["export", "account"], "Acme"),
    (["pov", "list"], "No POVs."), (["plan", "list"], "No objectives."), (["report", "pov"], "POVs closed in"),
    (["report", "plans"], "Time to Purchase Intent"), (["report", "health"], "Acme"),
    (["account", "health", "Acme"], "Acme: health"), (["report", "ebr"], "EBRs FY2027"),
    (["report", "pse"], "No engagements."),
]


@pytest.fixture(scope="module")
def read_store(tmp_path_factory) -> str:
    """One small store for every read probe (reads change nothing)."""
    db = str(tmp_path_factory.mktemp("reads") / "r.db")
    env = {"CSTOOL_TODAY": "2026-11-24", "CSTOOL_USER": "t"}
    assert run_cstool("--db", db, "account", "add", "Acme", "--users", "900", env=env).returncode == 0
    assert run_cstool("--db", db, "onboarding", "start", "Acme", env=env).returncode == 0
    return db


def _read_probe(db: str, args: list[str]) -> tuple[int, list[str], str, str]:
    return probe(READ_PROBE.format(args=["--db", db, *args], heavy=READ_ONLY_HEAVY),
                 {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "CSTOOL_USER": "t", "CSTOOL_TODAY": "2026-11-24"})


@pytest.mark.parametrize("args,shows", READS, ids=[" ".join(a) for a, _ in READS])
def test_reads_load_no_orm(args, shows, read_store):
    """The read path is Core statements: no SQLModel, pydantic, ORM or table models are imported."""
    code, loaded, stdout, stderr = _read_probe(read_store, args)
    assert code == 0, (args, code, stderr)
    assert shows in stdout + stderr, (args, stdout[:300], stderr[:300])
    assert loaded == [], f"{args} imported {loaded}"


def test_the_read_probe_sees_a_command_fail(read_store):
    """The probe is not fooled by a command that stops early: an unknown account or report is a failure."""
    assert _read_probe(read_store, ["account", "show", "Nobody"])[0] == 3
    assert _read_probe(read_store, ["report", "no-such-report"])[0] == 2


@pytest.mark.slow
def test_only_drawing_commands_load_the_charting_library(tmp_path):
    """The dashboard and --chart do load matplotlib (the probe sees it), and still no ORM."""
    db = str(tmp_path / "r.db")
    assert run_cstool("--db", db, "account", "add", "Acme", "--users", "900").returncode == 0
    probe_code = READ_PROBE.format(
        args=["--db", db, "dashboard", "-o", str(tmp_path / "d.html")], heavy=("matplotlib", "sqlmodel"))
    code, loaded, _, stderr = probe(probe_code, {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "CSTOOL_USER": "t",
                                                 "HOME": str(tmp_path)})
    assert code == 0 and (tmp_path / "d.html").stat().st_size > 0, stderr
    assert "matplotlib" in loaded and "sqlmodel" not in loaded
