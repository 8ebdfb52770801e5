"""Hypothesis throws odd values at every option of the commands: never a traceback, only documented exit codes,
and the store still passes its checks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import Cli
from tests.state import store_state

EXIT_CODES = {0, 1, 2, 3, 4, 5}

NASTY = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=5000),
    st.sampled_from(["", " ", "'", '"', "x'); DROP TABLE account;--", "%s", "{}", "\\", "\n", "\t", "NaN", "inf",
                     "-1", "0", "1e999", "99999999999999999999", "2026-02-30", "01/02/2026", "+99999d", "today",
                     "FY2027-Q5", "#a_x-internal", "ultimate", "☃", "Zoë", "-", "--", "--help", "null"]),
    st.integers(min_value=-10**12, max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(lambda d: d.isoformat()),
)

TEMPLATES = [
    ["account", "add", "{v}"],
    ["account", "add", "Probe {i}", "--users", "{v}"],
    ["account", "add", "Probe {i}", "--iacv", "{v}"],
    ["account", "update", "Base", "--segment", "{v}"],
    ["account", "update", "Base", "--plan", "{v}"],
    ["account", "update", "Base", "--slack", "{v}"],
    ["account", "update", "Base", "--health", "{v}"],
    ["account", "update", "Base", "--cs-project", "{v}"],
    ["account", "update", "Base", "--name", "{v}"],
    ["account", "show", "{v}"],
    ["account", "list", "--gemstone", "{v}"],
    ["contact", "add", "Base", "{v}", "--email", "{v}"],
    ["contact", "update", "{v}", "--phone", "{v}"],
    ["opportunity", "add", "Base", "--name", "{v}", "--close-date", "{v}"],
    ["opportunity", "add", "Base", "--name", "Opp {i}", "--amount", "{v}", "--stage", "{v}"],
    ["gemstone", "calc", "--users", "{v}", "--iacv", "{v}", "--plan", "{v}"],
    ["onboarding", "start", "{v}"],
    ["onboarding", "update", "Base", "--first-value", "{v}"],
    ["onboarding", "update", "Base", "--date", "{v}", "--notes", "{v}"],
    ["onboarding", "usage", "Base", "--licenses", "{v}", "--active", "{v}"],
    ["onboarding", "hold", "Base", "--reason", "{v}", "--cause", "{v}"],
    ["onboarding", "complete", "Base", "--survey-sent", "--survey-received", "--score", "{v}", "--date", "{v}"],
    ["activity", "log", "Base", "--type", "{v}", "--subject", "{v}", "--date", "{v}"],
    ["task", "add", "Base", "{v}", "--due", "{v}"],
    ["task", "list", "--due", "{v}"],
    ["task", "done", "{v}"],
    ["ebr", "schedule", "Base", "--date", "{v}", "--name", "{v}"],
    ["ebr", "complete", "{v}", "--outcome", "{v}"],
    ["ebr", "list", "--fy", "{v}"],
    ["pse", "create", "Base", "--opportunity", "Base deal", "--name", "{v}", "--scoped-hours", "{v}"],
    ["pse", "log-hours", "Base work", "--", "{v}"],
    ["pse", "update", "Base work", "--percent", "{v}", "--expected-start", "{v}"],
    ["report", "ttv", "--quarter", "{v}"],
    ["report", "ttv", "--quarters", "{v}", "--by", "{v}"],
    ["report", "engagement", "--days", "{v}"],
    ["report", "ebr", "--fy", "{v}"],
    ["config", "set", "{v}", "{v}"],
    ["config", "set", "fiscal-year-start", "{v}"],
    ["history", "{v}"],
    ["export", "{v}"],
]


def _base(cli) -> None:
    cli.ok("account", "add", "Base", "--csm", "Ann")
    cli.ok("opportunity", "add", "Base", "--name", "Base deal", "--stage", "closed-won", "--close-date", "2026-10-01")
    cli.ok("onboarding", "start", "Base", "--date", "2026-10-05")
    cli.ok("pse", "create", "Base", "--opportunity", "Base deal", "--name", "Base work")


def _odd_value(cli, template, value, i) -> None:
    argv = [part.replace("{v}", value).replace("{i}", str(i)) for part in template]
    before = store_state(cli.store)
    r = cli(*argv)
    assert r.exit_code in EXIT_CODES, (argv, r.exit_code)
    text = r.stdout + r.stderr
    assert "Traceback" not in text and "internal error" not in text, (argv, text[-800:])
    if r.exit_code != 0:
        assert r.stderr.strip(), argv  # a refusal always says why
        assert store_state(cli.store) == before, argv  # ... and changes nothing


@pytest.mark.slow
@given(template=st.sampled_from(TEMPLATES), value=NASTY, i=st.integers(0, 10**6))
def test_odd_values_never_crash(cli, store_copy, template, value, i):
    """Each example runs on its own copy of the based store, so no example sees another's writes."""
    if not getattr(cli, "_based", False):
        _base(cli)
        cli._based = True
    with store_copy() as db:
        _odd_value(Cli(db), template, value, i)


BARRAGE = ["", "x'); DROP TABLE account;--", "99999999999999999999", "2026-02-30", "x" * 5000]


@pytest.mark.slow
def test_store_still_passes_its_checks_after_the_barrage(cli):
    """The other way round: every template with every odd value, one after another in one store, then its checks."""
    _base(cli)
    for i, template in enumerate(TEMPLATES):
        for value in BARRAGE:
            _odd_value(cli, template, value, i)
    assert all(c["ok"] for c in cli.json("db", "check"))
    r = cli("check")
    assert r.exit_code in (0, 1) and "Traceback" not in r.stderr
