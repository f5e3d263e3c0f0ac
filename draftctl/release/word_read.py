"""Reading a Word file's body with lxml: paragraphs, tables, runs, tracked changes, comments.

python-docx hides what a review is made of (runs inside `w:ins`, `w:del`, `w:moveFrom` and
`w:moveTo` are not in `Paragraph.runs`), so the package's XML is read directly. Every run
keeps its state (`same`, `ins`, `del`), its author and its formatting; every paragraph mark
its own state, so a view with all changes accepted, or all rejected, can be built later.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import NamedTuple

from lxml import etree

from draftctl.errors import InvalidValue
from draftctl.release.word_props import BODY_BOOKMARK, W_NS, body_start_index

W = f"{{{W_NS}}}"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_MONO = {"consolas", "courier new", "courier", "liberation mono", "dejavu sans mono", "menlo"}
_OFF = {"0", "false", "off", "none"}
_TRACK = {f"{W}ins": "ins", f"{W}moveTo": "ins", f"{W}del": "del", f"{W}moveFrom": "del"}
_CONTAINERS = {f"{W}{tag}" for tag in ("smartTag", "fldSimple", "customXml", "sdt", "sdtContent")}
_HYPERLINK_FIELD = re.compile(r'HYPERLINK\s+"([^"]+)"')


@dataclass
class Span:
    """A piece of text with one state, author and formatting."""

    text: str
    state: str = "same"
    author: str | None = None
    moved: bool = False
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None
    raw: bool = False


@dataclass
class WordPara:
    """One paragraph: its style-derived kind and its spans; `mark` is the paragraph mark's
    state (a deleted mark joins the paragraph to the next one)."""

    style: str
    spans: list[Span] = field(default_factory=list)
    mark: str = "same"
    mark_author: str | None = None
    num: tuple[str, int] | None = None
    border: bool = False


@dataclass
class WordRow:
    cells: list[list[WordPara]]
    state: str = "same"
    author: str | None = None


@dataclass
class WordTable:
    rows: list[WordRow]


@dataclass
class Comment:
    """A reviewer's comment and the text it was anchored to."""

    id: str
    author: str
    date: str | None
    text: str
    anchor: str = ""


@dataclass
class WordDoc:
    """A Word file's body (from the body bookmark when there is one) and its comments."""

    body: list[WordPara | WordTable]
    comments: list[Comment]
    footnotes: dict[str, str]
    numbering: dict[tuple[str, int], str]
    styles: dict[str, tuple[str, tuple[str, int] | None]]
    stamped: bool = False


def _package(data: bytes) -> zipfile.ZipFile:
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        package.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError):
        raise InvalidValue(
            "not a Word document (.docx)", "save the file as Word Document (.docx) and try again"
        ) from None
    return package


def _xml(package: zipfile.ZipFile, name: str) -> etree._Element | None:
    try:
        return etree.fromstring(package.read(name))
    except KeyError:
        return None


def _on(element: etree._Element | None) -> bool:
    return element is not None and element.get(f"{W}val", "true").lower() not in _OFF


def _styles(root: etree._Element | None) -> dict[str, tuple[str, tuple[str, int] | None]]:
    """styleId → (lower-case name, numbering the style carries)."""
    found: dict[str, tuple[str, tuple[str, int] | None]] = {}
    for style in [] if root is None else root.iter(f"{W}style"):
        name = style.find(f"{W}name")
        label = (name.get(f"{W}val") if name is not None else None) or style.get(f"{W}styleId")
        found[style.get(f"{W}styleId") or ""] = (str(label).lower(), _num_of(style.find(f"{W}pPr")))
    return found


def _num_of(ppr: etree._Element | None) -> tuple[str, int] | None:
    numpr = None if ppr is None else ppr.find(f"{W}numPr")
    if numpr is None:
        return None
    num = numpr.find(f"{W}numId")
    ilvl = numpr.find(f"{W}ilvl")
    num_id = num.get(f"{W}val") if num is not None else None
    if not num_id or num_id == "0":
        return None
    return num_id, int(ilvl.get(f"{W}val", "0")) if ilvl is not None else 0


def _numbering(root: etree._Element | None) -> dict[tuple[str, int], str]:
    """(numId, level) → number format (`bullet`, `decimal`…)."""
    if root is None:
        return {}
    abstract: dict[str, dict[int, str]] = {}
    for item in root.iter(f"{W}abstractNum"):
        levels = {}
        for lvl in item.iter(f"{W}lvl"):
            fmt = lvl.find(f"{W}numFmt")
            levels[int(lvl.get(f"{W}ilvl", "0"))] = fmt.get(f"{W}val") if fmt is not None else ""
        abstract[item.get(f"{W}abstractNumId") or ""] = levels
    found = {}
    for num in root.iter(f"{W}num"):
        ref = num.find(f"{W}abstractNumId")
        levels = abstract.get(ref.get(f"{W}val") if ref is not None else "", {})
        for level, fmt in levels.items():
            found[(num.get(f"{W}numId") or "", level)] = fmt
    return found


def _rels(root: etree._Element | None) -> dict[str, str]:
    if root is None:
        return {}
    return {rel.get("Id"): rel.get("Target") for rel in root.iter(_PKG_REL)}


def _notes(root: etree._Element | None, tag: str) -> dict[str, str]:
    """Footnote (or comment) id → its plain text, paragraphs joined by spaces."""
    if root is None:
        return {}
    found = {}
    for note in root.iter(f"{W}{tag}"):
        paras = ["".join(p.itertext()).strip() for p in note.iter(f"{W}p")]
        text = " ".join(part for part in paras if part)
        if text:
            found[note.get(f"{W}id") or ""] = text
    return found


def read_word(data: bytes) -> WordDoc:
    """Parse a .docx into its body (paragraphs and tables with tracked states) and comments."""
    package = _package(data)
    document = _xml(package, "word/document.xml")
    rels = _rels(_xml(package, "word/_rels/document.xml.rels"))
    comments_xml = _xml(package, "word/comments.xml")
    reader = _BodyReader(rels, _notes(_xml(package, "word/footnotes.xml"), "footnote"))
    body_el = document.find(f"{W}body") if document is not None else None
    if body_el is None:
        raise InvalidValue("the Word document has no body", "open it in Word and save it again")
    start, stamped = _body_start(package, body_el)
    for index, child in enumerate(_top_level(body_el)):
        if index >= start:
            reader.block(child)
    comments = _comments(comments_xml, reader.anchors)
    return WordDoc(
        reader.body,
        comments,
        reader.footnotes,
        _numbering(_xml(package, "word/numbering.xml")),
        _styles(_xml(package, "word/styles.xml")),
        stamped,
    )


def _top_level(body: etree._Element) -> list[etree._Element]:
    """Paragraphs and tables of the body, content controls (`w:sdt`) opened up."""
    found = []
    for child in body:
        if child.tag in (f"{W}p", f"{W}tbl"):
            found.append(child)
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                found.extend(_top_level(content))
    return found


def _body_start(package: zipfile.ZipFile, body: etree._Element) -> tuple[int, bool]:
    """Where the draft's text starts: the body bookmark, else the clean copy's layout."""
    blocks = _top_level(body)
    for index, block in enumerate(blocks):
        for mark in block.iter(f"{W}bookmarkStart"):
            if mark.get(f"{W}name") == BODY_BOOKMARK:
                return index, True
    if "docProps/custom.xml" in package.namelist():
        start = body_start_index(package.read("word/document.xml"))
        if start is not None:
            return start, True
    return 0, False


def _comments(root: etree._Element | None, anchors: dict[str, list[str]]) -> list[Comment]:
    if root is None:
        return []
    found = []
    for item in root.iter(f"{W}comment"):
        paras = ["".join(p.itertext()).strip() for p in item.iter(f"{W}p")]
        text = " ".join(part for part in paras if part)
        ident = item.get(f"{W}id") or ""
        anchor = " ".join("".join(anchors.get(ident, [])).split())
        found.append(
            Comment(ident, item.get(f"{W}author") or "", item.get(f"{W}date"), text, anchor)
        )
    return found


class _Where(NamedTuple):
    """Where a run sits: inside which tracked change (state, author, move) and link."""

    state: str = "same"
    author: str | None = None
    moved: bool = False
    href: str | None = None


class _BodyReader:
    """Walks the body's XML in document order, keeping the tracked state of every run."""

    def __init__(self, rels: dict[str, str], footnotes: dict[str, str]) -> None:
        self.rels = rels
        self.footnotes = footnotes
        self.body: list[WordPara | WordTable] = []
        self.anchors: dict[str, list[str]] = {}
        self.open_comments: list[str] = []
        self.field_href: str | None = None
        self.field_instr: list[str] = []
        self.in_instr = False

    def block(self, element: etree._Element) -> None:
        if element.tag == f"{W}p":
            self.body.append(self.paragraph(element))
        else:
            self.body.append(self.table(element))

    def table(self, element: etree._Element) -> WordTable:
        rows = []
        for tr in element.iter(f"{W}tr"):
            if tr.getparent() is not element and tr.getparent().tag != f"{W}tbl":
                continue
            state, author = "same", None
            trpr = tr.find(f"{W}trPr")
            for tag, kind in ((f"{W}ins", "ins"), (f"{W}del", "del")):
                mark = trpr.find(tag) if trpr is not None else None
                if mark is not None:
                    state, author = kind, mark.get(f"{W}author")
            cells = [[self.paragraph(p) for p in tc.iter(f"{W}p")] for tc in tr.findall(f"{W}tc")]
            rows.append(WordRow(cells, state, author))
        return WordTable(rows)

    def paragraph(self, element: etree._Element) -> WordPara:
        ppr = element.find(f"{W}pPr")
        style_el = ppr.find(f"{W}pStyle") if ppr is not None else None
        para = WordPara(style_el.get(f"{W}val", "") if style_el is not None else "")
        para.num = _num_of(ppr)
        para.border = ppr is not None and ppr.find(f"{W}pBdr/{W}bottom") is not None
        mark_rpr = ppr.find(f"{W}rPr") if ppr is not None else None
        for child in [] if mark_rpr is None else mark_rpr:
            if child.tag in _TRACK:
                para.mark, para.mark_author = _TRACK[child.tag], child.get(f"{W}author")
        self.walk(element, para, _Where())
        return para

    def walk(self, element: etree._Element, para: WordPara, where: _Where) -> None:
        for child in element:
            tag = child.tag
            if tag in _TRACK:
                moved = tag in (f"{W}moveFrom", f"{W}moveTo")
                mark = _Where(_TRACK[tag], child.get(f"{W}author"), moved, where.href)
                self.walk(child, para, mark)
            elif tag == f"{W}r":
                self.run(child, para, where)
            elif tag == f"{W}hyperlink":
                target = self.rels.get(child.get(f"{{{R_NS}}}id") or "")
                self.walk(child, para, where._replace(href=target or where.href))
            elif tag == f"{W}commentRangeStart":
                self.open_comments.append(child.get(f"{W}id") or "")
            elif tag == f"{W}commentRangeEnd":
                ident = child.get(f"{W}id") or ""
                if ident in self.open_comments:
                    self.open_comments.remove(ident)
            elif tag in _CONTAINERS:
                self.walk(child, para, where)

    def run(self, run: etree._Element, para: WordPara, where: _Where) -> None:
        style = _run_format(run.find(f"{W}rPr"))
        for child in run:
            text = self.run_text(child)
            if not text or self.in_instr:
                continue
            href = self.field_href or where.href
            span = Span(text, where.state, where.author, where.moved, *style, href)
            span.raw = child.tag == f"{W}footnoteReference"
            para.spans.append(span)
            for ident in self.open_comments:
                self.anchors.setdefault(ident, []).append(text)

    def run_text(self, child: etree._Element) -> str:
        tag = child.tag
        if tag in (f"{W}t", f"{W}delText"):
            return child.text or ""
        if tag == f"{W}tab":
            return " "
        if tag in (f"{W}br", f"{W}cr"):
            return "" if child.get(f"{W}type") in ("page", "column") else "\n"
        if tag == f"{W}noBreakHyphen":
            return "-"
        if tag == f"{W}footnoteReference":
            return f"[^{child.get(f'{W}id')}]"
        if tag == f"{W}fldChar":
            self.field_char(child.get(f"{W}fldCharType") or "")
        elif tag in (f"{W}instrText", f"{W}delInstrText"):
            self.field_instr.append(child.text or "")
        return ""

    def field_char(self, kind: str) -> None:
        """Complex fields: the instruction is skipped; HYPERLINK results become links."""
        if kind == "begin":
            self.in_instr, self.field_instr = True, []
        elif kind == "separate":
            self.in_instr = False
            found = _HYPERLINK_FIELD.search("".join(self.field_instr))
            self.field_href = found.group(1) if found else None
        elif kind == "end":
            self.in_instr, self.field_href = False, None


def _run_format(rpr: etree._Element | None) -> tuple[bool, bool, bool]:
    """(bold, italic, code) of a run."""
    if rpr is None:
        return False, False, False
    style = rpr.find(f"{W}rStyle")
    style_name = (style.get(f"{W}val") or "").lower() if style is not None else ""
    fonts = rpr.find(f"{W}rFonts")
    face = (fonts.get(f"{W}ascii") or fonts.get(f"{W}hAnsi") or "") if fonts is not None else ""
    bold = _on(rpr.find(f"{W}b")) or style_name in ("strong", "strongemphasis")
    italic = _on(rpr.find(f"{W}i")) or style_name in ("emphasis",)
    code = face.lower() in _MONO or style_name in ("htmlcode", "sourcetext", "verbatimchar")
    return bold, italic, code
