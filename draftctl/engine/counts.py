"""Words inserted and deleted by a change: the one count every command reports."""

from __future__ import annotations

from draftctl.engine.diff import diff_texts
from draftctl.engine.model import DocDiff
from draftctl.engine.tokens import count_words
from draftctl.engine.window import windowed_diff

__all__ = ["count_words", "doc_counts", "text_counts"]


def doc_counts(doc: DocDiff) -> tuple[int, int]:
    """(inserted, deleted) words of a diff: its inserted and deleted segments (moved text that
    is otherwise unchanged is neither)."""
    inserted = deleted = 0
    for pair in doc.pairs:
        for seg in pair.segments:
            if seg.op == "insert":
                inserted += count_words(seg.new)
            elif seg.op == "delete":
                deleted += count_words(seg.old)
    return inserted, deleted


def text_counts(old: str, new: str) -> tuple[int, int]:
    """(inserted, deleted) words between two texts, as `diff` shows them."""
    if old == new:
        return 0, 0
    return doc_counts(windowed_diff(old, new) or diff_texts(old, new))
