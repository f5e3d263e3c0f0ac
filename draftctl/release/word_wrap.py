"""Writing changed paragraphs the way the writer wraps lines: infer the width, fill to it.

A draft whose paragraphs are filled to a fixed width (an editor's fill column) gets new and
changed paragraphs filled to the same width, so a reviewed paragraph reads, and diffs, like
its neighbours. The width is the one at which greedy filling reproduces every multi-line
paragraph of the base; when none does (or the draft keeps one paragraph per line), new text
stays on one line.
"""

from __future__ import annotations

import re
import textwrap

from draftctl.release.word_map import MdBlock

_WIDTHS = range(40, 161)
_SAMPLE = 60
# A continuation line must not start something else (a list item, heading, quote, table…).
_BLOCK_START = re.compile(r"([-+*]|\d{1,9}[.)]|#{1,6}|>|\||=+|-+)(\s|$)")


def _fill(words: str, width: int, first: str = "", rest: str = "") -> str:
    return textwrap.fill(
        words,
        width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


def infer_width(base: list[MdBlock]) -> int | None:
    """The fill width that reproduces the base's multi-line paragraphs, or None."""
    wrapped = [
        block.source
        for block in base
        if block.kind == "paragraph" and "\n" in block.source and "\\\n" not in block.source
    ][:_SAMPLE]
    if not wrapped:
        return None
    widths = set(_WIDTHS)
    for source in wrapped:
        longest = max(len(line) for line in source.split("\n"))
        widths = {
            w for w in widths if w >= longest and _fill(" ".join(source.split()), w) == source
        }
        if not widths:
            return None
    return min(widths)


def wrap(block: MdBlock, text: str, width: int | None) -> str:
    """`text` (the block's one-line Markdown) filled to `width`, when that is safe."""
    if width is None or "\\\n" in text or len(text) <= width:
        return text
    if block.kind == "paragraph":
        first, rest, body = "", "", text
    elif block.kind == "quote":
        first, rest, body = "> ", "> ", text[2:]
    elif block.kind in ("item", "cont"):
        indent = len(text) - len(text.lstrip(" "))
        marker = text[indent:].split(" ", 1)[0] + " " if block.kind == "item" else ""
        first = text[: indent + len(marker)]
        rest, body = " " * len(first), text[len(first) :]
    else:
        return text
    filled = _fill(body, width, first, rest)
    later = [line[len(rest) :] for line in filled.split("\n")[1:]]
    return text if any(_BLOCK_START.match(line) for line in later) else filled
