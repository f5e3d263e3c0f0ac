"""The annotated diff: gather a draft's history between two revisions and credit every change."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from draftctl.consultation.config import Config
from draftctl.consultation.follow import lineage
from draftctl.consultation.history import CommitRecord, read_log
from draftctl.consultation.workspace import WORKTREE, Workspace, resolve_rev
from draftctl.engine.attribution import AttributedDiff, Step, attribute
from draftctl.engine.counts import count_words
from draftctl.engine.sections import matches
from draftctl.errors import DraftctlError, DraftError, UnknownId
from draftctl.names import check_slug
from draftctl.release.versions import latest_version

if TYPE_CHECKING:
    from draftctl.engine.diff import BlockPair, Segment

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
    old: str | None = None  # an equal piece's FROM text when its layout differs (else None)


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

    def pieces_of(self, change_id: int) -> list[tuple[ShownBlock, Piece]]:
        """The change's credited pieces (inserted and deleted runs), in document order."""
        return [(b, p) for b in self.blocks for p in b.pieces if p.change == change_id]

    def section_text(self, section: tuple[str, ...]) -> str:
        """The section's label for display, without the document's title heading."""
        if self.root is not None and len(section) > 1 and section[0] == self.root:
            section = section[1:]
        return section_label(section)

    def rounds_used(self) -> list[str]:
        """Round keys that credit at least one change, in order of first appearance."""
        keys = [self.credits[k].round_key for c in self.changes for k in c.credits]
        return list(dict.fromkeys(keys))


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


# --- gathering the history -------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One end of a diff: the revision as the user named it and the commit (None: WORKTREE)."""

    rev: str
    commit: str | None


@dataclass
class Filters:
    """Which changes to show: by round, by stakeholder, by section."""

    round_id: str | None = None
    by: str | None = None
    section: str | None = None


def commit_metadata(
    ws: Workspace, ids: Iterable[str], known: dict[str, CommitRecord] | None = None
) -> dict[str, CommitRecord]:
    """Author, date and attribution of each commit (a note's trailers first), in one git call
    for the ids not already in `known`."""
    found = dict(known or {})
    missing = [c for c in dict.fromkeys(ids) if c not in found and c != WORKTREE]
    if missing:
        records = read_log(
            ws,
            revisions=["--no-walk=unsorted", "--full-history", *missing],
            paths=["."],
            words=False,
        )
        found.update((r.commit, r) for r in records)
    return found


def resolve_to(ws: Workspace, to_rev: str | None) -> Side:
    """TO: WORKTREE by default, else the commit the revision names."""
    if to_rev is None or to_rev == WORKTREE:
        return Side(WORKTREE, None)
    return Side(to_rev, resolve_rev(ws, to_rev, "TO"))


def _first_parent_log(ws: Workspace, path: str, since: str | None, tip: str) -> list[CommitRecord]:
    """First-parent commits that touch `path`, oldest first, in one `git log`."""
    revisions = [f"{since}..{tip}"] if since else [tip]
    paths = lineage(ws, path).names  # the draft under every name it had
    records = read_log(ws, revisions=revisions, paths=paths, words=False, first_parent=True)
    return records[::-1]


def resolve_range(
    ws: Workspace, path: str, from_rev: str | None, to: Side
) -> tuple[Side, list[CommitRecord]]:
    """FROM (default: the latest version, else the draft's first commit) and the first-parent
    commits after it up to TO that touch the draft, oldest first."""
    if from_rev == WORKTREE:
        raise DraftctlError(
            "FROM cannot be WORKTREE: the work tree is always the newest side",
            "name a version or commit as FROM, e.g. `draftctl diff HEAD`",
        )
    tip = to.commit or ws.repo.head()
    if from_rev is None:
        version = latest_version(ws, at=tip) if tip else None
        if version is not None:
            from_rev, start = version.name, version.commit
        else:
            records = _first_parent_log(ws, path, None, tip) if tip else []
            if not records:
                return Side("(empty)", None), []
            return Side(records[0].commit, records[0].commit), records[1:]
    else:
        start = resolve_rev(ws, from_rev, "FROM")
    records = _first_parent_log(ws, path, start, tip) if tip else []
    return Side(from_rev, start), records


def _text(ws: Workspace, rev: str | None, path: str) -> str:
    if rev is None:
        return ""
    return ws.text_at(rev, lineage(ws, path).at(rev)) or ""


class _StepBuilder:
    """Turns commit records into attribution steps; merges get their side branch's steps."""

    def __init__(self, ws: Workspace, path: str) -> None:
        self.ws = ws
        self.path = path
        self.known: dict[str, CommitRecord] = {}

    def steps(self, records: list[CommitRecord]) -> list[Step]:
        out = []
        for record in records:
            self.known[record.commit] = record
            text = _text(self.ws, record.commit, self.path)
            if len(record.parents) > 1:
                out.append(self.merge_step(record, text))
            else:
                out.append(Step(record.commit, text))
        return out

    def merge_step(self, record: CommitRecord, text: str) -> Step:
        first, second = record.parents[0], record.parents[1]
        try:
            base = self.ws.repo.git("merge-base", first, second).strip()
        except DraftctlError:  # unrelated histories: credit the merge itself
            return Step(record.commit, text)
        side = self.steps(_first_parent_log(self.ws, self.path, base, second))
        return Step(record.commit, text, tuple(side), _text(self.ws, base, self.path))


def annotate_range(
    ws: Workspace,
    path: str,
    frm: Side,
    to: Side,
    records: list[CommitRecord],
    progress: Callable[[int, int], None] | None = None,
) -> AnnotatedDiff:
    """Replay the commits between FROM and TO and credit every change of the diff."""
    builder = _StepBuilder(ws, path)
    steps = builder.steps(records)
    if to.commit is None:
        worktree = _text(ws, WORKTREE, path)
        if worktree != (steps[-1].text if steps else _text(ws, frm.commit, path)):
            steps.append(Step(WORKTREE, worktree))
    from_text = _text(ws, frm.commit, path)
    if not steps and ws.bytes_at(to.commit or WORKTREE, path) is None and not from_text:
        raise DraftError(f"no draft {ws.draft_name(path)!r} at {to.rev} ({path} does not exist)")
    attributed = attribute(from_text, steps, progress=progress)
    used = {k for ids in attributed.credits.values() for k in ids}
    credits = _credits(commit_metadata(ws, used, builder.known), used)
    result = build_result(path, frm, to, attributed, credits)
    result.from_date = ws.repo.commit_date(frm.commit) if frm.commit else ""
    result.to_date = ws.repo.commit_date(to.commit) if to.commit else ""
    return result


def _credits(records: dict[str, CommitRecord], keys: Iterable[str]) -> dict[str, Credit]:
    out = {}
    for key in keys:
        if key == WORKTREE:
            out[key] = Credit(WORKTREE, None, WORKTREE, subject="uncommitted edits")
            continue
        record = records.get(key)
        if record is None:
            out[key] = Credit(key, key, None)
            continue
        found = record.attribution
        out[key] = Credit(
            key,
            key,
            found.round,
            tuple(found.prompted_by),
            found.rationale,
            record.author,
            record.date,
            record.subject,
        )
    return out


# --- from the engine's result to what renderers read ----------------------------------------


def build_result(
    path: str, frm: Side, to: Side, attributed: AttributedDiff, credits: dict[str, Credit]
) -> AnnotatedDiff:
    """The plain result: shown blocks with credited pieces, changes, stats."""
    blocks = [b for pair in attributed.diff.pairs if (b := _shown(pair, attributed)) is not None]
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
        blocks,
        changes,
        credits,
        attributed.approximate,
        compute_stats(blocks, credits),
        datetime.date.today().isoformat(),
        title_root(blocks),
    )


def title_root(blocks: list[ShownBlock]) -> str | None:
    """The document's title when one level-1 heading encloses every section, else None."""
    titles = [b.section[0] for b in blocks if b.kind == "heading" and b.level == 1 and b.section]
    roots = {b.section[0] for b in blocks if b.section}
    return titles[0] if len(titles) == 1 and roots == {titles[0]} else None


def _shown(pair: BlockPair, attributed: AttributedDiff) -> ShownBlock | None:
    block = pair.new if pair.new is not None and pair.op != "moved-from" else pair.old
    if block is None:
        return None
    if pair.op == "moved-from":
        text = "".join(s.old for s in pair.segments)
        return ShownBlock(
            block.kind, block.section, [Piece("equal", text)], block.level, "from", pair.change_id
        )
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


def _pieces(seg: Segment, attributed: AttributedDiff) -> list[Piece]:
    if seg.op == "equal":
        return [Piece("equal", seg.new, old=seg.old if seg.old != seg.new else None)]
    ids = attributed.credits.get(seg.change_id or 0) or []
    fallback = ids[-1] if ids else None
    return [
        Piece(seg.op, run.new if seg.op == "insert" else run.old, seg.change_id, who or fallback)
        for run, who in attributed.credit_runs(seg)
    ]


# --- filters ----------------------------------------------------------------------------------


def apply_filters(result: AnnotatedDiff, filters: Filters, config: Config) -> AnnotatedDiff:
    """Keep the changes credited to a round / stakeholder and the blocks of a section; the
    other changes read as unchanged text of TO."""
    if filters.round_id:
        _check_id(result, config, filters.round_id, "round")
        result = _keep_credits(result, lambda c: c.round_key == filters.round_id)
    if filters.by:
        _check_id(result, config, filters.by, "stakeholder")
        result = _keep_credits(result, lambda c: filters.by in c.prompted_by)
    if filters.section:
        result = _keep_section(result, filters.section)
    result.stats = compute_stats(result.blocks, result.credits)
    return result


def _check_id(result: AnnotatedDiff, config: Config, wanted: str, what: str) -> None:
    """Refuse a malformed id, or one neither registered nor cited by any commit here."""
    if wanted == WORKTREE and what == "round":
        return
    check_slug(wanted, what)
    cited = {
        value
        for credit in result.credits.values()
        for value in ((credit.round,) if what == "round" else credit.prompted_by)
    }
    registry = config.rounds if what == "round" else config.stakeholders
    if wanted not in registry and wanted not in cited:
        command = "round list" if what == "round" else "stakeholder list"
        raise UnknownId(f"unknown {what} {wanted!r}", f"see `draftctl {command}`")


def _keep_credits(result: AnnotatedDiff, keep: Callable[[Credit], bool]) -> AnnotatedDiff:
    kept = {key for key, credit in result.credits.items() if keep(credit)}
    moves = {c.id for c in result.changes if c.kind == "move" and any(k in kept for k in c.credits)}
    blocks = [b for block in result.blocks if (b := _filter_block(block, kept, moves))]
    changes = []
    for change in result.changes:
        credits = [k for k in change.credits if k in kept]
        if credits == change.credits:
            changes.append(change)
        elif credits:
            changes.append(_narrowed(change, credits, blocks))
    return replace(result, blocks=blocks, changes=changes)


def _filter_block(block: ShownBlock, kept: set[str], moves: set[int]) -> ShownBlock | None:
    """The block with only kept credits marked: other insertions read as plain text, other
    deletions vanish, a move not kept shows at its new place only."""
    if block.move == "from" and block.change not in moves:
        return None
    pieces = []
    for piece in block.pieces:
        if piece.op == "equal" or piece.credit in kept:
            pieces.append(piece)
        elif piece.op == "insert":
            pieces.append(Piece("equal", piece.text))
    if not pieces:
        return None
    if block.move == "to" and block.change not in moves:
        return replace(block, pieces=pieces, move=None, change=None)
    return replace(block, pieces=pieces)


def _narrowed(
    change: AnnotatedChange, credits: list[str], blocks: list[ShownBlock]
) -> AnnotatedChange:
    """The change with only the kept credits: its old and new text and kind recomputed."""
    if change.kind == "move":
        return replace(change, credits=credits)
    old, new = _span(blocks, change.id, "delete"), _span(blocks, change.id, "insert")
    kind = "replace" if old and new else "insert" if new else "delete"
    return replace(change, kind=kind, old=old, new=new, credits=credits)


def _span(blocks: list[ShownBlock], change_id: int, op: str) -> str:
    """One side's text of a change: from its first to its last `op` piece in each block."""
    texts = []
    for block in blocks:
        marks = [i for i, p in enumerate(block.pieces) if p.change == change_id and p.op == op]
        if marks:
            inner = block.pieces[marks[0] : marks[-1] + 1]
            texts.append("".join(p.text for p in inner if p.op in ("equal", op)))
    return "".join(texts).strip()


def _keep_section(result: AnnotatedDiff, selector: str) -> AnnotatedDiff:
    blocks = [b for b in result.blocks if matches(b.section, selector)]
    if not blocks:
        names = sorted({b.section[-1] for b in result.blocks if b.section})
        raise DraftError(
            f"no section named {selector!r} in {result.draft}",
            "sections are: " + "; ".join(names[:12]) if names else "the draft has no headings",
        )
    ids = {i for block in blocks for i in block.change_ids()}
    changes = [c for c in result.changes if c.id in ids]
    return replace(result, blocks=blocks, changes=changes)


# --- the entry points -------------------------------------------------------------------------


def annotated_diff(
    ws: Workspace,
    draft: str | None,
    from_rev: str | None,
    to_rev: str | None,
    filters: Filters | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> AnnotatedDiff:
    """`draftctl diff`: the annotated diff of one draft between FROM and TO."""
    path = ws.resolve_draft(draft)
    to = resolve_to(ws, to_rev)
    frm, records = resolve_range(ws, path, from_rev, to)
    result = annotate_range(ws, path, frm, to, records, progress)
    return apply_filters(result, filters or Filters(), ws.config)


@dataclass
class CommitView:
    """`draftctl show`: one commit's message and attribution, and its annotated diffs."""

    record: CommitRecord
    message: str
    diffs: list[AnnotatedDiff]


def show_commit(
    ws: Workspace,
    rev: str,
    draft: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CommitView:
    """The commit `rev` names, with the diff REV^..REV of each draft it changes."""
    commit = resolve_rev(ws, rev, "show")
    record = commit_metadata(ws, [commit]).get(commit)
    if record is None:
        raise DraftctlError(
            f"{rev} changes no files: there is nothing to show", f"`git show {rev}` shows it"
        )
    message = ws.repo.git("show", "-s", "--format=%B", commit)
    if draft is not None:
        paths = [ws.resolve_draft(draft)]
    else:
        folder = ws.drafts_dir + "/"
        changed = ws.repo.changed_paths(commit)
        moved = ws.repo.renamed_paths(commit)  # a renamed draft shows once, under its new name
        paths = [
            p for p in changed if p.startswith(folder) and p.endswith(".md") and p not in moved
        ]
    parent = record.parents[0] if record.parents else None
    frm = Side(f"{rev}^", parent) if parent else Side("(empty)", None)
    diffs = [annotate_range(ws, path, frm, Side(rev, commit), [record], progress) for path in paths]
    return CommitView(record, message, diffs)
