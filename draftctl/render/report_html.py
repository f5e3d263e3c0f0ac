"""The consultation response as one self-contained HTML page, printable on A4."""

from __future__ import annotations

from html import escape

from draftctl.render.report_style import STYLE, page_style
from draftctl.review.document import Document, Items, Node, Quote, Section, Table, Text
from draftctl.review.excerpt import ExcerptBlock, Run
from draftctl.review.prose import count
from draftctl.review.report import Report
from draftctl.review.response import build_document

_TAGS = {"em": "em", "strong": "strong", "code": "code", "del": "s"}


def _e(text: str) -> str:
    return escape(text, quote=True)


def run_html(run: Run, marked: bool = True) -> str:
    """One run of an extract: its inline styles inside, its insertion or deletion outside."""
    html = _e(run.text)
    for style in run.styles:
        if style in _TAGS:
            html = f"<{_TAGS[style]}>{html}</{_TAGS[style]}>"
    if not marked:
        return html
    if run.op == "insert":
        return f"<ins>{html}</ins>"
    return f"<del>{html}</del>" if run.op == "delete" else html


def runs_html(runs: list[Run], marked: bool = True) -> str:
    return "".join(run_html(r, marked) for r in runs)


def _block(block: ExcerptBlock, marked: bool) -> str:
    text = runs_html(block.cells[0], marked) if block.cells else ""
    if block.kind == "heading":
        return f'<p class="x-heading">{text}</p>'
    if block.kind == "item":
        return f'<p class="x-item"><span class="x-marker">{_e(block.marker)}</span> {text}</p>'
    if block.kind == "quote":
        return f'<p class="x-quote">{text}</p>'
    return f"<p>{text}</p>"


def _rows(rows: list[ExcerptBlock], marked: bool) -> str:
    body = "".join(
        "<tr>" + "".join(f"<td>{runs_html(c, marked)}</td>" for c in row.cells) + "</tr>"
        for row in rows
    )
    return f'<div class="scroll"><table class="x-table"><tbody>{body}</tbody></table></div>'


def extract_html(blocks: list[ExcerptBlock], marked: bool = True) -> str:
    """Excerpt blocks as HTML, consecutive table rows gathered into one table; new text
    (`marked` false) reads plainly, as its label says what it is."""
    out: list[str] = []
    rows: list[ExcerptBlock] = []
    for block in blocks:
        if block.kind == "row":
            rows.append(block)
            continue
        if rows:
            out.append(_rows(rows, marked))
            rows = []
        out.append(_block(block, marked))
    if rows:
        out.append(_rows(rows, marked))
    return "".join(out)


def _quote(node: Quote) -> str:
    label = f"<figcaption>{_e(node.label)}</figcaption>" if node.label else ""
    more = node.excerpt.more_words
    tail = f'<p class="x-more">{_e(count(more, "further word"))} not shown.</p>' if more else ""
    kind = node.excerpt.kind
    body = extract_html(node.excerpt.blocks, marked=kind != "new")
    return f'<figure class="extract {kind}">{label}<blockquote>{body}</blockquote>{tail}</figure>'


def text_html(node: Text, tag: str = "p") -> str:
    lead = f"<strong>{_e(node.lead)}</strong>" if node.lead else ""
    gap = " " if lead and node.text else ""
    css = f' class="{node.style}"' if node.style else ""
    return f"<{tag}{css}>{lead}{gap}{_e(node.text)}</{tag}>"


def _cell(parts: list[Text], tag: str, label: str, numeric: bool) -> str:
    css = ' class="n"' if numeric else ""
    data = f' data-label="{_e(label)}"' if label else ""
    scope = ' scope="row"' if tag == "th" else ""
    if len(parts) == 1 and not parts[0].lead and not parts[0].style:
        inner = _e(parts[0].text)
    else:
        inner = "".join(text_html(p) for p in parts)
    return f"<{tag}{css}{data}{scope}>{inner}</{tag}>"


def table_html(node: Table) -> str:
    head = "".join(
        f'<th scope="col"{" class=n" if i in node.numeric else ""}>{_e(h)}</th>'
        for i, h in enumerate(node.head)
    )

    def row(cells: list[list[Text]], first: str = "td") -> str:
        return (
            "<tr>"
            + "".join(
                _cell(c, first if i == 0 else "td", node.head[i], i in node.numeric)
                for i, c in enumerate(cells)
            )
            + "</tr>"
        )

    body = "".join(row(r) for r in node.rows)
    foot = f"<tfoot>{row(node.foot, 'th')}</tfoot>" if node.foot else ""
    return (
        f'<div class="table"><table class="reflow {node.name}">'
        f'<caption class="sr-only">{_e(node.caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody>{foot}</table></div>"
    )


def node_html(node: Node) -> str:
    if isinstance(node, Text):
        return text_html(node)
    if isinstance(node, Items):
        return "<ul>" + "".join(text_html(i, "li") for i in node.items) + "</ul>"
    if isinstance(node, Table):
        return table_html(node)
    return _quote(node)


def _number(section: Section) -> str:
    return f'<span class="num">{_e(section.label)}</span> '


def section_html(section: Section, level: int = 2) -> str:
    heading = f'<h{level} id="{_e(section.id)}">{_number(section)}{_e(section.title)}</h{level}>'
    body = "".join(node_html(n) for n in section.body)
    children = "".join(section_html(c, level + 1) for c in section.children)
    css = "top" if level == 2 else "sub"
    return f'<section class="{css}">{heading}{body}{children}</section>'


def contents_html(doc: Document) -> str:
    def item(section: Section, inner: str = "") -> str:
        link = f'<a href="#{_e(section.id)}">{_number(section)}{_e(section.title)}</a>'
        return f"<li>{link}{inner}</li>"

    items = []
    for section in doc.sections:
        inner = "".join(item(c) for c in section.children)
        items.append(item(section, f"<ol>{inner}</ol>" if inner else ""))
    return (
        '<nav class="contents" aria-labelledby="contents">'
        f'<h2 id="contents">Contents</h2><ol>{"".join(items)}</ol></nav>'
    )


def render_document_html(doc: Document) -> str:
    """A document as one HTML page: no scripts, no external resources."""
    title = f"{doc.kicker}: {doc.title}"
    sections = "".join(section_html(s) for s in doc.sections)
    return (
        f'<!DOCTYPE html>\n<html lang="{_e(doc.lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        f"<title>{_e(title)}</title><style>{STYLE}{page_style(doc)}</style></head><body>"
        f'<header><p class="kicker">{_e(doc.kicker)}</p><h1>{_e(doc.title)}</h1>'
        f'<p class="meta">{_e(doc.meta)}</p></header>'
        f"{contents_html(doc)}<main>{sections}</main></body></html>\n"
    )


def render_report_html(report: Report) -> str:
    """The report as a consultation response in one HTML page."""
    return render_document_html(build_document(report))
