"""One rule, one implementation (SPEC section 9), for the task rules: rows typed one by one into one store and
the same rows imported into another leave every table the same (timestamps aside).

Self-contained on purpose: tests/test_one_rule.py has the same kind of harness for the other rules.
"""

from __future__ import annotations

import json

from tests.conftest import Cli

TIMESTAMPS = {"created_at", "updated_at", "at", "archived_at", "linked_at"}
TABLES = ["account", "contact", "opportunity", "onboarding", "task", "activity", "license_usage", "history"]


def _tables(cli: Cli) -> dict[str, list]:
    """Every table's export without its timestamps.  History is compared as the set of changes it records
    (entity, id, field, old, new): a `(created)` row's snapshot says how a record came in (typed or imported),
    which is the one thing that differs by design."""
    out = {}
    for table in TABLES:
        rows = [{k: v for k, v in r.items() if k not in TIMESTAMPS} for r in cli.json("export", table)]
        if table == "history":
            rows = sorted(json.dumps([r["entity"], r["entity_id"], r["account_id"], r["field"], r["actor"],
                                      None if r["field"] == "(created)" else r["old"],
                                      None if r["field"] == "(created)" else r["new"]]) for r in rows)
        out[table] = rows
    return out


def _csv(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _same_start(cli: Cli) -> None:
    """What both stores share before the rows under test: the CSM manager, a deal at negotiating."""
    cli.ok("config", "set", "csm-manager", "Maria")


def test_accounts_with_csm_changes_typed_or_imported(store, other_store, tmp_path):
    typed, imported = Cli(store), Cli(other_store)
    for cli in (typed, imported):
        _same_start(cli)

    # the accounts: typed one by one, or one file
    typed.ok("account", "add", "Acme", "--users", "700")
    typed.ok("account", "add", "Beta", "--users", "100", "--csm", "Bob")
    typed.ok("account", "add", "Gamma", "--users", "2000", "--csm", "Ann")
    imported.ok("import", "accounts", _csv(tmp_path, "accounts.csv",
                                           "Account Name,Licensed Users,CSM\nAcme,700,\nBeta,100,Bob\nGamma,2000,Ann\n"))

    # the same work on both: an "Assign a CSM" task, a started onboarding, tasks by hand
    for cli in (typed, imported):
        cli.ok("opportunity", "add", "Acme", "--name", "Deal", "--stage", "negotiating", "--type", "new")
        cli.ok("task", "add", "Acme", "Prepare the handover", "--due", "2026-11-30")  # the CSM manager's for now
        cli.ok("task", "add", "Beta", "Call back", "--due", "2026-11-30")
        cli.ok("task", "add", "Beta", "Ask Sam", "--due", "2026-11-30", "--owner", "Sam")
        cli.ok("onboarding", "start", "Gamma", "--date", "2026-11-10")
        cli.ok("task", "done", "8")  # Gamma's kickoff call (its welcome, introduction and installation were skipped)

    # the CSM changes: typed one by one, or one file with --update
    typed.ok("account", "update", "Acme", "--csm", "Ann")
    typed.ok("account", "update", "Beta", "--csm", "Cy")
    typed.ok("account", "update", "Gamma", "--csm", "Dee")
    imported.ok("import", "accounts", _csv(tmp_path, "changes.csv",
                                           "Account Name,CSM\nAcme,Ann\nBeta,Cy\nGamma,Dee\n"), "--update")

    a, b = _tables(typed), _tables(imported)
    for table in TABLES:
        assert a[table] == b[table], table
    # and the rule did its work (the comparison alone would pass if neither path did)
    tasks = {t["title"]: (t["owner"], t["status"]) for t in typed.json("task", "list", "--all", "--account", "Acme")}
    assert tasks == {"Assign a CSM": ("Maria", "done"), "Prepare the handover": ("Ann", "open")}
    beta = {t["title"]: t["owner"] for t in typed.json("task", "list", "--account", "Beta")}
    assert beta == {"Call back": "Cy", "Ask Sam": "Sam"}
    gamma = typed.json("task", "list", "--all", "--account", "Gamma")
    assert {(t["owner"], t["status"]) for t in gamma} == {("Ann", "skipped"), ("Ann", "done"), ("Dee", "open")}


def test_onboardings_completed_or_moved_typed_or_imported(store, other_store, tmp_path):
    typed, imported = Cli(store), Cli(other_store)
    for cli in (typed, imported):
        _same_start(cli)
        cli.ok("account", "add", "Acme", "--csm", "Ann")
        cli.ok("account", "add", "Beta", "--csm", "Ann")
        cli.ok("onboarding", "start", "Acme", "--date", "2026-11-20", "--purchase-date", "2026-11-01")
        cli.ok("onboarding", "start", "Beta", "--date", "2026-11-21", "--purchase-date", "2026-11-01")

    typed.ok("onboarding", "complete", "Acme", "--date", "2026-11-24", "--survey-sent", "--no-survey-received",
             "--score", "4")
    typed.ok("onboarding", "update", "Beta", "--csm", "Bob")
    imported.ok("import", "onboardings", _csv(tmp_path, "onboardings.csv",
                                              "Account Name,Status,Start Date,Completed Date,Survey Sent,"
                                              "Survey Received,Score,CSM\n"
                                              "Acme,Completed,2026-11-20,2026-11-24,yes,no,4,Ann\n"
                                              "Beta,In Progress,2026-11-21,,,,,Bob\n"), "--update")

    a, b = _tables(typed), _tables(imported)
    for table in TABLES:
        assert a[table] == b[table], table
    assert typed.json("account", "show", "Acme")["lifecycle_stage"] == "adoption"
    skipped = [t for t in typed.json("task", "list", "--all", "--account", "Acme") if t["status"] == "skipped"]
    assert len(skipped) == 7  # the welcome at the start (window passed), six at the completion
    assert {t["owner"] for t in typed.json("task", "list", "--account", "Beta")} == {"Bob"}
