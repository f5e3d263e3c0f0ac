"""Small text helpers shared by the core: lines keeping their ends, showing controls, dates."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime

# C0 controls but tab and newline, DEL and the C1 controls (U+009B is a one-byte CSI).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# The same, with tab, newline and the Unicode line and paragraph separators: one line stays one.
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def lines_keeping_ends(text: str) -> list[str]:
    """Lines with their `\\n` ends; a CR stays part of its line, so bytes survive a round trip."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    return [*lines, parts[-1]] if parts[-1] else lines


def visible(text: str, *, one_line: bool = False) -> str:
    """`text` with control characters (escape sequences, bells…) shown as harmless symbols
    (ESC as ␛), so stored text can never drive the reader's terminal. With `one_line`, tabs
    and line breaks become symbols too, so a value stays on its own line of a listing."""
    pattern = _CONTROL_ONE_LINE if one_line else _CONTROL
    return pattern.sub(_picture, text)


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return "\u21b5" if code in (0x2028, 0x2029) else "\ufffd"


def plural(count: int, noun: str, many: str = "") -> str:
    """`1 commit`, `2 commits`: the count with its noun, never `commit(s)`."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"


def source_date(fallback: str) -> str:
    """The date a generated document states, never the clock: `SOURCE_DATE_EPOCH` (seconds, the
    reproducible-builds convention) as ISO 8601 UTC when set, else `fallback` (a commit's date)."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw.isdigit():
        return datetime.fromtimestamp(int(raw), UTC).isoformat()
    return fallback
