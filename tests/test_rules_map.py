"""docs/rules.md names the function that holds each rule and the test that proves it: every name it gives exists.

A rules map that points at a function someone renamed, or a test someone deleted, misleads the next
maintainer; this keeps the map as true as the code (the way generated docs are checked in CI)."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from tests.conftest import ROOT

RULES = ROOT / "docs" / "rules.md"
LEGEND = {"module:name", "file::test"}
CODE_REF = re.compile(r"([a-z_]+(?:/[a-z_]+)*):([A-Za-z_][A-Za-z_0-9]*)(?:\.[A-Za-z_]+)?")
TEST_REF = re.compile(r"(test_[a-z0-9_]+\.py)?::([A-Za-z_][A-Za-z_0-9]*)")


@cache
def defined(path: Path) -> frozenset[str]:
    """Functions, classes and module-level names of a Python file."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return frozenset(names)


def missing_references(text: str) -> list[str]:
    """Every `module:name` and `file::test` in the text that names nothing (`::test` alone is in the last file)."""
    missing, last_file = [], None
    for ref in re.findall(r"`([^`]+)`", text):
        if ref in LEGEND:
            continue
        if m := CODE_REF.fullmatch(ref):
            path = ROOT / "cstool" / f"{m.group(1)}.py"
            if not path.is_file() or m.group(2) not in defined(path):
                missing.append(ref)
        elif m := TEST_REF.fullmatch(ref):
            last_file = m.group(1) or last_file
            path = ROOT / "tests" / last_file if last_file else None
            if path is None or not path.is_file() or m.group(2) not in defined(path):
                missing.append(f"{last_file}::{m.group(2)}")
    return missing


def test_every_function_and_test_the_rules_map_names_exists():
    assert missing_references(RULES.read_text()) == []


def test_the_check_finds_a_name_that_is_gone():
    text = "`domain/gemstones:compute` `domain/gemstones:no_such_rule` `test_layers.py::no_such_test`"
    assert missing_references(text) == ["domain/gemstones:no_such_rule", "test_layers.py::no_such_test"]
