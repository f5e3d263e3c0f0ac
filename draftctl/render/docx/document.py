"""The Word package itself: a new A4 document with its language and settings, and the small
XML pieces everything else is made of (fields, footer, bookmarks, hyperlinks, rules)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
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
    from collections.abc import Iterator

    from docx.document import Document as DocxDocument

ACCENT = RGBColor(0x1F, 0x4E, 0x79)


MUTED = RGBColor(0x5B, 0x64, 0x70)


MONO = "Consolas"


TOC_INSTRUCTION = 'TOC \\o "1-3" \\h \\z \\u'


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """Text Word can hold: characters XML forbids (escape, bell…) become visible symbols."""
    return _NOT_XML.sub(
        lambda m: chr(0x2400 + ord(m.group())) if ord(m.group()) < 0x20 else "\ufffd", text
    )


def new_document(
    title: str, subject: str, keywords: str = "", language: str = "en-GB", when: str = ""
) -> DocxDocument:
    """A4 portrait, 25 mm margins, core properties and language set, fields updated on open,
    no stray empty paragraph. `when` (ISO 8601, a commit's date) dates it: never the clock."""
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
    props.created = props.modified = stamp(when)
    props.revision = 1
    doc.styles["Normal"].font.size = Pt(11)
    return doc


def stamp(when: str) -> datetime:
    """An ISO 8601 date or time as an aware UTC time (a day alone: its midnight UTC; empty or
    unreadable: the Unix epoch), so the same input always gives the same document."""
    try:
        moment = datetime.fromisoformat(when) if when else datetime.fromtimestamp(0, UTC)
    except ValueError:
        moment = datetime.fromtimestamp(0, UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


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


def track_revisions(doc: DocxDocument) -> None:
    """Turn on Track Changes, so a reviewer's own edits are tracked too."""
    settings = doc.settings.element
    later = settings.find(qn("w:defaultTabStop"))
    if later is not None:
        later.addprevious(_el("w:trackRevisions"))
    else:
        settings.append(_el("w:trackRevisions"))


def to_bytes(doc: DocxDocument) -> bytes:
    """The document's bytes, the same on every run: python-docx stamps each zip member with the
    clock, so the members are written again with one fixed time (the zip format's earliest)."""
    saved = io.BytesIO()
    doc.save(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(member, src.read(info))
    return out.getvalue()


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
