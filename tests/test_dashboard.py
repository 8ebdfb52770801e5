"""`cstool dashboard` and `report ttv --chart` (README, "Dashboard and charts"), on both engines, without a browser.

The browser lane (tests/test_browser.py) opens the same pages in Chromium; here the page is read as
HTML: every figure cell against the reports, the empty states, the options and the refusals.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from html import escape

import pytest

from tests import dashboard_check as check

CHARTS = {"ttv-trend", "ttv-spread", "onboarding", "ebr", "pse", "health", "pov", "renewals", "renewal-risk"}


def _page(cli, tmp_path, *args) -> tuple[str, check.FigureCells]:
    out = tmp_path / "page.html"
    r = cli.ok("dashboard", "-o", str(out), *args)
    assert f"Wrote {out}" in r.stderr and "needs no network" in r.stderr
    html = out.read_text(encoding="utf-8")
    return html, check.parse(html)


def test_demo_dashboard_equals_the_reports(cli, tmp_path):
    cli.ok("demo")
    html, page = _page(cli, tmp_path)
    reports = check.reports_via(cli.json, quarter="FY2027-Q4", quarters=4, fy=2027)
    assert [r["quarter"] for r in reports["ttv"]] == ["FY2027-Q1", "FY2027-Q2", "FY2027-Q3", "FY2027-Q4"]
    assert check.mismatches(page.pairs, reports) == []
    paths = [json.loads(p)[0] for p, _ in page.pairs]
    for report in ("ttv", "onboarding", "ebr", "pse", "health", "pov", "renewals"):
        assert paths.count(report) >= 5, f"the page shows few {report} figures"
    assert set(page.charts) == CHARTS
    running = cli.json("pov", "list", "--status", "in-progress")
    assert running and all(f"<td>{escape(p['name'])}</td>" in html for p in running)
    # one self-contained file: no script, no fetch, a policy that forbids both
    assert "script" not in page.tags and "<script" not in html.lower()
    assert "default-src 'none'" in html and "http-equiv=\"Content-Security-Policy\"" in html
    assert not [tag for tag in ("img", "link", "iframe", "object", "embed") if tag in page.tags]
    assert "https://" not in html and "src=" not in html
    # the figures a manager looks for, written as the JSON writes them
    tte_q4 = reports["ttv"][-1]["metrics"][0]
    assert f">{json.dumps(tte_q4['within_goal_pct'])}<" in html


def test_quarter_options_and_replacing_the_file(cli, tmp_path):
    cli.ok("demo", "--accounts", "40")
    out = tmp_path / "page.html"
    out.write_text("old")
    cli.ok("dashboard", "-o", str(out), "--quarter", "FY2027-Q2", "--quarters", "2")
    html = out.read_text()
    page = check.parse(html)
    reports = check.reports_via(cli.json, quarter="FY2027-Q2", quarters=2, fy=2027)
    assert check.mismatches(page.pairs, reports) == []
    assert "FY2027-Q1 to FY2027-Q2" in html and "FY2027-Q3" not in html.split("<main>")[0]
    assert [p for p in page.pairs if '"FY2027-Q2"' in p[0]] and not [p for p in page.pairs if '"FY2027-Q3"' in p[0]]
    # bare --quarter is the current one; one quarter
    cli.ok("dashboard", "-o", str(out), "--quarter", "--quarters", "1")
    assert "<title>Customer Success dashboard, FY2027-Q4</title>" in out.read_text()
    # the previous fiscal year's quarter shows that year's EBRs
    cli.ok("dashboard", "-o", str(out), "--quarter", "FY2026-Q4", "--quarters", "1")
    assert "EBR coverage, FY2026" in out.read_text()


def test_default_file_and_stdout(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cli.ok("account", "add", "Acme", "--users", "900")
    r = cli.ok("dashboard")
    assert (tmp_path / "cstool-dashboard.html").exists() and "cstool-dashboard.html" in r.stderr
    r = cli.ok("dashboard", "-o", "-")
    assert r.stdout.startswith("<!DOCTYPE html>") and r.stdout.rstrip().endswith("</html>")


def test_empty_store_labels_every_empty_section(cli, tmp_path):
    html, page = _page(cli, tmp_path)
    # TTV always draws (the trend says nothing was measured); the other sections say they are empty
    assert set(page.charts) == {"ttv-trend", "ttv-spread"}
    assert page.empties == 8  # the renewals section says both of its parts are empty
    for text in ("No open onboardings.", "No account has an EBR cadence", "No Professional Services Engagements.",
                 "No accounts.", "No POV closed from FY2027-Q1 to FY2027-Q4.", "No POV is running."):
        assert text in html
    reports = check.reports_via(cli.json, quarter="FY2027-Q4", quarters=4, fy=2027)
    assert check.mismatches(page.pairs, reports) == []


def test_refusals_write_nothing(cli, tmp_path):
    out = tmp_path / "page.html"
    r = cli("dashboard", "-o", str(out), "--quarter", "Q9")
    assert r.exit_code == 1 and "quarter: 'Q9' is not accepted" in r.stderr and not out.exists()
    r = cli("dashboard", "-o", str(tmp_path / "missing" / "page.html"))
    assert r.exit_code == 1 and "--output" in r.stderr and "does not exist" in r.stderr
    r = cli("dashboard", "-o", str(tmp_path))
    assert r.exit_code == 1 and "it is a folder" in r.stderr
    r = cli("dashboard", "--quarters", "0", "-o", str(out))
    assert r.exit_code == 2 and not out.exists()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_names_are_text_in_the_page(cli, tmp_path):
    evil = '<img src=x onerror=alert(1)>'
    cli.ok("account", "add", evil, "--users", "900", "--csm", "<script>alert(2)</script>", "--ebr-cadence", "quarterly")
    cli.ok("onboarding", "start", evil, "--date", "2026-08-01", "--purchase-date", "2026-07-30")
    html, page = _page(cli, tmp_path)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and evil not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html and "<script" not in html
    reports = check.reports_via(cli.json, quarter="FY2027-Q4", quarters=4, fy=2027)
    assert check.mismatches(page.pairs, reports) == []


# --- report ttv --chart --------------------------------------------------------------------------------


def test_ttv_chart_svg_and_png(cli, tmp_path):
    cli.ok("demo", "--accounts", "40")
    svg = tmp_path / "trend.svg"
    r = cli.ok("report", "ttv", "--quarters", "3", "--chart", str(svg), "-f", "json")
    assert len(r.json()) == 3 and f"Wrote {svg}" in r.stderr  # the report still prints; the chart is extra
    root = ET.parse(svg).getroot()
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    for label in ("FY2027-Q2", "FY2027-Q3", "FY2027-Q4", "Time to Engage", "Time to First Value", "Time to Onboard"):
        assert label in texts
    assert "goal 14" in texts and "goal 30" in texts and "goal 45" in texts
    assert len(list(root.iter("{http://www.w3.org/2000/svg}path"))) > 30
    png = tmp_path / "trend.PNG"
    cli.ok("report", "ttv", "--quarters", "4", "--quarter", "FY2027-Q3", "--chart", str(png))
    from PIL import Image

    with Image.open(png) as im:
        assert im.format == "PNG" and im.width >= 1200 and im.height >= 600
        assert len(im.convert("RGB").getcolors(1 << 20) or []) > 20  # a drawing, not a blank canvas
    # replaced, not appended
    before = svg.stat().st_size
    cli.ok("report", "ttv", "--quarters", "3", "--chart", str(svg))
    assert svg.stat().st_size == before


def test_ttv_chart_refusals(cli, tmp_path):
    r = cli("report", "ttv", "--chart", str(tmp_path / "t.pdf"))
    assert r.exit_code == 1 and "--chart" in r.stderr and ".svg or .png" in r.stderr
    r = cli("report", "ttv", "--by", "csm", "--chart", str(tmp_path / "t.svg"))
    assert r.exit_code == 1 and "leave out --by" in r.stderr
    r = cli("report", "ttv", "--chart", str(tmp_path / "nope" / "t.svg"))
    assert r.exit_code == 1 and "does not exist" in r.stderr
    assert not [p for p in os.listdir(tmp_path) if p.startswith("t.") or p.endswith(".tmp")]


def over_budget_pse(cli, account: str, name: str) -> None:
    """An engagement past its scoped hours: the PSE chart names it."""
    from tests.test_pse import READY

    cli.ok("opportunity", "add", account, "--name", f"{name[:180]} deal", "--stage", "closed-won", "--close-date",
           "2026-10-20", "--type", "services")
    cli.ok("pse", "create", account, "--opportunity", f"{name[:180]} deal", "--name", name)
    cli.ok("pse", "kickoff", name, *READY)
    cli.ok("pse", "log-hours", name, "50", "--date", "2026-11-20")


@pytest.mark.parametrize("name", ["Acme $5M$ & Co", "Ünïcödé 北京", "Lorem " * 30])
def test_awkward_names_draw(cli, tmp_path, name):
    """Dollar signs are not formulas, missing glyphs and long names do not break a chart."""
    cli.ok("account", "add", name, "--users", "900")
    over_budget_pse(cli, name, name)
    html, page = _page(cli, tmp_path)
    assert "pse" in page.charts and escape(name.strip()) in html
    chart = html.split('data-chart="pse"')[1].split("</svg>")[0]
    assert escape(name[:20]) in chart  # the chart names the engagement over budget (cut at 40 characters)


# --- property: whatever people type, the page's structure does not change -------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PLACEHOLDERS = ("Zzacct", "Zzcsm", "Zzsa", "Zzpov", "Zzpse")
NAMES = st.one_of(
    st.sampled_from(["<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "</td></tr></table>", "&amp;",
                     "&lt;b&gt;", '"><svg onload=alert(1)>', "' onmouseover='alert(1)", "<!--", "]]>", "$x^2$",
                     "\\", "</text><script>x</script>", "\u202e\u200b", "北京", "🙂"]),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(str.strip),
)


class Tags(check.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def template_data(tmp_path_factory):
    """The dashboard's data for a small store whose names are placeholders (as JSON text)."""
    from datetime import date

    from typer.testing import CliRunner

    from cstool.cli.main import app
    from cstool.domain.fiscal import FiscalQuarter
    from cstool.queries.dashboard import dashboard_figures
    from cstool.storage.store import open_store
    from tests.test_pse import READY

    db = str(tmp_path_factory.mktemp("template") / "t.db")
    env = {"CSTOOL_TODAY": "2026-11-24", "CSTOOL_USER": "t", "CSTOOL_DB": None}
    acct, csm, sa, pov, pse = PLACEHOLDERS
    for args in (["account", "add", acct, "--users", "900", "--csm", csm, "--sa", sa, "--ebr-cadence", "quarterly"],
                 ["onboarding", "start", acct, "--date", "2026-08-03", "--purchase-date", "2026-08-01"],
                 ["opportunity", "add", acct, "--name", "Deal", "--stage", "technical-evaluation"],
                 ["pov", "create", acct, "--opportunity", "Deal", "--name", pov, "--type", "guided"],
                 ["pov", "start", pov, "--date", "2026-11-02", "--success-criteria", "x", "--planned-end", "2026-12-01"],
                 ["opportunity", "add", acct, "--name", "PS", "--stage", "closed-won", "--close-date", "2026-10-20"],
                 ["pse", "create", acct, "--opportunity", "PS", "--name", pse], ["pse", "kickoff", pse, *READY],
                 ["pse", "log-hours", pse, "50", "--date", "2026-11-20"],
                 ["ebr", "schedule", acct, "--date", "2026-12-10"]):
        r = CliRunner().invoke(app, ["--db", db, *args], env=env)
        assert r.exit_code == 0, (args, r.output)
    store = open_store(db, actor="t")
    try:
        with store.query() as conn:
            data = dashboard_figures(conn, quarter=FiscalQuarter(2027, 4), quarters=1, today=date(2026, 11, 24))
    finally:
        store.close()
    return json.dumps(data)


@settings(max_examples=60)
@given(names=st.tuples(*[NAMES] * len(PLACEHOLDERS)))
def test_typed_names_never_change_the_page_structure(template_data, names):
    from cstool.dashboard import page

    base = Tags()
    base.feed(page(json.loads(template_data), charts={}))
    text = template_data
    for placeholder, name in zip(PLACEHOLDERS, names):
        text = text.replace(placeholder, json.dumps(name)[1:-1])
    html = page(json.loads(text), charts={})
    got = Tags()
    got.feed(html)
    assert got.tags == base.tags  # no name opened or closed an element
    shown = "".join(got.text)
    for name in names:
        assert name in shown or " ".join(name.split()) in shown


@settings(max_examples=12)
@given(name=NAMES)
def test_typed_names_in_a_chart_stay_text(template_data, name):
    from cstool import charts

    data = json.loads(template_data.replace("Zzpse", json.dumps(name)[1:-1]))
    svg = charts.svg_markup(charts.pse_burn(data["pse"]), name="pse", label="x")
    root = ET.fromstring(svg)  # well-formed: nothing the name carried broke out
    texts = "".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert charts._label(name) in texts
    assert not [e for e in root.iter() if e.tag.split("}")[-1] in ("script", "foreignObject", "iframe", "img")]


# --- charts are read by people (SPEC 16) --------------------------------------------------------------------


def _pse_row(name, burned, done, *, over=False, stale=False):
    return {"name": name, "hours_burned_pct": burned, "percent_complete": done, "over_budget": over,
            "stale_hours": stale}


def test_pse_chart_draws_flagged_points_on_top_and_whole_on_the_axes():
    from cstool import charts

    fig = charts.pse_burn([_pse_row("in budget", 45.5, 50), _pse_row("stale", 45.5, 50, stale=True),
                           _pse_row("over", 115, 10, over=True), _pse_row("new", 0, 0)])
    ax = fig.axes[0]
    z = {c.get_label(): c.get_zorder() for c in ax.collections}
    assert z["in budget"] < z["hours not logged for 14 days"] < z["over budget"]
    assert all(not c.get_clip_on() for c in ax.collections)  # the point at 0%, 0% is drawn whole
    legend = ax.get_legend()
    names = [t.get_text() for t in legend.get_texts()]
    assert names[1:] == ["over budget", "hours not logged for 14 days", "in budget"]
    for handle in legend.legend_handles[1:]:  # every entry has a visible mark
        assert handle.get_facecolor()[0][3] > 0


def test_count_axes_tick_at_whole_numbers():
    from cstool import charts

    fig = charts.onboarding_status({"counts": {"in-progress": 1, "not-started": 2}, "overdue_counts": {}})
    ticks = fig.axes[0].get_xticks()
    assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks)
    fig = charts.health_colours({"red": 1, "yellow": 0, "green": 2, None: 0})
    assert all(float(t).is_integer() for t in fig.axes[0].get_yticks())


def _quarter(label, start, end, pct):
    metrics = [{"metric": m, "goal_days": g, "count": 5, "median_days": 10.0, "p90_days": 20.0,
                "within_goal_pct": pct} for m, g in (("tte", 14), ("ttfv", 30), ("tto", 45))]
    return {"quarter": label, "start": start, "end": end, "cohort": "achieved", "metrics": metrics}


def test_trend_marks_the_quarter_in_progress_and_colours_shares_by_the_goal():
    from datetime import date

    from matplotlib.colors import to_hex

    from cstool import charts

    reports = [_quarter("FY2027-Q2", "2026-05-01", "2026-07-31", 90.0),
               _quarter("FY2027-Q3", "2026-08-01", "2026-10-31", 42.0),
               _quarter("FY2027-Q4", "2026-11-01", "2027-01-31", 60.0)]
    fig = charts.ttv_trend(reports, today=date(2026, 11, 24))
    bottom = fig.axes[3]
    labels = [t.get_text() for t in bottom.get_xticklabels()]
    assert labels == ["FY2027-Q2", "FY2027-Q3", "FY2027-Q4\n(in progress)"]
    bars = bottom.patches
    assert [to_hex(b.get_facecolor()[:3]) for b in bars] == [charts.GREEN.lower(), charts.VERMILLION.lower(),
                                                            charts.ORANGE.lower()]
    assert [b.get_hatch() for b in bars] == [None, None, "///"]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "quarter in progress (figures may still change)" in legend
    assert any(text.startswith("within the goal: under 50%") for text in legend)
    finished = charts.ttv_trend(reports, today=date(2027, 3, 1))
    assert "in progress" not in " ".join(t.get_text() for t in finished.axes[3].get_xticklabels())
