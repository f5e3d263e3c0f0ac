"""The consultation response as Markdown: the same sections as the HTML, as plain prose."""

from __future__ import annotations

import re

from draftctl.review.document import Document, Items, Node, Quote, Section, Table, Text
from draftctl.review.excerpt import ExcerptBlock, Run
from draftctl.review.prose import count
from draftctl.review.report import Report
from draftctl.review.response import build_document

_SPACE = re.compile(r"\s+")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+>=])")


def flat(text: str) -> str:
    """One line: runs of whitespace (line breaks included) become one space."""
    return _SPACE.sub(" ", text).strip()


def md(text: str) -> str:
    """Text safe inside Markdown (and a table cell): on one line, markup characters escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat(text))


def line_safe(text: str) -> str:
    """Escaped text that cannot start a list, a quote or a heading underline."""
    return _LINE_START.sub(
        lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else "\\" + m.group(3), text
    )


def run_md(run: Run, marked: bool = True) -> str:
    text = md(run.text) if run.text.strip() else " "
    lead = " " if run.text[:1].isspace() and text != " " else ""
    tail = " " if run.text[-1:].isspace() and text != " " else ""
    if run.op == "insert" and marked:
        return f"{lead}<ins>{text}</ins>{tail}"
    if run.op == "delete":
        return f"{lead}<del>{text}</del>{tail}"
    return f"{lead}{text}{tail}"


def block_md(block: ExcerptBlock, marked: bool = True) -> str:
    """One extract block as plain prose: no heading, list or table syntax."""
    cells = ["".join(run_md(r, marked) for r in cell).strip() for cell in block.cells]
    text = "; ".join(c for c in cells if c)
    if block.marker:
        marker = "•" if block.marker == "•" else block.marker.replace(".", "\\.")
        text = f"{marker} {text}"
    return line_safe(text)


def quote_md(node: Quote) -> list[str]:
    lines = [f"*{md(node.label)}*", ""] if node.label else []
    marked = node.excerpt.kind != "new"
    body = [block_md(b, marked) for b in node.excerpt.blocks]
    more = node.excerpt.more_words
    if more:
        body.append(f"({md(count(more, 'further word'))} not shown.)")
    lines += ["\n>\n".join(f"> {b}" for b in body), ""]
    return lines


def text_md(node: Text) -> str:
    lead = f"**{md(node.lead)}**" if node.lead else ""
    text = md(node.text)
    if node.style == "note":
        text = f"*{text}*" if text else ""
    return line_safe(" ".join(p for p in (lead, text) if p))


def cell_md(parts: list[Text]) -> str:
    return "<br>".join(text_md(p) for p in parts if p.lead or p.text) or " "


def table_md(node: Table) -> list[str]:
    align = ["--:" if i in node.numeric else "---" for i in range(len(node.head))]
    lines = [
        "| " + " | ".join(md(h) for h in node.head) + " |",
        "|" + "|".join(align) + "|",
    ]
    rows = [*node.rows, *([node.foot] if node.foot else [])]
    lines += ["| " + " | ".join(cell_md(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def node_md(node: Node) -> list[str]:
    if isinstance(node, Text):
        return [text_md(node), ""]
    if isinstance(node, Items):
        return [*(f"- {text_md(i)}" for i in node.items), ""]
    if isinstance(node, Table):
        return table_md(node)
    return quote_md(node)


def section_md(section: Section, level: int = 2) -> list[str]:
    lines = [f'<a id="{section.id}"></a>', "", f"{'#' * level} {md(section.heading)}", ""]
    for node in section.body:
        lines += node_md(node)
    for child in section.children:
        lines += section_md(child, level + 1)
    return lines


def render_document_markdown(doc: Document) -> str:
    lines = [f"# {md(doc.kicker)}: {md(doc.title)}", "", md(doc.meta), "", "## Contents", ""]
    for depth, section in doc.contents():
        lines.append(f"{'  ' * (depth - 1)}- [{md(section.heading)}](#{section.id})")
    lines.append("")
    for section in doc.sections:
        lines += section_md(section)
    return "\n".join(lines).rstrip("\n") + "\n"


def render_report_markdown(report: Report) -> str:
    """The report as a consultation response in one Markdown document."""
    return render_document_markdown(build_document(report))
