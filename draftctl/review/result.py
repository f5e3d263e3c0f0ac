"""The annotated diff as renderers read it: credits, marked pieces, shown blocks, changes, stats."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, cast

from draftctl.consultation.config import Config
from draftctl.consultation.workspace import WORKTREE
from draftctl.engine.counts import count_words

if TYPE_CHECKING:
    from draftctl.engine.attribution import AttributedDiff
    from draftctl.engine.diff import BlockPair, Segment
    from draftctl.engine.window import Omitted

UNATTRIBUTED = "unattributed"


@dataclass(frozen=True)
class Credit:
    """Who and what made a change: one commit (or the uncommitted work tree) and its attribution."""

    key: str
    commit: str | None
    round: str | None
    prompted_by: tuple[str, ...] = ()
    rationale: str | None = None
    author: str | None = None
    date: str | None = None
    subject: str = ""

    @property
    def round_key(self) -> str:
        """The round id, `WORKTREE` for uncommitted edits, or `unattributed`."""
        if self.commit is None:
            return WORKTREE
        return self.round or UNATTRIBUTED

    @property
    def short(self) -> str:
        return self.commit[:8] if self.commit else self.key

    def as_json(self) -> dict[str, object]:
        return {
            "commit": self.commit,
            "round": self.round,
            "prompted_by": list(self.prompted_by),
            "rationale": self.rationale,
            "author": self.author,
            "date": self.date,
        }


@dataclass(frozen=True)
class Piece:
    """A run of text in a shown block: unchanged, or inserted/deleted by one change and credit."""

    op: str
    text: str
    change: int | None = None
    credit: str | None = None
    old: str | None = None  # an equal piece's FROM text when it differs (else None): its
    # layout, or "" for text moved here (at a move's new place it is new, only TO has it)


@dataclass
class ShownBlock:
    """One block of the document as a reviewer sees it, with its changes marked inline.

    `move` is "from" for the old place of a moved block (its pieces are the old text) and
    "to" for its new place; `change` then names the move.
    """

    kind: str
    section: tuple[str, ...]
    pieces: list[Piece]
    level: int = 0
    move: str | None = None
    change: int | None = None

    @property
    def changed(self) -> bool:
        return self.move is not None or any(p.op != "equal" for p in self.pieces)

    def change_ids(self) -> list[int]:
        """The changes marked in this block, in reading order."""
        ids = [self.change] if self.change is not None else []
        ids += [p.change for p in self.pieces if p.change is not None]
        return list(dict.fromkeys(ids))


@dataclass
class AnnotatedChange:
    """One change between FROM and TO with the credits (commit keys) behind it."""

    id: int
    kind: str
    section: tuple[str, ...]
    old: str
    new: str
    credits: list[str] = field(default_factory=list)
    section_from: tuple[str, ...] = ()


@dataclass
class Stats:
    """Words inserted and deleted, overall, per round and per section."""

    inserted_words: int = 0
    deleted_words: int = 0
    rounds: dict[str, list[int]] = field(default_factory=dict)
    sections: dict[tuple[str, ...], list[int]] = field(default_factory=dict)

    @property
    def by_round(self) -> dict[str, int]:
        """Words changed (inserted + deleted) per round, the contract's `by_round`."""
        return {key: ins + dele for key, (ins, dele) in self.rounds.items()}

    def add(self, piece: Piece, round_key: str, section: tuple[str, ...]) -> None:
        words = count_words(piece.text)
        slot = 0 if piece.op == "insert" else 1
        if slot == 0:
            self.inserted_words += words
        else:
            self.deleted_words += words
        self.rounds.setdefault(round_key, [0, 0])[slot] += words
        self.sections.setdefault(section, [0, 0])[slot] += words


@dataclass
class AnnotatedDiff:
    """Everything a renderer needs: the document with marks, the changes, and their credits."""

    draft: str
    from_rev: str
    from_commit: str | None
    to_rev: str
    to_commit: str | None
    blocks: list[ShownBlock]
    changes: list[AnnotatedChange]
    credits: dict[str, Credit]
    approximate: bool = False
    stats: Stats = field(default_factory=Stats)
    date: str = ""
    root: str | None = None
    from_date: str = ""
    to_date: str = ""

    def change(self, change_id: int) -> AnnotatedChange:
        return next(c for c in self.changes if c.id == change_id)

    def section_text(self, section: tuple[str, ...]) -> str:
        """The section's label for display, without the document's title heading."""
        if self.root is not None and len(section) > 1 and section[0] == self.root:
            section = section[1:]
        return section_label(section)

    def rounds_used(self) -> list[str]:
        """Round keys that credit at least one change, in order of first appearance."""
        keys = [self.credits[k].round_key for c in self.changes for k in c.credits]
        return list(dict.fromkeys(keys))


@dataclass(frozen=True)
class Unchanged:
    """A stretch both sides share that the engine never read: split into shown blocks only when
    something reads the whole document (JSON and stats never do). `chain` holds the TO headings
    (level, title) in force where it starts, so its blocks get their section paths."""

    text: str
    chain: tuple[tuple[int, str], ...]
    scanner: bool = False  # split as the whole draft is: by the line scanner or markdown-it

    def blocks(self) -> list[ShownBlock]:
        from draftctl.engine.blocks import heading_text, parse_blocks

        chain = list(self.chain)
        out = []
        for block in parse_blocks(self.text, self.scanner):
            if block.kind == "heading" and block.level:
                chain = _pushed(chain, block.level, heading_text(block))
            section = tuple(title for _, title in chain)
            out.append(ShownBlock(block.kind, section, [Piece("equal", block.raw)], block.level))
        return out


def _pushed(chain: list[tuple[int, str]], level: int, title: str) -> list[tuple[int, str]]:
    """The heading chain after a heading of `level` (as the block parser keeps sections)."""
    return [c for c in chain if c[0] < level] + [(level, title)]


class Outline(list[ShownBlock | Unchanged]):
    """Shown blocks with unchanged stretches not yet split into blocks."""

    def expand(self) -> list[ShownBlock]:
        out: list[ShownBlock] = []
        for item in self:
            if isinstance(item, Unchanged):
                out.extend(item.blocks())
            else:
                out.append(item)
        return out


def _read_blocks(self: AnnotatedDiff) -> list[ShownBlock]:
    found = self.__dict__["_blocks"]
    if isinstance(found, Outline):  # first read of the whole document: expand it once
        found = self.__dict__["_blocks"] = found.expand()
    return found


def _write_blocks(self: AnnotatedDiff, blocks: list[ShownBlock] | Outline) -> None:
    self.__dict__["_blocks"] = blocks


# `blocks` is read through a property so that an outline expands only when a renderer needs
# the whole document; the dataclass's __init__ and replace() go through it too.
AnnotatedDiff.blocks = property(_read_blocks, _write_blocks)  # type: ignore[assignment]


def compute_stats(blocks: list[ShownBlock], credits: dict[str, Credit]) -> Stats:
    """Count the inserted and deleted words of every marked piece."""
    stats = Stats()
    for block in blocks:
        for piece in block.pieces:
            if piece.op != "equal" and piece.credit is not None:
                stats.add(piece, credits[piece.credit].round_key, block.section)
    return stats


def merged_pieces(pieces: list[Piece]) -> list[Piece]:
    """Adjacent pieces of the same op and change joined (credits of the first kept)."""
    out: list[Piece] = []
    for piece in pieces:
        last = out[-1] if out else None
        if last is not None and (last.op, last.change) == (piece.op, piece.change):
            old = None
            if last.old is not None or piece.old is not None:
                old = (last.text if last.old is None else last.old) + (
                    piece.text if piece.old is None else piece.old
                )
            text = last.text + piece.text
            out[-1] = replace(last, text=text, old=None if old == text else old)
        else:
            out.append(piece)
    return out


WIDEN_WORDS = 2  # the most unchanged words display folds into one replaced phrase


def widened(pieces: list[Piece]) -> list[Piece]:
    """For display only (never for counts or credits): a short unchanged run between two edits
    of the same change and commit reads as part of one replaced phrase, the way a person marks
    a rewrite ("[-in four countries shows-]{+from six countries show+}"). A run folds when the
    edits around it delete and insert, and it holds one to WIDEN_WORDS words, no line break,
    and no more words than the edit on either side of it; its text then stands on both sides,
    so each side still rebuilds exactly, and the phrase keeps the one credit that the changed
    tokens inside it carry."""
    runs: list[list[Piece]] = []
    for piece in pieces:
        if runs and piece.op != "equal" and runs[-1][0].op != "equal":
            runs[-1].append(piece)
        else:
            runs.append([piece])
    k = 1
    while k < len(runs) - 1:
        if _folds(runs[k - 1], runs[k][0], runs[k + 1]):
            kept = runs[k][0]
            old = kept.text if kept.old is None else kept.old
            left = runs[k - 1]
            fold = [Piece("delete", old, left[0].change, left[0].credit)]
            fold.append(Piece("insert", kept.text, left[0].change, left[0].credit))
            joined = left + fold + runs[k + 1]  # one owner: its deletions read first
            runs[k - 1 : k + 2] = [
                [p for p in joined if p.op == "delete"] + [p for p in joined if p.op == "insert"]
            ]
            k = max(k - 1, 1)
        else:
            k += 1
    return [piece for run in runs for piece in run]


def _folds(left: list[Piece], kept: Piece, right: list[Piece]) -> bool:
    if kept.op != "equal" or left[0].op == "equal" or right[0].op == "equal":
        return False
    owners = {(p.change, p.credit) for p in left + right}
    if len(owners) != 1 or None in next(iter(owners)) or "\n" in kept.text + (kept.old or ""):
        return False
    if {p.op for p in left + right} != {"delete", "insert"}:
        return False  # only a rewrite becomes a replaced phrase; insertions stay insertions
    words = count_words(kept.text)
    return 0 < words <= min(WIDEN_WORDS, _edit_words(left), _edit_words(right))


def _edit_words(run: list[Piece]) -> int:
    """The size of an edit: the words of its larger side."""
    deleted = sum(count_words(p.text) for p in run if p.op == "delete")
    return max(deleted, sum(count_words(p.text) for p in run if p.op == "insert"))


def ends_change(pieces: list[Piece], index: int, own: int | None = None) -> bool:
    """Whether pieces[index] is the last piece of its change in the block (where its marker
    goes); `own` is a move's id, whose marker sits at the start of the block instead."""
    change = pieces[index].change
    if change is None or change == own:
        return False
    return all(p.change != change for p in pieces[index + 1 :])


def side_label(rev: str, commit: str | None) -> str:
    """`v0.2 (1a2b3c4d)`, or the short commit when the revision is the commit itself."""
    if commit is None:
        return rev
    return commit[:8] if rev == commit else f"{rev} ({commit[:8]})"


def section_label(section: tuple[str, ...]) -> str:
    """`Policy › Scope`, or a phrase for text before the first heading."""
    return " › ".join(section) if section else "(before the first heading)"


def round_title(config: Config, round_key: str) -> str:
    """The round's title for display; uncommitted and unattributed edits say so."""
    if round_key == WORKTREE:
        return "Uncommitted edits"
    if round_key == UNATTRIBUTED:
        return "Unattributed"
    found = config.rounds.get(round_key)
    return found.title if found else round_key


def people_names(config: Config, credit: Credit) -> list[str]:
    """Display names of the stakeholders who prompted the change (ids if unregistered)."""
    known = config.stakeholders
    return [known[p].name if p in known else p for p in credit.prompted_by]


def credit_line(config: Config, credit: Credit) -> str:
    """One line describing a credit: round, stakeholders, rationale, commit, date."""
    parts = [round_title(config, credit.round_key)]
    names = people_names(config, credit)
    if names:
        parts.append(", ".join(names))
    if credit.rationale:
        parts.append(f"“{credit.rationale}”")
    parts.append(credit.short)
    if credit.date:
        parts.append(credit.date[:10])
    return " · ".join(parts)


@dataclass(frozen=True)
class Side:
    """One end of a diff: the revision as the user named it and the commit (None: WORKTREE)."""

    rev: str
    commit: str | None


# --- from the engine's result to what renderers read ----------------------------------------


def build_result(
    path: str,
    frm: Side,
    to: Side,
    attributed: AttributedDiff,
    credits: dict[str, Credit],
    placed: list[BlockPair | Omitted] | None = None,
) -> AnnotatedDiff:
    """The plain result: shown blocks with credited pieces, changes, stats. `placed` (the
    engine's pairs with the gaps it never read, for a diff of windows) gives the blocks
    instead of the engine's pairs."""
    blocks: list[ShownBlock] | Outline
    if placed is None:
        blocks = [b for p in attributed.diff.pairs if (b := _shown(p, attributed)) is not None]
        shown = every = blocks
    else:  # the gaps' own pairs (headings) count only for the title
        blocks, hidden = _outline(placed, attributed)
        shown = [b for b in blocks if isinstance(b, ShownBlock)]
        every = shown + hidden
    changes = [
        AnnotatedChange(
            change.id,
            change.kind,
            change.section,
            change.old_text,
            change.new_text,
            list(attributed.credits.get(change.id, [])),
            change.old_blocks[0].section if change.kind == "move" and change.old_blocks else (),
        )
        for change in attributed.diff.changes
    ]
    return AnnotatedDiff(
        path,
        frm.rev,
        frm.commit,
        to.rev,
        to.commit,
        cast("list[ShownBlock]", blocks),  # an outline expands on first read
        changes,
        credits,
        attributed.approximate,
        compute_stats(shown, credits),
        "",
        title_root(every),
    )


def _outline(
    placed: list[BlockPair | Omitted], attributed: AttributedDiff
) -> tuple[Outline, list[ShownBlock]]:
    """Shown blocks of the engine's pairs with each gap as an unchanged stretch, and the shown
    blocks of the pairs the gaps stand for (their headings, for the document's title)."""
    from draftctl.engine.blocks import heading_text
    from draftctl.engine.window import Omitted

    out = Outline()
    hidden: list[ShownBlock] = []
    chain: list[tuple[int, str]] = []
    for item in placed:
        if isinstance(item, Omitted):
            out.append(Unchanged(item.gap.text, tuple(chain), item.gap.scanner))
        for pair in item.pairs if isinstance(item, Omitted) else [item]:
            new = pair.new if pair.op != "moved-from" else None
            if new is not None and new.kind == "heading" and new.level:
                chain = _pushed(chain, new.level, heading_text(new))
            if (shown := _shown(pair, attributed)) is not None:
                (hidden if pair is not item else out).append(shown)
    return out, hidden


def title_root(blocks: list[ShownBlock]) -> str | None:
    """The document's title when one level-1 heading encloses every section, else None."""
    titles = [b.section[0] for b in blocks if b.kind == "heading" and b.level == 1 and b.section]
    roots = {b.section[0] for b in blocks if b.section}
    return titles[0] if len(titles) == 1 and roots == {titles[0]} else None


def _shown(pair: BlockPair, attributed: AttributedDiff) -> ShownBlock | None:
    block = pair.new if pair.new is not None and pair.op != "moved-from" else pair.old
    if block is None:
        return None
    if pair.op == "moved-from":  # the moved text, and any words deleted from it meanwhile
        pieces = merged_pieces([_moved_away(seg, attributed) for seg in pair.segments])
        return ShownBlock(block.kind, block.section, pieces, block.level, "from", pair.change_id)
    pieces = [p for seg in pair.segments for p in _pieces(seg, attributed) if p.text or p.old]
    if not pieces:
        return None
    moved = pair.op == "moved-to"
    return ShownBlock(
        block.kind,
        block.section,
        pieces,
        block.level,
        "to" if moved else None,
        pair.change_id if moved else None,
    )


def _moved_away(seg: Segment, attributed: AttributedDiff) -> Piece:
    if seg.op != "delete":
        return Piece("equal", seg.old)
    return _pieces(seg, attributed)[0]


def _pieces(seg: Segment, attributed: AttributedDiff) -> list[Piece]:
    if seg.op == "equal":
        return [Piece("equal", seg.new, old=seg.old if seg.old != seg.new else None)]
    ids = attributed.credits.get(seg.change_id or 0) or []
    fallback = ids[-1] if ids else None
    return [
        Piece(seg.op, run.new if seg.op == "insert" else run.old, seg.change_id, who or fallback)
        for run, who in attributed.credit_runs(seg)
    ]
