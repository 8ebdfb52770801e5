"""First engagement comes from the timeline (SPEC section 5), hand-computed through the real CLI; today 2026-11-24.

The engagement window opens at the later of 90 days before the purchase date (the start date when there is none)
and the finish date of the account's previous onboarding, and has no end; the first-engaged date is the earliest
call or meeting inside it, unless one was set by hand.
"""

from __future__ import annotations


def _onboarding(cli, name="Acme"):
    return cli.json("onboarding", "show", name)


def _call(cli, day, name="Acme", type_="call", subject="call"):
    return cli.ok("activity", "log", name, "--type", type_, "--subject", subject, "--date", day)


def _account_with_deal(cli, name="Acme", close="2026-09-01", start="2026-09-15"):
    cli.ok("account", "add", name, "--users", "800", "--csm", "Ann")
    cli.ok("opportunity", "add", name, "--name", f"{name} deal", "--stage", "closed-won", "--close-date", close,
           "--type", "new")
    if start:
        cli.ok("onboarding", "start", name, "--date", start)


def test_window_opens_90_days_before_the_purchase(cli):
    _account_with_deal(cli)  # purchase 2026-09-01: the window opens 2026-06-03
    _call(cli, "2026-06-02")
    assert _onboarding(cli)["first_engaged_date"] is None
    assert _onboarding(cli)["first_engaged_source"] is None
    r = _call(cli, "2026-06-03")
    assert "Onboarding #1: first-engaged date 2026-06-03 from the timeline (TTE 0 days)." in r.stderr
    o = _onboarding(cli)
    assert (o["first_engaged_date"], o["first_engaged_source"], o["tte_days"]) == ("2026-06-03", "timeline", 0)


def test_without_a_purchase_date_the_window_opens_90_days_before_the_start(cli):
    cli.ok("account", "add", "Acme", "--users", "800", "--csm", "Ann")
    cli.ok("onboarding", "start", "Acme", "--date", "2026-10-01")  # no deal: opens 2026-07-03
    _call(cli, "2026-07-02")
    assert _onboarding(cli)["first_engaged_date"] is None
    _call(cli, "2026-07-03", type_="meeting")
    assert _onboarding(cli)["first_engaged_date"] == "2026-07-03"


def test_the_previous_onboardings_finish_closes_the_window_behind(cli):
    cli.ok("account", "add", "Acme", "--users", "800", "--csm", "Ann")
    cli.ok("onboarding", "start", "Acme", "--date", "2026-06-01")
    _call(cli, "2026-07-15")
    cli.ok("onboarding", "complete", "Acme", "--date", "2026-08-01", "--survey-sent", "--survey-received",
           "--score", "4")
    second = cli.json("onboarding", "start", "Acme", "--date", "2026-09-01", "--purchase-date", "2026-08-20")
    # 90 days before the purchase is 2026-05-22, but the previous onboarding finished 2026-08-01: the later wins
    assert second["id"] == 2 and second["first_engaged_date"] is None
    _call(cli, "2026-08-01")  # on the day the window opens
    firsts = {o["id"]: o["first_engaged_date"] for o in cli.json("onboarding", "list")}
    assert firsts == {1: "2026-07-15", 2: "2026-08-01"}


def test_a_date_set_by_hand_wins_and_an_empty_one_hands_it_back(cli):
    _account_with_deal(cli)
    _call(cli, "2026-09-20")
    cli.ok("onboarding", "update", "Acme", "--first-engaged", "2026-09-25")
    _call(cli, "2026-09-10")  # earlier, but the hand-set date stays
    o = _onboarding(cli)
    assert (o["first_engaged_date"], o["first_engaged_source"], o["tte_days"]) == ("2026-09-25", "manual", 10)
    cli.ok("onboarding", "update", "Acme", "--first-engaged", "")
    o = _onboarding(cli)
    assert (o["first_engaged_date"], o["first_engaged_source"], o["tte_days"]) == ("2026-09-10", "timeline", 0)
    fields = [h["field"] for h in cli.json("history", "onboarding:1")]
    assert fields.count("first_engaged_source") == 4  # (none) -> timeline -> manual -> (none) -> timeline


def test_a_call_on_the_timeline_counts_when_the_onboarding_starts_and_a_back_dated_start_picks_up_more(cli):
    cli.ok("account", "add", "Acme", "--users", "800", "--csm", "Ann")
    _call(cli, "2026-08-01")
    _call(cli, "2026-09-20")
    started = cli.json("onboarding", "start", "Acme", "--date", "2026-11-01")  # opens 2026-08-03
    assert (started["first_engaged_date"], started["tte_days"]) == ("2026-09-20", 0)
    cli.ok("onboarding", "update", "Acme", "--date", "2026-10-01")  # back-dated: opens 2026-07-03
    assert _onboarding(cli)["first_engaged_date"] == "2026-08-01"


def test_a_late_logged_call_moves_a_completed_onboarding(cli):
    _account_with_deal(cli, start="2026-09-15")
    _call(cli, "2026-10-10")
    cli.ok("onboarding", "complete", "Acme", "--date", "2026-10-30", "--survey-sent", "--survey-received",
           "--score", "5")
    assert _onboarding(cli)["tte_days"] == 25
    _call(cli, "2026-09-18")  # logged late with its real date
    o = _onboarding(cli)
    assert (o["status"], o["first_engaged_date"], o["tte_days"]) == ("completed", "2026-09-18", 3)


def test_emails_do_not_count_meetings_from_the_calendar_do(cli, tmp_path):
    cli.ok("account", "add", "Acme", "--users", "800", "--csm", "Ann", "--domain", "acme.com")
    cli.ok("onboarding", "start", "Acme", "--date", "2026-10-01")
    mail = tmp_path / "hello.eml"
    mail.write_text("From: ann@acme.com\nTo: csm@ourteam.com\nSubject: hello\nMessage-ID: <m1@acme.com>\n"
                    "Date: Mon, 05 Oct 2026 10:00:00 +0000\n\nhi\n")
    cli.ok("activity", "import-mail", str(mail))
    assert _onboarding(cli)["first_engaged_date"] is None
    ics = tmp_path / "cal.ics"
    ics.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
                   "DTSTART:20261008T150000Z\r\nUID:kickoff-1@test\r\nSUMMARY:Kickoff\r\n"
                   "ORGANIZER:mailto:csm@ourteam.com\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:ann@acme.com\r\n"
                   "END:VEVENT\r\nEND:VCALENDAR\r\n")
    cli.ok("activity", "import-calendar", str(ics))
    o = _onboarding(cli)
    assert (o["first_engaged_date"], o["first_engaged_source"], o["tte_days"]) == ("2026-10-08", "timeline", 7)


def test_activity_update_and_remove_move_first_engagement_and_keep_history(cli):
    _account_with_deal(cli)
    _call(cli, "2026-09-20")
    r = cli.json("activity", "log", "Acme", "--type", "call", "--subject", "kickoff", "--date", "2026-09-25")
    late = r["id"]
    assert _onboarding(cli)["first_engaged_date"] == "2026-09-20"
    first = cli.json("activity", "list", "Acme")[-1]["id"]
    updated = cli.json("activity", "update", str(first), "--type", "email", "--notes", "was an email")
    assert (updated["type"], updated["notes"], updated["date"]) == ("email", "was an email", "2026-09-20")
    assert _onboarding(cli)["first_engaged_date"] == "2026-09-25"
    cli.ok("activity", "update", str(late), "--date", "2026-09-16")
    assert _onboarding(cli)["tte_days"] == 1
    removed = cli.json("activity", "remove", str(late))
    assert removed["id"] == late
    o = _onboarding(cli)
    assert (o["first_engaged_date"], o["first_engaged_source"]) == (None, None)
    trail = cli.json("history", f"activity:{late}")
    assert [h["field"] for h in trail] == ["(created)", "on_date", "(removed)"]
    assert [a["id"] for a in cli.json("activity", "list", "Acme")] == [first]
    for command in (["activity", "update", "999", "--subject", "x"], ["activity", "remove", "999"]):
        r = cli(*command)
        assert r.exit_code == 3 and "no activity has id 999" in r.stderr, command
    for command in (["activity", "remove", str(late)], ["activity", "update", str(late), "--subject", "x"]):
        r = cli(*command)  # removed earlier: a conflict that says when, as for time entries and usage snapshots
        assert r.exit_code == 4 and f"activity {late} was removed on" in r.stderr, command
    r = cli("activity", "update", str(first), "--date", "2027-01-01")
    assert r.exit_code == 1 and r.stderr.startswith("error: date:")


def test_a_purchase_date_from_a_closed_won_deal_moves_the_window(cli):
    cli.ok("account", "add", "Acme", "--users", "800", "--csm", "Ann")
    cli.ok("onboarding", "start", "Acme", "--date", "2026-10-01")  # no purchase: opens 2026-07-03
    _call(cli, "2026-06-25")
    assert _onboarding(cli)["first_engaged_date"] is None
    r = cli.ok("opportunity", "add", "Acme", "--name", "Acme deal", "--stage", "closed-won", "--close-date",
               "2026-09-15", "--type", "new")  # purchase 2026-09-15: opens 2026-06-17
    assert "purchase date 2026-09-15 and opportunity 'Acme deal' from the closed-won deal" in r.stderr
    o = _onboarding(cli)
    assert (o["purchase_date"], o["opportunity"], o["first_engaged_date"], o["tte_days"]) == (
        "2026-09-15", "Acme deal", "2026-06-25", 0)


def test_report_ttv_places_a_pre_start_call_in_the_quarter_of_the_start(cli):
    _account_with_deal(cli, close="2026-10-15", start=None)
    _call(cli, "2026-10-20")  # FY2027-Q3 (Aug-Oct)
    cli.ok("onboarding", "start", "Acme", "--date", "2026-11-02")  # FY2027-Q4 (Nov-Jan)
    def tte(quarter):
        return next(m for m in cli.json("report", "ttv", "--quarter", quarter)["metrics"] if m["metric"] == "tte")
    q3, q4 = tte("FY2027-Q3"), tte("FY2027-Q4")
    assert (q3["count"], q3["pending"]) == (0, 0)
    assert (q4["count"], q4["median_days"], q4["within_goal"], q4["pending"]) == (1, 0, 1, 0)
    (row,) = cli.json("report", "onboarding")
    assert (row["tte_days"], "tte" in row["pending"]) == (0, False)
    assert _onboarding(cli)["tte_days"] == 0


def test_dates_stored_before_the_rule_are_kept_as_set_by_hand(bare_cli, tmp_path):
    """Migration 0006: a first-engaged date already in the store is `manual`, so an upgrade changes no figure."""
    import sqlite3

    from tests.test_storage import _store_at

    db = tmp_path / "old.db"
    _store_at(db, "0005")
    with sqlite3.connect(db) as c:
        c.execute("INSERT INTO account (name, name_key, gemstone_rank, created_at, updated_at) "
                  "VALUES ('Acme', 'acme', 6, '2026-01-01 00:00:00', '2026-01-01 00:00:00')")
        c.execute("INSERT INTO onboarding (account_id, status, start_date, first_engaged_date, created_at, updated_at) "
                  "VALUES (1, 'in-progress', '2026-10-01', '2026-10-09', '2026-10-01 00:00:00', "
                  "'2026-10-01 00:00:00')")
    c.close()
    bare_cli.ok("--db", str(db), "activity", "log", "Acme", "--type", "call", "--subject", "x", "--date", "2026-09-30")
    o = bare_cli.json("--db", str(db), "onboarding", "show", "Acme")
    assert (o["first_engaged_date"], o["first_engaged_source"], o["tte_days"]) == ("2026-10-09", "manual", 8)
