"""A real `cstool` process that starts a command at a signal, so several can race to the same instant.

    python -m tests.racer GO_FILE ARG...

It loads the CLI, the command's module and the services first (what every cstool process does anyway,
only earlier), marks itself ready (GO_FILE.<pid>), waits for GO_FILE to appear and then runs
`cstool ARG...` exactly as the console script would, exit code included.  Python start-up takes a
few hundred milliseconds on a busy 2-core machine; without this the processes would not overlap.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import time


def main() -> None:
    go, args = sys.argv[1], sys.argv[2:]
    import cstool.services
    from cstool.cli import main as cli_main

    for info in pkgutil.iter_modules(cstool.services.__path__):
        importlib.import_module(f"cstool.services.{info.name}")
    importlib.import_module("cstool.storage.store")
    group = next((a for a in args if a in cli_main.LAZY), None)
    if group:
        cli_main._load(group)
    open(f"{go}.{os.getpid()}", "w").close()
    deadline = time.monotonic() + 120
    while not os.path.exists(go):
        if time.monotonic() > deadline:
            sys.exit(99)
        time.sleep(0.001)
    sys.argv = ["cstool", *args]
    cli_main.run()


if __name__ == "__main__":
    main()
