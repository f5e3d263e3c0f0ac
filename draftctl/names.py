"""Validation of every name and value before git sees it: ids, refs, dates and trailer values."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from draftctl.errors import InvalidName, InvalidValue

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
# FB-0001 … FB-999999999: the register numbers items from 1 and stops, with an error, at the
# last number this pattern takes, so every id it hands out is one it reads back.
FEEDBACK_ID = re.compile(r"FB-[0-9]{4,9}")
FEEDBACK_MAX = 999_999_999
# Characters git refuses anywhere in a ref name (see git-check-ref-format(1)).
_JOINERS = "\u200c\u200d"  # ZERO WIDTH NON-JOINER, ZERO WIDTH JOINER
_REF_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")


def check_slug(value: str, what: str) -> str:
    """Return `value` if it is a lower-case slug, else refuse naming `what`."""
    if not SLUG.fullmatch(value):
        raise InvalidName(
            f"invalid {what} id {value!r}: ids are lower-case slugs of at most 63 characters",
        )
    return value


def check_text(value: str, what: str, *, multiline: bool = False) -> str:
    """Refuse control characters (and newlines unless `multiline`) and bidi overrides."""
    for index, char in enumerate(value):
        if char in "\n\t" and multiline:
            continue
        category = unicodedata.category(char)
        if char in _JOINERS and _joins(value, index):
            continue
        if category == "Cs":
            raise InvalidValue(
                f"{what} is not valid UTF-8 (at position {index})",
                "write it as UTF-8 text (e.g. set LANG=C.UTF-8 in your terminal)",
            )
        if category in ("Cc", "Cf", "Zl", "Zp"):
            raise InvalidValue(
                f"{what} contains a control or formatting character "
                f"(U+{ord(char):04X} at position {index})",
                "line breaks, tabs, control characters and direction overrides are not allowed"
                if not multiline
                else "remove the control character",
            )
    if not value.strip():
        raise InvalidValue(f"{what} is empty", f"give a non-empty {what}")
    return value


def _joins(value: str, index: int) -> bool:
    """A zero-width (non-)joiner between two visible characters shapes a word (Persian, Indic
    scripts) or an emoji sequence; at an edge or beside a space it only hides something."""
    if index == 0 or index == len(value) - 1:
        return False
    return all(_visible(value[index + step]) for step in (-1, 1))


def _visible(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMNPS" or char in _JOINERS


def check_arguments(argv: list[str]) -> None:
    """Refuse command-line arguments that are not UTF-8 (Python keeps their bytes as lone
    surrogates, which no file, commit or terminal can take)."""
    for position, arg in enumerate(argv, start=1):
        bad = next((c for c in arg if "\udc80" <= c <= "\udcff"), None)
        if bad is not None:
            raise InvalidValue(
                f"argument {position} is not valid UTF-8 (byte 0x{ord(bad) - 0xDC00:02x})",
                "draftctl reads arguments as UTF-8: use a UTF-8 terminal (e.g. LANG=C.UTF-8) "
                "and UTF-8 file names",
            )


def check_date(value: str, what: str) -> str:
    """Return an ISO date string (YYYY-MM-DD) or refuse."""
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise InvalidValue(
            f"invalid {what} {value!r}: not an ISO date", "write dates as YYYY-MM-DD"
        ) from None
    if len(value) != 10:
        raise InvalidValue(
            f"invalid {what} {value!r}: not an ISO date", "write dates as YYYY-MM-DD"
        )
    return parsed.isoformat()


def ref_name_problem(name: str) -> str | None:
    """Why git's ref rules (plus draftctl's: ASCII, no leading `-`) reject `name`, or None."""
    if not name:
        return "it is empty"
    if not name.isascii():
        return "it contains non-ASCII characters"
    if name.startswith("-"):
        return "it starts with '-' and would be read as an option"
    if _REF_FORBIDDEN.search(name):
        return "it contains a space, a control character or one of ~ ^ : ? * [ \\"
    if name == "@" or "@{" in name:
        return "it contains '@{' or is '@'"
    if ".." in name or "//" in name or name.startswith("/") or name.endswith("/"):
        return "it contains '..' or an empty path component"
    if name.endswith("."):
        return "it ends with '.'"
    for part in name.split("/"):
        if part.startswith(".") or part.endswith(".lock"):
            return "a component starts with '.' or ends with '.lock'"
    return None


def check_ref_name(name: str, what: str = "version name") -> str:
    """Return `name` if it is a valid tag name, else refuse."""
    problem = ref_name_problem(name)
    if problem:
        raise InvalidName(
            f"invalid {what} {name!r}: {problem}",
            "use letters, digits, '.', '-' and '_', e.g. `icm-2015` or `v0.3`",
        )
    return name
