"""CSV import (all or nothing), export of every table, and the data-quality check."""

from __future__ import annotations

import csv
import io
import json


CRM_ACCOUNTS = '''Account Name,Sales Segment, licensed  users ,Incremental ACV,Technical Account Manager,Customer Slack Channel,Plan,Unknown Column
"Acme, Inc.",Large,600,"$120,000.50",Ann,#a_acme-internal,Premium,x
"Globex ""The Big One""",SMB,10,500,,#globex,free,y
Initech,Mid-Market,2600,,Bob,,ultimate,
'''


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_crm_export_with_quotes_newlines_and_us_dates(cli, tmp_path):
    r = cli.ok("import", "accounts", _write(tmp_path, "a.csv", CRM_ACCOUNTS), "-f", "json")
    assert r.json()["created"] == 3 and r.json()["ignored_headers"] == ["Unknown Column"]
    accounts = {a["name"]: a for a in cli.json("account", "list")}
    assert set(accounts) == {"Acme, Inc.", 'Globex "The Big One"', "Initech"}
    acme = accounts["Acme, Inc."]
    assert (acme["segment"], acme["users"], acme["iacv"], acme["gemstone"], acme["csm"], acme["plan"]) == (
        "large", 600, 120000.5, "sapphire", "Ann", "premium")
    assert accounts["Initech"]["gemstone"] == "diamond"  # ultimate and users > 2000
    # moving from none into ruby or above created pending onboardings
    assert {o["account"] for o in cli.json("onboarding", "list")} == {"Acme, Inc.", "Initech"}
    opps = ('Account Name,Opportunity Name,Stage,Close Date,Amount\n'
            '"Acme, Inc.",Acme renewal,Closed Won,01/02/2026,"$10,000"\n'
            'Initech,Init new,5-Negotiating,12/31/2026,5\n')
    path = _write(tmp_path, "o.csv", opps)
    r = cli("import", "opportunities", path, "--dry-run")  # 12/31/2026 can only be month-first: the file decides
    assert r.exit_code == 0 and "numeric dates read month-first (12/31/2026 on line 3 decides)" in r.stderr
    cli.ok("import", "opportunities", path, "--date-order", "mdy")
    got = {o["name"]: o for o in cli.json("opportunity", "list")}
    assert (got["Acme renewal"]["close_date"], got["Acme renewal"]["stage"], got["Acme renewal"]["amount"]) == (
        "2026-01-02", "closed-won", 10000)
    assert got["Init new"]["stage"] == "negotiating"
    onboardings = ('Account,Start Date,Finish Date,Notes,Survey Sent,Survey Received,Experience Score,Status\n'
                   'Initech,2026-10-01,,"line one\nline two",,,,in-progress\n')
    cli.ok("import", "onboardings", _write(tmp_path, "ob.csv", onboardings), "--update")
    initech = next(o for o in cli.json("onboarding", "list") if o["account"] == "Initech")
    assert (initech["status"], initech["start_date"], initech["notes"]) == ("in-progress", "2026-10-01",
                                                                            "line one\nline two")
    contacts = "account name,contact name,email,gitlab admin\nInitech,Peter Gibbons,peter@initech.example,yes\n"
    cli.ok("import", "contacts", _write(tmp_path, "c.csv", contacts))
    (c,) = cli.json("contact", "list", "Initech")
    assert (c["name"], c["gitlab_admin"]) == ("Peter Gibbons", True)


def test_one_bad_row_in_the_middle_imports_nothing(cli, tmp_path):
    rows = ["name,users,iacv"] + [f"Company {i},{i * 10},{i * 100}" for i in range(1, 50)]
    rows[25] = "Company 25,lots,100"  # line 26 of the file
    r = cli("import", "accounts", _write(tmp_path, "bad.csv", "\n".join(rows) + "\n"))
    assert r.exit_code == 1
    assert "line 26: users: 'lots' is not accepted" in r.stderr
    assert "nothing was imported" in r.stderr
    assert cli.json("account", "list") == []
    assert cli.json("history", "setting:0") == []


def test_many_bad_rows_are_capped_then_counted(cli, tmp_path):
    rows = ["name,users"] + [f"C{i},-{i}" for i in range(1, 41)]
    r = cli("import", "accounts", _write(tmp_path, "bad.csv", "\n".join(rows) + "\n"))
    assert r.exit_code == 1
    assert r.stderr.count("users: ") == 20 and "... and 20 more bad row(s)" in r.stderr


def test_dry_run_and_update(cli, tmp_path):
    path = _write(tmp_path, "a.csv", CRM_ACCOUNTS)
    r = cli.ok("import", "accounts", path, "--dry-run", "-f", "json")
    # a dry run goes through the whole import, then rolls it back: it counts what would be created
    assert (r.json()["dry_run"], r.json()["created"]) == (True, 3)
    assert "would import 3 new" in r.stderr
    assert cli.json("account", "list") == []
    cli.ok("import", "accounts", path)
    r = cli("import", "accounts", path)
    assert r.exit_code == 1 and "already exists (give --update" in r.stderr
    changed = "Account Name,Licensed Users,Health\n\"acme, inc.\",5200,red\nInitech,,yellow\n"
    res = cli.ok("import", "accounts", _write(tmp_path, "u.csv", changed), "--update", "-f", "json").json()
    assert (res["created"], res["updated"]) == (0, 2)
    acme = cli.json("account", "show", "Acme, Inc.")
    assert (acme["users"], acme["health"], acme["gemstone"], acme["iacv"]) == (5200, "red", "diamond", 120000.5)
    assert cli.json("account", "show", "Initech")["users"] == 2600  # an empty cell leaves the field alone
    assert {"field": "users", "old": "600", "new": "5200"}.items() <= next(
        h for h in cli.json("history", "Acme, Inc.") if h["field"] == "users").items()


def test_duplicates_in_file_and_missing_header(cli, tmp_path):
    r = cli("import", "accounts", _write(tmp_path, "d.csv", "name\nAcme\nACME\n"))
    assert r.exit_code == 1 and "line 3: appears twice in the file (first on line 2)" in r.stderr
    r = cli("import", "accounts", _write(tmp_path, "h.csv", "users,plan\n10,free\n"))
    assert r.exit_code == 1 and "no column for name" in r.stderr
    assert cli("import", "accounts", str(tmp_path / "missing.csv")).exit_code == 1
    r = cli("import", "widgets", str(tmp_path / "d.csv"))
    assert r.exit_code == 1 and "kind: 'widgets' is not accepted" in r.stderr


def test_export_every_table(cli, tmp_path):
    cli.ok("import", "accounts", _write(tmp_path, "a.csv", CRM_ACCOUNTS))
    from cstool.storage.models import metadata

    for table in metadata.tables:
        text = cli.ok("export", table).stdout
        assert text.splitlines()[0].split(",")[0]  # a header
        json.loads(cli.ok("export", table, "-f", "json").stdout)
        for line in cli.ok("export", table, "-f", "jsonl").stdout.splitlines():
            json.loads(line)
    rows = list(csv.DictReader(io.StringIO(cli.ok("export", "accounts").stdout)))
    assert len(rows) == 3 and {r["name"] for r in rows} >= {"Acme, Inc."}
    assert cli("export", "nope").exit_code == 1


def _clean_store(cli):
    cli.ok("account", "add", "Clean", "--users", "600", "--csm", "Ann", "--slack", "#a_clean-internal")
    return cli


def test_check_clean_store_exits_0(cli):
    _clean_store(cli)
    r = cli("check")
    assert r.exit_code == 0 and "No findings" in r.stderr
    assert cli.json("check") == []


def test_check_finds_each_kind(cli, store):
    from sqlalchemy import text

    from cstool.storage.store import open_store

    cli.ok("account", "add", "NoCsm", "--users", "700")  # ruby without CSM
    cli.ok("account", "add", "Chan", "--slack", "#chan")
    cli.ok("account", "add", "Ob", "--csm", "Ann")
    cli.ok("onboarding", "start", "Ob", "--date", "2026-10-01", "--purchase-date", "2026-09-01")
    cli.ok("onboarding", "complete", "Ob", "--date", "2026-10-20", "--survey-sent", "--survey-received", "--score", "4")
    cli.ok("ebr", "schedule", "Ob", "--date", "2026-11-01")
    cli.ok("opportunity", "add", "Ob", "--name", "PS", "--close-date", "2026-09-01")
    cli.ok("pse", "create", "Ob", "--opportunity", "PS", "--name", "Over", "--scoped-hours", "1")
    cli.ok("pse", "kickoff", "Over", "--approver", "P", "--actual-start", "2026-10-01", "--expected-completion",
           "2026-12-01", "--success-criteria", "x", "--econtract", "https://e.example", "--sow", "https://s.example",
           "--collaboration-project", "https://c.example", "--signed-acceptance")
    cli.ok("pse", "log-hours", "Over", "2", env={"CSTOOL_TODAY": "2026-11-01"})
    st = open_store(store, actor="t")
    with st.write() as s:  # damage written behind cstool's back, as an old import might have
        s.execute(text("UPDATE onboarding SET survey_received = NULL, finish_date = '2026-09-15'"))
        s.execute(text("UPDATE account SET slack_channel = '#a_Chan-internal' WHERE name = 'Chan'"))
        s.execute(text("UPDATE account SET users = 3000 WHERE name = 'Ob'"))
    st.close()
    r = cli("check", "-f", "json")
    assert r.exit_code == 1
    rules = {(x["rule"], x["account"]) for x in r.json()}
    assert rules == {
        ("dates-out-of-order", "Ob"), ("survey-missing", "Ob"), ("ebr-date-passed", "Ob"),
        ("pse-over-budget", "Ob"), ("pse-stale-hours", "Ob"), ("no-csm", "NoCsm"),
        ("slack-convention", "Chan"), ("gemstone-stale", "Ob"),
        ("plan-missing", "Ob"),  # a completed onboarding and no success-plan objective
    }
    assert "run `cstool gemstone recalc`" in next(x["detail"] for x in r.json() if x["rule"] == "gemstone-stale")


def test_history_of_completed_onboardings_imports_repeatedly(cli, tmp_path):
    cli.ok("account", "add", "Repeat")
    first = "account,start date,finish date\nRepeat,2025-01-10,2025-02-20\n"
    cli.ok("import", "onboardings", _write(tmp_path, "1.csv", first))
    second = "account,start date,finish date\nRepeat,2025-06-01,2025-07-01\nRepeat,2025-09-01,2025-10-15\n"
    cli.ok("import", "onboardings", _write(tmp_path, "2.csv", second))
    rows = cli.json("onboarding", "list")
    assert [(o["start_date"], o["tto_days"]) for o in rows] == [("2025-01-10", 41), ("2025-06-01", 30),
                                                               ("2025-09-01", 44)]
    created = [h for h in cli.json("history", "Repeat") if h["entity"] == "onboarding"]
    assert sorted(h["entity_id"] for h in created) == [o["id"] for o in rows]
