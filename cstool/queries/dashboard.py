"""Every figure the dashboard shows, from the functions the `report` commands call (SPEC section 16).

Nothing here computes a figure of its own: each section is the output of one report function, called
with the options its `report` command would get, so the page and `cstool report ... -f json` cannot
disagree.  The only things added are tallies of those outputs' rows (onboardings per status, accounts
per health colour), which a reader could count from the report by hand.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from cstool.clock import today as clock_today
from cstool.domain.fiscal import FiscalQuarter
from cstool.queries.ebr import ebr_report
from cstool.queries.health import health_report
from cstool.queries.pov import list_povs, pov_report
from cstool.queries.pse import pse_report
from cstool.queries.renewals import renewals_report
from cstool.queries.reports import onboarding_report, ttv_report

HEALTH_ORDER = ("red", "yellow", "green", None)


HEALTH_ROWS = 50  # riskiest accounts handed to the page (it shows fewer)


def dashboard_figures(conn, *, quarter: FiscalQuarter, quarters: int, today: date | None = None) -> dict:
    """The page's data: the TTV trend (``report ttv --quarters N``), open onboardings (``report onboarding``),
    EBR coverage for the chosen quarter's fiscal year (``report ebr --fy``), PSEs (``report pse``), health
    (``report health``), POVs per quarter (``report pov --quarter``) and the running ones
    (``pov list --status in-progress``)."""
    today = today or clock_today()
    chosen = [quarter.shift(-i) for i in reversed(range(quarters))]
    trend = ttv_report(conn, quarter=quarter, quarters=quarters, today=today)
    trend = trend if isinstance(trend, list) else [trend]
    onboarding = onboarding_report(conn, today=today)
    overdue = Counter(r["status"] for r in onboarding["rows"] if r["overdue"])
    health = health_report(conn, as_of=today)
    colours = Counter(colour for colour in health.colours())
    return {
        "generated_date": today.isoformat(),
        "quarter": quarter.label,
        "quarters": [q.label for q in chosen],
        "ttv": trend,
        "onboarding": {**onboarding, "overdue_counts": {s: overdue.get(s, 0) for s in onboarding["counts"]}},
        "ebr": ebr_report(conn, fy=quarter.year),
        "pse": pse_report(conn),
        # the riskiest rows the page shows, and how many there are (the page never holds a million rows)
        "health": {"rows": health[:HEALTH_ROWS], "count": len(health),
                   "colours": {c: colours.get(c, 0) for c in HEALTH_ORDER if c or colours.get(c)}},
        "pov": [pov_report(conn, quarter=q) for q in chosen],
        "pov_running": list_povs(conn, status="in-progress"),
        "renewals": renewal_figures(conn, quarter=quarter, quarters=quarters, today=today),
    }


def renewal_figures(conn, *, quarter: FiscalQuarter, quarters: int, today: date) -> dict:
    """GRR and NRR per chosen quarter (``report renewals --quarter Q --quarters N``) and the coming two quarters'
    renewals by health colour (``report renewals --quarter next --quarters 2``)."""
    from cstool.domain.fiscal import quarter_of
    from cstool.services.settings import get_setting

    def listed(report):
        return report if isinstance(report, list) else [report]

    coming = quarter_of(today, get_setting(conn, "fiscal-year-start")).shift(1)
    return {"trend": listed(renewals_report(conn, quarter=quarter, quarters=quarters, today=today)),
            "coming": listed(renewals_report(conn, quarter=coming, quarters=2, today=today))}
