"""The fast line scanner: Markdown block starts in linear time, following CommonMark's block
rules closely enough to agree with markdown-it on ordinary documents."""

from __future__ import annotations

import re

ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+|$)")
SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})(.*)$")
_HR = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_MARKER = re.compile(r"([ \t]*)([-+*]|(\d{1,9})[.)])([ \t]+|$)")
_QUOTE = re.compile(r" {0,3}>")
_QUOTE_PREFIX = re.compile(r"(?: {0,3}> ?)+")
_QUOTE_BLANK = re.compile(r"(?:[ \t]*>)+[ \t]*$")
_REFERENCE = re.compile(r" {0,3}\[[^\]]+\]:")
_DELIM_CHARS = re.compile(r"[|:-][|:\- \t]*$")
_DELIM_CELL = re.compile(r":?-+:?$")


def scan_starts(lines: list[str], first: int = 0) -> list[tuple[int, str]]:
    """Block starts found by a line scanner that follows CommonMark's block rules closely
    enough to agree with markdown-it on ordinary documents, in linear time."""
    scanner = _Scanner(lines)
    for i in range(first, len(lines)):
        scanner.feed(i, lines[i])
    return scanner.starts


def _indent(line: str) -> int:
    """Columns of leading whitespace (tabs to the next multiple of 4)."""
    if line[:1] not in (" ", "\t"):
        return 0
    stripped = line.lstrip(" \t")
    head = line[: len(line) - len(stripped)]
    return len(head.expandtabs(4)) if "\t" in head else len(head)


def _html_end(line: str, can_interrupt: bool) -> re.Pattern[str] | bool | None:
    """End pattern of an HTML block opening on `line`; None if it ends at a blank line;
    False if `line` opens no HTML block."""
    text = line.lstrip(" ")
    if len(line) - len(text) > 3 or not text.startswith("<"):
        return False
    from markdown_it.rules_block.html_block import HTML_SEQUENCES  # only for lines with "<"

    for opener, closer, interrupts in HTML_SEQUENCES:
        if opener.search(text) and (interrupts or not can_interrupt):
            return None if closer.pattern == "^$" else closer
    return False


def _table_columns(row: str) -> int:
    """Cells in a table header row (markdown-it's rule), 0 if it cannot head a table."""
    text = row.strip()
    if "|" not in text:
        return 0
    cells = re.split(r"(?<!\\)\|", text)
    if cells and not cells[0].strip():
        cells.pop(0)
    if cells and not cells[-1].strip():
        cells.pop()
    return len(cells)


def _delimiter_columns(row: str) -> int:
    """Columns of a table delimiter row such as `|---|:-:|`, 0 if it is not one."""
    text = row.strip()
    if not _DELIM_CHARS.match(text) or (text[0] == "-" and text[1:2] in (" ", "\t")):
        return 0
    cells = text.split("|")
    count = 0
    for i, cell in enumerate(cells):
        cell = cell.strip()
        if not cell and i in (0, len(cells) - 1):
            continue
        if not _DELIM_CELL.match(cell):
            return 0
        count += 1
    return count


class _Scanner:
    """Line-by-line block splitter; `starts` collects (line, kind)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.starts: list[tuple[int, str]] = []
        self.mode = ""
        self.fence = ""
        self.html_end: re.Pattern[str] | None = None
        self.items: list[list[int]] = []  # [content indent, child list seen]
        self.blank = True
        self.quote_gap = False
        self.table_head = -2

    def feed(self, i: int, line: str) -> None:
        if self.mode == "para" and not self.blank and line[:1].isalpha() and "|" not in line:
            return  # the common case: a paragraph goes on
        if self.mode == "fence":
            self._fence_line(line)
        elif self.mode == "html" and (self.html_end or line.strip(" \t")):
            if self.html_end and self.html_end.search(line):
                self.mode = ""
        elif not line.strip(" \t"):
            if self.mode in ("para", "table", "quote", "html"):
                self.mode = ""
            self.blank = True
        else:
            indent = _indent(line)
            if not (self.items and self._list_line(i, line, indent)):
                self._top_line(i, line, indent)
            self.blank = False

    def _start(self, i: int, kind: str, mode: str = "") -> None:
        self.starts.append((i, kind))
        self.mode = mode

    def _fence_line(self, line: str) -> None:
        match = _FENCE.match(line)
        if match and not match.group(2).strip() and match.group(1).startswith(self.fence):
            self.mode = ""

    def _open_fence(self, line: str) -> bool:
        match = _FENCE.match(line)
        if not match or (match.group(1)[0] == "`" and "`" in match.group(2)):
            return False
        self.fence = match.group(1)
        self.mode = "fence"
        return True

    # lists ------------------------------------------------------------------------------------

    def _list_line(self, i: int, line: str, indent: int) -> bool:
        """Handle a line while list items are open; False when the list has ended."""
        base = self.items[-1][0]
        marker = _MARKER.match(line)
        if marker and indent < base + 4 and not _HR.match(line):
            self._open_item(i, line, marker, indent)
            return True
        if self.blank:
            return self._after_blank(i, line, indent)
        if indent < base and (self._interrupts(line) or _HR.match(line)):
            self.items.clear()
            self.mode = ""
            return False
        if self.mode != "icode":
            self._open_fence(line)
        return True

    def _open_item(self, i: int, line: str, marker: re.Match[str], indent: int) -> None:
        while self.items and self.items[-1][0] > indent:
            self.items.pop()
        if self.items:
            self.items[-1][1] = 1
        self.items.append([_item_content(line, marker), 0])
        self._start(i, "item", "para")

    def _after_blank(self, i: int, line: str, indent: int) -> bool:
        while self.items and indent < self.items[-1][0]:
            self.items.pop()
        if not self.items:
            self.mode = ""
            return False
        if self.items[-1][1]:
            self.starts.append((i, "item"))
            self.items[-1][1] = 0
        self.mode = "para"
        self._open_fence(line)
        return True

    # top level --------------------------------------------------------------------------------

    def _top_line(self, i: int, line: str, indent: int) -> None:
        if self.blank or not self.mode:
            if not (self.mode == "icode" and indent >= 4):
                self._fresh(i, line, indent)
        elif self.mode == "para":
            self._para_line(i, line, indent)
        elif self.mode == "table":
            self._table_line(i, line, indent)
        elif self.mode == "quote":
            self._quote_line(i, line, indent)
        elif self.mode == "icode" and indent < 4:
            self._fresh(i, line, indent)

    def _fresh(self, i: int, line: str, indent: int) -> None:
        """A line that opens a new block at top level."""
        if indent >= 4:
            self._start(i, "code", "icode")
        elif "|" in line and self._table_at(i, line):
            self._start(i, "row", "table")
            self.table_head = i
        elif not self._opener(i, line):
            kind = "other" if _REFERENCE.match(line) else "paragraph"
            self._start(i, kind, "para")

    def _opener(self, i: int, line: str) -> bool:
        """Open a heading, fence, rule, quote, list item or HTML block at line i, if one starts."""
        marker = _MARKER.match(line)
        if ATX.match(line):
            self._start(i, "heading")
        elif _FENCE.match(line) and self._open_fence(line):
            self.starts.append((i, "code"))
        elif _HR.match(line):
            self._start(i, "rule")
        elif _QUOTE.match(line):
            self._start(i, _quote_kind(line), "quote")
            self.quote_gap = bool(_QUOTE_BLANK.match(line))
        elif marker and _indent(line) < 4:
            self.items = [[_item_content(line, marker), 0]]
            self._start(i, "item", "para")
        elif (html := _html_end(line, False)) is not False:
            self._start(i, "html", "html" if not self._html_closes(line, html) else "")
            self.html_end = html if isinstance(html, re.Pattern) else None
        else:
            return False
        return True

    @staticmethod
    def _html_closes(line: str, html: re.Pattern[str] | bool | None) -> bool:
        if not isinstance(html, re.Pattern):
            return False
        return bool(html.search(line.lstrip(" ")))

    def _interrupts(self, line: str, paragraph: bool = True) -> bool:
        """Whether `line` may interrupt a paragraph (CommonMark's rules); outside a paragraph
        (a quote's lazy line, a table) any list item interrupts."""
        if _indent(line) >= 4:
            return False
        if ATX.match(line) or _QUOTE.match(line) or _HR.match(line):
            return True
        if _FENCE.match(line):
            match = _FENCE.match(line)
            return not (match and match.group(1)[0] == "`" and "`" in match.group(2))
        marker = _MARKER.match(line)
        if marker and not paragraph:
            return True
        if marker and marker.group(4) and line[marker.end() :].strip():
            return marker.group(3) in (None, "1")
        return _html_end(line, True) is not False

    def _para_line(self, i: int, line: str, indent: int) -> None:
        if indent < 4 and SETEXT.match(line):
            self.starts[-1] = (self.starts[-1][0], "heading")
            self.mode = ""
        elif self._interrupts(line):
            self._fresh(i, line, indent)
        elif "|" in line and indent < 4 and self._table_at(i, line):
            self._start(i, "row", "table")
            self.table_head = i

    def _table_at(self, i: int, line: str) -> bool:
        if i + 1 >= len(self.lines) or _indent(self.lines[i + 1]) >= 4:
            return False
        delims = _delimiter_columns(self.lines[i + 1])
        return bool(delims) and _table_columns(line) == delims

    def _table_line(self, i: int, line: str, indent: int) -> None:
        if indent >= 4 or self._interrupts(line, paragraph=False):
            self._fresh(i, line, indent)
        elif i != self.table_head + 1:
            self._start(i, "row", "table")

    def _quote_line(self, i: int, line: str, indent: int) -> None:
        if _QUOTE.match(line):
            kind = _quote_kind(line)
            if _QUOTE_BLANK.match(line):
                self.quote_gap = True
            elif self.quote_gap or kind == "item" or ATX.match(_QUOTE_PREFIX.sub("", line)):
                self._start(i, kind, "quote")
                self.quote_gap = False
        elif self.quote_gap or self._interrupts(line, paragraph=False):
            self._fresh(i, line, indent)


def _quote_kind(line: str) -> str:
    """ "item" for a quoted list item, else "quote"."""
    return "item" if _MARKER.match(_QUOTE_PREFIX.sub("", line)) else "quote"


def _item_content(line: str, marker: re.Match[str]) -> int:
    """Column where a list item's text starts."""
    before = len((marker.group(1) + marker.group(2)).expandtabs(4))
    gap = len(marker.group(4).expandtabs(4))
    if gap == 0 or gap > 4 or not line[marker.end() :].strip():
        return before + 1
    return before + gap
