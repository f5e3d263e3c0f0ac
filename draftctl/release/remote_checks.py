"""What `sync` checks about a remote before it changes anything: its default branch, the notes
it publishes, and the commits about to be pushed."""

from __future__ import annotations

import re
from pathlib import Path

from draftctl.consultation.check import check_history
from draftctl.consultation.workspace import Workspace
from draftctl.errors import DraftctlError
from draftctl.git.process import run_git
from draftctl.git.refs import NOTES_REF
from draftctl.git.repo import GitRepo
from draftctl.git.trailers import parse_trailers
from draftctl.textutil import plural

_NOTE_PATH = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_MAX_NOTE_BYTES = 64 * 1024


class SyncRefused(DraftctlError):
    """`sync` found something it must not settle by itself; nothing was changed."""


# -- the remote's default branch -------------------------------------------------------------


def local_path(repo: GitRepo, remote: str) -> Path | None:
    """The folder of a remote that is a path on this machine (`/srv/x.git`, `file://…`)."""
    url = repo.config_value(f"remote.{remote}.url") or ""
    url = url.removeprefix("file://")
    if not url or "://" in url or re.match(r"^[^/]+:", url):
        return None
    path = Path(url) if Path(url).is_absolute() else repo.top / url
    return path if path.is_dir() else None


def remote_head(repo: GitRepo, remote: str) -> str | None:
    """The branch the remote's HEAD names (`refs/heads/master`), or None when it cannot say.

    `git ls-remote --symref` reports it once the remote has that branch; an empty bare
    repository on this machine is asked directly, as a clone would find it."""
    out = repo.git("ls-remote", "--symref", "--", remote, "HEAD")
    for line in out.splitlines():
        target, _, name = line.partition("\t")
        if target.startswith("ref: ") and name == "HEAD":
            return target.removeprefix("ref: ").strip()
    folder = local_path(repo, remote)
    if folder is None:
        return None
    done = run_git(
        folder, ["symbolic-ref", "-q", "HEAD"], env={"GIT_DIR": str(folder)}, check=False
    )
    return done.stdout.decode("utf-8", "replace").strip() or None


def refuse_other_default(
    repo: GitRepo, remote: str, branch: str, advertised: dict[str, str]
) -> None:
    """Refuse to publish a new branch on a remote whose HEAD names another: colleagues who
    clone it would get that other (perhaps empty) branch, not this one."""
    if branch in advertised:
        return
    head = remote_head(repo, remote)
    if head is None or head == branch:
        return
    short, theirs = branch.removeprefix("refs/heads/"), head.removeprefix("refs/heads/")
    has = "has" if head in advertised else "does not have yet"
    folder = local_path(repo, remote)
    fix = (
        f"`git --git-dir={folder} symbolic-ref HEAD {branch}`"
        if folder
        else f"set {remote}'s default branch to {short} in its hosting settings"
    )
    raise SyncRefused(
        f"{remote}'s default branch is {theirs} (which it {has}), not {short}: colleagues who "
        f"clone it would not see {short}; nothing was pushed",
        f"make {short} the default there with {fix}, then run `draftctl sync` again; "
        f"or, to work on {theirs}, rename your branch with `git branch -m {theirs}`",
    )


# -- the notes the remote publishes ----------------------------------------------------------


def refuse_bad_notes(repo: GitRepo, remote: str, oid: str) -> None:
    """Accept the remote's refs/notes/draftctl only as a notes commit whose tree holds note
    blobs (named by the commit they annotate) in trailer format; else refuse, unchanged."""
    kind = repo.object_type(oid)
    problem = (
        f"it is a {kind}, not a notes commit" if kind != "commit" else _tree_problem(repo, oid)
    )
    if problem:
        raise SyncRefused(
            f"{remote} publishes {NOTES_REF} that are not draftctl notes ({problem}); "
            "nothing was changed",
            f"whoever pushed it can restore it; if it holds no one's notes, remove it from "
            f"{remote} with `git push {remote} :{NOTES_REF}`, then run `draftctl sync` again",
        )


def _tree_problem(repo: GitRepo, commit: str) -> str:
    out = repo.git("ls-tree", "-r", "-z", "--full-tree", commit)
    blobs = []
    for entry in filter(None, out.split("\0")):
        meta, _, path = entry.partition("\t")
        _, kind, oid = [*meta.split(), "", "", ""][:3]
        if kind != "blob" or not _NOTE_PATH.fullmatch(path.replace("/", "")):
            return f"{path[:60]!r} is not a note"
        blobs.append((path, oid))
    for (path, _), data in zip(blobs, repo.stream_blobs([o for _, o in blobs]), strict=True):
        if not _is_trailer_note(data):
            return f"the note for {path.replace('/', '')[:10]} is not in trailer format"
    return ""


def _is_trailer_note(data: bytes | None) -> bool:
    if data is None or len(data) > _MAX_NOTE_BYTES or b"\0" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return bool(text.strip()) and bool(parse_trailers("note\n\n" + text.strip() + "\n"))


# -- the commits about to be pushed ----------------------------------------------------------


def refuse_failing_commits(ws: Workspace, remote: str, branch: str, theirs: str | None) -> None:
    """Run `draftctl check` on the commits this sync would publish (all of them for a new
    branch); refuse, unchanged, when any fails, as the pre-push hook would."""
    since = theirs if theirs and ws.repo.has_object(theirs) else None
    findings = check_history(ws, since)
    if findings:
        short = branch.removeprefix("refs/heads/")
        listed = ", ".join(f.commit[:10] for f in findings[:5])
        command = f"draftctl check --from {since[:10]}" if since else "draftctl check"
        raise SyncRefused(
            f"{plural(len(findings), 'commit')} to push to {remote}/{short} "
            f"{'fails' if len(findings) == 1 else 'fail'} `draftctl check` "
            f"({listed}); nothing was pushed",
            f"see why with `{command}`, attribute each with `draftctl attribute REV --round R`, "
            "then run `draftctl sync` again",
        )
