"""The exit codes and the one error hierarchy every layer raises.

Domain and storage code raise these; the CLI's single handler prints the
message on stderr and exits with the code.  Nothing here imports a heavy
library, so the CLI can import it at start-up.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    REFUSED = 1  # refused by a rule, or an invalid value
    USAGE = 2  # unknown option, missing argument (Click's own code)
    NOT_FOUND = 3
    CONFLICT = 4  # already exists, or the record's state does not allow it
    STORAGE = 5  # locked past the timeout, schema newer than the code, corrupt file


EXIT_CODE_HELP = (
    "Exit codes: 0 success; 1 refused by a rule or invalid value; 2 usage error; "
    "3 record not found; 4 conflict (already exists, state does not allow it); "
    "5 storage problem (locked, schema newer than the code, not a database)."
)


ECHO_LIMIT = 80  # characters of a value a message repeats back (SPEC 10, bounded work)


def clip(text: object, limit: int = ECHO_LIMIT) -> str:
    """Text as a message may repeat it: at most `limit` characters, "..." marking a cut."""
    text = str(text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def echo(value: object) -> str:
    """A value a message repeats back: quoted when it is text, cut to 80 characters (one helper for all)."""
    return repr(clip(value)) if isinstance(value, str) else clip(value)


class CstoolError(Exception):
    """Base of every error the CLI turns into a message and an exit code."""

    exit_code: ExitCode = ExitCode.REFUSED

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InvalidValue(CstoolError):
    """A value that is not accepted: names the field, the value and what is accepted."""

    exit_code = ExitCode.REFUSED

    def __init__(self, field: str, value: object, accepted: str, *, whole: bool = False) -> None:
        # `whole`: a path the user gave is shown in full (the file system bounds it); any other value is cut
        shown = repr(value) if whole and isinstance(value, str) else echo(value)
        super().__init__(f"{field}: {shown} is not accepted; {accepted}.")
        self.field = field
        self.value = value


class RuleViolation(CstoolError):
    """A well-formed request that a domain rule refuses."""

    exit_code = ExitCode.REFUSED


class NotFound(CstoolError):
    exit_code = ExitCode.NOT_FOUND


class Conflict(CstoolError):
    exit_code = ExitCode.CONFLICT


class StorageError(CstoolError):
    exit_code = ExitCode.STORAGE
