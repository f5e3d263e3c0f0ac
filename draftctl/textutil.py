"""Small text helpers shared by the core: splitting lines byte-exactly."""

from __future__ import annotations


def split_lines(text: str) -> list[str]:
    """Lines with their `\\n` ends; a CR stays part of its line, so bytes survive a round trip."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    return [*lines, parts[-1]] if parts[-1] else lines
