"""The redline's tracked changes: w:ins, w:del and paired w:moveFrom/w:moveTo ranges, authored
by the round's title and dated with the commit, in paragraphs and table rows."""

from __future__ import annotations

import re
from itertools import count
from typing import TYPE_CHECKING, Any

from docx.oxml.ns import qn

from draftctl.render.docx.comments import CommentWriter, author_of, word_date
from draftctl.render.docx.document import _el
from draftctl.render.docx.paragraphs import (
    _LINE,
    _ORDERED,
    RedlinePara,
    _single_title,
    _split_parts,
    split_paragraphs,
    table_cells,
)
from draftctl.render.docx.styles import (
    _add_format,
    _formatted_runs,
    list_style,
    restart_numbering,
    use_numbering,
)

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph

    from draftctl.consultation.config import Config
    from draftctl.review.result import AnnotatedDiff, Credit, Piece, ShownBlock


class _Redline:
    """Writes the shown blocks as paragraphs with tracked changes and anchored comments."""

    def __init__(self, doc: DocxDocument, result: AnnotatedDiff, config: Config) -> None:
        self.doc = doc
        self.result = result
        self.config = config
        self.ids = count(1)
        self.comments = CommentWriter(doc, result, config)
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
        self.comments.close()

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
            self.comments.anchor((piece.change, credit.key, self.side), credit, mark, mark)

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
            key = (block.change, credit.key, self.side)
            self.comments.anchor(key, credit, element, element, moved=self.side)

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
