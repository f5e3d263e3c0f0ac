"""A report as a document: numbered sections of paragraphs, lists, tables and excerpts."""

from __future__ import annotations

from dataclasses import dataclass, field

from draftctl.review.excerpt import Excerpt


@dataclass
class Text:
    """A paragraph: plain text, with an optional bold lead-in and a style (`note`, `small`)."""

    text: str
    lead: str = ""
    style: str = ""

    def as_json(self) -> dict[str, object]:
        return {"lead": self.lead, "text": self.text, "style": self.style}

    def plain(self) -> str:
        return f"{self.lead} {self.text}".strip()


@dataclass
class Items:
    """A bulleted list of paragraphs."""

    items: list[Text]

    def as_json(self) -> dict[str, object]:
        return {"type": "list", "items": [i.as_json() for i in self.items]}


@dataclass
class Table:
    """A table with a caption; each cell holds one or more paragraphs."""

    caption: str
    head: list[str]
    rows: list[list[list[Text]]]
    numeric: tuple[int, ...] = ()
    name: str = ""
    foot: list[list[Text]] | None = None

    def as_json(self) -> dict[str, object]:
        def cells(row: list[list[Text]]) -> list[list[dict[str, object]]]:
            return [[t.as_json() for t in cell] for cell in row]

        return {
            "type": "table",
            "name": self.name,
            "caption": self.caption,
            "head": self.head,
            "rows": [cells(r) for r in self.rows],
            "foot": cells(self.foot) if self.foot else None,
        }


@dataclass
class Quote:
    """An excerpt of the draft as changed, introduced by a short label."""

    label: str
    excerpt: Excerpt

    def as_json(self) -> dict[str, object]:
        return {"type": "excerpt", "label": self.label, **self.excerpt.as_json()}


Node = Text | Items | Table | Quote


@dataclass
class Section:
    """A numbered section (`4.2`, `A`) with its body and its subsections."""

    id: str
    number: str
    title: str
    body: list[Node] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The number as a heading shows it: `4.2`, `Annex A:`."""
        return f"{self.number}:" if self.number.startswith("Annex") else self.number

    @property
    def heading(self) -> str:
        return f"{self.label} {self.title}"

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "number": self.number,
            "title": self.title,
            "body": [_node_json(n) for n in self.body],
            "sections": [c.as_json() for c in self.children],
        }


def _node_json(node: Node) -> dict[str, object]:
    if isinstance(node, Text):
        return {"type": "paragraph", **node.as_json()}
    return node.as_json()


@dataclass
class Document:
    """The whole response: its title, a line about it, and its sections."""

    kicker: str
    title: str
    meta: str
    lang: str
    sections: list[Section]
    legend: str = ""

    def contents(self) -> list[tuple[int, Section]]:
        """(depth, section) for every section and subsection, in reading order."""
        out: list[tuple[int, Section]] = []
        for section in self.sections:
            out.append((1, section))
            out += [(2, child) for child in section.children]
        return out

    def as_json(self) -> dict[str, object]:
        return {
            "kicker": self.kicker,
            "title": self.title,
            "meta": self.meta,
            "lang": self.lang,
            "contents": [
                {"depth": depth, "number": s.number, "title": s.title, "id": s.id}
                for depth, s in self.contents()
            ],
            "sections": [s.as_json() for s in self.sections],
        }
