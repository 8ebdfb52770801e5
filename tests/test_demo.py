"""`cstool demo` builds a realistic store that passes its checks and prints the TTV report."""

from __future__ import annotations


def test_demo_builds_and_reports(cli):
    r = cli.ok("demo")
    assert "Demo store built: 200 accounts" in r.stderr
    assert "Time to Engage (goal 14 days)" in r.stdout and "FY2027-Q4" in r.stdout
    assert all(c["ok"] for c in cli.json("db", "check"))
    summary = {row["gemstone"]: row["accounts"] for row in cli.json("gemstone", "summary")}
    assert all(summary[g] > 0 for g in ("diamond", "pearl", "sapphire", "ruby", "quartz"))
    statuses = {o["status"] for o in cli.json("onboarding", "list")}
    assert statuses == {"not-started", "scheduled", "in-progress", "on-hold", "completed"}
    reports = cli.json("report", "ttv", "--quarters", "6", "--quarter")
    assert len(reports) == 6 and sum(m["count"] for q in reports for m in q["metrics"]) > 100
    # check finds only what the demo plants on purpose, and the demo says so
    assert "Planted on purpose" in r.stderr
    findings = cli("check", "-f", "json")
    assert findings.exit_code == 1
    assert sorted(f["rule"] for f in findings.json()) == ["pse-over-budget", "pse-stale-hours"]
    assert len(cli.json("ebr", "list")) > 100 and len(cli.json("pse", "list")) == 12
    # stored gemstones agree with their inputs
    assert cli.json("gemstone", "recalc", "--dry-run")["transitions"] == []
    again = cli("demo")
    assert again.exit_code == 4 and "already holds accounts" in again.stderr


def test_demo_is_deterministic(bare_cli, tmp_path):
    a = bare_cli.ok("demo", "--db", str(tmp_path / "a.db")).stdout
    b = bare_cli.ok("demo", "--db", str(tmp_path / "b.db")).stdout
    assert a == b


def test_demo_sample_mail_and_calendar(bare_cli, tmp_path):
    db = str(tmp_path / "d.db")
    r = bare_cli.ok("--db", db, "demo", "--accounts", "40", "--samples", str(tmp_path))
    assert "activity import-mail" in r.stderr
    mail = bare_cli.ok("--db", db, "activity", "import-mail", str(tmp_path / "demo-mail.mbox"), "-f", "json").json()
    assert mail["logged"] > 10 and mail["unmatched_domains"] == [{"domain": "devops-weekly.example", "messages": 3}]
    cal = bare_cli.ok("--db", db, "activity", "import-calendar", str(tmp_path / "demo-calendar.ics"), "-f", "json").json()
    assert cal["logged"] > 10 and cal["not_matched"] == 0
    again = bare_cli.ok("--db", db, "activity", "import-mail", str(tmp_path / "demo-mail.mbox"), "-f", "json").json()
    assert again["logged"] == 0 and again["already_there"] == mail["logged"]
