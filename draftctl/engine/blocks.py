"""Split Markdown into blocks (headings, paragraphs, list items, table rows…) with section paths."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate

from markdown_it import MarkdownIt
from markdown_it.rules_block.html_block import HTML_SEQUENCES
from markdown_it.token import Token

KINDS = ("heading", "paragraph", "item", "row", "quote", "code", "html", "rule", "other")

# Documents longer than this (characters or lines) are split by the line scanner, which agrees
# with markdown-it on ordinary Markdown but is 5-10 times faster: markdown-it-py needs ~0.25 s
# per MB of prose, and up to 30 µs per line on documents of very short lines.
MARKDOWN_IT_LIMIT = 200_000
MARKDOWN_IT_MAX_LINES = 10_000

_LINE_END = re.compile(r"\r\n|\r|\n")
_NL = r"(?:\r\n|\r|\n)"
_FRONT_MATTER = re.compile(rf"---[ \t]*{_NL}(?:[^\r\n]*{_NL})*?(?:---|\.\.\.)[ \t]*(?:{_NL}|$)")
_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+|$)")
_ATX_CLOSE = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*$")


@dataclass(frozen=True, slots=True)
class Block:
    """One Markdown block and where it sits in the document."""

    kind: str
    raw: str
    start: int
    section: tuple[str, ...]
    level: int = 0
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key and self.raw:
            object.__setattr__(self, "key", block_key(self.raw))

    @property
    def end(self) -> int:
        """Offset just past the block in the source text."""
        return self.start + len(self.raw)


def block_key(raw: str) -> str:
    """Comparison key: whitespace runs (line breaks included) collapsed to one space, stripped."""
    return " ".join(raw.split())


def line_starts(text: str) -> list[int]:
    """Offset of every line start (lines end with CRLF, CR or LF, as in CommonMark)."""
    if "\r" in text:
        starts = [0, *(m.end() for m in _LINE_END.finditer(text))]
    else:
        starts = [0, *accumulate(len(line) + 1 for line in text.split("\n"))]
        starts.pop()
    if len(starts) > 1 and starts[-1] >= len(text):
        starts.pop()
    return starts


def lines_without_ends(text: str) -> list[str]:
    """The lines of `text` without their line endings (CRLF, CR and LF all end a line)."""
    lines = _LINE_END.split(text) if "\r" in text else text.split("\n")
    if lines and lines[-1] == "" and len(lines) > 1:
        lines.pop()
    return lines


def parse_blocks(text: str) -> list[Block]:
    """Split `text` into blocks whose `raw` texts join back to exactly `text`."""
    if not text:
        return []
    lines = lines_without_ends(text)
    first = _front_matter_lines(text)
    starts = _block_starts(text, lines, first)
    return _make_blocks(text, line_starts(text), starts)


def _front_matter_lines(text: str) -> int:
    """Number of lines taken by a leading YAML front matter block (0 if none)."""
    match = _FRONT_MATTER.match(text)
    return len(lines_without_ends(match.group())) if match else 0


def _block_starts(text: str, lines: list[str], first: int) -> list[tuple[int, str]]:
    """(line, kind) of every block start, falling back to blank-line splitting on failure."""
    try:
        if len(text) <= MARKDOWN_IT_LIMIT and len(lines) <= MARKDOWN_IT_MAX_LINES:
            starts = markdown_it_starts(lines, first)
        else:
            starts = scan_starts(lines, first)
    except Exception:  # hostile input must never crash a diff: split at blank lines instead
        starts = blank_line_starts(lines, first)
    return _with_leading_block(starts, first)


def _with_leading_block(starts: list[tuple[int, str]], first: int) -> list[tuple[int, str]]:
    """Make sure the first block starts at line 0 (front matter or blank lines become "other")."""
    out = [(0, "other")] if first or not starts or starts[0][0] > 0 else []
    last = 0 if out else -1
    for line, kind in starts:
        if line > last:
            out.append((line, kind))
            last = line
    return out


def blank_line_starts(lines: list[str], first: int = 0) -> list[tuple[int, str]]:
    """Fallback splitter: a block starts at each non-blank line that follows a blank one."""
    starts = []
    blank = True
    for i in range(first, len(lines)):
        is_blank = not lines[i].strip()
        if blank and not is_blank:
            starts.append((i, "paragraph"))
        blank = is_blank
    return starts


_PARSER = MarkdownIt("commonmark").enable("table").disable("inline")

_LEAF_KINDS = {
    "heading_open": "heading",
    "paragraph_open": "paragraph",
    "tr_open": "row",
    "fence": "code",
    "code_block": "code",
    "html_block": "html",
    "hr": "rule",
}
_CONTAINER_KINDS = {
    "blockquote_open": "quote",
    "bullet_list_open": "item",
    "ordered_list_open": "item",
    "table_open": "row",
}
_SKIP = {"bullet_list_open", "ordered_list_open", "table_open", "thead_open", "tbody_open"}


def markdown_it_starts(lines: list[str], first: int = 0) -> list[tuple[int, str]]:
    """Block starts from markdown-it-py's token line maps."""
    source = "\n".join(["" if i < first else line for i, line in enumerate(lines)])
    tokens = _PARSER.parse(source)
    starts = _first_per_line(_token_starts(tokens))
    covered = _covered_lines(tokens, len(lines))
    return _add_uncovered(starts, covered, lines, first)


def _first_per_line(starts: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Drop starts on a line that already starts a block (the outer container wins)."""
    out: list[tuple[int, str]] = []
    for line, kind in starts:
        if not out or line > out[-1][0]:
            out.append((line, kind))
    return out


def _token_starts(tokens: list[Token]) -> list[tuple[int, str]]:
    """Walk the token stream: containers on a stack, leaves as block starts."""
    starts: list[tuple[int, str]] = []
    stack: list[list[int]] = []  # [is_item, start line, child list seen]
    for tok in tokens:
        if tok.nesting == -1:
            if tok.type in ("list_item_close", "blockquote_close"):
                stack.pop()
            continue
        if tok.map is None or tok.type == "inline":
            continue
        line = tok.map[0]
        if tok.level == 0 and tok.type in _CONTAINER_KINDS:  # even if nesting cut its leaves
            starts.append((line, _CONTAINER_KINDS[tok.type]))
        if tok.type in ("list_item_open", "blockquote_open"):
            is_item = tok.type == "list_item_open"
            if is_item:
                starts.append((line, "item"))
            stack.append([int(is_item), line, 0])
        elif tok.type in _SKIP:
            if tok.type.endswith("list_open") and stack and stack[-1][0]:
                stack[-1][2] = 1
        else:
            _leaf_start(starts, stack, line, _LEAF_KINDS.get(tok.type, "other"))
    return starts


def _leaf_start(
    starts: list[tuple[int, str]], stack: list[list[int]], line: int, kind: str
) -> None:
    """Record a leaf block start, folding item text into its list item."""
    if not stack:
        starts.append((line, kind))
        return
    is_item, item_line, child_seen = stack[-1]
    if not is_item:
        starts.append((line, "quote"))
    elif line != item_line and child_seen:
        starts.append((line, "item"))
        stack[-1][2] = 0


def _covered_lines(tokens: list[Token], count: int) -> bytearray:
    """Mark the lines covered by top-level tokens."""
    covered = bytearray(count + 1)
    for tok in tokens:
        if tok.level == 0 and tok.map is not None:
            begin, end = tok.map
            covered[begin:end] = b"\x01" * (end - begin)
    return covered


def _add_uncovered(
    starts: list[tuple[int, str]], covered: bytearray, lines: list[str], first: int
) -> list[tuple[int, str]]:
    """Lines no token claims (link definitions, …) start "other" blocks."""
    extra = []
    prev_open = False
    for i in range(first, len(lines)):
        opens = not covered[i] and bool(lines[i].strip())
        if opens and not prev_open:
            extra.append((i, "other"))
        prev_open = opens
    if not extra:
        return starts
    return sorted(set(starts) | set(extra), key=lambda s: s[0])


def _make_blocks(text: str, offsets: list[int], starts: list[tuple[int, str]]) -> list[Block]:
    """Cut `text` at the start lines and attach section paths."""
    blocks = []
    chain: list[tuple[int, str]] = []
    section: tuple[str, ...] = ()
    bounds = [offsets[line] for line, _ in starts] + [len(text)]
    for (_, kind), begin, end in zip(starts, bounds, bounds[1:], strict=False):
        raw = text[begin:end]
        level = heading_level(raw) if kind == "heading" else 0
        if level:
            chain = [c for c in chain if c[0] < level] + [(level, _heading_text(raw))]
            section = tuple(t for _, t in chain)
        elif kind == "heading":
            kind = "paragraph"
        blocks.append(Block(kind, raw, begin, section, level, block_key(raw)))
    return blocks


def heading_level(raw: str) -> int:
    """1–6 for an ATX or setext heading's source text, 0 if it is not one."""
    lines = [line for line in lines_without_ends(raw) if line.strip()]
    if not lines:
        return 0
    atx = _ATX.match(lines[0])
    if atx:
        return len(atx.group(1))
    setext = _SETEXT.match(lines[-1]) if len(lines) > 1 else None
    if setext:
        return 1 if setext.group(1)[0] == "=" else 2
    return 0


def _heading_text(raw: str) -> str:
    lines = [line for line in lines_without_ends(raw) if line.strip()]
    atx = _ATX.match(lines[0])
    text = _ATX_CLOSE.sub("", lines[0][atx.end() :]) if atx else " ".join(lines[:-1])
    return " ".join(text.split())


def heading_text(block: Block) -> str:
    """The text of a heading block without its markup ("## Scope ##" → "Scope")."""
    if block.kind != "heading":
        return ""
    return _heading_text(block.raw)


def section_of(blocks: list[Block], index: int) -> tuple[str, ...]:
    """Section path of blocks[index]; for a heading, the chain ending with itself."""
    return blocks[index].section if 0 <= index < len(blocks) else ()


def find_section(blocks: list[Block], heading: str) -> list[Block]:
    """The blocks of the section whose heading text is `heading` (case-insensitive), with the
    heading itself and its subsections; [] if there is no such heading."""
    wanted = " ".join(heading.split()).casefold()
    for i, block in enumerate(blocks):
        if block.kind == "heading" and heading_text(block).casefold() == wanted:
            end = i + 1
            while end < len(blocks) and not _ends_section(blocks[end], block.level):
                end += 1
            return blocks[i:end]
    return []


def _ends_section(block: Block, level: int) -> bool:
    return block.kind == "heading" and block.level <= level


# --- the fast line scanner -------------------------------------------------------------------

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
        html = _html_end(line, False)
        if _ATX.match(line):
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
        elif html is not False:
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
        if _ATX.match(line) or _QUOTE.match(line) or _HR.match(line):
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
        if indent < 4 and _SETEXT.match(line):
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
            elif self.quote_gap or kind == "item" or _ATX.match(_QUOTE_PREFIX.sub("", line)):
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
