"""Output for people and for spreadsheets (README, "Commands"): readable tables, CSV that runs no formula,
`export` raw for the round trip."""

from __future__ import annotations

import csv
import io

import pytest

from cstool.render import _cell, spreadsheet_safe

EVIL = {
    "=": '=HYPERLINK("http://evil.example","click")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("lead", sorted(EVIL))
def test_csv_of_list_show_and_report_is_safe_to_open(cli, lead):
    name = EVIL[lead]
    # `--` and `--opt=value`: a value that starts with "-" is not an option
    cli.ok("account", "add", "--users", "7", f"--csm={name}", "--", name)
    cli.ok("activity", "log", "--type", "email", f"--subject={name}", "--date", "2026-09-01", "--", name)
    listed = _csv(cli.ok("account", "list", "-f", "csv").stdout)
    assert (listed[0]["name"], listed[0]["csm"], listed[0]["users"]) == ("'" + name, "'" + name, "7")
    shown = _csv(cli.ok("account", "show", "-f", "csv", "--", name).stdout)
    assert shown[0]["name"] == "'" + name
    activities = _csv(cli.ok("activity", "list", "-f", "csv", "--", name).stdout)
    assert activities[0]["subject"] == "'" + name
    report = _csv(cli.ok("report", "engagement", "-f", "csv").stdout)
    assert (report[0]["account"], report[0]["days_since_contact"]) == ("'" + name, "84")
    # JSON keeps the raw value; export writes it raw, and import reads it back unchanged
    assert cli.ok("account", "show", "-f", "json", "--", name).json()["name"] == name
    exported = _csv(cli.ok("export", "account").stdout)
    assert exported[0]["name"] == name


def test_export_round_trip_keeps_formula_looking_names(cli, tmp_path):
    cli.ok("account", "add", EVIL["="], "--users", "3")
    path = tmp_path / "accounts.csv"
    path.write_text(cli.ok("export", "account").stdout)
    cli.ok("account", "archive", EVIL["="])
    other = tmp_path / "other.db"
    from tests.conftest import Cli

    fresh = Cli(str(other))
    fresh.ok("import", "accounts", str(path))
    assert [a["name"] for a in fresh.json("account", "list")] == [EVIL["="]]


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_lead_is_prefixed(lead):
    assert spreadsheet_safe(f"{lead}x") == f"'{lead}x"
    assert spreadsheet_safe(f"a{lead}x") == f"a{lead}x"


def test_table_cells_are_for_people():
    assert _cell(["tte", "tto"], "overdue") == "tte, tto"
    assert _cell([{"role": "csm", "name": "Ann"}, {"role": "sa", "name": "Bo"}], "team") == "csm: Ann; sa: Bo"
    assert _cell(1234567.5, "iacv") == "1,234,567.50"
    assert _cell(1234567.0, "amount") == "1,234,567"
    assert _cell(12000, "users") == "12,000"
    assert (_cell(12345, "id"), _cell(2027, "fiscal_year"), _cell(4, "experience_score")) == ("12345", "2027", "4")
    assert (_cell(True), _cell(False), _cell(None)) == ("yes", "no", "")
    assert _cell(66.7, "within_goal_pct") == "66.7"


def test_tables_never_print_json(cli):
    cli.ok("account", "add", "Wayne", "--iacv", "1234567.5", "--csm", "Ann", "--users", "12000")
    cli.ok("onboarding", "start", "Wayne", "--date", "2026-10-01")
    shown = cli.ok("account", "show", "Wayne").stdout
    assert "1,234,567.50" in shown and "12,000" in shown
    assert "csm: Ann" in shown and "[" not in shown and "{" not in shown
    report = cli.ok("report", "onboarding").stdout
    assert "tte, tto" in report and '["' not in report
