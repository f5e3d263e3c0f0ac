"""Which Word reader keeps a review's structure: python-docx's object model or lxml on the XML.

Usage: python benchmarks/bench_word_readers.py BASE.md REVIEW.docx [ACCEPTED.md]

Counts, for the reviewed file, the Markdown blocks each reader recovers exactly (same kind,
same words, same emphasis and links) against the text with every tracked change accepted
(ACCEPTED.md; without it, the base text, for a file with no changes).
"""

from __future__ import annotations

import io
import sys
from difflib import SequenceMatcher
from pathlib import Path

from docx import Document
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph

from draftctl.release.word_map import (
    inline_markdown,
    markdown_blocks,
    row_key,
    title_shift,
    word_blocks,
)
from draftctl.release.word_read import Span, read_word


def _spans(para: Paragraph) -> list[Span]:
    """A paragraph's runs and hyperlinks as python-docx exposes them."""
    spans = []
    for item in para.iter_inner_content():
        if isinstance(item, Hyperlink):
            spans += [
                Span(r.text, bold=bool(r.bold), italic=bool(r.italic), href=item.address)
                for r in item.runs
            ]
        else:
            spans.append(Span(item.text, bold=bool(item.bold), italic=bool(item.italic)))
    return spans


def _python_docx_blocks(data: bytes, shift: int) -> list[str]:
    """The same canonical keys, built from python-docx paragraphs, runs and tables."""
    doc = Document(io.BytesIO(data))
    keys = []
    for para in doc.paragraphs:
        name = para.style.name.lower() if para.style is not None else ""
        words = inline_markdown(_spans(para))
        if not words or name in ("title", "subtitle") or name.startswith("toc"):
            continue
        if name.startswith("heading "):
            keys.append("#" * (int(name.split()[1]) + shift) + " " + words)
        elif name.startswith("list bullet") or name.startswith("list number"):
            marker = "1." if "number" in name else "-"
            depth = name.split()[-1] if name.split()[-1].isdigit() else "1"
            keys.append(f"{marker}{depth} {words}")
        else:
            keys.append(words)
    for table in doc.tables:
        for number, row in enumerate(table.rows):
            cells = [" ".join(c.text.split()) for c in row.cells]
            keys.append(" ".join(row_key(cells, number == 0).split()))
    return keys


def _recovered(expected: list[str], found: list[str]) -> int:
    matcher = SequenceMatcher(None, expected, found, autojunk=False)
    return sum(size for _, _, size in matcher.get_matching_blocks())


def main() -> None:
    base = Path(sys.argv[1]).read_text(encoding="utf-8")
    data = Path(sys.argv[2]).read_bytes()
    accepted = Path(sys.argv[3]).read_text(encoding="utf-8") if len(sys.argv) > 3 else base
    shift = title_shift(base)
    expected = [" ".join(b.key.split()) for b in markdown_blocks(accepted)]
    lxml_keys = [" ".join(b.key.split()) for b in word_blocks(read_word(data), "accept", shift)]
    print(f"blocks expected: {len(expected)}")
    print(f"lxml reader (draftctl): {_recovered(expected, lxml_keys)} exact")
    print(f"python-docx model:      {_recovered(expected, _python_docx_blocks(data, shift))} exact")


if __name__ == "__main__":
    main()
