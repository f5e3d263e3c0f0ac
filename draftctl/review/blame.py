"""`draftctl blame`: every block of a draft with the commits and rounds behind its words."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import compress, repeat

from draftctl.consultation.follow import lineage
from draftctl.consultation.history import CommitRecord, read_log
from draftctl.consultation.steps import Texts, open_memo, prepare
from draftctl.consultation.workspace import WORKTREE, Workspace, decode_draft, resolve_rev
from draftctl.engine.blocks import Block, parse_blocks
from draftctl.engine.diff import no_gc
from draftctl.engine.tokens import solid_tokens, word_flags
from draftctl.engine.weave import State, Step, replay
from draftctl.errors import DraftError
from draftctl.review.annotate import StepBuilder

UNATTRIBUTED = "unattributed"


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


# -- putting it together --------------------------------------------------------------------


def _sources(ws: Workspace, path: str, at: str) -> list[Source]:
    """The steps to replay, oldest first: the commits of the first-parent history that change
    the draft (attribution after notes), then the work tree when `at` is WORKTREE."""
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


def _credits(state: State, inserted: list[int]) -> tuple[list[int], list[int]]:
    """Credit and last-change ordinals of every solid token of the final text (C-level maps:
    a draft may have a million tokens)."""
    alive = state.alive
    credits = [inserted[~v] if v < 0 else 0 for v in alive]
    touched = state.touched
    lasts = list(map(max, credits, map(touched.get, alive, repeat(-1)))) if touched else credits
    return credits, lasts


_Entries = tuple[list[int], list[int], list[int]]  # credits, last changes, credits of words


def _blocks(text: str, credits: list[int], lasts: list[int]) -> Iterator[tuple[Block, _Entries]]:
    """Each non-blank block with the credits and last changes of its tokens and the credits
    of its words only (blocks start at line starts, so each block's own tokens, in order,
    are the text's)."""
    ascii_only = text.isascii()
    lo = 0
    for block in parse_blocks(text):
        if block.key:
            tokens = solid_tokens(block.raw)
            hi = lo + len(tokens)
            mine = credits[lo:hi]
            yield block, (mine, lasts[lo:hi], list(compress(mine, word_flags(tokens, ascii_only))))
            lo = hi


def blame_draft(ws: Workspace, draft: str | None, at: str = WORKTREE) -> list[BlameBlock]:
    """The draft at `at` (a revision or WORKTREE), block by block, with its credits."""
    path = ws.resolve_draft(draft)
    sources = _sources(ws, path, at)
    texts = Texts(ws, path)
    steps, known = _steps(ws, path, sources, texts)
    memo = open_memo(ws)
    try:
        prepare(memo, texts, "", steps)  # "": the empty text, whose edits are kept too
        with no_gc():
            weave, _ = replay("", steps, memo=memo, from_blob="")
    finally:
        memo.cache.close()
    by_ordinal = [known[key] for key in weave.commits]
    text = steps[-1].text if steps else ""
    credits, lasts = _credits(weave.state, weave.inserted)
    blocks = _blocks(text, credits, lasts)
    return [_blame_block(block, entries, by_ordinal) for block, entries in blocks]


def _steps(
    ws: Workspace, path: str, sources: list[Source], texts: Texts
) -> tuple[list[Step], dict[str, Source]]:
    """One step per source, each commit's text named by its blob id (read only when needed);
    a merge carries its side branch, so the side's commits keep the words they wrote (as in
    `diff`). Also: every step's key → its source."""
    builder = StepBuilder(ws, path, texts)
    blobs = iter(builder.blobs([s.commit for s in sources if s.commit]))
    steps: list[Step] = []
    known: dict[str, Source] = {}
    for n, source in enumerate(sources):
        key = str(n)  # side commits are keyed by their ids: never a small number
        known[key] = source
        record = source.record
        if record is None:
            steps.append(Step(key, decode_draft(ws.worktree_bytes(path) or b"", path)))
            continue
        step = Step(key, texts.loader(blob := next(blobs)), blob=blob)
        steps.append(builder.merge_step(record, step) if len(record.parents) > 1 else step)
    known.update((commit, Source(record)) for commit, record in builder.known.items())
    return steps, known


def _blame_block(block: Block, entries: _Entries, sources: list[Source]) -> BlameBlock:
    credits, lasts, word_credits = entries
    last = max(lasts, default=0)
    counts = Counter(word_credits or credits)
    words: dict[str, int] = {}
    for ordinal in sorted(counts):
        key = sources[ordinal].round_key
        words[key] = words.get(key, 0) + counts[ordinal]
    return BlameBlock(
        block.kind,
        block.section,
        block.raw.strip("\n").rstrip(),
        sources[last] if sources else Source(None),
        list(words),
        words,
    )
