"""Windows of a two-version diff: unchanged stretches cut out at safe block starts, so the engine
reads only the changed parts (plus every heading, so section paths stay right).

Each side is cut into chunks after every run of blank lines, and a diff of chunk codes (C speed)
finds the chunks both versions share. A *cut* is a chunk start that certainly starts a top-level
block on both sides: it follows a blank line, its first line is not indented (so no list item,
quote or indented code continues into it), and it lies inside no fenced code block, multi-line
HTML block or front matter. The chunks between two cuts of a shared run form a *gap* unless
they hold something whose meaning may depend on what comes before (a setext underline, an
indented `#` or one right under a line of text, an HTML line, a fence). Each gap is left out
of both compressed texts except its ATX heading blocks, or its first chunk when it has none:
identical on both sides, so the engine sees no change there, sections stay right, and changes
on either side never read as adjacent. Whatever this module is unsure about stays in a
window: doubt only makes the windows longer.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import accumulate, pairwise

from draftctl.engine.blocks import parse_blocks, scanned
from draftctl.engine.diff import diff_blocks
from draftctl.engine.model import BlockPair, DocDiff
from draftctl.engine.tokendiff import Differ
from draftctl.values import Frozen, Value

MIN_GAP = 1_000  # shortest unchanged stretch worth leaving out (characters)
_LONE_CR = re.compile(r"\r(?!\n)")
_INDENT = {" ", "\t", "\r", "\n", ""}
_BLANKS = re.compile(r"(\n(?:[ \t]*\r?\n)+)")  # a line end and the blank lines after it
_BLANK_LINES = re.compile(r"(?:[ \t]*\r?\n)*")
_FENCE = re.compile(
    r"(?m)^([^\S\r\n]*(?:>[^\S\r\n]*|(?:[-+*]|\d{1,9}[.)])[^\S\r\n]+)*)(`{3,}|~{3,})(.*)"
)
_HTML = re.compile(
    r"(?mi)^([ \t>]*)<(script|pre|style|textarea|!\[CDATA\[|!--|\?|![A-Z])(?:[\s>]|$)?"
)
_HTML_CLOSE = {
    "script": "</script>",
    "pre": "</pre>",
    "style": "</style>",
    "textarea": "</textarea>",
    "![cdata[": "]]>",
    "!--": "-->",
    "?": "?>",
}
_LINE_END = r"(?=\r?\n|\r?\Z)"
# a line that may read differently after a cut: an indented `#`, HTML, a setext underline
_DOUBTFUL = rf"(?: {{1,3}}#|[ \t]{{0,3}}<|[ \t]{{0,3}}(?:=+|-+)[ \t]*{_LINE_END})"
_DOUBT = re.compile(rf"\n{_DOUBTFUL}")

_FIRST_DOUBT = re.compile(_DOUBTFUL)
_ATX = re.compile(rf"\n#{{1,6}}(?:[ \t]|{_LINE_END})")
_FENCE_HINT = ("```", "~~~")
_HTML_HINT = ("<s", "<S", "<p", "<P", "<t", "<T", "<!", "<?")
_FRONT = re.compile(r"---[ \t]*\r?\n(?:[^\r\n]*\r?\n)*?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)")


class Unsure(Exception):
    """The text holds a construct whose extent this module cannot tell: use the whole text."""


class Gap(Frozen):
    """An unchanged stretch left out: its text (the same on both sides), the heading blocks
    kept in its place, and where `kept` stands in the compressed FROM and TO texts."""

    def __init__(
        self, text: str, kept: str, old_at: int, new_at: int, scanner: bool = False
    ) -> None:
        self.text = text
        self.kept = kept
        self.old_at = old_at
        self.new_at = new_at
        self.scanner = scanner  # whether the whole TO text is split by the line scanner

    def _key(self) -> tuple[object, ...]:
        return (self.text, self.kept, self.old_at, self.new_at, self.scanner)


class Windows(Value):
    """The compressed FROM and TO texts and the gaps cut out of them, in order."""

    def __init__(
        self, old: str, new: str, gaps: list[Gap], scanner: tuple[bool, bool] = (False, False)
    ) -> None:
        self.old = old
        self.new = new
        self.gaps = gaps
        self.scanner = scanner  # how the whole texts are split into blocks

    def _key(self) -> tuple[object, ...]:
        return (self.old, self.new, self.gaps, self.scanner)

    @property
    def omitted(self) -> int:
        return sum(len(g.text) - len(g.kept) for g in self.gaps)


class _Chunks:
    """One side cut after every run of blank lines: the chunks, their offsets, the chunks a
    cut may start, and the chunks no gap may hold."""

    def __init__(self, text: str) -> None:
        self.text = text
        parts = _BLANKS.split(text)
        self.chunks = [a + b for a, b in zip(parts[0::2], parts[1::2], strict=False)]
        if parts[-1]:
            self.chunks.append(parts[-1])
        self.starts = list(accumulate(map(len, self.chunks), initial=0))
        spans = [(self.at(a), self.at(max(a, b - 1))) for a, b in _spans(text)]
        self.blocked = {k for first, last in spans for k in range(first + 1, last + 1)}
        self.doubts = sorted(
            {self.at(m.start() + 1) for m in _DOUBT.finditer(text)}
            | {self.at(at) for at in _stuck(text)}
            | {first for first, _ in spans}
            | {last for _, last in spans}
            | ({0} if _FIRST_DOUBT.match(text) else set())
        )

    def at(self, offset: int) -> int:
        """The chunk that holds `offset`."""
        return bisect_right(self.starts, offset) - 1

    def cuts(self) -> list[bool]:
        """For each chunk (and one past the last), whether it surely starts a top-level block:
        it follows a blank line, is not indented, and no fence or HTML block is open there."""
        out = [c[:1] not in _INDENT for c in self.chunks] + [False]
        out[0] = False
        for k in self.blocked:
            out[k] = False
        return out

    def doubtful(self, begin: int, end: int) -> bool:
        """Whether a chunk of [begin, end) needs what comes before it to be read right."""
        k = bisect_left(self.doubts, begin)
        return k < len(self.doubts) and self.doubts[k] < end

    def offset(self, k: int) -> int:
        return self.starts[k]


def _stuck(text: str) -> list[int]:
    """Offsets of the `#` lines right under a line of text (a table row may take such a line
    in as a row, so it may be no heading)."""
    out = []
    found = text.find("\n#")
    while found >= 0:
        if text[text.rfind("\n", 0, found) + 1 : found].strip():
            out.append(found)
        found = text.find("\n#", found + 2)
    return out


def _spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of fenced code, multi-line HTML and front matter, in order."""
    found: list[tuple[int, int]] = []
    front = _FRONT.match(text)
    if front:
        found.append((0, front.end()))
    events = sorted(
        [(m.start(), "fence", m) for m in _line_matches(_FENCE, _FENCE_HINT, text)]
        + [(m.start(), "html", m) for m in _line_matches(_HTML, _HTML_HINT, text)],
        key=lambda e: e[0],
    )
    until = front.end() if front else 0
    for at, kind, match in events:
        if at < until:
            continue
        until = _span_end(text, kind, match)
        found.append((at, until))
    return found


def _line_matches(
    pattern: re.Pattern[str], needles: tuple[str, ...], text: str
) -> list[re.Match[str]]:
    """`pattern` matched at the start of each line that holds one of `needles` (found by
    plain string search, much faster than a regular expression over the whole text)."""
    starts = set()
    for needle in needles:
        if needle[0] not in text:  # one character: a memchr over the text
            continue
        found = text.find(needle)
        while found >= 0:
            starts.add(text.rfind("\n", 0, found) + 1)
            found = text.find(needle, found + len(needle))
    matches = (pattern.match(text, start) for start in sorted(starts))
    return [m for m in matches if m is not None]


def _span_end(text: str, kind: str, match: re.Match[str]) -> int:
    """Where a fence or an HTML block that opens at `match` ends (offset past its last line)."""
    if match.group(1).strip(" \t"):
        raise Unsure  # inside a list item or quote: its end depends on the container
    if kind == "html":
        closer = _HTML_CLOSE.get(match.group(2).lower(), ">")
        found = text.find(closer, match.start() + 1)
        if found < 0:
            return len(text)
        end = text.find("\n", found)
        if match.group(1) and text.count("\n", match.start(), found):
            raise Unsure  # an indented multi-line block: may belong to a container
        return len(text) if end < 0 else end + 1
    if match.group(1):
        raise Unsure  # an indented fence may belong to a list item
    fence = match.group(2)
    if fence[0] == "`" and "`" in match.group(3):
        return match.end()  # not a fence: inline code on one line
    close = re.compile(rf"(?m)^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*\r?$")
    closing = close.search(text, match.end())
    if closing is None:
        return len(text)
    end = text.find("\n", closing.end())
    return len(text) if end < 0 else end + 1


def windows(old: str, new: str, min_gap: int = MIN_GAP) -> Windows | None:
    """The compressed texts of `old` → `new`, or None when there is nothing worth leaving out
    (or the texts hold something whose block structure this module cannot tell)."""
    if _LONE_CR.search(old) or _LONE_CR.search(new):
        return None
    try:
        a, b = _Chunks(old), _Chunks(new)
    except Unsure:
        return None
    stretches = [s for s in _stretches(a, b) if _size(b, s) >= min_gap]
    return _compress(a, b, stretches) if stretches else None


Stretch = tuple[int, int, int]  # (FROM chunk, TO chunk, number of chunks) left out


def _stretches(a: _Chunks, b: _Chunks) -> list[Stretch]:
    """Runs of whole blocks both sides share, from cut to cut, holding nothing doubtful."""
    out: list[Stretch] = []
    at_a, at_b = a.cuts(), b.cuts()
    for i, j, n in _shared_runs(a.chunks, b.chunks):
        # every chunk but the last ends with blank lines, so a shared run starts and ends at
        # block starts on both sides, unless something before it is still open there
        cuts = [k for k in range(j, j + n + 1) if at_b[k] and at_a[i + k - j]]
        if i + n == len(a.chunks) and j + n == len(b.chunks):
            cuts.append(j + n)  # the run reaches both ends: its last block ends with it
        begin = None
        for this, after in pairwise(cuts):
            if b.doubtful(this, after):
                _close(out, begin, this, i - j)
                begin = None
            elif begin is None:
                begin = this
        if cuts:
            _close(out, begin, cuts[-1], i - j)
    return out


def _close(out: list[Stretch], begin: int | None, end: int, shift: int) -> None:
    """Add the stretch [begin, end) of TO chunks, if any (FROM chunk = TO chunk + shift)."""
    if begin is not None and end > begin:
        out.append((begin + shift, begin, end - begin))


def _shared_runs(old: list[str], new: list[str]) -> list[tuple[int, int, int]]:
    """(FROM chunk, TO chunk, count) of each run of equal chunks, from a diff of chunk codes."""
    codes: dict[str, int] = {}
    a = [codes.setdefault(chunk, len(codes)) for chunk in old]
    b = [codes.setdefault(chunk, len(codes)) for chunk in new]
    if len(codes) > 0x10FFFF - 0x1000:
        return []
    chars = [chr(n + 0x100 if n + 0x100 < 0xD800 else n + 0x900) for n in range(len(codes))]
    ops = Differ().raw("".join([chars[k] for k in a]), "".join([chars[k] for k in b]))
    runs = []
    i = j = 0
    for op, n in ops:
        if op == 0:
            runs.append((i, j, n))
        i += n if op <= 0 else 0
        j += n if op >= 0 else 0
    return runs


def _size(side: _Chunks, stretch: Stretch) -> int:
    _, j, n = stretch
    return side.offset(j + n) - side.offset(j)


def _compress(a: _Chunks, b: _Chunks, stretches: list[Stretch]) -> Windows:
    scanner = scanned(a.text), scanned(b.text)
    old_parts: list[str] = []
    new_parts: list[str] = []
    gaps: list[Gap] = []
    at_old = at_new = 0  # where the next window starts in the original texts
    size_old = size_new = 0  # lengths of the compressed texts so far
    for i, j, n in stretches:
        begin_old, begin_new = a.offset(i), b.offset(j)
        text = b.text[begin_new : b.offset(j + n)]
        old_parts.append(a.text[at_old:begin_old])
        new_parts.append(b.text[at_new:begin_new])
        size_old += begin_old - at_old
        size_new += begin_new - at_new
        # its headings keep sections right; without any, its first chunk stands between the
        # windows around it, so that the engine never reads two changes as adjacent
        kept = _headings(b.text, begin_new, begin_new + len(text)) or b.chunks[j]
        gaps.append(Gap(text, kept, size_old, size_new, scanner[1]))
        old_parts.append(kept)
        new_parts.append(kept)
        size_old += len(kept)
        size_new += len(kept)
        at_old, at_new = begin_old + len(text), begin_new + len(text)
    old_parts.append(a.text[at_old:])
    new_parts.append(b.text[at_new:])
    return Windows("".join(old_parts), "".join(new_parts), gaps, scanner)


def _headings(text: str, start: int, stop: int) -> str:
    """The ATX heading blocks of text[start:stop] (which starts a line, after a line break):
    each heading line with the blank lines after it, as the block parser cuts them."""
    parts = []
    for match in _ATX.finditer(text, start - 1, stop):
        line_end = text.find("\n", match.end() - 1, stop)
        blanks = _BLANK_LINES.match(text, stop if line_end < 0 else line_end + 1, stop)
        assert blanks is not None  # the pattern matches the empty string
        parts.append(text[match.start() + 1 : blanks.end()])
    return "".join(parts)


def windowed_diff(old: str, new: str) -> DocDiff | None:
    """The engine's diff of the windows of `old` → `new`, whose changes and word counts are
    those of the whole texts (its pairs and texts cover only the windows, not a document);
    None when windows do not apply."""
    found = windows(old, new)
    if found is None:
        return None
    old_blocks = parse_blocks(found.old, found.scanner[0])
    doc = diff_blocks(found.old, found.new, old_blocks, parse_blocks(found.new, found.scanner[1]))
    return doc if place_gaps(doc, found) is not None else None


# --- the engine's diff of the compressed texts, with the gaps put back -------------------------


class Omitted:
    """A gap in its place among the block pairs, with the engine's (unchanged) pairs of the
    headings it kept."""

    def __init__(self, gap: Gap, pairs: list[BlockPair], placed: bool = False) -> None:
        self.gap = gap
        self.pairs = pairs
        self.placed = placed


def place_gaps(diff: DocDiff, found: Windows) -> list[BlockPair | Omitted] | None:
    """The block pairs in order, each gap in place of the heading pairs it kept; None if the
    engine did not read every gap as unchanged whole blocks (the caller then diffs the whole
    texts)."""
    if not _clean(diff, found.gaps):
        return None
    out: list[BlockPair | Omitted] = []
    waiting = [Omitted(g, []) for g in found.gaps][::-1]  # next gap last
    for pair in diff.pairs:
        at, new_side = _position(pair)
        while waiting and at >= _end(waiting[-1].gap, new_side):
            _emit(out, waiting.pop())
        if waiting and at >= _start(waiting[-1].gap, new_side):
            if pair.op != "equal":
                return None
            _emit(out, waiting[-1])
            waiting[-1].pairs.append(pair)
            continue
        out.append(pair)
    while waiting:
        _emit(out, waiting.pop())
    return out


def _emit(out: list[BlockPair | Omitted], item: Omitted) -> None:
    if not item.placed:
        item.placed = True
        out.append(item)


def _start(gap: Gap, new_side: bool) -> int:
    return gap.new_at if new_side else gap.old_at


def _position(pair: BlockPair) -> tuple[int, bool]:
    """Where a pair's shown block starts, and whether that is a TO offset."""
    if pair.new is not None and pair.op != "moved-from":
        return pair.new.start, True
    if pair.old is not None:
        return pair.old.start, False
    return -1, True


def _end(gap: Gap, new_side: bool) -> int:
    return _start(gap, new_side) + len(gap.kept)


def _clean(diff: DocDiff, gaps: list[Gap]) -> bool:
    """Every gap's kept text is unchanged and aligned with itself, and starts and ends blocks."""
    old_starts = {p.old.start for p in diff.pairs if p.old is not None}
    new_starts = {p.new.start for p in diff.pairs if p.new is not None}
    old_starts.add(len(diff.old))
    new_starts.add(len(diff.new))
    for gap in gaps:
        for starts, at in ((old_starts, gap.old_at), (new_starts, gap.new_at)):
            if at not in starts or at + len(gap.kept) not in starts:
                return False
    kept = [g for g in gaps if g.kept]
    olds, news = [g.old_at for g in kept], [g.new_at for g in kept]
    for seg in diff.old_segments():
        hits = (_hit(kept, olds, seg.old_start, seg.old), _hit(kept, news, seg.new_start, seg.new))
        for hit in hits:
            if hit is None:
                continue
            aligned = seg.old_start - hit.old_at == seg.new_start - hit.new_at
            if seg.op != "equal" or seg.old != seg.new or not aligned:
                return False
    return True


def _hit(gaps: list[Gap], ats: list[int], start: int, text: str) -> Gap | None:
    """The gap whose kept text the span [start, start + len(text)) overlaps, if any."""
    if not text:
        return None
    k = bisect_right(ats, start + len(text) - 1) - 1
    if k < 0 or start >= ats[k] + len(gaps[k].kept):
        return None
    return gaps[k]
