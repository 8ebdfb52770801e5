"""Contacts, opportunities, gemstone commands, settings and history through the CLI."""

from __future__ import annotations


def test_contacts(cli):
    cli.ok("account", "add", "Acme")
    c = cli.json("contact", "add", "Acme", "Wile E. Coyote", "--title", "CTO", "--email", "wile@acme.example",
                 "--gitlab-admin")
    assert {k: c[k] for k in ("account", "name", "title", "email", "gitlab_admin")} == {
        "account": "Acme", "name": "Wile E. Coyote", "title": "CTO", "email": "wile@acme.example", "gitlab_admin": True}
    r = cli("contact", "add", "Acme", "Bad", "--email", "nope")
    assert r.exit_code == 1 and r.stderr.startswith("error: email: 'nope'")
    cli.ok("contact", "update", str(c["id"]), "--no-gitlab-admin", "--phone", "+1 555 0100")
    listed = cli.json("contact", "list", "Acme")
    assert [(x["name"], x["gitlab_admin"], x["phone"]) for x in listed] == [("Wile E. Coyote", False, "+1 555 0100")]
    cli.ok("contact", "remove", str(c["id"]))
    assert cli.json("contact", "list") == []
    assert any(h["field"] == "(removed)" for h in cli.json("history", f"contact:{c['id']}"))
    assert cli("contact", "remove", "4242").exit_code == 3


def test_opportunities(cli):
    cli.ok("account", "add", "Acme")
    o = cli.json("opportunity", "add", "Acme", "--name", "Acme FY27", "--stage", "5-Negotiating",
                 "--close-date", "24 Nov 2026", "--amount", "120,000", "--type", "new")
    assert (o["stage"], o["close_date"], o["amount"], o["type"]) == ("negotiating", "2026-11-24", 120000, "new")
    r = cli("opportunity", "add", "Acme", "--name", "X", "--close-date", "01/02/2026")
    assert r.exit_code == 1 and "close-date" in r.stderr and "YYYY-MM-DD" in r.stderr
    r = cli("opportunity", "add", "Acme", "--name", "X", "--stage", "maybe")
    assert r.exit_code == 1 and r.stderr.startswith("error: stage: 'maybe'")
    cli.ok("opportunity", "update", str(o["id"]), "--stage", "Closed Won")
    assert cli.json("opportunity", "show", "acme fy27")["stage"] == "closed-won"
    assert len(cli.json("opportunity", "list", "Acme", "--stage", "closed-won")) == 1
    assert len(cli.json("opportunity", "list")) == 1


def test_gemstone_calc_prints_rule(cli):
    assert cli.json("gemstone", "calc", "--users", "2600") == {
        "gemstone": "pearl", "rank": 2, "reason": "users > 2,500 (2,600 users)"}
    assert cli.json("gemstone", "calc", "--users", "10", "--iacv", "50000.01")["gemstone"] == "ruby"
    r = cli("gemstone", "calc", "--users", "-3")
    assert r.exit_code == 1 and "users" in r.stderr


def test_move_into_ruby_creates_onboarding_with_purchase_date(cli):
    cli.ok("account", "add", "Acme", "--users", "100", "--csm", "Ann", "--sa", "Sam")
    assert cli.json("onboarding", "list") == []
    cli.ok("opportunity", "add", "Acme", "--name", "Old", "--stage", "closed-won", "--close-date", "2026-03-01")
    cli.ok("opportunity", "add", "Acme", "--name", "New", "--stage", "closed-won", "--close-date", "2026-10-15")
    cli.ok("opportunity", "add", "Acme", "--name", "Lost", "--stage", "closed-lost", "--close-date", "2026-11-01")
    r = cli.ok("account", "update", "Acme", "--users", "501")
    assert "created onboarding" in r.stderr
    (ob,) = cli.json("onboarding", "list")
    assert (ob["status"], ob["purchase_date"], ob["opportunity"], ob["owner"]) == ("not-started", "2026-10-15", "New", "Ann")
    assert ob["team"] == [{"role": "csm", "name": "Ann"}, {"role": "sa", "name": "Sam"}]
    # ruby -> sapphire is not a move out of quartz: no second onboarding
    cli.ok("account", "update", "Acme", "--users", "1500")
    assert len(cli.json("onboarding", "list")) == 1
    # a later team change does not rewrite the team as it was at onboarding time
    cli.ok("account", "update", "Acme", "--csm", "Bea")
    assert cli.json("onboarding", "list")[0]["team"][0] == {"role": "csm", "name": "Ann"}


def test_recalc_dry_run_then_real(cli, store):
    from cstool.storage.store import open_store

    cli.ok("account", "add", "Drifted", "--users", "10")
    cli.ok("account", "add", "Steady", "--users", "600")
    # simulate inputs changed behind cstool's back (e.g. an older import)
    st = open_store(store, actor="t")
    with st.write() as s:
        from sqlalchemy import text
        s.execute(text("UPDATE account SET users = 3000 WHERE name = 'Drifted'"))
    st.close()
    dry = cli.json("gemstone", "recalc", "--dry-run")
    assert dry["dry_run"] is True
    assert [(t["account"], t["old_gemstone"], t["new_gemstone"]) for t in dry["transitions"]] == [("Drifted", "quartz", "pearl")]
    assert cli.json("account", "show", "Drifted")["gemstone"] == "quartz"
    real = cli.json("gemstone", "recalc")
    assert real["onboardings_created"] == 1 and real["transitions"][0]["onboarding_created"] is True
    assert cli.json("account", "show", "Drifted")["gemstone"] == "pearl"
    assert cli.json("gemstone", "recalc")["transitions"] == []
    assert [h["new"] for h in cli.json("history", "Drifted") if h["field"] == "gemstone"][-1] == "pearl"
    summary = {row["gemstone"]: row for row in cli.json("gemstone", "summary")}
    assert summary["pearl"]["accounts"] == 1 and summary["ruby"]["accounts"] == 1 and summary["diamond"]["accounts"] == 0


def test_config(cli):
    assert cli.ok("config", "get", "fiscal-year-start").stdout.strip() == "2"
    cli.ok("config", "set", "fiscal-year-start", "1")
    assert cli.ok("config", "get", "fiscal-year-start").stdout.strip() == "1"
    rows = {r["key"]: r["value"] for r in cli.json("config", "list")}
    assert rows == {"fiscal-year-start": 1, "tte-goal": 14, "ttfv-goal": 30, "tto-goal": 45, "first-value-threshold": 10,
                    "ttpi-goal": 90, "health-weight-usage": 30, "health-weight-engagement": 20,
                    "health-weight-sentiment": 20, "health-weight-ebr": 10, "health-weight-onboarding": 10,
                    "health-weight-pse": 10, "renewal-lead-days": 180, "csm-manager": None, "team-domains": None,
                    "iacv-source": "opportunities",
                    "timezone": "UTC"}
    cli.ok("config", "set", "csm-manager", "Maria Lopez")  # a name, not a number
    assert cli.ok("config", "get", "csm-manager").stdout.strip() == "Maria Lopez"
    r = cli("config", "set", "fiscal-year-start", "13")
    assert r.exit_code == 1 and "fiscal-year-start: '13'" in r.stderr
    r = cli("config", "set", "colour", "1")
    assert r.exit_code == 1 and "key" in r.stderr
    assert cli.ok("config", "get", "fiscal-year-start").stdout.strip() == "1"


def test_history_lists_every_change(cli):
    cli.ok("account", "add", "Acme", "--users", "10")
    cli.ok("account", "update", "Acme", "--iacv", "60000", "--health", "red")
    rows = cli.json("history", "Acme")
    assert set(rows[0]) == {"at", "actor", "entity", "entity_id", "field", "old", "new"}
    changed = {(r["field"], r["old"], r["new"]) for r in rows}
    assert {("iacv", None, "60000"), ("health", None, "red"), ("gemstone", "quartz", "ruby")} <= changed
    r = cli("history", "onboarding:x")
    assert r.exit_code == 1
