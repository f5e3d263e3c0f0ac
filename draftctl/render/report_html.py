"""The consultation outcome report as one self-contained, printable (A4) HTML page."""

from __future__ import annotations

from html import escape

from draftctl.review.annotate import Piece
from draftctl.review.report import (
    FeedbackOutcome,
    Report,
    ReportChange,
    RoundReport,
    change_groups,
    paragraphs,
    round_dates,
    trimmed,
)

STYLE = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.45 Georgia, "Times New Roman", serif; color: #1d1d1b; margin: 0 auto;
  max-width: 178mm; padding: 12mm 0; }
h1 { font-size: 20pt; line-height: 1.2; margin: 0 0 4pt; }
h2 { font-size: 15pt; margin: 18pt 0 6pt; border-bottom: 1.5pt solid #1d1d1b;
  padding-bottom: 2pt; }
h3 { font-size: 12pt; margin: 14pt 0 4pt; }
h4 { font-size: 10.5pt; margin: 10pt 0 2pt; }
h1, h2, h3, h4, .meta, table, nav, .who { font-family: "Helvetica Neue", Arial, sans-serif; }
.meta { color: #555; font-size: 9pt; margin-bottom: 12pt; }
nav ol { padding-left: 16pt; margin: 4pt 0; }
nav a { color: inherit; text-decoration: none; border-bottom: 0.5pt dotted #888; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 6pt 0 10pt; }
th, td { border: 0.5pt solid #aaa; padding: 3pt 4pt; vertical-align: top; text-align: left; }
th { background: #eee; }
td.n, th.n { text-align: right; white-space: nowrap; }
td.d { white-space: nowrap; }
nav ul { list-style: none; padding-left: 12pt; margin: 0; font-size: 9pt; }
tr { break-inside: avoid; }
dl.facts { display: grid; grid-template-columns: 30mm 1fr; gap: 2pt 8pt; margin: 4pt 0 8pt; }
dl.facts dt { font-weight: bold; font-family: "Helvetica Neue", Arial, sans-serif;
  font-size: 9pt; }
dl.facts dd { margin: 0; }
.group { border-left: 2pt solid #1f5fa8; padding: 0 0 0 8pt; margin: 8pt 0 12pt;
  break-inside: avoid-page; }
.who { font-size: 8.5pt; color: #444; }
.why { margin: 4pt 0; }
.change-label { font-size: 9pt; font-style: italic; margin: 6pt 0 2pt; }
blockquote.redline { margin: 0 0 6pt; padding: 4pt 8pt; background: #f7f6f2;
  border: 0.5pt solid #ddd; }
blockquote.redline p { margin: 0 0 4pt; }
ins { color: #14622f; background: #e3f3e6; text-decoration: underline; }
del { color: #a11d2b; background: #fbe5e7; text-decoration: line-through; }
.status { font-weight: bold; text-transform: capitalize; white-space: nowrap; }
.status.declined { color: #a11d2b; } .status.accepted { color: #14622f; }
.status.partly { color: #8a5a00; } .status.open { color: #555; }
.nochange { background: #fff7e0; }
section.round { break-before: page; }
section.round:first-of-type { break-before: auto; }
.note { color: #555; font-style: italic; }
@media print { body { padding: 0; max-width: none; } a { color: inherit; } }
"""


def _e(text: str) -> str:
    return escape(text, quote=True)


def anchor(part: RoundReport) -> str:
    return f"round-{part.round.id}"


def marked(piece: Piece) -> str:
    """One run of a redline as HTML (also used inside the Markdown report)."""
    text = escape(piece.text.strip(), quote=False)
    lead = " " if piece.text.startswith(" ") else ""
    tail = " " if piece.text.endswith(" ") else ""
    if piece.op == "insert":
        return f"{lead}<ins>{text}</ins>{tail}"
    if piece.op == "delete":
        return f"{lead}<del>{text}</del>{tail}"
    return escape(piece.text, quote=False)


def redline(pieces: list[Piece]) -> str:
    body = "".join(
        "<p>" + "".join(marked(p) for p in paragraph).strip() + "</p>"
        for paragraph in paragraphs(pieces)
    )
    return f'<blockquote class="redline">{body}</blockquote>' if body else ""


def _contents(report: Report) -> str:
    items = ['<li><a href="#summary">Summary</a></li>']
    for part in report.rounds:
        items.append(
            f'<li><a href="#{anchor(part)}">{_e(part.round.title)}</a>'
            f'<ul><li><a href="#{anchor(part)}-said">You said, we did</a></li></ul></li>'
        )
    return f'<nav><h2 id="contents">Contents</h2><ol>{"".join(items)}</ol></nav>'


def _summary(report: Report) -> str:
    head = (
        "<tr><th>Round</th><th>Dates</th><th class=n>Consulted</th><th class=n>Changes</th>"
        "<th class=n>Words added</th><th class=n>Words removed</th><th class=n>Feedback</th>"
        "<th class=n>Led to no change</th></tr>"
    )
    rows = [
        f'<tr><td><a href="#{anchor(p)}">{_e(p.round.title)}</a></td>'
        f"<td class=d>{_e(round_dates(p.round))}</td><td class=n>{len(p.consulted)}</td>"
        f"<td class=n>{len(p.changes)}</td><td class=n>{p.inserted_words}</td>"
        f"<td class=n>{p.deleted_words}</td><td class=n>{len(p.feedback)}</td>"
        f"<td class=n>{len(p.without_change)}</td></tr>"
        for p in report.rounds
    ]
    t = report.totals
    rows.append(
        f"<tr><th>Total</th><th></th><th></th><th class=n>{t['changes']}</th>"
        f"<th class=n>{t['inserted_words']}</th><th class=n>{t['deleted_words']}</th>"
        f"<th class=n>{t['feedback']}</th><th class=n>{t['no_change']}</th></tr>"
    )
    return f'<h2 id="summary">Summary</h2><table>{head}{"".join(rows)}</table>'


def _facts(report: Report, part: RoundReport) -> str:
    first, last = part.dates
    dates = f"{round_dates(part.round)} ({part.round.state})"
    if first:
        dates += f"; changes recorded {first} to {last}"
    facts = [("Dates", _e(dates))]
    consulted = "; ".join(_e(s.name) for s in part.consulted) or "no stakeholders recorded"
    facts.append(("Consulted", consulted))
    if part.prompted_by:
        facts.append(("Also prompted", "; ".join(_e(s.name) for s in part.prompted_by)))
    facts.append(
        (
            "Changes",
            f"{len(part.changes)} change(s): {part.inserted_words} words added, "
            f"{part.deleted_words} removed, in {len(part.commits)} commit(s)",
        )
    )
    if part.sections:
        facts.append(("Sections", "; ".join(_e(report.section(s)) for s in part.sections)))
    if part.frm.rev != "(none)":
        frm = part.frm.commit[:10] if part.frm.commit else "the draft's creation"
        to = part.to.commit[:10] if part.to.commit else part.to.rev
        facts.append(("Compared", _e(f"{frm} → {to}, counting only this round's changes")))
    body = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    return f'<dl class="facts">{body}</dl>'


def _group(report: Report, group: list[ReportChange]) -> str:
    ids = [str(c.id) for c in group]
    label = f"Change {ids[0]}" if len(ids) == 1 else "Changes " + ", ".join(ids)
    lead = group[0]
    people = list(dict.fromkeys(p for c in lead.credits for p in c.prompted_by))
    names = ", ".join(_e(report.person(p)) for p in people)
    out = [f"<h4>{label}" + (f": prompted by {names}" if names else "") + "</h4>"]
    for credit in lead.credits:
        bits = [credit.short, credit.date[:10] if credit.date else "", credit.subject]
        out.append('<div class="who">' + _e(" · ".join(b for b in bits if b)) + "</div>")
    cited = list(dict.fromkeys(f for c in group for f in c.feedback))
    if cited:
        out.append('<div class="who">In response to ' + _e(", ".join(cited)) + "</div>")
    out += [f'<p class="why"><b>Why:</b> {_e(r)}</p>' for r in lead.rationales]
    for change in group:
        out.append(f'<p class="change-label">Change {change.id}, {_e(report.where(change))}:</p>')
        out.append(redline(trimmed(change.redline)))
    return '<div class="group">' + "".join(out) + "</div>"


def _did(item: FeedbackOutcome) -> str:
    if not item.led_to_change:
        return "<b>No change</b>"
    changes = ", ".join(f"change {c}" for c in item.changes)
    commits = ", ".join(c.commit[:8] for c in item.commits)
    return _e(f"{changes} ({commits})" if changes else f"commits {commits}")


def _you_said(report: Report, part: RoundReport) -> str:
    title = f'<h3 id="{anchor(part)}-said">You said, we did</h3>'
    if not part.feedback:
        return title + '<p class="note">No feedback was recorded for this round.</p>'
    head = (
        "<tr><th>Feedback</th><th>From</th><th>You said</th><th>Outcome</th>"
        "<th>Our response</th><th>We did</th></tr>"
    )
    rows = []
    for out in part.feedback:
        item = out.item
        css = "" if out.led_to_change else ' class="nochange"'
        rows.append(
            f"<tr{css}><td>{_e(item.id)}</td><td>{_e(report.person(item.source))}</td>"
            f"<td>{_e(item.summary)}</td>"
            f'<td><span class="status {_e(item.status)}">{_e(item.status)}</span></td>'
            f"<td>{_e(item.response or 'no response yet')}</td><td>{_did(out)}</td></tr>"
        )
    return title + f"<table>{head}{''.join(rows)}</table>" + _no_change(report, part)


def _no_change(report: Report, part: RoundReport) -> str:
    title = "<h3>Feedback that led to no change</h3>"
    if not part.without_change:
        return title + '<p class="note">Every piece of feedback in this round led to a change.</p>'
    items = "".join(
        f"<li><b>{_e(o.item.id)}</b> ({_e(report.person(o.item.source))}, "
        f"{_e(o.item.status)}): {_e(o.item.summary)}<br><i>Response:</i> "
        f"{_e(o.item.response or 'no response yet')}</li>"
        for o in part.without_change
    )
    return title + f"<ul>{items}</ul>"


def _part(report: Report, index: int, part: RoundReport) -> str:
    body = [
        f'<section class="round" id="{anchor(part)}">',
        f"<h2>{index}. {_e(part.round.title)}</h2>",
        _facts(report, part),
        "<h3>Changes</h3>",
    ]
    if not part.changes:
        body.append('<p class="note">This round led to no change in the draft.</p>')
    body += [_group(report, g) for g in change_groups(part.changes)]
    body += [_you_said(report, part), "</section>"]
    return "".join(body)


def render_report_html(report: Report) -> str:
    """The whole report as one HTML page: no scripts, no external resources."""
    title = f"Consultation outcome report: {report.title}"
    meta = f"{report.name} · {report.draft} · {report.scope} · generated {report.generated}"
    parts = "".join(_part(report, i, p) for i, p in enumerate(report.rounds, 1))
    note = (
        '<p class="note">Some comparisons ran out of time and are approximate.</p>'
        if report.approximate
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>"
        f'<h1>{_e(title)}</h1><p class="meta">{_e(meta)}</p>'
        f"{_contents(report)}{_summary(report)}{parts}{note}</body></html>\n"
    )
