"""Moving in from a CRM (README, "Moving in from a CRM"): 1,000 accounts and their onboardings keep every number.

The TTV figures are computed here straight from the CSV rows by the words of docs/rules.md ("Time to Value"),
independently of cstool's own code, and compared with `report ttv` for two quarters.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

TODAY = date(2026, 11, 24)
GOALS = {"tte": 14, "ttfv": 30, "tto": 45}
QUARTERS = {"FY2027-Q2": (date(2026, 5, 1), date(2026, 7, 31)), "FY2027-Q3": (date(2026, 8, 1), date(2026, 10, 31))}
N = 1000


def _us(d: date | None) -> str:
    return d.strftime("%m/%d/%Y") if d else ""


def _scenario(seed: int = 7):
    rnd = random.Random(seed)
    accounts, onboardings = [], []
    for i in range(N):
        name = f"Customer {i:04d}"
        users = rnd.choice([120, 300]) if i % 167 == 0 else rnd.randint(501, 9000)  # 6 quartz, 994 ruby or above
        accounts.append((name, users, rnd.choice(["Ann", "Bob", "Cy"])))
        purchase = date(2026, 2, 1) + timedelta(days=rnd.randint(0, 250))
        start = purchase + timedelta(days=rnd.randint(0, 20))
        engaged = start + timedelta(days=rnd.randint(-3, 30)) if rnd.random() < 0.9 else None
        value = purchase + timedelta(days=rnd.randint(-5, 70)) if rnd.random() < 0.7 else None
        completed = i % 5 != 0  # 80% completed, 20% in progress
        finish = start + timedelta(days=rnd.randint(10, 90)) if completed else None
        if finish and finish > TODAY:
            finish = TODAY
        engaged = engaged if engaged is None or engaged <= TODAY else None
        value = value if value is None or value <= TODAY else None
        onboardings.append({"account": name, "status": "Completed" if completed else "In Progress",
                            "purchase": purchase, "start": start, "engaged": engaged, "value": value, "finish": finish})
    return accounts, onboardings


def _files(tmp_path, accounts, onboardings):
    a = io.StringIO()
    w = csv.writer(a)
    w.writerow(["Account Name", "Licensed Users", "Customer Success Manager", "Sales Segment"])
    w.writerows([(n, u, c, "Large") for n, u, c in accounts])
    o = io.StringIO()
    w = csv.writer(o)
    w.writerow(["Account Name", "Onboarding Status", "Original Contract Date", "Start Date", "First Engaged Date",
                "First Value Date", "Completed Date", "Survey Sent", "Survey Received", "Score"])
    for r in onboardings:
        done = r["status"] == "Completed"
        w.writerow([r["account"], r["status"], _us(r["purchase"]), _us(r["start"]), _us(r["engaged"]), _us(r["value"]),
                    _us(r["finish"]), "Yes" if done else "", "No" if done else "", "4" if done else ""])
    (tmp_path / "accounts.csv").write_text(a.getvalue())
    (tmp_path / "onboardings.csv").write_text(o.getvalue())
    return str(tmp_path / "accounts.csv"), str(tmp_path / "onboardings.csv")


def _half_up(x: float) -> float:
    return float(Decimal(str(x)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _expected(onboardings, q_start: date, q_end: date) -> list[dict]:
    """The achieved cohort (docs/rules.md, "Time to Value: TTE, TTFV, TTO"), by its words."""
    asof = min(q_end, TODAY)
    out = []
    for metric, (clock_key, reached_key) in {"tte": ("start", "engaged"), "ttfv": ("purchase", "value"),
                                             "tto": ("start", "finish")}.items():
        values, pending, overdue = [], 0, 0
        for r in onboardings:
            reached, clock = r[reached_key], r[clock_key]
            if metric == "tte" and reached is not None:
                reached = max(reached, r["start"])  # a TTE is achieved on the later of first-engaged and start
            if reached is not None and q_start <= reached <= q_end:
                days = (reached - clock).days
                values.append(max(0, days) if metric == "tte" else days)
            elif r["start"] <= asof and (reached is None or reached > asof):
                if metric == "tte" and r["finish"] is not None and r["finish"] <= asof:
                    continue  # completed with no first-engaged date: left out (in its completion quarter)
                pending += 1
                overdue += (asof - clock).days > GOALS[metric]
        s = sorted(values)
        n = len(s)
        pos = (n - 1) * 0.9
        lo = int(pos)
        p90 = s[lo] + (s[min(lo + 1, n - 1)] - s[lo]) * (pos - lo) if n else None
        within = sum(v <= GOALS[metric] for v in s)
        out.append({
            "metric": metric, "goal_days": GOALS[metric], "count": n,
            "median_days": (float(s[n // 2]) if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2) if n else None,
            "mean_days": _half_up(sum(s) / n) if n else None, "p90_days": _half_up(p90) if n else None,
            "min_days": s[0] if n else None, "max_days": s[-1] if n else None, "within_goal": within,
            "within_goal_pct": _half_up(100 * within / n) if n else None, "pending": pending, "overdue": overdue,
        })
    return out


def test_a_thousand_accounts_and_their_onboardings(cli, tmp_path):
    accounts, onboardings = _scenario()
    accounts_csv, onboardings_csv = _files(tmp_path, accounts, onboardings)
    r = cli.ok("import", "accounts", accounts_csv, "-f", "json").json()
    assert (r["created"], r["onboardings_created"]) == (N, 994)  # placeholders for ruby and above
    r = cli.ok("import", "onboardings", onboardings_csv, "--date-order", "mdy", "-f", "json")
    result = r.json()
    assert (result["placeholders_filled"], result["created"], result["updated"]) == (994, 6, 0)
    statuses = [o["status"] for o in cli.json("onboarding", "list")]
    assert len(statuses) == N  # one per account: no phantom placeholder left beside a completed one
    assert statuses.count("in-progress") == sum(o["status"] == "In Progress" for o in onboardings) == 200
    assert statuses.count("not-started") == 0
    assert not [f for f in cli("check", "-f", "json").json() if f["rule"] == "placeholder-beside-completed"]
    for label, (q_start, q_end) in QUARTERS.items():
        report = cli.json("report", "ttv", "--quarter", label)
        assert report["metrics"] == _expected(onboardings, q_start, q_end), label
        assert {x["reason"] for x in report["left_out"]} <= {"completed without a first-engaged date"}


def test_no_onboarding_creates_no_placeholders(cli, tmp_path):
    accounts, onboardings = _scenario()
    accounts_csv, onboardings_csv = _files(tmp_path, accounts[:50], onboardings[:50])
    r = cli.ok("import", "accounts", accounts_csv, "--no-onboarding", "-f", "json").json()
    assert (r["created"], r["onboardings_created"]) == (50, 0)
    assert cli.json("onboarding", "list") == []
    r = cli.ok("import", "onboardings", onboardings_csv, "--date-order", "mdy", "-f", "json").json()
    assert (r["created"], r["placeholders_filled"]) == (50, 0)


def test_check_flags_a_placeholder_beside_a_completed_onboarding(cli, tmp_path):
    cli.ok("account", "add", "Grown", "--users", "10")
    path = tmp_path / "o.csv"
    path.write_text("Account Name,Start Date,Completed Date,Survey Sent,Survey Received,Score\n"
                    "Grown,2025-03-01,2025-04-20,yes,yes,5\n")
    cli.ok("import", "onboardings", str(path))
    cli.ok("account", "update", "Grown", "--users", "800")  # into ruby: a placeholder beside the completed one
    found = [f for f in cli("check", "-f", "json").json() if f["rule"] == "placeholder-beside-completed"]
    assert [(f["account"], f["entity"]) for f in found] == [("Grown", "onboarding")]


def test_an_open_onboarding_is_not_overwritten_without_update(cli, tmp_path):
    cli.ok("account", "add", "Busy", "--users", "800")
    cli.ok("onboarding", "start", "Busy", "--date", "2026-11-02")
    path = tmp_path / "o.csv"
    path.write_text("Account Name,Status,Start Date\nBusy,In Progress,2026-11-03\n")
    r = cli("import", "onboardings", str(path))
    assert r.exit_code == 1 and "line 2: Busy already has an open onboarding" in r.stderr
    cli.ok("import", "onboardings", str(path), "--update")
    assert cli.json("onboarding", "show", "Busy")["start_date"] == "2026-11-03"
