"""The one writer of output files: whole or absent (SPEC section 10).

Every file cstool writes (`export --all`, `db backup` and the pre-migration backup, `dashboard -o`,
`--chart`, demo samples) goes to a temporary name in the target's folder (created 0600), is flushed and
fsynced, and only then renamed into place, so a reader, a restore or a backup pruner never sees half a
file, and a command killed mid-write leaves only a dot-file that counts as nothing.  A target that exists
and is not a regular file (a pipe, a device, a folder) is refused; a symbolic link is written through to
its file, and one that points nowhere is refused.  `-` (stdout) is the caller's to handle.

Light on purpose (no SQLAlchemy): `dashboard` and `export` load it.  Tests reach the middle of a write
through the fault hook: ``CSTOOL_FAULT=kill:<point>`` kills the process there (SIGKILL, as `kill -9`).
"""

from __future__ import annotations

import os
import signal
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from cstool.errors import Conflict, CstoolError, InvalidValue

FAULT_ENV = "CSTOOL_FAULT"
TEMP_SUFFIX = ".tmp"


def fault_point(name: str) -> None:
    """Tests set CSTOOL_FAULT=kill:<name> to kill this process at that point, as `kill -9` would."""
    wanted = os.environ.get(FAULT_ENV, "")
    if wanted.startswith("kill:") and name.startswith(wanted[5:]):  # a prefix: backups carry a time stamp
        os.kill(os.getpid(), signal.SIGKILL)


def output_target(target: str | Path, *, field: str) -> Path:
    """Where a file named `target` will really be written; refuses what must not be replaced."""
    path = Path(target)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise InvalidValue(field, str(target), f"it cannot be examined ({error.strerror or error})") from None
    if info is not None and stat.S_ISLNK(info.st_mode):
        real = Path(os.path.realpath(path))
        if not real.exists():
            raise InvalidValue(field, str(target), f"it is a symbolic link to {real}, which does not exist; "
                                                    "give a file name, or remove the link")
        path, info = real, os.stat(real)
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise InvalidValue(field, str(target), "it is a folder; give a file name")
        if not stat.S_ISREG(info.st_mode):
            raise InvalidValue(field, str(target), "it is not a regular file (a pipe, a device or a socket); "
                                                    "give a file name, or - for stdout")
    if not path.parent.is_dir():
        raise InvalidValue(field, str(target), f"the folder {path.parent} does not exist")
    return path


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _publish(temp: Path, target: Path, *, overwrite: bool, field: str) -> None:
    """Move a complete temporary file into place: replacing, or never clobbering (a hard link fails if the
    name is taken, which no check-then-rename can promise)."""
    if overwrite:
        os.replace(temp, target)
    else:
        try:
            os.link(temp, target)
        except FileExistsError:
            raise Conflict(f"{field}: {target} already exists; choose another path. Nothing was written.") from None
        except OSError:  # a file system without hard links: the check, then the rename
            if os.path.lexists(target):
                raise Conflict(f"{field}: {target} already exists; choose another path. Nothing was written.") from None
            os.replace(temp, target)
        else:
            os.unlink(temp)
    _sync_folder(target.parent)


@contextmanager
def temporary_path(target: str | Path, *, field: str, overwrite: bool = True) -> Iterator[Path]:
    """A 0600 temporary file beside `target` for a writer that needs a path (SQLite's backup); renamed into
    place when the block ends without an error, removed otherwise."""
    final = output_target(target, field=field)
    if not overwrite and os.path.lexists(final):
        raise Conflict(f"{field}: {final} already exists; choose another path. Nothing was written.")
    try:
        fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=TEMP_SUFFIX)
    except OSError as error:
        raise CstoolError(f"{field}: cannot write in {final.parent}: {error.strerror or error}") from None
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        with open(temp, "rb+") as fh:
            os.fsync(fh.fileno())
        fault_point(f"before-rename:{final.name}")
        _publish(temp, final, overwrite=overwrite, field=field)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


@contextmanager
def replacing(target: str | Path, *, field: str, overwrite: bool = True, text: bool = False) -> Iterator[IO]:
    """A file object on a temporary name beside `target`; on a clean exit it is fsynced and renamed into
    place (replacing, or with overwrite=False refusing a taken name), else removed."""
    with temporary_path(target, field=field, overwrite=overwrite) as temp:
        try:
            out = open(temp, "w", newline="", encoding="utf-8") if text else open(temp, "wb")
        except OSError as error:
            raise CstoolError(f"{field}: cannot write {target}: {error.strerror or error}") from None
        with out:
            yield out
            out.flush()
            os.fsync(out.fileno())


def write_file(target: str | Path, payload: bytes, *, field: str = "file") -> int:
    """Replace `target` with `payload` in one step; returns the bytes written."""
    try:
        with replacing(target, field=field) as out:
            out.write(payload)
    except OSError as error:
        raise CstoolError(f"{field}: cannot write {target}: {error.strerror or error}") from None
    return len(payload)
