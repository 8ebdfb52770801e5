"""Accounts through the real CLI, on both engines."""

from __future__ import annotations

import json


def test_add_show_list_roundtrip(cli):
    cli.ok("account", "add", "ACME", "--users", "600", "--plan", "premium", "--csm", "Ann", "--segment", "Large",
           "--iacv", "$45,000.50", "--health", "green", "--slack", "#a_acme-internal", "--ebr-cadence", "quarterly")
    acme = cli.json("account", "show", "acme")
    assert acme["name"] == "ACME"
    assert acme["segment"] == "large"
    assert acme["users"] == 600
    assert acme["iacv"] == 45000.5
    assert acme["gemstone"] == "ruby" and acme["gemstone_rank"] == 4
    assert acme["gemstone_reason"] == "users > 500 (600 users)"
    assert acme["slack_channel"] == "#a_acme-internal"
    listed = cli.json("account", "list")
    assert [a["name"] for a in listed] == ["ACME"]
    assert set(listed[0]) >= {"id", "name", "segment", "plan", "users", "iacv", "gemstone", "gemstone_rank", "health",
                              "csm_sentiment", "csm", "sa", "owner", "cs_project_url", "slack_channel",
                              "lifecycle_stage", "ebr_cadence", "created_at", "updated_at", "archived_at"}


def test_name_differing_only_in_case_is_a_conflict(cli):
    cli.ok("account", "add", "Acme Corp")
    r = cli("account", "add", "ACME CORP")
    assert r.exit_code == 4
    assert "already exists" in r.stderr
    assert len(cli.json("account", "list")) == 1


def test_a_miss_is_exit_3_with_close_names(cli):
    cli.ok("account", "add", "Globex")
    cli.ok("account", "add", "Initech")
    r = cli("account", "show", "Globx")
    assert r.exit_code == 3
    assert "no account named 'Globx'" in r.stderr
    assert "Did you mean: Globex?" in r.stderr
    assert r.stdout == ""
    assert cli("account", "show", "999").exit_code == 3


BAD_VALUES = [
    ("--segment", "huge", "segment"),
    ("--users", "-1", "users"),
    ("--users", "ten", "users"),
    ("--iacv", "-5", "iacv"),
    ("--iacv", "1.005", "iacv"),
    ("--health", "purple", "health"),
    ("--sentiment", "blue", "sentiment"),
    ("--slack", "acme", "slack"),
    ("--slack", "#acme-internal", "slack"),
    ("--slack", "#a_ACME-internal", "slack"),
    ("--cs-project", "not a url", "cs-project"),
    ("--stage", "limbo", "stage"),
    ("--ebr-cadence", "weekly", "ebr-cadence"),
]


def test_each_bad_value_is_refused_naming_the_field_and_changes_nothing(cli):
    cli.ok("account", "add", "Keep", "--users", "10")
    before = cli.json("account", "show", "Keep")
    history_before = cli.json("history", "Keep")
    for option, value, field in BAD_VALUES:
        for argv in (("account", "add", "New", option, value), ("account", "update", "Keep", option, value)):
            r = cli(*argv)
            assert r.exit_code == 1, (argv, r.stderr)
            assert r.stderr.startswith(f"error: {field}: "), (argv, r.stderr)
            assert repr(value) in r.stderr or value in r.stderr
            assert len(r.stderr.strip().splitlines()) <= 2
            assert "Traceback" not in r.stderr
    assert cli.json("account", "show", "Keep") == before
    assert cli.json("history", "Keep") == history_before
    assert [a["name"] for a in cli.json("account", "list")] == ["Keep"]


def test_unknown_option_is_usage_error(cli):
    r = cli("account", "add", "X", "--colour", "red")
    assert r.exit_code == 2


def test_update_rename_clear_and_archive(cli):
    cli.ok("account", "add", "Old Name", "--csm", "Ann", "--users", "10")
    cli.ok("account", "update", "old name", "--name", "New Name", "--csm", "")
    acc = cli.json("account", "show", "NEW NAME")
    assert acc["csm"] is None
    assert cli("account", "show", "Old Name").exit_code == 3
    cli.ok("account", "archive", "New Name")
    assert cli.json("account", "list") == []
    assert [a["name"] for a in cli.json("account", "list", "--all")] == ["New Name"]
    assert cli("account", "archive", "New Name").exit_code == 4
    cli.ok("account", "archive", "New Name", "--restore")
    assert len(cli.json("account", "list")) == 1


def test_list_output_formats_are_clean_for_pipes(cli):
    cli.ok("account", "add", "Alpha", "--users", "6000")
    cli.ok("account", "add", "Beta, \"Inc\"", "--users", "10")
    table = cli.ok("account", "list", env={"NO_COLOR": None, "TERM": "xterm-256color"}).stdout
    assert "\x1b[" not in table
    assert "Alpha" in table and "diamond" in table
    data = json.loads(cli.ok("account", "list", "-f", "json").stdout)
    assert [a["name"] for a in data] == ["Alpha", 'Beta, "Inc"']
    csv_text = cli.ok("account", "list", "--format", "csv").stdout
    lines = csv_text.splitlines()
    assert lines[0].startswith("id,name,segment,plan,users,iacv,gemstone,gemstone_rank")
    assert '"Beta, ""Inc"""' in lines[2]
    empty_csv = cli.ok("account", "list", "--gemstone", "pearl", "-f", "csv").stdout
    assert empty_csv.splitlines()[0].startswith("id,name")


def test_messages_go_to_stderr_and_data_to_stdout(cli):
    r = cli.ok("account", "add", "Quiet", "-f", "json")
    assert json.loads(r.stdout)["name"] == "Quiet"
    assert "Added account Quiet" in r.stderr


def test_actor_is_recorded(cli):
    cli.ok("--actor", "ceo", "account", "add", "Actor Co")
    cli.ok("account", "update", "Actor Co", "--users", "5", env={"CSTOOL_USER": "cron"})
    rows = cli.json("history", "Actor Co")
    assert rows[0]["actor"] == "ceo" and rows[0]["field"] == "(created)"
    assert {"actor": "cron", "field": "users", "old": None, "new": "5"}.items() <= rows[1].items()


def test_sql_injection_like_name_round_trips(cli):
    name = "x'); DROP TABLE account;--"
    cli.ok("account", "add", name)
    assert cli.json("account", "show", name)["name"] == name
    assert [a["name"] for a in cli.json("account", "list")] == [name]


def test_digit_only_names_are_refused(cli):
    r = cli("account", "add", "12345")
    assert r.exit_code == 1 and "name" in r.stderr
