"""Turn read-off rows into the segment stream: both texts in weave order, whitespace placed so
that each side rebuilds exactly and whitespace between unchanged tokens is never a change."""

from __future__ import annotations

import sys
from bisect import bisect_right

from draftctl.engine.layout import MoveLinks
from draftctl.engine.model import Segment
from draftctl.engine.side import Side, common_length

# (FROM token or -1, TO token or -1, commit ordinal or -1, last): for a deleted or inserted
# token `last` is 0, or 1 + the FROM token it moved from; an unchanged row is a stretch of
# `last` tokens FROM f… and TO t… (the weave's `runs()`).
Row = tuple[int, int, int, int]


def is_equal(row: Row) -> bool:
    return row[0] >= 0 and row[1] >= 0


class Segments:
    """Builds the segments of a row stream; unchanged stretches whose text (whitespace
    included) is the same on both sides go out whole, and so do the tokens one commit deleted
    (or inserted) one after another inside one block (`cuts`: the block starts of each side);
    the rest goes token by token."""

    def __init__(
        self,
        old: Side,
        new: Side,
        commits: list[str],
        cuts: tuple[list[int], list[int]] = ([], []),
    ) -> None:
        self.old, self.new, self.commits = old, new, commits
        self.cuts = cuts
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
        for row in rows:
            if not is_equal(row):
                run.append(row)
                continue
            f, t, _, n = row
            if run:  # the edits end at the stretch's first token
                self._run(run, row)
                run = []
                f, t, n = f + 1, t + 1, n - 1
            self._unchanged(f, t, n)
        self._run(run, None)
        self._flush()
        return self.out

    def _unchanged(self, f: int, t: int, n: int) -> None:
        """Unchanged tokens: text that reads the same on both sides goes out whole; a token
        whose spacing differs (reflow) goes out on its own."""
        old, new = self.old, self.new
        while n > 0:
            a0, b0 = old.end(f - 1), new.end(t - 1)
            wide_a, wide_b = old.end(f + n - 1) - a0, new.end(t + n - 1) - b0
            # one comparison, from where the last one stopped: linear in the stretch's length
            same = common_length(old.text, a0, new.text, b0, min(wide_a, wide_b))
            if same == wide_a == wide_b:  # the rest reads the same on both sides
                text = old.stretch(f, n)
                self.emit("equal", text, text, None)
                return
            k = min(old.ending_after(a0 + same), f + n - 1) - f
            if k:
                text = old.stretch(f, k)
                self.emit("equal", text, text, None)
            self._token(f + k, t + k)
            f, t, n = f + k + 1, t + k + 1, n - k - 1

    def _token(self, f: int, t: int) -> None:
        old, new = self.old, self.new
        v, w = old.space(f), new.space(t)
        token = old.token(f)
        if v == w:
            self.emit("equal", v + token, v + token, None)
        else:
            self.emit("equal", v, w, None)
            self.emit("equal", token, token, None)

    def _run(self, run: list[Row], end: Row | None) -> None:
        old, new = self.old, self.new
        v_end = old.space(end[0] if end else old.count)
        w_end = new.space(end[1] if end else new.count)
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
            token = old.token(end[0])
            self.emit("equal", token, token, None)

    def _items(self, rows: list[Row], skip_first: bool) -> None:
        """Emit deleted and inserted tokens with the whitespace before each (not before the
        first of each kind when `skip_first`: that whitespace was emitted as equal)."""
        seen_del = seen_ins = False
        k = 0
        while k < len(rows):
            f, t, who, moved = rows[k]
            commit = self.commits[who]
            deleted = t < 0
            side, at = (self.old, f) if deleted else (self.new, t)
            if deleted:
                op = "move-from" if moved else "delete"
                first = skip_first and not seen_del
                seen_del = True
            else:
                op = "move-to" if moved else "insert"
                first = skip_first and not seen_ins
                seen_ins = True
            if not first:
                space = side.space(at)
                self.emit(op, space, "", commit) if deleted else self.emit(op, "", space, commit)
            last = self._same_run(rows, k, side, 1 if deleted else 0)
            if moved:  # each moved token links its place to its origin's FROM offset
                links = self.links.by_old if deleted else self.links.by_new
                here = (self.at_old if deleted else self.at_new) - side.start(at)
                for m in range(k, last + 1):
                    links[here + side.start(at + m - k)] = self.old.start(rows[m][3] - 1)
            text = side.text[side.start(at) : side.end(at + last - k)]
            self.emit(op, text, "", commit) if deleted else self.emit(op, "", text, commit)
            if last > k:
                seg = self.out[-1]
                key = ("old", seg.old_start) if deleted else ("new", seg.new_start)
                self.links.runs[key] = (side, at, at + last - k)
            k = last + 1

    def _same_run(self, rows: list[Row], k: int, side: Side, col: int) -> int:
        """The last row from k on that goes on k's run: the next token of the same side, by
        the same commit, moved if k's is, and no block start inside."""
        who, moved = rows[k][2], bool(rows[k][3])
        at = rows[k][1 - col]
        cuts = self.cuts[1 - col]
        here = self.at_old if col else self.at_new  # where the run starts in the stream (a
        shift = here - side.start(at)  # moved text puts the old side's stream out of step)
        c = bisect_right(cuts, here)
        limit = cuts[c] if c < len(cuts) else sys.maxsize
        last = k
        while last + 1 < len(rows):
            row = rows[last + 1]
            nxt = at + last + 1 - k
            if row[1 - col] != nxt or row[col] >= 0 or row[2] != who or bool(row[3]) != moved:
                break
            if side.end(nxt) + shift > limit:
                break
            last += 1
        return last

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
