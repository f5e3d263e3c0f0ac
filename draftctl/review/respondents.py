"""Who was consulted and who responded, counted by stakeholder kind and named."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from draftctl.consultation.config import Stakeholder
from draftctl.review.document import Section, Table, Text
from draftctl.review.prose import capital, count, kind_name, listing, spelt

if TYPE_CHECKING:
    from draftctl.review.report import Report


@dataclass
class KindCount:
    """One kind of stakeholder: who was consulted, who responded, how many points they raised."""

    kind: str | None
    consulted: list[Stakeholder] = field(default_factory=list)
    responded: list[Stakeholder] = field(default_factory=list)
    points: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "label": capital(kind_name(self.kind, 2)),
            "consulted": [s.id for s in self.consulted],
            "responded": [s.id for s in self.responded],
            "points": self.points,
        }


def _person(report: Report, stakeholder_id: str) -> Stakeholder:
    return report.setting.stakeholders.get(stakeholder_id) or Stakeholder(
        stakeholder_id, report.person(stakeholder_id)
    )


def respondents(report: Report) -> list[KindCount]:
    """Stakeholders by kind, in registry order: consulted, responding, points raised."""
    consulted: dict[str, Stakeholder] = {}
    for part in report.rounds:
        for person in part.consulted:
            consulted.setdefault(person.id, person)
    points: dict[str, int] = {}
    for part in report.rounds:
        for item in part.feedback:
            points[item.item.source] = points.get(item.item.source, 0) + 1
    prompted = [
        p for part in report.rounds for c in part.commits for p in c.attribution.prompted_by
    ]
    answered = list(dict.fromkeys([*points, *prompted]))
    for stakeholder_id in answered:
        consulted.setdefault(stakeholder_id, _person(report, stakeholder_id))
    order = list(report.setting.stakeholders)
    people = sorted(
        consulted.values(), key=lambda s: order.index(s.id) if s.id in order else len(order)
    )
    kinds: dict[str | None, KindCount] = {}
    for person in people:
        entry = kinds.setdefault(person.kind, KindCount(person.kind))
        entry.consulted.append(person)
        if person.id in answered:
            entry.responded.append(person)
        entry.points += points.get(person.id, 0)
    return list(kinds.values())


def _summary(found: list[KindCount]) -> Text:
    consulted = sum(len(k.consulted) for k in found)
    responded = sum(len(k.responded) for k in found)
    points = sum(k.points for k in found)
    if not consulted:
        return Text("No stakeholders are recorded for the rounds this report covers.")
    groups = listing(
        [f"{spelt(len(k.consulted))} {kind_name(k.kind, len(k.consulted))}" for k in found]
    )
    text = f"In all, {count(consulted, 'stakeholder')} took part: {groups}. "
    if responded == consulted:
        text += "All of them responded"
    else:
        text += f"Of these, {spelt(responded)} responded"
    text += (
        f", raising {count(points, 'point')} recorded in the feedback register or prompting "
        "changes directly."
        if points
        else ", by prompting changes directly; no point was recorded in the feedback register."
    )
    return Text(text)


def respondent_section(report: Report) -> Section:
    found = respondents(report)
    rows = [
        [
            [Text(capital(kind_name(k.kind, 2)))],
            [Text(str(len(k.consulted)))],
            [Text(str(len(k.responded)))],
            [Text(str(k.points))],
        ]
        for k in found
    ]
    foot = [
        [Text("All")],
        [Text(str(sum(len(k.consulted) for k in found)))],
        [Text(str(sum(len(k.responded) for k in found)))],
        [Text(str(sum(k.points for k in found)))],
    ]
    body: list = [_summary(found)]
    if found:
        body.append(
            Table(
                "Stakeholders by kind",
                ["Kind of stakeholder", "Consulted", "Responded", "Points raised"],
                rows,
                (1, 2, 3),
                "kinds",
                foot if len(found) > 1 else None,
            )
        )
    for k in found:
        names = "; ".join(s.name for s in k.consulted if s in k.responded)
        quiet = "; ".join(s.name for s in k.consulted if s not in k.responded)
        text = names + "." if names else ""
        if quiet:
            text += f" Consulted, with no response recorded: {quiet}."
        body.append(Text(text.strip(), f"{capital(kind_name(k.kind, len(k.consulted)))}:"))
    return Section("respondents", "3", "Who responded", body)
