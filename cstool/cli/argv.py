"""Rewriting argv before Click parses it (kept tiny: it runs on every call)."""

from __future__ import annotations

# Options whose value may be left out: `report ttv --quarter` means the current quarter.
OPTIONAL_VALUES = {("report", "ttv"): {"--quarter": "current"}, ("task", "list"): {"--due": "today"}}


def expand_optional_values(args: list[str]) -> list[str]:
    """Give a bare optional-value option its default: `--quarter` -> `--quarter=current`."""
    for (group, command), options in OPTIONAL_VALUES.items():
        for i in range(len(args) - 1):
            if args[i] == group and args[i + 1] == command:
                out = list(args[: i + 2])
                rest = args[i + 2 :]
                for j, token in enumerate(rest):
                    following = rest[j + 1] if j + 1 < len(rest) else None
                    if token in options and (following is None or following.startswith("-")):
                        out.append(f"{token}={options[token]}")
                    else:
                        out.append(token)
                return out
    return args
