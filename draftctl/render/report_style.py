"""The style sheet of the HTML consultation response: screen, phone width and A4 print."""

from __future__ import annotations

from draftctl.review.document import Document

FONTS = '"Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif'
# Colours meet WCAG AA (4.5:1) on their backgrounds: text #1a1a1a, muted #4d4d4d,
# links #1d4f91, insertions #0b5a26 on #e4f2e8, deletions #8e1b24 on #fbe9eb.
STYLE = """
:root { --ink: #1a1a1a; --muted: #4d4d4d; --rule: #8c8c8c; --pale: #eef1f4;
  --link: #1d4f91; --sans: %FONTS%; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { font: 16px/1.55 var(--sans); color: var(--ink); background: #fff; margin: 0 auto;
  max-width: 48rem; padding: 2.5rem 1.5rem 4rem; overflow-wrap: break-word; }
header { border-bottom: 3px solid var(--ink); padding-bottom: 1rem; margin-bottom: 1.5rem; }
.kicker { font-size: 0.95em; font-weight: 600; letter-spacing: 0.04em; text-transform: uppercase;
  color: var(--muted); margin: 0 0 0.4rem; }
h1 { font-size: 1.9em; line-height: 1.2; margin: 0 0 0.6rem; }
h2 { font-size: 1.4em; line-height: 1.25; margin: 2.4rem 0 0.8rem; padding-top: 0.6rem;
  border-top: 1px solid var(--rule); }
h3 { font-size: 1.15em; line-height: 1.3; margin: 1.8rem 0 0.6rem; }
h2, h3, figcaption, caption { break-after: avoid; page-break-after: avoid; }
.num { display: inline-block; min-width: 2.2em; color: var(--muted); }
.meta { color: var(--muted); margin: 0; }
p { margin: 0 0 0.75rem; orphans: 3; widows: 3; }
a { color: var(--link); }
ul { margin: 0 0 1rem; padding-left: 1.4rem; }
li { margin-bottom: 0.35rem; }
.note { color: var(--muted); font-style: italic; }
.small { font-size: 0.88em; color: var(--muted); margin: 0.25rem 0 0; }
.ref { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 0.85em; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
nav.contents { background: var(--pale); padding: 0.8rem 1.2rem 0.6rem; margin: 0 0 1rem; }
nav.contents h2 { border: 0; margin: 0 0 0.4rem; padding: 0; font-size: 1.1em; }
nav.contents ol { list-style: none; margin: 0; padding: 0; }
nav.contents ol ol { padding-left: 2.2em; font-size: 0.95em; }
nav.contents li { margin: 0.15rem 0; }
nav.contents a { display: grid; grid-template-columns: minmax(2.2em, max-content) 1fr;
  column-gap: 0.4em; }
nav.contents .num { min-width: 0; }
nav.contents a { text-decoration: none; color: var(--ink); }
nav.contents a:hover, nav.contents a:focus { text-decoration: underline; }
.table { margin: 0.5rem 0 1.2rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
th, td { text-align: left; vertical-align: top; padding: 0.45rem 0.55rem;
  border-bottom: 1px solid var(--rule); }
thead th { background: var(--pale); border-bottom: 2px solid var(--ink); }
thead { display: table-header-group; }
tfoot th, tfoot td { font-weight: 600; border-top: 2px solid var(--ink); border-bottom: 0; }
td p, th p { margin: 0 0 0.35rem; }
td p:last-child, th p:last-child { margin-bottom: 0; }
.n { text-align: right; white-space: nowrap; }
tr { break-inside: avoid; page-break-inside: avoid; }
tbody tr:first-child { break-before: avoid; page-break-before: avoid; }
table.rounds th:nth-child(1) { width: 22%; }
table.rounds th:nth-child(2) { width: 19%; }
table.rounds th.n { width: 9%; white-space: normal; }
table.kinds th.n { width: 16%; }
table.annex th:nth-child(3) { width: 24%; }
table.annex th:nth-child(5) { width: 14%; }
table.said td:first-child, table.none td:first-child { width: 36%; }
table.said td:last-child { width: 22%; }
table.annex td:first-child { white-space: nowrap; }
figure.extract { margin: 0.2rem 0 1.3rem; padding: 0.6rem 0.9rem; background: #f7f7f5;
  border-left: 4px solid var(--rule); }
figure.extract blockquote { margin: 0; }
figure.extract p { margin: 0 0 0.5rem; }
figure.extract p:last-child { margin-bottom: 0; }
figure.extract blockquote > :nth-child(2) { break-before: avoid; }
figcaption { font-size: 0.88em; font-weight: 600; color: var(--muted); margin-bottom: 0.4rem; }
figure.extract.new { border-left-color: #2e7d4f; }
figure.extract.removed { border-left-color: #a3333d; }
.x-heading { font-weight: 700; }
.x-item { padding-left: 2em; text-indent: -2em; }
.x-marker { display: inline-block; min-width: 2em; text-indent: 0; }
.x-quote { border-left: 2px solid var(--rule); padding-left: 0.6rem; }
.x-more { font-size: 0.88em; color: var(--muted); margin: 0.5rem 0 0; }
.scroll { overflow-x: auto; }
table.x-table { font-size: 0.88em; margin: 0.2rem 0 0.5rem; }
table.x-table td { border: 1px solid #c4c4c4; }
ins { text-decoration: underline; text-decoration-thickness: 1px; color: #0b5a26;
  background: #e4f2e8; }
del { text-decoration: line-through; color: #8e1b24; background: #fbe9eb; }
@media screen and (max-width: 40rem) {
  body { padding: 1.25rem 1rem 3rem; font-size: 15px; }
  h1 { font-size: 1.5em; }
  h2 { font-size: 1.25em; }
  .num { min-width: 0; margin-right: 0.3em; }
  nav.contents ol ol { padding-left: 1rem; }
  table.reflow, table.reflow tbody, table.reflow tfoot, table.reflow tr,
  table.reflow td, table.reflow th { display: block; width: auto !important; }
  table.reflow thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); }
  table.reflow tr { border-bottom: 1px solid var(--rule); padding: 0.5rem 0; }
  table.reflow td, table.reflow th { border: 0; padding: 0.15rem 0; text-align: left; }
  table.reflow td[data-label]::before, table.reflow th[data-label]::before {
    content: attr(data-label); display: block; font-size: 0.8em; font-weight: 600;
    color: var(--muted); text-transform: uppercase; letter-spacing: 0.03em; }
  table.reflow td:first-child::before, table.reflow tfoot th:first-child::before {
    content: none; }
  table.reflow td:first-child { font-weight: 600; }
  table.reflow td.n, table.reflow th.n { display: flex; gap: 0.5rem; white-space: normal; }
  table.reflow td.n::before, table.reflow th.n::before { display: inline; font-size: 0.85em; }
  table.said td:first-child, table.none td:first-child { font-weight: normal; }
}
@media print {
  body { font-size: 10pt; line-height: 1.45; max-width: none; padding: 0; }
  h1 { font-size: 20pt; }
  h2 { font-size: 14pt; margin-top: 18pt; }
  h3 { font-size: 11.5pt; margin-top: 12pt; }
  a { color: inherit; text-decoration: none; }
  nav.contents { background: none; padding: 0; }
  nav.contents h2 { font-size: 14pt; margin-bottom: 8pt; }
  table { font-size: 8.8pt; }
  figure.extract { break-inside: auto; }
  figure.extract p { break-inside: avoid; }
}
""".replace("%FONTS%", FONTS)


def _css_string(text: str) -> str:
    """Text as a CSS string literal."""
    safe = "".join(c if c.isprintable() and c not in '"\\<>' else " " for c in text)
    return f'"{safe}"'


def page_style(doc: Document) -> str:
    """The A4 page: margins, a running header naming the response, page numbers."""
    running = _css_string(f"{doc.kicker} · {doc.meta.split(' · ')[0]}")
    return f"""
@page {{ size: A4; margin: 20mm 18mm 20mm 18mm;
  @top-left {{ content: {running}; font: 8pt {FONTS}; color: #4d4d4d; }}
  @bottom-right {{ content: "Page " counter(page) " of " counter(pages);
    font: 8pt {FONTS}; color: #4d4d4d; }} }}
@page :first {{ @top-left {{ content: none; }} }}
"""
