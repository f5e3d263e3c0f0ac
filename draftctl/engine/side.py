"""One text of a comparison, read lazily from its chunks: token text, offset, whitespace before."""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from operator import sub

from draftctl.engine.tokendiff import Coded, Coder, chunk_parts, coded, split_chunks

_Chunk = tuple[int, int, list[str], list[int], list[int]]  # first, end, tokens, starts, ends


class Side:
    """The solid tokens of one text by number. Only the chunks asked about are split into
    tokens, so reading a few edits off a large text costs little."""

    def __init__(self, coded: Coded) -> None:
        self._set(coded.text, coded.raws, coded.starts())

    @classmethod
    def of_counts(cls, text: str, raws: list[str], counts: list[int]) -> Side:
        """A side from its chunks and their token counts (kept from an earlier run), without
        tokenising the text."""
        side = cls.__new__(cls)
        side._set(text, raws, list(accumulate(counts, initial=0)))
        return side

    def _set(self, text: str, raws: list[str], first: list[int]) -> None:
        self.text = text
        self.raws = raws
        self.first = first  # token number of each chunk's first token; then the count
        self.count = self.first[-1]
        self.offset = list(accumulate(map(len, raws), initial=0))
        self._chunks: dict[int, _Chunk] = {}
        self._last: _Chunk = (0, 0, [], [], [])
        self._before: _Chunk = self._last

    def counts(self) -> list[int]:
        """The token count of each chunk."""
        return list(map(sub, self.first[1:], self.first[:-1]))

    def _chunk(self, k: int) -> _Chunk:
        """The chunk holding token k: its token numbers [first, end), tokens and offsets (the
        two chunks asked about last are at hand: a stretch is read at both its ends)."""
        last = self._last
        if last[0] <= k < last[1]:
            return last
        before = self._before
        if before[0] <= k < before[1]:
            self._before, self._last = last, before
            return before
        c = bisect_right(self.first, k) - 1
        found = self._chunks.get(c)
        if found is None:
            found = self._chunks[c] = self._split(c)
        self._before, self._last = last, found
        return found

    def _split(self, c: int) -> _Chunk:
        parts = chunk_parts(self.raws[c])  # space, token, space, token, …, trailing space
        at = list(accumulate(map(len, parts), initial=self.offset[c]))  # where each begins
        tokens = parts[1::2]
        return (self.first[c], self.first[c] + len(tokens), tokens, at[1:-1:2], at[2::2])

    def token(self, k: int) -> str:
        chunk = self._chunk(k)
        return chunk[2][k - chunk[0]]

    def start(self, k: int) -> int:
        """Offset of token k (k == count: the end of the text)."""
        if k >= self.count:
            return len(self.text)
        chunk = self._chunk(k)
        return chunk[3][k - chunk[0]]

    def end(self, k: int) -> int:
        """Offset just after token k (k < 0: the start of the text)."""
        if k < 0:
            return 0
        chunk = self._chunk(k)
        return chunk[4][k - chunk[0]]

    def space(self, k: int) -> str:
        """Whitespace before token k (k == count: the trailing whitespace)."""
        return self.text[self.end(k - 1) : self.start(k)]

    def stretch(self, k: int, n: int) -> str:
        """Tokens k … k+n-1 with the whitespace before each."""
        return self.text[self.end(k - 1) : self.end(k + n - 1)]

    def ending_after(self, offset: int) -> int:
        """The first token that ends after `offset` (count if none)."""
        c = bisect_right(self.offset, offset) - 1
        while c < len(self.raws) and self.first[c] == self.first[c + 1]:
            c += 1  # a chunk of whitespace only
        if c >= len(self.raws):
            return self.count
        chunk = self._chunk(self.first[c])
        local = bisect_right(chunk[4], offset)
        return chunk[0] + local


def side_of(text: str, cut: Coded | None, counts: list[int] | None) -> Side:
    """A side of `text`: from `cut` when it codes this text, else from per-chunk token
    `counts` when they fit its chunks, else coded afresh."""
    if cut is not None and (cut.text is text or cut.text == text):
        return Side(cut)
    if counts is not None:
        raws = split_chunks(text)
        if len(raws) == len(counts) and all(n >= 0 for n in counts):
            return Side.of_counts(text, raws, counts)
    return Side(coded(text, Coder()))


def common_length(a: str, i: int, b: str, j: int, limit: int) -> int:
    """Length of the common prefix of a[i:i+limit] and b[j:j+limit]: slices compared in
    growing steps, then halved (work in proportion to the length found; only `a` is copied)."""
    n, step = 0, 64
    while n < limit:
        m = min(n + step, limit)
        if not b.startswith(a[i + n : i + m], j + n):
            lo, hi = n, m  # a[i:i+lo] matches; the first difference is before hi
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if b.startswith(a[i + lo : i + mid], j + lo):
                    lo = mid
                else:
                    hi = mid
            return lo
        n, step = m, step * 2
    return limit
