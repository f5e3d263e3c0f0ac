"""Moves inside one commit's edit: a paragraph deleted whole in one place and inserted whole
(perhaps edited) in another, so its tokens keep their provenance instead of being re-credited."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter

from draftctl.engine.tokendiff import Coded, Differ, Op, normalized
from draftctl.values import Frozen

MOVE_MIN_TOKENS = 4  # shorter paragraphs only move when their tokens are identical
MOVE_SIMILARITY = 0.6  # token overlap (Dice) above which a deleted and an inserted one are a move
MAX_MOVE_PAIRS = 20_000  # beyond this many candidate pairs only identical paragraphs are matched


class Move(Frozen):
    """Old tokens [old_start, +old_len) reappear at new [new_start, +new_len); `inner` is the
    token edit between the two."""

    def __init__(
        self, old_start: int, old_len: int, new_start: int, new_len: int, inner: tuple[Op, ...]
    ) -> None:
        self.old_start = old_start
        self.old_len = old_len
        self.new_start = new_start
        self.new_len = new_len
        self.inner = inner

    def _key(self) -> tuple[object, ...]:
        return (self.old_start, self.old_len, self.new_start, self.new_len, self.inner)


def _whole_chunks(ops: list[Op], side: Coded, op_kind: int) -> list[tuple[int, int, int]]:
    """(token start, token count, chunk index) of the chunks entirely inside `op_kind` runs."""
    starts = side.starts()
    out = []
    i = j = 0
    for op, n in ops:
        at = i if op_kind < 0 else j
        if op == op_kind:
            c = bisect_left(starts, at)
            while c < len(side.tokens) and starts[c] + len(side.tokens[c]) <= at + n:
                if side.tokens[c]:
                    out.append((starts[c], len(side.tokens[c]), c))
                c += 1
        i += n if op <= 0 else 0
        j += n if op >= 0 else 0
    return out


def find_moves(ops: list[Op], old: Coded, new: Coded, differ: Differ) -> list[Move]:
    """Paragraphs this edit deletes whole and inserts whole elsewhere, identical or similar."""
    dels = _whole_chunks(ops, old, -1)
    ins = _whole_chunks(ops, new, 1)
    if not dels or not ins:
        return []
    pairs = _with_company(_exact(dels, ins, old, new), dels, ins)
    used_old = {p[0] for p in pairs}
    used_new = {p[1] for p in pairs}
    rest_d = [d for d in dels if d[0] not in used_old and d[1] >= MOVE_MIN_TOKENS]
    rest_i = [e for e in ins if e[0] not in used_new and e[1] >= MOVE_MIN_TOKENS]
    if rest_d and rest_i and len(rest_d) * len(rest_i) <= MAX_MOVE_PAIRS:
        pairs.extend(_similar(rest_d, rest_i, old, new))
    moves = []
    for a, b in sorted(pairs):
        da = next(d for d in dels if d[0] == a)
        eb = next(e for e in ins if e[0] == b)
        inner = tuple(
            normalized(differ.raw(old.tokens[da[2]], new.tokens[eb[2]]))
            if old.tokens[da[2]] != new.tokens[eb[2]]
            else [(0, da[1])]
        )
        moves.append(Move(a, da[1], b, eb[1], inner))
    return moves


def _exact(
    dels: list[tuple[int, int, int]], ins: list[tuple[int, int, int]], old: Coded, new: Coded
) -> list[tuple[int, int]]:
    """Identical paragraphs: each deleted one pairs with the first unused identical insertion."""
    by_code: dict[str, list[int]] = {}
    for start, _, c in reversed(ins):
        by_code.setdefault(new.tokens[c], []).append(start)
    pairs = []
    for start, _, c in dels:
        waiting = by_code.get(old.tokens[c])
        if waiting:
            pairs.append((start, waiting.pop()))
    return pairs


def _with_company(
    pairs: list[tuple[int, int]], dels: list[tuple[int, int, int]], ins: list[tuple[int, int, int]]
) -> list[tuple[int, int]]:
    """Short identical paragraphs (a rule, a heading) only count as moved next to a longer
    paragraph that moved the same way: alone they are more likely a coincidence."""
    size = {d[0]: d[1] for d in dels}
    old_chunk = {d[0]: d[2] for d in dels}
    new_chunk = {e[0]: e[2] for e in ins}
    chunks = {(old_chunk[a], new_chunk[b]): (a, b) for a, b in pairs}
    kept = {ab for ab in pairs if size[ab[0]] >= MOVE_MIN_TOKENS}
    grown = True
    while grown:
        grown = False
        for (c, e), ab in chunks.items():
            if ab in kept:
                continue
            near = (chunks.get((c - 1, e - 1)), chunks.get((c + 1, e + 1)))
            if any(n is not None and n in kept for n in near):
                kept.add(ab)
                grown = True
    return [ab for ab in pairs if ab in kept]


def _similar(
    dels: list[tuple[int, int, int]], ins: list[tuple[int, int, int]], old: Coded, new: Coded
) -> list[tuple[int, int]]:
    """Similar paragraphs, greedily in document order (ties: the earliest insertion)."""
    counts = {e[0]: Counter(new.tokens[e[2]]) for e in ins}
    used: set[int] = set()
    pairs = []
    for start, size, c in dels:
        mine = Counter(old.tokens[c])
        best, best_at = 0.0, -1
        for e_start, e_size, _ in ins:
            bound = 2 * min(size, e_size) / (size + e_size)  # the score if one holds the other
            if e_start in used or bound <= best or bound < MOVE_SIMILARITY:
                continue
            score = 2 * _shared(mine, counts[e_start]) / (size + e_size)
            if score > best:
                best, best_at = score, e_start
        if best >= MOVE_SIMILARITY:
            pairs.append((start, best_at))
            used.add(best_at)
    return pairs


def _shared(one: Counter[str], other: Counter[str]) -> int:
    """How many tokens two paragraphs share, repeats included: `sum((one & other).values())`,
    with the loops in C (only the token codes both hold are visited)."""
    both = one.keys() & other.keys()
    return sum(map(min, map(one.__getitem__, both), map(other.__getitem__, both)))
