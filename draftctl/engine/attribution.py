"""Attribution: replay a history into the weave and read the credited FROM→TO diff off it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from draftctl.engine.blocks import parse_blocks
from draftctl.engine.diff import no_gc
from draftctl.engine.model import DocDiff, Segment
from draftctl.engine.readoff import read_off
from draftctl.engine.side import Side, side_of
from draftctl.engine.tokendiff import Coded
from draftctl.engine.weave import Memo, Step, replay

__all__ = ["AttributedDiff", "Step", "attribute"]


@dataclass
class AttributedDiff:
    """The FROM → TO diff with the commits behind every inserted and deleted token."""

    diff: DocDiff
    credits: dict[int, list[str]]
    order: list[str] = field(default_factory=list)  # every commit replayed, oldest first
    approximate: bool = False

    @property
    def segment_credits(self) -> dict[int, list[tuple[Segment, str | None]]]:
        """Per change, its segments with the commit that made each (equal segments: None)."""
        return {c.id: [(s, s.commit) for s in c.segments] for c in self.diff.changes}

    def credit_runs(self, segment: Segment) -> list[tuple[Segment, str | None]]:
        """`segment` with the commit that made it (equal segments: None)."""
        return [(segment, segment.commit)]


def attribute(
    from_text: str,
    steps: Sequence[Step],
    *,
    progress: Callable[[int, int], None] | None = None,
    memo: Memo | None = None,
    from_blob: str | None = None,
    scanner: tuple[bool | None, bool | None] = (None, None),
) -> AttributedDiff:
    """Diff `from_text` against the last step's text, every inserted and deleted token credited
    to the step (commit) whose own edit made it; `memo` remembers edits by blob ids;
    `scanner` says how to split FROM and TO into blocks (None: by their size)."""
    with no_gc():
        weave, start = replay(from_text, steps, memo=memo, from_blob=from_blob, progress=progress)
    to_text = steps[-1].text if steps else from_text
    to_blob = steps[-1].blob if steps else from_blob
    with no_gc():
        blocks = parse_blocks(from_text, scanner[0]), parse_blocks(to_text, scanner[1])
        sides = (
            _side(memo, from_blob, from_text, start.coded),
            _side(memo, to_blob, to_text, weave.state.coded),
        )
        diff = read_off(from_text, to_text, weave, *blocks, from_coded=start.coded, sides=sides)
    order = list(dict.fromkeys(weave.commits))
    return AttributedDiff(diff, _credits(diff, weave.commits), order, weave.approximate)


def _credits(diff: DocDiff, commits: list[str]) -> dict[int, list[str]]:
    """Per change, the commits behind its own inserted and deleted segments, in replay order."""
    rank = {c: k for k, c in enumerate(commits)}
    credits: dict[int, list[str]] = {}
    for change in diff.changes:
        found = {s.commit for s in change.segments if s.change_id == change.id and s.commit}
        credits[change.id] = sorted(found, key=lambda c: rank.get(c, len(rank)))
    return credits


def _side(memo: Memo | None, blob: str | None, text: str, cut: Coded | None) -> Side:
    """One side of the read-off; a memo that keeps chunk counts by blob id (the cache) spares
    tokenising the whole text when the replay did not code it."""
    keeps = getattr(memo, "chunk_counts", None) if blob is not None else None
    counts = keeps.get(blob) if keeps is not None else None
    side = side_of(text, cut, counts)
    if keeps is not None and counts is None:
        keeps[blob] = side.counts()
    return side
