"""Shared checks for the hardening tests: a refusal is one clear line and changes nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import Cli, Result, git, snapshot

DRAFTCTL = [sys.executable, "-m", "draftctl"]
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
_TEMPLATE: dict[str, Path] = {}


def _build_template(base: Path) -> Path:
    """The same repository as conftest's `drafts_repo`, built once per session."""
    Cli(base)("init", "repo", "--name", "Test policy")
    cli = Cli(base / "repo")
    cli("stakeholder", "add", "who", "--name", "World Health Organization", "--kind", "un-agency")
    cli("stakeholder", "add", "swl", "--name", "Sex worker-led groups", "--kind", "civil-society")
    cli("round", "add", "evidence", "--title", "Evidence review", "--stakeholder", "who")
    cli("round", "open", "evidence", "--on", "2014-01-10")
    cli("new", "policy", "--title", "Test policy")
    return base / "repo"


@pytest.fixture
def drafts_repo(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """conftest's `drafts_repo`, copied from a template: these tests need hundreds of them."""
    if "repo" not in _TEMPLATE:
        _TEMPLATE["repo"] = _build_template(tmp_path_factory.mktemp("template"))
    repo = tmp_path / "repo"
    shutil.copytree(_TEMPLATE["repo"], repo, symlinks=True)
    return repo


def run(
    repo: Path,
    *args: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """draftctl in a real process, with `env` added to (or, with value "", removed from) ours."""
    merged = dict(os.environ)
    merged["PYTHONPATH"] = str(PACKAGE_ROOT)
    for key, value in (env or {}).items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    return subprocess.run(
        [*DRAFTCTL, "--repo", str(repo), *args],
        capture_output=True,
        text=True,
        env=merged,
        cwd=cwd or repo,
        timeout=timeout,
    )


def outcome(result: Result | subprocess.CompletedProcess[str]) -> tuple[int, str]:
    """(exit status, stderr) of an in-process or subprocess run."""
    if isinstance(result, Result):
        assert result.exception is None or isinstance(result.exception, SystemExit), result
        return result.code, result.err
    return result.returncode, result.stderr


def assert_refused(result: Result | subprocess.CompletedProcess[str], *names: str) -> str:
    """Exit 1, exactly one `error: …` line naming every one of `names`, a hint, no traceback."""
    code, err = outcome(result)
    assert code == 1, f"expected exit 1, got {code}: {result!r}"
    assert "Traceback" not in err, err
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, f"want one error line: {err!r}"
    assert not errors[0].startswith("error: internal error"), err
    for name in names:
        assert name in errors[0], f"{name!r} not named in {errors[0]!r}"
    hints = [line for line in err.splitlines() if line.startswith("hint: ")]
    assert len(hints) == 1 and len(hints[0]) > len("hint: "), f"want one hint line: {err!r}"
    return errors[0]


def fsck(repo: Path) -> None:
    """`git fsck --strict` finds nothing wrong (dangling objects are harmless and allowed)."""
    done = subprocess.run(
        ["git", "fsck", "--strict", "--no-dangling", "--no-progress"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


@contextmanager
def unchanged(repo: Path) -> Iterator[None]:
    """Refs, status and every file's bytes are the same afterwards, and fsck is clean."""
    before = snapshot(repo)
    yield
    after = snapshot(repo)
    assert after[0] == before[0], "refs changed"
    assert after[1] == before[1], "git status changed"
    assert after[2] == before[2], "files changed"
    fsck(repo)


def refuses(runner: object, repo: Path, args: tuple[str, ...] | list[str], *names: str) -> str:
    """Run `args` through `runner` (a Cli) expecting a clean refusal that changes nothing."""
    with unchanged(repo):
        result = runner(*args, ok=False)  # type: ignore[operator]
        return assert_refused(result, *names)


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def blob(repo: Path, rev: str, path: str) -> bytes:
    """The committed bytes of `path` at `rev`, exactly as stored."""
    return subprocess.run(
        ["git", "cat-file", "blob", f"{rev}:{path}"], cwd=repo, capture_output=True, check=True
    ).stdout


def strays(repo: Path) -> list[str]:
    """Temporary files left in the work tree (atomic_write's `.NAME.*.tmp` and the like)."""
    return sorted(
        str(p.relative_to(repo))
        for p in repo.rglob("*")
        if ".git" not in p.relative_to(repo).parts and p.name.endswith(".tmp")
    )
