"""Pure attribution: replay a draft's history word by word and credit each change to commits."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from draftctl.engine.diff import (
    Change,
    Differ,
    DocDiff,
    Segment,
    TokenCoder,
    diff_texts,
    no_gc,
    tokenize,
)

Src = str | int | None  # commit that inserted a token, FROM offset of an original token, or unknown
_CHUNK_END = re.compile(r"((?:\r\n|\r|\n)(?:[ \t]*(?:\r\n|\r|\n))+)")
_LF_CHUNK_END = re.compile(r"(\n(?:[ \t]*\n)+)")
_LONG_CHUNK = 4000  # longer chunks are cut at every line so one edit never rediffs a huge run
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


@dataclass(frozen=True)
class Step:
    """The draft after one commit of a first-parent history (or after the worktree edits)."""

    commit: str
    text: str
    side: tuple[Step, ...] = ()
    side_base: str | None = None


@dataclass
class AttributedDiff:
    """The FROM → TO diff with the commits behind every inserted and deleted word."""

    diff: DocDiff
    credits: dict[int, list[str]]
    segment_credits: dict[int, list[tuple[Segment, str | None]]]
    inserted_by: dict[int, str] = field(default_factory=dict)  # TO offset of a word → commit
    deleted_by: dict[int, str] = field(default_factory=dict)  # FROM offset of a word → commit
    order: list[str] = field(default_factory=list)  # every commit replayed, oldest first
    approximate: bool = False

    def credit_runs(self, segment: Segment) -> list[tuple[Segment, str | None]]:
        """`segment` cut into runs that one commit each made (equal segments: one run, None)."""
        if segment.op == "equal":
            return [(segment, None)]
        by = self.inserted_by if segment.op == "insert" else self.deleted_by
        return _split_runs(segment, by)


# --- chunks and replay state ------------------------------------------------------------------


class _Chunk:
    """A run of lines ending in blank lines, with the source of every token.

    A chunk of the FROM text is tokenised only when a step touches it (`start` is its offset,
    and a FROM token's source is its own offset): most chunks of a long draft never change.
    """

    __slots__ = ("_srcs", "_tokens", "raw", "start", "touched")

    def __init__(
        self,
        raw: str,
        tokens: tuple[str, ...] | None,
        srcs: tuple[Src, ...] | None,
        touched: tuple[str, ...] = (),  # commits that changed words in it
        start: int = 0,
    ) -> None:
        self.raw, self._tokens, self._srcs, self.touched, self.start = (
            raw,
            tokens,
            srcs,
            touched,
            start,
        )

    @property
    def tokens(self) -> tuple[str, ...]:
        if self._tokens is None:
            self._tokens = tuple(tokenize(self.raw))
        return self._tokens

    @property
    def srcs(self) -> tuple[Src, ...]:
        if self._srcs is None:
            self._srcs = tuple(accumulate(map(len, self.tokens), initial=self.start))[:-1]
        return self._srcs


@dataclass(frozen=True, slots=True)
class _State:
    """A text as chunks, with one alignment code per chunk (equal keys, equal codes)."""

    text: str
    chunks: list[_Chunk]
    codes: str


def split_chunks(text: str) -> list[str]:
    """Cut text after each run of blank lines (and long chunks at every line)."""
    parts = (_CHUNK_END if "\r" in text else _LF_CHUNK_END).split(text)
    chunks = [a + b for a, b in zip(parts[0::2], parts[1::2], strict=False)]
    if parts[-1]:
        chunks.append(parts[-1])
    if max(map(len, chunks), default=0) <= _LONG_CHUNK:
        return chunks
    return [line for chunk in chunks for line in _cut_long(chunk)]


def _cut_long(chunk: str) -> list[str]:
    if len(chunk) <= _LONG_CHUNK:
        return [chunk]
    lines = _LINE.findall(chunk)
    if len(lines) > 1 and not lines[-1].strip():
        lines[-2:] = [lines[-2] + lines[-1]]
    return lines


class _Edit:
    """What one step does to tokens: where inserted ones come from, who deletes old ones.
    The base class only maps (sources unknown, nothing recorded)."""

    def inserted(self, chunk: int, token: int) -> Src:
        return None

    def deleted(self, chunk: int, token: int, src: Src) -> tuple[str, ...]:
        """Record that a token went; return the commits credited for it."""
        return ()


class _CommitEdit(_Edit):
    """An ordinary commit: it made every inserted token and deleted every removed one."""

    def __init__(self, commit: str, deleted: dict[int, str]) -> None:
        self.commit = commit
        self.record = deleted

    def inserted(self, chunk: int, token: int) -> Src:
        return self.commit

    def deleted(self, chunk: int, token: int, src: Src) -> tuple[str, ...]:
        if isinstance(src, int):
            self.record[src] = self.commit
        return (self.commit,)


class _MergeEdit(_CommitEdit):
    """A merge: tokens the merged branch made keep its commits; the rest is the merge's."""

    def __init__(
        self,
        commit: str,
        deleted: dict[int, str],
        via_side: _State,
        base_of_parent: _State,
        side_deleted: dict[int, str],
    ) -> None:
        super().__init__(commit, deleted)
        self.via_side = via_side.chunks
        self.base_of_parent = base_of_parent.chunks
        self.side_deleted = side_deleted

    def inserted(self, chunk: int, token: int) -> Src:
        src = self.via_side[chunk].srcs[token]
        return src if isinstance(src, str) else self.commit

    def deleted(self, chunk: int, token: int, src: Src) -> tuple[str, ...]:
        base = self.base_of_parent[chunk].srcs[token]
        who = self.side_deleted.get(base, self.commit) if isinstance(base, int) else self.commit
        if isinstance(src, int):
            self.record[src] = who
        return (who,)


class _Replayer:
    """Carries token sources from one text to the next, with caches shared by all steps."""

    def __init__(self, timeout: float) -> None:
        self.differ = Differ(timeout)
        self.coder = TokenCoder()
        self.tokens: dict[str, tuple[tuple[str, ...], str]] = {}
        self.raw_codes: dict[str, str] = {}
        self.key_codes: dict[str, str] = {}

    @property
    def approximate(self) -> bool:
        return self.differ.approximate

    def tokenized(self, raw: str) -> tuple[tuple[str, ...], str]:
        """Tokens of a chunk and their code string, cached."""
        hit = self.tokens.get(raw)
        if hit is None:
            toks = tuple(tokenize(raw))
            hit = self.tokens[raw] = (toks, self.coder.encode(toks))
        return hit

    def codes(self, raws: list[str]) -> str:
        """One character per chunk; chunks that differ only in whitespace share it."""
        get = self.raw_codes.get
        return "".join([get(raw) or self._new_code(raw) for raw in raws])

    def _new_code(self, raw: str) -> str:
        key = " ".join(raw.split())
        code = self.key_codes.get(key)
        if code is None:
            n = len(self.key_codes) + 0x100
            code = self.key_codes[key] = chr(n if n < 0xD800 else n + 0x800)
        self.raw_codes[raw] = code
        return code

    def initial(self, text: str) -> _State:
        """State for `text` where every token's source is its own offset."""
        raws = split_chunks(text)
        chunks = []
        at = 0
        for raw in raws:
            chunks.append(_Chunk(raw, None, None, start=at))
            at += len(raw)
        return _State(text, chunks, self.codes(raws))

    def carry(self, state: _State, text: str, edit: _Edit | None = None) -> _State:
        """The state for `text`: sources carried over where tokens stay; `edit` says where
        inserted tokens come from and records deletions (None: just map, sources unknown)."""
        if text == state.text:
            return state
        self.differ.restart()
        edit = edit or _Edit()
        raws = split_chunks(text)
        codes = self.codes(raws)
        out: list[_Chunk] = []
        i = j = gap_i = gap_j = 0
        for op, chars in [*self.differ.diff(state.codes, codes), (0, "")]:
            n = len(chars)
            if op != 0:
                i, j = i + (n if op < 0 else 0), j + (n if op > 0 else 0)
                continue
            if (i, j) != (gap_i, gap_j):
                out.extend(self._gap(state.chunks, raws, (gap_i, i, gap_j, j), edit))
            out.extend(self._same(state.chunks[i + k], raws[j + k]) for k in range(n))
            i, j = gap_i, gap_j = i + n, j + n
        return _State(text, out, codes)

    def _same(self, chunk: _Chunk, raw: str) -> _Chunk:
        """A chunk whose key did not change: reuse it, or map a reflow token by token."""
        if chunk.raw == raw:
            return chunk
        toks = self.tokenized(raw)[0]
        if len(toks) == len(chunk.tokens):
            return _Chunk(raw, toks, chunk.srcs, chunk.touched)
        return self._gap([chunk], [raw], (0, 1, 0, 1), _Edit())[0]

    def _gap(
        self, olds: list[_Chunk], raws: list[str], gap: tuple[int, int, int, int], edit: _Edit
    ) -> list[_Chunk]:
        """Word-diff the deleted chunks against the inserted ones and carry sources."""
        i0, i1, j0, j1 = gap
        news = [self.tokenized(r) for r in raws[j0:j1]]
        diff = _GapDiff(olds[i0:i1], news, i0, j0, edit)
        code_old = "".join(self.tokenized(c.raw)[1] for c in olds[i0:i1])
        code_new = "".join(code for _, code in news)
        for op, chars in self.differ.diff(code_old, code_new):
            diff.apply(op, len(chars), code_old, code_new)
        return diff.chunks(raws[j0:j1])


class _GapDiff:
    """Applies one gap's word diff: new token sources, deletions recorded, touched commits."""

    def __init__(
        self,
        olds: list[_Chunk],
        news: list[tuple[tuple[str, ...], str]],
        i0: int,
        j0: int,
        edit: _Edit,
    ) -> None:
        self.news, self.i0, self.j0, self.edit = news, i0, j0, edit
        self.old_srcs = [s for c in olds for s in c.srcs]
        self.old_at = _chunk_index(len(c.tokens) for c in olds)
        self.new_at = _chunk_index(len(toks) for toks, _ in news)
        self.srcs: list[Src] = []
        self.touched = {c for chunk in olds for c in chunk.touched}
        self.a = self.b = 0

    def apply(self, op: int, n: int, code_old: str, code_new: str) -> None:
        a, b = self.a, self.b
        if op == 0:
            self.srcs.extend(self.old_srcs[a : a + n])
        elif op > 0:
            for k in range(b, b + n):
                ci = bisect_right(self.new_at, k) - 1
                src = self.edit.inserted(self.j0 + ci, k - self.new_at[ci])
                self.srcs.append(src)
                if isinstance(src, str) and code_new[k] != " ":
                    self.touched.add(src)
        else:
            for k in range(a, a + n):
                if code_old[k] != " ":
                    ci = bisect_right(self.old_at, k) - 1
                    src = self.old_srcs[k]
                    self.touched.update(self.edit.deleted(self.i0 + ci, k - self.old_at[ci], src))
        self.a, self.b = a + (n if op <= 0 else 0), b + (n if op >= 0 else 0)

    def chunks(self, raws: list[str]) -> list[_Chunk]:
        out = []
        at = 0
        touched = tuple(sorted(self.touched))
        for raw, (toks, _) in zip(raws, self.news, strict=True):
            out.append(_Chunk(raw, toks, tuple(self.srcs[at : at + len(toks)]), touched))
            at += len(toks)
        return out


def _chunk_index(lengths: Iterable[int]) -> list[int]:
    """Start of each chunk in the flat token list."""
    return [0, *accumulate(lengths)][:-1]


# --- replaying the history --------------------------------------------------------------------


class _History:
    """Replays steps (and merged side branches) and remembers who deleted each FROM token."""

    def __init__(self, replayer: _Replayer) -> None:
        self.replayer = replayer
        self.order: list[str] = []

    def run(
        self,
        state: _State,
        steps: Sequence[Step],
        deleted: dict[int, str],
        progress: Callable[[int, int], None] | None = None,
    ) -> _State:
        for n, step in enumerate(steps, 1):
            if step.side and step.side_base is not None:
                state = self._merge(state, step, deleted)
            else:
                self._note(step.commit)
                state = self.replayer.carry(state, step.text, _CommitEdit(step.commit, deleted))
            if progress is not None:
                progress(n, len(steps))
        return state

    def _note(self, commit: str) -> None:
        if commit not in self.order:
            self.order.append(commit)

    def _merge(self, state: _State, step: Step, deleted: dict[int, str]) -> _State:
        """Replay the merged branch from the merge base, then credit what it brought in."""
        assert step.side_base is not None
        replayer = self.replayer
        base = replayer.initial(step.side_base)
        side_deleted: dict[int, str] = {}
        side_state = self.run(base, step.side, side_deleted)
        self._note(step.commit)
        via_side = replayer.carry(side_state, step.text)
        base_of_parent = replayer.carry(base, state.text)
        edit = _MergeEdit(step.commit, deleted, via_side, base_of_parent, side_deleted)
        return replayer.carry(state, step.text, edit)


# --- crediting the final diff -----------------------------------------------------------------


class _Crediting:
    """Looks up, for the final diff's words, the commit that inserted or deleted them."""

    def __init__(self, final: _State, deleted: dict[int, str], order: list[str]) -> None:
        state = self.state = final.chunks
        self.starts = [0, *accumulate(len(c.raw) for c in state)][:-1]
        self.tables: dict[int, dict[int, Src]] = {}
        self.deleted = deleted
        self.order = order
        self.rank = {c: k for k, c in enumerate(order)}
        changers = {c for chunk in state for c in chunk.touched} | set(deleted.values())
        ranked = sorted(changers, key=lambda c: self.rank.get(c, -1))
        self.last = ranked[-1] if ranked else (order[-1] if order else None)
        self.inserted_by: dict[int, str] = {}
        self.deleted_by: dict[int, str] = {}

    def _chunk_at(self, offset: int) -> int:
        return max(bisect_right(self.starts, offset) - 1, 0)

    def source(self, offset: int) -> Src:
        """Source of the final text's token starting at `offset`."""
        ci = self._chunk_at(offset)
        table = self.tables.get(ci)
        if table is None:
            chunk = self.state[ci] if self.state else None
            table = self.tables[ci] = _token_table(chunk, self.starts[ci] if chunk else 0)
        return table.get(offset)

    def inserter(self, offset: int) -> str | None:
        src = self.source(offset)
        return src if isinstance(src, str) else None

    def touched_at(self, offset: int) -> tuple[str, ...]:
        return self.state[self._chunk_at(offset)].touched if self.state else ()

    def credit(self, change: Change) -> list[str]:
        """Credit every word of `change`; returns its commits, oldest first."""
        found = self._lookups(change)
        fallback = self._fallback(change, [c for *_, c in found if c])
        commits = set()
        for op, offset, commit in found:
            who = commit or fallback
            if who is None:
                continue
            commits.add(who)
            if op == "insert":
                self.inserted_by[offset] = who
            elif op == "delete":
                self.deleted_by[offset] = who
        if not commits and fallback is not None:
            commits.add(fallback)
        return sorted(commits, key=lambda c: self.rank.get(c, len(self.rank)))

    def _lookups(self, change: Change) -> list[tuple[str, int, str | None]]:
        """(op, offset, commit or None) for every word the change inserts or deletes."""
        found = []
        for seg in change.own_segments():
            for offset, _ in _words(seg):
                lookup = self.inserter(offset) if seg.op == "insert" else self.deleted.get(offset)
                found.append((seg.op, offset, lookup))
        if change.kind == "move":
            found.extend(self._move_lookups(change))
        return found

    def _move_lookups(self, change: Change) -> list[tuple[str, int, str | None]]:
        """A move is credited to whoever re-inserted and removed the moved words."""
        found: list[tuple[str, int, str | None]] = []
        for block in change.new_blocks:
            seg = Segment("insert", "", block.raw, 0, block.start)
            found.extend(("move", off, c) for off, _ in _words(seg) if (c := self.inserter(off)))
        for block in change.old_blocks:
            seg = Segment("delete", block.raw, "", block.start, 0)
            found.extend(("move", off, c) for off, _ in _words(seg) if (c := self.deleted.get(off)))
        return found

    def _fallback(self, change: Change, found: list[str]) -> str | None:
        """Commit for words the replay cannot place: the change's own latest commit, else the
        latest that touched the chunk, else the latest that changed any word."""
        if found:
            return max(found, key=lambda c: self.rank.get(c, -1))
        segs = change.own_segments() or change.segments
        at = segs[0].new_start if segs else 0
        touched = self.touched_at(at)
        if touched:
            return max(touched, key=lambda c: self.rank.get(c, -1))
        return self.last


def _token_table(chunk: _Chunk | None, start: int) -> dict[int, Src]:
    """Offset → source for the non-space tokens of a chunk."""
    if chunk is None:
        return {}
    table = {}
    at = start
    for tok, src in zip(chunk.tokens, chunk.srcs, strict=True):
        if tok.strip():
            table[at] = src
        at += len(tok)
    return table


def _words(seg: Segment) -> list[tuple[int, str]]:
    """(absolute offset, token) of the non-space tokens of a segment's own side."""
    text, at = (seg.new, seg.new_start) if seg.op == "insert" else (seg.old, seg.old_start)
    out = []
    for tok in tokenize(text):
        if tok.strip():
            out.append((at, tok))
        at += len(tok)
    return out


@dataclass
class _Run:
    begin: int
    end: int
    commit: str | None
    has_word: bool


def _split_runs(seg: Segment, by: dict[int, str]) -> list[tuple[Segment, str | None]]:
    """Cut an insert/delete segment where the credited commit changes (spaces go with the
    words before them)."""
    text, base = (seg.new, seg.new_start) if seg.op == "insert" else (seg.old, seg.old_start)
    runs: list[_Run] = []
    local = 0
    for tok in tokenize(text):
        end = local + len(tok)
        word = bool(tok.strip())
        who = by.get(base + local) if word else None
        if runs and (not word or runs[-1].commit == who or not runs[-1].has_word):
            runs[-1].end = end
            if word:
                runs[-1].commit, runs[-1].has_word = who, True
        else:
            runs.append(_Run(local, end, who, word))
        local = end
    return [(_sub_segment(seg, r.begin, r.end), r.commit) for r in runs]


def _sub_segment(seg: Segment, a: int, b: int) -> Segment:
    if seg.op == "insert":
        return Segment("insert", "", seg.new[a:b], seg.old_start, seg.new_start + a, seg.change_id)
    return Segment("delete", seg.old[a:b], "", seg.old_start + a, seg.new_start, seg.change_id)


def attribute(
    from_text: str,
    steps: Sequence[Step],
    *,
    timeout: float = 5.0,
    progress: Callable[[int, int], None] | None = None,
) -> AttributedDiff:
    """Diff `from_text` against the last step's text and credit every inserted and deleted
    word to the step (commit) that made it, replaying the steps word by word."""
    with no_gc():
        replayer = _Replayer(timeout)
        history = _History(replayer)
        deleted: dict[int, str] = {}
        state = history.run(replayer.initial(from_text), steps, deleted, progress)
    to_text = steps[-1].text if steps else from_text
    diff = diff_texts(from_text, to_text, timeout=timeout)
    return _credited(diff, _Crediting(state, deleted, history.order), replayer.approximate)


def _credited(diff: DocDiff, crediting: _Crediting, approximate: bool) -> AttributedDiff:
    """Credit every change of `diff`, then cut its segments into runs by commit."""
    credits = {change.id: crediting.credit(change) for change in diff.changes}
    result = AttributedDiff(
        diff, credits, {}, crediting.inserted_by, crediting.deleted_by, crediting.order
    )
    result.approximate = approximate or diff.approximate
    result.segment_credits = {
        change.id: [run for seg in change.segments for run in result.credit_runs(seg)]
        for change in diff.changes
    }
    return result
