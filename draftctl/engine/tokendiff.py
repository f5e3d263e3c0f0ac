"""Deterministic token diff: paragraphs aligned first, then tokens inside the gaps, bounded work.

Every text is cut into chunks (runs of lines ending in blank lines; very long chunks at every
line). Chunks with the same tokens share a code, chunk codes are diffed, then the tokens of each
gap between equal chunks. A diff is exact (applying it gives the new tokens) and depends only on
its inputs: no clock, no hash seed. A gap too large to diff within `MAX_GAP_WORK` (product of
both sides' token counts, after trimming their common ends) is replaced whole and the result is
marked approximate — coarser, never wrong.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import accumulate, filterfalse, repeat
from operator import contains

from diff_match_patch import diff_match_patch

from draftctl.engine.tokens import solid_tokens, spaced_parts

try:  # the C++ port is a dependency; the pure-Python path is kept and tested identical
    import fast_diff_match_patch as _fast
except ImportError:  # pragma: no cover - depends on the environment
    _fast = None

MAX_GAP_WORK = 60_000_000  # largest |old| x |new| token gap diffed exactly
_CHUNK_END = re.compile(r"((?:\r\n|\r(?!\n)|\n)(?:[ \t]*(?:\r\n|\r(?!\n)|\n))+)")
_LF_CHUNK_END = re.compile(r"(\n(?:[ \t]*\n)+)")
_LONG_CHUNK = 4000
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")

Op = tuple[int, int]  # (-1 delete / 0 equal / 1 insert, number of tokens)


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


class Coder:
    """One character per distinct token (and per distinct chunk), assigned in order of first
    appearance, so equal tokens compare equal in a character diff."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}
        self.chunks: dict[str, tuple[str, str]] = {}  # raw chunk → (token codes, chunk code)
        self.chunk_codes: dict[str, str] = {}

    def encode(self, tokens: Sequence[str]) -> str:
        codes = self.codes
        for token in filterfalse(codes.__contains__, dict.fromkeys(tokens)):
            codes[token] = _char(len(codes))  # new tokens, in order of first appearance
        return "".join(map(codes.__getitem__, tokens))

    def chunk(self, raw: str) -> tuple[str, str]:
        """(token codes, chunk code) of one chunk, cached by its text."""
        hit = self.chunks.get(raw)
        if hit is None:
            tokens = self.encode(solid_tokens(raw))
            code = self.chunk_codes.get(tokens)
            if code is None:
                code = self.chunk_codes[tokens] = _char(len(self.chunk_codes))
            hit = self.chunks[raw] = (tokens, code)
        return hit


def _char(n: int) -> str:
    n += 0x100
    return chr(n if n < 0xD800 else n + 0x800)


class Coded:
    """A text as chunks: per chunk its token codes; the chunk code string."""

    def __init__(
        self,
        text: str,
        raws: list[str],
        tokens: list[str],
        key: str,
        _starts: list[int] | None = None,
        _offsets: list[int] | None = None,
        _seps: list[bool] | None = None,
        _codes: str | None = None,
    ) -> None:
        self.text = text
        self.raws = raws
        self.tokens = tokens
        self.key = key
        self._starts = _starts
        self._offsets = _offsets
        self._seps = _seps
        self._codes = _codes

    @property
    def codes(self) -> str:
        """Every token's code in order (joined once: a replay asks again as the next old)."""
        if self._codes is None:
            self._codes = "".join(self.tokens)
        return self._codes

    def offsets(self) -> list[int]:
        """Character offset of each chunk (and the text's length at the end)."""
        if self._offsets is None:
            self._offsets = list(accumulate(map(len, self.raws), initial=0))
        return self._offsets

    def seps(self) -> list[bool]:
        """For each chunk, whether it ends with blank lines (a chunk boundary of the text; a
        long chunk cut at every line has none inside it)."""
        if self._seps is None:
            self._seps = [separated(raw) for raw in self.raws]
        return self._seps

    def starts(self) -> list[int]:
        """Token offset of each chunk (and the total at the end)."""
        if self._starts is None:
            self._starts = list(accumulate(map(len, self.tokens), initial=0))
        return self._starts

    @property
    def count(self) -> int:
        """The number of tokens (kept with the chunk offsets)."""
        return self.starts()[-1]

    def _locate(self, k: int) -> tuple[int, int]:
        starts = self.starts()
        chunk = bisect_right(starts, k) - 1
        while chunk > 0 and chunk >= len(self.tokens):
            chunk -= 1
        return chunk, k - starts[chunk]

    def line_start(self, k: int) -> bool:
        """Whether token k is the first of its line (true past either end)."""
        if k <= 0 or (self._starts is not None and k >= self._starts[-1]):
            return True
        chunk, local = self._locate(k)
        if chunk >= len(self.raws) or local == 0 or local >= len(self.tokens[chunk]):
            return True
        return _line_starts(self.raws[chunk])[local]

    def token(self, k: int) -> str:
        """The text of token k."""
        chunk, local = self._locate(k)
        return chunk_spans(self.raws[chunk])[1][local]


@lru_cache(maxsize=4096)
def chunk_spans(raw: str) -> tuple[list[str], list[str], str]:
    """`spaced_tokens` of one chunk, kept for the chunks asked about most recently."""
    parts = chunk_parts(raw)
    return parts[0:-1:2], parts[1::2], parts[-1]


@lru_cache(maxsize=4096)
def chunk_parts(raw: str) -> list[str]:
    """`spaced_parts` of one chunk, kept for the chunks asked about most recently."""
    return spaced_parts(raw)


@lru_cache(maxsize=4096)
def _line_starts(raw: str) -> list[bool]:
    """For each token of a chunk, whether a line break precedes it (the first: always)."""
    spaces = chunk_spans(raw)[0]
    if "\r" in raw:
        return [True, *("\n" in ws or "\r" in ws for ws in spaces[1:])]
    return [True, *map(contains, spaces[1:], repeat("\n"))]  # "\n" in ws, looped in C


def coded(text: str, coder: Coder) -> Coded:
    raws = split_chunks(text)
    pairs = [coder.chunk(raw) for raw in raws]
    return Coded(text, raws, [t for t, _ in pairs], "".join(c for _, c in pairs))


def separated(raw: str) -> bool:
    """Whether a chunk ends with blank lines (not a line cut out of a long chunk)."""
    return raw.endswith("\n") and raw[:-1].rstrip(" \t").endswith("\n")


class Differ:
    """Character diffs of code strings (C++ when available), exact and without time limit."""

    def __init__(self, use_fast: bool | None = None) -> None:
        self.fast = _fast is not None if use_fast is None else use_fast
        self.dmp = diff_match_patch()
        self.dmp.Diff_Timeout = 0
        self.approximate = False

    def raw(self, a: str, b: str) -> list[Op]:
        """Minimal-ish diff of two code strings as (op, length)."""
        if a == b:
            return [(0, len(a))] if a else []
        if not a or not b:
            return [(1, len(b))] if b else [(-1, len(a))]
        if self.fast and _fast is not None:
            return [
                (_OPS[op], n)
                for op, n in _fast.diff(
                    a, b, timelimit=0, checklines=False, cleanup="No", counts_only=True
                )
            ]
        return [(op, len(text)) for op, text in self.dmp.diff_main(a, b, False)]

    def bounded(self, a: str, b: str) -> list[Op]:
        """`raw`, unless the gap is too large: then common ends and one replacement."""
        if len(a) * len(b) <= MAX_GAP_WORK:
            return self.raw(a, b)
        head = _common_prefix(a, b)
        tail = _common_prefix(a[head:][::-1], b[head:][::-1])
        mid_a, mid_b = a[head : len(a) - tail], b[head : len(b) - tail]
        if len(mid_a) * len(mid_b) <= MAX_GAP_WORK:
            middle = self.raw(mid_a, mid_b)
        else:
            self.approximate = True
            middle = [(-1, len(mid_a)), (1, len(mid_b))]
        ops = [(0, head), *middle, (0, tail)]
        return [(op, n) for op, n in ops if n]

    def diff(self, old: Coded, new: Coded) -> list[Op]:
        """Token diff of two chunked texts: chunks aligned first, tokens inside the gaps."""
        ops: list[Op] = []
        for gap_old, gap_new, equal in _chunk_runs(self.raw(old.key, new.key), old, new):
            if equal:
                ops.append((0, equal))
            else:
                ops.extend(_rewritten(self.bounded(gap_old, gap_new), gap_old, gap_new))
        return slide(normalized(ops), old, new)


_OPS = {"=": 0, "-": -1, "+": 1}
REWRITE_SHARE = 0.3  # a gap keeping less than this share of its shorter side was rewritten


def _rewritten(ops: list[Op], a: str, b: str) -> list[Op]:
    """A gap whose sides share only scattered tokens ("the", a comma) was rewritten: replace
    it whole rather than keep those tokens as if they had survived."""
    kept = sum(n for op, n in ops if op == 0)
    if kept and kept < REWRITE_SHARE * min(len(a), len(b)):
        return [(-1, len(a)), (1, len(b))]
    return ops


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    lo, hi = 0, n
    while lo < hi:  # binary search on slices: fast in C
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _chunk_runs(ops: list[Op], old: Coded, new: Coded) -> Iterator[tuple[str, str, int]]:
    """(old gap codes, new gap codes, 0) for each gap and ("", "", tokens) for equal runs."""
    i = j = 0
    gap_i = gap_j = 0
    for op, n in [*ops, (0, 0)]:
        if op < 0:
            i += n
            continue
        if op > 0:
            j += n
            continue
        if (i, j) != (gap_i, gap_j):
            yield "".join(old.tokens[gap_i:i]), "".join(new.tokens[gap_j:j]), 0
        if n:
            yield "", "", sum(map(len, old.tokens[i : i + n]))
        i, j = gap_i, gap_j = i + n, j + n


def normalized(ops: list[Op]) -> list[Op]:
    """Merge runs of one op; between two equal runs, deletions come before insertions."""
    out: list[Op] = []
    dele = ins = 0
    for op, n in ops:
        if op < 0:
            dele += n
        elif op > 0:
            ins += n
        elif n:
            _flush(out, dele, ins)
            dele = ins = 0
            if out and out[-1][0] == 0:
                out[-1] = (0, out[-1][1] + n)
            else:
                out.append((0, n))
    _flush(out, dele, ins)
    return out


def _flush(out: list[Op], dele: int, ins: int) -> None:
    if dele:
        out.append((-1, dele))
    if ins:
        out.append((1, ins))


def slide(ops: list[Op], old: Coded, new: Coded) -> list[Op]:
    """Shift each pure insertion or deletion along the equal tokens around it to where it best
    covers whole lines (the same edit, aligned the way a person reads it)."""
    ops = list(ops)
    a_codes, b_codes = old.codes, new.codes
    i = j = 0
    for k, (op, n) in enumerate(ops):
        pure = op != 0 and _equal_at(ops, k - 1) and _equal_at(ops, k + 1)
        if pure and k > 0 and k + 1 < len(ops):
            codes, at, side = (a_codes, i, old) if op < 0 else (b_codes, j, new)
            shift = _best_shift(codes, at, n, ops[k - 1][1], ops[k + 1][1], side)
            if shift:
                ops[k - 1] = (0, ops[k - 1][1] + shift)
                ops[k + 1] = (0, ops[k + 1][1] - shift)
                i, j = i + shift, j + shift
        i += n if op <= 0 else 0
        j += n if op >= 0 else 0
    return [(op, n) for op, n in ops if n or op != 0]


def _equal_at(ops: list[Op], k: int) -> bool:
    return not 0 <= k < len(ops) or ops[k][0] == 0


def _best_shift(codes: str, at: int, n: int, room_left: int, room_right: int, side: Coded) -> int:
    """The shift (negative: left) of the run codes[at:at+n] with the best line score."""
    lo = 0
    while -lo < room_left and codes[at + lo - 1] == codes[at + lo + n - 1]:
        lo -= 1
    hi = 0
    while hi < room_right and codes[at + hi] == codes[at + hi + n]:
        hi += 1
    if lo == hi:
        return 0
    best, best_score = 0, -1
    for shift in range(lo, hi + 1):
        start = at + shift
        score = 2 * side.line_start(start) + side.line_start(start + n)
        if score > best_score or (score == best_score and shift == 0):
            best, best_score = shift, score
    return best


def token_diff(old: Sequence[str], new: Sequence[str], differ: Differ | None = None) -> list[Op]:
    """Diff of two token lists (no chunking): for small local comparisons."""
    coder = Coder()
    differ = differ or Differ()
    return normalized(differ.bounded(coder.encode(old), coder.encode(new)))
