"""The FROM→TO diff as the engine reports it: segments, changes, aligned block pairs."""

from __future__ import annotations

from collections.abc import Iterator

from draftctl.engine.blocks import Block
from draftctl.engine.tokens import count_words
from draftctl.values import Frozen, Value

# --- result objects ---------------------------------------------------------------------------
# Plain classes, not dataclasses, in every module `status` imports: importing dataclasses
# (with inspect) and generating each class's methods cost more than diffing one paragraph.
# Values compare (and, when immutable, hash) by their fields.


class Segment(Frozen):
    """A run of text that is equal on both sides, inserted or deleted."""

    __slots__ = ("change_id", "commit", "new", "new_start", "old", "old_start", "op")

    def __init__(
        self,
        op: str,
        old: str,
        new: str,
        old_start: int,
        new_start: int,
        change_id: int | None = None,
        commit: str | None = None,
    ) -> None:
        self.op = op
        self.old = old
        self.new = new
        self.old_start = old_start
        self.new_start = new_start
        self.change_id = change_id
        self.commit = commit  # who inserted or deleted it (None: unchanged)

    def _key(self) -> tuple[object, ...]:
        return (
            self.op,
            self.old,
            self.new,
            self.old_start,
            self.new_start,
            self.change_id,
            self.commit,
        )

    def with_op(self, op: str) -> Segment:
        """The same text under another op (dataclasses.replace is slow on hot paths)."""
        return Segment(
            op, self.old, self.new, self.old_start, self.new_start, self.change_id, self.commit
        )

    def labelled(self, change_id: int | None, commit: str | None) -> Segment:
        return Segment(
            self.op, self.old, self.new, self.old_start, self.new_start, change_id, commit
        )


class Change(Value):
    """One change a person would mark: a word-level edit region, a block run, or a move."""

    def __init__(
        self,
        id: int,
        kind: str,
        section: tuple[str, ...],
        segments: list[Segment],
        old_blocks: list[Block] | None = None,
        new_blocks: list[Block] | None = None,
    ) -> None:
        self.id = id
        self.kind = kind
        self.section = section
        self.segments = segments
        self.old_blocks: list[Block] = [] if old_blocks is None else old_blocks
        self.new_blocks: list[Block] = [] if new_blocks is None else new_blocks

    def _key(self) -> tuple[object, ...]:
        return (self.id, self.kind, self.section, self.segments, self.old_blocks, self.new_blocks)

    def own_segments(self) -> list[Segment]:
        """The insert and delete segments that belong to this change."""
        return [s for s in self.segments if s.change_id == self.id and s.op != "equal"]

    @property
    def old_text(self) -> str:
        """The text removed (for a move, the text at its old place)."""
        if self.kind == "move":
            return "".join(b.raw for b in self.old_blocks).strip()
        return _span_text(self.segments, self.id, "delete", self.kind == "replace")

    @property
    def new_text(self) -> str:
        """The text added (for a move, the text at its new place)."""
        if self.kind == "move":
            return "".join(b.raw for b in self.new_blocks).strip()
        return _span_text(self.segments, self.id, "insert", self.kind == "replace")

    @property
    def inserted_words(self) -> int:
        return sum(count_words(s.new) for s in self.own_segments() if s.op == "insert")

    @property
    def deleted_words(self) -> int:
        return sum(count_words(s.old) for s in self.own_segments() if s.op == "delete")


def _span_text(segments: list[Segment], change_id: int, op: str, span: bool) -> str:
    """The text a change removed (`op` delete) or added (insert).

    A replacement reads as a person marks it: from its first to its last edit, with the few
    kept words between ("protect the rights" → "guard the entitlements"). A pure insertion or
    deletion gives only its own words, separate runs joined by " … ", so nothing unchanged is
    ever reported as added or removed.
    """
    side = "old" if op == "delete" else "new"
    marks = [i for i, s in enumerate(segments) if s.change_id == change_id and s.op == op]
    if not marks:
        return ""
    inner = segments[marks[0] : marks[-1] + 1]
    if span:
        return "".join(getattr(s, side) for s in inner if s.op in ("equal", op)).strip()
    runs: list[str] = [""]
    for seg in inner:
        if seg.op == op:
            runs[-1] += getattr(seg, side)
        elif seg.op == "equal" and runs[-1]:
            runs.append("")
    return " … ".join(run.strip() for run in runs if run.strip())


class BlockPair(Value):
    """One step of the block alignment, in document order."""

    def __init__(
        self,
        op: str,
        old: Block | None,
        new: Block | None,
        change_id: int | None,
        segments: list[Segment],
    ) -> None:
        self.op = op
        self.old = old
        self.new = new
        self.change_id = change_id
        self.segments = segments

    def _key(self) -> tuple[object, ...]:
        return (self.op, self.old, self.new, self.change_id, self.segments)

    @property
    def change_ids(self) -> list[int]:
        """Every change that touches this pair, in order."""
        ids = dict.fromkeys(s.change_id for s in self.segments if s.change_id is not None)
        return list(ids)


class DocDiff(Value):
    """The whole comparison: block alignment, changes, and whether time ran out."""

    def __init__(
        self,
        old: str,
        new: str,
        pairs: list[BlockPair],
        changes: list[Change],
        approximate: bool = False,
    ) -> None:
        self.old = old
        self.new = new
        self.pairs = pairs
        self.changes = changes
        self.approximate = approximate

    def _key(self) -> tuple[object, ...]:
        return (self.old, self.new, self.pairs, self.changes, self.approximate)

    def old_segments(self) -> Iterator[Segment]:
        """Segments in old-document order (a moved block's old text is at its old place; at
        its new place its segments have no old text)."""
        for pair in self.pairs:
            yield from pair.segments

    def new_segments(self) -> Iterator[Segment]:
        """Segments in new-document order (a moved block's new text is at its new place)."""
        for pair in self.pairs:
            yield from pair.segments

    def rebuild_old(self) -> str:
        return "".join(s.old for s in self.old_segments())

    def rebuild_new(self) -> str:
        return "".join(s.new for s in self.new_segments())

    def change(self, change_id: int) -> Change:
        return self.changes[change_id - 1]
