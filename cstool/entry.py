"""The console-script entry point: answers `--version` before anything heavy is imported."""

from __future__ import annotations

import sys


def run() -> None:
    if sys.argv[1:] == ["--version"]:
        from cstool import __version__

        print(f"cstool {__version__}")
        return
    from cstool.cli.main import run as cli_run

    cli_run()
