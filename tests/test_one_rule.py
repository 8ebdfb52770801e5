"""One rule, one implementation (SPEC section 9): the same rows typed one by one through the real CLI into one
store and imported from a CSV file into another give the same tables, every one of them.

The harness (`typed_vs_imported`) is reusable: a case is the commands both stores get first (`setup`), the rows
(one dict each, the CSV's columns), the commands that type one row, and the import's kind and options.  What is
compared is every table's `cstool export TABLE -f json`, minus when things happened (timestamps) and the
wording of a `(created)` snapshot; history is compared as a multiset (the order rows were written in differs).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from tests.conftest import Cli

WHEN = {"created_at", "updated_at", "at", "linked_at"}  # when a row was written, not what it says


@dataclass
class Case:
    kind: str  # `cstool import KIND`
    rows: list[dict]
    typed: Callable[[dict], list[list[str]]]  # the commands that type one row
    setup: list[list[str]] = field(default_factory=list)  # run on both stores first
    import_args: list[str] = field(default_factory=list)


def table_names() -> list[str]:
    from cstool.storage.tables import metadata

    return [t.name for t in metadata.sorted_tables if t.name != "alembic_version"]


def snapshot(cli: Cli) -> dict[str, object]:
    """Every table as export writes it, reduced to what matters."""
    out: dict[str, object] = {}
    for name in table_names():
        rows = [{k: v for k, v in row.items() if k not in WHEN} for row in cli.json("export", name)]
        if name == "history":
            for row in rows:
                row.pop("id")
                if row["field"] == "(created)":
                    row["new"] = None  # the snapshot's wording differs (typed values, or "source: import")
            out[name] = Counter(json.dumps(row, sort_keys=True) for row in rows)
        else:
            out[name] = rows
    return out


def write_csv(path: Path, rows: list[dict]) -> Path:
    header: list[str] = []
    for row in rows:
        header += [k for k in row if k not in header]
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=header)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if row.get(k) is None else row[k] for k in header})
    return path


def typed_vs_imported(cli: Cli, other_store: str, tmp_path: Path, case: Case) -> tuple[dict, dict]:
    """(typed store's tables, imported store's tables) after the case; asserts every table is equal."""
    imported = Cli(other_store)
    for command in case.setup:
        cli.ok(*command)
        imported.ok(*command)
    for row in case.rows:
        for command in case.typed(row):
            cli.ok(*command)
    path = write_csv(tmp_path / f"{case.kind}.csv", case.rows)
    imported.ok("import", case.kind, str(path), *case.import_args)
    a, b = snapshot(cli), snapshot(imported)
    for name in table_names():
        if name == "history":
            assert a[name] == b[name], (
                f"history differs:\n typed only: {sorted((a[name] - b[name]).elements())}\n"
                f" imported only: {sorted((b[name] - a[name]).elements())}")
        else:
            assert a[name] == b[name], f"table {name} differs:\n typed:    {a[name]}\n imported: {b[name]}"
    return a, b


def options(row: dict, names: dict[str, str]) -> list[str]:
    """The options that type a row's non-empty cells: {column: option}."""
    out: list[str] = []
    for column, option in names.items():
        if row.get(column) not in (None, ""):
            out += [option, str(row[column])]
    return out


# --- accounts: the tier-up rule creates the placeholders --------------------------------------------------------

ACCOUNT_OPTIONS = {"segment": "--segment", "plan": "--plan", "users": "--users", "iacv": "--iacv", "csm": "--csm"}


def test_accounts_typed_equal_imported_tier_up_placeholders(cli, other_store, tmp_path):
    rows = [
        {"name": "Acme", "users": 800, "csm": "Ann", "segment": "large"},  # ruby: placeholder
        {"name": "Beta", "users": 100, "plan": "premium"},  # quartz: none
        {"name": "Gamma", "iacv": 60000, "plan": "ultimate"},  # ruby by iACV: placeholder
        {"name": "Delta", "segment": "smb"},  # no gemstone
        {"name": "Epsilon", "users": 6000, "csm": "Bob"},  # diamond
    ]
    a, _ = typed_vs_imported(cli, other_store, tmp_path, Case(
        "accounts", rows, lambda r: [["account", "add", r["name"], *options(r, ACCOUNT_OPTIONS)]]))
    assert [o["account_id"] for o in a["onboarding"]] == [1, 3, 5]
    assert [x["gemstone"] for x in a["account"]] == ["ruby", "quartz", "ruby", None, "diamond"]


# --- opportunities: negotiating -> "Assign a CSM"; closed-won -> purchase date, iACV, gemstone ---------------------

OPP_OPTIONS = {"stage": "--stage", "close_date": "--close-date", "amount": "--amount", "iacv": "--iacv",
               "type": "--type"}


def test_opportunities_typed_equal_imported_deal_rules(cli, other_store, tmp_path):
    setup = [
        ["config", "set", "csm-manager", "Mia"],
        ["account", "add", "Acme", "--users", "100"],  # no CSM: negotiating a ruby deal -> Assign a CSM
        ["account", "add", "Beta", "--users", "800", "--csm", "Bob"],  # ruby, onboarding started without purchase
        ["onboarding", "start", "Beta", "--date", "2026-11-01"],
        ["account", "add", "Gamma", "--users", "100", "--csm", "Cy"],  # quartz: a closed-won deal lifts it
        ["account", "add", "Delta", "--iacv", "70000", "--csm", "Di"],  # a renewal does not roll up
    ]
    rows = [
        {"account": "Acme", "name": "Acme new", "stage": "negotiating", "close_date": "2026-12-15", "iacv": 60000,
         "type": "new"},
        {"account": "Acme", "name": "Acme more", "stage": "negotiating", "iacv": 60000, "type": "add-on"},
        {"account": "Beta", "name": "Beta add-on", "stage": "closed-won", "close_date": "2026-10-20", "iacv": 30000,
         "type": "add-on"},
        {"account": "Gamma", "name": "Gamma new", "stage": "closed-won", "close_date": "2026-11-10", "iacv": 120000,
         "amount": 150000, "type": "new"},
        {"account": "Delta", "name": "Delta renewal", "stage": "closed-won", "close_date": "2026-11-01",
         "iacv": 10000, "type": "renewal"},
    ]
    a, _ = typed_vs_imported(cli, other_store, tmp_path, Case(
        "opportunities", rows,
        lambda r: [["opportunity", "add", r["account"], "--name", r["name"], *options(r, OPP_OPTIONS)]], setup))
    tasks = [t for t in a["task"] if t["kind"] == "assign-csm"]
    assert [(t["account_id"], t["owner"], t["due_date"]) for t in tasks] == [(1, "Mia", "2026-11-26")]
    accounts = {x["name"]: x for x in a["account"]}
    assert (accounts["Beta"]["iacv_cents"], accounts["Gamma"]["iacv_cents"], accounts["Delta"]["iacv_cents"]) == (
        3_000_000, 12_000_000, 7_000_000)
    assert accounts["Gamma"]["gemstone"] == "sapphire"
    onboardings = {o["account_id"]: o for o in a["onboarding"]}
    assert (onboardings[2]["purchase_date"], onboardings[2]["opportunity_id"]) == ("2026-10-20", 3)
    assert (onboardings[3]["status"], onboardings[3]["purchase_date"], onboardings[3]["opportunity_id"]) == (
        "not-started", "2026-11-10", 4)


# --- onboardings: an import fills the placeholders, first engagement from the timeline or the file -----------------


def _typed_onboarding(r: dict) -> list[list[str]]:
    update = ["onboarding", "update", r["account"], "--purchase-date", r["purchase_date"], "--date", r["start_date"]]
    if r.get("first_engaged_date"):
        update += ["--first-engaged", r["first_engaged_date"]]
    return [update, ["onboarding", "complete", r["account"], "--date", r["finish_date"], "--survey-sent",
                     "--no-survey-received", "--score", str(r["experience_score"])]]


def test_onboardings_typed_equal_imported_over_placeholders(cli, other_store, tmp_path):
    setup = [
        ["account", "add", "Acme", "--users", "800", "--csm", "Ann"],  # placeholders
        ["account", "add", "Beta", "--users", "900", "--csm", "Bob"],
        ["activity", "log", "Acme", "--type", "call", "--subject", "intro", "--date", "2026-06-20"],
        ["activity", "log", "Beta", "--type", "meeting", "--subject", "intro", "--date", "2026-07-01"],
    ]
    rows = [
        {"account": "Acme", "status": "completed", "purchase_date": "2026-07-01", "start_date": "2026-07-10",
         "finish_date": "2026-08-20", "survey_sent": "true", "survey_received": "false", "experience_score": 4},
        {"account": "Beta", "status": "completed", "purchase_date": "2026-07-05", "start_date": "2026-07-15",
         "first_engaged_date": "2026-07-20", "finish_date": "2026-08-30", "survey_sent": "true",
         "survey_received": "false", "experience_score": 5},
    ]
    a, _ = typed_vs_imported(cli, other_store, tmp_path, Case("onboardings", rows, _typed_onboarding, setup))
    assert [(o["id"], o["first_engaged_date"], o["first_engaged_source"]) for o in a["onboarding"]] == [
        (1, "2026-06-20", "timeline"), (2, "2026-07-20", "manual")]


# --- activities: first engagement from the timeline ----------------------------------------------------------------

ACTIVITY_OPTIONS = {"date": "--date", "type": "--type", "subject": "--subject", "disposition": "--disposition",
                    "notes": "--notes"}


def test_activities_typed_equal_imported_first_engagement(cli, other_store, tmp_path):
    setup = [
        ["account", "add", "Acme", "--users", "800", "--csm", "Ann"],
        ["opportunity", "add", "Acme", "--name", "Acme deal", "--stage", "closed-won", "--close-date", "2026-09-01",
         "--type", "new"],
        ["onboarding", "start", "Acme", "--date", "2026-09-15"],  # window opens 2026-06-03
        ["account", "add", "Beta", "--users", "900", "--csm", "Bob"],
        ["onboarding", "start", "Beta", "--date", "2026-10-01"],  # no purchase: the window opens 2026-07-03
        ["account", "add", "Gamma", "--users", "10"],  # no onboarding: the call is only on the timeline
    ]
    rows = [
        {"account": "Acme", "date": "2026-06-02", "type": "call", "subject": "too early"},
        {"account": "Acme", "date": "2026-09-10", "type": "email", "subject": "emails do not count"},
        {"account": "Acme", "date": "2026-09-12", "type": "meeting", "subject": "pre-start", "disposition": "held"},
        {"account": "Acme", "date": "2026-09-20", "type": "call", "subject": "later"},
        {"account": "Beta", "date": "2026-10-09", "type": "call", "subject": "kickoff", "notes": "went well"},
        {"account": "Beta", "date": "2026-10-05", "type": "workshop", "subject": "workshops do not count"},
        {"account": "Gamma", "date": "2026-10-05", "type": "call", "subject": "hello"},
    ]
    a, _ = typed_vs_imported(cli, other_store, tmp_path, Case(
        "activities", rows, lambda r: [["activity", "log", r["account"], *options(r, ACTIVITY_OPTIONS)]], setup))
    assert [(o["account_id"], o["first_engaged_date"], o["first_engaged_source"]) for o in a["onboarding"]] == [
        (1, "2026-09-12", "timeline"), (2, "2026-10-09", "timeline")]
