"""`diff --format docx`: the tracked-changes redline, after a cover page listing the rounds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docx.shared import Mm, Pt

from draftctl.consultation.workspace import WORKTREE
from draftctl.render.docx.document import (
    MUTED,
    add_footer,
    new_document,
    page_break,
    rule_table,
    to_bytes,
    track_revisions,
    xml_safe,
)
from draftctl.render.docx.tracked import _Redline
from draftctl.review.result import round_title

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

    from draftctl.consultation.config import Config
    from draftctl.review.result import AnnotatedDiff


def render_docx(result: AnnotatedDiff, config: Config) -> bytes:
    """The diff as a Word document of tracked changes (the TO text once all are accepted)."""
    title = f"Redline of {result.draft}: {result.from_rev} → {result.to_rev}"
    subject = "Tracked changes by consultation round"
    doc = new_document(title, subject, result.draft, config.lang, result.date)
    add_footer(doc, f"{result.draft}: {result.from_rev} → {result.to_rev}")
    _redline_cover(doc, result, config)
    page_break(doc)
    _Redline(doc, result, config).write()
    track_revisions(doc)
    return to_bytes(doc)


def _redline_cover(doc: DocxDocument, result: AnnotatedDiff, config: Config) -> None:
    doc.add_paragraph(xml_safe(config.name or "Redline"), style="Title")
    doc.add_paragraph(xml_safe(f"Tracked changes in {result.draft}"), style="Subtitle")
    for label, rev, date in (
        ("From", result.from_rev, result.from_date),
        ("To", result.to_rev, result.to_date),
    ):
        line = doc.add_paragraph()
        line.paragraph_format.space_after = Pt(2)
        head = line.add_run(f"{label}  ")
        head.bold, head.font.color.rgb = True, MUTED
        when = date[:10] if date else ("uncommitted edits" if rev == WORKTREE else "")
        line.add_run(xml_safe(f"{rev}  {when}".rstrip()))
    intro = doc.add_paragraph()
    intro.paragraph_format.space_before = Pt(10)
    intro.add_run(
        "Every change is a Word tracked change whose author is the consultation round that "
        "prompted it, dated with its commit; the stakeholders and rationale are in a comment. "
        "Filter by round with Review › Show Markup › Specific People; accept or reject with "
        "Word's own tools."
    ).font.size = Pt(10)
    if result.stats.rounds:
        _rounds_table(doc, result, config)


def _rounds_table(doc: DocxDocument, result: AnnotatedDiff, config: Config) -> None:
    """Round, who was consulted, words added and removed: one row per round."""
    widths = (Mm(48), Mm(72), Mm(20), Mm(20))
    table = doc.add_table(rows=1, cols=4)
    rule_table(table)
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for cell, text, width in zip(table.rows[0].cells, HEADERS, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].paragraph_format.space_after = Pt(0)
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size, run.font.color.rgb = True, Pt(9), MUTED
    for key, (added, removed) in result.stats.rounds.items():
        texts = (round_title(config, key), _consulted(config, key), f"+{added}", f"−{removed}")
        for index, (cell, text, width) in enumerate(
            zip(table.add_row().cells, texts, widths, strict=True)
        ):
            cell.width = width
            cell.paragraphs[0].paragraph_format.space_after = Pt(0)
            run = cell.paragraphs[0].add_run(xml_safe(text))
            run.font.size = Pt(9.5 if index != 1 else 8.5)
            run.bold = index == 0 or None
            if index == 1:
                run.font.color.rgb = MUTED


HEADERS = ("Round", "Consulted", "Added", "Removed")


def _consulted(config: Config, key: str) -> str:
    found = config.rounds.get(key)
    if found is None:
        return ""
    known = config.stakeholders
    return ", ".join(known[s].name if s in known else s for s in found.stakeholders)
