"""The version stamp inside a Word file: custom document properties and the body bookmark.

`draftctl export --format docx` writes the commit, the Content-Digest (the recipe of
`release/digest.py`), the draft's path and the version name into `docProps/custom.xml`, where
Word shows them under File › Properties › Custom and keeps them when the file is edited and
saved again; `draftctl import` reads them back to find the text the reviewer started from.
A `_DraftctlBody` bookmark marks where the draft's text starts (after title page and contents).
"""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from lxml import etree

if TYPE_CHECKING:
    from draftctl.release.export import CleanCopy, TitlePage

COMMIT = "Draftctl-Commit"
DIGEST = "Draftctl-Content-Digest"
DRAFT = "Draftctl-Draft"
VERSION = "Draftctl-Version"
BODY_BOOKMARK = "_DraftctlBody"

CUSTOM_PART = "docProps/custom.xml"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


def custom_xml(props: dict[str, str]) -> bytes:
    """`docProps/custom.xml` holding `props` as text properties, in the given order."""
    rows = "".join(
        f'<property fmtid="{_FMTID}" pid="{pid}" name="{escape(name, {chr(34): "&quot;"})}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(props.items(), start=2)
    )
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    return (
        f'{head}<Properties xmlns="{_CUSTOM_NS}" xmlns:vt="{_VT_NS}">{rows}</Properties>'
    ).encode()


def stamp_docx(data: bytes, props: dict[str, str], body_start: int | None = None) -> bytes:
    """The Word file `data` with `props` as its custom properties (replacing any) and, when
    `body_start` is given, the body bookmark on that top-level paragraph (0-based)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[CUSTOM_PART] = custom_xml(props)
    parts["_rels/.rels"] = _with_custom_rel(parts["_rels/.rels"])
    parts["[Content_Types].xml"] = _with_custom_type(parts["[Content_Types].xml"])
    if body_start is not None:
        parts["word/document.xml"] = _with_body_bookmark(parts["word/document.xml"], body_start)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return out.getvalue()


def _with_custom_rel(rels: bytes) -> bytes:
    root = etree.fromstring(rels)
    for rel in root:
        if rel.get("Type") == _CUSTOM_REL:
            return rels
    taken = {rel.get("Id") for rel in root}
    number = 1
    while f"rIdCustom{number}" in taken:
        number += 1
    etree.SubElement(
        root,
        f"{{{_PKG_REL_NS}}}Relationship",
        Id=f"rIdCustom{number}",
        Type=_CUSTOM_REL,
        Target=CUSTOM_PART,
    )
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _with_custom_type(types: bytes) -> bytes:
    root = etree.fromstring(types)
    if any(item.get("PartName") == f"/{CUSTOM_PART}" for item in root):
        return types
    etree.SubElement(
        root, f"{{{_TYPES_NS}}}Override", PartName=f"/{CUSTOM_PART}", ContentType=_CUSTOM_TYPE
    )
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _with_body_bookmark(document: bytes, index: int) -> bytes:
    root = etree.fromstring(document)
    body = root.find(f"{{{W_NS}}}body")
    blocks = [child for child in body if child.tag in (f"{{{W_NS}}}p", f"{{{W_NS}}}tbl")]
    if index >= len(blocks) or blocks[index].tag != f"{{{W_NS}}}p":
        return document
    paragraph = blocks[index]
    start = etree.Element(f"{{{W_NS}}}bookmarkStart")
    start.set(f"{{{W_NS}}}id", "990001")
    start.set(f"{{{W_NS}}}name", BODY_BOOKMARK)
    end = etree.Element(f"{{{W_NS}}}bookmarkEnd")
    end.set(f"{{{W_NS}}}id", "990001")
    ppr = paragraph.find(f"{{{W_NS}}}pPr")
    position = 0 if ppr is None else list(paragraph).index(ppr) + 1
    paragraph.insert(position, end)
    paragraph.insert(position, start)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def read_custom_properties(data: bytes) -> dict[str, str]:
    """The text custom properties of a Word file ({} when it has none or is not a package)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            if CUSTOM_PART not in package.namelist():
                return {}
            root = etree.fromstring(package.read(CUSTOM_PART))
    except (zipfile.BadZipFile, etree.XMLSyntaxError):
        return {}
    found = {}
    for prop in root.iter(f"{{{_CUSTOM_NS}}}property"):
        name = prop.get("name")
        value = "".join(prop.itertext()).strip()
        if name:
            found[name] = value
    return found


def body_start_index(document: bytes) -> int | None:
    """Index of the first top-level paragraph after the title page and contents, found as
    the paragraph after the second page break (the clean copy's layout), or None."""
    root = etree.fromstring(document)
    body = root.find(f"{{{W_NS}}}body")
    blocks = [child for child in body if child.tag in (f"{{{W_NS}}}p", f"{{{W_NS}}}tbl")]
    breaks = 0
    for index, block in enumerate(blocks):
        if (
            block.tag == f"{{{W_NS}}}p"
            and block.find(f".//{{{W_NS}}}br[@{{{W_NS}}}type='page']") is not None
        ):
            breaks += 1
            if breaks == 2:
                return index + 1 if index + 1 < len(blocks) else None
    return None


def stamp_export(data: bytes, props: dict[str, str]) -> bytes:
    """The clean copy `data` stamped with its version and its body bookmark."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        document = package.read("word/document.xml")
    return stamp_docx(data, props, body_start_index(document))


def version_props(page: TitlePage) -> dict[str, str]:
    """The stamp for a clean copy's title page (nothing to stamp for a working copy)."""
    props = {DRAFT: page.draft}
    if page.commit:
        props[COMMIT] = page.commit
    if page.digest:
        props[DIGEST] = page.digest
    if page.version:
        props[VERSION] = page.version
    return props


def stamped_clean_copy(copy: CleanCopy, data: bytes) -> bytes:
    """The rendered clean copy `data`, stamped with the version it was made from."""
    return stamp_export(data, version_props(copy.page))
