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

from draftctl.engine.edits import MARK_BEFORE, MARK_NEXT, Edit, compute_edit
from draftctl.engine.moves import Move
from draftctl.engine.recode import recoded
from draftctl.engine.tokendiff import Coded, Coder, Differ, Op, coded

Dead = tuple[int, int]  # (FROM token number, ordinal of the deleting commit)


class Step:
    """The draft after one commit of a first-parent history (or after the work-tree edits);
    a merge carries its merged branch's steps from the merge base. `source` is the text or a
    function that reads it, called only when the replay needs the text; `blob` (git's id of
    the text, when known) keys the remembered edits."""

    def __init__(
        self,
        commit: str,
        source: str | Callable[[], str],
        side: tuple[Step, ...] = (),
        side_base: str | None = None,
        blob: str | None = None,
        side_base_blob: str | None = None,
    ) -> None:
        self.commit = commit
        self.source = source
        self.side = side
        self.side_base = side_base
        self.blob = blob
        self.side_base_blob = side_base_blob  # the merge base's blob, when known

    @property
    def text(self) -> str:
        if not isinstance(self.source, str):
            self.source = self.source()
        return self.source


class State:
    """One text of the history with the provenance of each of its tokens. `coded` is None
    until an edit has to be computed from this text; `step` then supplies it."""

    def __init__(
        self,
        coded: Coded | None,
        alive: list[int],
        before: dict[int, tuple[Dead, ...]],
        tail: tuple[Dead, ...] = (),
        touched: dict[int, int] | None = None,
        moved: dict[int, tuple[int, int]] | None = None,
        step: Step | None = None,
        owned: bool = False,
    ) -> None:
        self.coded = coded
        self.alive = alive
        self.before = before
        self.tail = tail
        # entry → last commit deleting at it
        self.touched: dict[int, int] = {} if touched is None else touched
        # FROM token → (mover, ordinal of the commit that later deleted it at its new place,
        # or -1)
        self.moved: dict[int, tuple[int, int]] = {} if moved is None else moved
        self.step = step  # the text's step, for its blob and (lazily) its text
        self.owned = owned  # `alive` was made by the replay: the next edit may change it in place

    def dead(self) -> dict[int, int]:
        """FROM token number → ordinal of the commit that deleted it."""
        found = dict(self.tail)
        for entries in self.before.values():
            found.update(entries)
        return found


class Weave:
    """The result of a replay: the final state and who every ordinal is."""

    def __init__(
        self,
        state: State,
        commits: list[str],
        inserted: list[int],
        approximate: bool = False,
        origin: dict[int, int] | None = None,
    ) -> None:
        self.state = state
        self.commits = commits  # ordinal → commit key, in replay order (merged branches first)
        self.inserted = inserted  # inserted token id → ordinal of the commit that inserted it
        self.approximate = approximate
        # moved FROM token's new id → FROM token
        self.origin: dict[int, int] = {} if origin is None else origin

    def runs(self) -> list[tuple[int, int, int, int]]:
        """Every weave entry in order: a stretch of unchanged tokens as one row (FROM token, TO
        token, -1, number of tokens); a deleted FROM token as (FROM token, -1, commit ordinal,
        moved 0/1); an inserted TO token as (-1, TO token, commit ordinal, moved 0/1). A moved
        FROM token is a moved-from row at its old place and a moved-to row at its new one. The
        work is in proportion to the changes, not to the text."""
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


Memo = MutableMapping[tuple[str, str], Edit]  # (old blob, new blob) → the edit between them


class Replayer:
    """Replays steps; `memo` (optional) remembers edits by the blob ids of their two texts."""

    def __init__(
        self,
        differ: Differ | None = None,
        coder: Coder | None = None,
        commits: list[str] | None = None,
        inserted: list[int] | None = None,
        origin: dict[int, int] | None = None,
        memo: Memo | None = None,
        approximate: bool = False,
    ) -> None:
        self.differ: Differ = Differ() if differ is None else differ
        self.coder: Coder = Coder() if coder is None else coder
        self.commits: list[str] = [] if commits is None else commits
        self.inserted: list[int] = [] if inserted is None else inserted
        self.origin: dict[int, int] = {} if origin is None else origin
        self.memo = memo
        self.approximate = approximate

    def initial(self, text: str, blob: str | None = None, count: int | None = None) -> State:
        """The FROM state; with `count` (its token count, known from a remembered edit) the
        text is not tokenised until an edit must be computed from it."""
        step = Step("", text, blob=blob)
        if count is not None:
            return State(None, list(range(count)), {}, step=step)
        c = coded(text, self.coder)
        return State(c, list(range(c.count)), {}, step=step)

    def coded_of(self, state: State) -> Coded:
        if state.coded is None:
            assert state.step is not None
            state.coded = coded(state.step.text, self.coder)
        return state.coded

    def remembered(self, old: str | None, new: str | None) -> Edit | None:
        """The memo's edit between two blobs, if it has one."""
        if self.memo is None or old is None or new is None:
            return None
        return self.memo.get((old, new))

    def edit(self, state: State, step: Step) -> tuple[Edit, Coded | None]:
        """The token edit from `state`'s text to `step`'s, read from the memo when it has it
        (else computed: the step's coded text comes with it)."""
        old_blob = state.step.blob if state.step is not None else None
        found = self.remembered(old_blob, step.blob)
        if found is not None and found.old_count == len(state.alive):
            return found, None
        before = self.coded_of(state)
        new = recoded(step.text, self.coder, before)  # only the changed chunks are cut again
        found = compute_edit(before, new, self.differ)
        if self.memo is not None and old_blob is not None and step.blob is not None:
            self.memo[(old_blob, step.blob)] = found
        return found, new

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
                state = self.apply(state, step, credit, credit)
            if progress is not None:
                progress(n, len(steps))
        return state

    def _ordinal(self, commit: str) -> int:
        self.commits.append(commit)
        return len(self.commits) - 1

    def apply(
        self,
        state: State,
        step: Step,
        inserter: Callable[[int], int],
        deleter: Callable[[int], int],
    ) -> State:
        """The state for `step`'s text: `inserter(j)` credits new token j, `deleter(i)` old
        token i."""
        if _same_text(state, step):
            return state
        edit, new = self.edit(state, step)
        self.approximate = self.approximate or edit.approximate
        apply = _Apply(state, self.inserted, inserter, deleter)
        apply.origin = self.origin
        if edit.moves:
            apply.carry(list(edit.moves), self.origin)
        result = apply.run(edit, step)
        result.coded = new
        return result

    def _merge(self, state: State, step: Step) -> State:
        """Replay the merged branch from the merge base; tokens it brought in keep its commits.
        The edits it needs (the side's own, side tip → merge, base → this text) come from the
        memo when it has them, like any other edit."""
        assert step.side_base is not None
        first = step.side[0] if step.side and not step.side[0].side else None
        known = self.remembered(step.side_base_blob, first.blob) if first is not None else None
        count = known.old_count if known is not None else None
        base = self.initial(step.side_base, step.side_base_blob, count)
        side = self.run(base, step.side)
        ordinal = self._ordinal(step.commit)
        from_side = self._map_to(side, step)
        here = state.step if state.step is not None else Step("", self.coded_of(state).text)
        from_base = self._map_to(base, here)
        side_dead = side.dead()
        inserted = self.inserted

        def inserter(j: int) -> int:
            k = from_side[j]
            v = side.alive[k] if k >= 0 else 0
            return inserted[-v - 1] if v < 0 else ordinal

        def deleter(i: int) -> int:
            b = from_base[i]
            return side_dead.get(b, ordinal) if b >= 0 else ordinal

        return self.apply(state, step, inserter, deleter)

    def _map_to(self, old: State, new: Step) -> list[int]:
        """For each token of `new`'s text, the token of `old`'s it equals in the edit between
        them (-1: none); the edit is read from the memo when it has it, else computed and kept."""
        old_blob = old.step.blob if old.step is not None else None
        if old_blob is not None and old_blob == new.blob:
            return list(range(len(old.alive)))
        found = self.remembered(old_blob, new.blob)
        if found is None or found.old_count != len(old.alive):
            before = self.coded_of(old)
            found = compute_edit(before, recoded(new.text, self.coder, before), self.differ)
            if self.memo is not None and old_blob is not None and new.blob is not None:
                self.memo[(old_blob, new.blob)] = found
        self.approximate = self.approximate or found.approximate
        return _equal_map(list(found.ops), found.new_count)


def _same_text(state: State, step: Step) -> bool:
    """Whether the step leaves the text as it is (by blob id when both are known)."""
    old = state.step
    if old is not None and old.blob is not None and step.blob is not None:
        return old.blob == step.blob
    current = state.coded.text if state.coded is not None else old.text if old else None
    return current == step.text


class _Constant:
    """The credit of an ordinary commit: every token it inserts or deletes is its own."""

    def __init__(self, ordinal: int) -> None:
        self.ordinal = ordinal

    def __call__(self, _token: int) -> int:
        return self.ordinal


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
    """Applies one edit to a state (the old state is left untouched, except that the token
    list of a state the replay made itself is edited in place: copying every token for every
    commit was most of a replay that reads its edits from the cache)."""

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
        self.last = -1  # the entry before the current place, once there is one
        self.started = False
        self.pending: list[Dead] = []
        self.touch_next = -1

    def run(self, edit: Edit, step: Step) -> State:
        old = self.old.alive
        marks = iter(edit.marks)
        i = j = 0
        spliced: list[tuple[int, int, list[int]]] = []  # (old place, entries removed, added)
        for op, n in edit.ops:
            if op == 0:
                if n:
                    self._attach(old[i])
                    self.last, self.started = old[i + n - 1], True
            elif op < 0:
                self._delete(old, i, n, next(marks))
                spliced.append((i, n, []))
            else:
                spliced.append((i, 0, self._insert(j, n)))
            i += n if op <= 0 else 0
            j += n if op >= 0 else 0
        alive = old if self.old.owned else list(old)
        for at, removed, added in reversed(spliced):
            alive[at : at + removed] = added
        tail = (*self.pending, *self.old.tail)
        return State(None, alive, self.before, tail, self.touched, self.moved, step, owned=True)

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
        if v < 0:  # a token inserted in the range: a new id for its new place, same credit, so
            # the deletions kept in front of it there are not mistaken for those at its old one
            self.inserted.append(self.inserted[-v - 1])
            new_id = -len(self.inserted)
            if v in self.origin:
                self.origin[new_id] = self.origin[v]
            return new_id
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

    def _delete(self, old: list[int], i: int, n: int, mark: int) -> None:
        self._mark_deletion(i, mark)
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

    def _mark_deletion(self, i: int, mark: int) -> None:
        """Note the deletion on the kept tokens of its line (the edit's marks say which)."""
        ordinal = self.deleter(i)
        if mark & MARK_BEFORE and self.started:
            self._touch(self.last, ordinal)
        if mark & MARK_NEXT:
            self.touch_next = max(self.touch_next, ordinal)

    def _insert(self, j: int, n: int) -> list[int]:
        inserted = self.inserted
        if self.carried and any(k in self.carried for k in range(j, j + n)):
            ids = [self.carried.get(k) or self._fresh(k) for k in range(j, j + n)]
        else:
            first = -len(inserted) - 1
            if isinstance(self.inserter, _Constant):  # an ordinary commit: one credit for all
                inserted.extend([self.inserter.ordinal] * n)
            else:
                inserted.extend(self.inserter(k) for k in range(j, j + n))
            ids = list(range(first, first - n, -1))
        self._attach(ids[0])
        self.last, self.started = ids[-1], True
        return ids

    def _fresh(self, k: int) -> int:
        self.inserted.append(self.inserter(k))
        return -len(self.inserted)


def replay(
    from_text: str,
    steps: Sequence[Step],
    *,
    memo: Memo | None = None,
    from_blob: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Weave, State]:
    """Replay `steps` from `from_text` (whose blob id is `from_blob`, when known); returns the
    weave and the FROM state."""
    replayer = Replayer(memo=memo)
    first = steps[0] if steps and not steps[0].side else None
    known = replayer.remembered(from_blob, first.blob) if first is not None else None
    start = replayer.initial(from_text, from_blob, known.old_count if known else None)
    final = replayer.run(start, steps, progress)
    approximate = replayer.approximate or replayer.differ.approximate
    weave = Weave(final, replayer.commits, replayer.inserted, approximate, replayer.origin)
    return weave, start
