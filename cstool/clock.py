"""Today's date and the current instant.

``CSTOOL_TODAY=YYYY-MM-DD`` pins "today" (for tests, and for back-dating a
script's run); the instant stays real.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone


def today() -> date:
    pinned = os.environ.get("CSTOOL_TODAY")
    if pinned:
        return date.fromisoformat(pinned)
    return date.today()


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)
