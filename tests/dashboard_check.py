"""Checking the dashboard against the reports, figure by figure (used by the static and the browser tests).

Each figure cell of the page carries ``data-figure``: a JSON path into the output of the matching
``cstool report ... -f json``.  The path's steps are keys, or selectors (objects) that pick list items
whose fields equal the selector's (``"*"``: the field is not empty; ``"#ebr_state"``: the account's
standing against its EBR target, computed here independently of cstool), and a final ``"#count"``
counts the items picked.  The text shown must be the value as JSON writes it.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

NONE = "–"


def reports_via(run_json, *, quarter: str, quarters: int, fy: int) -> dict:
    """The reports the page must agree with; `run_json(*args)` runs cstool and returns its JSON."""
    ttv = run_json("report", "ttv", "--quarter", quarter, "--quarters", str(quarters))
    ttv = ttv if isinstance(ttv, list) else [ttv]
    povs = {}
    for r in ttv:
        povs[r["quarter"]] = run_json("report", "pov", "--quarter", r["quarter"])
    renewals = {}
    for args in (("--quarter", quarter, "--quarters", str(quarters)), ("--quarter", "next", "--quarters", "2")):
        got = run_json("report", "renewals", *args)
        for r in got if isinstance(got, list) else [got]:
            renewals[r["quarter"]] = r
    return {
        "renewals": renewals,
        "ttv": ttv,
        "onboarding": run_json("report", "onboarding"),
        "ebr": run_json("report", "ebr", "--fy", str(fy)),
        "pse": run_json("report", "pse"),
        "health": run_json("report", "health"),
        "pov": povs,
    }


def _ebr_state(row: dict) -> str:
    if row["held"] >= row["target"]:
        return "met"
    if row["held"] + row["upcoming"] >= row["target"]:
        return "booked"
    return "behind" if row["held"] + row["upcoming"] > 0 else "none"


def _matches(item: dict, selector: dict) -> bool:
    for key, want in selector.items():
        if key == "#ebr_state":
            if not item["target"] or _ebr_state(item) != want:
                return False
        elif want == "*":
            if not item[key]:
                return False
        elif item[key] != want:
            return False
    return True


def resolve(reports: dict, path: list):
    node = reports
    for i, step in enumerate(path):
        if step == "#count":
            return len(node)
        if isinstance(step, dict):
            picked = [x for x in node if _matches(x, step)]
            if i + 1 < len(path) and path[i + 1] == "#count":
                node = picked
                continue
            assert len(picked) == 1, f"{path}: selector {step} picks {len(picked)} items"
            node = picked[0]
        else:
            node = node[step]
    return node


def as_text(value) -> str:
    if value is None:
        return NONE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, list):
        return ", ".join(as_text(v) for v in value) or NONE
    return str(value)


def mismatches(pairs: list[tuple[str, str]], reports: dict) -> list[str]:
    """(data-figure, text shown) pairs that differ from the reports."""
    out = []
    for raw, shown in pairs:
        path = json.loads(raw)
        want = as_text(resolve(reports, path))
        if shown.strip() != want:
            out.append(f"{path}: page shows {shown.strip()!r}, report says {want!r}")
    return out


class FigureCells(HTMLParser):
    """Collects (data-figure, text) from an HTML page without a browser, plus charts and empty labels."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pairs: list[tuple[str, str]] = []
        self.charts: list[str] = []
        self.empties: int = 0
        self.tags: set[str] = set()
        self._open: list[list] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        if tag == "svg" and "data-chart" in a:
            self.charts.append(a["data-chart"])
        if "data-empty" in a:
            self.empties += 1
        if "data-figure" in a:
            self._open.append([a["data-figure"], ""])

    def handle_data(self, data):
        for entry in self._open:
            entry[1] += data

    def handle_endtag(self, tag):
        if tag == "td" and self._open:
            self.pairs.append(tuple(self._open.pop()))


def parse(html: str) -> FigureCells:
    p = FigureCells()
    p.feed(html)
    return p
