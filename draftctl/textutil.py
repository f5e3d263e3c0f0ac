"""Small text helpers shared by the core: splitting lines byte-exactly and counting words."""

from __future__ import annotations

import re

WORD = re.compile(r"\w+")


def split_lines(text: str) -> list[str]:
    """Lines with their `\\n` ends; a CR stays part of its line, so bytes survive a round trip."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    return [*lines, parts[-1]] if parts[-1] else lines


def count_words(text: str) -> int:
    return len(WORD.findall(text))
