"""Writing commits: draftctl's lock, a private index, and the branch moved by compare-and-swap."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from draftctl.errors import DraftctlError, GitError, RepositoryBusy, RepositoryStateError
from draftctl.git.core import RepoCore
from draftctl.git.process import (
    WRITE_HINT,
    Identity,
    git_failure,
    null_oid,
    ref_failure,
    run_git,
)

# git's old value for "this ref must not exist yet": the empty string works whatever the
# repository's hash (forty zeros only in SHA-1 repositories).
_ABSENT = ""


class CommitWriter(RepoCore):
    """The writing side of `GitRepo`: commits on the branch, create-only and moved refs."""

    def check_writable(self) -> str:
        """The branch ref a commit will move; refuses detached HEAD and unfinished operations."""
        busy = self.operation_in_progress()
        if busy:
            raise RepositoryStateError(
                f"{busy[0]} is in progress: draftctl does not commit in the middle of it", busy[1]
            )
        branch = self.branch()
        if branch is None:
            raise RepositoryStateError(
                "HEAD is detached: draftctl records changes only on a branch",
                "go back to your branch with `git switch main` (or your branch's name)",
            )
        return branch

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Hold draftctl's lock; refuse when git's own index lock is held."""
        lock_path = self.common_dir / "draftctl.lock"
        try:
            handle = open(lock_path, "a+b")  # noqa: SIM115 (closed by the `with` below)
        except OSError as error:
            raise GitError(
                f"git cannot write to the repository: {lock_path}: {error.strerror or error}",
                WRITE_HINT,
            ) from None
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not _wait_for_lock(handle):
                    raise RepositoryBusy(
                        "repository busy: another draftctl command is writing"
                    ) from None
            self._refuse_index_lock()
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _refuse_index_lock(self) -> None:
        lock = self.git_dir / "index.lock"
        if lock.exists():
            raise RepositoryBusy(
                f"repository busy: {lock} exists, so another git process is writing",
                "if no git command is running (it may have crashed), remove that file yourself; "
                "draftctl never deletes it",
            )

    def commit_files(
        self,
        files: Mapping[str, bytes | None],
        message: str,
        *,
        identity: Identity | None = None,
        allow_empty: bool = False,
    ) -> str:
        """Commit exactly `files` (path → bytes, None deletes) on top of HEAD; return the id.

        Built with a private index so that whatever else the user has staged stays as it was;
        the branch moves by compare-and-swap, and the user's index is then told the new
        contents of the committed paths only. The work tree is never written.
        """
        branch = self.check_writable()
        parent = self.head()
        blobs = {
            path: self._write_blob(data) if data is not None else None
            for path, data in files.items()
        }
        tree = self._tree_with(parent, blobs)
        if (
            not allow_empty
            and parent
            and tree == self.git("rev-parse", f"{parent}^{{tree}}").strip()
        ):
            from draftctl.errors import NothingToCommit

            raise NothingToCommit("nothing to commit: the content is already recorded")
        env = identity.env() if identity else None
        args = ["commit-tree", tree, *(["-p", parent] if parent else [])]
        commit = self.git(*args, input=message.encode("utf-8"), env=env).strip()
        self._move_branch(branch, commit, parent, blobs)
        return commit

    def _move_branch(
        self, branch: str, commit: str, parent: str | None, blobs: Mapping[str, str | None]
    ) -> None:
        """Index first: killed before the branch moves, the index holds the new text (as on
        disk), never the old text under a new HEAD, which a plain `git commit` would revert.
        When the branch cannot move, the index gets its earlier entries back."""
        if not (self.git_dir / "index").exists():
            self.update_ref(branch, commit, parent or _ABSENT, "draftctl: commit")
            self._sync_index(blobs, parent)
            return
        earlier = self._index_entries(list(blobs), null_oid(commit))
        self._sync_index(blobs, parent)
        try:
            self.update_ref(branch, commit, parent or _ABSENT, "draftctl: commit")
        except DraftctlError:
            run_git(self.top, ["update-index", "--index-info"], input=earlier, check=False)
            raise

    def _index_entries(self, paths: list[str], null_id: str) -> bytes:
        """`--index-info` lines that put the user's index entries for `paths` back as they are
        (`null_id`, all zeros as long as this repository's object ids: no entry)."""
        out = self.git("ls-files", "-s", "-z", "--", *(f":(literal){p}" for p in paths))
        lines = [entry + "\n" for entry in out.split("\0") if entry]
        present = {line.split("\t", 1)[1][:-1] for line in lines}
        lines += [f"0 {null_id}\t{p}\n" for p in paths if p not in present]
        return "".join(lines).encode("utf-8")

    def update_ref(self, ref: str, new: str, old: str, reason: str) -> None:
        """Move `ref` from `old` to `new` atomically; refuse when someone else moved it first."""
        done = run_git(self.top, ["update-ref", "-m", reason, ref, new, old], check=False)
        if done.returncode < 0:
            raise git_failure(["update-ref"], "", done.returncode)
        if done.returncode != 0:
            raise ref_failure(ref, done.stderr.decode("utf-8", "replace"))

    def create_ref(self, ref: str, new: str, reason: str) -> bool:
        """Create `ref` only if it does not exist; False when it already does."""
        done = run_git(self.top, ["update-ref", "-m", reason, ref, new, _ABSENT], check=False)
        return done.returncode == 0

    def set_ref(self, ref: str, new: str, reason: str) -> None:
        """Set a bookkeeping ref (remote-tracking) unconditionally; never used for tags."""
        self.git("update-ref", "-m", reason, ref, new)

    def _write_blob(self, data: bytes) -> str:
        return self.git("hash-object", "-w", "--stdin", "--no-filters", input=data).strip()

    def _tree_with(self, parent: str | None, blobs: Mapping[str, str | None]) -> str:
        index = self.git_dir / f"draftctl-index-{os.getpid()}"
        env = {"GIT_INDEX_FILE": str(index)}
        try:
            if parent:
                self.git("read-tree", parent, env=env)
            lines = "".join(self._index_lines(parent, blobs))
            self.git("update-index", "--index-info", input=lines.encode("utf-8"), env=env)
            return self.git("write-tree", env=env).strip()
        finally:
            index.unlink(missing_ok=True)

    def _index_lines(self, parent: str | None, blobs: Mapping[str, str | None]) -> Iterator[str]:
        """`--index-info` lines setting each path to its blob (None: removing the path, written
        with an all-zero id as long as this repository's ids, SHA-1 or SHA-256)."""
        known = parent or next((blob for blob in blobs.values() if blob), None)
        null_id = null_oid(known) if known else "0" * 40  # no id to measure: SHA-1
        for path, blob in blobs.items():
            if blob is None:
                yield f"0 {null_id}\t{path}\n"
            else:
                mode = (self.file_mode(parent, path) if parent else None) or "100644"
                yield f"{mode} {blob}\t{path}\n"

    def _sync_index(self, blobs: Mapping[str, str | None], parent: str | None) -> None:
        """Point the user's index at the committed blobs for those paths only."""
        if not (self.git_dir / "index").exists() and parent:
            self.git("read-tree", "HEAD")
            return
        lines = "".join(self._index_lines(parent, blobs))
        run_git(
            self.top, ["update-index", "--index-info"], input=lines.encode("utf-8"), check=False
        )


def _wait_for_lock(handle: object, seconds: float = 10.0) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.05)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # type: ignore[arg-type]
            return True
        except BlockingIOError:
            continue
    return False


def plain_git_commit(
    repo: CommitWriter,
    paths: list[str],
    message: str,
    trailers: list[tuple[str, str]],
    who: Identity,
) -> str:
    """Commit `paths` with plain `git commit --trailer …`, as a writer without draftctl would."""
    repo.check_writable()
    repo.git("add", "--", *paths)
    trailer_args = [arg for key, value in trailers for arg in ("--trailer", f"{key}: {value}")]
    repo.git(
        "commit",
        "--quiet",
        "--no-verify",
        "-m",
        message,
        *trailer_args,
        "--",
        *paths,
        env=who.env(),
    )
    return repo.git("rev-parse", "HEAD").strip()
