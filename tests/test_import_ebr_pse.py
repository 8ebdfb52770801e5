"""CRM-style EBR and PSE exports (US dates, picklists, a replaced EBR, links, time entries, contacts)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.state import store_state

OPPS = """Account Name,Opportunity Name,Stage,Close Date,Amount,Type
Acme,Acme Renewal 2026,Closed Won,11/15/2026,"120,000.00",Renewal
Acme,Acme PS,Closed Won,08/15/2026,"30,000",Services
Beta,Beta New,Negotiating,12/20/2026,5000,New Business
"""
EBRS = """Account Name,EBR Name,EBR Date,EBR Status,EBR Outcome,Replaces EBR,Linked Opportunities
Acme,Acme Q1 EBR,03/10/2026,Completed,Successful,,
Acme,Acme Q2 EBR,05/12/2026,Completed,Partially Successful,,
Acme,Acme Q3 EBR,10/05/2026,Completed,Unsuccessful,Acme Q3 first,Acme Renewal 2026
Acme,Acme Q3 first,08/20/2026,Declined,Declined,,
Acme,Acme Q4 EBR,12/10/2026,Scheduled,,,
Beta,Beta annual,06/01/2026,Canceled,,,
"""


def _setup(cli, tmp_path: Path) -> None:
    cli.ok("account", "add", "Acme", "--ebr-cadence", "quarterly")
    cli.ok("account", "add", "Beta", "--ebr-cadence", "annual")
    (tmp_path / "opps.csv").write_text(OPPS)
    cli.ok("import", "opportunities", str(tmp_path / "opps.csv"), "--date-order", "mdy")
    (tmp_path / "contacts.csv").write_text("Account Name,Contact Name,Email\nAcme,Ann Lee,ann@acme.example\n"
                                           "Acme,Bo Ray,bo@acme.example\n")
    cli.ok("import", "contacts", str(tmp_path / "contacts.csv"))


def test_crm_ebr_export(cli, tmp_path):
    _setup(cli, tmp_path)
    (tmp_path / "ebrs.csv").write_text(EBRS)
    cli.ok("import", "ebrs", str(tmp_path / "ebrs.csv"), "--date-order", "mdy")
    ebrs = {e["name"]: e for e in cli.json("ebr", "list")}
    renewal = next(o for o in cli.json("opportunity", "list") if o["name"] == "Acme Renewal 2026")
    assert renewal["amount"] == 120000 and renewal["stage"] == "closed-won"
    q3 = ebrs["Acme Q3 EBR"]
    # the replaced EBR comes later in the file: still found; the link passes the four-latest rule
    assert (q3["status"], q3["outcome"], q3["replaces_id"], q3["opportunity_ids"]) == (
        "completed", "unsuccessful", ebrs["Acme Q3 first"]["id"], [renewal["id"]])
    assert (ebrs["Beta annual"]["status"], ebrs["Beta annual"]["outcome"]) == ("cancelled", "cancelled")
    assert (ebrs["Acme Q4 EBR"]["status"], ebrs["Acme Q4 EBR"]["outcome"]) == ("scheduled", "incomplete")
    # FY2027 (Feb 2026 - Jan 2027), today 2026-11-24:
    # Coverage counts from when the account became a customer (SPEC 6):
    # Acme's earliest closed-won closed 2026-08-15 (Q3): Q3 and Q4 count, quarterly target 2; held Q1 Q2 Q3 = 3,
    # declined 1, upcoming the Q4 one, no counted quarter without an EBR.
    # Beta has no deal or onboarding: a customer from the day it was added (today, Q4): annual 1 x 1/4 -> 0;
    # only a cancelled EBR, so Q4 lacks one held or scheduled.
    report = cli.json("report", "ebr", "--fy", "2027")
    assert report["rows"] == [
        {"account": "Acme", "cadence": "quarterly", "target": 2, "held": 3, "declined": 1, "cancelled": 0,
         "upcoming": 1, "missing_quarters": []},
        {"account": "Beta", "cadence": "annual", "target": 0, "held": 0, "declined": 0, "cancelled": 1,
         "upcoming": 0, "missing_quarters": ["FY2027-Q4"]},
    ]
    assert report["outcomes"] == {"incomplete": 1, "successful": 1, "partially-successful": 1, "unsuccessful": 1,
                                  "cancelled": 1, "declined": 1}


def test_a_refused_ebr_import_changes_nothing(cli, tmp_path):
    """A link the four-latest rule refuses, on the last line: the whole file is refused, the store unchanged."""
    _setup(cli, tmp_path)
    bad = EBRS + "Acme,Acme late,11/20/2026,Completed,Successful,,Acme PS\n"  # held after the PS close date
    (tmp_path / "bad.csv").write_text(bad)
    before = store_state(cli.store)
    r = cli("import", "ebrs", str(tmp_path / "bad.csv"), "--date-order", "mdy")
    assert r.exit_code == 1
    assert "line 8: opportunities: 'Acme PS': link: EBR #" in r.stderr and "not before the opportunity's close" in r.stderr
    assert store_state(cli.store) == before
    r = cli("import", "ebrs", str(tmp_path / "bad.csv"), "--date-order", "mdy", "--dry-run")
    assert r.exit_code == 1 and "line 8: " in r.stderr
    assert store_state(cli.store) == before


def test_crm_pse_export_with_time_entries_and_contacts(cli, tmp_path):
    _setup(cli, tmp_path)
    (tmp_path / "pses.csv").write_text(
        "Account Name,Opportunity Name,PSE Name,Engagement Status,Scoped Hours,Percent Complete,Approved By,"
        "Actual Start Date,Expected Start Date,Expected Completion Date,Completed Date,Customer Sign-off,PSE Contacts\n"
        "Acme,Acme PS,Acme Migration,In Progress,40,50,Pat,10/01/2026,09/28/2026,12/15/2026,,,"
        "\"Ann Lee; bo@acme.example\"\n"
        "Acme,Acme PS,Acme Training,Completed,10,100,Pat,09/01/2026,09/01/2026,09/30/2026,09/25/2026,Yes,\n")
    (tmp_path / "hours.csv").write_text(
        "PSE Name,Date,Hours,Note\nAcme Migration,10/05/2026,12.5,design\nAcme Migration,11/20/2026,10,\n"
        "Acme Migration,11/02/2026,2.25,review\nAcme Training,09/10/2026,6,\nAcme Training,09/20/2026,5.5,\n")
    cli.ok("import", "pses", str(tmp_path / "pses.csv"), "--date-order", "mdy")
    cli.ok("import", "time-entries", str(tmp_path / "hours.csv"), "--date-order", "mdy")
    rows = {r["name"]: r for r in cli.json("report", "pse")}
    # Migration: 12.5 + 10 + 2.25 = 24.75 of 40 h (61.875 -> 61.9%), updated 2026-11-20 (4 days: fresh);
    #   expected length 09-28 -> 12-15 = 78 days
    assert rows["Acme Migration"] == {
        "name": "Acme Migration", "account": "Acme", "status": "in-progress", "scoped_hours": 40,
        "hours_consumed": 24.75, "remaining_hours": 15.25, "percent_complete": 50, "hours_burned_pct": 61.9,
        "over_budget": False, "stale_hours": False, "expected_length_days": 78, "actual_length_days": None}
    # Training: 11.5 of 10 h: over budget (115%); completed, so never stale; 29 days expected, 24 actual
    assert rows["Acme Training"] == {
        "name": "Acme Training", "account": "Acme", "status": "completed", "scoped_hours": 10,
        "hours_consumed": 11.5, "remaining_hours": -1.5, "percent_complete": 100, "hours_burned_pct": 115.0,
        "over_budget": True, "stale_hours": False, "expected_length_days": 29, "actual_length_days": 24}
    shown = cli.json("pse", "show", "Acme Migration")
    assert (shown["hours_updated_date"], shown["approved"], shown["approver"]) == ("2026-11-20", True, "Pat")
    contacts = {c["name"]: c["id"] for c in cli.json("contact", "list", "Acme")}
    assert shown["contact_ids"] == sorted([contacts["Ann Lee"], contacts["Bo Ray"]])


def test_every_table_export_takes_is_taken_by_import(cli, tmp_path):
    """`cstool import TABLE` reads `cstool export TABLE` as it is, for every table (into an empty store)."""
    _setup(cli, tmp_path)
    (tmp_path / "ebrs.csv").write_text(EBRS)
    cli.ok("import", "ebrs", str(tmp_path / "ebrs.csv"), "--date-order", "mdy")
    from cstool.services.importing.tables import TABLE_ALIASES, tables
    from tests.conftest import Cli

    plurals = {table: alias for alias, table in TABLE_ALIASES.items()}  # export takes these too
    target = Cli(str(tmp_path / "target.db"))
    for t in tables():
        path = tmp_path / f"{t.name}.csv"
        path.write_text(cli.ok("export", t.name).stdout)
        target.ok("import", plurals.get(t.name, t.name), str(path))
    for t in tables():
        assert target.ok("export", t.name).stdout == cli.ok("export", t.name).stdout, t.name
    digest = hashlib.sha256(cli.ok("report", "ebr", "-f", "json").stdout.encode()).hexdigest()
    assert hashlib.sha256(target.ok("report", "ebr", "-f", "json").stdout.encode()).hexdigest() == digest
