"""The engine's format: what cached edits and counts depend on besides the two texts."""

from __future__ import annotations

import unicodedata

# Bump when tokens, the token diff, moves, deletion marks, the read-off or the word count
# change what they give for the same two texts: cached edits and counts of other versions are
# then ignored. (Imported by the cache without the engine, so `log` starts fast.)
ENGINE_VERSION = 1


def format_key() -> str:
    """Names everything a cached edit or count depends on besides the two texts."""
    return f"engine{ENGINE_VERSION}-unicode{unicodedata.unidata_version}"
