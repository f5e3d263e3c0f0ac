"""The redline's notes: one per change and round, numbered in reading order, each commit's
rationale given once and referred to afterwards."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from draftctl.consultation.config import Config
from draftctl.review.result import AnnotatedDiff, Credit, people_names, round_title

KIND_WORDS = {
    frozenset({"insert"}): "Inserted",
    frozenset({"delete"}): "Deleted",
    frozenset({"insert", "delete"}): "Replaced",
}


@dataclass(eq=False)
class Note:
    """What one round did to one change: its commits, and the ops of their pieces."""

    number: int
    change: int
    round_key: str
    css: str
    credits: list[str] = field(default_factory=list)
    ops: set[str] = field(default_factory=set)
    moved: bool = False


def long_date(iso: str | None) -> str:
    """`2014-06-10…` as `10 June 2014` (the date as written, no time zone arithmetic)."""
    months = (
        "January February March April May June July August September October November December"
    ).split()
    if not iso or len(iso) < 10 or not iso[:4].isdigit():
        return iso or ""
    year, month, day = iso[:4], iso[5:7], iso[8:10]
    if not (month.isdigit() and day.isdigit() and 1 <= int(month) <= 12):
        return iso[:10]
    return f"{int(day)} {months[int(month) - 1]} {year}"


class Notes:
    """Allocates note numbers as markers are met and writes each note once."""

    def __init__(self, result: AnnotatedDiff, config: Config, css: dict[str, str]) -> None:
        self.result = result
        self.config = config
        self.css = css
        self.by_key: dict[tuple[int, str], Note] = {}
        self.told: dict[str, int] = {}
        self.referenced: set[int] = set()

    def key_of(self, change: int, credit_key: str | None) -> tuple[int, str]:
        """(change, round key): what a note covers."""
        credit = self.result.credits.get(credit_key or "")
        return change, credit.round_key if credit else "unattributed"

    def note_for(self, change: int, credit_key: str | None) -> Note:
        """The note of the change and the credit's round, made the first time it is asked."""
        key = self.key_of(change, credit_key)
        round_key = key[1]
        if key not in self.by_key:
            css = self.css.get(round_key, "none")
            self.by_key[key] = Note(len(self.by_key) + 1, change, round_key, css)
        note = self.by_key[key]
        if credit_key and credit_key not in note.credits:
            note.credits.append(credit_key)
        return note

    def marker(self, note: Note) -> str:
        """The note's reference in the text: a link to the note; the first one is its target."""
        number = note.number
        target = "" if number in self.referenced else f' id="ref-{number}"'
        self.referenced.add(number)
        label = escape(round_title(self.config, note.round_key), quote=True)
        return (
            f'<sup class="mk" data-rounds="{note.css}"><a href="#note-{number}"{target} '
            f'aria-label="Note {number}: {label}">{number}</a></sup>'
        )

    def render(self, note: Note) -> str:
        """The note in the margin: number (back to the text), round, kind, then its commits."""
        kind = "Moved" if note.moved else KIND_WORDS.get(frozenset(note.ops), "Changed")
        entries = "".join(self.entry(note, key) for key in note.credits)
        if not note.credits:
            entries = '<p class="meta">No commit found for this change.</p>'
        title = escape(round_title(self.config, note.round_key))
        return (
            f'<div class="note {note.css}" id="note-{note.number}" data-rounds="{note.css}">'
            f'<p class="nhead"><a class="num" href="#ref-{note.number}" '
            f'aria-label="Back to the text of note {note.number}">{note.number}</a> '
            f'<span class="rtag">{title}</span> <span class="kind">{kind}</span></p>'
            f"{entries}</div>"
        )

    def entry(self, note: Note, key: str) -> str:
        credit = self.result.credits[key]
        who = ", ".join(people_names(self.config, credit))
        parts = [f'<p class="who">{escape(who)}</p>'] if who else []
        parts.append(self.rationale(note, credit))
        when = long_date(credit.date)
        meta = " · ".join(x for x in (escape(credit.short), escape(when)) if x)
        parts.append(f'<p class="meta">{meta}</p>')
        return '<div class="credit">' + "".join(parts) + "</div>"

    def rationale(self, note: Note, credit: Credit) -> str:
        """The commit's rationale the first time; afterwards a link to the note that has it."""
        if not credit.rationale:
            return ""
        first = self.told.setdefault(credit.key, note.number)
        if first == note.number:
            return f'<p class="why">{escape(credit.rationale)}</p>'
        return f'<p class="why-ref">Rationale: see <a href="#note-{first}">note {first}</a>.</p>'
