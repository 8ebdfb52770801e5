"""The cron recipes in contrib/cron run against a real store and behave under flock."""

from __future__ import annotations

import fcntl
import os
import stat
import subprocess
import sys

import pytest

from tests.conftest import ROOT

CRON = ROOT / "contrib" / "cron"


def run(script: str, db: str, tmp_path, **env) -> subprocess.CompletedProcess:
    full = {**os.environ, "CSTOOL": f"{sys.executable} -m cstool", "CSTOOL_DB": db,
            "CSTOOL_LOCK_DIR": str(tmp_path), "HOME": str(tmp_path), **env}
    return subprocess.run(["sh", str(CRON / script)], capture_output=True, text=True, env=full, cwd=str(ROOT),
                          timeout=120)


@pytest.fixture
def db(bare_cli, tmp_path):
    path = str(tmp_path / "cron.db")
    bare_cli.ok("--db", path, "account", "add", "Acme", "--csm", "Ann", "--users", "600",
                "--slack", "#a_acme-internal")
    bare_cli.ok("--db", path, "onboarding", "start", "Acme", "--date", "2026-11-20", "--purchase-date", "2026-11-01")
    bare_cli.ok("--db", path, "contact", "add", "Acme", "Pat Admin", "--gitlab-admin")
    return path


def test_morning_tasks_lists_due_tasks(db, tmp_path):
    r = run("morning-tasks.sh", db, tmp_path)
    assert r.returncode == 0, r.stderr
    # started 11-20, recorded 11-24: the welcome (day 0) is skipped, the introduction (days 2-5) is due
    assert "Tasks due within 7d" in r.stdout and "Personal introduction call" in r.stdout


def test_morning_tasks_is_silent_when_nothing_is_due(bare_cli, tmp_path):
    path = str(tmp_path / "empty.db")
    bare_cli.ok("--db", path, "db", "init")
    r = run("morning-tasks.sh", path, tmp_path)
    assert (r.returncode, r.stdout) == (0, "")


def test_weekly_gemstones_keeps_the_transitions(db, tmp_path, bare_cli):
    import sqlite3

    with sqlite3.connect(db) as c:
        c.execute("UPDATE account SET users = 6000")
    c.close()
    r = run("weekly-gemstones.sh", db, tmp_path, CSTOOL_LOG_DIR=str(tmp_path / "logs"))
    assert r.returncode == 0, r.stderr
    assert "1 gemstone transition(s)" in r.stdout and "ruby,diamond" in r.stdout
    assert bare_cli.json("--db", db, "account", "show", "Acme")["gemstone"] == "diamond"
    again = run("weekly-gemstones.sh", db, tmp_path, CSTOOL_LOG_DIR=str(tmp_path / "logs"))
    assert (again.returncode, again.stdout) == (0, "")


def test_nightly_backup_checks_and_findings(db, tmp_path, bare_cli):
    backups = tmp_path / "backups"
    r = run("nightly-maintenance.sh", db, tmp_path, CSTOOL_BACKUP_DIR=str(backups))
    assert r.returncode == 0, r.stdout + r.stderr
    (copy,) = backups.glob("cstool-*.db")
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
    bare_cli.ok("--db", db, "account", "update", "Acme", "--csm", "")  # a ruby account without a CSM
    r = run("nightly-maintenance.sh", db, tmp_path, CSTOOL_BACKUP_DIR=str(backups))
    assert r.returncode == 1 and "no-csm" in r.stdout


def test_nightly_reports_a_broken_store_with_exit_5(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("not a database")
    r = run("nightly-maintenance.sh", str(bad), tmp_path, CSTOOL_BACKUP_DIR=str(tmp_path / "b"))
    assert r.returncode != 0


def test_overlapping_runs_are_skipped(db, tmp_path):
    with open(tmp_path / "cstool-morning-tasks.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        r = run("morning-tasks.sh", db, tmp_path)
    assert r.returncode == 0 and r.stdout == "" and "skipping" in r.stderr


def test_weekly_health_stores_a_snapshot_and_lists_the_red(db, tmp_path, bare_cli):
    bare_cli.ok("--db", db, "account", "update", "Acme", "--sentiment", "red")
    # enough evidence for a score (SPEC 14): sentiment red (20) + the last call 84 days ago, red (20) + the open
    # onboarding, green (10) = 50 of 100 weight: (0*20 + 0*20 + 100*10) / 50 = 20, red
    bare_cli.ok("--db", db, "activity", "log", "Acme", "--type", "call", "--subject", "last call", "--date",
                "2026-09-01")
    r = run("weekly-health.sh", db, tmp_path)
    assert r.returncode == 0, r.stderr
    assert "1 account(s) with a red health score this week:" in r.stdout and "Acme" in r.stdout
    history = bare_cli.json("--db", db, "account", "health", "Acme", "--history")["history"]
    assert [h["date"] for h in history] == ["2026-11-24"]
    bare_cli.ok("--db", db, "account", "update", "Acme", "--sentiment", "green")
    again = run("weekly-health.sh", db, tmp_path)
    assert (again.returncode, again.stdout) == (0, "")  # nothing red: nothing to mail


def test_daily_renewals_opens_the_coming_renewals_once(db, tmp_path, bare_cli):
    bare_cli.ok("--db", db, "config", "set", "renewal-lead-days", "30")
    bare_cli.ok("--db", db, "account", "update", "Acme", "--arr", "120000", "--renewal-date", "2027-03-01")
    assert bare_cli.json("--db", db, "opportunity", "list") == []  # outside 30 days: nothing yet
    assert (run("daily-renewals.sh", db, tmp_path).stdout) == ""
    bare_cli.ok("--db", db, "config", "set", "renewal-lead-days", "180")
    r = run("daily-renewals.sh", db, tmp_path)
    assert r.returncode == 0, r.stderr
    assert "1 renewal opportunity opened:" in r.stdout and "Acme renewal 2027-03-01" in r.stdout
    again = run("daily-renewals.sh", db, tmp_path)
    assert (again.returncode, again.stdout) == (0, "")  # idempotent: the renewal exists
    assert [o["name"] for o in bare_cli.json("--db", db, "opportunity", "list")] == ["Acme renewal 2027-03-01"]
    broken = run("daily-renewals.sh", str(tmp_path / "missing" / "x.db"), tmp_path)
    assert broken.returncode == 5 and "renewal open failed (exit 5)" in broken.stderr
