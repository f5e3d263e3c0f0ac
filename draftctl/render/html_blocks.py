"""The redline's body: shown blocks turned into marked Markdown sources, grouped (a list's items,
a table's rows) and rendered with their notes beside them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from html import escape

from draftctl.render.html_marks import Mark, Source, inline_html, render_sources
from draftctl.render.html_notes import Note, Notes
from draftctl.review.result import AnnotatedDiff, Piece, ShownBlock, widened

GROUPED = ("item", "row")


@dataclass
class Shown:
    """One block ready to render: its source, the notes first met in it, its move (if any)."""

    block: ShownBlock
    source: Source
    notes: list[Note] = field(default_factory=list)
    aside: Mark | None = None


class Body:
    """Builds every block's source in reading order, then renders them group by group."""

    def __init__(self, result: AnnotatedDiff, notes: Notes, shift: int, skip: int | None):
        self.result = result
        self.notes = notes
        self.shift = shift
        self.skip = skip
        self.seen: set[int] = set()
        self.labelled: set[tuple[int | None, str | None]] = set()
        self.written: dict[int, str] = {}

    def html(self) -> str:
        shown = [self.prepare(b) for i, b in enumerate(self.result.blocks) if i != self.skip]
        notes = sorted((n for item in shown for n in item.notes), key=lambda n: n.number)
        self.written = {note.number: self.notes.render(note) for note in notes}
        for item in shown:
            if item.aside is not None:
                item.aside.html = self.aside(item.notes)
        return "".join(self.group_html(group) for group in _groups(shown))

    # -- sources -------------------------------------------------------------------------------

    def prepare(self, block: ShownBlock) -> Shown:
        item = Shown(block, Source(block.kind, ""))
        if block.move == "from":
            self.moved_away(item)
        else:
            self.marked(item)
        if item.notes and block.kind == "item":
            item.aside = Mark(0, "")
            item.source.marks.insert(0, item.aside)
        return item

    def note(self, item: Shown, change: int, credit: str | None) -> Note:
        note = self.notes.note_for(change, credit)
        if note.number not in self.seen:
            self.seen.add(note.number)
            item.notes.append(note)
        return note

    def marked(self, item: Shown) -> None:
        """Base text is the new side (the old side when the block was deleted outright);
        the other side's runs are shown where they stood, as snippets."""
        block, source = item.block, item.source
        pieces = _joined(block.pieces if block.move else widened(block.pieces))
        new_side = any(p.op != "delete" and p.text.strip() for p in pieces)
        base = ("equal", "insert") if new_side else ("equal", "delete")
        if block.move == "to" and self.first_of_move(block):
            source.marks.append(Mark(0, self.move_label(item)))
        texts: list[str] = []
        position = 0
        for index, piece in enumerate(pieces):
            if piece.op in base:
                texts.append(piece.text)
                if piece.op != "equal":
                    source.marks.append(self.run(item, piece, position))
                position += len(piece.text)
            elif piece.text.strip():
                source.marks.append(Mark(position, self.snippet(item, piece)))
            if piece.change is not None and piece.change != block.change:
                self.after(item, pieces, index, position)
        source.text = "".join(texts)

    def run(self, item: Shown, piece: Piece, position: int) -> Mark:
        note = self.note(item, piece.change or 0, piece.credit)
        note.ops.add(piece.op)
        tag = "ins" if piece.op == "insert" else "del"
        lead = len(piece.text) - len(piece.text.lstrip())
        end = position + len(piece.text.rstrip())
        opening = f'<{tag} class="{note.css}" data-rounds="{note.css}">'
        return Mark(position + lead, opening, max(end, position + lead), tag)

    def snippet(self, item: Shown, piece: Piece) -> str:
        note = self.note(item, piece.change or 0, piece.credit)
        note.ops.add(piece.op)
        tag = "ins" if piece.op == "insert" else "del"
        body = inline_html(piece.text)
        lead = " " if piece.text[:1].isspace() else ""
        trail = " " if piece.text[-1:].isspace() else ""
        return f'{lead}<{tag} class="{note.css}" data-rounds="{note.css}">{body}</{tag}>{trail}'

    def after(self, item: Shown, pieces: list[Piece], index: int, position: int) -> None:
        """The note marker after the last piece of a change and round in the block."""
        piece = pieces[index]
        key = self.notes.key_of(piece.change or 0, piece.credit)
        if any(
            self.notes.key_of(p.change, p.credit) == key for p in pieces[index + 1 :] if p.change
        ):
            return
        note = self.note(item, piece.change or 0, piece.credit)
        item.source.marks.append(Mark(position, self.notes.marker(note), back=True))

    def moved_away(self, item: Shown) -> None:
        text = "".join(p.text for p in item.block.pieces)
        item.source.text = text
        css = self.move_css(item)
        if self.first_of_move(item.block):
            item.source.marks.append(Mark(0, self.move_label(item)))
        item.source.marks.append(
            Mark(0, f'<del class="moved {css}" data-rounds="{css}">', len(text), "del")
        )

    def first_of_move(self, block: ShownBlock) -> bool:
        """Whether this is the first block of its move on this side (the one labelled)."""
        key = (block.change, block.move)
        first = key not in self.labelled
        self.labelled.add(key)
        return first

    def move_notes(self, item: Shown) -> list[Note]:
        change = self.result.change(item.block.change or 0)
        notes = [self.note(item, change.id, key) for key in change.credits]
        for note in notes:
            note.moved = True
        return list(dict.fromkeys(notes).keys()) if notes else [self.note(item, change.id, None)]

    def move_css(self, item: Shown) -> str:
        return " ".join(dict.fromkeys(n.css for n in self.move_notes(item)))

    def move_label(self, item: Shown) -> str:
        markers = "".join(self.notes.marker(n) for n in self.move_notes(item))
        text = escape(move_text(self.result, item.block))
        return f'<span class="movelabel">{text}</span>{markers} '

    # -- rendering -----------------------------------------------------------------------------

    def aside(self, notes: list[Note]) -> str:
        inner = "".join(self.written[n.number] for n in notes)
        return f'<div class="notes">{inner}</div>' if inner else ""

    def group_html(self, group: list[Shown]) -> str:
        html, stray = render_sources([item.source for item in group])
        html = self.shifted(html) + "".join(stray)
        first = group[0]
        classes = ["blk"]
        if any(item.block.changed for item in group):
            classes.append("changed")
        if first.block.kind == "heading":
            classes.append("heading")
        rounds = ""
        if first.block.move is not None and first.block.kind not in GROUPED:
            classes += ["move", f"move-{first.block.move}"]
            rounds = f' data-rounds="{self.move_css(first)}"'
        aside = ""
        if first.block.kind not in GROUPED or first.block.kind == "row":
            aside = self.aside([n for item in group for n in item.notes])
        if first.block.kind == "row":
            wrap = '<div class="tablewrap" role="region" tabindex="0" aria-label="Table">'
            html = f"{wrap}{html}</div>"
        return f'<section class="{" ".join(classes)}"{rounds}>{aside}{html}</section>\n'

    def shifted(self, html: str) -> str:
        """Headings one level down when the page's own <h1> stands above the document's."""
        if not self.shift:
            return html
        for level in range(6, 0, -1):
            new = min(level + self.shift, 6)
            html = html.replace(f"<h{level}>", f"<h{new}>").replace(f"</h{level}>", f"</h{new}>")
        return html


def _joined(pieces: list[Piece]) -> list[Piece]:
    """Adjacent pieces of the same op, change and commit as one run."""
    out: list[Piece] = []
    for piece in pieces:
        last = out[-1] if out else None
        if last is not None and (last.op, last.change, last.credit) == (
            piece.op,
            piece.change,
            piece.credit,
        ):
            out[-1] = replace(last, text=last.text + piece.text)
        else:
            out.append(piece)
    return out


def _groups(shown: list[Shown]) -> Iterator[list[Shown]]:
    """Consecutive list items, or consecutive table rows, rendered together."""
    group: list[Shown] = []
    for item in shown:
        kind = item.block.kind
        if group and (kind not in GROUPED or kind != group[-1].block.kind):
            yield group
            group = []
        group.append(item)
    if group:
        yield group


def move_text(result: AnnotatedDiff, block: ShownBlock) -> str:
    """Where a moved block came from (at its new place) or went to (at its old place), named
    by the section it follows there."""
    other = "to" if block.move == "from" else "from"
    blocks = result.blocks
    change = block.change
    there = next((i for i, b in enumerate(blocks) if b.change == change and b.move == other), None)
    here = next((i for i, b in enumerate(blocks) if b.change == change and b.move == block.move))
    verb = "Moved here from" if block.move == "to" else "Moved from here to"
    if there is None:
        found = result.change(change or 0)
        path = found.section_from if block.move == "to" else found.section
        return f"{verb} § {result.section_text(path)}"
    before = next(
        (b for b in reversed(blocks[:there]) if not (b.change == change and b.move)), None
    )
    if before is None:
        return f"{verb} the start of the document"
    where = result.section_text(before.section)
    if before.section == block.section:
        return f"{verb} {'earlier' if there < here else 'later'} in § {where}"
    return f"{verb} after § {where}"
