"""Two handbook rules (docs/rules.md, "Gemstones" and "Onboarding"): CSM assignment starts before the close; GitLab admins for onboarding."""

from __future__ import annotations

import pytest


def _tasks(cli, account):
    return [t for t in cli.json("task", "list", "--account", account, "--all") if t["title"] == "Assign a CSM"]


@pytest.mark.parametrize("account_iacv, opp_iacv, task", [
    ("30000", "20000", False),  # 50,000 is not more than 50,000: still quartz
    ("30000", "20000.01", True),  # 50,000.01: ruby
    ("0", "100000.01", True),  # sapphire
    ("", "", False),  # nothing known: no gemstone
])
def test_projected_gemstone_at_the_ruby_boundary(cli, account_iacv, opp_iacv, task):
    cli.ok("config", "set", "csm-manager", "Maria Lopez")
    cli.ok("account", "add", "Acme", "--iacv", account_iacv) if account_iacv else cli.ok("account", "add", "Acme")
    args = ["opportunity", "add", "Acme", "--name", "Deal", "--stage", "proposal", "--type", "add-on"]
    cli.ok(*args, *(["--iacv", opp_iacv] if opp_iacv else []))
    assert _tasks(cli, "Acme") == []  # not negotiating yet
    r = cli.ok("opportunity", "update", "Deal", "--stage", "negotiating")
    tasks = _tasks(cli, "Acme")
    if not task:
        assert tasks == [] and "Assign a CSM" not in r.stderr
        return
    assert [(t["owner"], t["due_date"], t["done_date"]) for t in tasks] == [("Maria Lopez", "2026-11-26", None)]
    assert "has no CSM and would be" in r.stderr and "for Maria Lopez, due 2026-11-26" in r.stderr


def test_users_boundary_and_the_rule_s_conditions(cli):
    cli.ok("account", "add", "Five", "--users", "500", "--plan", "premium")  # quartz, and ruby needs > 500
    cli.ok("opportunity", "add", "Five", "--name", "F", "--stage", "negotiating", "--type", "new")
    assert _tasks(cli, "Five") == []
    cli.ok("account", "add", "Six", "--users", "501", "--plan", "premium")  # 501 users: ruby already
    cli.ok("opportunity", "add", "Six", "--name", "G", "--stage", "negotiating", "--type", "new")
    assert len(_tasks(cli, "Six")) == 1
    cli.ok("account", "add", "Big", "--users", "2001", "--plan", "ultimate", "--csm", "Ann")  # has a CSM
    cli.ok("opportunity", "add", "Big", "--name", "B", "--stage", "negotiating", "--type", "new")
    assert _tasks(cli, "Big") == []
    cli.ok("account", "add", "Renew", "--users", "900")
    cli.ok("opportunity", "add", "Renew", "--name", "R", "--stage", "negotiating", "--type", "renewal")
    cli.ok("opportunity", "add", "Renew", "--name", "S", "--stage", "negotiating", "--type", "services")
    assert _tasks(cli, "Renew") == []  # only new and add-on
    r = cli.ok("opportunity", "add", "Renew", "--name", "N", "--stage", "negotiating", "--type", "new")
    assert "would be ruby" in r.stderr and "CSM manager (config set csm-manager NAME)" in r.stderr
    cli.ok("opportunity", "add", "Renew", "--name", "M", "--stage", "negotiating", "--type", "add-on")
    assert len(_tasks(cli, "Renew")) == 1  # one open task per account, not one per opportunity


def test_the_task_is_done_by_itself_once_a_csm_is_set(cli):
    cli.ok("account", "add", "Acme", "--users", "700")
    cli.ok("opportunity", "add", "Acme", "--name", "Deal", "--stage", "negotiating", "--type", "new")
    (task,) = _tasks(cli, "Acme")
    r = cli.ok("account", "update", "Acme", "--csm", "Ann")
    assert f"Task #{task['id']} 'Assign a CSM' is done: Ann is the CSM." in r.stderr
    assert [t["done_date"] for t in _tasks(cli, "Acme")] == ["2026-11-24"]
    assert any(h["field"] == "done_date" for h in cli.json("history", f"task:{task['id']}"))


def test_check_wants_a_gitlab_admin_for_a_started_onboarding(cli):
    cli.ok("account", "add", "Acme", "--users", "700")  # a placeholder onboarding: not started, not flagged
    assert not [f for f in cli("check", "-f", "json").json() if f["rule"] == "no-gitlab-admin"]
    cli.ok("onboarding", "start", "Acme", "--date", "2026-11-20")
    cli.ok("contact", "add", "Acme", "Pat Lee", "--email", "pat@acme.example")
    found = [f for f in cli("check", "-f", "json").json() if f["rule"] == "no-gitlab-admin"]
    assert [(f["account"], f["entity"]) for f in found] == [("Acme", "onboarding")]
    contact = cli.json("contact", "list", "Acme")[0]["id"]
    cli.ok("contact", "update", contact, "--gitlab-admin")
    assert not [f for f in cli("check", "-f", "json").json() if f["rule"] == "no-gitlab-admin"]
