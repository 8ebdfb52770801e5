"""A mailbox and a calendar for the demo store, so a new user can try `activity import-mail` and
`import-calendar` (fixed seed; written from the demo's own accounts and contacts)."""

from __future__ import annotations

import mailbox
import random
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from cstool.storage.files import temporary_path, write_file
from cstool.storage.models import Account, Contact

TEAM = "ourteam.example"
SUBJECTS = ["Question about runners", "Re: Upgrade plan", "Réunion de suivi", "SSO rollout", "Invoice question",
            "Pipeline failures since Friday", "Training dates", "Feature request: merge trains"]


def write_samples(session: Session, *, folder: str, today: date) -> tuple[str, str]:
    rng = random.Random(2028)
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    rows = session.execute(select(Account.id, Account.name, Account.domains, Account.csm, Contact.email)
                           .join(Contact, Contact.account_id == Account.id)
                           .where(Account.domains.is_not(None), Contact.email.is_not(None))
                           .order_by(Account.id, Contact.id)).all()
    chosen: dict[int, tuple] = {}
    for aid, name, domains, csm, email_ in rows:
        chosen.setdefault(aid, (name, domains.split(",")[0], csm, email_))
    accounts = list(chosen.values())[:12]
    mbox_path = out / "demo-mail.mbox"
    with temporary_path(mbox_path, field="--samples") as temp:
        _write_mbox(temp, accounts, rng, today)
    ics_path = out / "demo-calendar.ics"
    write_file(ics_path, _calendar(accounts, today).encode("utf-8"), field="--samples")
    return str(mbox_path), str(ics_path)


def _write_mbox(path: Path, accounts: list[tuple], rng: random.Random, today: date) -> None:
    box = mailbox.mbox(str(path))  # the empty 0600 temporary file: messages are appended to it
    for n, (name, domain, csm, contact) in enumerate(accounts):
        team_address = f"{(csm or 'csm').split()[0].lower()}@{TEAM}"
        for k in range(rng.randint(2, 5)):
            when = datetime.combine(today - timedelta(days=rng.randint(1, 60)), datetime.min.time(),
                                    tzinfo=timezone.utc) + timedelta(hours=rng.randint(7, 19))
            m = EmailMessage()
            customer = contact if k % 2 == 0 else f"team@{domain}"
            m["From"], m["To"] = (customer, team_address) if k % 3 else (team_address, customer)
            m["Subject"] = rng.choice(SUBJECTS) + f" ({name})"
            m["Date"] = format_datetime(when)
            m["Message-ID"] = f"<demo-{n}-{k}@{domain}>"
            m.set_content("(demo message)")
            box.add(m)
    for k in range(3):  # newsletters from a domain no account has: the import names it
        m = EmailMessage()
        m["From"], m["To"], m["Subject"] = "news@devops-weekly.example", f"ann@{TEAM}", "DevOps weekly"
        m["Date"] = format_datetime(datetime.combine(today - timedelta(days=7 * k + 1), datetime.min.time(),
                                                     tzinfo=timezone.utc))
        m["Message-ID"] = f"<news-{k}@devops-weekly.example>"
        m.set_content("(newsletter)")
        box.add(m)
    box.flush()
    box.close()


def _calendar(accounts: list[tuple], today: date) -> str:
    ics = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//cstool demo//EN"]
    for n, (name, domain, csm, contact) in enumerate(accounts[:6]):
        first = today - timedelta(days=7 * 8 + n)
        ics += ["BEGIN:VEVENT", f"UID:cadence-{n}@{TEAM}", f"SUMMARY:{name} cadence call",
                f"DTSTART:{first:%Y%m%d}T160000Z", f"DTEND:{first:%Y%m%d}T163000Z", "RRULE:FREQ=WEEKLY;COUNT=12",
                f"EXDATE:{first + timedelta(days=21):%Y%m%d}T160000Z", f"ORGANIZER:mailto:csm@{TEAM}",
                f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{contact}", "END:VEVENT"]
    for n, (name, domain, csm, contact) in enumerate(accounts[6:9]):
        day = today - timedelta(days=10 + n)
        ics += ["BEGIN:VEVENT", f"UID:workshop-{n}@{TEAM}", f"SUMMARY:{name} CI workshop",
                f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
                f"ORGANIZER:mailto:csm@{TEAM}", f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:ops@{domain}", "END:VEVENT"]
    ics.append("END:VCALENDAR")
    return "\r\n".join(ics) + "\r\n"
