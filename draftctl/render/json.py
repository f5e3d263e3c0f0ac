"""The annotated diff as the contract's JSON object (`diff --format json`)."""

from __future__ import annotations

import json
from typing import Any

from draftctl.review.result import AnnotatedChange, AnnotatedDiff


def diff_json(result: AnnotatedDiff) -> dict[str, Any]:
    """The DESIGN.md shape: draft, from, to, changes, stats (plus `approximate`)."""
    stats = result.stats
    return {
        "draft": result.draft,
        "from": {"rev": result.from_rev, "commit": result.from_commit},
        "to": {"rev": result.to_rev, "commit": result.to_commit},
        "changes": [_change(result, change) for change in result.changes],
        "stats": {
            "inserted_words": stats.inserted_words,
            "deleted_words": stats.deleted_words,
            "by_round": stats.by_round,
        },
        "approximate": result.approximate,
    }


def _change(result: AnnotatedDiff, change: AnnotatedChange) -> dict[str, Any]:
    return {
        "id": change.id,
        "kind": change.kind,
        "section": list(change.section),
        "old": change.old,
        "new": change.new,
        "attribution": [result.credits[key].as_json() for key in change.credits],
    }


def render_json(result: AnnotatedDiff) -> str:
    """One JSON document, indented, UTF-8 text kept as is."""
    return json.dumps(diff_json(result), indent=2, ensure_ascii=False) + "\n"
