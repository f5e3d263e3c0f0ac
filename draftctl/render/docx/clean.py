"""The clean copy for delegates as a Word document: title page, contents field, then the text
written from markdown-it tokens with Word's own styles."""

from __future__ import annotations

from itertools import count
from typing import TYPE_CHECKING, Any

from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from draftctl.render.docx.document import (
    ACCENT,
    MONO,
    MUTED,
    TOC_INSTRUCTION,
    _char_run,
    _el,
    _field_runs,
    _text_run,
    add_bookmark,
    add_footer,
    add_hyperlink,
    new_document,
    page_break,
    rule_table,
    to_bytes,
    xml_safe,
)
from draftctl.render.docx.styles import _toc_style, list_style, restart_numbering, use_numbering

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph
    from markdown_it.token import Token

    from draftctl.release.export import CleanCopy, Heading


def render_clean_docx(copy: CleanCopy) -> bytes:
    """The clean copy: title page, TOC field, then the text with Word's own styles."""
    page = copy.page
    subject = f"Clean copy of {page.version or page.rev}"
    doc = new_document(page.title, subject, page.digest or "", page.language, page.date or "")
    doc.core_properties.comments = f"Content-Digest: {page.digest}" if page.digest else ""
    short = page.title if len(page.title) <= 60 else page.title[:57].rstrip() + "…"
    add_footer(doc, f"{page.version or page.rev} · {short}")
    _title_page(doc, copy)
    page_break(doc)
    _toc(doc, copy)
    page_break(doc)
    _CleanWriter(doc, copy).write()
    return to_bytes(doc)


def _title_page(doc: DocxDocument, copy: CleanCopy) -> None:
    page = copy.page
    org = doc.add_paragraph()
    org.paragraph_format.space_before = Mm(40)
    run = org.add_run(page.organisation.upper())
    run.bold, run.font.size, run.font.color.rgb = True, Pt(10), ACCENT
    doc.add_paragraph(xml_safe(page.title), style="Title")
    doc.add_paragraph(f"Clean copy for delegates · {page.status_line()}", style="Subtitle")
    _facts_table(doc, page.facts())
    note = doc.add_paragraph()
    note.paragraph_format.space_before = Mm(12)
    text = (
        f"To confirm that this text is version {page.version} in the drafts repository, run "
        f"`draftctl verify {page.version}`: it recomputes the Content-Digest above."
        if page.version
        else "This copy is not a tagged version; it cannot be verified against a tag."
    )
    _styled_runs(note, text, size=Pt(9), color=MUTED)


def _facts_table(doc: DocxDocument, facts: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=2)
    rule_table(table)
    table.autofit = False
    table.columns[0].width, table.columns[1].width = Mm(38), Mm(122)
    for label, value in facts:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Mm(38), Mm(122)
        head = cells[0].paragraphs[0].add_run(label)
        head.bold, head.font.size, head.font.color.rgb = True, Pt(9.5), MUTED
        body = cells[1].paragraphs[0].add_run(value)
        body.font.size = Pt(9.5)
        if label in ("Commit", "Content-Digest"):
            body.font.name = MONO
            body.font.size = Pt(8.5)


def _toc(doc: DocxDocument, copy: CleanCopy) -> None:
    """A TOC field over headings 1–3; its cached result already lists the entries."""
    doc.add_paragraph("Contents", style="TOC Heading")
    entries = copy.toc or []
    names = bookmark_names(copy)
    first = doc.add_paragraph()
    for part in list(_field_runs(TOC_INSTRUCTION, ""))[:3]:
        first._p.append(part)
    previous = first
    for index, heading in enumerate(entries):
        paragraph = previous if index == 0 else doc.add_paragraph()
        _toc_entry(doc, paragraph, heading, names[heading.anchor])
        previous = paragraph
    previous._p.append(_char_run(_el("w:fldChar", fldCharType="end")))


def _toc_entry(doc: DocxDocument, paragraph: Paragraph, heading: Heading, bookmark: str) -> None:
    paragraph.style = _toc_style(doc, heading.level)
    link = _el("w:hyperlink")
    link.set(qn("w:anchor"), bookmark)
    link.set(qn("w:history"), "1")
    link.append(_text_run(heading.text))
    paragraph._p.append(link)


def bookmark_names(copy: CleanCopy) -> dict[str, str]:
    """Heading anchor → Word bookmark name (`_Toc000001`…: short, unique, Word-safe)."""
    return {heading.anchor: f"_Toc{index:06d}" for index, heading in enumerate(copy.headings, 1)}


def _styled_runs(paragraph: Paragraph, text: str, **font: Any) -> None:
    """Append `text`, with `code` spans in a monospace face."""
    for index, part in enumerate(text.split("`")):
        run = paragraph.add_run(xml_safe(part))
        run.font.size = font.get("size")
        run.font.color.rgb = font.get("color")
        if index % 2:
            run.font.name = MONO


class _CleanWriter:
    """Walks the markdown-it tokens of the body and writes Word paragraphs, lists and tables."""

    def __init__(self, doc: DocxDocument, copy: CleanCopy) -> None:
        self.doc = doc
        self.copy = copy
        self.lists: list[tuple[bool, int | None]] = []
        self.item_open = False
        self.quote = 0
        self.paragraph: Paragraph | None = None
        self.bookmarks = count(1)
        self.names = bookmark_names(copy)
        self.start = 1

    def write(self) -> None:
        tokens = self.copy.tokens
        index = 0
        while index < len(tokens):
            index = self.token(tokens, index)

    def token(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        handler = getattr(self, "on_" + token.type, None)
        if token.type == "table_open":
            return self.table(tokens, index)
        if handler is not None:
            handler(token)
        return index + 1

    def on_heading_open(self, token: Token) -> None:
        level = int(token.meta.get("level", int(token.tag[1])))
        self.paragraph = self.doc.add_paragraph(style=f"Heading {min(level, 9)}")
        name = self.names.get(str(token.attrGet("id") or ""))
        if name:
            add_bookmark(self.paragraph, name, next(self.bookmarks))

    def on_paragraph_open(self, token: Token) -> None:
        self.paragraph = self.doc.add_paragraph(style=self.paragraph_style())
        if self.lists and self.item_open:
            ordered, num_id = self.lists[-1]
            if ordered and num_id is None:
                num_id = restart_numbering(self.doc, self.paragraph, self.start)
                self.lists[-1] = (ordered, num_id)
            if num_id is not None:
                use_numbering(self.paragraph, num_id)
        self.item_open = False

    def paragraph_style(self) -> str | None:
        if self.lists:
            depth = len(self.lists)
            if self.item_open:
                return list_style(self.lists[-1][0], depth)
            return "List Continue" if depth == 1 else f"List Continue {min(depth, 3)}"
        return "Quote" if self.quote else None

    def on_inline(self, token: Token) -> None:
        if self.paragraph is not None:
            InlineWriter(self.paragraph).write(token.children or [])

    def on_bullet_list_open(self, token: Token) -> None:
        self.lists.append((False, None))

    def on_ordered_list_open(self, token: Token) -> None:
        self.start = int(token.attrGet("start") or 1)
        self.lists.append((True, None))

    def on_bullet_list_close(self, token: Token) -> None:
        self.lists.pop()

    on_ordered_list_close = on_bullet_list_close

    def on_list_item_open(self, token: Token) -> None:
        self.item_open = True

    def on_blockquote_open(self, token: Token) -> None:
        self.quote += 1

    def on_blockquote_close(self, token: Token) -> None:
        self.quote -= 1

    def on_fence(self, token: Token) -> None:
        paragraph = self.doc.add_paragraph(style="No Spacing")
        for index, line in enumerate(token.content.rstrip("\n").split("\n")):
            run = paragraph.add_run(xml_safe(line))
            run.font.name, run.font.size = MONO, Pt(9.5)
            if index:
                run._r.addprevious(_char_run(_el("w:br")))

    on_code_block = on_fence

    def on_hr(self, token: Token) -> None:
        paragraph = self.doc.add_paragraph()
        border = _el("w:pBdr")
        border.append(_el("w:bottom", val="single", sz="6", space="1", color="A0A8B0"))
        paragraph._p.get_or_add_pPr().append(border)

    def table(self, tokens: list[Token], index: int) -> int:
        rows: list[list[tuple[Token, bool]]] = []
        while tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "tr_open":
                rows.append([])
            elif token.type == "inline" and rows:
                rows[-1].append((token, tokens[index - 1].type == "th_open"))
            index += 1
        self.write_table(rows)
        return index + 1

    def write_table(self, rows: list[list[tuple[Token, bool]]]) -> None:
        width = max((len(row) for row in rows), default=0)
        if not width:
            return
        table = self.doc.add_table(rows=len(rows), cols=width)
        table.style = self.doc.styles["Table Grid"]
        for cells, row in zip(table.rows, rows, strict=False):
            for cell, (token, header) in zip(cells.cells, row, strict=False):
                InlineWriter(cell.paragraphs[0], bold=header).write(token.children or [])
        self.doc.add_paragraph()


class InlineWriter:
    """Writes markdown-it inline children as runs: bold, italic, code, links, line breaks."""

    def __init__(self, paragraph: Paragraph, bold: bool = False) -> None:
        self.paragraph = paragraph
        self.bold = bold
        self.italic = False
        self.link: Any | None = None

    def write(self, children: list[Token]) -> None:
        for child in children:
            kind = child.type
            if kind in ("text", "code_inline"):
                self.run(child.content, mono=kind == "code_inline")
            elif kind == "softbreak":
                self.run(" ")
            elif kind == "hardbreak":
                self.paragraph.add_run().add_break()
            elif kind in ("strong_open", "strong_close"):
                self.bold = kind == "strong_open"
            elif kind in ("em_open", "em_close"):
                self.italic = kind == "em_open"
            elif kind == "link_open":
                self.link = add_hyperlink(self.paragraph, str(child.attrGet("href") or ""))
            elif kind == "link_close":
                self.link = None
            elif kind == "image":
                self.run(child.content or "[image]")

    def run(self, text: str, mono: bool = False) -> None:
        run = self.paragraph.add_run(xml_safe(text))
        run.bold = self.bold or None
        run.italic = self.italic or None
        if mono:
            run.font.name = MONO
        if self.link is not None:
            run.font.color.rgb, run.font.underline = ACCENT, True
            self.link.append(run._r)
