"""A work tree and its git directory: running git there, and reading its objects and state."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from draftctl.git.catfile import CatFile
from draftctl.git.process import run_git, run_git_all

_IN_PROGRESS = {
    "MERGE_HEAD": ("a merge", "finish it with `git commit` or abandon it with `git merge --abort`"),
    "rebase-merge": ("a rebase", "finish it with `git rebase --continue` or `git rebase --abort`"),
    "rebase-apply": ("a rebase", "finish it with `git rebase --continue` or `git rebase --abort`"),
    "CHERRY_PICK_HEAD": ("a cherry-pick", "finish it or run `git cherry-pick --abort`"),
    "REVERT_HEAD": ("a revert", "finish it or run `git revert --abort`"),
    "BISECT_LOG": ("a bisect", "end it with `git bisect reset`"),
}


class RepoCore:
    """A work tree and its git directory: the part every other side of `GitRepo` builds on."""

    def __init__(self, top: Path, git_dir: Path, common_dir: Path) -> None:
        self.top = top
        self.git_dir = git_dir
        self.common_dir = common_dir
        self._cat: CatFile | None = None
        self._born = False  # HEAD was seen naming a commit (a run never unborns a branch)

    # -- running git -------------------------------------------------------------------

    def git(
        self, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None
    ) -> str:
        """Run git in the work tree and return its stdout as text."""
        return run_git(self.top, list(args), input=input, env=env).stdout.decode("utf-8", "replace")

    def git_all(self, commands: list[list[str]]) -> list[str]:
        """The stdout of several reading git commands, run side by side, as text."""
        return [done.stdout.decode("utf-8", "replace") for done in run_git_all(self.top, commands)]

    def git_ok(self, *args: str) -> bool:
        return run_git(self.top, list(args), check=False).returncode == 0

    # -- reading -----------------------------------------------------------------------

    def rev_parse(self, rev: str) -> str | None:
        """The commit id `rev` names, or None. `rev` never reaches git as an option."""
        if not rev or rev.startswith("-") or "\n" in rev:
            return None
        done = run_git(
            self.top,
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
            check=False,
        )
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def head(self) -> str | None:
        return self.rev_parse("HEAD")

    def has_commits(self) -> bool:
        """Whether HEAD names a commit; once it has, git is not asked again in this run."""
        if not self._born:
            self._born = self.head() is not None
        return self._born

    def branch(self) -> str | None:
        done = run_git(self.top, ["symbolic-ref", "-q", "HEAD"], check=False)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def read_blob(self, rev: str, path: str) -> bytes | None:
        """The bytes of `path` at `rev`, or None when it is not there."""
        return self.read_object(f"{rev}:{path}")

    def read_object(self, oid: str) -> bytes | None:
        """The raw content of any object (blob, tag…), through the shared cat-file process."""
        if self._cat is None:
            self._cat = CatFile(self.top)
        return self._cat.read(oid)

    def file_mode(self, rev: str, path: str) -> str | None:
        out = self.git("ls-tree", "-z", "--full-tree", rev, "--", path)
        return out.split(" ", 1)[0] if out else None

    def tree_blobs(self, rev: str, folder: str) -> list[tuple[str, str, str]]:
        """(mode, blob id, path) of every file under `folder` at `rev`."""
        out = self.git("ls-tree", "-r", "-z", "--full-tree", rev, "--", folder)
        entries = []
        for line in filter(None, out.split("\0")):
            meta, path = line.split("\t", 1)
            mode, kind, oid = meta.split()
            if kind == "blob":
                entries.append((mode, oid, path))
        return entries

    def operation_in_progress(self) -> tuple[str, str] | None:
        """(what, how to leave it) when a merge, rebase, cherry-pick… is under way."""
        for marker, info in _IN_PROGRESS.items():
            if (self.git_dir / marker).exists():
                return info
        return None

    def close(self) -> None:
        if self._cat:
            self._cat.close()
            self._cat = None
