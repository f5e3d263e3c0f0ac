"""Stored values made safe inside rich markup strings."""

from __future__ import annotations

from rich.markup import escape

from draftctl.textutil import visible


def markup_safe(text: str, *, one_line: bool = True) -> str:
    """A stored value made safe inside a rich markup string: controls shown as symbols and
    `[…]` escaped, so "See annex [a] and [b]" prints as written. Where a renderable will do,
    prefer `rich.text.Text(visible(value))`, which is never read as markup."""
    return escape(visible(text, one_line=one_line))
