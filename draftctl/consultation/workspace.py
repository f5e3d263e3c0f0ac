"""A drafts repository: the git repository, its registry, and its drafts named safely."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from draftctl.consultation.config import CONFIG_FILE, Config, parse_config
from draftctl.errors import AlreadyExists, DraftctlError, DraftError, NotADraftsRepository
from draftctl.git.process import git_version, run_git
from draftctl.git.repo import GitRepo, discover

TYPE_CHECKING = False  # typing's flag, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")

WORKTREE = "WORKTREE"
MAX_DRAFT_BYTES = 20 * 1024 * 1024
_SYMLINK_MODE = "120000"
_DRAFT_PART = re.compile(r"[A-Za-z0-9_\-][A-Za-z0-9_.\- ]{0,127}")


class Workspace:
    """A git repository with draftctl.toml at its root."""

    __slots__ = ("config", "lineages", "repo")

    def __init__(self, repo: GitRepo, config: Config) -> None:
        self.repo = repo
        self.config = config
        self.lineages: dict[str, Any] = {}  # follow.lineage's cache

    @property
    def top(self) -> Path:
        return self.repo.top

    @property
    def drafts_dir(self) -> str:
        return self.config.drafts

    # -- naming drafts -----------------------------------------------------------------

    def draft_path(self, name: str) -> str:
        """The repository path of draft `name` (`policy`, `policy.md` or `drafts/policy.md`)."""
        clean = name.replace("\\", "/")
        if clean.startswith(self.drafts_dir + "/"):
            clean = clean[len(self.drafts_dir) + 1 :]
        if not clean.endswith(".md"):
            clean += ".md"
        parts = PurePosixPath(clean).parts
        if not parts or clean.startswith("/") or not all(_DRAFT_PART.fullmatch(p) for p in parts):
            raise DraftError(
                f"invalid draft name {name!r}: not a Markdown file in {self.drafts_dir}/"
            )
        path = f"{self.drafts_dir}/{clean}"
        self._refuse_escape(path, f"draft {name!r}")
        return path

    def _refuse_escape(self, path: str, label: str) -> None:
        """Refuse a path that is, or passes through, a symbolic link (it may lead anywhere)."""
        real = (self.top / path).resolve()
        if real != self.top.resolve() / path:
            raise DraftError(
                f"{label} is a symbolic link or lies under one (it leads to {real})",
                f"drafts must be ordinary files inside {self.drafts_dir}/; "
                "replace the link with the file itself",
            )

    def refuse_case_clash(self, path: str) -> None:
        """Refuse a new draft path that differs from an existing one only in letter case: on
        macOS and Windows both names are the same file, so a colleague's checkout breaks."""
        for other in self.all_drafts():
            if other != path and other.casefold() == path.casefold():
                raise AlreadyExists(
                    f"draft {self.draft_name(path)!r} differs from the existing draft "
                    f"{self.draft_name(other)!r} ({other}) only in letter case",
                    "choose a name that differs in more than case (macOS and Windows treat "
                    f"both as one file), or use `draftctl mv` to rename {self.draft_name(other)!r}",
                )

    def draft_name(self, path: str) -> str:
        """`drafts/policy.md` → `policy`."""
        return path[len(self.drafts_dir) + 1 : -3]

    def worktree_drafts(self) -> list[str]:
        root = self.top / self.drafts_dir
        if not root.is_dir():
            return []
        found = []
        for file in root.rglob("*.md"):
            if file.is_file() and not file.is_symlink():
                found.append(file.relative_to(self.top).as_posix())
        return sorted(found)

    def committed_drafts(self, rev: str = "HEAD") -> list[str]:
        if not self.repo.has_commits():
            return []
        return self.drafts_at(rev)

    def drafts_at(self, rev: str) -> list[str]:
        """The drafts in `rev`'s tree (symbolic links left out)."""
        entries = self.repo.tree_blobs(rev, self.drafts_dir)
        return [p for mode, _, p in entries if p.endswith(".md") and mode != _SYMLINK_MODE]

    def all_drafts(self) -> list[str]:
        return sorted(set(self.worktree_drafts()) | set(self.committed_drafts()))

    def resolve_draft(self, name: str | None) -> str:
        """The named draft, or the only draft when `name` is None."""
        if name is not None:
            return self.draft_path(name)
        drafts = self.all_drafts()
        if len(drafts) == 1:
            return drafts[0]
        if not drafts:
            raise DraftError("there are no drafts yet", "start one with `draftctl new NAME`")
        names = ", ".join(self.draft_name(p) for p in drafts)
        raise DraftError(f"several drafts exist ({names})", "name one with --draft NAME")

    # -- contents ----------------------------------------------------------------------

    def worktree_bytes(self, path: str) -> bytes | None:
        """The file's bytes on disk (None if absent); never read through a symbolic link."""
        self._refuse_escape(path, path)
        file = self.top / path
        if not file.is_file():
            return None
        return file.read_bytes()

    def bytes_at(self, rev: str, path: str) -> bytes | None:
        if rev == WORKTREE:
            return self.worktree_bytes(path)
        return self.repo.read_blob(rev, path)

    def text_at(self, rev: str, path: str) -> str | None:
        """The draft's text at `rev` (or WORKTREE), decoded strictly as UTF-8."""
        data = self.bytes_at(rev, path)
        return None if data is None else decode_draft(data, path)

    # -- the registry ------------------------------------------------------------------

    def replace_file(self, path: str, data: bytes) -> None:
        atomic_write(self.top / path, data)


def decode_draft(data: bytes, path: str) -> str:
    """Strict UTF-8 (a BOM is kept); refuse binary, other encodings and oversized drafts."""
    if len(data) > MAX_DRAFT_BYTES:
        raise DraftError(
            f"{path} is {len(data):,} bytes, over draftctl's limit of "
            f"{MAX_DRAFT_BYTES // (1024 * 1024)} MiB ({MAX_DRAFT_BYTES:,} bytes) per draft",
            "split the draft into several files",
        )
    if b"\0" in data[:8192] or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DraftError(f"{path}: binary file, not diffed", "drafts must be UTF-8 Markdown text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DraftError(
            f"{path} is not valid UTF-8 (byte {error.start}: 0x{data[error.start]:02x})",
            "save the file as UTF-8 in your editor",
        ) from None


def atomic_write(target: Path, data: bytes) -> None:
    """Write `data` to `target` through a temporary file and a rename: wholly old or wholly new."""
    with staged_write(target, data):
        pass


@contextmanager
def staged_write(target: Path, data: bytes) -> Iterator[None]:
    """Write `data` beside `target` before the block runs (a full disk fails here, before the
    block commits anything), then rename it into place; if the block fails, `target` is left
    as it was and the temporary file goes."""
    temp = _os_call(target, _prepare, target, data)
    try:
        yield
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _os_call(target, os.replace, temp, target)


def _os_call(target: Path, call: Callable[..., T], *args: Any) -> T:
    try:
        return call(*args)
    except OSError as error:
        raise DraftctlError(
            f"cannot write {target}: {error.strerror or error}",
            "make room on the disk or get write access to that folder, then run the command "
            "again; the file was left as it was",
        ) from None


def _prepare(target: Path, data: bytes) -> Path:
    """A fsynced temporary file beside `target` holding `data`, with `target`'s mode."""
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
    _sweep_stale_temps(target)
    import tempfile  # here, not at the top: reading commands never write (it costs ~8 ms)

    handle, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp"
    )
    temp = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _sweep_stale_temps(target: Path) -> None:
    """Remove temporary files that an earlier write of `target` left when its process was
    killed mid-write (`.NAME.PID.*.tmp` whose PID is no longer running); like a stale git
    lock, they hold nothing the target does not."""
    prefix = f".{target.name}."
    with os.scandir(target.parent) as entries:
        names = [e.name for e in entries if e.name.startswith(prefix) and e.name.endswith(".tmp")]
    for name in names:
        pid = name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            (target.parent / name).unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: running
        return True
    return True


_KEPT_FILES = (CONFIG_FILE, "feedback.toml")
_OUTPUT_HINT = "write the output to a new file, e.g. `-o report.html`, outside .git and drafts/"


def write_output(target: Path, data: bytes) -> None:
    """Write a command's `-o FILE`, atomically, after refusing targets whose loss would hurt."""
    refuse_output_over(target)
    atomic_write(target, data)


def refuse_output_over(target: Path) -> None:
    """Refuse to write output into a git folder, over draftctl.toml or feedback.toml, over a
    draft, or over any tracked file with uncommitted text; an earlier output file is fine."""
    real = target.absolute().resolve()
    folder = next((p for p in real.parents if p.is_dir()), Path("/"))
    inside = run_git(folder, ["rev-parse", "--is-inside-git-dir"], check=False)
    if ".git" in real.parts or inside.stdout.strip() == b"true":
        raise DraftError(f"refusing to write {target}: it is inside a git folder", _OUTPUT_HINT)
    try:
        repo = discover(folder)
    except NotADraftsRepository:
        return
    rel = real.relative_to(repo.top).as_posix() if real.is_relative_to(repo.top) else None
    if rel is None:
        return
    if rel in _KEPT_FILES:
        raise DraftError(f"refusing to write {target}: it is the repository's {rel}", _OUTPUT_HINT)
    if rel.startswith(_drafts_folder(repo.top) + "/") and rel.endswith(".md"):
        raise DraftError(f"refusing to write {target}: it is (or would be) a draft", _OUTPUT_HINT)
    tracked = real.exists() and repo.git_ok("ls-files", "--error-unmatch", "--", f":(literal){rel}")
    if tracked and rel in repo.dirty_paths():
        raise DraftError(
            f"refusing to write {target}: it is a tracked file with uncommitted changes",
            "commit or save those changes elsewhere first, or write the output to a new file",
        )


def _drafts_folder(top: Path) -> str:
    try:
        return parse_config(decode_draft((top / CONFIG_FILE).read_bytes(), CONFIG_FILE)).drafts
    except (OSError, DraftctlError):
        return "drafts"


def resolve_rev(ws: Workspace, rev: str, what: str) -> str:
    """The commit id for a version name, commit id or git revision; refuses anything else."""
    commit = ws.repo.rev_parse(rev)
    if commit is None:
        raise DraftctlError(
            f"unknown revision {rev!r} for {what}",
            "name a version (`draftctl versions`), a commit id, or a git revision such as HEAD~2",
        )
    return commit


GIT_VERSION_MEMO = "git-version"  # under .git/draftctl: the last git version seen (see git_version)


def open_workspace(start: Path | None) -> Workspace:
    """The drafts repository containing `start`; refuses outside one, and with a git too old."""
    try:
        repo = discover(start)
    except NotADraftsRepository:
        git_version()  # a git too old to find the repository is the problem to report
        raise
    git_version(repo.common_dir / "draftctl" / GIT_VERSION_MEMO)
    config_file = repo.top / CONFIG_FILE
    if not config_file.is_file():
        raise _not_drafts(repo)
    text = decode_draft(config_file.read_bytes(), CONFIG_FILE)
    return Workspace(repo, parse_config(text))


def _not_drafts(repo: GitRepo) -> NotADraftsRepository:
    """The refusal for a repository without draftctl.toml; in a fresh clone whose branch is
    unborn but whose remote holds a drafts repository, the hint names that branch, not `init`
    (which would start an unrelated history)."""
    problem = f"{repo.top} is a git repository but not a drafts repository (no {CONFIG_FILE})"
    if repo.head() is None:
        for ref in remote_drafts_branches(repo):
            remote, _, branch = ref.partition("/")
            return NotADraftsRepository(
                f"{problem}: this clone has no branch yet, but {ref} holds the drafts",
                f"run `git switch {branch}` to work on {remote}'s drafts (not `draftctl init`)",
            )
    return NotADraftsRepository(problem, "run `draftctl init` to adopt it")


def remote_drafts_branches(repo: GitRepo) -> list[str]:
    """Remote-tracking branches (`origin/main` …) whose tip holds a draftctl.toml."""
    names = repo.git("for-each-ref", "--format=%(refname:short)", "refs/remotes").split()
    return [n for n in names if not n.endswith("/HEAD") and repo.read_blob(n, CONFIG_FILE)]
