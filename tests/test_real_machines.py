"""Real use, first run and machines: no identity, odd arguments, hostile config, full disks."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hardening_helpers import assert_refused, drafts_repo
from tests.real_use_helpers import here, ok

__all__ = ["drafts_repo"]


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
