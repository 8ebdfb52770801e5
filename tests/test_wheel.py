"""The installed package (not editable) carries its migrations and works from a clean venv."""

from __future__ import annotations

import os
import subprocess
import sys
import venv

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_wheel_installs_into_clean_venv_and_inits_a_store(tmp_path):
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = dist.glob("cstool-*.whl")
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert "cstool/_migrations/env.py" in names
    assert any(n.startswith("cstool/_migrations/versions/0001_") for n in names)

    env_dir = tmp_path / "clean"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    pip = env_dir / "bin" / "pip"
    install = subprocess.run([str(pip), "install", "-q", str(wheel)], capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr[-2000:]
    db = tmp_path / "store dir" / "w.db"
    db.parent.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CSTOOL_DB")}
    cstool = env_dir / "bin" / "cstool"
    init = subprocess.run([str(cstool), "--db", str(db), "db", "init"], capture_output=True, text=True, env=env,
                          cwd=str(tmp_path))
    assert init.returncode == 0, init.stderr
    assert oct(os.stat(db).st_mode & 0o777) == "0o600"
    info = subprocess.run([str(cstool), "--db", str(db), "db", "info", "-f", "json"], capture_output=True, text=True,
                          env=env, cwd=str(tmp_path))
    import json

    from cstool.storage.schema import HEAD

    assert json.loads(info.stdout)["revision"] == HEAD
    # the drawing commands work from the installed package (their dependency came with it)
    page = subprocess.run([str(cstool), "--db", str(db), "dashboard", "-o", "page.html"], capture_output=True,
                          text=True, env=env, cwd=str(tmp_path))
    assert page.returncode == 0, page.stderr
    assert (tmp_path / "page.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    # the installed copy, not the source tree, was used
    where = subprocess.run([str(env_dir / "bin" / "python"), "-c", "import cstool; print(cstool.__file__)"],
                           capture_output=True, text=True, cwd=str(tmp_path))
    assert str(env_dir) in where.stdout
