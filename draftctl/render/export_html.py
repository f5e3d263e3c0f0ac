"""The clean copy as one self-contained, printable HTML page (A4 print styles, no network)."""

from __future__ import annotations

from html import escape

from draftctl.release.export import CleanCopy, Heading, markdown_parser

_CSS = """
:root { --ink: #1d232b; --muted: #5b6470; --rule: #d5dae1; --accent: #1f4e79; }
* { box-sizing: border-box; }
html { background: #eef0f3; }
body { margin: 0; color: var(--ink); font: 11.5pt/1.55 "Source Serif 4", Georgia, "DejaVu Serif",
  "Times New Roman", serif; }
.sheet { background: #fff; max-width: 210mm; margin: 24px auto; padding: 22mm 22mm 26mm;
  box-shadow: 0 1px 4px rgba(0,0,0,.12); }
h1, h2, h3, h4, h5, h6, .organisation, .label, nav, th, .colophon {
  font-family: "Source Sans 3", "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; }
.title-page { min-height: 250mm; display: flex; flex-direction: column; }
.organisation { text-transform: uppercase; letter-spacing: .14em; font-size: 10pt;
  color: var(--accent); font-weight: 600; margin-top: 30mm; }
.title-page h1 { font-size: 28pt; line-height: 1.15; margin: 10mm 0 4mm; color: var(--ink); }
.subtitle { font-size: 13pt; color: var(--muted); margin: 0 0 16mm; }
.facts { border-collapse: collapse; width: 100%; font-size: 10.5pt; }
.facts th { text-align: left; font-weight: 600; color: var(--muted); width: 32%;
  padding: 2.2mm 4mm 2.2mm 0; vertical-align: top; border-top: 1px solid var(--rule); }
.facts td { padding: 2.2mm 0; border-top: 1px solid var(--rule); word-break: break-all; }
.facts td.wrap { word-break: normal; }
.colophon { margin-top: auto; font-size: 9pt; color: var(--muted); border-top: 2px solid
  var(--accent); padding-top: 3mm; }
code, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .88em; }
nav.toc h2 { font-size: 16pt; margin: 0 0 6mm; color: var(--accent); }
nav.toc ol { list-style: none; padding-left: 0; margin: 0; }
nav.toc ol ol { padding-left: 7mm; }
nav.toc li { margin: 1.4mm 0; }
nav.toc a { color: var(--ink); text-decoration: none; }
nav.toc a:hover { color: var(--accent); text-decoration: underline; }
nav.toc .l1 > a { font-weight: 600; }
main h1, main h2 { font-size: 17pt; color: var(--accent); margin: 12mm 0 4mm;
  padding-bottom: 1.5mm; border-bottom: 1px solid var(--rule); }
main h3 { font-size: 13.5pt; margin: 8mm 0 3mm; }
main h4, main h5, main h6 { font-size: 11.5pt; margin: 6mm 0 2mm; }
main p { margin: 0 0 3.2mm; hyphens: auto; }
main li { margin: 1mm 0; }
main li > p { margin: 0; }
main blockquote { margin: 4mm 0; padding: 1mm 0 1mm 5mm; border-left: 3px solid var(--rule);
  color: var(--muted); }
main table { border-collapse: collapse; margin: 4mm 0; font-size: 10pt; }
main th, main td { border: 1px solid var(--rule); padding: 1.5mm 3mm; text-align: left; }
main pre { background: #f5f6f8; padding: 3mm; overflow-x: auto; }
main a { color: var(--accent); }
hr { border: 0; border-top: 1px solid var(--rule); margin: 8mm 0; }
@page { size: A4; margin: 20mm 20mm 22mm; }
@page { @bottom-center { content: counter(page); font: 9pt sans-serif; color: #5b6470; } }
@media print {
  html { background: #fff; }
  .sheet { box-shadow: none; margin: 0; padding: 0; max-width: none; }
  .sheet + .sheet { break-before: page; }
  .title-page { min-height: 245mm; }
  main h1, main h2, main h3 { break-after: avoid; }
  main p, main li { orphans: 3; widows: 3; }
  a { color: inherit; text-decoration: none; }
}
"""


def _facts(copy: CleanCopy) -> str:
    rows = []
    for label, value in copy.page.facts():
        cell = f'<span class="mono">{escape(value)}</span>'
        if label not in ("Commit", "Content-Digest"):
            cell = escape(value)
        klass = "" if label in ("Commit", "Content-Digest") else ' class="wrap"'
        rows.append(f'<tr><th scope="row">{escape(label)}</th><td{klass}>{cell}</td></tr>')
    return '<table class="facts">' + "".join(rows) + "</table>"


def _colophon(copy: CleanCopy) -> str:
    page = copy.page
    if page.version:
        proof = (
            f"To confirm that this text is the version <b>{escape(page.version)}</b> held in "
            "the drafts repository, run <code>draftctl verify "
            f"{escape(page.version)}</code>: it recomputes the Content-Digest above."
        )
    else:
        proof = "This copy is not a tagged version; it cannot be verified against a tag."
    return f'<p class="colophon">{proof}</p>'


def _title_page(copy: CleanCopy) -> str:
    page = copy.page
    return (
        '<section class="title-page">'
        f'<div class="organisation">{escape(page.organisation)}</div>'
        f"<h1>{escape(page.title)}</h1>"
        f'<p class="subtitle">Clean copy for delegates · {escape(page.status_line())}</p>'
        f"{_facts(copy)}{_colophon(copy)}</section>"
    )


def _toc(headings: list[Heading]) -> str:
    """Nested ordered lists of links, one level per heading level."""
    if not headings:
        return ""
    parts: list[str] = []
    depth = 0
    for heading in headings:
        while depth < heading.level:
            parts.append("<ol>")
            depth += 1
        while depth > heading.level:
            parts.append("</li></ol>")
            depth -= 1
        if parts and parts[-1] != "<ol>":
            parts.append("</li>")
        link = f'<a href="#{escape(heading.anchor)}">{escape(heading.text)}</a>'
        parts.append(f'<li class="l{heading.level}">{link}')
    parts.append("</li></ol>" * depth)
    return '<nav class="toc"><h2>Contents</h2>' + "".join(parts) + "</nav>"


def render_clean_html(copy: CleanCopy) -> str:
    """The whole page: title page, contents, then the text (draft HTML is never passed through)."""
    parser = markdown_parser()
    body = parser.renderer.render(copy.tokens, parser.options, {})
    title = escape(f"{copy.page.title} — {copy.page.version or copy.page.rev}")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(copy.page.language)}"><head><meta charset="utf-8">'
        f"<title>{title}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="draftctl"><style>{_CSS}</style></head>'
        f'<body><div class="sheet">{_title_page(copy)}</div>'
        f'<div class="sheet">{_toc(copy.toc)}</div>'
        f'<div class="sheet"><main>{body}</main></div></body></html>\n'
    )
