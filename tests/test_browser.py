"""The browser lane: the dashboard opened in a real headless Chromium (Debian's `chromium`), network off.

Playwright drives the browser over the DevTools protocol (its own browser download is never used: the
launch names Debian's binary).  Each page is read as rendered: every chart drawn and not blank, every
figure equal to `cstool report ... -f json`, no request but the file itself, nothing run from a name,
readable at phone width and in print.  With CI=true a lane that cannot start fails the run.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

from tests import dashboard_check as check
from tests.conftest import TODAY, lane_unavailable

CHARTS = {"ttv-trend", "ttv-spread", "onboarding", "ebr", "pse", "health", "pov", "renewals", "renewal-risk"}
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions"]


def _chromium_path() -> str | None:
    """CSTOOL_TEST_CHROMIUM when set (used as given), else Debian's chromium."""
    if os.environ.get("CSTOOL_TEST_CHROMIUM"):
        return os.environ["CSTOOL_TEST_CHROMIUM"]
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium", shutil.which("chromium-browser")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


pytestmark = pytest.mark.slow  # the browser lane: `make test`, not `make check`

@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    try:
        if path is None or not os.path.exists(path):
            raise RuntimeError(f"no chromium binary{f' at {path}' if path else ''} "
                               "(apt-get install -y chromium; `make test` does it)")
        from playwright.sync_api import sync_playwright

        pw = sync_playwright().start()
        try:
            launched = pw.chromium.launch(executable_path=path, args=FLAGS, timeout=60_000)
        except Exception:
            pw.stop()
            raise
    except Exception as exc:  # noqa: BLE001
        lane_unavailable("browser", exc)
    try:
        yield launched
    finally:
        launched.close()
        pw.stop()


class Visit:
    """One page opened offline, with everything it asked for and everything it said."""

    def __init__(self, browser, html_path: Path, *, width: int = 1200) -> None:
        self.url = html_path.resolve().as_uri()
        self.context = browser.new_context(offline=True, viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(self.url, wait_until="load")

    def close(self) -> None:
        self.context.close()

    def figures(self) -> list[tuple[str, str]]:
        return [tuple(x) for x in self.page.evaluate(
            "[...document.querySelectorAll('[data-figure]')].map(e => [e.dataset.figure, e.textContent])")]

    def charts(self) -> dict[str, dict]:
        return {c["name"]: c for c in self.page.evaluate("""[...document.querySelectorAll('svg[data-chart]')].map(s => {
            const r = s.getBoundingClientRect();
            return {name: s.dataset.chart, width: r.width, height: r.height,
                    shapes: s.querySelectorAll('path, rect, line, polyline, use').length,
                    text: s.textContent};
        })""")}

    def sections(self) -> dict[str, dict]:
        return {s["id"]: s for s in self.page.evaluate("""[...document.querySelectorAll('section[data-section]')].map(s => ({
            id: s.id, charts: s.querySelectorAll('svg[data-chart]').length,
            empties: [...s.querySelectorAll('[data-empty]')].filter(e => e.getBoundingClientRect().height > 0)
                     .map(e => e.textContent),
            height: s.getBoundingClientRect().height}))""")}


def _colours(png: bytes) -> int:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        return len(im.convert("RGB").getcolors(1 << 24) or [])


def _ink_share(png: bytes) -> float:
    """The share of pixels that are not (nearly) white."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        grey = im.convert("L")
        hist = grey.histogram()
        return sum(hist[:240]) / (grey.width * grey.height)


def _run(db: str, *args: str, expect: int = 0):
    from typer.testing import CliRunner

    from cstool.cli.main import app

    env = {"CSTOOL_TODAY": TODAY, "CSTOOL_USER": "tester", "NO_COLOR": "1", "COLUMNS": "200", "CSTOOL_DB": None}
    r = CliRunner().invoke(app, ["--db", db, *args], env=env, catch_exceptions=False)
    assert r.exit_code == expect, f"cstool {' '.join(args)} -> {r.exit_code}\n{r.stdout}\n{r.stderr}"
    return r


def _reports(db: str, *, quarter="FY2027-Q4", quarters=4, fy=2027) -> dict:
    return check.reports_via(lambda *a: json.loads(_run(db, *a, "-f", "json").stdout), quarter=quarter,
                             quarters=quarters, fy=fy)


def _dashboard(db: str, out: Path, *args: str) -> Path:
    _run(db, "dashboard", "-o", str(out), *args)
    return out


@pytest.fixture(scope="module")
def demo_page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo-page")
    db = str(folder / "demo.db")
    _run(db, "demo")
    return db, _dashboard(db, folder / "dashboard.html")


def test_demo_dashboard_in_the_browser(browser, demo_page, tmp_path):
    db, html = demo_page
    visit = Visit(browser, html)
    try:
        # offline and self-contained: the file itself is the only request, and nothing complained
        assert visit.requests == [visit.url]
        assert visit.dialogs == [] and visit.errors == []
        charts = visit.charts()
        assert set(charts) == CHARTS
        for name, c in charts.items():
            assert c["width"] > 300 and c["height"] > 150 and c["shapes"] > 10, (name, c)
            shot = visit.page.locator(f'svg[data-chart="{name}"]').screenshot()
            assert _colours(shot) > 8 and _ink_share(shot) > 0.02, f"chart {name} looks blank"
        # every figure on the page is the report's
        pairs = visit.figures()
        assert len(pairs) > 300
        assert check.mismatches(pairs, _reports(db)) == []
        renewal = [json.loads(p) for p, _ in pairs if json.loads(p)[0] == "renewals"]
        assert {p[-1] for p in renewal} >= {"grr_pct", "nrr_pct", "at_risk_red_arr", "at_risk_yellow_arr"}
        assert len(renewal) >= 4 * 9 + 2 * 4  # the four quarters shown and the coming two
        # a screenshot that is not blank
        png = visit.page.screenshot(full_page=True)
        (tmp_path / "dashboard.png").write_bytes(png)
        assert _colours(png) > 50 and _ink_share(png) > 0.05
        # the page's own words a manager reads first
        text = visit.page.inner_text("body")
        for title in ("Time to Value: are customers reaching each goal faster?", "EBR coverage, FY2027",
                      "Professional Services", "Health: which accounts are at risk?", "Proofs of Value",
                      "Renewals: how much recurring revenue do we keep?"):
            assert title in text
    finally:
        visit.close()


def test_phone_width_and_print(browser, demo_page):
    _db, html = demo_page
    visit = Visit(browser, html, width=390)
    try:
        page = visit.page
        # nothing wider than the phone: charts shrink, wide tables scroll inside their own box
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        for name, c in visit.charts().items():
            assert 200 < c["width"] <= 390 and c["height"] > 60, (name, c)
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('nav')).display") == "none"
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 4
    finally:
        visit.close()


def test_charts_are_read_by_people(browser, demo_page):
    """SPEC 16 in the rendered page: a flagged point is the one seen where it shares its place with an
    unflagged one, every legend entry has a mark, count axes tick at whole numbers, the current quarter is
    marked as in progress."""
    db, html = demo_page
    flagged = [r for r in json.loads(_run(db, "report", "pse", "-f", "json").stdout) if r["stale_hours"]]
    assert flagged  # the demo has a stale engagement at the very point of an in-budget one
    visit = Visit(browser, html)
    try:
        page = visit.page
        seen = page.evaluate("""() => {
            const svg = document.querySelector('svg[data-chart="pse"]');
            svg.scrollIntoView();
            const out = [];
            for (const use of svg.querySelectorAll('g[id^="PathCollection"] use')) {
                const r = use.getBoundingClientRect();
                const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
                out.push({fill: use.style.fill, top: top && top.style ? top.style.fill : null,
                          whole: r.width > 4 && r.height > 4});
            }
            const legend = [...svg.querySelectorAll('g[id^="legend"] use')]
                .filter(e => { const r = e.getBoundingClientRect(); return r.width > 2 && r.height > 2; })
                .map(e => e.style.fill);
            return {points: out, legend};
        }""")
        orange = [p for p in seen["points"] if p["fill"] in ("rgb(230, 159, 0)", "#e69f00")]
        assert orange and all(p["top"] == p["fill"] for p in orange), seen  # drawn on top, visible
        assert all(p["whole"] for p in seen["points"])
        # every legend entry has a visible mark, in its group's colour: over budget, stale, in budget
        assert sorted(seen["legend"]) == sorted({p["fill"] for p in seen["points"]}) and len(seen["legend"]) == 3
        charts = visit.charts()
        assert "(in progress)" in charts["ttv-trend"]["text"]
        assert "quarter in progress (figures may still change)" in charts["ttv-trend"]["text"]
        for name in ("onboarding", "ebr", "health"):
            ticks = page.evaluate(f"""[...document.querySelectorAll('svg[data-chart="{name}"] g[id^="{'x' if name != 'health' else 'y'}tick"] text')]
                                     .map(t => t.textContent.trim())""")
            assert ticks and all(t.replace("\u2212", "-").lstrip("-").isdigit() for t in ticks), (name, ticks)
    finally:
        visit.close()


def test_one_quarter_and_no_ebrs_shows_labelled_empty_states(browser, tmp_path):
    db = str(tmp_path / "small.db")
    for i, (engaged, value, done) in enumerate([("2026-11-05", "2026-11-20", "2026-11-23"),
                                                ("2026-11-09", None, None), (None, None, None)]):
        name = f"Small {i}"
        _run(db, "account", "add", name, "--users", "900", "--csm", "Dana Kim", "--ebr-cadence", "quarterly")
        _run(db, "onboarding", "start", name, "--date", "2026-11-02", "--purchase-date", "2026-10-30")
        if engaged:
            _run(db, "onboarding", "update", name, "--first-engaged", engaged)
        if value:
            _run(db, "onboarding", "update", name, "--first-value", value)
        if done:
            _run(db, "onboarding", "complete", name, "--date", done, "--survey-sent", "--survey-received",
                 "--score", "5")
    html = _dashboard(db, tmp_path / "small.html")
    visit = Visit(browser, html)
    try:
        assert visit.requests == [visit.url] and visit.errors == []
        sections = visit.sections()
        drawn = {k for k, s in sections.items() if s["charts"]}
        assert drawn == {"ttv-trend", "ttv-spread", "onboarding", "health"}
        for key in ("ebr", "pse", "pov", "renewals"):  # empty, and saying so in words a manager reads
            assert sections[key]["charts"] == 0 and sections[key]["empties"], key
        assert any("No EBR recorded in FY2027 yet" in e for e in sections["ebr"]["empties"])
        assert sections["pse"]["empties"] == ["No Professional Services Engagements."]
        assert "No POV closed from FY2027-Q1 to FY2027-Q4." in sections["pov"]["empties"]
        assert "No renewal closed from FY2027-Q1 to FY2027-Q4." in sections["renewals"]["empties"]
        for name, c in visit.charts().items():
            assert c["width"] > 300 and c["height"] > 150 and c["shapes"] > 10, (name, c)
        assert check.mismatches(visit.figures(), _reports(db)) == []
        assert _ink_share(visit.page.screenshot(full_page=True)) > 0.03
    finally:
        visit.close()


EVIL_ACCOUNT = "<img src=x onerror=alert(1)>"
EVIL_CSM = "<script>alert(2)</script>"
EVIL_SA = '"><svg onload=alert(3)>'
EVIL_POV = '<iframe src="http://127.0.0.1:9/pov"></iframe>'
EVIL_PSE = "</text><script>alert(4)</script>"


def _evil_store(db: str) -> None:
    from tests.test_pse import READY

    _run(db, "account", "add", EVIL_ACCOUNT, "--users", "900", "--csm", EVIL_CSM, "--sa", EVIL_SA,
         "--ebr-cadence", "quarterly")
    _run(db, "onboarding", "start", EVIL_ACCOUNT, "--date", "2026-08-03", "--purchase-date", "2026-08-01")
    _run(db, "opportunity", "add", EVIL_ACCOUNT, "--name", "Deal", "--stage", "technical-evaluation")
    _run(db, "pov", "create", EVIL_ACCOUNT, "--opportunity", "Deal", "--name", EVIL_POV, "--type", "guided")
    _run(db, "pov", "start", EVIL_POV, "--date", "2026-11-02", "--success-criteria", "<b>x</b>",
         "--planned-end", "2026-12-01")
    _run(db, "opportunity", "add", EVIL_ACCOUNT, "--name", "PS", "--stage", "closed-won", "--close-date",
         "2026-10-20", "--type", "services")
    _run(db, "pse", "create", EVIL_ACCOUNT, "--opportunity", "PS", "--name", EVIL_PSE)
    _run(db, "pse", "kickoff", EVIL_PSE, *READY)
    _run(db, "pse", "log-hours", EVIL_PSE, "50", "--date", "2026-11-20")
    _run(db, "ebr", "schedule", EVIL_ACCOUNT, "--date", "2026-12-10", "--name", '<a href="http://127.0.0.1:9/">EBR</a>')


def test_names_carrying_html_and_script_run_nothing(browser, tmp_path):
    db = str(tmp_path / "evil.db")
    _evil_store(db)
    html = _dashboard(db, tmp_path / "evil.html")
    # escaping alone must hold: the same page without its Content-Security-Policy runs nothing either
    source = html.read_text(encoding="utf-8")
    bare = tmp_path / "evil-no-csp.html"
    bare.write_text(source.split('<meta http-equiv="Content-Security-Policy"')[0]
                    + source.split('<meta http-equiv="Content-Security-Policy"', 1)[1].split(">", 1)[1],
                    encoding="utf-8")
    assert "Content-Security-Policy" not in bare.read_text()
    for path in (html, bare):
        visit = Visit(browser, path)
        try:
            page = visit.page
            assert visit.dialogs == [] and visit.requests == [visit.url], (path.name, visit.dialogs, visit.requests)
            assert page.evaluate("document.querySelectorAll('script, iframe, img, object, embed, a[href^=http]').length") == 0
            assert page.evaluate("[...document.querySelectorAll('*')].flatMap(e => [...e.attributes])"
                                 ".filter(a => a.name.startsWith('on')).length") == 0
            assert page.title() == "Customer Success dashboard, FY2027-Q4"
            text = page.inner_text("body")
            for shown in (EVIL_ACCOUNT, EVIL_CSM, EVIL_SA, EVIL_POV):
                assert shown in text, shown
            assert EVIL_PSE in visit.charts()["pse"]["text"]  # the chart names it, as text
            assert check.mismatches(visit.figures(), _reports(db)) == []
        finally:
            visit.close()


def test_the_lane_would_see_a_script_run(browser, tmp_path):
    """The checks above can fail: a page that does run a script and fetch is caught by the same Visit."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><title>t</title><img src="http://127.0.0.1:9/x.png">'
                   "<script>alert('ran')</script>", encoding="utf-8")
    visit = Visit(browser, bad)
    try:
        assert visit.dialogs == ["ran"]
        assert any(u.startswith("http://127.0.0.1:9/") for u in visit.requests)
    finally:
        visit.close()


@pytest.mark.parametrize("ci", ["true", ""])
def test_a_lane_that_cannot_start_fails_under_ci_and_never_skips_in_silence(ci, tmp_path):
    """No chromium: with CI=true the lane fails the run; elsewhere it is skipped, saying why."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {**os.environ, "CI": ci, "CSTOOL_TEST_CHROMIUM": str(tmp_path / "no-chromium")}
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                        "tests/test_browser.py::test_the_lane_would_see_a_script_run"],
                       capture_output=True, text=True, cwd=str(ROOT), env=env, timeout=300)
    if ci:
        assert r.returncode == 1 and "browser lane could not start under CI=true" in r.stdout, r.stdout[-2000:]
    else:
        assert r.returncode == 0 and "SKIPPED" in r.stdout and "browser lane not available here" in r.stdout
