"""The account follows its deals (SPEC section 4), hand-computed through the real CLI; today 2026-11-24.

A deal closed on 2025-11-25 is 364 days old and still counts; one closed on 2025-11-24 (365 days) has aged out.
"""

from __future__ import annotations


def _deal(cli, account, name, *, stage="closed-won", close=None, iacv=None, type_="new", **kw):
    args = ["opportunity", "add", account, "--name", name, "--stage", stage, "--type", type_]
    if close:
        args += ["--close-date", close]
    if iacv is not None:
        args += ["--iacv", str(iacv)]
    return cli.ok(*args, **kw)


def _account(cli, name="Acme"):
    return cli.json("account", "show", name)


def test_closed_won_fills_the_open_onboardings_purchase_date_and_opportunity(cli):
    cli.ok("account", "add", "Acme", "--users", "800", "--csm", "Ann")
    cli.ok("onboarding", "start", "Acme", "--date", "2026-10-01")
    cli.ok("onboarding", "update", "Acme", "--first-value", "2026-10-20")
    _deal(cli, "Acme", "Acme renewal", close="2026-09-01", type_="renewal")  # a renewal fills nothing
    assert cli.json("onboarding", "show", "Acme")["purchase_date"] is None
    cli.ok("opportunity", "add", "Acme", "--name", "Acme new", "--stage", "negotiating", "--type", "new",
           "--close-date", "2026-09-25", "--iacv", "20000")
    assert cli.json("onboarding", "show", "Acme")["purchase_date"] is None
    r = cli.ok("opportunity", "update", "Acme new", "--stage", "closed-won")
    assert "Onboarding #1: purchase date 2026-09-25 and opportunity 'Acme new' from the closed-won deal." in r.stderr
    o = cli.json("onboarding", "show", "Acme")
    assert (o["purchase_date"], o["opportunity"], o["ttfv_days"]) == ("2026-09-25", "Acme new", 25)
    # a purchase date already there stays
    _deal(cli, "Acme", "Acme add-on", close="2026-11-01", iacv=5000, type_="add-on")
    assert cli.json("onboarding", "show", "Acme")["purchase_date"] == "2026-09-25"


def test_iacv_is_the_sum_of_closed_won_new_and_add_on_deals_of_the_last_365_days(cli):
    cli.ok("account", "add", "Acme", "--users", "100", "--iacv", "10000", "--csm", "Ann")
    _deal(cli, "Acme", "Old", close="2025-11-24", iacv=20000)  # 365 days: aged out already
    assert _account(cli)["iacv"] == 0  # the account now has a deal: its iACV follows deals
    _deal(cli, "Acme", "Edge", close="2025-11-25", iacv=15000, type_="add-on")  # 364 days: counts
    _deal(cli, "Acme", "Services", close="2026-10-01", iacv=7000, type_="services")  # does not count
    _deal(cli, "Acme", "Lost", stage="closed-lost", close="2026-10-01", iacv=9000)  # does not count
    r = _deal(cli, "Acme", "Big", close="2026-11-20", iacv=40000)
    assert "Acme: iACV 15,000.00 -> 55,000.00 (closed-won 'Big' (#5);" in r.stderr
    assert "Acme: gemstone quartz -> ruby" in r.stderr
    account = _account(cli)
    assert (account["iacv"], account["gemstone"]) == (55000, "ruby")
    trail = [(h["field"], h["old"], h["new"]) for h in cli.json("history", "Acme") if h["entity"] == "account"]
    assert ("iacv", "15000", "55000") in trail and ("iacv_from", None, "closed-won 'Big' (#5)") in trail
    # a correction out of closed-won leaves the sum
    cli.ok("opportunity", "update", "Big", "--stage", "closed-lost")
    assert _account(cli)["iacv"] == 15000


def test_a_deal_without_an_iacv_leaves_the_accounts_iacv_alone(cli):
    cli.ok("account", "add", "Acme", "--users", "100", "--iacv", "3000")
    _deal(cli, "Acme", "Acme new", close="2026-11-10")
    assert (_account(cli)["iacv"], _account(cli)["gemstone"]) == (3000, "quartz")


def test_a_deal_that_lifts_the_account_into_ruby_creates_its_onboarding(cli):
    cli.ok("account", "add", "Acme", "--users", "100", "--csm", "Ann")
    assert cli.json("onboarding", "list") == []
    r = _deal(cli, "Acme", "Acme new", close="2026-11-10", iacv=60000)
    assert "Acme: created onboarding #1 (not started) because it moved from quartz to ruby." in r.stderr
    (o,) = cli.json("onboarding", "list")
    assert (o["status"], o["purchase_date"]) == ("not-started", "2026-11-10")


def test_accounts_without_deals_keep_their_typed_iacv_and_manual_turns_the_roll_up_off(cli):
    cli.ok("account", "add", "Typed", "--users", "100", "--iacv", "70000")
    cli.ok("gemstone", "recalc")
    assert _account(cli, "Typed")["iacv"] == 70000
    r = cli("config", "set", "iacv-source", "crm")
    assert r.exit_code == 1 and "iacv-source" in r.stderr and "opportunities, manual" in r.stderr
    cli.ok("config", "set", "iacv-source", "Manual")
    assert cli.ok("config", "get", "iacv-source").stdout.strip() == "manual"
    cli.ok("account", "add", "Acme", "--users", "100", "--iacv", "1000")
    _deal(cli, "Acme", "Acme new", close="2026-11-10", iacv=60000)
    cli.ok("gemstone", "recalc")
    assert (_account(cli)["iacv"], _account(cli)["gemstone"]) == (1000, "quartz")
    cli.ok("config", "set", "iacv-source", "opportunities")
    cli.ok("gemstone", "recalc")
    assert (_account(cli)["iacv"], _account(cli)["gemstone"]) == (60000, "ruby")


def test_gemstone_recalc_ages_deals_out(cli):
    cli.ok("account", "add", "Acme", "--users", "100", "--csm", "Ann")
    _deal(cli, "Acme", "Acme new", close="2026-01-10", iacv=60000)
    assert _account(cli)["gemstone"] == "ruby"
    later = {"CSTOOL_TODAY": "2027-01-10"}  # 365 days after the close
    dry = cli.ok("gemstone", "recalc", "--dry-run", "-f", "json", env=later)
    assert "would change Acme: iACV 60,000.00 -> 0.00" in dry.stderr
    assert [(t["old_gemstone"], t["new_gemstone"]) for t in dry.json()["transitions"]] == [("ruby", "quartz")]
    assert _account(cli)["iacv"] == 60000  # a dry run changes nothing
    cli.ok("gemstone", "recalc", env={"CSTOOL_TODAY": "2027-01-09"})  # 364 days: still counts
    assert _account(cli)["iacv"] == 60000
    cli.ok("gemstone", "recalc", env=later)
    account = _account(cli)
    assert (account["iacv"], account["gemstone"]) == (0, "quartz")


def test_import_opportunities_at_negotiating_creates_the_assign_a_csm_task(cli, tmp_path):
    cli.ok("config", "set", "csm-manager", "Mia")
    cli.ok("account", "add", "Acme", "--users", "100")
    path = tmp_path / "opps.csv"
    path.write_text("Account Name,Opportunity Name,Stage,Incremental ACV,Opportunity Type\n"
                    "Acme,Acme new,Negotiating,60000,New Business\nAcme,Acme more,Negotiating,70000,Add-On Business\n")
    cli.ok("import", "opportunities", str(path))
    tasks = cli.json("task", "list", "--account", "Acme")
    assert [(t["title"], t["owner"], t["due_date"]) for t in tasks] == [("Assign a CSM", "Mia", "2026-11-26")]
