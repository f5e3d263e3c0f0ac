"""Read the FROM→TO changes off the weave: segments with their commits, cut into block pairs.

No second diff decides what changed: an unchanged token is one the weave kept from FROM to TO,
a deleted one is a FROM token a commit deleted, an inserted one is a TO token a commit inserted.
Only where words deleted between two unchanged tokens come back between the same two (a revert,
words deleted and typed again) are they matched back to unchanged: that removes changes, never
adds a credit.
"""

from __future__ import annotations

from itertools import accumulate

from draftctl.engine.blocks import Block, parse_blocks
from draftctl.engine.layout import MoveLinks, lay_out
from draftctl.engine.model import DocDiff, Segment
from draftctl.engine.tokendiff import Op, normalized, token_diff
from draftctl.engine.tokens import is_word, spaced_tokens
from draftctl.engine.weave import Weave

Row = tuple[int, int, int, int]  # (FROM token or -1, TO token or -1, commit or -1, moved 0/1)


class _Side:
    """One text's solid tokens, their offsets and the whitespace before each."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spaces, self.tokens, trailing = spaced_tokens(text)
        self.spaces.append(trailing)
        lengths = [len(s) + len(t) for s, t in zip(self.spaces, self.tokens, strict=False)]
        self.starts = [
            a + len(s) for a, s in zip(accumulate(lengths, initial=0), self.spaces, strict=False)
        ]

    def space(self, k: int) -> str:
        """Whitespace before token k (k == len: the trailing whitespace)."""
        return self.spaces[k]


def cancel_reverts(rows: list[Row], old: _Side, new: _Side) -> list[Row]:
    """Match deleted and inserted tokens of one run that hold the same text back to unchanged."""
    out: list[Row] = []
    run: list[Row] = []
    for row in [*rows, (-2, -2, -1, 0)]:
        if (row[0] >= 0 and row[1] >= 0) or row[0] == -2:
            out.extend(_matched(run, old, new))
            run = []
            if row[0] != -2:
                out.append(row)
        else:
            run.append(row)
    return out


def _matched(run: list[Row], old: _Side, new: _Side) -> list[Row]:
    dels = [r for r in run if r[1] < 0]
    ins = [r for r in run if r[0] < 0]
    if not dels or not ins or any(r[3] for r in run):
        return run
    ops = token_diff([old.tokens[r[0]] for r in dels], [new.tokens[r[1]] for r in ins])
    matched = sum(n for op, n in ops if op == 0)
    if matched < min(len(dels), len(ins)):  # not a whole side given back: keep real runs only
        ops = _with_words(ops, [old.tokens[r[0]] for r in dels])
    if not any(op == 0 for op, _ in ops):
        return run
    out: list[Row] = []
    a = b = 0
    for op, n in ops:
        if op == 0:
            out.extend((dels[a + k][0], ins[b + k][1], -1, 0) for k in range(n))
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


def slide(rows: list[Row], old: _Side, new: _Side) -> list[Row]:
    """Shift each run of deleted (or inserted) tokens of one commit along equal neighbours to
    where it starts a line (the same edit, aligned the way a person reads it)."""
    rows = list(rows)
    k = 0
    while k < len(rows):
        if rows[k][0] >= 0 and rows[k][1] >= 0:
            k += 1
            continue
        end = k
        while end < len(rows) and not (rows[end][0] >= 0 and rows[end][1] >= 0):
            end += 1
        _slide_run(rows, k, end, old, new)
        k = end
    return rows


def _slide_run(rows: list[Row], k: int, end: int, old: _Side, new: _Side) -> None:
    run = rows[k:end]
    deleting = all(r[1] < 0 for r in run)
    if (not deleting and not all(r[0] < 0 for r in run)) or len({r[2] for r in run}) != 1:
        return
    side, col = (old, 0) if deleting else (new, 1)
    text = [side.tokens[r[col]] for r in run]
    best, best_score, shift = 0, _line_score(side, run[0][col], run[-1][col]), 0
    while k + shift > 0 and end + shift - 1 < len(rows):  # left
        prev = rows[k + shift - 1]
        wanted = text[-1 - (-shift) % len(text)]
        if not (prev[0] >= 0 and prev[1] >= 0) or side.tokens[prev[col]] != wanted:
            break
        shift -= 1
        lo = rows[k + shift][col]
        score = _line_score(side, lo, lo + len(run) - 1)
        if score > best_score:
            best, best_score = shift, score
    if best:
        _rotate(rows, k, end, best, col)


def _line_score(side: _Side, first: int, last: int) -> int:
    before, after = side.space(first), side.space(last + 1)
    return 2 * ("\n" in before or first == 0) + ("\n" in after or last + 1 == len(side.tokens))


def _rotate(rows: list[Row], k: int, end: int, shift: int, col: int) -> None:
    """Move the run [k, end) `-shift` rows to the left across equal rows."""
    n = end - k
    equal, run = rows[k + shift : k], rows[k:end]
    other = 1 - col
    # the edited side's tokens of the window: the first n become the run, the rest are kept
    # and paired, in order, with the kept rows' other-side tokens
    sides = [r[col] for r in equal] + [r[col] for r in run]
    keep_other = [r[other] for r in equal]
    who = run[0][2]
    new_run = [_row(col, sides[i], -1, who) for i in range(n)]
    new_equal = [_row(col, sides[n + i], keep_other[i], -1) for i in range(len(equal))]
    rows[k + shift : end] = new_run + new_equal


def _row(col: int, mine: int, other: int, who: int) -> Row:
    return (mine, other, who, 0) if col == 0 else (other, mine, who, 0)


class _Segments:
    """Builds the segment stream (both texts, in weave order) with whitespace placed so that
    whitespace between unchanged tokens is equal text and each side rebuilds exactly."""

    def __init__(self, old: _Side, new: _Side, commits: list[str]) -> None:
        self.old, self.new, self.commits = old, new, commits
        self.links = MoveLinks()
        self.same: list[str] = []
        self.same_at = (0, 0)
        self.out: list[Segment] = []
        self.at_old = self.at_new = 0

    def emit(self, op: str, old: str, new: str, commit: str | None) -> None:
        if op == "equal" and old == new:
            if old:
                if not self.same:
                    self.same_at = (self.at_old, self.at_new)
                self.same.append(old)
                self.at_old += len(old)
                self.at_new += len(old)
            return
        self._flush()
        if old or new:
            self.out.append(Segment(op, old, new, self.at_old, self.at_new, None, commit))
            self.at_old += len(old)
            self.at_new += len(new)

    def _flush(self) -> None:
        """Text identical on both sides is gathered into one equal segment."""
        if self.same:
            text = "".join(self.same)
            self.out.append(Segment("equal", text, text, *self.same_at))
            self.same = []

    def build(self, rows: list[Row]) -> list[Segment]:
        run: list[Row] = []
        old, new = self.old, self.new
        for row in rows:
            if row[0] >= 0 and row[1] >= 0:
                if not run and old.space(row[0]) == new.space(row[1]):
                    text = old.space(row[0]) + old.tokens[row[0]]
                    self.emit("equal", text, text, None)
                    continue
                self._run(run, row)
                run = []
            else:
                run.append(row)
        self._run(run, None)
        self._flush()
        return self.out

    def _run(self, run: list[Row], end: Row | None) -> None:
        old, new = self.old, self.new
        v_end = old.space(end[0] if end else len(old.tokens))
        w_end = new.space(end[1] if end else len(new.tokens))
        dels = [r for r in run if r[1] < 0]
        ins = [r for r in run if r[0] < 0]
        v1 = old.space(dels[0][0]) if dels else v_end
        w1 = new.space(ins[0][1]) if ins else w_end
        plan = _plan(v1, w1, v_end, w_end, bool(dels), bool(ins))
        if plan == "both":
            self.emit("equal", v1, w1, None)
            self._items(run, skip_first=True)
            self.emit("equal", v_end, w_end, None)
        elif plan == "lead":
            self.emit("equal", v1, w1, None)
            self._items(run, skip_first=True)
            self._ends(dels, ins, v_end, w_end)
        elif plan == "ins-first":
            self._items(ins, skip_first=False)
            self.emit("equal", v1, w_end, None)
            self._items(dels, skip_first=True)
            self._ends(dels, [], v_end, "")
        elif plan == "dels-first":
            self._items(dels, skip_first=False)
            self.emit("equal", v_end, w1, None)
            self._items(ins, skip_first=True)
            self._ends([], ins, "", w_end)
        else:
            self._items(run, skip_first=False)
            self.emit("equal", v_end, w_end, None)
        if end is not None:
            token = old.tokens[end[0]]
            self.emit("equal", token, token, None)

    def _items(self, rows: list[Row], skip_first: bool) -> None:
        """Emit deleted and inserted tokens with the whitespace before each (not before the
        first of each kind when `skip_first`: that whitespace was emitted as equal)."""
        seen_del = seen_ins = False
        for f, t, who, moved in rows:
            commit = self.commits[who]
            if t < 0:
                op = "move-from" if moved else "delete"
                if not (skip_first and not seen_del):
                    self.emit(op, self.old.space(f), "", commit)
                if moved:
                    self.links.by_old[self.at_old] = self.old.starts[moved - 1]
                self.emit(op, self.old.tokens[f], "", commit)
                seen_del = True
            else:
                op = "move-to" if moved else "insert"
                if not (skip_first and not seen_ins):
                    self.emit(op, "", self.new.space(t), commit)
                if moved:
                    self.links.by_new[self.at_new] = self.old.starts[moved - 1]
                self.emit(op, "", self.new.tokens[t], commit)
                seen_ins = True

    def _ends(self, dels: list[Row], ins: list[Row], v_end: str, w_end: str) -> None:
        if dels:
            op = "move-from" if dels[-1][3] else "delete"
            self.emit(op, v_end, "", self.commits[dels[-1][2]])
        if ins:
            op = "move-to" if ins[-1][3] else "insert"
            self.emit(op, "", w_end, self.commits[ins[-1][2]])


def _plan(v1: str, w1: str, v_end: str, w_end: str, dels: bool, ins: bool) -> str:
    """Which whitespace of a run stays equal text: trailing on both sides ("trail"), leading
    on both ("lead"), or old leading with new trailing ("ins-first": insertions, then the
    kept break, then deletions) and the reverse ("dels-first"); the best-matching pair wins."""

    def score(a: str, b: str, cross: bool) -> int:
        same_lines = a.count("\n") == b.count("\n")
        bonus = cross and "\n" in a and "\n" in b
        return 2 * (a == b) + same_lines + bonus

    if dels and ins and v1 == w1 and v_end == w_end:
        return "both"  # a replacement between unchanged spacing keeps it on both sides
    options = [("trail", score(v_end, w_end, False))]
    if dels != ins:  # a pure insertion or deletion: whole blocks keep the break before them
        options.insert(0, ("lead", score(v1, w1, False)))
    elif dels:
        options.append(("lead", score(v1, w1, False)))
    if dels and ins:
        options.append(("ins-first", score(v1, w_end, True)))
        options.append(("dels-first", score(v_end, w1, True)))
    best = max(s for _, s in options)
    return next(name for name, s in options if s == best)


def read_off(
    from_text: str,
    to_text: str,
    weave: Weave,
    old_blocks: list[Block] | None = None,
    new_blocks: list[Block] | None = None,
) -> DocDiff:
    """The FROM→TO diff as the weave records it."""
    old, new = _Side(from_text), _Side(to_text)
    rows = slide(cancel_reverts(weave.rows(), old, new), old, new)
    builder = _Segments(old, new, weave.commits)
    segments = builder.build(rows)
    links = builder.links
    blocks = (
        _some(parse_blocks(from_text) if old_blocks is None else old_blocks, from_text),
        _some(parse_blocks(to_text) if new_blocks is None else new_blocks, to_text),
    )
    pairs, changes = lay_out(segments, blocks, links)
    return DocDiff(from_text, to_text, pairs, changes, weave.approximate)


def _some(blocks: list[Block], text: str) -> list[Block]:
    """The blocks, or one block of the whole text when there are none (empty or blank text)."""
    return blocks or [Block("other", text, 0, ())]
