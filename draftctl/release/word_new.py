"""`draftctl import FILE.docx --as-new DRAFT`: start a draft from an existing Word policy."""

from __future__ import annotations

from pathlib import Path

from draftctl.consultation.workspace import Workspace, atomic_write
from draftctl.errors import AlreadyExists, DraftError
from draftctl.git.process import Identity
from draftctl.git.trailers import Attribution, format_message
from draftctl.release.word_apply import compose
from draftctl.release.word_map import paragraph_kind, word_blocks
from draftctl.release.word_read import WordDoc, WordPara, read_word


def word_to_markdown(doc: WordDoc) -> str:
    """The whole document as Markdown, tracked changes accepted, footnotes at the end."""
    titled = any(
        isinstance(item, WordPara) and paragraph_kind(doc, item)[0] == "title" for item in doc.body
    )
    text = compose("", [], word_blocks(doc, "accept", 1 if titled else 0))
    cited = [ident for ident in doc.footnotes if f"[^{ident}]" in text]
    if cited:
        notes = "\n".join(f"[^{ident}]: {doc.footnotes[ident]}" for ident in cited)
        text = text.rstrip("\n") + "\n\n" + notes + "\n"
    return text


def start_from_word(
    ws: Workspace, file: Path, name: str, identity: Identity | None = None
) -> tuple[str, str]:
    """Create draft `name` from the Word file and commit it; (path, commit)."""
    path = ws.draft_path(name)
    if ws.worktree_bytes(path) is not None or (ws.repo.head() and ws.repo.read_blob("HEAD", path)):
        raise AlreadyExists(f"draft {ws.draft_name(path)!r} already exists ({path})")
    try:
        data = file.read_bytes()
    except OSError as problem:
        raise DraftError(f"cannot read {file}: {problem.strerror}", "check the path") from None
    text = word_to_markdown(read_word(data))
    if not text.strip():
        raise DraftError(f"{file.name} has no text to start a draft from", "check the file")
    encoded = text.encode("utf-8")
    subject = f"Start draft {ws.draft_name(path)} from {file.name}"
    with ws.repo.write_lock():
        commit = ws.repo.commit_files(
            {path: encoded}, format_message(subject, Attribution(action="new")), identity=identity
        )
        atomic_write(ws.top / path, encoded)
    return path, commit
