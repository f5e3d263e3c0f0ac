"""The engine's format: what cached edits and counts depend on besides the two texts."""

from __future__ import annotations

import hashlib
import unicodedata
from functools import cache
from pathlib import Path

# Bump when the meaning of a cached value changes without a change to the engine's own source
# (a new field read from an old entry, say). Any edit to the engine's source already gives a
# new key through `_source_digest`, so an upgraded draftctl never reads another engine's
# edits. (Imported by the cache without the engine, so `log` starts fast.)
ENGINE_VERSION = 1


def format_key() -> str:
    """Names everything a cached edit or count depends on besides the two texts: this format's
    number, the engine's source (tokens, token diff, moves, tuning bounds, word count) and
    Python's Unicode tables."""
    return f"engine{ENGINE_VERSION}-{_source_digest()}-unicode{unicodedata.unidata_version}"


@cache
def _source_digest() -> str:
    return source_digest(Path(__file__).parent)


def source_digest(folder: Path) -> str:
    """A digest of every module in `folder` (the engine package: about 1 ms to read)."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
