"""Real use, first run and machines: no identity, odd arguments, hostile config, full disks."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git, snapshot
from tests.hardening_helpers import DRAFTCTL, PACKAGE_ROOT, assert_refused, drafts_repo, unchanged
from tests.real_use_helpers import clean, here, ok
from tests.test_hardening_faults import _as_nobody, public_copy

__all__ = ["drafts_repo", "public_copy"]


def _no_identity(tmp_path: Path) -> dict[str, str]:
    """A machine where git was never told who the user is (and cannot guess an e-mail)."""
    home = tmp_path / "bare-home"
    home.mkdir()
    config = home / ".gitconfig"
    config.write_text("[init]\n\tdefaultBranch = main\n[user]\n\tuseConfigOnly = true\n")
    return {"HOME": str(home), "GIT_CONFIG_GLOBAL": str(config), "EMAIL": ""}


@pytest.mark.parametrize("existing", [False, True], ids=["new-folder", "empty-folder"])
def test_init_without_a_git_identity_says_how_and_leaves_nothing(
    tmp_path: Path, existing: bool
) -> None:
    target = tmp_path / "policy"
    if existing:
        target.mkdir()
    done = here(tmp_path, "init", "policy", env=_no_identity(tmp_path))
    error = assert_refused(done)
    assert "user.name" in done.stderr and "user.email" in done.stderr
    assert "git config --global" in done.stderr and "--debug" not in done.stderr, error
    assert target.exists() == existing
    assert not (target / ".git").exists() and not (target / "draftctl.toml").exists()


def test_init_then_works_once_the_identity_is_set(tmp_path: Path) -> None:
    env = _no_identity(tmp_path)
    assert_refused(here(tmp_path, "init", "policy", env=env))
    with open(env["GIT_CONFIG_GLOBAL"], "a", encoding="utf-8") as out:
        out.write("[user]\n\tname = New Writer\n\temail = new@example.org\n")
    ok(here(tmp_path, "init", "policy", env=env))
    assert (tmp_path / "policy" / "draftctl.toml").is_file()


def test_writing_commands_without_an_identity_say_how(drafts_repo: Path, tmp_path: Path) -> None:
    env = _no_identity(tmp_path)
    done = here(drafts_repo, "round", "add", "late", "--title", "Late", env=env)
    assert_refused(done, "user.name")
    assert "git config --global user.name" in done.stderr


def _bytes_run(cwd: Path, *args: bytes) -> subprocess.CompletedProcess[str]:
    """draftctl with raw byte arguments, as a shell in a Latin-1 terminal would pass them."""
    env = {**os.environ, "PYTHONPATH": str(PACKAGE_ROOT)}
    argv = [sys.executable.encode(), b"-m", b"draftctl", *args]
    done = subprocess.run(argv, capture_output=True, cwd=cwd, env=env)
    result = subprocess.CompletedProcess(
        argv, done.returncode, done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )  # fmt: skip
    clean(result)
    return result


@pytest.mark.parametrize(
    "args",
    [
        (b"commit", b"--round", b"evidence", b"-m", b"caf\xe9"),
        (b"commit", b"--round", b"evidence", b"-m", b"ok", b"--why", b"\xff"),
        (b"stakeholder", b"add", b"x", b"--name", b"W\xe9HO"),
        (b"new", b"caf\xe9"),
        (b"log", b"--round", b"\xff\xfe"),
        (b"diff", b"--format", b"html", b"-o", b"out\xff.html"),
        (b"--repo", b"/tmp/\xff", b"status"),
    ],
    ids=["message", "why", "name", "draft", "filter", "output", "repo"],
)
def test_arguments_that_are_not_utf8_are_refused(drafts_repo: Path, args: tuple[bytes]) -> None:
    (drafts_repo / "drafts" / "policy.md").write_text("# Test policy\n\nChanged.\n")
    with unchanged(drafts_repo):
        done = _bytes_run(drafts_repo, *args)
        assert_refused(done, "UTF-8")


def test_init_with_a_name_that_is_not_utf8_leaves_nothing(tmp_path: Path) -> None:
    assert_refused(_bytes_run(tmp_path, b"init", b"caf\xe9"), "UTF-8")
    assert list(tmp_path.iterdir()) == []


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("file", ["draftctl.toml", "feedback.toml"])
def test_a_deeply_nested_toml_file_is_refused(drafts_repo: Path, file: str) -> None:
    path = drafts_repo / file
    text = path.read_text() if path.exists() else ""
    path.write_text(text + f"\n[hostile]\nx = {_deep(5000)}\n")
    git(drafts_repo, "add", file)
    git(drafts_repo, "commit", "-qm", "Hostile", "--trailer", "Draftctl-Action: config")
    for args in (("status",), ("feedback", "list"), ("round", "add", "r", "--title", "R")):
        if file == "draftctl.toml" or args[0] == "feedback":
            with unchanged(drafts_repo):
                done = here(drafts_repo, *args)
                assert_refused(done, file)
                assert "deep" in done.stderr


READERS = [("status",), ("log",), ("diff", "--draft", "policy"), ("blame", "--draft", "policy"),
           ("show", "HEAD"), ("versions",), ("check",)]  # fmt: skip
WRITERS = [
    ("commit", "--round", "evidence", "-m", "Record"),
    ("round", "add", "late", "--title", "Late"),
    ("stakeholder", "add", "unaids", "--name", "UNAIDS"),
    ("feedback", "add", "--round", "evidence", "--from", "who", "--summary", "S"),
    ("new", "annex"),
    ("tag", "v1"),
    ("attribute", "HEAD", "--round", "evidence"),
]


def test_a_read_only_repository_reads_and_refuses_writes(public_copy: Path) -> None:
    """Owned by `nobody` but with every write bit off (root would ignore the modes)."""
    repo = public_copy
    subprocess.run(["chown", "-R", "65534:65534", str(repo)], check=True)
    subprocess.run(["chmod", "-R", "a-w", str(repo)], check=True)
    before = snapshot(repo)
    for args in READERS:
        done = _as_nobody(repo, *args)
        clean(done)
        assert done.returncode == 0, (args, done.stderr)
    for args in WRITERS:
        done = _as_nobody(repo, *args)
        clean(done)
        line = assert_refused(done)
        assert "write" in line or "permission" in line.lower() or "nothing" in line, line
    assert snapshot(repo) == before


def _limited(cwd: Path, size: int, *args: str) -> subprocess.CompletedProcess[str]:
    """draftctl whose processes (git included) may write no file past `size` bytes, as on a
    disk that fills part-way: git dies of SIGXFSZ, Python gets EFBIG."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    env = {**os.environ, "PYTHONPATH": str(PACKAGE_ROOT)}
    done = subprocess.run(
        [*DRAFTCTL, *args], capture_output=True, text=True, env=env, cwd=cwd, preexec_fn=limit
    )
    clean(done)
    return done


def test_a_disk_that_fills_mid_write(drafts_repo: Path, tmp_path: Path) -> None:
    noise = " ".join(os.urandom(30000).hex()[i : i + 7] for i in range(0, 60000, 7))
    (drafts_repo / "drafts" / "policy.md").write_text(f"# Test policy\n\n{noise}\n")
    with unchanged(drafts_repo):
        for args in (
            ("commit", "--round", "evidence", "-m", "Too big to store"),
            ("diff", "--draft", "policy", "--format", "html", "-o", str(tmp_path / "d.html")),
            ("diff", "--draft", "policy", "--format", "docx", "-o", str(tmp_path / "d.docx")),
        ):
            line = assert_refused(_limited(drafts_repo, 4096, *args))
            assert "size limit" in line or "too large" in line.lower(), line
    assert not (tmp_path / "d.html").exists() and not (tmp_path / "d.docx").exists()
    assert_refused(_limited(tmp_path, 512, "init", "fresh"))
    assert not (tmp_path / "fresh").exists()
