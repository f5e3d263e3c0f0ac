"""Markdown blocks as HTML (markdown-it) with the redline's marks placed inside their structure.

A block's Markdown gets private-use sentinel characters where a marked run opens and closes and
where a snippet (the other side's text, a note marker, a move label) goes. Sentinels only ever
sit where Markdown has inline content, never inside list markers, table pipes, delimiter rows,
heading markers or next to emphasis delimiters, so they cannot change the structure markdown-it
finds. After rendering, every sentinel becomes markup: a run turns into `<ins>`/`<del>` elements
closed before and reopened after each tag, so marks never cross an element boundary.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from typing import Any

from markdown_it import MarkdownIt

OPEN, CLOSE, POINT = "\U000f0000", "\U000f0001", "\U000f0002"
_FIRST_INDEX = 0xF1000
_RESERVED = re.compile("[\U000f0000-\U000ffffd]")
_SENTINEL = re.compile("([\U000f0000-\U000f0002])([\U000f1000-\U000ffffd])")
_ENCODED = re.compile(r"%F3%B[0-9A-F]%[89AB][0-9A-F]%[89AB][0-9A-F]", re.I)
_PIECES = re.compile(r"(<[^>]*>)|([\U000f0000-\U000f0002])([\U000f1000-\U000ffffd])")
_SAFE_LINK = ("http://", "https://", "mailto:")


@dataclass
class Mark:
    """A run [start, end) of a block's Markdown wrapped in `html`…`</tag>`, or, when `end` is
    None, a snippet shown at `start` (placed forward, or backward when `back`)."""

    start: int
    html: str
    end: int | None = None
    tag: str = ""
    back: bool = False


@dataclass
class Source:
    """One block's Markdown (one side of it) and its marks."""

    kind: str
    text: str
    marks: list[Mark] = field(default_factory=list)


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """CommonMark with tables; raw HTML in drafts is shown as text, never passed through."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.core.ruler.push("item_numbers", _item_numbers)
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("link_close", _link_close)
    md.add_render_rule("image", _image)
    return md


def _item_numbers(state: Any) -> None:
    """Each ordered item keeps the number written in the draft (`<li value>`), so a deleted
    or inserted item shows the numbers as both versions have them."""
    for token in state.tokens:
        if token.type == "list_item_open" and token.info.isdigit():
            token.attrSet("value", str(int(token.info)))


def _link_open(self: Any, tokens: Sequence[Any], idx: int, options: Any, env: Any) -> str:
    href = str(tokens[idx].attrGet("href") or "")
    if not href.lower().startswith(_SAFE_LINK):
        return f'<span class="link" title="{escape(href)}">'
    return f'<a href="{escape(href)}" rel="noopener noreferrer">'


def _link_close(self: Any, tokens: Sequence[Any], idx: int, options: Any, env: Any) -> str:
    opener = next(t for t in reversed(tokens[:idx]) if t.type == "link_open")
    href = str(opener.attrGet("href") or "")
    return "</a>" if href.lower().startswith(_SAFE_LINK) else "</span>"


def _image(self: Any, tokens: Sequence[Any], idx: int, options: Any, env: Any) -> str:
    """Images are named, not loaded: the page fetches nothing."""
    alt = self.renderInlineAsText(tokens[idx].children or [], options, env)
    return f'<span class="image">[image: {escape(alt)}]</span>'


def inline_html(text: str) -> str:
    """Inline Markdown (emphasis, links, code) of a snippet, its line markers dropped."""
    lines = [_LINE_LEAD.sub("", line) for line in clean(text).split("\n")]
    return parser().renderInline("\n".join(lines).strip())


_LINE_LEAD = re.compile(r"^[ \t]*(?:>[ \t]?)*")


def clean(text: str) -> str:
    """Draft text with the characters reserved for sentinels replaced."""
    return _RESERVED.sub("\ufffd", text)


# -- where marks may go --------------------------------------------------------------------

_ITEM = re.compile(r"[ \t]*(?:>[ \t]?)*(?:(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$))?")
_QUOTE = re.compile(r"[ \t]*(?:>[ \t]?)+(?:(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$))?")
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]+|$)")
_HEADING_END = re.compile(r"(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
_ROW_LEAD = re.compile(r"[ \t]*\|?[ \t]*")
_ROW_END = re.compile(r"[ \t]*(?<!\\)\|?[ \t]*$")
_DELIMITER = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_FENCE = re.compile(r" {0,3}(?:`{3,}|~{3,})")
_SPACE = re.compile(r"[ \t]*")
_TRAIL = re.compile(r"[ \t]*$")


def content_ranges(text: str, kind: str) -> list[tuple[int, int]]:
    """[start, end] offsets of each line's inline content, where sentinels may go."""
    ranges = []
    offset = 0
    for number, line in enumerate(text.split("\n")):
        span = _line_content(line, kind, number)
        if span is not None and span[0] <= span[1]:
            ranges.append((offset + span[0], offset + span[1]))
        offset += len(line) + 1
    return ranges


def _line_content(line: str, kind: str, number: int) -> tuple[int, int] | None:
    if not line.strip() or kind == "rule":
        return None
    end = len(line) - len(_TRAIL.search(line).group())  # type: ignore[union-attr]
    if kind == "heading":
        if number > 0 and _SETEXT.match(line):
            return None
        lead = _HEADING.match(line) if number == 0 else None
        close = _HEADING_END.search(line)
        start = lead.end() if lead else len(_SPACE.match(line).group())  # type: ignore[union-attr]
        return start, max(start, close.start() if close else end)
    if kind == "row":
        if _DELIMITER.match(line):
            return None
        trail = _ROW_END.search(line)
        return _ROW_LEAD.match(line).end(), trail.start() if trail else end  # type: ignore[union-attr]
    if kind == "code":
        return None if _FENCE.match(line) else (len(_SPACE.match(line).group()), end)  # type: ignore[union-attr]
    pattern = {"item": _ITEM, "quote": _QUOTE}.get(kind, _SPACE)
    return pattern.match(line).end(), end  # type: ignore[union-attr]


def _allowed(text: str, at: int) -> bool:
    """Whether a sentinel at `at` would leave the Markdown around it as it was."""
    before = text[at - 1] if at > 0 else ""
    after = text[at] if at < len(text) else ""
    if before == "\\" or (before == "]" and after in "(["):
        return False
    return not (before == "&" or (after == ";" and re.search(r"&#?\w+$", text[:at])))


def place(text: str, ranges: list[tuple[int, int]], at: int, back: bool) -> int | None:
    """The allowed position nearest `at`: the first at or after it (back: at or before it),
    falling back to the other direction; None when the block has no inline content."""
    order = (_backward, _forward) if back else (_forward, _backward)
    for look in order:
        found = look(text, ranges, at)
        if found is not None:
            return found
    return None


def _forward(text: str, ranges: list[tuple[int, int]], at: int) -> int | None:
    for index in range(bisect_left(ranges, at, key=lambda span: span[1]), len(ranges)):
        start, end = ranges[index]
        for spot in range(max(start, at), end + 1):
            if _allowed(text, spot):
                return spot
    return None


def _backward(text: str, ranges: list[tuple[int, int]], at: int) -> int | None:
    for index in range(bisect_right(ranges, at, key=lambda span: span[0]) - 1, -1, -1):
        start, end = ranges[index]
        for spot in range(min(end, at), start - 1, -1):
            if _allowed(text, spot):
                return spot
    return None


def _nudged(text: str, start: int, end: int) -> tuple[int, int]:
    """A run moved inside emphasis delimiters at its edges (`*a*` → `*[a]*`), so a sentinel
    never stands where markdown-it decides whether `*` or `_` opens or closes."""
    inner = start
    while inner < end and text[inner] in "*_":
        inner += 1
    if inner > start and (inner == end or text[inner].isspace()):
        inner = start
    outer = end
    while outer > inner and text[outer - 1] in "*_":
        outer -= 1
    if outer < end and (outer == inner or text[outer - 1].isspace()):
        outer = end
    return inner, outer


# -- rendering -----------------------------------------------------------------------------


def render_sources(sources: list[Source]) -> tuple[str, list[str]]:
    """The blocks rendered together (a list's items, a table's rows), and the snippets of
    marks that found no place (blocks without inline content, e.g. a rule)."""
    marks: list[Mark] = []
    texts, stray = [], []
    for source in sources:
        text, lost = _with_sentinels(source, marks)
        texts.append(text)
        stray += lost
    html = parser().render("".join(texts))
    return _resolve(html, marks), stray


def _with_sentinels(source: Source, marks: list[Mark]) -> tuple[str, list[str]]:
    text = clean(source.text)
    if not text.endswith("\n"):
        text += "\n"
    ranges = content_ranges(text, source.kind)
    events: list[tuple[int, int, int, str]] = []
    lost = []
    for mark in source.marks:
        index = len(marks)
        marks.append(mark)
        code = chr(_FIRST_INDEX + index)
        if mark.end is None:
            spot = place(text, ranges, mark.start, mark.back)
            if spot is None:
                lost.append(mark.html)
            else:
                events.append((spot, 1, index, POINT + code))
            continue
        start, end = _nudged(text, mark.start, mark.end)
        first, last = place(text, ranges, start, False), place(text, ranges, end, True)
        if first is not None and last is not None and first < last:
            events += [(first, 2, index, OPEN + code), (last, 0, index, CLOSE + code)]
    parts, done = [], 0
    for spot, _order, _index, code in sorted(events):
        parts += [text[done:spot], code]
        done = spot
    return "".join(parts) + text[done:], lost


def _resolve(html: str, marks: list[Mark]) -> str:
    """Sentinels turned into markup: runs as elements that never cross a tag, snippets as is."""
    out: list[str] = []
    active: list[int] = []  # runs open in the Markdown
    shown: list[int] = []  # runs whose element is open in the output
    position = 0
    for match in _PIECES.finditer(html):
        _text(out, html[position : match.start()], marks, active, shown)
        position = match.end()
        tag, kind, code = match.groups()
        if tag is not None:
            _close(out, marks, shown)
            out.append(_ENCODED.sub("", _RESERVED.sub("", tag)))
            continue
        index = ord(code) - _FIRST_INDEX
        if kind == OPEN:
            active.append(index)
        elif kind == CLOSE:
            if index in active:
                active.remove(index)
            _close(out, marks, shown)
        else:
            _close(out, marks, shown)
            out.append(marks[index].html)
    _text(out, html[position:], marks, active, shown)
    _close(out, marks, shown)
    return "".join(out)


def _text(
    out: list[str], text: str, marks: list[Mark], active: list[int], shown: list[int]
) -> None:
    if not text:
        return
    if text.strip() and shown != active:
        _close(out, marks, shown)
        for index in active:
            out.append(marks[index].html)
            shown.append(index)
    out.append(text)


def _close(out: list[str], marks: list[Mark], shown: list[int]) -> None:
    while shown:
        out.append(f"</{marks[shown.pop()].tag}>")


def is_sentinel_free(html: str) -> bool:
    """True when no sentinel (raw or percent-encoded) is left in `html`."""
    return not _RESERVED.search(html) and not _ENCODED.search(html)
