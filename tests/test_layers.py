"""Layers point one way: cli -> queries | services -> domain, storage (README, "How it is built").

The test reads every module of the package with `ast` and collects every import, at module level and
inside functions (a function-level import is still an arrow; it only hides it).  An arrow is refused
when it points up or sideways against the order:

    presentation (cli/, render, dashboard, charts, entry)  may import everything below it
    services                                               may import queries, domain, storage
    queries                                                may import domain, storage; never services
    domain                                                 imports no other layer, and no typer, rich,
                                                           sqlalchemy, sqlmodel, pydantic, alembic, psycopg
    storage                                                imports no cli, services or queries

`cstool`, `cstool.clock` and `cstool.errors` are the base every layer may import (they import nothing).

KNOWN_DEBT lists the arrows against the order that the tree has today, exact module pairs, each to be
removed when the code moves (issue 23).  The test fails on an arrow that is not listed, and fails on a
listed arrow that no longer exists, so the list only shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "cstool"

PRESENTATION = {"cli", "render", "dashboard", "charts", "entry", "__main__"}
BASE = {"clock", "errors"}
ALLOWED = {
    "cli": {"cli", "queries", "services", "domain", "storage", "base"},
    "services": {"services", "queries", "domain", "storage", "base"},
    "queries": {"queries", "domain", "storage", "base"},
    "domain": {"domain", "base"},
    "storage": {"storage", "domain", "base"},
    "base": {"base"},
}
DOMAIN_MAY_NOT_USE = {"typer", "click", "rich", "sqlalchemy", "sqlmodel", "pydantic", "alembic", "psycopg"}

# Arrows against the order in today's tree (importer, imported).  Each is a read helper that lives on the
# write side (lookups, record builders, settings reads) and is to move to the read side after the current
# branches are merged (issue 23).  Remove an entry when its import goes; never add one.
KNOWN_DEBT = {
    # queries -> services.lookup (account/record lookups used by reads)
    ("cstool.queries.accounts", "cstool.services.lookup"),
    ("cstool.queries.crm", "cstool.services.lookup"),
    ("cstool.queries.ebr", "cstool.services.lookup"),
    ("cstool.queries.health", "cstool.services.lookup"),
    ("cstool.queries.onboarding", "cstool.services.lookup"),
    ("cstool.queries.plans", "cstool.services.lookup"),
    ("cstool.queries.pov", "cstool.services.lookup"),
    ("cstool.queries.pse", "cstool.services.lookup"),
    ("cstool.queries.tasks", "cstool.services.lookup"),
    ("cstool.queries.timeline", "cstool.services.lookup"),
    # queries -> services.records (the record builders every command prints)
    ("cstool.queries.accounts", "cstool.services.records"),
    ("cstool.queries.crm", "cstool.services.records"),
    ("cstool.queries.ebr", "cstool.services.records"),
    ("cstool.queries.health", "cstool.services.records"),
    ("cstool.queries.onboarding", "cstool.services.records"),
    ("cstool.queries.plans", "cstool.services.records"),
    ("cstool.queries.pov", "cstool.services.records"),
    ("cstool.queries.pse", "cstool.services.records"),
    ("cstool.queries.renewals", "cstool.services.records"),
    ("cstool.queries.reports", "cstool.services.records"),
    ("cstool.queries.tasks", "cstool.services.records"),
    ("cstool.queries.timeline", "cstool.services.records"),
    # queries -> services.settings (reading a setting)
    ("cstool.queries.dashboard", "cstool.services.settings"),
    ("cstool.queries.ebr", "cstool.services.settings"),
    ("cstool.queries.health", "cstool.services.settings"),
    ("cstool.queries.plans", "cstool.services.settings"),
    ("cstool.queries.reports", "cstool.services.settings"),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports_of(path: Path, source: str | None = None) -> set[str]:
    """Every module the file imports, anywhere in it (relative imports resolved; `from pkg import mod` is mod)."""
    me = module_name(path)
    package = me.split(".") if path.name == "__init__.py" else me.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source if source is not None else path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            submodules = [f"{target}.{a.name}" for a in node.names if _is_module(f"{target}.{a.name}")]
            found.update(submodules)
            if len(submodules) < len(node.names):
                found.add(target)
    return found


def layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "cstool":
        return None
    if len(parts) == 1 or parts[1] in BASE:
        return "base"
    if parts[1] in PRESENTATION:
        return "cli"
    return parts[1]


def violations(files: dict[Path, str | None]) -> set[tuple[str, str]]:
    """(importer, imported) pairs against the order, for the given files (source None: read the file)."""
    found = set()
    for path, source in files.items():
        me = module_name(path)
        mine = layer(me)
        for target in imports_of(path, source):
            theirs = layer(target)
            if theirs is None:
                if mine == "domain" and target.split(".")[0] in DOMAIN_MAY_NOT_USE:
                    found.add((me, target))
                continue
            if theirs not in ALLOWED[mine]:
                found.add((me, target))
    return found


def package_files() -> dict[Path, str | None]:
    return {path: None for path in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_has_a_layer():
    for path in package_files():
        assert layer(module_name(path)) in ALLOWED, path


def test_no_new_arrow_against_the_layers():
    new = violations(package_files()) - KNOWN_DEBT
    assert not new, "imports against cli -> queries | services -> domain, storage:\n" + "\n".join(
        f"  {a} imports {b}" for a, b in sorted(new))


def test_the_known_debt_only_shrinks():
    gone = KNOWN_DEBT - violations(package_files())
    assert not gone, "remove these KNOWN_DEBT entries, the imports are gone:\n" + "\n".join(
        f"  {a} -> {b}" for a, b in sorted(gone))


def test_the_walk_sees_function_level_and_relative_imports():
    """The checker itself: a hidden upward import inside a function, or spelled relatively, is caught."""
    fake = PACKAGE / "domain" / "fake_rule.py"
    source = "def f():\n    from cstool.services import lookup\n    from ..queries.ebr import ebr_row\n    import rich\n"
    assert violations({fake: source}) == {("cstool.domain.fake_rule", "cstool.services.lookup"),
                                          ("cstool.domain.fake_rule", "cstool.queries.ebr"),
                                          ("cstool.domain.fake_rule", "rich")}
    query = PACKAGE / "queries" / "fake_read.py"
    assert violations({query: "import cstool.services.pse as p\n"}) == {("cstool.queries.fake_read", "cstool.services.pse")}
    assert violations({PACKAGE / "services" / "fake.py": "from cstool.queries import ebr\n"}) == set()
