"""Running git safely: the per-call safety flags, git's environment, and its failures as errors."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
from collections.abc import Mapping
from pathlib import Path

from draftctl.errors import DraftctlError, GitError, IdentityMissing, RepositoryBusy

MIN_GIT = (2, 30)
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
DUBIOUS = "dubious ownership"
_NO_IDENTITY = "identity unknown"
_LOCK_FILE = re.compile(r"Unable to create '([^']+\.lock)': ([^\n]*)")
_CANNOT_WRITE = (
    "Permission denied", "insufficient permission", "No space left on device",
    "Read-only file system", "Disk quota exceeded",
)  # fmt: skip
WRITE_HINT = (
    "make room on the disk or get write access to the repository's .git folder, "
    "then run the command again"
)


def git_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
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
            env=git_env(env),
            check=False,
        )
    except FileNotFoundError:
        raise _no_git() from None
    if check and done.returncode != 0:
        raise git_failure(args, done.stderr.decode("utf-8", "replace"), done.returncode)
    return done


def run_git_all(
    cwd: Path, commands: list[list[str]], *, at_once: int = 4
) -> list[subprocess.CompletedProcess[bytes]]:
    """Several reading git commands with `run_git`'s settings, up to `at_once` of them running
    side by side (each waits on git, none on the others); a failure raises as in `run_git`,
    once every process of its batch has ended."""
    done: list[subprocess.CompletedProcess[bytes]] = []
    for start in range(0, len(commands), at_once):
        batch = commands[start : start + at_once]
        try:
            running = [
                subprocess.Popen(
                    ["git", *SAFE, *args],
                    cwd=cwd,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    env=git_env(),
                )
                for args in batch
            ]
        except FileNotFoundError:
            raise GitError(
                "git is not installed or not on PATH", "install git 2.30 or newer"
            ) from None
        for args, process in zip(batch, running, strict=True):
            out, err = process.communicate()
            done.append(subprocess.CompletedProcess(args, process.returncode, out, err))
        for result in done[start:]:
            if result.returncode != 0:
                stderr = result.stderr.decode("utf-8", "replace")
                raise git_failure(list(result.args), stderr, result.returncode)
    return done


def _no_git() -> GitError:
    return GitError("git is not installed or not on PATH", "install git 2.30 or newer")


def git_failure(args: list[str], stderr: str, code: int = 1) -> DraftctlError:
    if code == -signal.SIGXFSZ:
        return GitError(
            f"git cannot write to the repository: git {args[0]} hit the file size limit",
            WRITE_HINT,
        )
    if code < 0:
        return GitError(
            f"git {args[0]} was stopped by signal {-code}",
            "run the command again; if it stops again, check the machine's limits and logs",
        )
    if DUBIOUS in stderr:
        return GitError(
            "git refuses this repository: it is owned by another user (safe.directory)",
            "if you trust it, its owner can add it with "
            "`git config --global --add safe.directory PATH`; draftctl never changes git settings",
        )
    if _NO_IDENTITY in stderr or "unable to auto-detect email" in stderr:
        return IdentityMissing("git does not know who you are: no user.name or user.email is set")
    if "File exists" not in stderr and any(sign in stderr for sign in _CANNOT_WRITE):
        return GitError(f"git cannot write to the repository: {first_line(stderr)}", WRITE_HINT)
    if "index.lock" in stderr or "cannot lock ref" in stderr:
        return RepositoryBusy(f"repository busy: {first_line(stderr)}")
    return GitError(f"git {args[0]} failed: {first_line(stderr)}")


def ref_failure(ref: str, stderr: str) -> DraftctlError:
    """Why git would not move `ref`: a lock file left behind, no room or right, or a race."""
    lock = _LOCK_FILE.search(stderr)
    if lock and lock.group(2).startswith("File exists"):
        return RepositoryBusy(
            f"repository busy: {lock.group(1)} exists, so another git process is writing",
            "if no git command is running (it may have crashed), remove that file yourself; "
            "draftctl never deletes it",
        )
    if lock or any(sign in stderr for sign in _CANNOT_WRITE):
        return GitError(f"git cannot write to the repository: {first_line(stderr)}", WRITE_HINT)
    return RepositoryBusy(
        f"repository busy: {ref} changed while draftctl was writing", "run the command again"
    )


def blob_or_none(oid: str) -> str | None:
    """`oid`, or None when it is all zeros: git's id for a file absent on that side of a diff
    (forty zeros under SHA-1, sixty-four under SHA-256)."""
    return oid if oid.strip("0") else None


def null_oid(like: str) -> str:
    """All zeros, as long as `like` (an object id of the same repository)."""
    return "0" * len(like)


def first_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[0].removeprefix("fatal: ").removeprefix("error: ") if lines else "no message"


def git_version(memo: Path | None = None) -> tuple[int, int]:
    """The installed git's (major, minor); refuses a git older than MIN_GIT. With `memo` (a
    file under the repository's .git/draftctl), the answer is kept there for this very git
    executable (path, size, modification time), so later runs need no `git version` process."""
    executable = _git_executable()
    version = _remembered(memo, executable) if memo and executable else None
    if version is None:
        out = run_git(Path.cwd(), ["version"]).stdout.decode()
        match = re.search(r"(\d+)\.(\d+)", out)
        version = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
        if memo and executable and version >= MIN_GIT:
            _remember(memo, executable, version)
    if version < MIN_GIT:
        raise GitError(
            f"git {version[0]}.{version[1]} is too old: draftctl needs git "
            f"{MIN_GIT[0]}.{MIN_GIT[1]} or newer",
            "upgrade git",
        )
    return version


def _git_executable() -> str | None:
    """What `git` runs (as the process search of PATH finds it), named by its real path, size
    and modification time: a different or upgraded git gives a different name."""
    found = _on_path("git")
    if found is None:
        return None
    try:
        real = os.path.realpath(found)
        info = os.stat(real)
    except OSError:
        return None
    return f"{real}\t{info.st_size}\t{info.st_mtime_ns}"


def _on_path(name: str) -> str | None:
    """The first executable `name` in PATH, as `shutil.which` finds it (whose module costs a
    listing more than the lookup)."""
    path = os.environ.get("PATH")
    if path is None:
        try:
            path = os.confstr("CS_PATH") or os.defpath
        except (AttributeError, ValueError):
            path = os.defpath
    for folder in path.split(os.pathsep) if path else []:
        candidate = os.path.join(folder, name)
        if os.access(candidate, os.X_OK) and not os.path.isdir(candidate):
            return candidate
    return None


def _remembered(memo: Path, executable: str) -> tuple[int, int] | None:
    try:
        name, _, number = memo.read_text(encoding="utf-8").rpartition("\n")
    except (OSError, UnicodeDecodeError):
        return None
    major, _, minor = number.partition(".")
    if name != executable or not (major.isdigit() and minor.isdigit()):
        return None
    return int(major), int(minor)


def _remember(memo: Path, executable: str, version: tuple[int, int]) -> None:
    """Keep the answer (best effort: an unwritable .git only costs the next run a process)."""
    temp = memo.with_name(f".{memo.name}.{os.getpid()}.tmp")
    try:
        memo.parent.mkdir(exist_ok=True)
        temp.write_text(f"{executable}\n{version[0]}.{version[1]}", encoding="utf-8")
        os.replace(temp, memo)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()


class Identity:
    """Author/committer override, used by the sample replay to keep historical dates."""

    __slots__ = ("date", "email", "name")

    def __init__(self, name: str, email: str, date: str) -> None:
        self.name = name
        self.email = email
        self.date = date

    def env(self) -> dict[str, str]:
        return {
            "GIT_AUTHOR_NAME": self.name,
            "GIT_AUTHOR_EMAIL": self.email,
            "GIT_AUTHOR_DATE": self.date,
            "GIT_COMMITTER_NAME": self.name,
            "GIT_COMMITTER_EMAIL": self.email,
            "GIT_COMMITTER_DATE": self.date,
        }


def check_identity(where: Path, identity: Identity | None = None) -> None:
    """Refuse when git, run in `where`, cannot name the author and committer of a commit."""
    for var in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
        done = run_git(where, ["var", var], env=identity.env() if identity else None, check=False)
        if done.returncode != 0:
            raise git_failure(["var"], done.stderr.decode("utf-8", "replace"))
