"""`draftctl blame`: every block of a draft with the commits and rounds behind its words."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from draftctl.consultation.follow import lineage
from draftctl.consultation.history import CommitRecord, read_log
from draftctl.consultation.workspace import WORKTREE, Workspace, decode_draft
from draftctl.engine.blocks import Block, parse_blocks
from draftctl.engine.diff import Differ, Segment, TokenCoder, tokenize, word_pattern, word_segments
from draftctl.errors import DraftError

UNATTRIBUTED = "unattributed"
MOVE_SIMILARITY = 0.6  # word overlap above which a deleted and an inserted hunk are one move
MOVE_MIN_WORDS = 4
MAX_MOVE_HUNKS = 200  # a step with more hunks than this is not searched for moves
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_ASCII_WORD = re.compile(rb"[a-z0-9]+")
# A token's credit: (ordinal of the step that wrote it, ordinal of the last step that changed
# it or deleted words right next to it). Ordinals index the replayed steps, oldest first.
Entry = tuple[int, int]
Hunk = tuple[int, int, int, int]  # old lines [a0, a1) became new lines [b0, b1)


@dataclass(frozen=True)
class Source:
    """One replayed step: a commit (with its attribution after notes) or the work tree."""

    record: CommitRecord | None

    @property
    def commit(self) -> str | None:
        return self.record.commit if self.record else None

    @property
    def round_key(self) -> str:
        if self.record is None:
            return WORKTREE
        return self.record.round or UNATTRIBUTED


@dataclass
class BlameBlock:
    """One block of the draft and who is behind it."""

    kind: str
    section: tuple[str, ...]
    text: str
    last: Source
    rounds: list[str]
    words: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        record = self.last.record
        return {
            "section": list(self.section),
            "text": self.text,
            "commit": self.last.commit,
            "round": record.round if record else None,
            "date": record.date if record else None,
            "rounds": self.rounds,
            "kind": self.kind,
            "subject": record.subject if record else None,
            "author": record.author if record else None,
            "words": self.words,
        }


# -- the replay: changed lines found by diff-match-patch, words credited inside them ----------


def line_codes(lines: Sequence[Hashable], codes: dict[Any, str]) -> str:
    """One character per line; equal lines share a character (new lines get the next one)."""
    got = list(map(codes.get, lines))
    at = 0
    while True:
        try:
            at = got.index(None, at)
        except ValueError:
            return "".join(got)  # type: ignore[arg-type]
        code = codes.get(lines[at])
        if code is None:
            n = len(codes) + 0x100
            code = codes[lines[at]] = chr(n if n < 0xD800 else n + 0x800)
        got[at] = code


def line_hunks(ops: list[tuple[int, str]]) -> Iterator[Hunk]:
    """(old start, old end, new start, new end) line ranges of the changed runs."""
    i = j = 0
    start: tuple[int, int] | None = None
    for op, chars in ops:
        if op == 0:
            if start is not None:
                yield start[0], i, start[1], j
                start = None
            i += len(chars)
            j += len(chars)
            continue
        start = start or (i, j)
        if op < 0:
            i += len(chars)
        else:
            j += len(chars)
    if start is not None:
        yield start[0], i, start[1], j


def token_counts(text: str) -> list[int]:
    """Number of non-space tokens on each line of `text` (tokenised whole, as the diff does)."""
    counts = [0] * (text.count("\n") + 1)
    row = 0
    for token in tokenize(text):
        if token.isspace():
            row += token.count("\n")
        else:
            counts[row] += 1
    return counts


def _count(text: str) -> int:
    return sum(1 for token in tokenize(text) if not token.isspace())


def _text(lines: list[bytes]) -> str:
    return b"\n".join(lines).decode("utf-8", "replace")


def _words(lines: list[bytes]) -> set[bytes]:
    """A cheap fingerprint for spotting moves: the lower-cased ASCII words of some lines."""
    return set(_ASCII_WORD.findall(b" ".join(lines).lower()))


class Replay:
    """The current text as lines, each with the credit of its non-space tokens."""

    def __init__(self) -> None:
        self.lines: list[bytes] = []
        self.entries: list[list[Entry]] = []
        self.codes: dict[bytes, str] = {}
        self.coded = ""
        self.coder = TokenCoder()

    def step(self, data: bytes, ordinal: int) -> None:
        """Move to the text `data`, crediting what changed to step `ordinal`."""
        lines = data.split(b"\n")
        coded = line_codes(lines, self.codes)
        differ = Differ(30.0)
        hunks = list(line_hunks(differ.diff(self.coded, coded)))
        moves = self._moves(hunks, lines) if len(hunks) <= MAX_MOVE_HUNKS else {}
        out: list[list[Entry]] = []
        at = new_at = 0
        for hunk in hunks:
            a0, a1, b0, b1 = hunk if hunk in moves else self._widen(hunk, lines, at, new_at)
            out.extend(self.entries[at:a0])
            ranges = self._ranges(hunk, (a0, a1), moves.get(hunk), lines)
            out.extend(self._rewrite(ranges, lines[b0:b1], ordinal, differ))
            at, new_at = a1, b1
        out.extend(self.entries[at:])
        self.lines, self.entries, self.coded = lines, out, coded

    def _widen(self, hunk: Hunk, new: list[bytes], at: int, new_at: int) -> Hunk:
        """A deletion inside a paragraph also changes the line before it (or after it)."""
        a0, a1, b0, b1 = hunk
        if b0 != b1 or not self.lines[a0].strip():
            return hunk
        if b0 > new_at and a0 > at and new[b0 - 1].strip():
            return a0 - 1, a1, b0 - 1, b1
        if b1 < len(new) and new[b1].strip() and self.lines[a1 - 1].strip():
            return a0, a1 + 1, b0, b1 + 1
        return hunk

    def _moves(self, hunks: list[Hunk], new: list[bytes]) -> dict[Hunk, Hunk]:
        """Hunk → another hunk whose old text it brings back (a move, perhaps edited)."""
        olds = {h: _words(self.lines[h[0] : h[1]]) for h in hunks}
        found: dict[Hunk, Hunk] = {}
        for hunk in hunks:
            words = _words(new[hunk[2] : hunk[3]])
            own = olds[hunk]
            if len(words - own) < MOVE_MIN_WORDS:
                continue
            scored = [(_dice(words, own | olds[h]), h) for h in hunks if h != hunk and olds[h]]
            score, source = max(scored, default=(0.0, hunk))
            if score >= MOVE_SIMILARITY and score > _dice(words, own):
                found[hunk] = source
        return found

    def _ranges(
        self, hunk: Hunk, own: tuple[int, int], source: Hunk | None, new: list[bytes]
    ) -> list[tuple[int, int]]:
        """The old line ranges a hunk's new text comes from, in the order it has them."""
        if source is None:
            return [own]
        if own[0] == own[1]:
            return [(source[0], source[1])]
        first = next((line for line in new[hunk[2] : hunk[3]] if line.strip()), b"")
        head = _words([first])
        from_source = len(head & _words(self.lines[source[0] : source[1]]))
        if from_source >= len(head & _words(self.lines[own[0] : own[1]])):
            return [(source[0], source[1]), own]
        return [own, (source[0], source[1])]

    def _rewrite(
        self, ranges: list[tuple[int, int]], new: list[bytes], ordinal: int, differ: Differ
    ) -> list[list[Entry]]:
        """Entries for the `new` lines that replace the old lines of `ranges`."""
        if not new:
            return []
        new_text = _text(new)
        counts = token_counts(new_text)
        old_lines = [line for a0, a1 in ranges for line in self.lines[a0:a1]]
        old_flat = [e for a0, a1 in ranges for row in self.entries[a0:a1] for e in row]
        if old_flat:
            old_text = _text(old_lines)
            flat = credit_words(old_text, old_flat, new_text, ordinal, differ, self.coder)
        else:
            flat = []
        if len(flat) != sum(counts):  # never expected; keep the rows aligned with the text
            flat = (flat + [(ordinal, ordinal)] * sum(counts))[: sum(counts)]
        rows = []
        at = 0
        for count in counts:
            rows.append(flat[at : at + count])
            at += count
        return rows


def _dice(a: set[bytes], b: set[bytes]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 0.0


def credit_words(
    old: str, old_flat: list[Entry], new: str, ordinal: int, differ: Differ, coder: TokenCoder
) -> list[Entry]:
    """New-side entries: equal tokens keep their credit, inserted ones get `ordinal`; a
    deletion marks the neighbouring token of the same paragraph as changed."""
    if old.split() == new.split():  # reflow: the same tokens, only the spacing moved
        return list(old_flat)
    segments = word_segments(old, new, 0, 0, differ, coder)
    out: list[Entry] = []
    taken = 0
    touch_next = False
    for seg in segments:
        if seg.op == "insert":
            out.extend([(ordinal, ordinal)] * _count(seg.new))
            touch_next = False
        elif seg.op == "delete":
            taken += _count(seg.old)
            touch_next = _mark_deletion(out, new, seg, ordinal)
        else:
            count = _count(seg.new)
            chunk = old_flat[taken : taken + count]
            taken += count
            if touch_next and chunk:
                chunk[0] = (chunk[0][0], ordinal)
            touch_next = touch_next and not chunk
            out.extend(chunk)
    return out


def _mark_deletion(out: list[Entry], new: str, seg: Segment, ordinal: int) -> bool:
    """Mark the token before a deletion, or ask for the next one, within one paragraph."""
    after = new[seg.new_start :]
    gap_after = after[: len(after) - len(after.lstrip())]
    if not _BLANK_LINE.search(gap_after) and after.strip():
        return True
    before = new[: seg.new_start]
    gap_before = before[len(before.rstrip()) :]
    if out and not _BLANK_LINE.search(gap_before):
        out[-1] = (out[-1][0], ordinal)
    return False


# -- putting it together --------------------------------------------------------------------


def _sources(ws: Workspace, path: str, at: str) -> list[Source]:
    """The steps to replay, oldest first: the commits of the first-parent history that change
    the draft (attribution after notes), then the work tree when `at` is WORKTREE."""
    from draftctl.review.log import resolve_rev

    if at != WORKTREE:
        rev = resolve_rev(ws, at, "--at")
        if ws.bytes_at(rev, lineage(ws, path).at(rev)) is None:
            raise DraftError(f"{path} does not exist at {at}", "name a revision where it exists")
        return _commits(ws, path, rev)
    if ws.worktree_bytes(path) is None:
        raise DraftError(f"{path} does not exist in the work tree")
    return [*(_commits(ws, path, "HEAD") if ws.repo.head() else []), Source(None)]


def _commits(ws: Workspace, path: str, rev: str) -> list[Source]:
    paths = lineage(ws, path).names  # the draft under every name it had
    records = read_log(ws, revisions=[rev], paths=paths, first_parent=True, words=False)
    return [Source(record) for record in reversed(records)]


def _contents(ws: Workspace, path: str, sources: list[Source]) -> Iterator[bytes]:
    """The draft's bytes after each step, read by one streaming `cat-file`."""
    specs = [f"{s.commit}:{lineage(ws, path).at(s.commit)}" for s in sources if s.commit]
    for data in ws.repo.stream_blobs(specs):
        yield data or b""
    if sources and sources[-1].record is None:
        yield ws.worktree_bytes(path) or b""


def _blocks(
    text: str, entries: list[list[Entry]]
) -> Iterator[tuple[Block, list[Entry], list[Entry]]]:
    """Each non-blank block with the entries of all its tokens and of its words only."""
    flat = [e for row in entries for e in row]
    starts: list[int] = []
    is_word: list[bool] = []
    word = word_pattern().fullmatch
    at = 0
    for token in tokenize(text):
        if not token.isspace():
            starts.append(at)
            is_word.append(word(token) is not None)
        at += len(token)
    for block in parse_blocks(text):
        if block.key:
            lo, hi = bisect_left(starts, block.start), bisect_left(starts, block.end)
            mine = flat[lo:hi]
            yield block, mine, [e for e, w in zip(mine, is_word[lo:hi], strict=False) if w]


def blame_draft(ws: Workspace, draft: str | None, at: str = WORKTREE) -> list[BlameBlock]:
    """The draft at `at` (a revision or WORKTREE), block by block, with its credits."""
    path = ws.resolve_draft(draft)
    sources = _sources(ws, path, at)
    replay = Replay()
    final = b""
    for ordinal, data in enumerate(_contents(ws, path, sources)):
        replay.step(data, ordinal)
        final = data
    text = decode_draft(final, path)
    return [
        _blame_block(block, entries, words, sources)
        for block, entries, words in _blocks(text, replay.entries)
    ]


def _blame_block(
    block: Block, entries: list[Entry], word_entries: list[Entry], sources: list[Source]
) -> BlameBlock:
    last = max((max(c, t) for c, t in entries), default=0)
    words: dict[str, int] = {}
    for ordinal in sorted(credit for credit, _ in word_entries or entries):
        key = sources[ordinal].round_key
        words[key] = words.get(key, 0) + 1
    return BlameBlock(
        block.kind,
        block.section,
        block.raw.strip("\n").rstrip(),
        sources[last] if sources else Source(None),
        list(words),
        words,
    )
