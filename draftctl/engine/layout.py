"""Cut the engine's segment stream into the block pairs and numbered changes renderers read."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from draftctl.engine.blocks import Block
from draftctl.engine.model import BlockPair, Change, Segment
from draftctl.engine.side import Side
from draftctl.engine.tokens import count_words

SPLIT_GAP_WORDS = 3  # equal words that separate two changes inside one block


class MoveLinks:
    """The FROM offset of the token behind each moved segment, by the segment's old offset
    (moved-from) and by its new offset (moved-to): the two places of one move are one change.
    `runs`: segments that stand for a run of tokens emitted whole, by ("old", old offset) for
    deleted text and ("new", new offset) for inserted text (a relabelled copy keeps both):
    their side and first and last token, so they count as the tokens and spaces they hold."""

    def __init__(
        self,
        by_old: dict[int, int] | None = None,
        by_new: dict[int, int] | None = None,
        runs: dict[tuple[str, int], tuple[Side, int, int]] | None = None,
    ) -> None:
        self.by_old: dict[int, int] = {} if by_old is None else by_old
        self.by_new: dict[int, int] = {} if by_new is None else by_new
        self.runs: dict[tuple[str, int], tuple[Side, int, int]] = {} if runs is None else runs

    def run(self, seg: Segment) -> tuple[Side, int, int] | None:
        """The run of tokens `seg` stands for (None: one token or none)."""
        if not self.runs:
            return None
        return self.runs.get(("old", seg.old_start) if seg.old else ("new", seg.new_start))

    def pieces(self, seg: Segment) -> int:
        """How many segments `seg` stands for: its tokens and the spaces between them."""
        found = self.run(seg)
        if found is None:
            return 1
        side, first, last = found
        spaced = sum(1 for k in range(first + 1, last + 1) if side.start(k) > side.end(k - 1))
        return last - first + 1 + spaced

    def origins(self, seg: Segment, deleted: bool) -> list[int]:
        """The FROM offsets the moved tokens of `seg` came from, in order."""
        by, start = (self.by_old, seg.old_start) if deleted else (self.by_new, seg.new_start)
        found = self.run(seg)
        if found is None:
            origin = by.get(start)
            return [] if origin is None else [origin]
        side, first, last = found
        base = start - side.start(first)
        places = [by.get(base + side.start(k)) for k in range(first, last + 1)]
        return [o for o in places if o is not None]

    def words(self, segs: list[Segment]) -> int:
        """The words of `segs` counted token by token."""
        total = 0
        for seg in segs:
            found = self.run(seg)
            total += found[2] - found[1] + 1 if found else len((seg.old + seg.new).split())
        return total


# --- cutting the stream into block pairs -------------------------------------------------------


class _Blocks:
    """Blocks of one side and lookup of the block holding an offset."""

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        self.starts = [b.start for b in blocks]

    def at(self, offset: int) -> int:
        return max(bisect_right(self.starts, offset) - 1, 0)

    def boundaries(self, begin: int, end: int) -> list[int]:
        """Block starts strictly inside (begin, end)."""
        lo = bisect_right(self.starts, begin)
        hi = bisect_right(self.starts, end - 1)
        return self.starts[lo:hi]


def _split_new(seg: Segment, blocks: _Blocks) -> list[Segment]:
    """Cut a segment with new text at TO block starts (only whitespace can straddle them)."""
    cuts = blocks.boundaries(seg.new_start, seg.new_start + len(seg.new)) if seg.new else []
    if not cuts:
        return [seg]
    same = seg.op == "equal" and seg.old == seg.new
    parts: list[Segment] = []
    at, at_old = seg.new_start, seg.old_start
    for cut in [*cuts, seg.new_start + len(seg.new)]:
        piece = seg.new[at - seg.new_start : cut - seg.new_start]
        old = piece if same else (seg.old if not parts else "")
        parts.append(Segment(seg.op, old, piece, at_old, at, seg.change_id, seg.commit))
        at, at_old = cut, at_old + len(old)
    return parts


Slot = tuple[str, int]  # ("to", TO block index) or ("from", FROM block index)


def _slots(segments: list[Segment], old: _Blocks, new: _Blocks, links: MoveLinks) -> list[Slot]:
    """The display block of every segment: its TO block, or for deleted text the block around
    it (a deletion inside or at the edge of a kept block) or its own deleted FROM block."""
    slots: list[Slot | None] = [("to", new.at(s.new_start)) if s.new else None for s in segments]
    k = 0
    while k < len(segments):
        if slots[k] is not None:
            k += 1
            continue
        end = k
        while end < len(segments) and slots[end] is None:
            end += 1
        _fill(segments, slots, k, end, (old, links))
        k = end
    return [s if s is not None else ("to", 0) for s in slots]


def _fill(
    segments: list[Segment],
    slots: list[Slot | None],
    k: int,
    end: int,
    where: tuple[_Blocks, MoveLinks],
) -> None:
    """Slots for the deleted-only segments [k, end): with the kept block before or after when
    they come from the same FROM block, else as their own deleted block."""
    old = where[0]
    near = [_near_old(segments, slots, k - 1, -1, where), _near_old(segments, slots, end, 1, where)]
    own: list[Slot | None] = []
    for m in range(k, end):
        seg = segments[m]
        if not seg.old.strip():
            own.append(None)
            continue
        fb = old.at(seg.old_start)
        slot = next((s for b, s in near if b == fb and s is not None), None)
        own.append(slot or ("from", fb))
    _spaces_follow(own, slots[k - 1] if k > 0 else None)
    fallback = slots[k - 1] if k > 0 else slots[end] if end < len(slots) else ("to", 0)
    slots[k:end] = [s if s is not None else fallback for s in own]


def _spaces_follow(own: list[Slot | None], last: Slot | None) -> None:
    """Whitespace (None) goes with the next solid deletion, else the one before (else `last`),
    in one pass each way."""
    after: list[Slot | None] = [None] * len(own)
    found: Slot | None = None
    for m in range(len(own) - 1, -1, -1):
        found = own[m] if own[m] is not None else found
        after[m] = found
    before: Slot | None = None
    for m, slot in enumerate(own):
        if slot is None:
            own[m] = after[m] or before or last
        if own[m] is not None:
            before = own[m]


_NEAR = 40  # segments (a run of tokens emitted whole: each token and space) looked through


def _near_old(
    segments: list[Segment],
    slots: list[Slot | None],
    k: int,
    step: int,
    where: tuple[_Blocks, MoveLinks],
) -> tuple[int, Slot | None]:
    """FROM block and slot of the nearest kept segment with solid old text from k on."""
    old, links = where
    m, passed = k, 0
    while passed < _NEAR and 0 <= m < len(segments):
        seg = segments[m]
        if slots[m] is not None and seg.old.strip():
            return old.at(seg.old_start + len(seg.old) - len(seg.old.lstrip())), slots[m]
        passed += links.pieces(seg)
        m += step
    return -2, None


def _pairs(
    segments: list[Segment], slots: list[Slot], blocks: tuple[_Blocks, _Blocks], links: MoveLinks
) -> list[BlockPair]:
    old, new = blocks
    pairs: list[BlockPair] = []
    current: Slot | None = None
    for seg, slot in zip(segments, slots, strict=True):
        if slot != current or not pairs:
            pairs.append(BlockPair("", None, None, None, []))
            current = slot
            if slot[0] == "to":
                pairs[-1].new = new.blocks[slot[1]]
            else:
                pairs[-1].old = old.blocks[slot[1]]
        pairs[-1].segments.append(seg)
    for pair in pairs:
        _classify(pair, old, links)
    return pairs


def _solid(segs: list[Segment], op: str) -> list[Segment]:
    return [s for s in segs if s.op == op and (s.old.strip() or s.new.strip())]


def _plain(pair: BlockPair) -> None:
    """A block only partly moved: its moved text reads as deleted or inserted by the mover."""
    ops = {"move-from": "delete", "move-to": "insert"}
    if not any(s.op in ops for s in pair.segments):
        return
    pair.segments = [s.with_op(ops[s.op]) if s.op in ops else s for s in pair.segments]


def _classify(pair: BlockPair, old: _Blocks, links: MoveLinks) -> None:
    """The pair's op and its old block."""
    segs = pair.segments
    if pair.new is not None and len(segs) == 1 and segs[0].op == "equal":  # the common case
        pair.op = "equal"
        if old.blocks and (segs[0].old.strip() or segs[0].new.strip()):
            pair.old = old.blocks[old.at(segs[0].old_start)]
        return
    if pair.new is None:
        moved, deleted = _solid(segs, "move-from"), _solid(segs, "delete")
        if moved and links.words(moved) > links.words(deleted):
            pair.op = "moved-from"  # words deleted inside stay deletions of their commits
            return
        _plain(pair)
        pair.op = "deleted" if moved or deleted else "equal"
        return
    kept = _solid(segs, "equal")
    if _solid(segs, "move-to") and not kept and not _solid(segs, "move-from"):
        pair.op = "moved-to"
        origins = [links.by_new[s.new_start] for s in segs if s.new_start in links.by_new]
        pair.old = old.blocks[old.at(origins[0])] if origins and old.blocks else None
        return
    _plain(pair)
    segs = pair.segments
    changed = any(s.op != "equal" and (s.old.strip() or s.new.strip()) for s in segs)
    source = kept or _solid(segs, "delete")
    if source and old.blocks:
        counts: dict[int, int] = {}
        for s in source:  # a run of tokens emitted whole counts as its tokens
            found = links.run(s)
            weight = found[2] - found[1] + 1 if found else 1
            counts[old.at(s.old_start)] = counts.get(old.at(s.old_start), 0) + weight
        pair.old = old.blocks[max(counts, key=lambda b: (counts[b], -b))]
    if not changed:
        pair.op = "equal"
    elif not kept and not any(s.op == "delete" for s in segs):
        pair.op = "inserted"
        pair.old = None
    else:
        pair.op = "modified"


# --- numbering the changes ---------------------------------------------------------------------


class _Numbering:
    """Walks the pairs in document order, cutting and numbering the changes."""

    def __init__(self, links: MoveLinks) -> None:
        self.links = links
        self.changes: list[Change] = []
        self.run: Change | None = None
        self.moved_to: Change | None = None
        self.by_origin: dict[int, Change] = {}
        self.from_pairs: list[BlockPair] = []

    def new_change(self, kind: str, pair: BlockPair) -> Change:
        block = pair.new if pair.new is not None else pair.old
        section = block.section if block is not None else ()
        change = Change(len(self.changes) + 1, kind, section, [])
        self.changes.append(change)
        return change

    def visit(self, pair: BlockPair) -> None:
        if pair.op != "moved-to" and _visible(pair):
            self.moved_to = None
        if pair.op in ("inserted", "deleted"):
            self.run = self.run or self.new_change("", pair)
            if pair.new is not None and not self.run.new_blocks:
                self.run.section = pair.new.section
            _label(pair, 0, len(pair.segments), self.run)
            return
        if _visible(pair):
            self.run = None
        if pair.op == "modified":
            for start, end in _regions(pair.segments):
                _label(pair, start, end, self.new_change("", pair))
        elif pair.op == "moved-to":
            self._moved_to(pair)
        elif pair.op == "moved-from":
            self.from_pairs.append(pair)

    def _moved_to(self, pair: BlockPair) -> None:
        if self.moved_to is None:
            self.moved_to = self.new_change("move", pair)
        _label(pair, 0, len(pair.segments), self.moved_to)
        for seg in pair.segments:
            for origin in self.links.origins(seg, deleted=False):
                self.by_origin.setdefault(origin, self.moved_to)

    def finish(self) -> list[Change]:
        """Give each moved-from pair the move its tokens went to."""
        for pair in self.from_pairs:
            found = [
                self.by_origin[f]
                for seg in pair.segments
                for f in self.links.origins(seg, deleted=True)
                if f in self.by_origin
            ]
            if found:
                _label(pair, 0, len(pair.segments), found[0])
            else:  # its new place was not shown as a move: a plain deletion by the mover
                _plain(pair)
                pair.op = "deleted"
                _label(pair, 0, len(pair.segments), self.new_change("", pair))
        return self.changes


def _visible(pair: BlockPair) -> bool:
    return any(s.new.strip() or s.old.strip() for s in pair.segments)


def _label(pair: BlockPair, start: int, end: int, change: Change) -> None:
    segs = pair.segments
    for k in range(start, end):
        if segs[k].op != "equal":
            segs[k] = segs[k].labelled(change.id, segs[k].commit)
    if pair.change_id is None:
        pair.change_id = change.id
    if pair.old is not None and not (change.old_blocks and change.old_blocks[-1] is pair.old):
        change.old_blocks.append(pair.old)
    if pair.new is not None and not (change.new_blocks and change.new_blocks[-1] is pair.new):
        change.new_blocks.append(pair.new)


def _kind(change: Change) -> str:
    if change.kind == "move":
        return "move"
    ops = {s.op for s in change.segments if s.change_id == change.id and s.op != "equal"}
    if ops == {"insert"}:
        return "insert"
    return "delete" if ops == {"delete"} else "replace"


def _regions(segments: list[Segment]) -> list[tuple[int, int]]:
    """[start, end) ranges of edited segments; edits closer than SPLIT_GAP_WORDS join up."""
    regions: list[tuple[int, int]] = []
    for k, seg in enumerate(segments):
        if seg.op == "equal":
            continue
        if regions and _words_between(segments, regions[-1][1], k) < SPLIT_GAP_WORDS:
            regions[-1] = (regions[-1][0], k + 1)
        else:
            regions.append((k, k + 1))
    return regions


def _words_between(segments: list[Segment], a: int, b: int) -> int:
    return sum(count_words(s.new) for s in segments[a:b] if s.op == "equal")


def _settle(pair: BlockPair) -> None:
    """Final segments: moved text becomes equal text of its side, adjacent segments of one op,
    change and commit join, and whitespace alone is never a change."""
    moved = {"move-from", "move-to"}
    segs = pair.segments
    if len(segs) == 1 and segs[0].op == "equal":
        return
    segs = [s.with_op("equal") if s.op in moved else s for s in segs]
    segs = _joined(
        segs, lambda a, b: (a.op, a.change_id, a.commit) == (b.op, b.change_id, b.commit)
    )
    segs = [
        s.with_op("equal").labelled(None, None)
        if s.op != "equal" and not (s.old.strip() or s.new.strip())
        else s
        for s in segs
    ]
    if not _is_moved(pair):
        segs = _joined(segs, lambda a, b: a.op == b.op == "equal" and a.commit == b.commit)
    pair.segments = segs


def _joined(segs: list[Segment], same: Callable[[Segment, Segment], bool]) -> list[Segment]:
    """Runs of segments that `same` puts with the run's first, each joined into one (`same`
    reads only op, change and commit, which a joined segment keeps from its first)."""
    groups: list[list[Segment]] = []
    for seg in segs:
        if groups and same(groups[-1][0], seg):
            groups[-1].append(seg)
        else:
            groups.append([seg])
    return [group[0] if len(group) == 1 else _join(group) for group in groups]


def _join(group: list[Segment]) -> Segment:
    first = group[0]
    old = "".join([s.old for s in group])
    new = "".join([s.new for s in group])
    return Segment(
        first.op, old, new, first.old_start, first.new_start, first.change_id, first.commit
    )


def _is_moved(pair: BlockPair) -> bool:
    return pair.op in ("moved-from", "moved-to")


def lay_out(
    segments: list[Segment], blocks: tuple[list[Block], list[Block]], links: MoveLinks
) -> tuple[list[BlockPair], list[Change]]:
    """Block pairs in reading order and the numbered changes of a segment stream."""
    old, new = _Blocks(blocks[0]), _Blocks(blocks[1])
    segments = [part for seg in segments for part in _split_new(seg, new)]
    pairs = _pairs(segments, _slots(segments, old, new, links), (old, new), links)
    numbering = _Numbering(links)
    for pair in pairs:
        numbering.visit(pair)
    changes = numbering.finish()
    for pair in pairs:
        _settle(pair)
    members: dict[int, list[Segment]] = {}
    for pair in pairs:
        for change_id in sorted(_ids(pair)):
            members.setdefault(change_id, []).extend(pair.segments)
    for change in changes:
        change.segments = members.get(change.id, [])
        change.kind = _kind(change)
    return pairs, _without_empty(pairs, changes)


def _without_empty(pairs: list[BlockPair], changes: list[Change]) -> list[Change]:
    """Drop changes left with no edited text (a paragraph split by a blank line only moves
    whitespace) and number the rest 1, 2, 3 … again, so every change shown has a credit."""
    kept = [c for c in changes if c.kind == "move" or _has_edit(c)]
    if len(kept) == len(changes):
        return changes
    renumber = {c.id: k for k, c in enumerate(kept, 1)}

    def relabel(segments: list[Segment]) -> list[Segment]:
        return [
            s.labelled(renumber.get(s.change_id), s.commit) if s.change_id is not None else s
            for s in segments
        ]

    for pair in pairs:
        pair.segments = relabel(pair.segments)
        if pair.change_id is not None:
            pair.change_id = renumber.get(pair.change_id)
    for change in kept:
        change.id = renumber[change.id]
        change.segments = relabel(change.segments)
    return kept


def _has_edit(change: Change) -> bool:
    return any(s.change_id == change.id and s.op != "equal" for s in change.segments)


def _ids(pair: BlockPair) -> set[int]:
    ids = {s.change_id for s in pair.segments if s.change_id is not None}
    return ids | ({pair.change_id} if pair.change_id is not None and _is_moved(pair) else set())
