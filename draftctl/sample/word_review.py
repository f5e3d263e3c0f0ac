"""A reviewer at work in Word: tracked insertions, deletions, moves and comments written as OOXML.

Used by `draftctl demo` for the national office's returned file, and by the tests to edit
exported copies exactly as Word stores a review.
"""

from __future__ import annotations

import copy
import io
import zipfile
from typing import Any

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
DATE = "2026-11-02T09:30:00Z"
_COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
_COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"


def _w(tag: str, **attrs: str) -> etree._Element:
    element = etree.Element(f"{W}{tag}")
    for key, value in attrs.items():
        element.set(f"{W}{key}", value)
    return element


def _text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


class WordEditor:
    """Opens a Word package, edits `word/document.xml` as a reviewer would, saves it again."""

    def __init__(self, data: bytes) -> None:
        package = zipfile.ZipFile(io.BytesIO(data))
        self.parts = {name: package.read(name) for name in package.namelist()}
        self.doc = etree.fromstring(self.parts["word/document.xml"])
        self.ids = 500
        self.comments: list[etree._Element] = []

    def next_id(self) -> str:
        self.ids += 1
        return str(self.ids)

    def paragraph(self, contains: str) -> etree._Element:
        found = [p for p in self.doc.iter(f"{W}p") if contains in _text(p)]
        assert len(found) == 1, f"{len(found)} paragraphs contain {contains!r}"
        return found[0]

    def _run_at(self, para: etree._Element, text: str) -> tuple[etree._Element, int]:
        for run in para.iter(f"{W}r"):
            node = run.find(f"{W}t")
            if node is not None and node.text and text in node.text:
                return run, node.text.index(text)
        raise AssertionError(f"no single run holds {text!r}")

    def _split(self, run: etree._Element, start: int, end: int) -> etree._Element:
        """Cut `run` so that characters start..end are a run of their own; return it."""
        node = run.find(f"{W}t")
        text = node.text or ""
        pieces = [text[:start], text[start:end], text[end:]]
        made = []
        for piece in pieces:
            clone = copy.deepcopy(run)
            clone.find(f"{W}t").text = piece
            clone.find(f"{W}t").set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            made.append(clone)
        for clone in made:
            run.addprevious(clone)
        run.getparent().remove(run)
        for index in (0, 2):
            if not pieces[index]:
                made[index].getparent().remove(made[index])
        return made[1]

    def _mark(self, tag: str, author: str) -> etree._Element:
        return _w(tag, id=self.next_id(), author=author, date=DATE)

    def insert_after(self, contains: str, anchor: str, new: str, author: str) -> None:
        """A tracked insertion of `new` right after `anchor`."""
        para = self.paragraph(contains)
        run, at = self._run_at(para, anchor)
        target = self._split(run, at, at + len(anchor))
        added = copy.deepcopy(target)
        added.find(f"{W}t").text = new
        mark = self._mark("ins", author)
        mark.append(added)
        target.addnext(mark)

    def _strike(self, contains: str, old: str, author: str) -> tuple[Any, Any]:
        """Wrap `old` in `w:del`; return the mark and an unmarked copy of its run."""
        para = self.paragraph(contains)
        run, at = self._run_at(para, old)
        target = self._split(run, at, at + len(old))
        plain = copy.deepcopy(target)
        target.find(f"{W}t").tag = f"{W}delText"
        mark = self._mark("del", author)
        target.addprevious(mark)
        mark.append(target)
        return mark, plain

    def delete(self, contains: str, old: str, author: str) -> None:
        """A tracked deletion of `old`."""
        self._strike(contains, old, author)

    def replace(self, contains: str, old: str, new: str, author: str) -> None:
        """`old` struck through and `new` inserted in its place, as Word records typing over."""
        struck, added = self._strike(contains, old, author)
        added.find(f"{W}t").text = new
        mark = self._mark("ins", author)
        mark.append(added)
        struck.addnext(mark)

    def untracked(self, old: str, new: str) -> None:
        """Edit text in place, as someone typing with track changes off."""
        para = self.paragraph(old)
        run, _ = self._run_at(para, old)
        node = run.find(f"{W}t")
        node.text = node.text.replace(old, new)

    def move_after(self, contains: str, after: str, author: str) -> None:
        """Move a whole paragraph after another one, as tracked moveFrom / moveTo."""
        para, target = self.paragraph(contains), self.paragraph(after)
        moved = copy.deepcopy(para)
        self._wrap_move(para, "moveFrom", author)
        self._wrap_move(moved, "moveTo", author)
        target.addnext(moved)

    def _wrap_move(self, para: etree._Element, side: str, author: str) -> None:
        ppr = para.find(f"{W}pPr")
        if ppr is None:
            ppr = _w("pPr")
            para.insert(0, ppr)
        rpr = ppr.find(f"{W}rPr")
        if rpr is None:
            rpr = _w("rPr")
            ppr.append(rpr)
        rpr.append(self._mark(side, author))
        runs = [child for child in para if child.tag != f"{W}pPr"]
        range_id = self.next_id()
        start = _w(f"{side}RangeStart", id=range_id, author=author, date=DATE, name="move1")
        mark = self._mark(side, author)
        for run in runs:
            mark.append(run)
        para.append(start)
        para.append(mark)
        para.append(_w(f"{side}RangeEnd", id=range_id))

    def comment(self, contains: str, anchor: str, text: str, author: str) -> None:
        """A comment anchored on `anchor`."""
        para = self.paragraph(contains)
        run, at = self._run_at(para, anchor)
        target = self._split(run, at, at + len(anchor))
        ident = str(len(self.comments))
        target.addprevious(_w("commentRangeStart", id=ident))
        end = _w("commentRangeEnd", id=ident)
        target.addnext(end)
        reference = _w("r")
        reference.append(_w("commentReference", id=ident))
        end.addnext(reference)
        note = _w("comment", id=ident, author=author, date=DATE, initials=author[:2])
        body = _w("p")
        words = _w("r")
        words.append(_w("t"))
        words[0].text = text
        body.append(words)
        note.append(body)
        self.comments.append(note)

    def save(self) -> bytes:
        self.parts["word/document.xml"] = etree.tostring(
            self.doc, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        if self.comments:
            self._add_comments_part()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
            for name, data in self.parts.items():
                package.writestr(name, data)
        return out.getvalue()

    def _add_comments_part(self) -> None:
        root = _w("comments")
        for note in self.comments:
            root.append(note)
        self.parts["word/comments.xml"] = etree.tostring(
            root, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        rel_ns = "{http://schemas.openxmlformats.org/package/2006/relationships}"
        types_ns = "{http://schemas.openxmlformats.org/package/2006/content-types}"
        self._ensure(
            "word/_rels/document.xml.rels",
            f"{rel_ns}Relationship",
            {"Id": "rIdComments1", "Type": _COMMENTS_REL, "Target": "comments.xml"},
            "Target",
        )
        self._ensure(
            "[Content_Types].xml",
            f"{types_ns}Override",
            {"PartName": "/word/comments.xml", "ContentType": _COMMENTS_TYPE},
            "PartName",
        )

    def _ensure(self, part: str, tag: str, attrs: dict[str, str], key: str) -> None:
        """Add an entry to a package part unless one with the same `key` is there."""
        root = etree.fromstring(self.parts[part])
        if not any(item.get(key) == attrs[key] for item in root):
            etree.SubElement(root, tag, **attrs)
        self.parts[part] = etree.tostring(root)
