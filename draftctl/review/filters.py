"""Narrow an annotated diff to the changes of one round, one stakeholder or one section."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from draftctl.consultation.config import Config
from draftctl.consultation.workspace import WORKTREE
from draftctl.engine.sections import matches
from draftctl.errors import DraftError, UnknownId
from draftctl.names import check_slug
from draftctl.review.result import (
    AnnotatedChange,
    AnnotatedDiff,
    Credit,
    Piece,
    ShownBlock,
    compute_stats,
)


@dataclass
class Filters:
    """Which changes to show: by round, by stakeholder, by section."""

    round_id: str | None = None
    by: str | None = None
    section: str | None = None


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
    if filters.round_id or filters.by or filters.section:  # unfiltered: build_result's stats
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
    if block.move == "to" and block.change not in moves:  # moved text reads as TO's own
        plain = [Piece("equal", p.text) if p.op == "equal" and p.old == "" else p for p in pieces]
        return replace(block, pieces=plain, move=None, change=None)
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
