"""Customer mail into the timeline (docs/rules.md, "Mail and calendar into the timeline"): mbox, Maildir and .eml, through the real CLI, both engines."""

from __future__ import annotations

import mailbox
import os
from email.message import EmailMessage

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import acme_example_store
from tests.state import store_state


def _msg(frm, to, subject, date=None, mid=None, cc=None, reply_to_id=None, raw_subject=None):
    m = EmailMessage()
    m["From"], m["To"] = frm, to
    if cc:
        m["Cc"] = cc
    if raw_subject:
        m["Subject"] = raw_subject  # already RFC 2047 encoded, as mail programs write it
    else:
        m["Subject"] = subject
    if date:
        m["Date"] = date
    if mid:
        m["Message-ID"] = mid
    if reply_to_id:
        m["In-Reply-To"] = reply_to_id
    m.set_content("the body is never stored")
    return m


THREAD = [
    # 1. the customer writes late in the evening Pacific time: 2026-11-03 in UTC
    _msg("Ann Lee <ann@acme.com>", "csm@ourteam.com", None, "Mon, 02 Nov 2026 23:30:00 -0800", "<a1@acme.com>",
         raw_subject="=?utf-8?q?R=C3=A9union_de_lancement?="),
    # 2. our reply in the thread
    _msg("csm@ourteam.com", "Ann Lee <ann@acme.com>", "Re: Réunion de lancement", "Tue, 03 Nov 2026 10:00:00 +0000",
         "<r1@ourteam.com>", reply_to_id="<a1@acme.com>"),
    # 3. the team only: no customer
    _msg("csm@ourteam.com", "boss@eu.ourteam.com", "internal note", "Tue, 03 Nov 2026 11:00:00 +0000",
         "<t1@ourteam.com>"),
    # 4. a subdomain of the account's domain
    _msg("ops@eu.acme.com", "csm@ourteam.com", "EU rollout", "Wed, 04 Nov 2026 09:00:00 +0100", "<e1@eu.acme.com>"),
    # 5. a contact of an account with no domains, and Acme in copy: one message, two accounts
    _msg("x.ray@globex.com", "csm@ourteam.com", "Joint call", "Thu, 05 Nov 2026 15:00:00 +0000", "<g1@globex.com>",
         cc="ann@acme.com"),
    # 6. nobody we know
    _msg("y@unknown.io", "csm@ourteam.com", "hello", "Thu, 05 Nov 2026 16:00:00 +0000", "<u1@unknown.io>"),
    _msg("z@unknown.io", "csm@ourteam.com", "hello again", "Fri, 06 Nov 2026 16:00:00 +0000", "<u2@unknown.io>"),
    # 7. no date: it cannot be placed on the timeline
    _msg("ann@acme.com", "csm@ourteam.com", "undated", None, "<n1@acme.com>"),
    # 8. no Message-ID: still imported once
    _msg("ann@acme.com", "csm@ourteam.com", "no id", "Mon, 09 Nov 2026 08:00:00 +0000", None),
]


def _setup(cli, tmp_path):
    cli.ok("account", "add", "Acme", "--domain", "acme.com", "--users", "800")
    cli.ok("onboarding", "start", "Acme", "--date", "2026-11-02")
    cli.ok("account", "add", "Globex")
    cli.ok("contact", "add", "Globex", "Xavier Ray", "--email", "X.Ray@Globex.com")
    cli.ok("config", "set", "team-domains", "ourteam.com")
    box = mailbox.mbox(str(tmp_path / "inbox.mbox"))
    for m in THREAD:
        box.add(m)
    box.flush()
    return str(tmp_path / "inbox.mbox")


def test_a_mailbox(cli, tmp_path):
    path = _setup(cli, tmp_path)
    r = cli.ok("activity", "import-mail", path, "-f", "json")
    # Acme: 1, 2, 4, 5 (in copy), 8 = 5; Globex: 5 = 1. Not matched: 3 (team), 6, 7... 6 is two messages.
    assert r.json() | {"unmatched_domains": None} == {
        "files": 1, "messages": 9, "logged": 6, "already_there": 0, "not_matched": 3, "no_date": 1,
        "future_skipped": 0, "unreadable": 0, "dry_run": False, "unmatched_domains": None,
            "addresses_skipped": 0, "messages_over_address_cap": 0}
    assert r.json()["unmatched_domains"] == [{"domain": "unknown.io", "messages": 2}]
    assert "unknown.io (2)" in r.stderr
    acme = cli.json("activity", "list", "Acme")
    assert [(a["date"], a["subject"], a["source"], a["type"]) for a in reversed(acme)] == [
        ("2026-11-03", "Réunion de lancement", "mail", "email"),
        ("2026-11-03", "Re: Réunion de lancement", "mail", "email"),
        ("2026-11-04", "EU rollout", "mail", "email"),
        ("2026-11-05", "Joint call", "mail", "email"),
        ("2026-11-09", "no id", "mail", "email"),
    ]
    globex = cli.json("activity", "list", "Globex")
    assert [(a["subject"], a["contact"], a["source_id"]) for a in globex] == [("Joint call", "Xavier Ray",
                                                                              "g1@globex.com")]
    # emails never engage: the first-engaged date stays empty
    assert cli.json("onboarding", "show", "Acme")["first_engaged_date"] is None
    # the same file again adds nothing
    again = cli.ok("activity", "import-mail", path, "-f", "json").json()
    assert (again["logged"], again["already_there"]) == (0, 6)
    assert len(cli.json("activity", "list", "Acme")) == 5


def test_dates_in_the_store_s_time_zone(cli, tmp_path):
    path = _setup(cli, tmp_path)
    cli.ok("config", "set", "timezone", "America/Los_Angeles")
    cli.ok("activity", "import-mail", path)
    first = cli.json("activity", "list", "Acme")[-1]
    assert (first["subject"], first["date"]) == ("Réunion de lancement", "2026-11-02")  # 23:30 Pacific


def test_dry_run_and_a_broken_path_write_nothing(cli, tmp_path):
    path = _setup(cli, tmp_path)
    before = store_state(cli.store)
    r = cli.ok("activity", "import-mail", path, "--dry-run", "-f", "json")
    assert r.json()["logged"] == 6 and "would log 6" in r.stderr
    assert store_state(cli.store) == before
    good_eml = tmp_path / "one.eml"
    good_eml.write_bytes(bytes(_msg("ann@acme.com", "csm@ourteam.com", "single", "Tue, 10 Nov 2026 08:00:00 +0000",
                                    "<s1@acme.com>")))
    r = cli("activity", "import-mail", path, str(tmp_path / "missing.mbox"), str(good_eml))
    assert r.exit_code == 1 and "missing.mbox" in r.stderr and "no such file" in r.stderr
    assert store_state(cli.store) == before
    unreadable = tmp_path / "locked.mbox"
    unreadable.write_bytes(b"From x\n")
    os.chmod(unreadable, 0)
    if os.geteuid() != 0:  # root reads anything; the permission check then has nothing to refuse
        r = cli("activity", "import-mail", path, str(unreadable))
        assert r.exit_code == 1 and "cannot be read" in r.stderr
        assert store_state(cli.store) == before


def test_maildir_and_eml_files(cli, tmp_path):
    _setup(cli, tmp_path)
    md = mailbox.Maildir(str(tmp_path / "Maildir"), create=True)
    md.add(_msg("ann@acme.com", "csm@ourteam.com", "from maildir", "Wed, 11 Nov 2026 08:00:00 +0000", "<m1@acme.com>"))
    folder = tmp_path / "exported"
    folder.mkdir()
    (folder / "a.eml").write_bytes(bytes(_msg("ann@acme.com", "csm@ourteam.com", "from eml",
                                              "Thu, 12 Nov 2026 08:00:00 +0000", "<m2@acme.com>")))
    r = cli.ok("activity", "import-mail", str(tmp_path / "Maildir"), str(folder), "-f", "json").json()
    assert (r["files"], r["logged"]) == (2, 2)
    assert {a["subject"] for a in cli.json("activity", "list", "Acme")} == {"from maildir", "from eml"}


@pytest.mark.slow
@given(data=st.data())
def test_mangled_messages_never_crash(bare_cli, tmp_path_factory, data):
    tmp = tmp_path_factory.getbasetemp() / "fuzz-mail"
    db = acme_example_store(bare_cli, tmp)
    raw = bytearray(bytes(THREAD[data.draw(st.integers(0, len(THREAD) - 1))]))
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw)))
        byte = data.draw(st.sampled_from([0, 0xFF, 0xC3, 0x3D, 0x3F, 0x3C, 0x3E, 0x40, 0x0A, 0x3A, 0x22, 0x20]))
        if data.draw(st.booleans()) or at >= len(raw):
            raw.insert(at, byte)
        else:
            raw[at] = byte
    path = tmp / ("m.mbox" if data.draw(st.booleans()) else "m.eml")
    path.write_bytes((b"From x Mon Nov  2 10:00:00 2026\n" if path.suffix == ".mbox" else b"") + bytes(raw))
    r = bare_cli("--db", db, "activity", "import-mail", str(path))
    text = r.stdout + r.stderr
    assert r.exit_code in (0, 1), text[-500:]
    assert "Traceback" not in text and "internal error" not in text, text[-800:]


HEADER_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=60)


@pytest.mark.slow
@given(frm=st.one_of(HEADER_TEXT, st.emails()), to=st.one_of(HEADER_TEXT, st.emails()),
       date=st.one_of(HEADER_TEXT, st.datetimes().map(lambda d: d.strftime("%a, %d %b %Y %H:%M:%S +0000"))),
       subject=HEADER_TEXT, mid=HEADER_TEXT, mbox=st.booleans())
def test_generated_messages_never_crash(bare_cli, tmp_path_factory, frm, to, date, subject, mid, mbox):
    tmp = tmp_path_factory.getbasetemp() / "gen-mail"
    db = acme_example_store(bare_cli, tmp)
    raw = (f"From: {frm}\nTo: {to}\nDate: {date}\nSubject: {subject}\nMessage-ID: {mid}\n\nbody\n").encode(
        "utf-8", "surrogateescape")
    path = tmp / ("g.mbox" if mbox else "g.eml")
    path.write_bytes((b"From x Mon Nov  2 10:00:00 2026\n" if mbox else b"") + raw)
    r = bare_cli("--db", db, "activity", "import-mail", str(path))
    text = r.stdout + r.stderr
    assert r.exit_code in (0, 1) and "Traceback" not in text and "internal error" not in text, text[-800:]
