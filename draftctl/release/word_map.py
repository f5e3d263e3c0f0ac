"""Mapping Word paragraphs and Markdown blocks onto one comparable form.

Both sides become `MdBlock`s whose `key` is canonical Markdown (the same writer serves both:
`inline_markdown` over spans of text with bold, italic, code and link), so a Word paragraph
that still says what its Markdown block said has the same key, and a block the reviewer
changed does not. Markdown blocks also remember their lines in the source, so unchanged
blocks are written back exactly as the writer had them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from markdown_it.token import Token

from draftctl.release.export import markdown_parser
from draftctl.release.word_read import Span, WordDoc, WordPara, WordTable

_ESCAPE = re.compile(r"([\\`*\[\]<])")
_EDGE_UNDERSCORE = re.compile(r"(?<!\w)_|_(?!\w)")
_LINE_START = re.compile(r"^(#{1,6}\s|>|[-+*]\s|\d{1,9}[.)]\s)")
_HEADING = re.compile(r"heading ([1-9])")
_LIST_STYLE = re.compile(r"list (bullet|number|continue)(?: ([2-9]))?")


@dataclass
class MdBlock:
    """One block: kind, canonical Markdown (`key`), and where it sits in the base source."""

    kind: str
    key: str
    depth: int = 0
    ordered: bool = False
    start: int = -1
    end: int = -1
    number: int = 1
    source: str = ""

    def markdown(self) -> str:
        """The block as Markdown to write into the draft (when it is not taken from source)."""
        if self.kind == "item":
            marker = f"{self.number}." if self.ordered else "-"
            return "   " * (self.depth - 1) + f"{marker} {self.key.split(' ', 1)[1]}"
        if self.kind == "cont":
            return "   " * self.depth + self.key.split(" ", 1)[1]
        return self.key


# -- inline Markdown ---------------------------------------------------------------------


def escape_text(text: str) -> str:
    """Characters that would turn plain text into Markdown syntax, escaped."""
    return _EDGE_UNDERSCORE.sub(r"\\_", _ESCAPE.sub(r"\\\1", text))


def _markers(span: Span) -> list[str]:
    found = []
    if span.href:
        found.append("link:" + span.href)
    if span.italic:
        found.append("*")
    if span.bold:
        found.append("**")
    if span.code:
        found.append("`")
    return found


def _closer(marker: str) -> str:
    return f"]({marker[5:]})" if marker.startswith("link:") else marker


def _opener(marker: str) -> str:
    return "[" if marker.startswith("link:") else marker


def inline_markdown(spans: list[Span]) -> str:
    """Spans as inline Markdown: markers opened and closed around words, never spaces."""
    out: list[str] = []
    stack: list[str] = []
    pending = ""
    for span in spans:
        if span.text == "\n":
            out.extend(_closer(m) for m in reversed(stack))
            stack, pending = [], ""
            out.append("\\\n")
            continue
        core = span.text.strip()
        if not core:
            pending += " " if span.text else ""
            continue
        lead = span.text[: len(span.text) - len(span.text.lstrip())]
        trail = span.text[len(span.text.rstrip()) :]
        wanted = _markers(span)
        keep = 0
        while keep < len(stack) and keep < len(wanted) and stack[keep] == wanted[keep]:
            keep += 1
        out.extend(_closer(m) for m in reversed(stack[keep:]))
        out.append(" " if (pending or lead) and out else "")
        out.extend(_opener(m) for m in wanted[keep:])
        stack = wanted
        out.append(core if span.code or span.raw else escape_text(core))
        pending = trail
    out.extend(_closer(m) for m in reversed(stack))
    lines = [" ".join(part.split()) for part in "".join(out).split("\\\n")]
    return _LINE_START.sub(lambda m: "\\" + m.group(0), "\\\n".join(lines).strip(), count=1)


def token_spans(token: Token) -> list[Span]:
    """A markdown-it inline token's children as spans (the form Word runs are read into)."""
    spans: list[Span] = []
    bold = italic = False
    href: str | None = None
    for child in token.children or []:
        kind = child.type
        if kind in ("text", "code_inline"):
            spans.append(
                Span(child.content, bold=bold, italic=italic, href=href, code=kind == "code_inline")
            )
        elif kind == "softbreak":
            spans.append(Span(" "))
        elif kind == "hardbreak":
            spans.append(Span("\n"))
        elif kind in ("strong_open", "strong_close"):
            bold = kind == "strong_open"
        elif kind in ("em_open", "em_close"):
            italic = kind == "em_open"
        elif kind == "link_open":
            href = str(child.attrGet("href") or "")
        elif kind == "link_close":
            href = None
        elif kind == "image":
            spans.append(Span(child.content or "[image]", bold=bold, italic=italic, href=href))
    return spans


# -- Markdown → blocks -------------------------------------------------------------------


def title_shift(text: str) -> int:
    """1 when the draft's first block is its only `#` heading (the export's title), else 0."""
    tokens = markdown_parser().parse(text)
    h1 = [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h1"]
    return 1 if h1 == [0] else 0


def markdown_blocks(text: str) -> list[MdBlock]:
    """The draft's blocks with their canonical keys and source lines (the title left out)."""
    tokens = markdown_parser().parse(text)
    blocks = _MarkdownWalker(tokens, title_shift(text)).walk()
    lines = text.split("\n")
    for block in blocks:
        block.source = "\n".join(lines[block.start : block.end]).rstrip("\n")
    return blocks


class _MarkdownWalker:
    def __init__(self, tokens: list[Token], shift: int) -> None:
        self.tokens = tokens
        self.shift = shift
        self.lists: list[bool] = []
        self.item_first = False
        self.quote = 0
        self.out: list[MdBlock] = []

    def walk(self) -> list[MdBlock]:
        index = 0
        while index < len(self.tokens):
            index = self.step(index)
        return self.out

    def step(self, index: int) -> int:
        token = self.tokens[index]
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            self.lists.append(kind == "ordered_list_open")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
        elif kind == "list_item_open":
            self.item_first = True
        elif kind in ("blockquote_open", "blockquote_close"):
            self.quote += 1 if kind == "blockquote_open" else -1
        elif kind == "heading_open":
            self.heading(token, index)
        elif kind == "paragraph_open":
            self.paragraph(token, index)
        elif kind in ("fence", "code_block"):
            self.add(MdBlock("code", code_key(token.content)), token.map)
        elif kind == "hr":
            self.add(MdBlock("rule", "---"), token.map)
        elif kind == "tr_open":
            self.row(token, index)
        return index + 1

    def add(self, block: MdBlock, lines: list[int] | None) -> None:
        if lines:
            block.start, block.end = lines[0], lines[1]
        self.out.append(block)

    def heading(self, token: Token, index: int) -> None:
        level = int(token.tag[1])
        if self.shift and level == 1 and token.map and token.map[0] == self.tokens[0].map[0]:  # type: ignore[index]
            return
        body = inline_markdown(token_spans(self.tokens[index + 1]))
        self.add(MdBlock("heading", "#" * level + " " + body), token.map)

    def paragraph(self, token: Token, index: int) -> None:
        body = inline_markdown(token_spans(self.tokens[index + 1]))
        if self.lists:
            depth, first = len(self.lists), self.item_first
            self.item_first = False
            kind = "item" if first else "cont"
            block = MdBlock(
                kind, block_key(kind, body, depth, self.lists[-1]), depth, self.lists[-1]
            )
            if first:
                block.number = _item_number(self.tokens, index)
        elif self.quote:
            block = MdBlock("quote", "> " + body)
        else:
            block = MdBlock("paragraph", body)
        self.add(block, token.map)

    def row(self, token: Token, index: int) -> None:
        cells = []
        header = False
        while self.tokens[index].type != "tr_close":
            if self.tokens[index].type == "inline":
                header = self.tokens[index - 1].type == "th_open"
                cells.append(inline_markdown(token_spans(self.tokens[index])))
            index += 1
        lines = list(token.map) if token.map else None
        if header and lines:
            lines[1] += 1
        self.add(MdBlock("row", row_key(cells, header)), lines)


def _item_number(tokens: list[Token], index: int) -> int:
    """The number an ordered item's source gives it (1 for bullets)."""
    item = tokens[index - 1]
    info = item.info if item.type == "list_item_open" else ""
    return int(info) if info.isdigit() else 1


def block_key(kind: str, body: str, depth: int, ordered: bool) -> str:
    if kind == "item":
        return f"{'1.' if ordered else '-'}{depth} {body}"
    return f"cont{depth} {body}"


def row_key(cells: list[str], header: bool) -> str:
    line = "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"
    return line + "\n|" + "---|" * len(cells) if header else line


def code_key(content: str) -> str:
    return "```\n" + content.rstrip("\n") + "\n```"


# -- Word → blocks -----------------------------------------------------------------------


def visible(spans: list[Span], view: str) -> list[Span]:
    """The spans a reader sees with every change accepted (`accept`) or rejected (`reject`)."""
    hidden = "del" if view == "accept" else "ins"
    return [span for span in spans if span.state != hidden]


def word_blocks(doc: WordDoc, view: str, shift: int) -> list[MdBlock]:
    """The Word body as blocks, with all tracked changes accepted or all rejected."""
    hidden = "del" if view == "accept" else "ins"
    out: list[MdBlock] = []
    carry: list[Span] = []
    carry_para: WordPara | None = None
    for item in doc.body:
        if isinstance(item, WordTable):
            out.extend(_table_blocks(item, view, hidden))
            continue
        spans = carry + visible(item.spans, view)
        if item.mark == hidden:
            carry, carry_para = spans, carry_para or item
            continue
        para = (
            carry_para
            if carry_para is not None and "".join(s.text for s in carry).strip()
            else item
        )
        carry, carry_para = [], None
        block = _paragraph_block(doc, para, spans, shift)
        if block is not None:
            out.append(block)
    return _numbered(out)


def _table_blocks(table: WordTable, view: str, hidden: str) -> list[MdBlock]:
    blocks = []
    for number, row in enumerate(table.rows):
        if row.state == hidden:
            continue
        cells = [inline_markdown(_cell_spans(cell, view)) for cell in row.cells]
        header = number == 0
        if header:
            cells = [_unbold(cell) for cell in cells]
        blocks.append(MdBlock("row", row_key(cells, header)))
    return blocks


def _cell_spans(cell: list[WordPara], view: str) -> list[Span]:
    spans: list[Span] = []
    for para in cell:
        if spans:
            spans.append(Span(" "))
        spans.extend(visible(para.spans, view))
    return spans


def _unbold(cell: str) -> str:
    """A header cell written bold by the export reads as plain text."""
    inner = cell[2:-2]
    if cell.startswith("**") and cell.endswith("**") and len(cell) > 4 and "**" not in inner:
        return inner
    return cell


def paragraph_kind(doc: WordDoc, para: WordPara) -> tuple[str, int, bool]:
    """(kind, depth or level, ordered) from the paragraph's style and numbering."""
    name, style_num = doc.styles.get(para.style, (para.style.lower(), None))
    heading = _HEADING.fullmatch(name)
    if heading:
        return "heading", int(heading.group(1)), False
    if name in ("title",):
        return "title", 0, False
    if name.startswith("toc") or name == "subtitle":
        return "skip", 0, False
    listed = _LIST_STYLE.fullmatch(name)
    if listed:
        depth = int(listed.group(2) or 1)
        kind = "cont" if listed.group(1) == "continue" else "item"
        return kind, depth, listed.group(1) == "number"
    num = para.num or style_num
    if num is not None:
        fmt = doc.numbering.get(num, "bullet")
        return "item", num[1] + 1, fmt not in ("bullet", "none", "")
    if name in ("quote", "intense quote", "block text"):
        return "quote", 0, False
    return "paragraph", 0, False


def _paragraph_block(doc: WordDoc, para: WordPara, spans: list[Span], shift: int) -> MdBlock | None:
    kind, depth, ordered = paragraph_kind(doc, para)
    text = "".join(span.text for span in spans)
    if kind == "skip" or not text.strip():
        return MdBlock("rule", "---") if para.border and kind != "skip" else None
    if spans and all(s.code for s in spans if s.text.strip()) and kind == "paragraph":
        return MdBlock("code", code_key(text))
    body = inline_markdown(spans)
    if kind == "heading":
        return MdBlock("heading", "#" * min(depth + shift, 6) + " " + body)
    if kind == "title":
        return MdBlock("heading", "# " + body)
    if kind in ("item", "cont"):
        return MdBlock(kind, block_key(kind, body, depth, ordered), depth, ordered)
    if kind == "quote":
        return MdBlock("quote", "> " + body)
    return MdBlock("paragraph", body)


def _numbered(blocks: list[MdBlock]) -> list[MdBlock]:
    """Ordered items numbered 1, 2, 3… within each run of one list at the same depth."""
    counters: dict[int, tuple[bool, int]] = {}
    out = []
    for block in blocks:
        if block.kind not in ("item", "cont"):
            counters = {}
        elif block.kind == "item":
            counters = {d: n for d, n in counters.items() if d <= block.depth}
            kind, count = counters.get(block.depth, (block.ordered, 0))
            count = count + 1 if kind == block.ordered else 1
            counters[block.depth] = (block.ordered, count)
            block = replace(block, number=count)
        out.append(block)
    return out
