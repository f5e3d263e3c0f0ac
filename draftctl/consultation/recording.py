"""Recording attributed changes (`commit`, with `--section`) and reporting what is uncommitted."""

from __future__ import annotations

import re

from draftctl.consultation.config import Config
from draftctl.consultation.workspace import Workspace, decode_draft
from draftctl.errors import DraftError, InvalidValue, NothingToCommit, UnknownId
from draftctl.git.process import Identity
from draftctl.git.trailers import Attribution, format_message
from draftctl.names import check_text

TYPE_CHECKING = False  # typing's flag, without importing typing at run time
if TYPE_CHECKING:
    from draftctl.engine.diff import Change

# git's conflict: `<<<<<<< ours`, `=======`, `>>>>>>> theirs`, in that order; a lone
# `>>>>>>> text` line is a seven-deep Markdown blockquote, not a conflict.
_CONFLICT = re.compile(r"^<{7}(?: [^\n]*)?\n(?:.*\n)*?={7}\n(?:.*\n)*?>{7}(?: |$)", re.MULTILINE)
# git's cut line, after any comment character (core.commentChar may be set to another one).
_SCISSORS = re.compile(r"^\S -{24} >8 -{24}$", re.MULTILINE)


class Recorded:
    __slots__ = ("attribution", "commit", "drafts")

    def __init__(self, commit: str, drafts: list[str], attribution: Attribution) -> None:
        self.commit = commit
        self.drafts = drafts
        self.attribution = attribution


def build_attribution(
    config: Config,
    round_id: str,
    by: list[str],
    why: str | None,
    feedback: list[str],
    *,
    force: bool = False,
) -> Attribution:
    """Validate ids and values against the registry and return the trailers to write."""
    rnd = config.round(round_id)
    if rnd.state != "open" and not force:
        raise UnknownId(
            f"round {round_id!r} is {rnd.state}, not open",
            f"open it with `draftctl round open {round_id}`, or pass --force to record anyway",
        )
    for person in by:
        config.stakeholder(person)
    for ref in feedback:
        check_text(ref, "feedback reference")
    if why is not None:
        check_text(why, "rationale")
    return Attribution(round_id, list(dict.fromkeys(by)), why, list(dict.fromkeys(feedback)))


def _split_message(message: str) -> tuple[str, str]:
    check_text(message, "commit message", multiline=True)
    cut = _SCISSORS.search(message)
    if cut:
        # git stops reading a message at a scissors line, which would hide the trailers below it.
        raise InvalidValue(
            f"commit message contains a scissors line ({cut.group(0).strip()!r})",
            "remove that line: git ignores everything after it, the attribution included",
        )
    subject, _, body = message.strip().partition("\n")
    return subject.strip(), body.strip()


def _paths_to_record(ws: Workspace, drafts: list[str]) -> list[str]:
    if drafts:
        return [ws.draft_path(name) for name in drafts]
    return ws.all_drafts()


def _content_to_record(ws: Workspace, path: str, sections: list[str]) -> bytes | None:
    """The bytes to commit for `path` (None: delete it); raises NothingToCommit if unchanged."""
    old = ws.bytes_at("HEAD", path) if ws.repo.head() else None
    new = ws.worktree_bytes(path)
    if old is None and new is None:
        raise DraftError(f"no draft {ws.draft_name(path)!r} ({path} does not exist)")
    if new is not None:
        text = decode_draft(new, path)
        if _CONFLICT.search(text):
            raise DraftError(
                f"{path} contains conflict markers (<<<<<<< or >>>>>>>)",
                "resolve the conflict in your editor first",
            )
    if sections:
        if new is None or old is None:
            raise DraftError(f"--section needs {path} both committed and on disk")
        from draftctl.engine.sections import select_sections

        merged = select_sections(decode_draft(old, path), decode_draft(new, path), sections)
        new = merged.encode("utf-8")
    if new == old:
        raise NothingToCommit(f"nothing to commit in {path}")
    return new


def commit_changes(
    ws: Workspace,
    drafts: list[str],
    attribution: Attribution,
    message: str,
    sections: list[str] | None = None,
    identity: Identity | None = None,
) -> Recorded:
    """Commit the named drafts (all changed drafts if none) with their attribution."""
    from draftctl.consultation.feedback import check_feedback_refs

    check_feedback_refs(ws, attribution.feedback)
    subject, body = _split_message(message)
    ws.repo.check_writable()  # a merge or rebase in progress says so before its conflict markers
    files: dict[str, bytes | None] = {}
    for path in _paths_to_record(ws, drafts):
        try:
            files[path] = _content_to_record(ws, path, sections or [])
        except NothingToCommit:
            if drafts and not sections:
                raise
    if not files:
        where = f" inside {', '.join(sections)}" if sections else ""
        raise NothingToCommit(f"nothing to commit: no draft has uncommitted changes{where}")
    with ws.repo.write_lock():
        commit = ws.repo.commit_files(
            files, format_message(subject, attribution, body), identity=identity
        )
    return Recorded(commit, sorted(files), attribution)


class DraftChange:
    __slots__ = ("deleted_words", "draft", "inserted_words", "sections", "state")

    def __init__(self, draft: str, state: str = "modified") -> None:
        self.draft = draft
        self.sections: list[list[str]] = []
        self.inserted_words = 0
        self.deleted_words = 0
        self.state = state

    def as_json(self) -> dict[str, object]:
        return {
            "draft": self.draft,
            "state": self.state,
            "sections": self.sections,
            "inserted_words": self.inserted_words,
            "deleted_words": self.deleted_words,
        }


def uncommitted_changes(ws: Workspace, head: str | None) -> list[DraftChange]:
    """Per draft, what differs between `head` (HEAD's commit, None on an unborn branch) and the
    file on disk (the engine is imported only when a draft did change: an unchanged
    repository is answered without it)."""
    found = []
    for path in sorted(set(ws.worktree_drafts()) | set(ws.drafts_at(head) if head else [])):
        old = ws.text_at(head, path) if head else None
        new = ws.text_at("WORKTREE", path)
        if old == new:
            continue
        from draftctl.engine.diff import diff_texts
        from draftctl.engine.window import windowed_diff

        state = "new" if old is None else "deleted" if new is None else "modified"
        doc = windowed_diff(old or "", new or "") or diff_texts(old or "", new or "")
        change = DraftChange(path, state=state)
        for item in doc.changes:
            for section in _sections_of(item):
                if section not in change.sections:
                    change.sections.append(section)
            change.inserted_words += item.inserted_words
            change.deleted_words += item.deleted_words
        found.append(change)
    return found


def _sections_of(change: Change) -> list[list[str]]:
    """Every section a change touches: one change may span several (a new draft spans all)."""
    found = [list(block.section) for block in (*change.old_blocks, *change.new_blocks)]
    return list(map(list, dict.fromkeys(map(tuple, found)))) or [list(change.section)]
