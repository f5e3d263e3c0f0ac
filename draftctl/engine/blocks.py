"""Split Markdown into blocks (headings, paragraphs, list items, table rows…) with section paths."""

from __future__ import annotations

import re
from functools import cache
from itertools import accumulate

from draftctl.engine.blockscan import ATX, SETEXT, scan_starts
from draftctl.values import Frozen

TYPE_CHECKING = False  # typing's flag, without importing typing at run time
if TYPE_CHECKING:
    from markdown_it import MarkdownIt
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
_ATX_CLOSE = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
# A line that is neither blank, an ATX heading, nor plain text — at the margin, after a `- `
# bullet, or indented two spaces as a bullet's continuation — whose first character opens no
# other block (indent, quote, list, rule, setext line, fence, HTML, reference, table delimiter,
# escape, list number); `*` and `_` only begin emphasis when a mark follows them.
_PLAIN_START = r"(?:[^\s#>\-+*=_`~<\[|:\\\d]|[*_]+[^\s*_])"
_NOT_PLAIN = re.compile(rf"^(?![ \t]*$|#{{1,6}}(?:[ \t]|$)|(?:- |  )?{_PLAIN_START})", re.MULTILINE)


class Block(Frozen):
    """One Markdown block and where it sits in the document."""

    __slots__ = ("key", "kind", "level", "raw", "section", "start")

    def __init__(
        self,
        kind: str,
        raw: str,
        start: int,
        section: tuple[str, ...],
        level: int = 0,
        key: str = "",
    ) -> None:
        self.kind = kind
        self.raw = raw
        self.start = start
        self.section = section
        self.level = level
        self.key = key if key or not raw else block_key(raw)

    def _key(self) -> tuple[object, ...]:
        return (self.kind, self.raw, self.start, self.section, self.level, self.key)

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


def parse_blocks(text: str, scanner: bool | None = None) -> list[Block]:
    """Split `text` into blocks whose `raw` texts join back to exactly `text` (`scanner`: by
    the line scanner, or markdown-it; None: by the text's size)."""
    if not text:
        return []
    lines = lines_without_ends(text)
    first = _front_matter_lines(text)
    if scanner is None:
        scanner = len(text) > MARKDOWN_IT_LIMIT or len(lines) > MARKDOWN_IT_MAX_LINES
    scanner = scanner or plain(text)
    starts = _block_starts(lines, first, scanner)
    return _make_blocks(text, line_starts(text), starts)


def plain(text: str) -> bool:
    """Whether every line of `text` is blank, an ATX heading or plain text (of a paragraph, or
    of a `- ` bullet list item and its two-space continuation lines): then both parsers cut it
    alike, so the line scanner does it without importing markdown-it."""
    return "\r" not in text and _NOT_PLAIN.search(text) is None


def scanned(text: str) -> bool:
    """Whether parse_blocks splits `text` with the line scanner (a large draft)."""
    if "\r" in text:
        count = len(lines_without_ends(text))
    else:
        count = text.count("\n") + (not text.endswith("\n"))
    return len(text) > MARKDOWN_IT_LIMIT or count > MARKDOWN_IT_MAX_LINES


def _front_matter_lines(text: str) -> int:
    """Number of lines taken by a leading YAML front matter block (0 if none)."""
    match = _FRONT_MATTER.match(text)
    return len(lines_without_ends(match.group())) if match else 0


def _block_starts(lines: list[str], first: int, scanner: bool) -> list[tuple[int, str]]:
    """(line, kind) of every block start, falling back to blank-line splitting on failure."""
    try:
        starts = scan_starts(lines, first) if scanner else markdown_it_starts(lines, first)
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


@cache
def _parser() -> MarkdownIt:
    """markdown-it for block starts (imported on first use: large drafts never need it)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").disable("inline")


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
    tokens = _parser().parse(source)
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
    atx = ATX.match(lines[0])
    if atx:
        return len(atx.group(1))
    setext = SETEXT.match(lines[-1]) if len(lines) > 1 else None
    if setext:
        return 1 if setext.group(1)[0] == "=" else 2
    return 0


def _heading_text(raw: str) -> str:
    lines = [line for line in lines_without_ends(raw) if line.strip()]
    atx = ATX.match(lines[0])
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
