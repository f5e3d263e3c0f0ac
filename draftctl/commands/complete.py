"""Shell completion of drafts, rounds, stakeholders, feedback ids and versions, read cheaply.

Completion runs on every Tab press, so this reads `draftctl.toml`, `feedback.toml` and the
tag refs directly with the standard library: no git process, no rich, no core modules.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

CONFIG = "draftctl.toml"
FEEDBACK = "feedback.toml"


def _top(ctx: Any) -> Path | None:
    """The drafts repository the command line names (`--repo`) or the current folder is in."""
    start = Path(ctx.find_root().params.get("repo") or ".").resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG).is_file():
            return folder
    return None


def _toml(top: Path | None, name: str) -> dict[str, Any]:
    if top is None:
        return {}
    try:
        with open(top / name, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, ValueError, RecursionError):
        return {}


def _keys(table: object) -> list[str]:
    return sorted(str(key) for key in table) if isinstance(table, dict) else []


def _matching(names: list[str], incomplete: str) -> list[str]:
    return [name for name in names if name.startswith(incomplete)]


def rounds(ctx: Any, incomplete: str) -> list[str]:
    return _matching(_keys(_toml(_top(ctx), CONFIG).get("rounds")), incomplete)


def stakeholders(ctx: Any, incomplete: str) -> list[str]:
    return _matching(_keys(_toml(_top(ctx), CONFIG).get("stakeholders")), incomplete)


def feedbacks(ctx: Any, incomplete: str) -> list[str]:
    return _matching(_keys(_toml(_top(ctx), FEEDBACK).get("feedback")), incomplete)


def drafts(ctx: Any, incomplete: str) -> list[str]:
    top = _top(ctx)
    if top is None:
        return []
    head = _toml(top, CONFIG).get("draftctl")
    folder = top / str(head.get("drafts", "drafts") if isinstance(head, dict) else "drafts")
    try:
        names = sorted(str(p.relative_to(folder))[:-3] for p in folder.rglob("*.md"))
    except (OSError, ValueError):
        return []
    return _matching(names, incomplete)


def versions(ctx: Any, incomplete: str) -> list[str]:
    """Tag names from `.git/refs/tags` and `.git/packed-refs` (no git process)."""
    top = _top(ctx)
    git = top / ".git" if top else None
    if git is None or not git.is_dir():
        return []
    names = set()
    tags = git / "refs" / "tags"
    if tags.is_dir():
        names |= {str(p.relative_to(tags)) for p in tags.rglob("*") if p.is_file()}
    try:
        packed = (git / "packed-refs").read_text("utf-8", "replace").splitlines()
    except OSError:
        packed = []
    prefix = "refs/tags/"
    for line in packed:
        ref = line.partition(" ")[2]
        if ref.startswith(prefix):
            names.add(ref[len(prefix) :])
    return _matching(sorted(names), incomplete)


def revisions(ctx: Any, incomplete: str) -> list[str]:
    return _matching(["HEAD", "WORKTREE"], incomplete) + versions(ctx, incomplete)
