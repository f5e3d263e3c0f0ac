"""Word documents: the clean copy for delegates and the tracked-changes redline.

Both are built with python-docx on its default template, A4 with 25 mm margins, so Word's
own styles do the work: `Title`/`Subtitle` on the title page, `Heading 1`–`Heading 3` (and
deeper) for sections, `List Bullet`/`List Number` (and their `2`/`3` levels) for lists, each
numbered list restarting at its own first number, `Quote`, and a real `TOC` field whose
cached entries are filled in (Word refreshes page numbers on open).

The redline (`render_docx`) shows the FROM → TO diff as genuine tracked changes: `w:ins` and
`w:del` (with `w:delText`) for words, `w:moveFrom`/`w:moveTo` ranges for moved blocks, and an
inserted or deleted paragraph mark when a whole block comes or goes. Every change's
`w:author` is the consultation round's short title ("Evidence review") and `w:date` the
commit's date in UTC, so Word's Review › Show Markup › People filters by round; the
stakeholders, rationale and commit go in a Word comment anchored on the change. Both documents
carry the repository's language (`w:lang`) and ask Word to update fields on open.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import count
from typing import TYPE_CHECKING, Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from markdown_it.token import Token

    from draftctl.consultation.config import Config
    from draftctl.release.export import CleanCopy, Heading
    from draftctl.review.annotate import AnnotatedDiff, Credit, Piece, ShownBlock

ACCENT = RGBColor(0x1F, 0x4E, 0x79)
MUTED = RGBColor(0x5B, 0x64, 0x70)
MONO = "Consolas"
TOC_INSTRUCTION = 'TOC \\o "1-3" \\h \\z \\u'
_BREAKS = re.compile(r"[ \t]*\r?\n[ \t]*")
_INLINE = re.compile(r"(\*\*[^*\n]+\*\*|__[^_\n]+__|\*[^*\s][^*\n]*\*|`[^`\n]+`)")
_ORDERED = re.compile(r"[ \t]*\d{1,9}[.)]")
_PARA_BREAK = re.compile(r"(\n[ \t]*\n\s*)")
_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]|$)")
_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+")
_QUOTE = re.compile(r" {0,3}>")
_LINE = re.compile(r"\r?\n")
_PIPE = re.compile(r"(?<!\\)\|")
_DELIMITER_ROW = re.compile(r"\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*")
_PREFIX = {
    "heading": re.compile(r"[ \t]*#{1,6}(?:[ \t]+|$)"),
    "item": _ITEM,
    "quote": re.compile(r"[ \t]*(?:>[ \t]?)+"),
}


# -- shared document set-up ------------------------------------------------------------------

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """Text Word can hold: characters XML forbids (escape, bell…) become visible symbols."""
    return _NOT_XML.sub(
        lambda m: chr(0x2400 + ord(m.group())) if ord(m.group()) < 0x20 else "\ufffd", text
    )


def new_document(
    title: str, subject: str, keywords: str = "", language: str = "en-GB"
) -> DocxDocument:
    """A4 portrait, 25 mm margins, core properties and language set, fields updated on open,
    no stray empty paragraph."""
    doc = Document()
    set_language(doc, language)
    update_fields_on_open(doc)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(25))
    props = doc.core_properties
    props.title, props.subject, props.keywords = title, subject, keywords
    props.author, props.last_modified_by = "draftctl", "draftctl"
    props.created = props.modified = datetime.now(UTC).replace(microsecond=0)
    props.revision = 1
    doc.styles["Normal"].font.size = Pt(11)
    return doc


def set_language(doc: DocxDocument, language: str) -> None:
    """The document's language (BCP 47, e.g. en-GB) for Word's spelling and grammar: in the
    default run properties every style inherits, and in the core properties."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = _el("w:docDefaults")
        doc.styles.element.insert(0, defaults)
    holder = defaults.find(qn("w:rPrDefault"))
    if holder is None:
        holder = _el("w:rPrDefault")
        defaults.insert(0, holder)
    rpr = holder.find(qn("w:rPr"))
    if rpr is None:
        rpr = _el("w:rPr")
        holder.append(rpr)
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    rpr.append(_el("w:lang", val=language, bidi=language))
    doc.core_properties.language = language


# Elements that follow w:updateFields in CT_Settings, in schema order.
_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
)


def update_fields_on_open(doc: DocxDocument) -> None:
    """`w:updateFields`: Word refreshes the fields (the contents' page numbers) when opened."""
    settings = doc.settings.element
    mark = _el("w:updateFields", val="true")
    for name in _AFTER_UPDATE_FIELDS:
        later = settings.find(qn(f"w:{name}"))
        if later is not None:
            later.addprevious(mark)
            return
    settings.append(mark)


def to_bytes(doc: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _el(tag: str, **attrs: str) -> Any:
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


def add_field(paragraph: Paragraph, instruction: str, cached: str = "") -> None:
    """A complete field (begin, instruction, separate, cached result, end) in one paragraph."""
    for part in _field_runs(instruction, cached):
        paragraph._p.append(part)


def _field_runs(instruction: str, cached: str) -> Iterator[Any]:
    yield _char_run(_el("w:fldChar", fldCharType="begin"))
    instr = _el("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    yield _char_run(instr)
    yield _char_run(_el("w:fldChar", fldCharType="separate"))
    yield _text_run(cached)
    yield _char_run(_el("w:fldChar", fldCharType="end"))


def _char_run(child: Any) -> Any:
    run = _el("w:r")
    run.append(child)
    return run


def _text_run(text: str, tag: str = "w:t", rpr: Any | None = None) -> Any:
    run = _el("w:r")
    if rpr is not None:
        run.append(rpr)
    node = _el(tag)
    node.set(qn("xml:space"), "preserve")
    node.text = xml_safe(text)
    run.append(node)
    return run


def add_footer(doc: DocxDocument, label: str) -> None:
    """`label · page N of M` centred in the footer of every page."""
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = 1
    run = paragraph.add_run(f"{label} · page ")
    run.font.size, run.font.color.rgb = Pt(8.5), MUTED
    add_field(paragraph, "PAGE", "1")
    paragraph.add_run(" of ").font.size = Pt(8.5)
    add_field(paragraph, "NUMPAGES", "1")
    for item in paragraph.runs:
        item.font.size, item.font.color.rgb = Pt(8.5), MUTED


def page_break(doc: DocxDocument) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def list_style(ordered: bool, depth: int) -> str:
    base = "List Number" if ordered else "List Bullet"
    return base if depth <= 1 else f"{base} {min(depth, 3)}"


def restart_numbering(doc: DocxDocument, paragraph: Paragraph, start: int = 1) -> int:
    """A new numbering instance of the paragraph's list style that starts at `start`."""
    style_numpr = paragraph.style.element.find(qn("w:pPr") + "/" + qn("w:numPr"))  # type: ignore[union-attr]
    numbering = doc.part.numbering_part.element
    style_num = style_numpr.find(qn("w:numId")).get(qn("w:val"))
    abstract = numbering.xpath(f'w:num[@w:numId="{style_num}"]/w:abstractNumId/@w:val')[0]
    num = numbering.add_num(int(abstract))
    num.add_lvlOverride(ilvl=0).add_startOverride(start)
    return int(num.numId)


def use_numbering(paragraph: Paragraph, num_id: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    numpr = ppr.get_or_add_numPr()
    numpr.get_or_add_ilvl().val = 0
    numpr.get_or_add_numId().val = num_id


def add_bookmark(paragraph: Paragraph, name: str, bookmark_id: int) -> None:
    """Wrap the paragraph's content in a bookmark (the TOC's hyperlinks point at it)."""
    start = _el("w:bookmarkStart", id=str(bookmark_id), name=name)
    ppr = paragraph._p.pPr
    if ppr is not None:
        ppr.addnext(start)
    else:
        paragraph._p.insert(0, start)
    paragraph._p.append(_el("w:bookmarkEnd", id=str(bookmark_id)))


def add_hyperlink(paragraph: Paragraph, url: str) -> Any:
    """An external hyperlink element appended to the paragraph; runs go inside it."""
    rel = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = _el("w:hyperlink")
    link.set(qn("r:id"), rel)
    paragraph._p.append(link)
    return link


# -- the clean copy --------------------------------------------------------------------------


def render_clean_docx(copy: CleanCopy) -> bytes:
    """The clean copy: title page, TOC field, then the text with Word's own styles."""
    page = copy.page
    doc = new_document(
        page.title, f"Clean copy of {page.version or page.rev}", page.digest or "", page.language
    )
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


def rule_table(table: Any) -> None:
    """Horizontal rules only: a light line above, below and between rows, no verticals."""
    borders = _el("w:tblBorders")
    for edge in ("top", "bottom", "insideH"):
        borders.append(_el(f"w:{edge}", val="single", sz="4", space="0", color="C9D0D8"))
    for edge in ("left", "right", "insideV"):
        borders.append(_el(f"w:{edge}", val="nil"))
    table._tbl.tblPr.append(borders)
    margins = _el("w:tblCellMar")
    for edge in ("top", "bottom"):
        margins.append(_el(f"w:{edge}", w="70", type="dxa"))
    table._tbl.tblPr.append(margins)


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


def _toc_style(doc: DocxDocument, level: int) -> Any:
    """Word's built-in `TOC n` paragraph style, added to the template when missing."""
    name = f"TOC {level}"
    try:
        return doc.styles[name]
    except KeyError:
        from docx.enum.style import WD_STYLE_TYPE

        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.paragraph_format.left_indent = Mm(6 * (level - 1))
        style.paragraph_format.space_after = Pt(3 if level > 1 else 5)
        style.font.bold = level == 1
        style.unhide_when_used = True
        return style


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


# -- the redline -----------------------------------------------------------------------------


def word_date(iso: str | None) -> str | None:
    """An ISO 8601 date as Word wants it: UTC, seconds, `Z`."""
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


AUTHOR_LIMIT = 60


def author_of(config: Config, credit: Credit | None) -> str:
    """The tracked change's author as Word shows it: the round's short title only (or what
    kind of edit it is); the stakeholders and rationale go in the change's comment."""
    from draftctl.review.annotate import round_title

    title = round_title(config, credit.round_key if credit else "unattributed")
    return title if len(title) <= AUTHOR_LIMIT else title[: AUTHOR_LIMIT - 1].rstrip() + "…"


def _initials(author: str) -> str:
    return "".join(word[0] for word in re.findall(r"[A-Za-z]\w*", author)[:3]).upper() or "R"


def render_docx(result: AnnotatedDiff, config: Config) -> bytes:
    """The diff as a Word document of tracked changes (the TO text once all are accepted)."""
    title = f"Redline of {result.draft}: {result.from_rev} → {result.to_rev}"
    doc = new_document(title, "Tracked changes by consultation round", result.draft, config.lang)
    add_footer(doc, f"{result.draft}: {result.from_rev} → {result.to_rev}")
    _redline_cover(doc, result, config)
    page_break(doc)
    _Redline(doc, result, config).write()
    track_revisions(doc)
    return to_bytes(doc)


def track_revisions(doc: DocxDocument) -> None:
    """Turn on Track Changes, so a reviewer's own edits are tracked too."""
    settings = doc.settings.element
    later = settings.find(qn("w:defaultTabStop"))
    if later is not None:
        later.addprevious(_el("w:trackRevisions"))
    else:
        settings.append(_el("w:trackRevisions"))


def _redline_cover(doc: DocxDocument, result: AnnotatedDiff, config: Config) -> None:
    doc.add_paragraph(config.name or "Redline", style="Title")
    doc.add_paragraph(
        f"Tracked changes in {result.draft} from {result.from_rev} to {result.to_rev}",
        style="Subtitle",
    )
    intro = doc.add_paragraph()
    intro.add_run(
        "Every change is a Word tracked change whose author is the consultation round that "
        "prompted it, dated with its commit; the rationale and stakeholders are in a comment. "
        "Filter by round with Review › Show Markup › Specific People; accept or reject with "
        "Word's own tools."
    ).font.size = Pt(10)
    rounds = result.stats.rounds
    if not rounds:
        return
    table = doc.add_table(rows=1, cols=3)
    table.style = doc.styles["Light List Accent 1"]
    for cell, text in zip(
        table.rows[0].cells, ("Round", "Words added", "Words removed"), strict=True
    ):
        cell.paragraphs[0].add_run(text).bold = True
    for key, (added, removed) in rounds.items():
        cells = table.add_row().cells
        cells[0].text = _round_key_label(config, key)
        cells[1].text, cells[2].text = f"+{added}", f"−{removed}"


def _round_key_label(config: Config, key: str) -> str:
    from draftctl.review.annotate import round_title

    return config.round_label(key) if key in config.rounds else round_title(config, key)


class _Redline:
    """Writes the shown blocks as paragraphs with tracked changes and anchored comments."""

    def __init__(self, doc: DocxDocument, result: AnnotatedDiff, config: Config) -> None:
        self.doc = doc
        self.result = result
        self.config = config
        self.ids = count(1)
        self.anchors: dict[tuple[int, str, str], tuple[int, Any]] = {}
        self.side = ""
        self.title_block = _single_title(result.blocks)
        self.numbered: int | None = None

    def write(self) -> None:
        blocks = self.result.blocks
        index = 0
        while index < len(blocks):
            if blocks[index].kind == "row":
                end = index
                while end < len(blocks) and blocks[end].kind == "row":
                    end += 1
                self.table(blocks[index:end])
                index = end
                continue
            self.block(blocks[index], index == self.title_block)
            index += 1
        self.close_comments()

    def table(self, blocks: list[ShownBlock]) -> None:
        """Consecutive table rows as one Word table; a row that came or went is a tracked row."""
        rows = [
            (block, cells)
            for block in blocks
            for line in _split_parts([(p, p.text) for p in block.pieces], _LINE)
            if (cells := table_cells(line)) is not None
        ]
        if not rows:
            return
        self.numbered = None
        table = self.doc.add_table(rows=len(rows), cols=max(len(cells) for _, cells in rows))
        table.style = self.doc.styles["Table Grid"]
        for number, (_, cells) in enumerate(rows):
            for column, parts in enumerate(cells):
                paragraph = table.cell(number, column).paragraphs[0]
                for piece, text in parts:
                    self.piece(paragraph, piece, text)
                if number == 0:
                    for run in paragraph._p.iter(qn("w:r")):
                        _add_format(run, "w:b")
            self.row_mark(table.rows[number], cells)
        self.doc.add_paragraph()

    def row_mark(self, row: Any, cells: list[list[tuple[Piece, str]]]) -> None:
        pieces = [piece for parts in cells for piece, text in parts if text.strip()]
        ops = {piece.op for piece in pieces}
        if ops in ({"insert"}, {"delete"}):
            tag = "w:ins" if ops == {"insert"} else "w:del"
            row._tr.get_or_add_trPr().append(self.tracked(tag, self.credit(pieces[0].credit)))

    # -- one block ----------------------------------------------------------------------

    def block(self, block: ShownBlock, is_title: bool) -> None:
        """One shown block: one Word paragraph per Markdown paragraph inside it."""
        paras = split_paragraphs(block)
        self.side = block.move or ""
        credit = self.move_credit(block) if block.move else None
        for index, para in enumerate(paras):
            paragraph = self.doc.add_paragraph(style=self.style_for(para, is_title and not index))
            self.numbering(para, paragraph)
            if block.move and index == 0:
                self.move_edge(paragraph, block, credit, "RangeStart")
            for piece, text in para.parts:
                self.part(paragraph, block, piece, text, credit)
            if block.move and index == len(paras) - 1:
                self.move_edge(paragraph, block, credit, "RangeEnd")
            self.paragraph_mark(paragraph, block, para, index == len(paras) - 1)
            if para.italic:
                for run in paragraph._p.iter(qn("w:r")):
                    _add_format(run, "w:i")
        self.side = ""

    def style_for(self, para: RedlinePara, is_title: bool) -> str | None:
        if para.kind == "heading":
            if is_title:
                return "Title"
            level = para.level - (1 if self.title_block is not None else 0)
            return f"Heading {min(max(level, 1), 9)}"
        if para.kind == "item":
            depth = 1 + (len(para.source) - len(para.source.lstrip(" "))) // 2
            return list_style(bool(_ORDERED.match(para.source)), depth)
        return {"quote": "Quote", "code": "No Spacing"}.get(para.kind)

    def numbering(self, para: RedlinePara, paragraph: Paragraph) -> None:
        """Each run of numbered items starts again at its own first number."""
        match = _ORDERED.match(para.source) if para.kind == "item" else None
        if match is None:
            if para.kind != "item":
                self.numbered = None
            return
        if self.numbered is None:
            start = int(re.sub(r"\D", "", match.group(0)) or 1)
            self.numbered = restart_numbering(self.doc, paragraph, start)
        use_numbering(paragraph, self.numbered)

    def part(
        self, paragraph: Paragraph, block: ShownBlock, piece: Piece, text: str, move: Credit | None
    ) -> None:
        """Moved text goes in w:moveFrom/w:moveTo; edits inside a moved block stay ins/del."""
        if not block.move or (block.move == "to" and piece.op != "equal"):
            self.piece(paragraph, piece, text)
            return
        if text:
            mark = self.tracked("w:moveFrom" if block.move == "from" else "w:moveTo", move)
            for run in _formatted_runs(text, "w:t"):
                mark.append(run)
            paragraph._p.append(mark)
            self.move_anchor(block, move, mark)

    def piece(self, paragraph: Paragraph, piece: Piece, text: str) -> None:
        if not text:
            return
        if piece.op == "equal":
            for run in _formatted_runs(text, "w:t"):
                paragraph._p.append(run)
            return
        credit = self.credit(piece.credit)
        tag, text_tag = ("w:ins", "w:t") if piece.op == "insert" else ("w:del", "w:delText")
        mark = self.tracked(tag, credit)
        for run in _formatted_runs(text, text_tag):
            mark.append(run)
        paragraph._p.append(mark)
        if piece.change is not None and credit is not None:
            self.anchor(piece.change, credit, mark, mark)

    def move_edge(
        self, paragraph: Paragraph, block: ShownBlock, credit: Credit | None, edge: str
    ) -> None:
        """The named range around a moved block (`move<change>` pairs the two places)."""
        side = "From" if block.move == "from" else "To"
        range_id = 10_000_000 + (block.change or 0) * 2 + (side == "To")
        if edge == "RangeEnd":
            paragraph._p.append(_el(f"w:move{side}RangeEnd", id=str(range_id)))
            return
        start = self.tracked(f"w:move{side}RangeStart", credit, range_id)
        start.set(qn("w:name"), f"move{block.change or range_id}")
        paragraph._p.append(start)
        self.move_anchor(block, credit, start)

    def move_anchor(self, block: ShownBlock, credit: Credit | None, element: Any) -> None:
        if block.change is not None and credit is not None:
            self.anchor(block.change, credit, element, element, moved=self.side)

    def paragraph_mark(
        self, paragraph: Paragraph, block: ShownBlock, para: RedlinePara, last: bool
    ) -> None:
        """Track the paragraph mark when the paragraph itself came, went or moved."""
        if block.move:
            tag = "w:moveFrom" if block.move == "from" else "w:moveTo"
            credit = self.move_credit(block)
        elif not last:
            if para.break_piece is None or para.break_piece.op == "equal":
                return
            tag = "w:ins" if para.break_piece.op == "insert" else "w:del"
            credit = self.credit(para.break_piece.credit)
        else:
            ops = {p.op for p in block.pieces if p.text.strip()}
            if ops not in ({"insert"}, {"delete"}):
                return
            piece = next(p for p in block.pieces if p.text.strip())
            tag, credit = ("w:ins" if "insert" in ops else "w:del"), self.credit(piece.credit)
        rpr = _el("w:rPr")
        rpr.append(self.tracked(tag, credit))
        paragraph._p.get_or_add_pPr().append(rpr)

    # -- marks and comments -------------------------------------------------------------

    def credit(self, key: str | None) -> Credit | None:
        return self.result.credits.get(key) if key else None

    def move_credit(self, block: ShownBlock) -> Credit | None:
        if block.change is None:
            return None
        keys = self.result.change(block.change).credits
        return self.credit(keys[0]) if keys else None

    def tracked(self, tag: str, credit: Credit | None, mark_id: int | None = None) -> Any:
        mark = _el(tag, id=str(mark_id or next(self.ids)), author=author_of(self.config, credit))
        when = word_date(credit.date if credit else None)
        if when:
            mark.set(qn("w:date"), when)
        return mark

    def anchor(self, change: int, credit: Credit, first: Any, last: Any, moved: str = "") -> None:
        """Open the comment on (change, credit) before its first mark; remember the last."""
        key = (change, credit.key, self.side)
        if key not in self.anchors:
            comment_id = self.add_comment(change, credit, moved)
            first.addprevious(_el("w:commentRangeStart", id=str(comment_id)))
            self.anchors[key] = (comment_id, last)
        else:
            self.anchors[key] = (self.anchors[key][0], last)

    def add_comment(self, change: int, credit: Credit, moved: str) -> int:
        author = author_of(self.config, credit)
        comment = self.doc.comments.add_comment("", author=author, initials=_initials(author))
        when = word_date(credit.date)
        if when:
            comment._comment_elm.set(qn("w:date"), when)
        lines = _comment_lines(self.result, self.config, change, credit, moved)
        first = comment.paragraphs[0]
        first.add_run(xml_safe(lines[0]))
        for line in lines[1:]:
            comment.add_paragraph(xml_safe(line))
        return int(comment.comment_id)

    def close_comments(self) -> None:
        for comment_id, last in self.anchors.values():
            end = _el("w:commentRangeEnd", id=str(comment_id))
            reference = _el("w:r")
            rpr = _el("w:rPr")
            rpr.append(_el("w:rStyle", val="CommentReference"))
            reference.append(rpr)
            reference.append(_el("w:commentReference", id=str(comment_id)))
            last.addnext(end)
            end.addnext(reference)


def _comment_lines(
    result: AnnotatedDiff, config: Config, change: int, credit: Credit, moved: str
) -> list[str]:
    from draftctl.review.annotate import people_names, section_label

    lines = []
    if credit.rationale:
        lines.append(f"Rationale: {credit.rationale}")
    names = people_names(config, credit)
    if names:
        lines.append(f"Prompted by: {', '.join(names)}")
    if moved:
        found = result.change(change)
        where = section_label(found.section if moved == "from" else found.section_from)
        lines.append(f"Moved {'to' if moved == 'from' else 'from'}: {where}")
    detail = [author_of(config, credit), credit.short]
    if credit.date:
        detail.append(credit.date[:10])
    if credit.subject:
        detail.append(credit.subject)
    lines.append(" · ".join(detail))
    return lines


def _single_title(blocks: list[ShownBlock]) -> int | None:
    """Index of the draft's title: its only level-1 heading, when it comes first."""
    top = [i for i, b in enumerate(blocks) if b.kind == "heading" and b.level == 1]
    return 0 if top == [0] else None


def _split_parts(
    parts: list[tuple[Piece, str]], separator: re.Pattern[str]
) -> list[list[tuple[Piece, str]]]:
    """Cut (piece, text) parts wherever `separator` matches; the separators are dropped."""
    groups: list[list[tuple[Piece, str]]] = [[]]
    for piece, text in parts:
        for index, chunk in enumerate(separator.split(text)):
            if index:
                groups.append([])
            if chunk:
                groups[-1].append((piece, chunk))
    return groups


def table_cells(line: list[tuple[Piece, str]]) -> list[list[tuple[Piece, str]]] | None:
    """The cells of one Markdown table line (None for the `|---|` line or a blank one)."""
    new = "".join(text for piece, text in line if piece.op != "delete")
    source = new or "".join(text for _, text in line)
    if not source.strip() or _DELIMITER_ROW.fullmatch(source):
        return None
    cells = _split_parts(line, _PIPE)
    if source.lstrip().startswith("|"):
        cells = cells[1:]
    if source.rstrip().endswith("|") and cells:
        cells = cells[:-1]
    return [_trim(cell) for cell in cells]


def _trim(parts: list[tuple[Piece, str]]) -> list[tuple[Piece, str]]:
    if parts:
        parts[0] = (parts[0][0], parts[0][1].lstrip())
        parts[-1] = (parts[-1][0], parts[-1][1].rstrip())
    return [(piece, text.replace("\\|", "|")) for piece, text in parts if text]


def _add_format(run: Any, tag: str) -> None:
    """Add `w:b` or `w:i` to a run, in schema order (after style and fonts, `b` before `i`)."""
    rpr = run.find(qn("w:rPr"))
    if rpr is None:
        rpr = _el("w:rPr")
        run.insert(0, rpr)
    if rpr.find(qn(tag)) is None:
        earlier = {qn("w:rStyle"), qn("w:rFonts")} | ({qn("w:b")} if tag == "w:i" else set())
        rpr.insert(len([c for c in rpr if c.tag in earlier]), _el(tag))


@dataclass
class RedlinePara:
    """One Word paragraph of a shown block: its kind, display parts, and what ends it."""

    kind: str
    level: int
    source: str
    parts: list[tuple[Piece, str]] = field(default_factory=list)
    break_piece: Piece | None = None
    italic: bool = False


def split_paragraphs(block: ShownBlock) -> list[RedlinePara]:
    """Split a shown block at its blank lines (a change may span Markdown paragraphs)."""
    groups: list[tuple[list[tuple[Piece, str]], Piece | None]] = [([], None)]
    for piece in block.pieces:
        for index, chunk in enumerate(_PARA_BREAK.split(piece.text)):
            if index % 2:
                groups[-1] = (groups[-1][0], piece)
                groups.append(([], None))
            elif chunk:
                groups[-1][0].append((piece, chunk))
    while len(groups) > 1 and not groups[-1][0]:
        groups.pop()
        groups[-1] = (groups[-1][0], None)
    paras = []
    for index, (parts, ender) in enumerate(groups):
        new = "".join(text for piece, text in parts if piece.op != "delete")
        source = new or "".join(text for _, text in parts)
        kind, level = (block.kind, block.level) if index == 0 else _kind_of(source)
        shown, italic = _whole_emphasis(_display(parts, kind), source.strip())
        paras.append(RedlinePara(kind, level, source, shown, ender, italic))
    return paras


def _whole_emphasis(
    parts: list[tuple[Piece, str]], source: str
) -> tuple[list[tuple[Piece, str]], bool]:
    """A paragraph wholly in `*…*` or `_…_` (a status line, say): drop the markers, italicise."""
    wrapped = len(source) > 2 and source[0] == source[-1] and source[0] in "*_"
    if not wrapped or source[1] == source[0] or not parts:
        return parts, False
    first, last = parts[0][1], parts[-1][1]
    if not (first.startswith(source[0]) and last.endswith(source[0])):
        return parts, False
    parts = list(parts)
    parts[0] = (parts[0][0], first[1:])
    parts[-1] = (parts[-1][0], parts[-1][1][:-1])
    return parts, True


def _kind_of(source: str) -> tuple[str, int]:
    """The kind of a Markdown paragraph that starts a new block inside a shown block."""
    heading = _ATX.match(source)
    if heading:
        return "heading", len(heading.group(1))
    if _ITEM.match(source):
        return "item", 0
    return ("quote", 0) if _QUOTE.match(source) else ("paragraph", 0)


def _display(parts: list[tuple[Piece, str]], kind: str) -> list[tuple[Piece, str]]:
    """Parts without the Markdown markers opening their lines, line breaks folded to spaces."""
    prefix = _PREFIX.get(kind)
    out: list[tuple[Piece, str]] = []
    line_start = True
    for piece, text in parts:
        lines = text.split("\n")
        for index, line in enumerate(lines):
            first = index == 0 and line_start
            if prefix is not None and (first or (index > 0 and kind != "item")):
                lines[index] = prefix.sub("", line, count=1)
        shown = "\n".join(lines)
        out.append((piece, shown if kind == "code" else _BREAKS.sub(" ", shown)))
        line_start = text.endswith("\n")
    if out:
        out[-1] = (out[-1][0], out[-1][1].rstrip())
    return out


def _formatted_runs(text: str, text_tag: str) -> Iterator[Any]:
    """Runs for `text`, with `**bold**`, `*italic*` and `` `code` `` spans that lie wholly
    inside it shown as formatting (their markers dropped); anything else stays literal.
    Line breaks left in the text (code blocks) become Word line breaks."""
    for number, line in enumerate(text.split("\n")):
        if number:
            yield _char_run(_el("w:br"))
        for index, part in enumerate(_INLINE.split(line)):
            if part:
                rpr, shown = _inline_format(part) if index % 2 else (None, part)
                yield _text_run(shown, text_tag, rpr)


def _inline_format(span: str) -> tuple[Any, str]:
    rpr = _el("w:rPr")
    if span.startswith(("**", "__")):
        rpr.append(_el("w:b"))
        return rpr, span[2:-2]
    if span.startswith("`"):
        rpr.append(_el("w:rFonts", ascii=MONO, hAnsi=MONO, cs=MONO))
        return rpr, span[1:-1]
    rpr.append(_el("w:i"))
    return rpr, span[1:-1]
