"""What each revision of a round did to the draft: the sections it changed and an extract."""

from __future__ import annotations

from dataclasses import dataclass, field

from draftctl.consultation.history import CommitRecord
from draftctl.review.excerpt import ExcerptBlock, excerpt_block
from draftctl.review.result import AnnotatedDiff, Piece, ShownBlock


@dataclass
class Revision:
    """One commit of a round as the report tells it: why, where, and the text it left."""

    record: CommitRecord
    sections: list[tuple[str, ...]] = field(default_factory=list)
    blocks: list[ExcerptBlock] = field(default_factory=list)
    moves: list[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)
    new_headings: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "commit": self.record.commit,
            "date": self.record.date,
            "subject": self.record.subject,
            "rationale": self.record.attribution.rationale,
            "sections": [list(s) for s in self.sections],
            "moves": [{"from": list(a), "to": list(b)} for a, b in self.moves],
        }


def _moved_here(result: AnnotatedDiff, block: ShownBlock, keys: set[str]) -> bool:
    if block.move != "to" or block.change is None:
        return False
    return any(k in keys for k in result.change(block.change).credits)


def _shown(block: ShownBlock, keys: set[str]) -> list[Piece]:
    """The block with only this revision's edits marked; other edits read as done."""
    return [
        p if p.credit in keys else Piece("equal", p.text)
        for p in block.pieces
        if p.credit in keys or p.op != "delete"
    ]


def revision(result: AnnotatedDiff, record: CommitRecord) -> Revision:
    """The sections a commit's surviving edits sit in, and those blocks as an extract."""
    keys = {k for k, c in result.credits.items() if c.commit == record.commit}
    found = Revision(record)
    for block in result.blocks:
        if block.move == "from":
            continue
        mine = [p for p in block.pieces if p.op != "equal" and p.credit in keys]
        if not mine and not _moved_here(result, block, keys):
            continue
        found.sections.append(block.section)
        if block.kind == "heading" and any(p.op == "insert" for p in mine):
            found.new_headings += 1
        made = excerpt_block(block, _shown(block, keys))
        if made:
            found.blocks.append(made)
    found.sections = list(dict.fromkeys(found.sections))
    found.moves = [
        (c.section_from, c.section)
        for c in result.changes
        if c.kind == "move" and any(k in keys for k in c.credits)
    ]
    return found
