"""The weave: replay each commit's token edit, keeping who inserted every token and who deleted
every FROM token (kept in place, like the interleaved deltas of SCCS).

The running text is a list of token entries, one per non-space token: an entry `v >= 0` is the
FROM token number `v`; `v < 0` is a token inserted inside the range, whose commit is
`inserted[-v - 1]`. A FROM token deleted by a later commit stays in the weave as
`(FROM token number, commit ordinal)`, attached before the next entry that is still there (or
at the tail). A token inserted and deleted inside the range leaves nothing behind.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass, field

from draftctl.engine.moves import Move, find_moves
from draftctl.engine.tokendiff import Coded, Coder, Differ, Op, coded

Dead = tuple[int, int]  # (FROM token number, ordinal of the deleting commit)


@dataclass(frozen=True)
class Step:
    """The draft after one commit of a first-parent history (or after the work-tree edits);
    a merge carries its merged branch's steps from the merge base."""

    commit: str
    text: str
    side: tuple[Step, ...] = ()
    side_base: str | None = None


@dataclass
class State:
    """One text of the history with the provenance of each of its tokens."""

    coded: Coded
    alive: list[int]
    before: dict[int, tuple[Dead, ...]]
    tail: tuple[Dead, ...] = ()
    touched: dict[int, int] = field(default_factory=dict)  # entry → last commit deleting at it
    moved: dict[int, tuple[int, int]] = field(default_factory=dict)  # FROM token → (mover,
    # ordinal of the commit that later deleted it at its new place, or -1)

    def dead(self) -> dict[int, int]:
        """FROM token number → ordinal of the commit that deleted it."""
        found = dict(self.tail)
        for entries in self.before.values():
            found.update(entries)
        return found


@dataclass
class Weave:
    """The result of a replay: the final state and who every ordinal is."""

    state: State
    commits: list[str]  # ordinal → commit key, in replay order (merged branches first)
    inserted: list[int]  # inserted token id → ordinal of the commit that inserted it
    approximate: bool = False

    origin: dict[int, int] = field(default_factory=dict)  # moved FROM token's new id → FROM token

    def rows(self) -> list[tuple[int, int, int, int]]:
        """(FROM token or -1, TO token or -1, commit ordinal or -1, moved 0/1) for every weave
        entry in order: unchanged, deleted FROM tokens, inserted TO tokens; a moved FROM token
        is a moved-from row at its old place and a moved-to row at its new one."""
        state = self.state
        out: list[tuple[int, int, int, int]] = []
        before, moved, origin = state.before, state.moved, self.origin
        inserted = self.inserted
        for to, v in enumerate(state.alive):
            dead = before.get(v)
            if dead:
                out.extend(_dead_row(f, who, moved) for f, who in dead)
            if v >= 0:
                out.append((v, to, -1, 0))
            else:
                moved_from = origin.get(v)
                out.append((-1, to, inserted[-v - 1], 0 if moved_from is None else 1 + moved_from))
        out.extend(_dead_row(f, who, moved) for f, who in state.tail)
        return out

    def runs(self) -> list[tuple[int, int, int, int]]:
        """`rows()` with each stretch of unchanged tokens as one row (FROM token, TO token, -1,
        number of tokens): the work is in proportion to the changes, not to the text."""
        state, inserted, origin = self.state, self.inserted, self.origin
        alive, before, moved = state.alive, state.before, state.moved
        cuts = sorted(v for v in before if v >= 0)  # a stretch ends before deleted tokens
        out: list[tuple[int, int, int, int]] = []
        to, total = 0, len(alive)
        while to < total:
            v = alive[to]
            dead = before.get(v)
            if dead:
                out.extend(_dead_row(f, who, moved) for f, who in dead)
            if v < 0:
                moved_from = origin.get(v)
                out.append((-1, to, inserted[-v - 1], 0 if moved_from is None else 1 + moved_from))
                to += 1
                continue
            cut = bisect_right(cuts, v)
            limit = min(total - to, cuts[cut] - v if cut < len(cuts) else total)
            n = _stretch(alive, to, limit)
            out.append((v, to, -1, n))
            to += n
        out.extend(_dead_row(f, who, moved) for f, who in state.tail)
        return out


def _stretch(alive: list[int], at: int, limit: int) -> int:
    """How many entries from `at` (at most `limit`) continue FROM token alive[at] one by one
    (surviving FROM tokens keep their order, so a gap shows as a negative entry or a cut)."""
    v, n, step = alive[at], 1, 1
    while n < limit:  # gallop, then halve: slices compare in C
        m = min(n + step, limit)
        if alive[at + m - 1] == v + m - 1 and alive[at + n : at + m] == list(range(v + n, v + m)):
            n, step = m, step * 2
        elif step > 1:
            step //= 2
        else:
            break
    return n


def _dead_row(f: int, who: int, moved: dict[int, tuple[int, int]]) -> tuple[int, int, int, int]:
    found = moved.get(f)
    if found is None:
        return (f, -1, who, 0)
    mover, deleter = found
    return (f, -1, deleter, 0) if deleter >= 0 else (f, -1, mover, 1 + f)


Edit = tuple[list[Op], list[Move]]
Memo = MutableMapping[tuple[str, str], Edit]


@dataclass
class Replayer:
    """Replays steps; `memo` (optional) maps (old text, new text) digests to token edits."""

    differ: Differ = field(default_factory=Differ)
    coder: Coder = field(default_factory=Coder)
    commits: list[str] = field(default_factory=list)
    inserted: list[int] = field(default_factory=list)
    origin: dict[int, int] = field(default_factory=dict)
    memo: Memo | None = None
    digest: Callable[[str], str] | None = None

    def initial(self, text: str) -> State:
        c = coded(text, self.coder)
        return State(c, list(range(sum(map(len, c.tokens)))), {})

    def compute(self, old: Coded, new: Coded) -> Edit:
        ops = self.differ.diff(old, new)
        return ops, find_moves(ops, old, new, self.differ)

    def edit(self, old: Coded, new: Coded) -> Edit:
        """The token edit from `old` to `new` (read from the memo when it has it)."""
        if self.memo is None or self.digest is None:
            return self.compute(old, new)
        key = (self.digest(old.text), self.digest(new.text))
        found = self.memo.get(key)
        if found is None or not _fits(found, old, new):
            found = self.compute(old, new)
            self.memo[key] = found
        return found

    def run(
        self,
        state: State,
        steps: Sequence[Step],
        progress: Callable[[int, int], None] | None = None,
    ) -> State:
        for n, step in enumerate(steps, 1):
            if step.side and step.side_base is not None:
                state = self._merge(state, step)
            else:
                ordinal = self._ordinal(step.commit)
                credit = _Constant(ordinal)
                state = self.apply(state, step.text, credit, credit)
            if progress is not None:
                progress(n, len(steps))
        return state

    def _ordinal(self, commit: str) -> int:
        self.commits.append(commit)
        return len(self.commits) - 1

    def apply(
        self,
        state: State,
        text: str,
        inserter: Callable[[int], int],
        deleter: Callable[[int], int],
    ) -> State:
        """The state for `text`: `inserter(j)` credits new token j, `deleter(i)` old token i."""
        if text == state.coded.text:
            return state
        new = coded(text, self.coder)
        ops, moves = self.edit(state.coded, new)
        apply = _Apply(state, self.inserted, inserter, deleter)
        apply.origin = self.origin
        if moves:
            apply.carry(moves, self.origin)
        return apply.run(ops, new)

    def _merge(self, state: State, step: Step) -> State:
        """Replay the merged branch from the merge base; tokens it brought in keep its commits."""
        assert step.side_base is not None
        base = self.initial(step.side_base)
        side = self.run(base, step.side)
        ordinal = self._ordinal(step.commit)
        merged = coded(step.text, self.coder)
        from_side = _equal_map(self.differ.diff(side.coded, merged), len(merged.codes))
        from_base = _equal_map(self.differ.diff(base.coded, state.coded), len(state.coded.codes))
        side_dead = side.dead()
        inserted = self.inserted

        def inserter(j: int) -> int:
            k = from_side[j]
            v = side.alive[k] if k >= 0 else 0
            return inserted[-v - 1] if v < 0 else ordinal

        def deleter(i: int) -> int:
            b = from_base[i]
            return side_dead.get(b, ordinal) if b >= 0 else ordinal

        return self.apply(state, step.text, inserter, deleter)


class _Constant:
    """The credit of an ordinary commit: every token it inserts or deletes is its own."""

    def __init__(self, ordinal: int) -> None:
        self.ordinal = ordinal

    def __call__(self, _token: int) -> int:
        return self.ordinal


_MARKERS = frozenset("-*+#|>")


def _block_start(coded: Coded, k: int) -> bool:
    """Whether token k may open a Markdown block: after a blank line, or a marker."""
    total = _count(coded)
    if k <= 0 or k >= total:
        return True
    _, local = coded._locate(k)
    if local == 0:
        return True
    token = coded.token(k)
    return token in _MARKERS or token.isdigit()


def _count(c: Coded) -> int:
    return sum(map(len, c.tokens))


def _length(ops: list[Op] | tuple[Op, ...], side: int) -> int:
    return sum(n for op, n in ops if op == 0 or op == side)


def _fits(edit: Edit, old: Coded, new: Coded) -> bool:
    """Whether a remembered edit has the right shape for these two texts."""
    ops, moves = edit
    total_old, total_new = _count(old), _count(new)
    if _length(ops, -1) != total_old or _length(ops, 1) != total_new:
        return False
    return all(
        m.old_start + m.old_len <= total_old
        and m.new_start + m.new_len <= total_new
        and _length(m.inner, -1) == m.old_len
        and _length(m.inner, 1) == m.new_len
        for m in moves
    )


def _equal_map(ops: list[Op], size: int) -> list[int]:
    """For each new token, the old token it equals in the edit `ops`, or -1."""
    out = [-1] * size
    i = j = 0
    for op, n in ops:
        if op == 0:
            out[j : j + n] = range(i, i + n)
        i += n if op <= 0 else 0
        j += n if op >= 0 else 0
    return out


class _Apply:
    """Applies one edit to a state (the old state is left untouched)."""

    def __init__(
        self,
        state: State,
        inserted: list[int],
        inserter: Callable[[int], int],
        deleter: Callable[[int], int],
    ) -> None:
        self.old = state
        self.inserted = inserted
        self.inserter = inserter
        self.deleter = deleter
        self.before = dict(state.before)
        self.touched = dict(state.touched)
        self.moved = dict(state.moved)
        self.origin: dict[int, int] = {}
        self.carried: dict[int, int] = {}  # new token → the value it carries from its old place
        self.moved_out: set[int] = set()  # old tokens that moved
        self.alive: list[int] = []
        self.pending: list[Dead] = []
        self.touch_next = -1

    def run(self, ops: list[Op], new: Coded) -> State:
        old = self.old.alive
        i = j = 0
        for op, n in ops:
            if op == 0:
                self._keep(old[i : i + n])
            elif op < 0:
                self._delete(old, i, n)
            else:
                self._insert(j, n)
            i += n if op <= 0 else 0
            j += n if op >= 0 else 0
        tail = (*self.pending, *self.old.tail)
        return State(new, self.alive, self.before, tail, self.touched, self.moved)

    def carry(self, moves: list[Move], origin: dict[int, int]) -> None:
        """Prepare the moves: kept tokens go to their new place with their provenance (a FROM
        token gets a new id there and stays behind as a moved-from deletion)."""
        self.origin = origin
        old = self.old.alive
        for move in moves:
            mover = self.deleter(move.old_start)
            a = b = 0
            for op, n in move.inner:
                if op == 0:
                    for k in range(n):
                        i, j = move.old_start + a + k, move.new_start + b + k
                        self.moved_out.add(i)
                        self.carried[j] = self._carried(old[i], mover)
                a += n if op <= 0 else 0
                b += n if op >= 0 else 0

    def _carried(self, v: int, mover: int) -> int:
        if v < 0:
            return v
        self.inserted.append(mover)
        new_id = -len(self.inserted)
        self.origin[new_id] = v
        self.moved[v] = (mover, -1)
        return new_id

    def _touch(self, v: int, ordinal: int) -> None:
        if self.touched.get(v, -1) < ordinal:
            self.touched[v] = ordinal

    def _attach(self, v: int) -> None:
        if self.touch_next >= 0:
            self._touch(v, self.touch_next)
            self.touch_next = -1
        if self.pending:
            self.before[v] = (*self.pending, *self.before.get(v, ()))
            self.pending = []

    def _keep(self, run: list[int]) -> None:
        if run:
            self._attach(run[0])
            self.alive.extend(run)

    def _delete(self, old: list[int], i: int, n: int) -> None:
        self._mark_deletion(i, n)
        pop = self.before.pop
        pending = self.pending
        moved_out = self.moved_out
        for k in range(i, i + n):
            v = old[k]
            dead = pop(v, None)
            if dead:
                pending.extend(dead)
            if v >= 0:
                pending.append((v, self.deleter(k)))
            elif k not in moved_out and v in self.origin:
                self.moved[self.origin[v]] = (self.moved[self.origin[v]][0], self.deleter(k))

    def _mark_deletion(self, i: int, n: int) -> None:
        """Note the deletion on the kept tokens of its line: the one before when it starts
        mid-line, the one after when it ends mid-line or inside a paragraph's lines."""
        coded, ordinal = self.old.coded, self.deleter(i)
        starts_line, ends_line = coded.line_start(i), coded.line_start(i + n)
        if not starts_line and self.alive:
            self._touch(self.alive[-1], ordinal)
        if not ends_line or (
            starts_line and i > 0 and not _block_start(coded, i) and not _block_start(coded, i + n)
        ):
            self.touch_next = max(self.touch_next, ordinal)

    def _insert(self, j: int, n: int) -> None:
        inserted = self.inserted
        if self.carried and any(k in self.carried for k in range(j, j + n)):
            ids = [self.carried.get(k) or self._fresh(k) for k in range(j, j + n)]
        else:
            first = -len(inserted) - 1
            inserted.extend(self.inserter(k) for k in range(j, j + n))
            ids = list(range(first, first - n, -1))
        self._attach(ids[0])
        self.alive.extend(ids)

    def _fresh(self, k: int) -> int:
        self.inserted.append(self.inserter(k))
        return -len(self.inserted)


def replay(
    from_text: str,
    steps: Sequence[Step],
    *,
    memo: Memo | None = None,
    digest: Callable[[str], str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Weave, State]:
    """Replay `steps` from `from_text`; returns the weave and the FROM state."""
    replayer = Replayer(memo=memo, digest=digest)
    start = replayer.initial(from_text)
    final = replayer.run(start, steps, progress)
    weave = Weave(
        final, replayer.commits, replayer.inserted, replayer.differ.approximate, replayer.origin
    )
    return weave, start
