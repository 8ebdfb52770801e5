"""Text is data, never markup or control (SPEC section 10): the one check on free text and the name key.

`check_text` is the input rule every free-text field goes through (names, titles, subjects, notes,
owners, actors; commands, imports and restores alike): control characters (ESC and the rest of C0/C1)
are refused, tab and newline are kept only where the field takes several lines (notes), and a name may
hold no right-to-left override, bidi control or zero-width character.  `name_key` is what "names are
unique" compares: the NFKC case-folded form with invisible characters and runs of spaces removed, so a
fullwidth `Ａｃｍｅ Labs` or one with a zero-width space is the same name as `Acme Labs`.  `visible`
shows text already stored with such characters escaped.  No Typer, Rich or database here.
"""

from __future__ import annotations

import re
import unicodedata

from cstool.errors import InvalidValue

# C0 (but tab and newline, allowed in multi-line fields), DEL, and C1.
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Bidi embeddings/overrides/isolates, marks, zero-width characters, the word joiner, soft hyphen, BOM.
_INVISIBLE = re.compile(r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
_SPACES = re.compile(r"\s+")

ACCEPTED_TEXT = "text without control characters (ESC and other C0/C1 codes)"
ACCEPTED_NOTES = "text without control characters (ESC and other C0/C1 codes; tab and newline are fine)"
ACCEPTED_NAME = ("a name of visible characters (no control characters, right-to-left overrides, bidi controls "
                 "or zero-width characters)")


def check_text(field: str, value: str, *, multiline: bool = False, name: bool = False) -> str:
    """`value` if it is text a person can read back as typed; else InvalidValue naming `field`.

    multiline: tab and newline are allowed (notes; a Windows CR LF counts as a newline).  name: invisible
    and direction-changing characters are refused too (they make two names look the same)."""
    if multiline:
        value = value.replace("\r\n", "\n")
    pattern = _CONTROL_MULTILINE if multiline and not name else _CONTROL
    bad = pattern.search(value)
    if bad is None and name:
        bad = _INVISIBLE.search(value)
    if bad is not None:
        accepted = ACCEPTED_NAME if name else ACCEPTED_NOTES if multiline else ACCEPTED_TEXT
        char = bad.group(0)
        raise InvalidValue(field, shorten(value),
                           f"it holds U+{ord(char):04X} ({unicodedata.name(char, 'a control character')}); "
                           f"use {accepted}")
    return value


def shorten(value: str, limit: int = 80) -> str:
    """A value echoed in a message: at most `limit` characters."""
    return value if len(value) <= limit else value[: limit - 3] + "..."


def _escape(match: re.Match) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(value: str, *, multiline: bool = False) -> str:
    """Stored text with its control and invisible characters shown as escapes (`\\x1b`, `\\u202e`), so it
    reaches no terminal as a command; tab and newline stay where `multiline`."""
    pattern = _CONTROL_MULTILINE if multiline else _CONTROL
    out = pattern.sub(_escape, value)
    return _INVISIBLE.sub(_escape, out)


def has_hidden(value: str) -> bool:
    """True when `visible` would change the text (a fast test for the common, clean case)."""
    return bool(_CONTROL.search(value) or _INVISIBLE.search(value))


def name_key(name: str) -> str:
    """What "names are unique" compares: NFKC case-folded, invisible characters dropped, spaces collapsed."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    folded = _INVISIBLE.sub("", folded)
    return _SPACES.sub(" ", folded).strip()
