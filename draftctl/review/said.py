"""Sections 5 and 6 of the response: "you said, we did", and the points that led to no change."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from draftctl.consultation.config import Round
from draftctl.review.document import Section, Table, Text
from draftctl.review.prose import capital, count, long_date, sentence

if TYPE_CHECKING:
    from draftctl.review.report import FeedbackOutcome, Report, RoundReport

OUTCOMES = {
    "accepted": "Accepted",
    "partly": "Partly accepted",
    "declined": "Declined",
    "noted": "Noted",
    "open": "Awaiting a response",
}
_STATED = re.compile(r"^\s*(accepted|partly accepted|declined|noted)\s*[.:;,]\s*", re.IGNORECASE)


def section_label(report: Report, section: tuple[str, ...]) -> str:
    """A section as a reader finds it: `Definitions › Sex work`, `Opening text`."""
    if len(section) > 1 and section[0] == report.title:
        section = section[1:]
    elif section == (report.title,) or not section:
        return "Opening text"
    return " › ".join(section)


def outcome_label(status: str) -> str:
    return OUTCOMES.get(status, capital(status.replace("-", " ")))


def response_text(item: FeedbackOutcome) -> str:
    """The recorded response without an opening that only repeats the outcome."""
    text = " ".join((item.item.response or "").split())
    return capital(_STATED.sub("", text)) if text else "No response has been recorded yet."


def states_outcome(item: FeedbackOutcome) -> bool:
    """True when the response opens with its outcome in a sentence of its own words
    (`Declined as outside the scope…`), so the outcome is not put before it again."""
    text = " ".join((item.item.response or "").split()).lower()
    label = outcome_label(item.item.status).lower()
    return text.startswith(label) and not _STATED.match(text)


def said_cell(report: Report, item: FeedbackOutcome, with_round: bool = False) -> list[Text]:
    fb = item.item
    received = long_date(fb.received) if fb.received else ""
    refs = [fb.id, fb.ref or "", "" if received and received in (fb.ref or "") else received]
    if with_round:
        refs.insert(0, report.setting.rounds.get(fb.round, Round(fb.round, fb.round)).title)
    return [
        Text(sentence(fb.summary), f"{report.person(fb.source)}:"),
        Text(" · ".join(r for r in refs if r), style="small"),
    ]


def did_cell(item: FeedbackOutcome) -> list[Text]:
    if states_outcome(item):
        return [Text(response_text(item))]
    return [Text(response_text(item), f"{outcome_label(item.item.status)}.")]


def where_cell(report: Report, item: FeedbackOutcome) -> list[Text]:
    if not item.sections:
        return [Text("Changed in a revision that a later one superseded.", style="small")]
    return [Text(section_label(report, s)) for s in item.sections]


def round_said(report: Report, index: int, part: RoundReport) -> Section:
    changed = [f for f in part.feedback if f.led_to_change]
    rows = [[said_cell(report, f), did_cell(f), where_cell(report, f)] for f in changed]
    body: list = [
        Table(
            f"You said, we did: {part.round.title}",
            ["You said", "We did", "Sections changed"],
            rows,
            name="said",
        )
    ]
    others = len(part.without_change)
    if others:
        body.append(
            Text(
                f"{capital(count(others, 'further point', words=True))} raised in this round "
                f"led to no change; {'it is' if others == 1 else 'they are'} listed in "
                "section 6.",
                style="note",
            )
        )
    return Section(f"said-{part.round.id}", f"5.{index}", part.round.title, body)


def said_section(report: Report) -> Section:
    parts = [p for p in report.rounds if any(f.led_to_change for f in p.feedback)]
    total = sum(1 for p in parts for f in p.feedback if f.led_to_change)
    intro = Text(
        f"{capital(count(total, 'point', words=True))} raised in the consultation led to a "
        "change in the draft. For each, this section gives the point as recorded, the "
        "response and the sections of the draft that changed."
        if total
        else "No point raised in the consultation has yet led to a change in the draft."
    )
    children = [round_said(report, i, p) for i, p in enumerate(parts, 1)]
    return Section("you-said-we-did", "5", "You said, we did", [intro], children)


def no_change_section(report: Report) -> Section:
    items = [f for p in report.rounds for f in p.without_change]
    if not items:
        text = "Every point raised in the consultation led to a change in the draft."
        return Section("no-change", "6", "Points that led to no change", [Text(text)])
    rows = [[said_cell(report, f, with_round=True), did_cell(f)] for f in items]
    intro = Text(
        f"{capital(count(len(items), 'point', words=True))} raised in the consultation led "
        "to no change in the draft. Each is listed below with the response and its reasons."
    )
    table = Table("Points that led to no change", ["Point raised", "Response"], rows, (), "none")
    return Section("no-change", "6", "Points that led to no change", [intro, table])
