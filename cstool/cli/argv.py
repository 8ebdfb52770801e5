"""Rewriting argv before Click parses it (kept tiny: it runs on every call)."""

from __future__ import annotations

# Options whose value may be left out: `report ttv --quarter` means the current quarter.
OPTIONAL_VALUES = {("report", "ttv"): {"--quarter": "current"}, ("report", "pov"): {"--quarter": "current"},
                   ("report", "plans"): {"--quarter": "current"}, ("report", "renewals"): {"--quarter": "current"},
                   ("task", "list"): {"--due": "today"}, ("dashboard",): {"--quarter": "current"}}


def expand_optional_values(args: list[str]) -> list[str]:
    """Give a bare optional-value option its default: `--quarter` -> `--quarter=current`."""
    for words, options in OPTIONAL_VALUES.items():
        n = len(words)
        for i in range(len(args) - n + 1):
            if tuple(args[i : i + n]) == words:
                out = list(args[: i + n])
                rest = args[i + n :]
                for j, token in enumerate(rest):
                    following = rest[j + 1] if j + 1 < len(rest) else None
                    if token in options and (following is None or following.startswith("-")):
                        out.append(f"{token}={options[token]}")
                    else:
                        out.append(token)
                return out
    return args


# The root's options that people also type after the command (`cstool account update X --actor alice`).
GLOBAL_WITH_VALUE = ("--db", "--actor")
GLOBAL_FLAGS = ("--debug",)


def hoist_global_options(args: list[str]) -> list[str]:
    """Move `--db X`, `--actor X` (or `--db=X`) and `--debug` found after the command to the front.

    Everything before the command stays where it is; `--` ends the scan (what follows is data)."""
    i = 0
    while i < len(args) and args[i].startswith("-"):  # the root's own options, before the command
        i += 2 if args[i] in GLOBAL_WITH_VALUE else 1
    head, rest = list(args[:i]), args[i:]
    moved, kept = [], []
    j = 0
    while j < len(rest):
        token = rest[j]
        if token == "--":
            kept += rest[j:]
            break
        if token in GLOBAL_WITH_VALUE and j + 1 < len(rest):
            moved += [token, rest[j + 1]]
            j += 2
            continue
        if token in GLOBAL_FLAGS or token.split("=", 1)[0] in GLOBAL_WITH_VALUE and "=" in token:
            moved.append(token)
        else:
            kept.append(token)
        j += 1
    return head + moved + kept if moved else args
