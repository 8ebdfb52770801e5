"""Moving a whole store (README, "Import, export, check" and "Moving to a team database"): export --all / import --all, and db copy between engines.

Afterwards every table's export and every report's JSON are the same, byte for byte.
"""

from __future__ import annotations

import os

import pytest

from cstool.services.importing.tables import tables
from tests.conftest import Cli
from tests.state import store_state

REPORTS = (("report", "ttv", "--quarters", "4"), ("report", "ttv", "--quarters", "2", "--cohort", "start"),
           ("report", "onboarding"), ("report", "ebr"), ("report", "pse"), ("report", "engagement"),
           ("account", "list", "--all"), ("task", "list", "--all"), ("report", "renewals", "--quarters", "6"),
           ("renewal", "list"))


def _everything(cli: Cli) -> dict:
    out = {t.name: cli.ok("export", t.name).stdout for t in tables()}
    for args in REPORTS:
        out[" ".join(args)] = cli.ok(*args, "-f", "json").stdout
    out["check"] = cli("check", "-f", "json").stdout
    return out


def _demo(cli: Cli) -> None:
    cli.ok("demo", "--accounts", "60")
    cli.ok("config", "set", "tte-goal", "12")  # a setting travels too
    name = cli.json("account", "list")[0]["name"]
    cli.ok("account", "update", name, "--health", "red", "--actor", "mover")  # and the history
    assert any(h["actor"] == "mover" for h in cli.json("history", name))


def test_export_all_then_import_all_restores_the_demo_store(cli, other_store, tmp_path):
    _demo(cli)
    folder = tmp_path / "backup"
    cli.ok("export", "--all", str(folder))
    assert sorted(p.name for p in folder.iterdir()) == sorted([f"{t.name}.csv" for t in tables()] + ["manifest.json"])
    assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in folder.iterdir())
    target = Cli(other_store)
    target.ok("import", "--all", str(folder))
    assert _everything(target) == _everything(cli)
    # ids kept, and new ones continue after them
    top = max(a["id"] for a in cli.json("account", "list", "--all"))
    assert target.json("account", "add", "After The Move")["id"] == top + 1
    # a second restore into the now non-empty store is refused (exit 4) and changes nothing
    before = store_state(other_store)
    r = target("import", "--all", str(folder))
    assert r.exit_code == 4 and "the store is not empty" in r.stderr
    assert store_state(other_store) == before
    # export --all never overwrites
    r = cli("export", "--all", str(folder))
    assert r.exit_code == 4 and "already exists" in r.stderr


def test_a_broken_backup_folder_is_refused_whole(cli, other_store, tmp_path):
    _demo(cli)
    folder = tmp_path / "backup"
    cli.ok("export", "--all", str(folder))
    tasks = folder / "task.csv"
    lines = tasks.read_text().splitlines()
    lines[-1] = lines[-1].replace(",20", ",not-a-number-20", 1) if ",20" in lines[-1] else lines[-1] + ",extra"
    tasks.write_text("\n".join(lines) + "\n")
    target = Cli(other_store)
    target.ok("db", "init")
    before = store_state(other_store)
    r = target("import", "--all", str(folder))
    assert r.exit_code == 1 and "task.csv: " in r.stderr and "nothing was imported" in r.stderr
    assert store_state(other_store) == before
    (folder / "pse.csv").unlink()
    r = target("import", "--all", str(folder))
    assert r.exit_code == 1 and "has no pse.csv" in r.stderr


def test_db_copy_sqlite_to_postgresql_and_back(bare_cli, tmp_path, request):
    server = request.getfixturevalue("pg_server")
    if server is None:
        pytest.skip("needs the throwaway PostgreSQL server")
    first = str(tmp_path / "laptop.db")
    team = server.create_database(f"copy{os.getpid()}", template=request.getfixturevalue("pg_template"))
    back = str(tmp_path / "back.db")
    laptop = Cli(first)
    _demo(laptop)
    laptop.ok("db", "copy", "--to", team)
    Cli(team).ok("db", "copy", "--to", back)
    expected = _everything(laptop)
    assert _everything(Cli(team)) == expected
    assert _everything(Cli(back)) == expected
    # sequences continue after the copied ids on PostgreSQL
    top = max(a["id"] for a in laptop.json("account", "list", "--all"))
    assert Cli(team).json("account", "add", "Next Customer")["id"] == top + 1
    # a target that is not empty is refused and left as it was: row for row, byte for byte
    for target in (team, back):
        before = store_state(target)
        r = laptop("db", "copy", "--to", target)
        assert r.exit_code == 4 and "not empty" in r.stderr, r.stderr
        assert store_state(target) == before
    r = laptop("db", "copy", "--to", first)
    assert r.exit_code == 4 and "the target is the source" in r.stderr
