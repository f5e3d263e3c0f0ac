"""A draft's names through its history: the renames behind it, like `git log --follow`."""

from __future__ import annotations

import re

from draftctl.consultation.workspace import WORKTREE, Workspace

_COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


class Rename:
    """The commit that renamed a draft from `old` to `new`."""

    __slots__ = ("commit", "new", "old")

    def __init__(self, commit: str, old: str, new: str) -> None:
        self.commit = commit
        self.old = old
        self.new = new


class Lineage:
    """Every name a draft had, and which one it had at any commit of HEAD's history."""

    __slots__ = ("_after", "_ws", "path", "renames")

    def __init__(self, path: str, renames: list[Rename], _ws: Workspace | None = None) -> None:
        self.path = path
        self.renames = renames  # newest first
        self._after: dict[str, frozenset[str]] = {}
        self._ws = _ws

    @property
    def names(self) -> list[str]:
        """The draft's names, newest first: the pathspecs its history lies under."""
        return list(dict.fromkeys([self.path, *(r.old for r in self.renames)]))

    def at(self, commit: str | None) -> str:
        """The draft's path at `commit` (the name it has now for WORKTREE or None)."""
        if commit is None or commit == WORKTREE or not self.renames:
            return self.path
        name = self.path
        for rename in self.renames:
            if commit in self._containing(rename.commit):
                return name
            name = rename.old
        return name

    def _containing(self, commit: str) -> frozenset[str]:
        """The commits of HEAD's history that include `commit` (itself and its descendants)."""
        if commit not in self._after:
            assert self._ws is not None
            out = self._ws.repo.git("rev-list", "--ancestry-path", f"{commit}..HEAD")
            self._after[commit] = frozenset([commit, *out.split()])
        return self._after[commit]


def lineage(ws: Workspace, path: str) -> Lineage:
    """The renames behind draft `path` in HEAD's history (cached on the workspace)."""
    cache: dict[str, Lineage] = ws.lineages
    if path not in cache:
        cache[path] = Lineage(path, _renames(ws, path), _ws=ws)
    return cache[path]


def _renames(ws: Workspace, path: str) -> list[Rename]:
    """Renames of `path` and its earlier names, newest first, read with one `git log --follow`."""
    if not ws.repo.has_commits():
        return []
    out = ws.repo.git(
        "log", "--follow", "-M", "--first-parent", "--diff-filter=R", "--name-status", "-z",
        "--format=%x00%H", "HEAD", "--", path,
    )  # fmt: skip
    return _parse(out.split("\0"))


def _parse(tokens: list[str]) -> list[Rename]:
    """`\0<commit>\0\nR100\0<old>\0<new>\0…` → renames, in git's order (newest first)."""
    found, commit, index = [], "", 0
    while index < len(tokens):
        token = tokens[index].strip()
        if _COMMIT.fullmatch(token):
            commit, index = token, index + 1
        elif token.startswith(("R", "C")) and index + 2 < len(tokens):
            if token.startswith("R") and tokens[index + 1].endswith(".md"):
                found.append(Rename(commit, tokens[index + 1], tokens[index + 2]))
            index += 3
        else:
            index += 1
    return found
