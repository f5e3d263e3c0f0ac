"""Creating drafts repositories and new drafts."""

from __future__ import annotations

import shutil
from pathlib import Path

from draftctl.consultation.config import CONFIG_FILE, DEFAULT_LANGUAGE, Config, render_config
from draftctl.consultation.workspace import Workspace, atomic_write, open_workspace
from draftctl.errors import AlreadyExists, DraftError, NotADraftsRepository
from draftctl.git.process import Identity, check_identity, git_version, run_git
from draftctl.git.repo import discover
from draftctl.git.trailers import Attribution, format_message
from draftctl.names import check_text

TEMPLATE = """# {title}

## Purpose

State what this policy is for and the decision it asks the meeting to take.

## Scope

Say whom and what the policy covers, and what it leaves to other policies.

## Recommendations

1. The first recommendation.
"""


def _refuse_git_dir(path: Path) -> None:
    """A bare repository or a .git folder has no work tree: never start another one inside."""
    done = run_git(path, ["rev-parse", "--is-bare-repository", "--is-inside-git-dir"], check=False)
    if done.returncode == 0 and "true" in done.stdout.decode().split():
        raise NotADraftsRepository(
            f"{path.resolve()} is a bare git repository (or inside one's git folder): "
            "drafts need a work tree",
            "clone it (`git clone PATH`) and run `draftctl init` in the clone",
        )


def init_repository(path: Path, name: str | None, identity: Identity | None = None) -> Workspace:
    """Make (or adopt) a git repository as a drafts repository and commit its registry.

    Refused before anything is written when git has no identity; a failure part-way removes
    the folder and the `.git` that this call created, so a second try starts clean."""
    git_version()
    if (path / CONFIG_FILE).exists():
        raise AlreadyExists(
            f"{path.resolve()} is already a drafts repository ({CONFIG_FILE} exists)",
            "use it as it is; `draftctl status` shows where it stands",
        )
    check_identity(_nearest_folder(path), identity)
    made = [p for p in (path, path / ".git") if not p.exists() and not p.is_symlink()]
    try:
        path.mkdir(parents=True, exist_ok=True)
        _refuse_git_dir(path)
        return _adopt(path, name, identity)
    except BaseException:
        for created in reversed(made):
            shutil.rmtree(created, ignore_errors=True)
        raise


def _nearest_folder(path: Path) -> Path:
    """`path`, or its nearest existing parent: where git's settings for it can be read."""
    for candidate in (path, *path.absolute().parents):
        if candidate.is_dir():
            return candidate
    return Path.cwd()


def _adopt(path: Path, name: str | None, identity: Identity | None) -> Workspace:
    try:
        repo = discover(path)
    except NotADraftsRepository:
        run_git(path, ["init", "--quiet", "--initial-branch=main", "--", "."])
        repo = discover(path)
    if repo.top != path.resolve() and (repo.top / CONFIG_FILE).exists():
        raise AlreadyExists(
            f"{path.resolve()} is inside the drafts repository {repo.top}",
            "use that one (`draftctl status` works from any of its folders), or run "
            "`draftctl init` outside it",
        )
    if repo.top != path.resolve():
        run_git(path, ["init", "--quiet", "--initial-branch=main", "--", "."])
        repo = discover(path)
    title = check_text(name or path.resolve().name, "repository name")
    config = Config(name=title, language=DEFAULT_LANGUAGE)
    data = render_config(config).encode("utf-8")
    keep = b"Markdown drafts live in this folder.\n"
    with repo.write_lock():
        message = format_message(f"Start drafts repository {title!r}", Attribution(action="init"))
        repo.commit_files({CONFIG_FILE: data, "drafts/.gitkeep": keep}, message, identity=identity)
        atomic_write(repo.top / CONFIG_FILE, data)
        atomic_write(repo.top / "drafts" / ".gitkeep", keep)
    return open_workspace(repo.top)


def new_draft(ws: Workspace, name: str, title: str | None, identity: Identity | None = None) -> str:
    """Create draft `name` from the template, commit it, and return its path."""
    path = ws.draft_path(name)
    if ws.worktree_bytes(path) is not None or (ws.repo.head() and ws.repo.read_blob("HEAD", path)):
        raise AlreadyExists(f"draft {ws.draft_name(path)!r} already exists ({path})")
    ws.refuse_case_clash(path)
    heading = check_text(title or ws.draft_name(path).replace("-", " ").capitalize(), "title")
    if heading.startswith("#"):
        raise DraftError("the title must not start with '#'", "give the title as plain text")
    data = TEMPLATE.format(title=heading).encode("utf-8")
    with ws.repo.write_lock():
        message = format_message(f"Start draft {ws.draft_name(path)}", Attribution(action="new"))
        ws.repo.commit_files({path: data}, message, identity=identity)
        atomic_write(ws.top / path, data)
    return path
