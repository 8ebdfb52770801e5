"""cstool's speed and memory goals, measured side by side in one run.

    make bench            # or: .venv/bin/python bench/run.py [--quick]

Prints one table: for each goal the median of cstool, the median of what it is
compared with, the ratio and the goal.  Stores are built in bench/out/.
Figures are wall-clock medians on this machine; the ratios are what matter,
since both sides of a row run in the same minute on the same machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
CSTOOL = str(BIN / "cstool")
ENV = {**os.environ, "CSTOOL_USER": "bench", "NO_COLOR": "1", "CSTOOL_TODAY": "2026-11-24"}
TODAY = date(2026, 11, 24)


def timed(cmd: list[str], *, runs: int, before=None) -> tuple[float, float]:
    """Median wall seconds and peak RSS (MB) of a command over `runs` runs."""
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV, cwd=str(OUT))
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode()[-2000:]}")
        proc.stderr.close()
    return statistics.median(times), max(peaks)


def write_accounts_csv(path: Path, n: int) -> None:
    rng = random.Random(7)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Account Name", "Sales Segment", "Licensed Users", "Incremental ACV", "Plan",
                    "Technical Account Manager", "Customer Slack Channel"])
        for i in range(n):
            users = int(rng.lognormvariate(6.2, 1.0))
            w.writerow([f"Company {i:06d}", rng.choice(["Large", "Mid-Market", "SMB", "Strategic"]), users,
                        f"{rng.randint(1_000, 400_000):,}", rng.choice(["Premium", "Ultimate", "Free"]),
                        rng.choice(["Ann Lee", "Bob Ortiz", "Chen Wei"]), f"#a_company-{i:06d}-internal"])


def write_mail_and_calendar(mbox_path: Path, ics_path: Path, *, messages: int, events: int) -> None:
    """A mailbox of `messages` (half from the customer's domain) and a calendar of `events` single meetings."""
    import mailbox
    from email.message import EmailMessage
    from email.utils import format_datetime
    from datetime import datetime, timezone

    rng = random.Random(5)
    box = mailbox.mbox(str(mbox_path))
    for i in range(messages):
        m = EmailMessage()
        m["From"] = f"user{i % 50}@{'acme.example' if i % 2 else 'other.example'}"
        m["To"] = "csm@ourteam.example"
        m["Subject"] = f"Message {i}"
        m["Date"] = format_datetime(datetime(2026, 1, 1, 9, tzinfo=timezone.utc) + timedelta(hours=rng.randint(0, 7000)))
        m["Message-ID"] = f"<m{i}@acme.example>"
        m.set_content("body")
        box.add(m)
    box.flush()
    box.close()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//cstool bench//EN"]
    for i in range(events):
        day = date(2026, 1, 1) + timedelta(days=rng.randint(0, 320))
        lines += ["BEGIN:VEVENT", f"UID:e{i}@ourteam.example", f"SUMMARY:Meeting {i}", f"DTSTART:{day:%Y%m%d}T150000Z",
                  f"DTEND:{day:%Y%m%d}T153000Z", "ORGANIZER:mailto:csm@ourteam.example",
                  f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:user{i % 50}@acme.example", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    ics_path.write_text("\r\n".join(lines) + "\r\n")


def _new_store(path: Path, *, seed: int):
    """An empty store at `path` (replaced), an SQLite connection to fill it, a seeded generator and a timestamp."""
    if path.exists():
        path.unlink()
    subprocess.run([CSTOOL, "--db", str(path), "db", "init"], check=True, env=ENV, capture_output=True)
    return sqlite3.connect(path), random.Random(seed), "2026-11-24 00:00:00.000000"


def build_ttv_store(path: Path, onboardings: int) -> None:
    """A store with `onboardings` onboardings spread over six fiscal quarters (direct inserts, seeded)."""
    conn, rng, stamp = _new_store(path, seed=11)
    accounts, rows = [], []
    first = TODAY - timedelta(days=540)
    for i in range(onboardings):
        accounts.append((i + 1, f"Co {i}", f"co {i}", 800, "premium", 4, "ruby", "Ann", stamp, stamp))
        start = first + timedelta(days=rng.randint(0, 535))
        purchase = start - timedelta(days=rng.randint(0, 20))
        fe = start + timedelta(days=rng.randint(0, 30))
        fv = purchase + timedelta(days=rng.randint(-5, 60))
        fin = start + timedelta(days=rng.randint(15, 80))
        done = fin <= TODAY
        rows.append((i + 1, "completed" if done else "in-progress", purchase.isoformat(), start.isoformat(),
                     fe.isoformat() if fe <= TODAY else None, fv.isoformat() if fv <= TODAY else None,
                     fin.isoformat() if done else None, True, True, 4, "Ann", stamp, stamp))
    conn.executemany("INSERT INTO account (id, name, name_key, users, plan, gemstone_rank, gemstone, csm, created_at,"
                     " updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)", accounts)
    conn.executemany("INSERT INTO onboarding (account_id, status, purchase_date, start_date, first_engaged_date,"
                     " first_value_date, finish_date, survey_sent, survey_received, experience_score, owner,"
                     " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    conn.commit()
    conn.close()


def build_renewals_store(path: Path, accounts: int) -> None:
    """`accounts` accounts with ARR and an annual renewal date spread over 18 months around today: the past ones
    closed (most won at par or with a downsell or upsell, some lost with a reason), the coming ones open with a
    forecast, a call per account for the health measures (direct inserts, seeded)."""
    conn, rng, stamp = _new_store(path, seed=17)
    rows, opps, calls = [], [], []
    for i in range(accounts):
        arr = rng.randint(5_000, 500_000) * 100
        due = TODAY + timedelta(days=rng.randint(-365, 180))
        current = due
        if due <= TODAY:
            outcome = rng.choices(["won", "down", "up", "lost"], [70, 10, 12, 8])[0]
            amount = {"won": arr, "down": arr * 8 // 10, "up": arr * 12 // 10, "lost": None}[outcome]
            opps.append((i + 1, f"Co {i} renewal {due}", "closed-lost" if outcome == "lost" else "closed-won",
                         due.isoformat(), amount, "renewal", due.isoformat(), arr, "commit",
                         rng.choice(["budget", "competitor", "no-adoption"]) if outcome == "lost" else None))
            current = date(due.year + 1, due.month, min(due.day, 28))
            arr = 0 if outcome == "lost" else amount
        if current <= TODAY + timedelta(days=180) and arr:
            opps.append((i + 1, f"Co {i} renewal {current}", "discovery", None, None, "renewal", current.isoformat(),
                         arr, rng.choice(["commit", "best-case", "pipeline", "omitted"]), None))
        rows.append((i + 1, f"Co {i}", f"co {i}", 6, rng.choice(["Ann", "Bob", "Chen"]),
                     rng.choice(["green", "yellow", "red"]), arr, current.isoformat(), 12, stamp, stamp))
        calls.append((i + 1, (TODAY - timedelta(days=rng.randint(0, 90))).isoformat(), "call", "Cadence", stamp, "bench"))
    conn.executemany("INSERT INTO account (id, name, name_key, gemstone_rank, csm, csm_sentiment, arr_cents,"
                     " renewal_date, term_months, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    conn.executemany("INSERT INTO opportunity (account_id, name, stage, close_date, amount_cents, type, renewal_date,"
                     " arr_due_cents, forecast, churn_reason) VALUES (?,?,?,?,?,?,?,?,?,?)", opps)
    conn.executemany("INSERT INTO activity (account_id, on_date, type, subject, created_at, actor, source)"
                     " VALUES (?,?,?,?,?,?,'manual')", calls)
    conn.commit()
    conn.close()


MEMORY_GOAL_MB = 500


def memory_at_scale(results: list, n: int) -> None:
    """Peak memory (RSS of the child process, from wait4) of the commands SPEC 10 names, at n accounts: the
    import that builds the store, then `report health`, `health snapshot`, `account list --all -f json` and
    `dashboard` on it.  One run each (the figure is a peak, not a median)."""
    csv_path = OUT / f"accounts-{n}.csv"
    if not csv_path.exists():
        write_accounts_csv(csv_path, n)
    db = OUT / f"accounts-{n}.db"

    def fresh():
        for p in OUT.glob(f"accounts-{n}.db*"):
            p.unlink()

    commands = [(["import", "accounts", str(csv_path)], fresh, "import accounts"),
                (["report", "health", "-f", "json"], None, "report health -f json"),
                (["health", "snapshot"], None, "health snapshot"),
                (["account", "list", "--all", "-f", "json"], None, "account list --all -f json"),
                (["dashboard", "-o", str(OUT / f"dashboard-{n}.html")], None, "dashboard")]
    for args, before, label in commands:
        seconds, peak = timed([CSTOOL, "--db", str(db), *args], runs=1, before=before)
        results.append((f"peak memory at {n:,} accounts: {label}", seconds, float("nan"), float("nan"), None, None,
                        peak, f"peak {peak:.0f} MB ({'ok' if peak <= MEMORY_GOAL_MB else 'OVER'}: goal <= "
                              f"{MEMORY_GOAL_MB} MB)"))
        print(f"  measured: {label} at {n:,}: {seconds:.1f}s, {peak:.0f} MB", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="10,000 rows instead of 100,000, fewer runs")
    parser.add_argument("--million", action="store_true",
                        help="also measure peak memory at 1,000,000 accounts (goal <= 500 MB; about 15 minutes)")
    args = parser.parse_args()
    big = 10_000 if args.quick else 100_000
    runs = 3 if args.quick else 7
    OUT.mkdir(parents=True, exist_ok=True)
    results = []

    def row(goal: str, ours: tuple[float, float], base: tuple[float, float], limit: float | None,
            stretch: float | None, note: str = "") -> None:
        ratio = ours[0] / base[0]
        results.append((goal, ours[0], base[0], ratio, limit, stretch, ours[1], note))
        print(f"  measured: {goal}: {ours[0]:.3f}s vs {base[0]:.3f}s", file=sys.stderr)

    py = sys.executable
    row("cstool --version / python -c pass", timed([CSTOOL, "--version"], runs=runs * 2),
        timed([py, "-c", "pass"], runs=runs * 2), 6.0, None)
    row("cstool --help / python -c pass", timed([CSTOOL, "--help"], runs=runs * 2),
        timed([py, "-c", "pass"], runs=runs * 2), 8.0, None)

    demo = OUT / "show.db"
    for p in OUT.glob("show.db*"):
        p.unlink()
    subprocess.run([CSTOOL, "--db", str(demo), "demo"], check=True, env=ENV, capture_output=True)
    name = sqlite3.connect(demo).execute("SELECT name FROM account ORDER BY gemstone_rank, id LIMIT 1").fetchone()[0]
    sqlmodel = timed([py, "-c", "import sqlmodel"], runs=runs * 2)
    row("cstool account show / python -c 'import sqlmodel'",
        timed([CSTOOL, "--db", str(demo), "account", "show", name], runs=runs * 2), sqlmodel, 1.2, 1.1)
    row("cstool task list --due 7d (demo store) / python -c 'import sqlmodel'",
        timed([CSTOOL, "--db", str(demo), "task", "list", "--due", "7d"], runs=runs * 2), sqlmodel, 1.2, 1.1)

    csv_path = OUT / f"accounts-{big}.csv"
    if not csv_path.exists():
        write_accounts_csv(csv_path, big)
    target = OUT / "import.db"
    utils_target = OUT / "sqlite-utils.db"

    def fresh_import():
        for p in OUT.glob("import.db*"):
            p.unlink()

    def fresh_utils():
        for p in OUT.glob("sqlite-utils.db*"):
            p.unlink()

    imp_runs = 3 if not args.quick else 2
    ours = timed([CSTOOL, "--db", str(target), "import", "accounts", str(csv_path)], runs=imp_runs, before=fresh_import)
    utils = shutil.which("sqlite-utils", path=str(BIN)) or shutil.which("sqlite-utils")
    if utils:
        base = timed([utils, "insert", str(utils_target), "accounts", str(csv_path), "--csv"], runs=imp_runs,
                     before=fresh_utils)
        row(f"cstool import accounts ({big:,} rows) / sqlite-utils insert --csv", ours, base, 1.0, 0.5,
            f"peak {ours[1]:.0f} MB ({'ok' if ours[1] <= 200 else 'OVER'}: goal <= 200 MB)")
    else:
        results.append((f"cstool import accounts ({big:,} rows)", ours[0], float("nan"), float("nan"), 1.0, 0.5,
                        ours[1], "sqlite-utils not installed: pip install sqlite-utils"))

    def scaled(report: str, build, what: str) -> tuple[Path, Path]:
        """`report REPORT --quarter` on a store of `big` against one of 1,000 (goal <= 1.3x)."""
        small_db, big_db = OUT / f"{report}-1k.db", OUT / f"{report}-{big}.db"
        build(small_db, 1_000)
        build(big_db, big)
        row(f"report {report} --quarter at {big:,} / at 1,000 {what}",
            timed([CSTOOL, "--db", str(big_db), "report", report, "--quarter"], runs=runs),
            timed([CSTOOL, "--db", str(small_db), "report", report, "--quarter"], runs=runs), 1.3, 1.1)
        return small_db, big_db

    small_db, big_db = scaled("ttv", build_ttv_store, "onboardings")
    row(f"report onboarding at {big:,} / at 1,000 onboardings",
        timed([CSTOOL, "--db", str(big_db), "report", "onboarding"], runs=runs),
        timed([CSTOOL, "--db", str(small_db), "report", "onboarding"], runs=runs), None, None,
        "no goal set: it lists every open onboarding, so its output grows with the store")

    scaled("renewals", build_renewals_store, "accounts")

    page = OUT / "dashboard.html"
    dash = timed([CSTOOL, "--db", str(big_db), "dashboard", "-o", str(page)], runs=max(3, runs // 2))
    big_size = page.stat().st_size
    demo_page = OUT / "dashboard-demo.html"
    subprocess.run([CSTOOL, "--db", str(demo), "dashboard", "-o", str(demo_page)], check=True, env=ENV,
                   capture_output=True)
    row(f"cstool dashboard at {big:,} / at 1,000 onboardings", dash,
        timed([CSTOOL, "--db", str(small_db), "dashboard", "-o", str(OUT / "dashboard-1k.html")],
              runs=max(3, runs // 2)), None, None,
        f"no goal set: page {big_size / 1024:.0f} KB at {big:,}, {demo_page.stat().st_size / 1024:.0f} KB for the demo")

    # mail and calendar import: 20,000 messages and 5,000 events (timed, memory noted; no goal set)
    mail_db, mbox_path, ics_path = OUT / "mail.db", OUT / "bench-mail.mbox", OUT / "bench-calendar.ics"
    if not mbox_path.exists():
        write_mail_and_calendar(mbox_path, ics_path, messages=20_000 if not args.quick else 2_000,
                                events=5_000 if not args.quick else 500)

    def fresh_mail():
        for p in OUT.glob("mail.db*"):
            p.unlink()
        subprocess.run([CSTOOL, "--db", str(mail_db), "account", "add", "Acme", "--domain", "acme.example"],
                       check=True, env=ENV, capture_output=True)
        subprocess.run([CSTOOL, "--db", str(mail_db), "config", "set", "team-domains", "ourteam.example"],
                       check=True, env=ENV, capture_output=True)

    mail = timed([CSTOOL, "--db", str(mail_db), "activity", "import-mail", str(mbox_path)], runs=imp_runs,
                 before=fresh_mail)
    cal = timed([CSTOOL, "--db", str(mail_db), "activity", "import-calendar", str(ics_path)], runs=imp_runs,
                before=fresh_mail)
    baseline = timed([py, "-c", "import sqlmodel"], runs=runs)
    row("cstool activity import-mail, 20,000 messages / import sqlmodel", mail, baseline, None, None,
        f"no goal set: {mail[0]:.1f} s, peak {mail[1]:.0f} MB")
    row("cstool activity import-calendar, 5,000 events / import sqlmodel", cal, baseline, None, None,
        f"no goal set: {cal[0]:.1f} s, peak {cal[1]:.0f} MB")

    recalc_db = OUT / "recalc.db"

    def drifted():
        for p in OUT.glob("recalc.db*"):
            p.unlink()
        shutil.copy(target, recalc_db) if target.exists() else None
        conn = sqlite3.connect(recalc_db)
        conn.execute("UPDATE account SET users = users * 3 WHERE id % 2 = 0")  # half the accounts drift
        conn.commit()
        conn.close()

    fresh_import()
    subprocess.run([CSTOOL, "--db", str(target), "import", "accounts", str(csv_path)], check=True, env=ENV,
                   capture_output=True, cwd=str(OUT))
    recalc = timed([CSTOOL, "--db", str(recalc_db), "gemstone", "recalc"], runs=imp_runs, before=drifted)
    results.append((f"gemstone recalc ({big:,} accounts, half drifted) / import time", recalc[0], ours[0],
                    recalc[0] / ours[0], 1.0, None, recalc[1], ""))

    if args.million:
        memory_at_scale(results, 1_000_000)

    print()
    print(f"{'goal':<70} {'cstool s':>9} {'base s':>9} {'ratio':>7} {'goal':>6} {'stretch':>7} {'peak MB':>8}  meets")
    for goal, a, b, ratio, limit, stretch, peak, note in results:
        if limit is None:
            ok = "-"
        else:
            ok = "NO" if not ratio == ratio or ratio > limit else "stretch" if stretch and ratio <= stretch else "goal"
        stretch_text = f"{stretch:.1f}" if stretch else "-"
        limit_text = f"{limit:.1f}" if limit else "-"
        print(f"{goal:<70} {a:>9.3f} {b:>9.3f} {ratio:>7.2f} {limit_text:>6} {stretch_text:>7} {peak:>8.0f}  {ok}  {note}")


if __name__ == "__main__":
    main()
