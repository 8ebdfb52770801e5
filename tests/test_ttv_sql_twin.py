"""`report ttv` counts in SQL; `ttv.classify` is the rule.  On random stores, both engines, they agree.

The reference below walks every onboarding through `ttv.classify` and `ttv.summarise` in Python, exactly as a
record view judges one onboarding; the report must give the same JSON for every quarter, both cohorts and
every grouping.  A second test reads SQLite's query plan: the counting uses the milestone indexes.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, select

from cstool.domain import ttv
from cstool.domain.fiscal import FiscalQuarter, parse_quarter
from cstool.queries import reports
from tests.conftest import TODAY

T = date.fromisoformat(TODAY)
GOALS = {"tte": 14, "ttfv": 30, "tto": 45}


def _random_store(cli, tmp_path, seed: int) -> list[dict]:
    """60 onboardings with every kind of gap, imported through the CLI; returns them as the rule sees them."""
    rnd = random.Random(seed)
    accounts, rows = ["Account Name,CSM\n"], ["Account Name,Status,Original Contract Date,Start Date,"
                                              "First Engaged Date,First Value Date,Completed Date,CSM\n"]
    truth = []
    for i in range(60):
        name, csm = f"R{i:02d}", rnd.choice(["Ann", "Bob", ""])
        accounts.append(f"{name},{csm}\n")
        start = T - timedelta(days=rnd.randint(0, 400)) if rnd.random() < 0.95 else None
        purchase = (start or T) - timedelta(days=rnd.randint(0, 30)) if rnd.random() < 0.85 else None

        def later(base, lo, hi, p):
            if base is None or rnd.random() > p:
                return None
            d = base + timedelta(days=rnd.randint(lo, hi))
            return d if d <= T else None

        engaged = later(start, -5, 60, 0.7)
        value = later(purchase or start, -10, 120, 0.6)
        finish = later(start, 5, 150, 0.6) if start else None
        status = "completed" if finish else ("in-progress" if start else "not-started")
        iso = lambda d: d.isoformat() if d else ""  # noqa: E731
        rows.append(f"{name},{status},{iso(purchase)},{iso(start)},{iso(engaged)},{iso(value)},{iso(finish)},{csm}\n")
        truth.append({"status": status, "start_date": start, "purchase_date": purchase, "first_engaged_date": engaged,
                      "first_value_date": value, "finish_date": finish, "grp": csm or None})
    (tmp_path / "a.csv").write_text("".join(accounts))
    (tmp_path / "o.csv").write_text("".join(rows))
    cli.ok("import", "accounts", str(tmp_path / "a.csv"), "--no-onboarding")
    cli.ok("import", "onboardings", str(tmp_path / "o.csv"))
    return truth


def _reference(truth: list[dict], q: FiscalQuarter, cohort: str, by: bool) -> dict:
    groups: dict = defaultdict(list)
    for row in truth:
        groups[row["grp"] if by else None].append(row)
    out, left = {}, Counter()
    for g, rows in groups.items():
        metrics, seen = [], False
        for m in ttv.METRICS:
            values, pending, overdue = [], 0, 0
            for row in rows:
                verdict = ttv.classify(m, row, q_start=q.start, q_end=q.end, today=T, goal=GOALS[m], cohort=cohort)
                if verdict is None:
                    continue
                seen = True
                kind, detail = verdict
                if kind == "measured":
                    values.append(detail)
                elif kind == "pending":
                    pending, overdue = pending + 1, overdue + bool(detail)
                else:
                    left[(m, detail)] += 1
            metrics.append(ttv.summarise(m, GOALS[m], values, pending=pending, overdue=overdue).as_dict())
        if seen:
            out[g or reports.NO_GROUP] = metrics
    return {"groups": out, "left_out": [{"metric": m, "count": n, "reason": r} for (m, r), n in sorted(left.items())]}


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_counting_equals_the_domain_rule(cli, tmp_path, seed):
    truth = _random_store(cli, tmp_path, seed)
    for label in ("FY2026-Q4", "FY2027-Q1", "FY2027-Q2", "FY2027-Q3", "FY2027-Q4"):
        q = parse_quarter(label, start_month=2, today=T)
        for cohort in ("achieved", "start"):
            expected = _reference(truth, q, cohort, by=False)
            got = cli.json("report", "ttv", "--quarter", label, "--cohort", cohort)
            empty = [ttv.summarise(m, GOALS[m], []).as_dict() for m in ttv.METRICS]
            assert got["metrics"] == expected["groups"].get(reports.NO_GROUP, empty), (label, cohort)
            assert got["left_out"] == expected["left_out"], (label, cohort)
            by = _reference(truth, q, cohort, by=True)
            got = cli.json("report", "ttv", "--quarter", label, "--cohort", cohort, "--by", "csm")
            assert {g["group"]: g["metrics"] for g in got["groups"]} == by["groups"], (label, cohort)


def test_the_counting_uses_the_milestone_indexes(sqlite_template):
    """SQLite answers each metric's statement from its milestone index (a multi-index OR), never a full scan; TTE
    also from the start-date index (a TTE is achieved on the start when the call came before it)."""
    engine = create_engine(f"sqlite:///{sqlite_template}")
    q = parse_quarter("FY2027-Q3", start_month=2, today=T)
    for metric, index in (("tte", "ix_onboarding_first_engaged_date"), ("ttfv", "ix_onboarding_first_value_date"),
                          ("tto", "ix_onboarding_finish_date")):
        scope, verdict = reports._verdict_sql(metric, q, today=T, cohort="achieved", goal=GOALS[metric])
        statement = select(verdict).select_from(reports.t.onboarding).where(scope)
        sql = str(statement.compile(engine, compile_kwargs={"literal_binds": True}))
        with engine.connect() as conn:
            plan = [row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
        assert "MULTI-INDEX OR" in plan, plan
        allowed = (index, "ix_onboarding_start_date") if metric == "tte" else (index,)
        assert all(any(i in step for i in allowed) for step in plan if step.startswith("SEARCH onboarding")), plan
        assert not any(step.startswith("SCAN onboarding") for step in plan), plan
    engine.dispose()
