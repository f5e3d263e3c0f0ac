"""`draftctl mv`: rename a draft in one commit that git sees as a pure rename."""

from __future__ import annotations

import os

from draftctl.consultation.workspace import Workspace
from draftctl.errors import AlreadyExists, DraftctlError, DraftError
from draftctl.git.process import Identity
from draftctl.git.trailers import Attribution, format_message

ACTION = "mv"


def move_draft(
    ws: Workspace,
    old_name: str,
    new_name: str,
    attribution: Attribution | None = None,
    identity: Identity | None = None,
) -> tuple[str, str, str]:
    """Rename draft `old_name` to `new_name`: (old path, new path, commit id).

    The commit carries the committed text under the new name (so git, and `log --follow`,
    see a 100% rename) with `Draftctl-Action: mv`, and the round when one is given; the file
    on disk, uncommitted edits and all, is renamed with it. Nothing else changes."""
    old, new = ws.draft_path(old_name), ws.draft_path(new_name)
    committed = ws.bytes_at("HEAD", old) if ws.repo.head() else None
    _refuse(ws, old, new, committed)
    assert committed is not None
    subject = f"Rename draft {ws.draft_name(old)} to {ws.draft_name(new)}"
    given = attribution or Attribution()
    given.action = ACTION
    ws.repo.check_writable()
    with ws.repo.write_lock():
        source, target = ws.top / old, ws.top / new
        target.parent.mkdir(parents=True, exist_ok=True)
        _rename(source, target)
        try:
            commit = ws.repo.commit_files(
                {old: None, new: committed}, format_message(subject, given), identity=identity
            )
        except BaseException:
            _rename(target, source)
            raise
    return old, new, commit


def _refuse(ws: Workspace, old: str, new: str, committed: bytes | None) -> None:
    if committed is None:
        raise DraftError(
            f"no committed draft {ws.draft_name(old)!r} ({old} is not in HEAD)",
            "`draftctl status` lists the drafts; a new draft needs `draftctl new` first",
        )
    if ws.worktree_bytes(old) is None:
        raise DraftError(
            f"{old} is missing from the work tree",
            f"restore it with `git checkout -- {old}`, then rename it",
        )
    if old == new:
        raise DraftError(f"{old} already has that name", "give a different new name")
    same_file = old.casefold() == new.casefold()
    if not same_file and (
        ws.worktree_bytes(new) is not None or ws.bytes_at("HEAD", new) is not None
    ):
        raise AlreadyExists(
            f"draft {ws.draft_name(new)!r} already exists ({new})",
            "choose another name, or remove that draft first",
        )
    if not same_file:
        ws.refuse_case_clash(new)


def _rename(source: os.PathLike[str], target: os.PathLike[str]) -> None:
    try:
        os.rename(source, target)
    except OSError as error:
        raise DraftctlError(
            f"cannot rename {source} to {target}: {error.strerror or error}",
            "get write access to the drafts folder, then run the command again",
        ) from None
