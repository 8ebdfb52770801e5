"""Test hooks: a long command stopped at a named point while a test runs another process beside it.

`CSTOOL_HOLD=<point>` and `CSTOOL_HOLD_FILE=<path>`: at that point the command creates `<path>.reached`
and waits while `<path>` exists (at most a minute).  Unset, a hold point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import time


def hold_point(name: str) -> None:
    if os.environ.get("CSTOOL_HOLD") != name:
        return
    hold = os.environ.get("CSTOOL_HOLD_FILE")
    if not hold:
        return
    with open(hold + ".reached", "w"):
        pass
    deadline = time.monotonic() + 60
    while os.path.exists(hold) and time.monotonic() < deadline:
        time.sleep(0.02)
