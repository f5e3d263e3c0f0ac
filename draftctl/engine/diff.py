"""Pure word-level diff of two Markdown drafts: block alignment, moves and word edits."""

from __future__ import annotations

import gc
import re
import time
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import accumulate

from diff_match_patch import diff_match_patch

from draftctl.engine.blocks import Block, parse_blocks

try:  # the C++ port is optional; tests check it agrees with the pure-Python one
    import fast_diff_match_patch as _fast
except ImportError:  # pragma: no cover - depends on the environment
    _fast = None

PAIR_THRESHOLD = 0.5  # word overlap (Dice) above which a deleted and an inserted block pair up
MOVE_THRESHOLD = 0.6  # word overlap above which a block deleted here and inserted there moved
MOVE_MIN_WORDS = 4  # shorter blocks only count as moved when their text is identical
SPLIT_GAP_WORDS = 3  # equal words that separate two changes inside one block
_EXACT_PAIRING = 400  # largest |deleted| x |inserted| gap paired by dynamic programming
_OPS = {"=": 0, "-": -1, "+": 1}

# --- tokens -----------------------------------------------------------------------------------


@cache
def _mark_class() -> str:
    """Regex class body of all combining marks (category M*), minus emoji modifiers."""
    ranges: list[tuple[int, int]] = []
    for cp in (*range(0x300, 0x20000), *range(0xE0100, 0xE01F0)):
        if unicodedata.category(chr(cp))[0] == "M" and cp not in (0xFE0E, 0xFE0F, 0x20E3):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


@cache
def token_pattern() -> re.Pattern[str]:
    """Words (with inner apostrophes and combining marks), whitespace runs, or other chars
    (an emoji sequence counts as one)."""
    word = rf"[\w{_mark_class()}]"
    other = rf"[^\w\s{_mark_class()}]"
    tail = r"[\ufe0e\ufe0f\u20e3\U0001F3FB-\U0001F3FF]*"
    return re.compile(
        rf"{word}+(?:['’]{word}+)*|\s+|[\U0001F1E6-\U0001F1FF]{{2}}"
        rf"|{other}{tail}(?:\u200d{other}{tail})*|.",
        re.S,
    )


@cache
def word_pattern() -> re.Pattern[str]:
    """Matches the word tokens only."""
    word = rf"[\w{_mark_class()}]"
    return re.compile(rf"{word}+(?:['’]{word}+)*")


_ASCII_TOKEN = re.compile(r"[A-Za-z0-9_]+(?:'[A-Za-z0-9_]+)*|\s+|.", re.S)
_SIMPLE_WORD = re.compile(r"\w+")


def tokenize(text: str) -> list[str]:
    """Split text into word, whitespace and punctuation tokens that join back to `text`."""
    if text.isascii():
        return _ASCII_TOKEN.findall(text)
    return token_pattern().findall(text)


def count_words(text: str) -> int:
    """Number of words in `text`."""
    return len(word_pattern().findall(text))


@cache
def _wordish() -> re.Pattern[str]:
    return re.compile(rf"[\w{_mark_class()}]")


def is_wordish(char: str) -> bool:
    """Whether `char` is a word character (letter, digit, underscore, combining mark)."""
    return bool(_wordish().match(char))


@cache
def _word_alphabet() -> str:
    """Alphanumeric code points used as stand-ins for words (diff-match-patch scores them as
    letters, so semantic clean-up keeps word, space and punctuation boundaries)."""
    starts = (0x4E00, 0x3400, 0xAC00, 0x20000, 0x100, 0x30000)
    ends = (0xA000, 0x4DC0, 0xD7A4, 0x2FA20, 0x3400, 0x323B0)
    return "".join(
        chr(cp)
        for a, b in zip(starts, ends, strict=True)
        for cp in range(a, b)
        if chr(cp).isalnum()
    )


class TokenCoder:
    """Maps tokens to single characters: whitespace → " ", words → letters, others → symbols."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}
        self.words = 0
        self.others = 0

    def encode(self, tokens: Sequence[str]) -> str:
        codes = self.codes
        for token in set(tokens).difference(codes):
            self._new(token)
        return "".join(map(codes.__getitem__, tokens))

    def _new(self, token: str) -> str:
        if token.isspace():
            code = " "
        elif word_pattern().fullmatch(token):
            code = self._next_word()
        elif len(token) == 1 and not 0xF0000 <= ord(token) <= 0x10FFFF:
            code = token
        else:
            code = chr(0xF0000 + self.others)
            self.others += 1
        self.codes[token] = code
        return code

    def _next_word(self) -> str:
        alphabet = _word_alphabet()
        n = self.words
        self.words += 1
        if n < len(alphabet):
            return alphabet[n]
        return chr(0x100000 + n - len(alphabet))  # beyond ~130k distinct words: any symbol


# --- the diff engine --------------------------------------------------------------------------


class Differ:
    """diff-match-patch with one deadline for a whole document; notes when it ran out."""

    def __init__(self, timeout: float, use_fast: bool | None = None) -> None:
        self.timeout = timeout
        self.deadline = time.time() + timeout
        self.dmp = diff_match_patch()
        self.dmp.Diff_Timeout = timeout
        self.fast = _fast is not None if use_fast is None else use_fast
        self.approximate = False

    def restart(self) -> None:
        """Start a fresh time budget (the approximate flag stays)."""
        self.deadline = time.time() + self.timeout

    def diff(self, a: str, b: str) -> list[tuple[int, str]]:
        """Character diff of a and b (no clean-up), as (op, text) with op in -1, 0, 1."""
        if a == b:
            return [(0, a)] if a else []
        if self.fast and _fast is not None:
            remaining = max(self.deadline - time.time(), 1e-6)
            raw = _fast.diff(
                a, b, timelimit=remaining, checklines=False, cleanup="No", counts_only=False
            )
            ops = [(_OPS[op], text) for op, text in raw]
        else:
            ops = self.dmp.diff_main(a, b, False, self.deadline)
        if time.time() >= self.deadline:
            self.approximate = True
        return ops

    def semantic(self, a: str, b: str) -> list[tuple[int, str]]:
        """Diff with diff-match-patch's semantic clean-up, keeping pure insertions pure."""
        ops = self.diff(a, b)
        if len(ops) > 2:
            self.dmp.diff_cleanupSemantic(ops)
            ops = self._unfold(ops)
        return ops

    def _unfold(self, ops: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """Undo clean-up that turned insertions around a kept word into a replacement.

        Semantic clean-up folds a short equality into the edits on both sides of it, so
        "two {+new+} three {+more+}" would read as "{-three-}{+new three more+}" and credit
        the deletion of a word nobody deleted. Where one side of such a replacement is
        contained in the other, the raw diff between them is used instead.
        """
        out: list[tuple[int, str]] = []
        index = 0
        while index < len(ops):
            pair = ops[index : index + 2]
            if len(pair) == 2 and {pair[0][0], pair[1][0]} == {-1, 1}:
                old = pair[0][1] if pair[0][0] == -1 else pair[1][1]
                new = pair[1][1] if pair[1][0] == 1 else pair[0][1]
                raw = self.diff(old, new)
                kinds = {op for op, _ in raw}
                if 0 in kinds and not (-1 in kinds and 1 in kinds):
                    out.extend(raw)
                    index += 2
                    continue
            out.append(ops[index])
            index += 1
        if len(out) != len(ops):
            self.dmp.diff_cleanupMerge(out)
        return out


# --- result objects ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text that is equal on both sides, inserted or deleted."""

    op: str
    old: str
    new: str
    old_start: int
    new_start: int
    change_id: int | None = None


@dataclass
class Change:
    """One change a person would mark: a word-level edit region, a block run, or a move."""

    id: int
    kind: str
    section: tuple[str, ...]
    segments: list[Segment]
    old_blocks: list[Block] = field(default_factory=list)
    new_blocks: list[Block] = field(default_factory=list)

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


@dataclass
class BlockPair:
    """One step of the block alignment, in document order."""

    op: str
    old: Block | None
    new: Block | None
    change_id: int | None
    segments: list[Segment]

    @property
    def change_ids(self) -> list[int]:
        """Every change that touches this pair, in order."""
        ids = dict.fromkeys(s.change_id for s in self.segments if s.change_id is not None)
        return list(ids)


@dataclass
class DocDiff:
    """The whole comparison: block alignment, changes, and whether time ran out."""

    old: str
    new: str
    pairs: list[BlockPair]
    changes: list[Change]
    approximate: bool = False

    def old_segments(self) -> Iterator[Segment]:
        """Segments in old-document order (moved blocks at their old place)."""
        for pair in self.pairs:
            if pair.op != "moved-to":
                yield from pair.segments

    def new_segments(self) -> Iterator[Segment]:
        """Segments in new-document order (moved blocks at their new place)."""
        for pair in self.pairs:
            if pair.op != "moved-from":
                yield from pair.segments

    def rebuild_old(self) -> str:
        return "".join(s.old for s in self.old_segments())

    def rebuild_new(self) -> str:
        return "".join(s.new for s in self.new_segments())

    def change(self, change_id: int) -> Change:
        return self.changes[change_id - 1]


# --- word-level diff --------------------------------------------------------------------------


def word_segments(
    old: str, new: str, old_start: int, new_start: int, differ: Differ, coder: TokenCoder
) -> list[Segment]:
    """Word-level segments of old → new; whitespace-only edits count as equal (reflow)."""
    old_tokens, new_tokens = tokenize(old), tokenize(new)
    ops = _space_last(differ.semantic(coder.encode(old_tokens), coder.encode(new_tokens)))
    old_at = list(accumulate(map(len, old_tokens), initial=old_start))
    new_at = list(accumulate(map(len, new_tokens), initial=new_start))
    raw: list[Segment] = []
    i = j = 0
    for op, chars in ops:
        n = len(chars)
        di, dj = (n if op <= 0 else 0), (n if op >= 0 else 0)
        seg_old = old[old_at[i] - old_start : old_at[i + di] - old_start]
        seg_new = new[new_at[j] - new_start : new_at[j + dj] - new_start]
        raw.append(Segment(_OP_NAMES[op], seg_old, seg_new, old_at[i], new_at[j]))
        i, j = i + di, j + dj
    return _without_space_edits(raw)


def _without_space_edits(raw: list[Segment]) -> list[Segment]:
    """Edit runs that only move whitespace around become equal text; equal runs merge."""
    segments: list[Segment] = []
    k = 0
    while k < len(raw):
        end = k
        while end < len(raw) and raw[end].op != "equal":
            end += 1
        if end == k:
            _append(segments, raw[k])
            k += 1
            continue
        run = raw[k:end]
        old, new = "".join(s.old for s in run), "".join(s.new for s in run)
        if "".join(old.split()) == "".join(new.split()):
            run = [Segment("equal", old, new, run[0].old_start, run[0].new_start)]
        for seg in run:
            _append(segments, seg)
        k = end
    return segments


_OP_NAMES = {-1: "delete", 0: "equal", 1: "insert"}


def _space_last(ops: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """An edit at the very end of a block that ends with a space (the block's line break) and
    follows a space: move the space to the front, so the break stays equal text."""
    k = len(ops)
    while k > 0 and ops[k - 1][0] != 0:
        k -= 1
    tail = ops[k:]
    if not k or not tail or not ops[k - 1][1].endswith(" "):
        return ops
    if not all(text.endswith(" ") for _, text in tail):
        return ops
    head = ops[: k - 1] + ([(0, ops[k - 1][1][:-1])] if len(ops[k - 1][1]) > 1 else [])
    return head + [(op, " " + text[:-1]) for op, text in tail] + [(0, " ")]


def _append(segments: list[Segment], seg: Segment) -> None:
    """Append, merging with the previous segment when both are equal."""
    if segments and seg.op == "equal" and segments[-1].op == "equal":
        last = segments[-1]
        segments[-1] = Segment(
            "equal", last.old + seg.old, last.new + seg.new, last.old_start, last.new_start
        )
    elif seg.old or seg.new:
        segments.append(seg)


# --- block alignment --------------------------------------------------------------------------


Run = tuple[bool, int, int, int, int]  # (equal?, old_from, old_to, new_from, new_to)


def _align(old: list[Block], new: list[Block], differ: Differ) -> list[Run]:
    """Runs of the key alignment: equal runs (same length on both sides) and gaps of deleted
    and inserted blocks."""
    codes: dict[str, str] = {}
    a = _key_string(old, codes)
    b = _key_string(new, codes)
    runs: list[Run] = []
    i = j = 0
    for op, chars in anchored_diff(a, b, differ):
        n = len(chars)
        di, dj = (n if op <= 0 else 0), (n if op >= 0 else 0)
        if runs and (op == 0) == runs[-1][0]:
            last = runs.pop()
            runs.append((last[0], last[1], i + di, last[3], j + dj))
        else:
            runs.append((op == 0, i, i + di, j, j + dj))
        i, j = i + di, j + dj
    return runs


def anchored_diff(a: str, b: str, differ: Differ) -> list[tuple[int, str]]:
    """Diff of two code strings, patience style: characters that occur once on each side
    and in the same order anchor the alignment; diff-match-patch aligns what lies between.
    Much faster than a plain diff of long, mostly equal documents, and keeps moved runs out
    of the anchors."""
    count_a, count_b = Counter(a), Counter(b)
    where = {ch: j for j, ch in enumerate(b) if count_b[ch] == 1}
    pairs = [(i, where[ch]) for i, ch in enumerate(a) if count_a[ch] == 1 and ch in where]
    ops: list[tuple[int, str]] = []
    i = j = 0
    for ai, bj in [*_increasing(pairs), (len(a), len(b))]:
        if ai > i or bj > j:
            ops.extend(differ.diff(a[i:ai], b[j:bj]))
        if ai < len(a):
            ops.append((0, a[ai]))
        i, j = ai + 1, bj + 1
    return ops


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest run of pairs whose second items increase (pairs come sorted by the first)."""
    tails: list[int] = []
    tail_at: list[int] = []
    before = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        pos = bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[pos], tail_at[pos] = j, k
        before[k] = tail_at[pos - 1] if pos else -1
    out = []
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        out.append(pairs[k])
        k = before[k]
    return out[::-1]


def _key_string(blocks: list[Block], codes: dict[str, str]) -> str:
    """One character per block; equal keys get equal characters."""
    out = []
    for block in blocks:
        code = codes.get(block.key)
        if code is None:
            n = len(codes) + 0x100
            code = codes[block.key] = chr(n if n < 0xD800 else n + 0x800)
        out.append(code)
    return "".join(out)


@dataclass
class _Words:
    """Lower-cased word set of a block, cached by key."""

    cache: dict[str, frozenset[str]] = field(default_factory=dict)

    def of(self, block: Block) -> frozenset[str]:
        words = self.cache.get(block.key)
        if words is None:
            words = self.cache[block.key] = frozenset(_SIMPLE_WORD.findall(block.key.lower()))
        return words

    def similarity(self, a: Block, b: Block) -> float:
        """Dice overlap of the two blocks' word sets."""
        wa, wb = self.of(a), self.of(b)
        total = len(wa) + len(wb)
        if not total:
            return 1.0 if a.key == b.key else 0.0
        return 2 * len(wa & wb) / total


def _pair_gap(dels: list[Block], ins: list[Block], words: _Words) -> list[tuple[int, int]]:
    """Monotone pairs (i, j) of similar deleted/inserted blocks within one gap."""
    if not dels or not ins:
        return []
    if len(dels) * len(ins) <= _EXACT_PAIRING:
        return _pair_exact(dels, ins, words)
    pairs = []
    j = 0
    for i, block in enumerate(dels):
        window = range(j, min(j + 8, len(ins)))
        scored = [(words.similarity(block, ins[k]), k) for k in window]
        best = max(scored, default=(0.0, -1))
        if best[0] >= PAIR_THRESHOLD:
            pairs.append((i, best[1]))
            j = best[1] + 1
    return pairs


def _pair_exact(dels: list[Block], ins: list[Block], words: _Words) -> list[tuple[int, int]]:
    """Best monotone pairing (largest total similarity) by dynamic programming."""
    n, m = len(dels), len(ins)
    sim = [[words.similarity(d, b) for b in ins] for d in dels]
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = sim[i][j] + score[i + 1][j + 1] if sim[i][j] >= PAIR_THRESHOLD else -1.0
            score[i][j] = max(take, score[i + 1][j], score[i][j + 1])
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if sim[i][j] >= PAIR_THRESHOLD and score[i][j] == sim[i][j] + score[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif score[i][j] == score[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


# --- moves ------------------------------------------------------------------------------------


def _find_moves(
    dels: list[int], ins: list[int], old: list[Block], new: list[Block], words: _Words
) -> dict[int, int]:
    """Old index → new index of blocks deleted in one place and inserted in another."""
    moves: dict[int, int] = {}
    by_key: dict[str, list[int]] = {}
    for j in reversed(ins):
        if new[j].key:
            by_key.setdefault(new[j].key, []).append(j)
    for i in dels:
        if by_key.get(old[i].key):
            moves[i] = by_key[old[i].key].pop()
    taken = set(moves.values())
    left = [j for j in ins if j not in taken and len(words.of(new[j])) >= MOVE_MIN_WORDS]
    rest = [i for i in dels if i not in moves and len(words.of(old[i])) >= MOVE_MIN_WORDS]
    moves.update(_similar_moves(rest, left, old, new, words))
    return moves


def _similar_moves(
    dels: list[int], ins: list[int], old: list[Block], new: list[Block], words: _Words
) -> dict[int, int]:
    """Pairs of deleted/inserted blocks with ≥ MOVE_THRESHOLD overlap, via rare shared words."""
    index: dict[str, list[int]] = {}
    for j in ins:
        for word in words.of(new[j]):
            index.setdefault(word, []).append(j)
    moves: dict[int, int] = {}
    used: set[int] = set()
    for i in dels:
        rare = sorted(words.of(old[i]), key=lambda w: len(index.get(w, ())))[:8]
        candidates = {j for w in rare for j in index.get(w, ())[:50] if j not in used}
        scored = [(words.similarity(old[i], new[j]), -j) for j in candidates]
        best = max(scored, default=(0.0, 0))
        if best[0] >= MOVE_THRESHOLD:
            moves[i] = -best[1]
            used.add(-best[1])
    return moves


# --- assembling the result --------------------------------------------------------------------

Step = tuple[str, int, int]  # (op, old index or -1, new index or -1)


def _plan(old: list[Block], new: list[Block], differ: Differ) -> list[Step]:
    """Ordered alignment steps: equal, modified, deleted, inserted, moved-from, moved-to."""
    words = _Words()
    steps: list[Step] = []
    for equal, a0, a1, b0, b1 in _align(old, new, differ):
        if equal:
            steps.extend(("equal", a0 + k, b0 + k) for k in range(a1 - a0))
        else:
            steps.extend(_gap_steps(old, new, (a0, a1, b0, b1), words))
    return _drop_trivial_moves(_mark_moves(steps, old, new, words), words, old)


def _gap_steps(
    old: list[Block], new: list[Block], gap: tuple[int, int, int, int], words: _Words
) -> list[Step]:
    """Deleted, inserted and modified steps for one gap between equal runs."""
    a0, a1, b0, b1 = gap
    pairs = _pair_gap(old[a0:a1], new[b0:b1], words)
    steps: list[Step] = []
    i, j = a0, b0
    for pi, pj in [*pairs, (a1 - a0, b1 - b0)]:
        steps.extend(("deleted", k, -1) for k in range(i, a0 + pi))
        steps.extend(("inserted", -1, k) for k in range(j, b0 + pj))
        if a0 + pi < a1:
            steps.append(("modified", a0 + pi, b0 + pj))
        i, j = a0 + pi + 1, b0 + pj + 1
    return steps


def _mark_moves(steps: list[Step], old: list[Block], new: list[Block], words: _Words) -> list[Step]:
    """Turn deleted/inserted steps that are one block moving into moved-from/moved-to."""
    dels = [i for op, i, _ in steps if op == "deleted"]
    ins = [j for op, _, j in steps if op == "inserted"]
    moves = _find_moves(dels, ins, old, new, words) if dels and ins else {}
    if not moves:
        return steps
    back = {j: i for i, j in moves.items()}
    out = []
    for op, i, j in steps:
        if op == "deleted" and i in moves:
            out.append(("moved-from", i, moves[i]))
        elif op == "inserted" and j in back:
            out.append(("moved-to", back[j], j))
        else:
            out.append((op, i, j))
    return out


def _drop_trivial_moves(steps: list[Step], words: _Words, old: list[Block]) -> list[Step]:
    """A move made only of short blocks (a rule, a one-word heading, a table row) is more
    likely a coincidence: show it as a deletion and an insertion."""
    groups = _move_groups(steps)
    substantial = {
        groups[j]
        for op, i, j in steps
        if op == "moved-to" and len(words.of(old[i])) >= MOVE_MIN_WORDS
    }
    if len(substantial) == len(set(groups.values())):
        return steps
    keep = {j for j, g in groups.items() if g in substantial}
    back = {i: j for op, i, j in steps if op == "moved-from"}
    out: list[Step] = []
    for op, i, j in steps:
        if op == "moved-to" and j not in keep:
            out.append(("inserted", -1, j))
        elif op == "moved-from" and back[i] not in keep:
            out.append(("deleted", i, -1))
        else:
            out.append((op, i, j))
    return out


def _move_groups(steps: list[Step]) -> dict[int, int]:
    """New index of each moved-to block → its group; blocks that moved together share one."""
    old_op = {i: op for op, i, _ in steps if i >= 0 and op != "moved-to"}
    new_op = {j: op for op, _, j in steps if j >= 0 and op != "moved-from"}
    groups: dict[int, int] = {}
    prev: tuple[int, int] | None = None
    for j, i in sorted((j, i) for op, i, j in steps if op == "moved-to"):
        together = (
            prev is not None
            and i > prev[1]
            and _all_are(new_op, prev[0], j, "inserted")
            and _all_are(old_op, prev[1], i, "deleted")
        )
        groups[j] = groups[prev[0]] if together and prev else len(set(groups.values()))
        prev = (j, i)
    return groups


def _all_are(ops: dict[int, str], a: int, b: int, op: str) -> bool:
    return all(ops.get(k) == op for k in range(a + 1, b))


def _build_pairs(
    steps: list[Step], old: list[Block], new: list[Block], differ: Differ
) -> list[BlockPair]:
    """A BlockPair with segments for every step; moved pairs share one segment list."""
    coder = TokenCoder()
    moved: dict[int, list[Segment]] = {}
    pairs = []
    old_at = new_at = 0
    for op, i, j in steps:
        a = old[i] if i >= 0 else None
        b = new[j] if j >= 0 else None
        if a is not None and b is not None and op != "equal":
            if i not in moved:
                moved[i] = word_segments(a.raw, b.raw, a.start, b.start, differ, coder)
            segs = moved[i]
        else:
            segs = [_whole_segment(a, b, old_at, new_at)]
        pairs.append(BlockPair(_pair_op(op, a, b, segs), a, b, None, segs))
        old_at = a.end if a is not None and op != "moved-to" else old_at
        new_at = b.end if b is not None and op != "moved-from" else new_at
    return pairs


def _whole_segment(a: Block | None, b: Block | None, old_at: int, new_at: int) -> Segment:
    """The segment of an equal, wholly deleted or wholly inserted block."""
    if a is not None and b is not None:
        return Segment("equal", a.raw, b.raw, a.start, b.start)
    if a is not None:
        return Segment("delete" if a.key else "equal", a.raw, "", a.start, new_at)
    assert b is not None
    return Segment("insert" if b.key else "equal", "", b.raw, old_at, b.start)


def _pair_op(op: str, a: Block | None, b: Block | None, segs: list[Segment]) -> str:
    """Whitespace-only blocks and modified blocks with no word edit count as equal."""
    block = a if a is not None else b
    if op in ("inserted", "deleted") and block is not None and not block.key:
        return "equal"
    if op == "modified" and all(s.op == "equal" for s in segs):
        return "equal"
    return op


class _Numbering:
    """Walks the pairs in document order, cutting and numbering the changes."""

    def __init__(self, groups: dict[int, int]) -> None:
        self.groups = groups
        self.changes: list[Change] = []
        self.members: list[list[BlockPair]] = []
        self.by_group: dict[int, Change] = {}
        self.moved_from: dict[int, int] = {}  # old index → move change id
        self.run: Change | None = None

    def new_change(self, kind: str, section: tuple[str, ...], pair: BlockPair) -> Change:
        change = Change(len(self.changes) + 1, kind, section, [])
        self.changes.append(change)
        self.members.append([])
        self.attach(change, pair)
        return change

    def attach(self, change: Change, pair: BlockPair) -> None:
        self.members[change.id - 1].append(pair)
        if pair.change_id is None:
            pair.change_id = change.id
        if pair.old is not None and not (change.old_blocks and change.old_blocks[-1] is pair.old):
            change.old_blocks.append(pair.old)
        if pair.new is not None and not (change.new_blocks and change.new_blocks[-1] is pair.new):
            change.new_blocks.append(pair.new)

    def visit(self, step: Step, pair: BlockPair) -> None:
        if pair.op in ("inserted", "deleted"):
            self._run(pair)
            return
        self.run = None
        if pair.op == "modified":
            self._regions(pair)
        elif pair.op == "moved-to":
            self.moved_from[step[1]] = self._move(step[2], pair)

    def _run(self, pair: BlockPair) -> None:
        block = pair.new if pair.op == "inserted" else pair.old
        assert block is not None
        kind = "insert" if pair.op == "inserted" else "delete"
        if self.run is None:
            self.run = self.new_change(kind, block.section, pair)
        else:
            self.run.kind = self.run.kind if self.run.kind == kind else "replace"
            if kind == "insert" and not self.run.new_blocks:
                self.run.section = block.section
            self.attach(self.run, pair)
        _label(pair.segments, 0, len(pair.segments), self.run.id)

    def _regions(self, pair: BlockPair) -> None:
        assert pair.new is not None
        for start, end in _regions(pair.segments):
            ops = {s.op for s in pair.segments[start:end]} - {"equal"}
            kind = "replace" if len(ops) > 1 else ("insert" if "insert" in ops else "delete")
            change = self.new_change(kind, pair.new.section, pair)
            _label(pair.segments, start, end, change.id)

    def _move(self, j: int, pair: BlockPair) -> int:
        assert pair.new is not None
        group = self.groups[j]
        change = self.by_group.get(group)
        if change is None:
            change = self.by_group[group] = self.new_change("move", pair.new.section, pair)
        else:
            self.attach(change, pair)
        _label(pair.segments, 0, len(pair.segments), change.id)
        return change.id

    def finish(self, steps: list[Step], pairs: list[BlockPair]) -> list[Change]:
        for (_, i, _), pair in zip(steps, pairs, strict=True):
            if pair.op == "moved-from":
                pair.change_id = self.moved_from[i]
        for change, members in zip(self.changes, self.members, strict=True):
            change.segments = [s for p in members for s in p.segments]
        return self.changes


def _label(segments: list[Segment], start: int, end: int, change_id: int) -> None:
    """Give the non-equal segments in [start, end) to change `change_id` (in place)."""
    for k in range(start, end):
        seg = segments[k]
        if seg.op != "equal" and seg.change_id is None:
            segments[k] = replace(seg, change_id=change_id)


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


def _number_changes(steps: list[Step], pairs: list[BlockPair]) -> list[Change]:
    numbering = _Numbering(_move_groups(steps))
    for step, pair in zip(steps, pairs, strict=True):
        numbering.visit(step, pair)
    return numbering.finish(steps, pairs)


def diff_blocks(
    old: str, new: str, old_blocks: list[Block], new_blocks: list[Block], differ: Differ
) -> DocDiff:
    """Compare two drafts already split into blocks."""
    steps = _plan(old_blocks, new_blocks, differ)
    pairs = _build_pairs(steps, old_blocks, new_blocks, differ)
    changes = _number_changes(steps, pairs)
    return DocDiff(old, new, pairs, changes, differ.approximate)


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: the engine makes many small objects and no cycles,
    and collections triggered by them cost up to a third of the run time on large drafts."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def diff_texts(old: str, new: str, *, timeout: float = 5.0) -> DocDiff:
    """Compare two drafts: aligned blocks, word-level segments and numbered changes."""
    with no_gc():
        differ = Differ(timeout)
        return diff_blocks(old, new, parse_blocks(old), parse_blocks(new), differ)
