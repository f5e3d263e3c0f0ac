"""Code a version from the one before: the chunks it repeats are taken over, the rest cut again.

A replay codes every version of a long history; most of a version repeats the one before, so
cutting and coding it whole each time is most of the work. The result is the same as
`tokendiff.coded` (property-tested).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from draftctl.engine.side import common_length
from draftctl.engine.tokendiff import Coded, Coder, coded, separated, split_chunks


def recoded(text: str, coder: Coder, previous: Coded) -> Coded:
    """`text` coded as `coded` does, taking over the chunks it repeats from `previous` (a text
    coded by the same `coder`, usually the version before): only the text between them is cut
    and coded again."""
    parts = _reuse(previous, text)
    if parts is None:
        return coded(text, coder)
    raws: list[str] = []
    tokens: list[str] = []
    keys: list[str] = []
    seps: list[bool] = []
    for part in parts:
        if isinstance(part, list):
            pairs = [coder.chunk(raw) for raw in part]
            raws += part
            tokens += [t for t, _ in pairs]
            keys.append("".join(c for _, c in pairs))
            seps += [separated(raw) for raw in part]
        else:
            first, end = part
            raws += previous.raws[first:end]
            tokens += previous.tokens[first:end]
            keys.append(previous.key[first:end])
            seps += previous.seps()[first:end]
    return Coded(text, raws, tokens, "".join(keys), _seps=seps)


_LOOK_AHEAD = 32  # old chunks tried when looking for where the new text repeats the old again
_BLANK_LINE = re.compile(r"[ \t]*\n")


def _reuse(old: Coded, text: str) -> list[tuple[int, int] | list[str]] | None:
    """The new text as old chunks it repeats ((first, end) ranges of old chunk numbers) and
    lists of newly cut chunks between them; None when it has CR line ends.

    A chunk ends where a run of blank lines ends. So wherever the new text has blank lines
    ending before a solid character (`_boundary`), the whole-text cut has a chunk boundary,
    and the text between two such places cuts the same on its own. Old chunks the new text
    repeats between two of them are chunks of the new text; the rest is cut again."""
    n = len(old.raws)
    if n < 2 or "\r" in text or "\r" in old.text:
        return None
    offsets, seps = old.offsets(), old.seps()
    parts: list[tuple[int, int] | list[str]] = []
    c = at = 0  # old chunk c starts a unit (after blank lines); the new text has a boundary at
    while c < n and at < len(text):
        start = offsets[c]
        same = common_length(old.text, start, text, at, min(len(old.text) - start, len(text) - at))
        end = bisect_right(offsets, start + same) - 1  # old chunks [c, end) are repeated
        while end > c and not (
            (seps[end - 1] or end == n) and _boundary(text, at + offsets[end] - start)
        ):
            end -= 1
        if end > c:
            parts.append((c, end))
            at += offsets[end] - start
            c = end
            continue
        found = _resync(old, c, text, at)
        if found is None or found == (c, at):  # (the second cannot happen: a safeguard)
            break
        c, pos = found
        if pos > at:
            parts.append(split_chunks(text[at:pos]))
        at = pos
    if at < len(text):
        parts.append(split_chunks(text[at:]))
    return parts


def _resync(old: Coded, c: int, text: str, at: int) -> tuple[int, int] | None:
    """(old chunk starting a unit, where the new text repeats that unit at a boundary) for
    the first of the next few old units, from the one at chunk c on, found after `at`."""
    offsets, seps, n = old.offsets(), old.seps(), len(old.raws)
    origin, tried = offsets[c], 0
    first = c
    while first < n and tried < _LOOK_AHEAD:
        if first > c and not seps[first - 1]:
            first += 1
            continue
        end = first + 1
        while end < n and not seps[end - 1]:
            end += 1
        tried += 1
        needle = old.text[offsets[first] : offsets[end]]
        limit = at + (offsets[end] - origin) + 4 * len(needle) + 4096
        pos = text.find(needle, at, limit)
        while pos >= 0:
            close = pos + len(needle)
            closes = close == len(text) if end == n else _boundary(text, close)
            if closes and _boundary(text, pos):
                return first, pos
            pos = text.find(needle, pos + 1, limit)
        first = end
    return None


def _boundary(text: str, x: int) -> bool:
    """Whether the whole-text cut of `text` has a chunk boundary at offset x: blank lines end
    there and a solid character follows (or the text ends)."""
    if x <= 0 or x >= len(text):
        return x == 0 or x == len(text)
    if text[x - 1] != "\n" or _BLANK_LINE.match(text, x):
        return False
    k = text.rfind("\n", 0, x - 1)
    return k >= 0 and not text[k + 1 : x - 1].strip(" \t")
