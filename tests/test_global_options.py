"""Global options (--db, --actor, --debug) work before or after the command (README, "Commands")."""

from __future__ import annotations

import pytest

from cstool.cli.argv import hoist_global_options
from tests.conftest import run_cstool


def _actors(cli, ref="Wayne"):
    return [(h["field"], h["actor"]) for h in cli.json("history", ref) if h["field"] == "health"]


@pytest.mark.parametrize("where", ["before", "after", "middle"])
def test_actor_anywhere(cli, where):
    cli.ok("account", "add", "Wayne")
    command = ["account", "update", "Wayne", "--health", "red"]
    argv = {"before": ["--actor", "alice", *command],
            "after": [*command, "--actor", "alice"],
            "middle": ["account", "update", "--actor=alice", "Wayne", "--health", "red"]}[where]
    cli.ok(*argv)
    assert _actors(cli) == [("health", "alice")]


@pytest.mark.parametrize("where", ["before", "after"])
def test_db_anywhere(bare_cli, tmp_path, where):
    db = str(tmp_path / "x.db")
    command = ["account", "add", "Acme"]
    bare_cli.ok(*(["--db", db, *command] if where == "before" else [*command, "--db", db]))
    listed = bare_cli.json("account", "list", "--db", db) if where == "after" else bare_cli.json("--db", db, "account", "list")
    assert [a["name"] for a in listed] == ["Acme"]


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_anywhere(tmp_path, where):
    db = str(tmp_path / "x.db")
    command = ["account", "show", "Nobody"]
    argv = ["--db", db, "--debug", *command] if where == "before" else ["--db", db, *command, "--debug"]
    r = run_cstool(*argv)
    assert r.returncode != 0 and "Traceback" in r.stderr and "NotFound" in r.stderr
    r = run_cstool("--db", db, *command)
    assert r.returncode == 3 and "Traceback" not in r.stderr


def test_root_help_says_so():
    r = run_cstool("--help")
    assert " ".join(r.stdout.split()).count("(before or after the command)") == 3


def test_hoisting_leaves_data_and_other_options_alone():
    assert hoist_global_options(["account", "update", "X", "--health", "red", "--actor", "al"]) == \
        ["--actor", "al", "account", "update", "X", "--health", "red"]
    assert hoist_global_options(["--db", "a.db", "report", "ttv", "--debug"]) == \
        ["--db", "a.db", "--debug", "report", "ttv"]
    # after `--` everything is data
    assert hoist_global_options(["task", "add", "X", "--", "--actor"]) == ["task", "add", "X", "--", "--actor"]
    assert hoist_global_options(["account", "list"]) == ["account", "list"]
