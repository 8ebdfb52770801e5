"""A throwaway PostgreSQL cluster for the test suite.

Started once per session in a temp dir on a free loopback port with the
Debian `postgresql` server binaries (as root, the server runs as the
`postgres` user through `runuser`), stopped at the end.  Durability is
switched off: it is a test server.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time


def find_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self) -> None:
        self.initdb = find_bin("initdb")
        self.pg_ctl = find_bin("pg_ctl")
        if not self.initdb or not self.pg_ctl:
            raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found; apt-get install -y postgresql")
        self.as_root = os.geteuid() == 0
        self.dir = tempfile.mkdtemp(prefix="cstool-pg-")
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self.user = "postgres" if self.as_root else os.environ.get("USER", "postgres")

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    def start(self) -> "PgServer":
        if self.as_root:
            shutil.chown(self.dir, user="postgres", group="postgres")
        os.chmod(self.dir, 0o755)
        out = self._run(self.initdb, "-D", self.data, "-A", "trust", "-U", self.user, "--no-sync", "-E", "UTF8",
                        "--locale=C")
        if out.returncode:
            raise RuntimeError(f"initdb failed: {out.stderr[-2000:]}")
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        out = self._run(self.pg_ctl, "-D", self.data, "-o", options, "-l", os.path.join(self.dir, "log"), "-w",
                        "-t", "60", "start")
        if out.returncode:
            log = ""
            try:
                log = open(os.path.join(self.dir, "log")).read()[-2000:]
            except OSError:
                pass
            raise RuntimeError(f"pg_ctl start failed: {out.stderr[-1000:]} {log}")
        return self

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def admin(self):
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user=self.user, dbname="postgres", autocommit=True)

    def create_database(self, name: str, template: str | None = None) -> str:
        with self.admin() as conn:
            tmpl = f" TEMPLATE {template}" if template else ""
            for attempt in range(20):
                try:
                    conn.execute(f'CREATE DATABASE "{name}"{tmpl}')
                    break
                except Exception as exc:  # the template can be briefly busy
                    if "being accessed by other users" not in str(exc) or attempt == 19:
                        raise
                    time.sleep(0.1)
        return self.url(name)

    def stop(self) -> None:
        self._run(self.pg_ctl, "-D", self.data, "-m", "immediate", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)
