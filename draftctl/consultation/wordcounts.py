"""Words a change inserted and deleted, by the blob ids of its two sides: from the repository's
cache when it has them, else counted by the engine (as `diff` counts them) and kept."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from draftctl.consultation.cache import COUNTS, Cache, pack_counts, pair_key, unpack_counts
from draftctl.consultation.workspace import Workspace, decode_draft

SHOW_PROGRESS = 20  # changes to count before a progress bar is worth showing


class FileChange:
    """One file a commit changed: its blob before and after (None: added or deleted)."""

    __slots__ = ("new_blob", "new_path", "old_blob", "old_path")

    def __init__(
        self,
        old_blob: str | None,
        new_blob: str | None,
        old_path: str | None,
        new_path: str | None,
    ) -> None:
        self.old_blob = old_blob
        self.new_blob = new_blob
        self.old_path = old_path
        self.new_path = new_path

    @property
    def key(self) -> str:
        return pair_key(self.old_blob, self.new_blob)


def word_counts(
    ws: Workspace,
    changes: Sequence[FileChange],
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, tuple[int, int]]:
    """(inserted, deleted) words of each change, by its `key`."""
    cache = Cache.of(ws.repo)
    found: dict[str, tuple[int, int]] = {}
    todo: dict[str, FileChange] = {}
    for change in changes:
        if change.old_blob == change.new_blob:
            found[change.key] = (0, 0)
        elif change.key not in todo:
            todo[change.key] = change
    cache.fetch(COUNTS, todo)
    missing = []
    for key, change in todo.items():
        counts = unpack_counts(cache.get(COUNTS, key))
        if counts is None:
            missing.append(change)
        else:
            found[key] = counts
    if missing:
        found.update(_count_missing(ws, missing, cache, progress))
    cache.close()
    return found


def _count_missing(
    ws: Workspace,
    missing: list[FileChange],
    cache: Cache,
    progress: Callable[[int, int], None] | None,
) -> dict[str, tuple[int, int]]:
    """Count the changes the cache lacks, reading their texts in one streaming `cat-file` (a
    text shared with the change before is read once, and only two changes' texts are held)."""
    from draftctl.engine.counts import text_counts

    wanted: list[list[str]] = []
    previous: set[str] = set()
    for change in missing:
        mine = [b for b in (change.old_blob, change.new_blob) if b]
        wanted.append([b for b in dict.fromkeys(mine) if b not in previous])
        previous = set(mine)
    stream = iter(ws.repo.stream_blobs([b for blobs in wanted for b in blobs]))
    report = progress if progress is not None and len(missing) >= SHOW_PROGRESS else None
    found: dict[str, tuple[int, int]] = {}
    held: dict[str, bytes] = {}
    for done, (change, blobs) in enumerate(zip(missing, wanted, strict=True), 1):
        held = {b: t for b, t in held.items() if b in (change.old_blob, change.new_blob)}
        held.update((b, next(stream) or b"") for b in blobs)  # in the order they were asked
        old = _text(held, change.old_blob, change.old_path)
        new = _text(held, change.new_blob, change.new_path)
        found[change.key] = counts = text_counts(old, new)
        cache.put(COUNTS, change.key, pack_counts(*counts))
        if report is not None:
            report(done, len(missing))
    return found


def _text(texts: dict[str, bytes], blob: str | None, path: str | None) -> str:
    return decode_draft(texts[blob], path or "") if blob else ""
