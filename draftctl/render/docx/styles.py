"""Word styles and run formatting: list styles and their numbering, contents styles, bold and
italic in schema order, inline Markdown (`**b**`, `*i*`, `` `code` ``) as formatted runs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from draftctl.render.docx.document import MONO, _char_run, _el, _text_run

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph

_INLINE = re.compile(r"(\*\*[^*\n]+\*\*|__[^_\n]+__|\*[^*\s][^*\n]*\*|`[^`\n]+`)")


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


def _add_format(run: Any, tag: str) -> None:
    """Add `w:b` or `w:i` to a run, in schema order (after style and fonts, `b` before `i`)."""
    rpr = run.find(qn("w:rPr"))
    if rpr is None:
        rpr = _el("w:rPr")
        run.insert(0, rpr)
    if rpr.find(qn(tag)) is None:
        earlier = {qn("w:rStyle"), qn("w:rFonts")} | ({qn("w:b")} if tag == "w:i" else set())
        rpr.insert(len([c for c in rpr if c.tag in earlier]), _el(tag))


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
