"""The Content-Digest of a version: every draft's path and bytes at the tagged commit, hashed.

Content-Digest recipe (stable; `verify` and anyone else can recompute it with plain git):

1. Read `draftctl.toml` *at the tagged commit* for the drafts folder (`drafts` when absent).
2. List the regular files (modes 100644 and 100755) under that folder whose path ends in
   `.md`, from the commit's tree (`git ls-tree -r`), never from the work tree.
3. Sort them by repository path compared as UTF-8 bytes.
4. Feed SHA-256, for each file in turn: the path (UTF-8), a NUL byte, the content's length in
   bytes as ASCII decimal, a NUL byte, then the content bytes exactly as stored in the blob.
5. The trailer is `Content-Digest: sha256:<64 lower-case hex digits>`.
"""

from __future__ import annotations

import hashlib

from draftctl.consultation.config import CONFIG_FILE, parse_config
from draftctl.consultation.workspace import Workspace
from draftctl.errors import GitError

_REGULAR = ("100644", "100755")


def drafts_folder_at(ws: Workspace, commit: str) -> str:
    """The drafts folder as draftctl.toml says at `commit` (`drafts` when it has none)."""
    data = ws.repo.read_blob(commit, CONFIG_FILE)
    if data is None:
        return "drafts"
    return parse_config(data.decode("utf-8", "replace")).drafts


def draft_blobs(ws: Workspace, commit: str) -> list[tuple[str, str]]:
    """(path, blob id) of every draft at `commit`, sorted by path as UTF-8 bytes."""
    folder = drafts_folder_at(ws, commit)
    entries = ws.repo.tree_blobs(commit, folder)
    found = [
        (path, oid) for mode, oid, path in entries if mode in _REGULAR and path.endswith(".md")
    ]
    return sorted(found, key=lambda item: item[0].encode("utf-8"))


def digest_files(files: list[tuple[str, bytes]]) -> str:
    """The Content-Digest of (path, content) pairs, in the documented recipe."""
    hasher = hashlib.sha256()
    for path, content in sorted(files, key=lambda item: item[0].encode("utf-8")):
        hasher.update(path.encode("utf-8") + b"\0" + str(len(content)).encode("ascii") + b"\0")
        hasher.update(content)
    return f"sha256:{hasher.hexdigest()}"


def content_digest(ws: Workspace, commit: str) -> tuple[str, list[str]]:
    """The digest over every draft at `commit`, and the drafts it covers."""
    files = []
    for path, oid in draft_blobs(ws, commit):
        content = ws.repo.read_object(oid)
        if content is None:
            raise GitError(f"cannot read {path} at {commit[:10]}: the object is missing")
        files.append((path, content))
    return digest_files(files), [path for path, _ in files]
