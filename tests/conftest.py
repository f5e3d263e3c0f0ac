"""Shared fixtures: an isolated git identity and real repositories in temporary folders."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from draftctl.cli import app


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user or system git configuration leaks into a test."""
    home = tmp_path_factory.mktemp("home")
    config = home / ".gitconfig"
    config.write_text(
        "[user]\n\tname = Test Writer\n\temail = writer@example.org\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgSign = false\n[tag]\n\tgpgSign = false\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    for name in (
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_AUTHOR_DATE",
        "GIT_COMMITTER_DATE",
    ):
        monkeypatch.delenv(name, raising=False)


def git(cwd: Path, *args: str, input: str | None = None) -> str:
    """Run plain git as a user would, returning stdout."""
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, input=input, check=True
    )
    return done.stdout


class Cli:
    """Runs draftctl in-process against one repository, like a user at a terminal."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.runner = CliRunner()

    def __call__(self, *args: str, ok: bool = True) -> Result:
        result = self.runner.invoke(app, ["--repo", str(self.repo), *args], catch_exceptions=True)
        outcome = Result(result.exit_code, result.stdout, result.stderr, result.exception)
        if ok and outcome.code != 0:
            raise AssertionError(f"draftctl {' '.join(args)} failed: {outcome}")
        return outcome


class Result:
    def __init__(self, code: int, out: str, err: str, exception: BaseException | None) -> None:
        self.code, self.out, self.err, self.exception = code, out, err, exception

    def __repr__(self) -> str:
        return f"exit {self.code}\nstdout: {self.out}\nstderr: {self.err}\nexc: {self.exception!r}"


def run_main(repo: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run draftctl as a real process (so the error translation in `main` is exercised)."""
    return subprocess.run(
        [sys.executable, "-m", "draftctl", "--repo", str(repo), *args],
        capture_output=True,
        text=True,
        input=input,
        env=os.environ.copy(),
    )


def snapshot(repo: Path) -> tuple[str, str, dict[str, bytes]]:
    """Refs, status and every file's bytes: to prove a refused command changed nothing."""
    refs = git(repo, "for-each-ref", "--format=%(refname) %(objectname)")
    status = git(repo, "status", "--porcelain=v1", "--untracked-files=all")
    files = {
        str(p.relative_to(repo)): p.read_bytes()
        for p in sorted(repo.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(repo).parts
    }
    return refs, status, files


@pytest.fixture
def drafts_repo(tmp_path: Path) -> Iterator[Path]:
    """A drafts repository with two stakeholders, an open round and one committed draft."""
    repo = tmp_path / "repo"
    cli = Cli(tmp_path)
    cli("init", "repo", "--name", "Test policy")
    cli = Cli(repo)
    cli("stakeholder", "add", "who", "--name", "World Health Organization", "--kind", "un-agency")
    cli("stakeholder", "add", "swl", "--name", "Sex worker-led groups", "--kind", "civil-society")
    cli("round", "add", "evidence", "--title", "Evidence review", "--stakeholder", "who")
    cli("round", "open", "evidence", "--on", "2014-01-10")
    cli("new", "policy", "--title", "Test policy")
    yield repo


@pytest.fixture
def cli(drafts_repo: Path) -> Callable[..., Result]:
    return Cli(drafts_repo)
