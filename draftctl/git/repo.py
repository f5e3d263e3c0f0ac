"""The only door to git: find the repository, and ask it about history, paths and state.

`GitRepo` gathers the sides of a repository: `core.RepoCore` (running git, reading objects),
`commits.CommitWriter` (lock, private index, compare-and-swap) and `refs.RefsAndRemotes`
(notes, tags, signatures, remotes); the history questions the review tools ask live here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from draftctl.errors import GitError, NotADraftsRepository
from draftctl.git.catfile import stream_objects
from draftctl.git.commits import CommitWriter
from draftctl.git.process import DUBIOUS, blob_or_none, git_failure, run_git
from draftctl.git.refs import RefsAndRemotes


class GitRepo(CommitWriter, RefsAndRemotes):
    """A work tree and its git directory."""

    # -- history and paths (review tools) ----------------------------------------------

    def changed_paths(self, commit: str) -> list[str]:
        """Paths `commit` changes against its first parent (every file of a root commit)."""
        parent = self.rev_parse(f"{commit}^1")
        sides = [parent, commit] if parent else ["--root", commit]
        out = self.git(
            "diff-tree", "-r", "-z", "--name-only", "--no-commit-id", "--no-renames", *sides
        )  # one diff, against the first parent only: a merge lists each path once
        return [p for p in out.split("\0") if p]

    def renamed_paths(self, commit: str) -> dict[str, str]:
        """Old path → new path for the files `commit` renames against its first parent."""
        parent = self.rev_parse(f"{commit}^1")
        if parent is None:
            return {}
        out = self.git(
            "diff-tree", "-r", "-z", "-M", "--name-status", "--no-commit-id", parent, commit
        )
        fields = out.split("\0")
        found, index = {}, 0
        while index < len(fields) - 1:
            status = fields[index]
            if status.startswith(("R", "C")):
                if status.startswith("R"):
                    found[fields[index + 1]] = fields[index + 2]
                index += 3
            else:
                index += 2
        return found

    def stream_blobs(self, specs: list[str]) -> Iterator[bytes | None]:
        """The contents of many `rev:path` objects (None when missing), in order."""
        return stream_objects(self.top, specs)

    def hooks_dir(self) -> Path:
        """Where git looks for hooks: the user's `core.hooksPath` if set, else `.git/hooks`."""
        done = run_git(
            self.top, ["config", "--show-origin", "--get-all", "core.hooksPath"], check=False
        )
        found = [
            line.split("\t", 1)[1]
            for line in done.stdout.decode("utf-8", "replace").splitlines()
            if "\t" in line and not line.startswith("command line:")
        ]
        if not found:
            return self.common_dir / "hooks"
        path = Path(found[-1]).expanduser()
        return path if path.is_absolute() else self.top / path

    def is_ancestor(self, older: str, newer: str) -> bool:
        return self.git_ok("merge-base", "--is-ancestor", older, newer)

    def tree_of(self, commit: str) -> str | None:
        """The tree id of `commit`, read through the shared cat-file process."""
        head = (self.read_object(commit) or b"").split(b"\n", 1)[0]
        return head[5:].decode() if head.startswith(b"tree ") else None

    def changed_blobs(
        self, pairs: list[tuple[str, str]], pathspec: str
    ) -> list[list[tuple[str | None, str | None, str]]]:
        """For each (old tree, new tree): the files under `pathspec` whose blob differs, as
        (old blob, new blob, path), None for a side where the file is absent. One
        `git diff-tree --stdin` for every pair; renames are an add and a delete."""
        if not pairs:
            return []
        lines = "".join(f"{old} {new}\n" for old, new in pairs).encode()
        args = ["diff-tree", "--stdin", "--always", "-r", "--raw", "-z", "--no-renames"]
        out = self.git(*args, "--", pathspec, input=lines)
        return _changed_blobs(out, len(pairs))

    def dirty_paths(self) -> set[str]:
        """Paths with staged, unstaged or untracked changes in the work tree."""
        out = self.git("status", "--porcelain=v1", "-z", "--untracked-files=all")
        paths: set[str] = set()
        entries = iter(out.split("\0"))
        for entry in entries:
            if entry:
                paths.add(entry[3:])
                if entry[0] in "RC":
                    paths.add(next(entries, ""))
        return paths - {""}

    def paths_between(self, old: str, new: str) -> list[str]:
        out = self.git("diff", "--name-only", "-z", "--no-renames", old, new)
        return [p for p in out.split("\0") if p]

    def count_commits(self, revision_range: str) -> int:
        return int(self.git("rev-list", "--count", revision_range).strip() or 0)

    def fast_forward(self, commit: str) -> None:
        """`git merge --ff-only`: git itself refuses to overwrite local changes."""
        self.git("merge", "--ff-only", "--quiet", commit)

    def commit_date(self, commit: str) -> str:
        """The committer date of `commit`, ISO 8601."""
        return self.git("show", "-s", "--format=%cI", commit).strip()

    def commit_dates(self, commits: list[str]) -> dict[str, str]:
        """The committer date (ISO 8601) of each full commit id, in one git call."""
        if not commits:
            return {}
        out = self.git("show", "-s", "--format=%H %cI", *dict.fromkeys(commits))
        return dict(line.split(" ", 1) for line in out.splitlines() if " " in line)

    def merge_base(self, one: str, two: str) -> str | None:
        done = run_git(self.top, ["merge-base", one, two], check=False)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None


def _changed_blobs(out: str, count: int) -> list[list[tuple[str | None, str | None, str]]]:
    """Read `diff-tree --stdin --always -z` for tree pairs: each pair's header line, then
    `:mode mode old new status` and the path, each ended by NUL (paths taken by position)."""
    groups: list[list[tuple[str | None, str | None, str]]] = []
    fields = out.split("\0")
    index = 0
    while index < len(fields):
        for line in fields[index].split("\n"):
            if line.startswith(":") and groups and index + 1 < len(fields):
                _, _, old, new, _ = line[1:].split(" ")
                groups[-1].append((blob_or_none(old), blob_or_none(new), fields[index + 1]))
                index += 1
            elif line.strip():
                groups.append([])  # a pair's header: "<old tree> <new tree>"
        index += 1
    if len(groups) != count:
        raise GitError("git diff-tree gave output draftctl cannot read", "run the command again")
    return groups


def discover(start: Path | None) -> GitRepo:
    """The git work tree containing `start` (default: the current folder)."""
    where = (start or Path.cwd()).resolve()
    if not where.exists():
        raise NotADraftsRepository(f"{where} does not exist", "check the path given to --repo")
    done = run_git(
        where if where.is_dir() else where.parent,
        [
            "rev-parse",
            "--show-toplevel",
            "--absolute-git-dir",
            "--git-common-dir",
            "--is-bare-repository",
        ],
        check=False,
    )
    err = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        if DUBIOUS in err:
            raise git_failure(["rev-parse"], err)
        raise NotADraftsRepository(f"{where} is not inside a git repository")
    lines = done.stdout.decode().splitlines()
    if len(lines) < 4 or lines[-1] == "true" or not lines[0].strip():
        raise NotADraftsRepository(
            f"{where} is a bare git repository: drafts need a work tree",
            "clone it (`git clone PATH`) and run draftctl in the clone",
        )
    top, git_dir, common = Path(lines[0]), Path(lines[1]), Path(lines[2])
    # git prints the common dir relative to the folder it ran in, not to the top.
    ran_in = where if where.is_dir() else where.parent
    common = common if common.is_absolute() else (ran_in / common).resolve()
    return GitRepo(top, git_dir, common)
