"""The report as a consultation response: introduction, process, respondents, changes, decision."""

from __future__ import annotations

from typing import TYPE_CHECKING

from draftctl.consultation.config import Round, Stakeholder
from draftctl.consultation.history import CommitRecord
from draftctl.review.document import Document, Items, Node, Quote, Section, Table, Text
from draftctl.review.excerpt import Excerpt, ExcerptBlock
from draftctl.review.prose import (
    capital,
    count,
    date_range,
    kind_name,
    listing,
    long_date,
    sentence,
    span,
    spelt,
)
from draftctl.review.respondents import respondent_section, respondents
from draftctl.review.said import no_change_section, said_section, section_label
from draftctl.review.setting import Mark

if TYPE_CHECKING:
    from draftctl.review.report import Report, RoundReport
    from draftctl.review.revisions import Revision

EXCERPT_WORDS = 120  # words of extract shown for one revision
EXTRACT_LABELS = {
    "new": "New text:",
    "removed": "Text removed:",
    "revised": "Text as revised:",
}


# -- 1. introduction -----------------------------------------------------------------------


def _mark(mark: Mark) -> str:
    if mark.version:
        return f"version {mark.version} ({long_date(mark.date)})"
    return f"the text as it stood on {long_date(mark.date)}"


def _scope(report: Report) -> str:
    setting, parts = report.setting, report.rounds
    if setting.span:
        frm, to = setting.span
        return f"It covers the changes made between {_mark(frm)} and {_mark(to)}."
    if len(parts) == 1 and report.scope.startswith("round "):
        item = parts[0].round
        return f"It covers one round of the consultation, ‘{item.title}’."
    points = sum(len(p.feedback) for p in parts)
    first, last = _span_dates(parts)
    when = f", held {span(first, last)}" if first or last else ""
    return (
        f"It covers {count(len(parts), 'round', words=True)} of consultation{when}, in which "
        f"{count(points, 'point')} {'was' if points == 1 else 'were'} recorded in the "
        "feedback register."
    )


def _span_dates(parts: list[RoundReport]) -> tuple[str | None, str | None]:
    opens = [p.round.opens or p.dates[0] for p in parts]
    closes = [p.round.closes or (p.dates[1] if p.round.state == "closed" else None) for p in parts]
    return min((d for d in opens if d), default=None), max((d for d in closes if d), default=None)


def _destination(report: Report) -> str:
    decision, latest = report.setting.decision, report.setting.latest_version
    if decision:
        meeting = f"the {decision.meeting}" if decision.meeting else "decision"
        return (
            f"The draft was prepared for decision by {meeting}; the version submitted, "
            f"{decision.version}, is dated {long_date(decision.date)}."
        )
    if latest:
        status = f"a {latest.status} version" if latest.status else "a version"
        return (
            "No version has yet been submitted for decision. The most recent is "
            f"{latest.version}, {status} of {long_date(latest.date)}."
        )
    return "No version of the draft has yet been named or submitted for decision."


def introduction(report: Report) -> Section:
    body: list[Node] = [
        Text(
            f"This report sets out how the draft ‘{report.title}’ was developed through "
            "consultation: who was consulted, what they said, and how the draft changed "
            "in response."
        ),
        Text(_destination(report)),
        Text(_scope(report)),
        Text(
            "Section 4 summarises, round by round, what changed and why, drawing on the "
            "reasons recorded with each revision. Section 5 sets out each point that led to "
            "a change and what was done; section 6 lists the points that led to no change, "
            "with the reasons. Section 7 records the decision and the next steps. References "
            "to the individual revisions are listed in Annex A."
        ),
    ]
    return Section("introduction", "1", "Introduction", body)


# -- 2. how the consultation ran -------------------------------------------------------------


def kinds_phrase(people: list[Stakeholder]) -> str:
    """`four UN agencies and one government body`, by kind in order of first appearance."""
    kinds: dict[str | None, int] = {}
    for person in people:
        kinds[person.kind] = kinds.get(person.kind, 0) + 1
    return listing([f"{spelt(n)} {kind_name(k, n)}" for k, n in kinds.items()])


def round_dates(item: Round, part: RoundReport, lead: str = "") -> str:
    """`2 September 2013 to 28 February 2014`, noting a round still open or planned."""
    opens = item.opens or part.dates[0]
    closes = item.closes or (part.dates[1] if item.state == "closed" else None)
    dates = date_range(opens, closes)
    dates = f"{lead}{dates}" if opens and closes else dates
    if item.state == "open":
        return f"{dates} (still open)"
    return f"{dates} (planned)" if item.state == "planned" else dates


def _method(part: RoundReport) -> str:
    if part.round.method:
        return sentence(part.round.method)
    if part.consulted:
        return sentence(f"consultation of {kinds_phrase(part.consulted)}")
    return "Not recorded."


def process(report: Report) -> Section:
    parts = report.rounds
    rows = [
        [
            [Text(p.round.title)],
            [Text(capital(round_dates(p.round, p)))],
            [Text(_method(p))],
            [Text(str(len(p.consulted)))],
            [Text(str(len(p.feedback)))],
            [Text(str(len(p.changes)))],
        ]
        for p in parts
    ]
    consulted = {s.id for p in parts for s in p.consulted}
    foot = [
        [Text("All rounds")],
        [Text("")],
        [Text("")],
        [Text(str(len(consulted)))],
        [Text(str(sum(len(p.feedback) for p in parts)))],
        [Text(str(sum(len(p.changes) for p in parts)))],
    ]
    first, last = _span_dates(parts)
    lead = (
        f"The consultation ran in {count(len(parts), 'round', words=True)}"
        + (f", {span(first, last)}." if first or last else ".")
        if len(parts) != 1
        else "This report covers one round, which ran "
        f"{round_dates(parts[0].round, parts[0], 'from ')}."
    )
    body: list[Text | Table] = [
        Text(
            lead + " Each round is listed below with how it ran, how many stakeholders it "
            "consulted, how many points were recorded and how many changes it led to."
        ),
        Table(
            "The consultation rounds",
            ["Round", "Dates", "How it ran", "Consulted", "Points raised", "Changes"],
            rows,
            (3, 4, 5),
            "rounds",
            foot if len(parts) > 1 else None,
        ),
    ]
    return Section("process", "2", "How the consultation ran", list(body))


# -- 4. what changed and why -----------------------------------------------------------------


def _overview(part: RoundReport) -> Text:
    item = part.round
    said = [f"The round ran {round_dates(item, part, 'from ')}."]
    if part.consulted:
        points = len(part.feedback)
        said.append(
            f"It consulted {kinds_phrase(part.consulted)}, and "
            f"{count(points, 'point', words=True)} {'was' if points == 1 else 'were'} "
            "recorded in the feedback register."
        )
    if not part.changes:
        said.append("It led to no change in the draft.")
    else:
        removed = count(part.deleted_words, "word") if part.deleted_words else "none"
        said.append(
            f"It led to {count(len(part.changes), 'change', words=True)} in "
            f"{count(_sections(part), 'section', words=True)} of the draft, adding "
            f"{count(part.inserted_words, 'word')} and removing {removed}."
        )
    return Text(" ".join(said))


def _sections(part: RoundReport) -> int:
    """How many sections the round's surviving edits sit in."""
    return len({s for r in part.revisions for s in r.sections} or set(part.sections))


def revision_label(report: Report, found: Revision) -> str:
    """The sections a revision changed, as the lead-in of its paragraph."""
    labels = list(dict.fromkeys(section_label(report, s) for s in found.sections))
    if len(labels) > 2:
        tops = list(dict.fromkeys(label.split(" › ")[0] for label in labels))
        labels = tops if len(tops) < len(labels) else labels
    if len(labels) > 4:
        if found.new_headings >= 3:
            return "The whole draft."
        labels = [*labels[:3], count(len(labels) - 3, "other section")]
    return "; ".join(labels) + "." if labels else ""


def _moves(report: Report, found: Revision) -> str:
    """`‘A’ was moved to a new place in the draft.`, `Moved from ‘A’ to ‘B’.`"""
    said = []
    for old, new in found.moves:
        if old and old != new:
            said.append(
                f"Moved from ‘{section_label(report, old)}’ to ‘{section_label(report, new)}’."
            )
        else:
            said.append(f"‘{section_label(report, new)}’ was moved to a new place in the draft.")
    return " ".join(dict.fromkeys(said))


def _revision(report: Report, found: Revision) -> list[Node]:
    record = found.record
    why = record.attribution.rationale or record.subject
    out: list[Node] = [Text(sentence(why), revision_label(report, found))]
    if found.blocks:
        shown = excerpt_of(found.blocks)
        out.append(Quote(_moves(report, found) or EXTRACT_LABELS[shown.kind], shown))
    return out


def excerpt_of(blocks: list[ExcerptBlock], limit: int = EXCERPT_WORDS) -> Excerpt:
    """Whole blocks up to about `limit` words (always at least one); the rest is counted."""
    shown: list[ExcerptBlock] = []
    for block in blocks:
        if shown and sum(b.words for b in shown) + block.words > limit:
            break
        shown.append(block)
    return Excerpt(shown, sum(b.words for b in blocks[len(shown) :]))


def round_changes(report: Report, index: int, part: RoundReport) -> Section:
    body: list[Node] = [_overview(part)]
    for found in part.revisions:
        body += _revision(report, found)
    return Section(f"changes-{part.round.id}", f"4.{index}", part.round.title, body)


def changes_section(report: Report) -> Section:
    intro = Text(
        "For each round, this section says what changed in the draft and why, in the words "
        "of the reasons recorded with each revision. Each reason is headed by the sections it "
        "changed and followed by an extract of the text: new text as it now reads, and "
        "revised text with added words underlined and removed words struck through."
    )
    children = [round_changes(report, i, p) for i, p in enumerate(report.rounds, 1)]
    return Section("changes", "4", "What changed and why", [intro], children)


# -- 7. decision and next steps; annex ----------------------------------------------------------


def _rest_of_note(note: str | None, outcome: str | None) -> str:
    """The outcome's note without an opening sentence that only restates the outcome."""
    text = " ".join((note or "").split())
    if outcome and text.lower().startswith(outcome.lower()):
        parts = text.split(". ", 1)
        text = parts[1] if len(parts) > 1 else ""
    return text


def next_steps(report: Report) -> list[Text]:
    steps: list[Text] = []
    decision = report.setting.decision
    if decision and decision.outcome:
        rest = _rest_of_note(decision.note, decision.outcome)
        if rest:
            steps.append(Text(sentence(rest)))
    elif decision:
        steps.append(Text("The meeting's decision will be recorded once it is taken."))
    else:
        steps.append(Text("The version put to the decision-making meeting is still to be named."))
    for item in report.setting.rounds.values():
        if item.state == "open":
            until = f", until {long_date(item.closes)}" if item.closes else ""
            steps.append(Text(f"The round ‘{item.title}’ is still open{until}."))
        elif item.state == "planned":
            start = f", from {long_date(item.opens)}" if item.opens else ""
            steps.append(Text(f"The round ‘{item.title}’ is planned{start}."))
    waiting = sum(1 for p in report.rounds for f in p.feedback if f.item.is_open)
    if waiting:
        verb = "awaits" if waiting == 1 else "await"
        steps.append(
            Text(f"{capital(count(waiting, 'point', words=True))} still {verb} a response.")
        )
    return steps


def decision_section(report: Report) -> Section:
    decision = report.setting.decision
    body: list = []
    if decision:
        meeting = f"the {decision.meeting}" if decision.meeting else "the decision-making meeting"
        body.append(
            Text(
                f"The draft was submitted to {meeting}{',' if ',' in meeting else ''} as version "
                f"{decision.version}, dated "
                f"{long_date(decision.date)}."
            )
        )
        if decision.outcome:
            when = f" on {long_date(decision.decided)}" if decision.decided else ""
            body.append(
                Text(f"At {meeting}, the policy was {decision.outcome}{when}.", "Decision.")
            )
        else:
            body.append(Text("No decision has been recorded yet.", "Decision."))
    else:
        body.append(Text(_destination(report)))
    body += [Text("", "Next steps."), Items(next_steps(report))]
    return Section("decision", "7", "Decision and next steps", body)


def annex(report: Report) -> Section:
    seen: dict[str, tuple[RoundReport, CommitRecord]] = {}
    for part in report.rounds:
        for record in part.commits:
            seen.setdefault(record.commit, (part, record))
    rows = [
        [
            [Text(long_date(record.date[:10]))],
            [Text(record.commit[:10], style="ref")],
            [Text(part.round.title)],
            [Text(record.subject)],
            [Text(", ".join(record.attribution.feedback) or "—")],
        ]
        for part, record in sorted(seen.values(), key=lambda pair: pair[1].date)
    ]
    intro = Text(
        "Every revision of the draft is recorded in the drafts repository with the round that "
        "prompted it, who prompted it and why. The references below identify each revision "
        f"covered by this report ({count(len(rows), 'revision')})."
    )
    table = Table(
        "Revisions recorded",
        ["Date", "Reference", "Round", "Revision", "In response to"],
        rows,
        (),
        "annex",
    )
    return Section("annex-revisions", "Annex A", "Revisions recorded", [intro, table])


def build_document(report: Report) -> Document:
    """The consultation response, section by section, from the report's findings."""
    sections = [
        introduction(report),
        process(report),
        respondent_section(report),
        changes_section(report),
        said_section(report),
        no_change_section(report),
        decision_section(report),
        annex(report),
    ]
    as_of = report.setting.as_of
    meta = report.name + (f" · the record as at {long_date(as_of)}" if as_of else "")
    return Document("Consultation response", report.title, meta, report.setting.language, sections)


def response_json(report: Report) -> dict[str, object]:
    """The keys the JSON report adds for the response: the document and its findings."""
    setting = report.setting
    return {
        "language": setting.language,
        "as_of": setting.as_of,
        "respondents": [k.as_json() for k in respondents(report)],
        "decision": setting.decision.as_json() if setting.decision else None,
        "next_steps": [t.plain() for t in next_steps(report)],
        "document": build_document(report).as_json(),
    }
