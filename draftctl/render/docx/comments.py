"""The redline's Word comments: one per change and commit, anchored on its marks, holding the
stakeholders, rationale and commit."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from docx.oxml.ns import qn

from draftctl.render.docx.document import _el, xml_safe

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

    from draftctl.consultation.config import Config
    from draftctl.review.result import AnnotatedDiff, Credit


def _initials(author: str) -> str:
    return "".join(word[0] for word in re.findall(r"[A-Za-z]\w*", author)[:3]).upper() or "R"


def _comment_lines(
    result: AnnotatedDiff, config: Config, change: int, credit: Credit, moved: str
) -> list[str]:
    from draftctl.review.result import people_names, section_label

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


class CommentWriter:
    """Adds one comment per (change, commit, side of a move) and anchors it on the change's
    marks: the range opens before the first mark and closes after the last."""

    def __init__(self, doc: DocxDocument, result: AnnotatedDiff, config: Config) -> None:
        self.doc = doc
        self.result = result
        self.config = config
        self.anchors: dict[tuple[int, str, str], tuple[int, Any]] = {}

    def anchor(
        self, key: tuple[int, str, str], credit: Credit, first: Any, last: Any, moved: str = ""
    ) -> None:
        """Open the comment on (change, credit) before its first mark; remember the last."""
        if key not in self.anchors:
            comment_id = self.add_comment(key[0], credit, moved)
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

    def close(self) -> None:
        for comment_id, last in self.anchors.values():
            end = _el("w:commentRangeEnd", id=str(comment_id))
            reference = _el("w:r")
            rpr = _el("w:rPr")
            rpr.append(_el("w:rStyle", val="CommentReference"))
            reference.append(rpr)
            reference.append(_el("w:commentReference", id=str(comment_id)))
            last.addnext(end)
            end.addnext(reference)


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
    from draftctl.review.result import round_title

    title = round_title(config, credit.round_key if credit else "unattributed")
    return title if len(title) <= AUTHOR_LIMIT else title[: AUTHOR_LIMIT - 1].rstrip() + "…"
