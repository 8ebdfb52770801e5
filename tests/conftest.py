"""Fixtures: a store on each engine, and the real CLI to drive it.

Every test that takes the ``store`` fixture (directly or through ``cli``)
runs twice: on a SQLite file and on a database of a throwaway PostgreSQL
server.  With CI=true a PostgreSQL lane that cannot start fails the run.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.pgserver import PgServer

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-24"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
_counter = itertools.count()

# Hypothesis profiles, registered once for every property test.  `dev` (the default) draws new random examples
# each run and remembers failures in .hypothesis/; `ci` (selected by CI=true) is derandomised, so CI runs the
# same examples every time.  CSTOOL_HYPOTHESIS_EXAMPLES sets the number of examples (120), CSTOOL_STRESS=1
# turns CI's fixed seed off for a random sweep, HYPOTHESIS_PROFILE picks a profile by name.  A test keeps its
# own @settings only for what differs from the profile (fewer examples for a slow body).
_PROFILE = dict(max_examples=int(os.environ.get("CSTOOL_HYPOTHESIS_EXAMPLES", "120")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.register_profile("dev", **_PROFILE)
settings.register_profile("ci", **_PROFILE, derandomize=True, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                      or ("ci" if IN_CI and os.environ.get("CSTOOL_STRESS") != "1" else "dev"))


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path_factory):
    """No test touches the real user data folder or inherits a store from the shell."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.delenv("CSTOOL_DB", raising=False)
    monkeypatch.setenv("CSTOOL_USER", "tester")
    monkeypatch.setenv("CSTOOL_TODAY", TODAY)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")


def lane_unavailable(lane: str, exc: BaseException) -> None:
    """A test lane that cannot start: it fails the run under CI=true and is skipped, with the reason, elsewhere."""
    if IN_CI:
        pytest.fail(f"{lane} lane could not start under CI=true: {exc}", pytrace=False)
    pytest.skip(f"{lane} lane not available here: {exc}")


@pytest.fixture(scope="session")
def pg_server():
    if os.environ.get("CSTOOL_TEST_DATABASE_URL"):
        yield None
        return
    try:
        server = PgServer().start()
    except Exception as exc:  # noqa: BLE001
        lane_unavailable("PostgreSQL", exc)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_template(pg_server):
    """A database at the newest schema that each test's database is copied from."""
    from typer.testing import CliRunner

    from cstool.cli.main import app

    if pg_server is None:
        return None
    url = pg_server.create_database("cstool_template")
    result = CliRunner().invoke(app, ["--db", url, "db", "init"])
    assert result.exit_code == 0, result.output
    return "cstool_template"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    from typer.testing import CliRunner

    from cstool.cli.main import app

    path = tmp_path_factory.mktemp("template") / "template.db"
    result = CliRunner().invoke(app, ["--db", str(path), "db", "init"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> str:
    """A ready store at head: a SQLite file path, or a PostgreSQL URL."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        target = tmp_path / "cstool.db"
        shutil.copyfile(template, target)
        os.chmod(target, 0o600)
        return str(target)
    external = os.environ.get("CSTOOL_TEST_DATABASE_URL")
    if external:
        return _fresh_external(external)
    server = request.getfixturevalue("pg_server")
    template = request.getfixturevalue("pg_template")
    return server.create_database(f"t{os.getpid()}_{next(_counter)}", template=template)


def _fresh_external(url: str) -> str:
    """With CSTOOL_TEST_DATABASE_URL, each test gets an emptied schema of that database."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return url


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        import json

        return json.loads(self.stdout)


class Cli:
    """The real CLI, in process (Typer's CliRunner), against one store."""

    def __init__(self, store: str | None) -> None:
        from typer.testing import CliRunner

        self.store = store
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, env: dict | None = None, db: bool = True) -> Result:
        from cstool.cli.main import app

        argv = (["--db", self.store] if db and self.store else []) + [str(a) for a in args]
        r = self.runner.invoke(app, argv, input=input, env=env, catch_exceptions=False)
        return Result(r.exit_code, r.stdout, r.stderr)

    def ok(self, *args: str, **kw) -> Result:
        r = self(*args, **kw)
        assert r.exit_code == 0, f"cstool {' '.join(args)} -> {r.exit_code}\n{r.stdout}\n{r.stderr}"
        return r

    def json(self, *args: str, **kw):
        return self.ok(*args, "-f", "json", **kw).json()


@pytest.fixture
def cli(store) -> Cli:
    return Cli(store)


@pytest.fixture
def bare_cli() -> Cli:
    """The CLI with no --db (tests give their own)."""
    return Cli(None)


def run_cstool(*args: str, env: dict | None = None, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    """A real `cstool` process (python -m cstool), for start-up, concurrency and kill tests."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "cstool", *args], capture_output=True, text=True, env=full_env, timeout=timeout,
        cwd=str(ROOT), **kw
    )


@pytest.fixture
def other_store(request, store, tmp_path) -> str:
    """A second, empty store on the same engine as `store` (SQLite: a new file; PostgreSQL: a new database)."""
    if not store.startswith("postgresql"):
        return str(tmp_path / "other.db")
    server = request.getfixturevalue("pg_server")
    if server is None:
        pytest.skip("a second database needs the throwaway server (CSTOOL_TEST_DATABASE_URL gives one database)")
    return server.create_database(f"o{os.getpid()}_{next(_counter)}", template=request.getfixturevalue("pg_template"))


def copy_sqlite(source: str | Path, target: str | Path) -> str:
    """A consistent copy of a SQLite store (the backup API: the -wal file's pages included), mode 0600."""
    Path(target).unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    os.chmod(target, 0o600)
    return str(target)


@pytest.fixture
def store_copy(request, store, tmp_path):
    """`with store_copy() as url:` a new store on the same engine holding exactly what `store` holds now,
    removed afterwards: each Hypothesis example gets its own store, never one shared with the others."""

    @contextmanager
    def copy():
        n = next(_counter)
        if not store.startswith("postgresql"):
            target = tmp_path / f"example-{n}.db"
            try:
                yield copy_sqlite(store, target)
            finally:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{target}{suffix}").unlink(missing_ok=True)
            return
        server = request.getfixturevalue("pg_server")
        if server is None:
            pytest.skip("a copy needs the throwaway server (CSTOOL_TEST_DATABASE_URL gives one database)")
        name = f"x{os.getpid()}_{n}"
        url = server.create_database(name, template=store.rsplit("/", 1)[1])
        try:
            yield url
        finally:
            with server.admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return copy


def acme_example_store(bare_cli, tmp: Path) -> str:
    """A fresh store for one Hypothesis example (mail and calendar fuzzing): a copy of a base store holding one
    account, Acme with domain acme.com, built once per folder and copied anew for each example."""
    tmp.mkdir(exist_ok=True)
    base = tmp / "base.db"
    if not base.exists():
        bare_cli.ok("--db", str(base), "account", "add", "Acme", "--domain", "acme.com")
    return copy_sqlite(base, tmp / "example.db")
