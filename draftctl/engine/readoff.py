"""Read the FROM→TO changes off the weave: segments with their commits, cut into block pairs.

No second diff decides what changed: an unchanged token is one the weave kept from FROM to TO,
a deleted one is a FROM token a commit deleted, an inserted one is a TO token a commit inserted.
Only where words deleted between two unchanged tokens come back between the same two (a revert,
words deleted and typed again) are they matched back to unchanged: that removes changes, never
adds a credit.
"""

from __future__ import annotations

from collections.abc import Iterator

from draftctl.engine.blocks import Block, parse_blocks
from draftctl.engine.layout import lay_out
from draftctl.engine.model import DocDiff
from draftctl.engine.segments import Row, Segments, is_equal
from draftctl.engine.side import Side, side_of
from draftctl.engine.tokendiff import Coded, Op, normalized, token_diff
from draftctl.engine.tokens import is_word
from draftctl.engine.weave import Weave

_END = (-2, -2, -1, 0)


def cancel_reverts(rows: list[Row], old: Side, new: Side) -> list[Row]:
    """Match deleted and inserted tokens of one run that hold the same text back to unchanged."""
    out: list[Row] = []
    run: list[Row] = []
    for row in [*rows, _END]:
        if is_equal(row) or row is _END:
            if run:
                out.extend(_matched(run, old, new))
                run = []
            if row is not _END:
                out.append(row)
        else:
            run.append(row)
    return out


def _matched(run: list[Row], old: Side, new: Side) -> list[Row]:
    dels = [r for r in run if r[1] < 0]
    ins = [r for r in run if r[0] < 0]
    if not dels or not ins or any(r[3] for r in run):
        return run
    old_tokens = [old.token(r[0]) for r in dels]
    ops = token_diff(old_tokens, [new.token(r[1]) for r in ins])
    matched = sum(n for op, n in ops if op == 0)
    if matched < min(len(dels), len(ins)):  # not a whole side given back: keep real runs only
        ops = _with_words(ops, old_tokens)
    if not any(op == 0 for op, _ in ops):
        return run
    out: list[Row] = []
    a = b = 0
    for op, n in ops:
        if op == 0:
            out.extend((dels[a + k][0], ins[b + k][1], -1, 1) for k in range(n))
        elif op < 0:
            out.extend(dels[a : a + n])
        else:
            out.extend(ins[b : b + n])
        a += n if op <= 0 else 0
        b += n if op >= 0 else 0
    return out


def _with_words(ops: list[Op], old_tokens: list[str]) -> list[Op]:
    """Matches of one token or of punctuation only (a "the" or a full stop shared by two
    different sentences) stay edits."""
    out: list[Op] = []
    a = 0
    for op, n in ops:
        if op == 0 and (n < 2 or not any(is_word(t) for t in old_tokens[a : a + n])):
            out.extend([(-1, n), (1, n)])
        else:
            out.append((op, n))
        a += n if op <= 0 else 0
    return normalized(out)


def slide(rows: list[Row], old: Side, new: Side) -> list[Row]:
    """Shift each run of deleted (or inserted) tokens of one commit along equal neighbours to
    where it starts a line (the same edit, aligned the way a person reads it)."""
    rows = list(rows)
    k = 0
    while k < len(rows):
        if is_equal(rows[k]):
            k += 1
            continue
        end = k
        while end < len(rows) and not is_equal(rows[end]):
            end += 1
        k = _slide_run(rows, k, end, old, new)
    return rows


_BEST_SCORE = 3  # a run that starts and ends a line: no shift can do better


def _slide_run(rows: list[Row], k: int, end: int, old: Side, new: Side) -> int:
    """Slide the run [k, end) left if a line reads better; returns where the run now ends."""
    run = rows[k:end]
    deleting = all(r[1] < 0 for r in run)
    if (not deleting and not all(r[0] < 0 for r in run)) or len({r[2] for r in run}) != 1:
        return end
    side, col = (old, 0) if deleting else (new, 1)
    text = [side.token(r[col]) for r in run]
    n = len(run)
    best, best_score = 0, _line_score(side, run[0][col], run[-1][col])
    passed: list[tuple[int, int]] = []  # (this side, other side) of the equal tokens passed
    for mine, other in _equal_to_the_left(rows, k, col):
        if best_score >= _BEST_SCORE or side.token(mine) != text[-1 - len(passed) % n]:
            break
        if mine != run[0][col] - len(passed) - 1:  # not this side's next token to the left
            break  # (moved repeats can put the stream out of step with a side)
        passed.append((mine, other))
        score = _line_score(side, mine, mine + n - 1)
        if score > best_score:
            best, best_score = len(passed), score
    return _rotate(rows, k, end, passed[:best], col) if best else end


def _equal_to_the_left(rows: list[Row], k: int, col: int) -> Iterator[tuple[int, int]]:
    """(this side, other side) token numbers of the unchanged tokens before row k, nearest
    first, up to the first change."""
    for i in range(k - 1, -1, -1):
        row = rows[i]
        if not is_equal(row):
            return
        mine, other = row[col], row[1 - col]
        for j in range(row[3] - 1, -1, -1):
            yield mine + j, other + j


def _line_score(side: Side, first: int, last: int) -> int:
    before, after = side.space(first), side.space(last + 1)
    return 2 * ("\n" in before or first == 0) + ("\n" in after or last + 1 == side.count)


def _rotate(rows: list[Row], k: int, end: int, passed: list[tuple[int, int]], col: int) -> int:
    """Move the run [k, end) left across the equal tokens `passed` (nearest first): the edited
    side's tokens of the window, in order, give the run first and then the kept tokens, paired
    with the other side's tokens of the passed rows. Returns where the rotated window ends."""
    n = end - k
    passed = passed[::-1]
    sides = [mine for mine, _ in passed] + [r[col] for r in rows[k:end]]
    who = rows[k][2]
    new_run = [_row(col, sides[i], -1, who, 0) for i in range(n)]
    kept = _stretches([(sides[n + i], other) for i, (_, other) in enumerate(passed)], col)
    need, i = len(passed), k
    head: list[Row] = []
    while need:
        i -= 1
        f, t, _, count = rows[i]
        taken = min(count, need)
        need -= taken
        if count > taken:
            head = [(f, t, -1, count - taken)]
    rows[i:end] = head + new_run + kept
    return i + len(head) + n + len(kept)


def _stretches(pairs: list[tuple[int, int]], col: int) -> list[Row]:
    """Equal rows for (this side, other side) token pairs, consecutive ones as one stretch."""
    out: list[Row] = []
    for mine, other in pairs:
        row = _row(col, mine, other, -1, 1)
        if out and out[-1][0] + out[-1][3] == row[0] and out[-1][1] + out[-1][3] == row[1]:
            out[-1] = (*out[-1][:3], out[-1][3] + 1)
        else:
            out.append(row)
    return out


def _row(col: int, mine: int, other: int, who: int, last: int) -> Row:
    return (mine, other, who, last) if col == 0 else (other, mine, who, last)


def read_off(
    from_text: str,
    to_text: str,
    weave: Weave,
    old_blocks: list[Block] | None = None,
    new_blocks: list[Block] | None = None,
    from_coded: Coded | None = None,
    sides: tuple[Side, Side] | None = None,
) -> DocDiff:
    """The FROM→TO diff as the weave records it (`from_coded`: FROM as the replay cut it;
    `sides`: both texts' sides, when the caller has them)."""
    if sides is not None:
        old, new = sides
    else:
        old = side_of(from_text, from_coded, None)
        new = side_of(to_text, weave.state.coded, None)
    rows = slide(cancel_reverts(weave.runs(), old, new), old, new)
    blocks = (
        _some(parse_blocks(from_text) if old_blocks is None else old_blocks, from_text),
        _some(parse_blocks(to_text) if new_blocks is None else new_blocks, to_text),
    )
    cuts = ([b.start for b in blocks[0]], [b.start for b in blocks[1]])
    builder = Segments(old, new, weave.commits, cuts)
    segments = builder.build(rows)
    pairs, changes = lay_out(segments, blocks, builder.links)
    return DocDiff(from_text, to_text, pairs, changes, weave.approximate)


def _some(blocks: list[Block], text: str) -> list[Block]:
    """The blocks, or one block of the whole text when there are none (empty or blank text)."""
    return blocks or [Block("other", text, 0, ())]
