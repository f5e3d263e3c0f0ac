"""The only door to git: find the repository, read objects and history, write commits safely."""

from __future__ import annotations

import fcntl
import os
import re
import signal
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from draftctl.errors import (
    DraftctlError,
    GitError,
    IdentityMissing,
    NotADraftsRepository,
    RepositoryBusy,
    RepositoryStateError,
)

MIN_GIT = (2, 30)
CONFIG_FILE = "draftctl.toml"
NOTES_REF = "refs/notes/draftctl"
# Per-invocation settings that stop repository configuration from running programs.
SAFE = (
    "-c", "core.fsmonitor=false", "-c", f"core.hooksPath={os.devnull}", "-c", "color.ui=false",
    "-c", "log.showSignature=false",  # else `git log` runs gpg.program on signed commits
)  # fmt: skip
_WITH_HOOKS = tuple(
    part
    for flag, value in zip(SAFE[::2], SAFE[1::2], strict=True)
    if not value.startswith("core.hooksPath=")
    for part in (flag, value)
)
_DUBIOUS = "dubious ownership"
_NO_IDENTITY = "identity unknown"
_LOCK_FILE = re.compile(r"Unable to create '([^']+\.lock)': ([^\n]*)")
_CANNOT_WRITE = (
    "Permission denied", "insufficient permission", "No space left on device",
    "Read-only file system", "Disk quota exceeded",
)  # fmt: skip
_WRITE_HINT = (
    "make room on the disk or get write access to the repository's .git folder, "
    "then run the command again"
)
_IN_PROGRESS = {
    "MERGE_HEAD": ("a merge", "finish it with `git commit` or abandon it with `git merge --abort`"),
    "rebase-merge": ("a rebase", "finish it with `git rebase --continue` or `git rebase --abort`"),
    "rebase-apply": ("a rebase", "finish it with `git rebase --continue` or `git rebase --abort`"),
    "CHERRY_PICK_HEAD": ("a cherry-pick", "finish it or run `git cherry-pick --abort`"),
    "REVERT_HEAD": ("a revert", "finish it or run `git revert --abort`"),
    "BISECT_LOG": ("a bisect", "end it with `git bisect reset`"),
}


def _git_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_INDEX_FILE", "GIT_EDITOR")}
    env.update(GIT_TERMINAL_PROMPT="0", LC_ALL="C", LANGUAGE="", GIT_PAGER="cat")
    env.update(extra or {})
    return env


def run_git(
    cwd: Path,
    args: list[str],
    *,
    input: bytes | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    hooks: bool = False,
) -> subprocess.CompletedProcess[bytes]:
    """Run one git command with the safety settings; turn failure into a GitError. With
    `hooks` (only `sync`'s push), the repository's own hooks run as they would for git."""
    settings = _WITH_HOOKS if hooks else SAFE
    try:
        done = subprocess.run(
            ["git", *settings, *args],
            cwd=cwd,
            input=input,
            capture_output=True,
            env=_git_env(env),
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH", "install git 2.30 or newer") from None
    if check and done.returncode != 0:
        raise _git_failure(args, done.stderr.decode("utf-8", "replace"), done.returncode)
    return done


def _git_failure(args: list[str], stderr: str, code: int = 1) -> DraftctlError:
    if code == -signal.SIGXFSZ:
        return GitError(
            f"git cannot write to the repository: git {args[0]} hit the file size limit",
            _WRITE_HINT,
        )
    if code < 0:
        return GitError(
            f"git {args[0]} was stopped by signal {-code}",
            "run the command again; if it stops again, check the machine's limits and logs",
        )
    if _DUBIOUS in stderr:
        return GitError(
            "git refuses this repository: it is owned by another user (safe.directory)",
            "if you trust it, its owner can add it with "
            "`git config --global --add safe.directory PATH`; draftctl never changes git settings",
        )
    if _NO_IDENTITY in stderr or "unable to auto-detect email" in stderr:
        return IdentityMissing("git does not know who you are: no user.name or user.email is set")
    if "File exists" not in stderr and any(sign in stderr for sign in _CANNOT_WRITE):
        return GitError(f"git cannot write to the repository: {_first_line(stderr)}", _WRITE_HINT)
    if "index.lock" in stderr or "cannot lock ref" in stderr:
        return RepositoryBusy(f"repository busy: {_first_line(stderr)}")
    return GitError(f"git {args[0]} failed: {_first_line(stderr)}")


def _ref_failure(ref: str, stderr: str) -> DraftctlError:
    """Why git would not move `ref`: a lock file left behind, no room or right, or a race."""
    lock = _LOCK_FILE.search(stderr)
    if lock and lock.group(2).startswith("File exists"):
        return RepositoryBusy(
            f"repository busy: {lock.group(1)} exists, so another git process is writing",
            "if no git command is running (it may have crashed), remove that file yourself; "
            "draftctl never deletes it",
        )
    if lock or any(sign in stderr for sign in _CANNOT_WRITE):
        return GitError(f"git cannot write to the repository: {_first_line(stderr)}", _WRITE_HINT)
    return RepositoryBusy(
        f"repository busy: {ref} changed while draftctl was writing", "run the command again"
    )


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[0].removeprefix("fatal: ").removeprefix("error: ") if lines else "no message"


def git_version() -> tuple[int, int]:
    """The installed git's (major, minor); refuses a git older than MIN_GIT."""
    out = run_git(Path.cwd(), ["version"]).stdout.decode()
    match = re.search(r"(\d+)\.(\d+)", out)
    version = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    if version < MIN_GIT:
        raise GitError(
            f"git {version[0]}.{version[1]} is too old: draftctl needs git "
            f"{MIN_GIT[0]}.{MIN_GIT[1]} or newer",
            "upgrade git",
        )
    return version


@dataclass(frozen=True)
class Identity:
    """Author/committer override, used by the sample replay to keep historical dates."""

    name: str
    email: str
    date: str

    def env(self) -> dict[str, str]:
        return {
            "GIT_AUTHOR_NAME": self.name,
            "GIT_AUTHOR_EMAIL": self.email,
            "GIT_AUTHOR_DATE": self.date,
            "GIT_COMMITTER_NAME": self.name,
            "GIT_COMMITTER_EMAIL": self.email,
            "GIT_COMMITTER_DATE": self.date,
        }


def _object_size(header: bytes) -> int | None:
    """The size in a `cat-file --batch` header `<oid> <type> <size>`; None for `<name> missing`
    (the name may contain spaces, so the header is read from its right end)."""
    parts = header.rstrip(b"\n").rsplit(b" ", 2)
    if len(parts) != 3 or not parts[2].isdigit() or parts[1] in (b"missing", b"ambiguous"):
        return None
    return int(parts[2])


class CatFile:
    """One long-lived `git cat-file --batch` process for reading many objects cheaply."""

    def __init__(self, top: Path) -> None:
        self._proc = subprocess.Popen(
            ["git", *SAFE, "cat-file", "--batch"],
            cwd=top,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=_git_env(),
        )

    def read(self, spec: str) -> bytes | None:
        """The object's content, or None when it does not exist."""
        assert self._proc.stdin and self._proc.stdout
        if "\n" in spec:
            return None
        self._proc.stdin.write(spec.encode() + b"\n")
        self._proc.stdin.flush()
        size = _object_size(self._proc.stdout.readline())
        if size is None:
            return None
        data = self._proc.stdout.read(size + 1)
        return data[:-1]

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        self._proc.wait()


class GitRepo:
    """A work tree and its git directory."""

    def __init__(self, top: Path, git_dir: Path, common_dir: Path) -> None:
        self.top = top
        self.git_dir = git_dir
        self.common_dir = common_dir
        self._cat: CatFile | None = None

    # -- running git -------------------------------------------------------------------

    def git(
        self, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None
    ) -> str:
        """Run git in the work tree and return its stdout as text."""
        return run_git(self.top, list(args), input=input, env=env).stdout.decode("utf-8", "replace")

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

    def branch(self) -> str | None:
        done = run_git(self.top, ["symbolic-ref", "-q", "HEAD"], check=False)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def read_blob(self, rev: str, path: str) -> bytes | None:
        """The bytes of `path` at `rev`, or None when it is not there."""
        if self._cat is None:
            self._cat = CatFile(self.top)
        return self._cat.read(f"{rev}:{path}")

    def list_files(self, rev: str, folder: str) -> list[str]:
        """Paths of files under `folder` at `rev`."""
        out = self.git("ls-tree", "-r", "-z", "--name-only", "--full-tree", rev, "--", folder)
        return [p for p in out.split("\0") if p]

    def file_mode(self, rev: str, path: str) -> str | None:
        out = self.git("ls-tree", "-z", "--full-tree", rev, "--", path)
        return out.split(" ", 1)[0] if out else None

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

    # -- writing -----------------------------------------------------------------------

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
                _WRITE_HINT,
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
            self.update_ref(branch, commit, parent or "0" * 40, "draftctl: commit")
            self._sync_index(blobs, parent)
            return
        earlier = self._index_entries(list(blobs))
        self._sync_index(blobs, parent)
        try:
            self.update_ref(branch, commit, parent or "0" * 40, "draftctl: commit")
        except DraftctlError:
            run_git(self.top, ["update-index", "--index-info"], input=earlier, check=False)
            raise

    def _index_entries(self, paths: list[str]) -> bytes:
        """`--index-info` lines that put the user's index entries for `paths` back as they are."""
        out = self.git("ls-files", "-s", "-z", "--", *(f":(literal){p}" for p in paths))
        lines = [entry + "\n" for entry in out.split("\0") if entry]
        present = {line.split("\t", 1)[1][:-1] for line in lines}
        lines += [f"0 {'0' * 40}\t{p}\n" for p in paths if p not in present]
        return "".join(lines).encode("utf-8")

    def update_ref(self, ref: str, new: str, old: str, reason: str) -> None:
        """Move `ref` from `old` to `new` atomically; refuse when someone else moved it first."""
        done = run_git(self.top, ["update-ref", "-m", reason, ref, new, old], check=False)
        if done.returncode < 0:
            raise _git_failure(["update-ref"], "", done.returncode)
        if done.returncode != 0:
            raise _ref_failure(ref, done.stderr.decode("utf-8", "replace"))

    def create_ref(self, ref: str, new: str, reason: str) -> bool:
        """Create `ref` only if it does not exist; False when it already does."""
        done = run_git(self.top, ["update-ref", "-m", reason, ref, new, "0" * 40], check=False)
        return done.returncode == 0

    def write_blob(self, data: bytes) -> str:
        return self._write_blob(data)

    def _write_blob(self, data: bytes) -> str:
        return self.git("hash-object", "-w", "--stdin", "--no-filters", input=data).strip()

    def _tree_with(self, parent: str | None, blobs: Mapping[str, str | None]) -> str:
        index = self.git_dir / f"draftctl-index-{os.getpid()}"
        env = {"GIT_INDEX_FILE": str(index)}
        try:
            if parent:
                self.git("read-tree", parent, env=env)
            lines = "".join(self._index_line(parent, path, blob) for path, blob in blobs.items())
            self.git("update-index", "--index-info", input=lines.encode("utf-8"), env=env)
            return self.git("write-tree", env=env).strip()
        finally:
            index.unlink(missing_ok=True)

    def _index_line(self, parent: str | None, path: str, blob: str | None) -> str:
        if blob is None:
            return f"0 {'0' * 40}\t{path}\n"
        mode = (self.file_mode(parent, path) if parent else None) or "100644"
        return f"{mode} {blob}\t{path}\n"

    def _sync_index(self, blobs: Mapping[str, str | None], parent: str | None) -> None:
        """Point the user's index at the committed blobs for those paths only."""
        if not (self.git_dir / "index").exists() and parent:
            self.git("read-tree", "HEAD")
            return
        lines = "".join(self._index_line(parent, path, blob) for path, blob in blobs.items())
        run_git(
            self.top, ["update-index", "--index-info"], input=lines.encode("utf-8"), check=False
        )

    # -- notes, changed paths and hooks (review tools) -----------------------------------

    def read_note(self, commit: str, ref: str = NOTES_REF) -> str | None:
        """The note attached to `commit` under `ref`, or None when it has none."""
        done = run_git(self.top, ["notes", f"--ref={ref}", "show", commit], check=False)
        return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None

    def note_list(self, ref: str = NOTES_REF) -> list[tuple[str, str]]:
        """(note blob, annotated object) for every note under `ref`; refuses a damaged ref."""
        done = run_git(self.top, ["notes", f"--ref={ref}", "list"], check=False)
        if done.returncode != 0:
            raise GitError(
                f"{ref} cannot be read as git notes: "
                f"{_first_line(done.stderr.decode('utf-8', 'replace'))}",
                f"look at it with `git cat-file -t {ref}` (it must be a commit); if it holds no "
                f"notes of yours, remove it with `git update-ref -d {ref}`",
            )
        pairs = [line.split() for line in done.stdout.decode().splitlines()]
        return [(pair[0], pair[1]) for pair in pairs if len(pair) == 2]

    def write_note(
        self, commit: str, text: str, ref: str = NOTES_REF, identity: Identity | None = None
    ) -> None:
        """Attach `text` to `commit` under `ref`, replacing an earlier note (`git notes add -f`)."""
        env = identity.env() if identity else None
        args = ["notes", f"--ref={ref}", "add", "-f", "-F", "-", commit]
        self.git(*args, input=text.encode("utf-8"), env=env)

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
        """The contents of many `rev:path` objects (None when missing), in order, from one
        `cat-file --batch` fed by a thread; its roomy pipe lets git run a blob or two ahead."""
        import threading

        if not specs:
            return

        proc = subprocess.Popen(
            ["git", *SAFE, "cat-file", "--batch"],
            cwd=self.top,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=_git_env(),
        )
        assert proc.stdin and proc.stdout
        stdin, stdout = proc.stdin, proc.stdout
        with suppress(OSError, AttributeError):
            fcntl.fcntl(stdout.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)

        def feed() -> None:
            with suppress(OSError, ValueError):
                stdin.write("".join(s.replace("\n", " ") + "\n" for s in specs).encode())
                stdin.close()

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        try:
            for _ in specs:
                header = stdout.readline()
                if not header:
                    raise GitError("git cat-file stopped before every version was read")
                size = _object_size(header)
                data = stdout.read(size) if size is not None else None
                stdout.read(1 if data is not None else 0)  # the newline after an object
                yield data
        finally:
            proc.kill()
            proc.wait()
            writer.join()
            stdout.close()

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

    # -- tags, signatures and remotes (release) ------------------------------------------

    def ref_target(self, ref: str) -> str | None:
        """The object id the full ref name `ref` points at, not peeled; None when absent."""
        done = run_git(self.top, ["show-ref", "--verify", "--hash", ref], check=False)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def object_type(self, oid: str) -> str | None:
        done = run_git(self.top, ["cat-file", "-t", oid], check=False)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def read_object(self, oid: str) -> bytes | None:
        """The raw content of any object (blob, tag…), through the shared cat-file process."""
        if self._cat is None:
            self._cat = CatFile(self.top)
        return self._cat.read(oid)

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

    def committer_ident(self, env: Mapping[str, str] | None = None) -> str:
        """`Name <email> seconds tz`, as git would write it now (or at the identity's date)."""
        return self.git("var", "GIT_COMMITTER_IDENT", env=env).strip()

    def make_tag(self, text: bytes) -> str:
        """Write a tag object with `git mktag` (which checks it) and return its id; no ref."""
        return self.git("mktag", input=text).strip()

    def sign_tag_object(
        self, name: str, commit: str, message: str, env: Mapping[str, str] | None = None
    ) -> tuple[str, str]:
        """A tag object signed by `git tag -s` (GPG or SSH as configured): (id, git's stderr).

        git runs in a scratch repository that includes this repository's configuration and
        writes into this object store, so no ref is made here; the caller creates it.
        """
        import shutil
        import tempfile

        scratch = Path(tempfile.mkdtemp(prefix="draftctl-sign-", dir=self.common_dir))
        try:
            fmt = self.git("rev-parse", "--show-object-format").strip() or "sha1"
            run_git(scratch, ["init", "--quiet", "--bare", f"--object-format={fmt}", "."])
            config = f"[include]\n\tpath = {self.common_dir / 'config'}\n[core]\n\tbare = true\n"
            (scratch / "config").write_text(config, encoding="utf-8")
            extra = {**(env or {}), "GIT_DIR": str(scratch)}
            extra["GIT_OBJECT_DIRECTORY"] = str(self.common_dir / "objects")
            args = ["tag", "-s", "--cleanup=verbatim", "-F", "-", "--", name, commit]
            done = run_git(scratch, args, input=message.encode("utf-8"), env=extra, check=False)
            words = done.stderr.decode("utf-8", "replace")
            if done.returncode != 0:
                raise GitError(
                    f"git could not sign the tag: {_first_line(words)}",
                    "check user.signingkey and gpg.format (openpgp or ssh) in your git settings",
                )
            oid = run_git(scratch, ["rev-parse", f"refs/tags/{name}"], env=extra).stdout
            return oid.decode().strip(), words
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def verify_tag_signature(self, oid: str) -> tuple[bool, str]:
        """`git verify-tag` on a signed tag object: (good?, git's own words).

        The repository's own configuration is never read here: a `gpg.program` or
        `gpg.ssh.allowedSignersFile` planted in .git/config could run a program or declare any
        key trusted. git runs in an empty scratch repository (outside this one, so a read-only
        repository works) that reads this object store, so only the user's global and system
        settings choose the programs and the trusted keys.
        """
        import shutil
        import tempfile

        scratch = Path(tempfile.mkdtemp(prefix="draftctl-verify-"))
        try:
            fmt = self.git("rev-parse", "--show-object-format").strip() or "sha1"
            run_git(scratch, ["init", "--quiet", "--bare", f"--object-format={fmt}", "."])
            objects = str(self.common_dir / "objects")
            extra = {"GIT_DIR": str(scratch), "GIT_OBJECT_DIRECTORY": objects}
            done = run_git(scratch, ["verify-tag", oid], env=extra, check=False)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        words = (done.stderr + done.stdout).decode("utf-8", "replace").strip()
        return done.returncode == 0, words

    def is_ancestor(self, older: str, newer: str) -> bool:
        return self.git_ok("merge-base", "--is-ancestor", older, newer)

    def empty_tree(self) -> str:
        return self.git("hash-object", "-t", "tree", "--stdin", input=b"").strip()

    def word_diff(self, old: str, new: str, pathspec: str) -> str:
        """`git diff --word-diff=porcelain` between two commits (or trees) for `pathspec`."""
        args = ["diff", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames", "-U0"]
        return self.git(*args, "--word-diff=porcelain", old, new, "--", pathspec)

    def remotes(self) -> list[str]:
        return self.git("remote").split()

    def config_value(self, key: str) -> str | None:
        done = run_git(self.top, ["config", "--get", key], check=False)
        return done.stdout.decode("utf-8", "replace").strip() or None

    def remote_refs(self, remote: str) -> dict[str, str]:
        """Every ref the remote advertises (peeled `^{}` lines left out): name → id."""
        out = self.git("ls-remote", "--", remote)
        pairs = (line.split("\t", 1) for line in out.splitlines() if "\t" in line)
        return {ref: oid for oid, ref in pairs if not ref.endswith("^{}")}

    def fetch_objects(self, remote: str, refs: list[str]) -> None:
        """Fetch the objects of `refs` without creating or moving any local ref."""
        if refs:
            args = ["fetch", "--quiet", "--no-tags", "--refmap=", "--no-write-fetch-head"]
            self.git(*args, "--", remote, *refs)

    def has_object(self, oid: str) -> bool:
        return self.git_ok("cat-file", "-e", oid)

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

    def merge_notes(self, other: str, ref: str = NOTES_REF) -> bool:
        """Merge notes ref `other` into `ref`; on conflicting notes abort and return False."""
        done = run_git(self.top, ["notes", f"--ref={ref}", "merge", "-q", other], check=False)
        if done.returncode == 0:
            return True
        run_git(self.top, ["notes", f"--ref={ref}", "merge", "--abort"], check=False)
        return False

    def commit_date(self, commit: str) -> str:
        """The committer date of `commit`, ISO 8601."""
        return self.git("show", "-s", "--format=%cI", commit).strip()

    def merge_base(self, one: str, two: str) -> str | None:
        done = run_git(self.top, ["merge-base", one, two], check=False)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def set_ref(self, ref: str, new: str, reason: str) -> None:
        """Set a bookkeeping ref (remote-tracking) unconditionally; never used for tags."""
        self.git("update-ref", "-m", reason, ref, new)

    def push(self, remote: str, refspecs: list[str]) -> str:
        """Push `refspecs` atomically, never forced, running the repository's hooks (the
        pre-push check among them); git's report on failure."""
        done = run_git(
            self.top,
            ["push", "--atomic", "--porcelain", "--", remote, *refspecs],
            check=False,
            hooks=True,
        )
        return (
            "" if done.returncode == 0 else (done.stdout + done.stderr).decode("utf-8", "replace")
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


def check_identity(where: Path, identity: Identity | None = None) -> None:
    """Refuse when git, run in `where`, cannot name the author and committer of a commit."""
    for var in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
        done = run_git(where, ["var", var], env=identity.env() if identity else None, check=False)
        if done.returncode != 0:
            raise _git_failure(["var"], done.stderr.decode("utf-8", "replace"))


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
        if _DUBIOUS in err:
            raise _git_failure(["rev-parse"], err)
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


def plain_git_commit(
    repo: GitRepo, paths: list[str], message: str, trailers: list[tuple[str, str]], who: Identity
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
