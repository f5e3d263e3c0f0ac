"""The consultation outcome report as Markdown: contents, summary, then one part per round."""

from __future__ import annotations

import re

from draftctl.render.report_html import marked
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

_SPACE = re.compile(r"\s+")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def flat(text: str) -> str:
    """One line: runs of whitespace (line breaks included) become one space."""
    return _SPACE.sub(" ", text).strip()


def md(text: str) -> str:
    """Text safe inside Markdown (and a table cell): on one line, markup characters escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat(text))


def anchor(part: RoundReport) -> str:
    return f"round-{part.round.id}"


def redline(pieces: list[Piece]) -> str:
    """The change as a quotation: deleted text in <del>, inserted text in <ins>."""
    return "\n>\n".join(
        "> " + "".join(marked(p) for p in paragraph).strip() for paragraph in paragraphs(pieces)
    )


def _summary(report: Report) -> list[str]:
    lines = [
        "## Summary",
        "",
        "| Round | Dates | Consulted | Changes | Words added | Words removed | Feedback "
        "| Led to no change |",
        "|---|---|---|--:|--:|--:|--:|--:|",
    ]
    for part in report.rounds:
        lines.append(
            f"| [{md(part.round.title)}](#{anchor(part)}) | {round_dates(part.round)} "
            f"| {len(part.consulted)} | {len(part.changes)} | {part.inserted_words} "
            f"| {part.deleted_words} | {len(part.feedback)} | {len(part.without_change)} |"
        )
    totals = report.totals
    lines.append(
        f"| **Total** | | | {totals['changes']} | {totals['inserted_words']} "
        f"| {totals['deleted_words']} | {totals['feedback']} | {totals['no_change']} |"
    )
    return [*lines, ""]


def _facts(report: Report, part: RoundReport) -> list[str]:
    first, last = part.dates
    consulted = "; ".join(md(s.name) for s in part.consulted) or "no stakeholders recorded"
    lines = [
        f"- **Dates:** {round_dates(part.round)} ({part.round.state})"
        + (f"; changes recorded {first} to {last}" if first else ""),
        f"- **Consulted:** {consulted}",
    ]
    if part.prompted_by:
        lines.append(
            "- **Also prompted changes:** " + "; ".join(md(s.name) for s in part.prompted_by)
        )
    lines.append(
        f"- **Changes:** {len(part.changes)} change(s), {part.inserted_words} words added and "
        f"{part.deleted_words} removed, in {len(part.commits)} commit(s)"
    )
    if part.sections:
        lines.append("- **Sections:** " + "; ".join(md(report.section(s)) for s in part.sections))
    if part.frm.rev != "(none)":
        frm = part.frm.commit[:10] if part.frm.commit else "the draft's creation"
        to = part.to.commit[:10] if part.to.commit else part.to.rev
        lines.append(f"- **Compared:** {frm} → {to}, counting only this round's changes")
    return [*lines, ""]


def _group(report: Report, group: list[ReportChange]) -> list[str]:
    """Changes made by the same commits: who and why once, then each change's redline."""
    ids = [str(c.id) for c in group]
    label = f"Change {ids[0]}" if len(ids) == 1 else "Changes " + ", ".join(ids)
    lead = group[0]
    people = list(dict.fromkeys(p for c in lead.credits for p in c.prompted_by))
    names = ", ".join(md(report.person(p)) for p in people)
    lines = [f"#### {label}" + (f": prompted by {names}" if names else ""), ""]
    for credit in lead.credits:
        bits = [credit.short, credit.date[:10] if credit.date else "", md(credit.subject)]
        lines.append("*" + " · ".join(b for b in bits if b) + "*  ")
    cited = list(dict.fromkeys(f for c in group for f in c.feedback))
    if cited:
        lines.append("*In response to " + ", ".join(cited) + "*  ")
    lines.append("")
    for rationale in lead.rationales:
        lines += [f"**Why:** {md(rationale)}", ""]
    for change in group:
        lines += [f"*Change {change.id}, {md(report.where(change))}:*", ""]
        text = redline(trimmed(change.redline))
        lines += [text, ""] if text else []
    return lines


def _you_said(report: Report, part: RoundReport) -> list[str]:
    lines = ["### You said, we did", ""]
    if not part.feedback:
        return [*lines, "No feedback was recorded for this round.", ""]
    lines += [
        "| Feedback | From | You said | Outcome | Our response | We did |",
        "|---|---|---|---|---|---|",
    ]
    for item in part.feedback:
        lines.append(
            f"| {item.item.id} | {md(report.person(item.item.source))} | {md(item.item.summary)} "
            f"| {item.item.status} | {md(item.item.response or 'no response yet')} "
            f"| {_did(item)} |"
        )
    return [*lines, ""]


def _did(item: FeedbackOutcome) -> str:
    if not item.led_to_change:
        return "No change"
    changes = ", ".join(f"change {c}" for c in item.changes)
    commits = ", ".join(c.commit[:8] for c in item.commits)
    return f"{changes} ({commits})" if changes else f"commits {commits}"


def _no_change(report: Report, part: RoundReport) -> list[str]:
    lines = ["### Feedback that led to no change", ""]
    if not part.feedback:
        return []
    if not part.without_change:
        return [*lines, "Every piece of feedback in this round led to a change.", ""]
    for item in part.without_change:
        who = md(report.person(item.item.source))
        lines.append(
            f"- **{item.item.id}** ({who}, {item.item.status}): {md(item.item.summary)}  \n"
            f"  *Response:* {md(item.item.response or 'no response yet')}"
        )
    return [*lines, ""]


def _part(report: Report, index: int, part: RoundReport) -> list[str]:
    lines = [f'<a id="{anchor(part)}"></a>', "", f"## {index}. {md(part.round.title)}", ""]
    lines += _facts(report, part)
    lines += ["### Changes", ""]
    if not part.changes:
        lines += ["This round led to no change in the draft.", ""]
    for group in change_groups(part.changes):
        lines += _group(report, group)
    return lines + _you_said(report, part) + _no_change(report, part)


def render_report_markdown(report: Report) -> str:
    """The whole report as one Markdown document."""
    lines = [
        f"# Consultation outcome report: {md(report.title)}",
        "",
        f"{md(report.name)} · `{report.draft}` · {md(report.scope)} · generated {report.generated}",
        "",
        "## Contents",
        "",
        "- [Summary](#summary)",
    ]
    lines += [f"- [{md(p.round.title)}](#{anchor(p)})" for p in report.rounds]
    lines.append("")
    lines += _summary(report)
    for index, part in enumerate(report.rounds, 1):
        lines += _part(report, index, part)
    if report.approximate:
        lines += ["*Some comparisons ran out of time and are approximate.*", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
