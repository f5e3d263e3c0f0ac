"""Two-version diff: the engine's replay with a single step, read off like any history."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from draftctl.engine.blocks import Block, parse_blocks
from draftctl.engine.model import BlockPair, Change, DocDiff, Segment
from draftctl.engine.readoff import read_off
from draftctl.engine.tokens import count_words, is_wordish, tokenize, word_pattern
from draftctl.engine.weave import Step, replay

TO_KEY = "TO"  # the commit key of the single step of a two-version diff

__all__ = [
    "TO_KEY",
    "BlockPair",
    "Change",
    "DocDiff",
    "Segment",
    "count_words",
    "diff_blocks",
    "diff_texts",
    "is_wordish",
    "no_gc",
    "tokenize",
    "word_pattern",
]


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: the engine makes many small objects and no cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def diff_blocks(
    old: str, new: str, old_blocks: list[Block] | None = None, new_blocks: list[Block] | None = None
) -> DocDiff:
    """Compare two drafts (already split into blocks, if given: pairs then hold those blocks)."""
    with no_gc():
        weave, start = replay(old, [Step(TO_KEY, new)])
        return read_off(old, new, weave, old_blocks, new_blocks, start.coded)


def diff_texts(old: str, new: str) -> DocDiff:
    """Compare two drafts: aligned blocks, token-level segments and numbered changes."""
    return diff_blocks(old, new, parse_blocks(old), parse_blocks(new))
