"""Late attribution: a git note under refs/notes/draftctl, in trailer format, overrides trailers."""

from __future__ import annotations

from dataclasses import dataclass

from draftctl.consultation.check import round_closed_on
from draftctl.consultation.feedback import check_feedback_refs
from draftctl.consultation.history import CommitRecord, attribution_of, read_log
from draftctl.consultation.recording import build_attribution
from draftctl.consultation.workspace import Workspace, resolve_rev
from draftctl.errors import DraftctlError
from draftctl.git.process import Identity
from draftctl.git.trailers import Attribution, format_trailer_block


@dataclass(frozen=True)
class Noted:
    """The outcome of `draftctl attribute`: which commit, its new attribution, what it replaced."""

    commit: str
    drafts: list[str]
    attribution: Attribution
    replaced: Attribution | None


def draft_paths_changed(ws: Workspace, commit: str) -> list[str]:
    """The drafts `commit` changes (against its first parent)."""
    prefix = ws.drafts_dir + "/"
    return [p for p in ws.repo.changed_paths(commit) if p.startswith(prefix) and p.endswith(".md")]


def read_note(ws: Workspace, commit: str) -> Attribution | None:
    """The attribution a note gives `commit`, or None when it has no note with a round."""
    text = ws.repo.read_note(commit)
    if not text:
        return None
    found, noted = attribution_of("", text)
    return found if noted else None


def _refuse_closed(ws: Workspace, round_id: str, commit: str) -> None:
    day = ws.repo.git("show", "-s", "--format=%aI", commit).strip()
    item = ws.config.round(round_id)
    if round_closed_on(item, day):
        raise DraftctlError(
            f"round {round_id!r} had closed ({item.closes}) when {commit[:10]} was made "
            f"({day[:10]})",
            "attribute it to the round that was open then; if the closing date is wrong, "
            "correct it in draftctl.toml",
        )


def attribute_commit(
    ws: Workspace,
    rev: str,
    round_id: str,
    by: list[str],
    why: str | None,
    feedback: list[str],
    identity: Identity | None = None,
) -> Noted:
    """Attribute a commit after the fact: validate everything, then write its note."""
    commit = resolve_rev(ws, rev, "attribute")
    drafts = draft_paths_changed(ws, commit)
    if not drafts:
        raise DraftctlError(
            f"{rev} ({commit[:10]}) does not change any draft",
            "attribute the commits that change drafts; `draftctl attribute --list` shows them",
        )
    attribution = build_attribution(ws.config, round_id, by, why, feedback, force=True)
    check_feedback_refs(ws, attribution.feedback)
    _refuse_closed(ws, round_id, commit)
    with ws.repo.write_lock():
        replaced = read_note(ws, commit)
        ws.repo.write_note(commit, format_trailer_block(attribution), identity=identity)
    return Noted(commit, drafts, attribution, replaced)


def unattributed_commits(ws: Workspace) -> list[CommitRecord]:
    """Commits changing drafts that still lack a round after notes (bookkeeping left out)."""
    return [r for r in read_log(ws, words=False) if not r.round and not r.bookkeeping]
