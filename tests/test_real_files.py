"""Real use, files and folders: names with spaces, subfolders, nested repositories, clashes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli, git
from tests.hardening_helpers import drafts_repo, fsck, refuses, unchanged
from tests.real_use_helpers import here, ok

__all__ = ["drafts_repo"]


def _edit(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(text)


def test_a_draft_name_with_a_space_works_everywhere(drafts_repo: Path) -> None:
    ok(here(drafts_repo, "new", "my policy", "--title", "My policy"))
    assert (drafts_repo / "drafts" / "my policy.md").is_file()
    _edit(drafts_repo / "drafts" / "my policy.md", "\nA sentence with spaces around.\n")
    _edit(drafts_repo / "drafts" / "policy.md", "\nAnother.\n")
    copy = drafts_repo / "drafts" / "policy copy.md"  # a file manager's copy, left untracked
    copy.write_text((drafts_repo / "drafts" / "policy.md").read_text())
    status = json.loads(ok(here(drafts_repo, "status", "--json")))
    listed = {d["draft"] for d in status["drafts"]}
    assert listed >= {"drafts/my policy.md", "drafts/policy copy.md"}
    ok(here(drafts_repo, "diff", "--draft", "my policy"))
    ok(here(drafts_repo, "commit", "my policy", "--round", "evidence", "-m", "Spaces"))
    log = json.loads(ok(here(drafts_repo, "log", "--draft", "my policy", "--json")))
    assert log[0]["subject"] == "Spaces" and log[0]["drafts"] == ["drafts/my policy.md"]
    blame = json.loads(ok(here(drafts_repo, "blame", "--draft", "my policy", "--json")))
    assert any(b["text"] == "A sentence with spaces around." for b in blame)
    ok(here(drafts_repo, "commit", "--round", "evidence", "-m", "The rest"))
    ok(here(drafts_repo, "tag", "v1"))
    report = ok(here(drafts_repo, "report", "--draft", "my policy", "--format", "markdown"))
    assert "Spaces" in report
    ok(here(drafts_repo, "verify", "v1"))
    fsck(drafts_repo)


WRITING = [
    ("new", "annex"),
    ("round", "add", "late", "--title", "Late"),
    ("stakeholder", "add", "unaids", "--name", "UNAIDS"),
    ("commit", "policy", "--round", "evidence", "-m", "From a subfolder"),
    ("attribute", "HEAD", "--round", "evidence"),
    ("feedback", "add", "--round", "evidence", "--from", "who", "--summary", "S"),
    ("tag", "v1"),
]


READING = [
    ("status",),
    ("log", "--draft", "policy"),
    ("diff", "--draft", "policy"),
    ("blame", "--draft", "policy"),
    ("show", "HEAD"),
    ("check",),
    ("versions",),
    ("verify", "v1"),
    ("report", "--draft", "policy"),
    ("export", "v1", "--draft", "policy", "--format", "markdown"),
]


@pytest.mark.parametrize("where", ["drafts", "drafts/deep/er"])
def test_every_command_works_from_a_subfolder(drafts_repo: Path, where: str) -> None:
    folder = drafts_repo / where
    folder.mkdir(parents=True, exist_ok=True)
    _edit(drafts_repo / "drafts" / "policy.md", "\nWritten from below.\n")
    for args in WRITING:
        ok(here(folder, *args))
    for args in READING:
        ok(here(folder, *args))
    assert (drafts_repo / ".git" / "draftctl.lock").exists()
    assert not (folder / ".git").exists() and not list(folder.rglob("draftctl.lock"))


def test_a_drafts_repository_nested_in_another_git_repository(tmp_path: Path) -> None:
    outer = tmp_path / "work"
    outer.mkdir()
    git(outer, "init", "-q")
    _edit(outer / "notes.txt", "the outer project\n")
    git(outer, "add", "notes.txt")
    git(outer, "commit", "-qm", "Outer")
    ok(here(outer, "init", "draftctl-demo", "--name", "Inner"))
    inner = outer / "draftctl-demo"
    ok(here(inner, "round", "add", "r1", "--title", "One"))
    ok(here(inner, "round", "open", "r1"))
    ok(here(inner, "new", "policy"))
    _edit(inner / "drafts" / "policy.md", "\nInner text.\n")
    ok(here(inner / "drafts", "commit", "--round", "r1", "-m", "Inner change"))
    assert (inner / ".git" / "draftctl.lock").exists()
    assert not (outer / ".git" / "draftctl.lock").exists()
    assert git(outer, "log", "--format=%s") == "Outer\n"
    assert git(inner, "log", "-1", "--format=%s") == "Inner change\n"


def test_a_draft_differing_only_in_case_is_refused(drafts_repo: Path) -> None:
    error = refuses(Cli(drafts_repo), drafts_repo, ["new", "Policy"], "Policy", "policy")
    assert "case" in error
    refuses(Cli(drafts_repo), drafts_repo, ["new", "POLICY.md"], "policy")


OUTPUTS = [
    ("diff", "--draft", "policy", "--format", "markdown"),
    ("diff", "--draft", "policy", "--format", "docx"),
    ("report", "--format", "markdown"),
    ("export", "HEAD", "--format", "markdown"),
]


KEPT = [
    ".git/config",
    ".git/hooks/pre-commit",
    "draftctl.toml",
    "feedback.toml",
    "drafts/policy.md",
    "drafts/new.md",
]


@pytest.mark.parametrize("target", KEPT)
def test_output_never_overwrites_what_matters(drafts_repo: Path, target: str) -> None:
    _edit(drafts_repo / "drafts" / "policy.md", "\nUncommitted words.\n")
    for args in OUTPUTS:
        refuses(Cli(drafts_repo), drafts_repo, [*args, "-o", str(drafts_repo / target)], target)
    assert "Uncommitted words." in (drafts_repo / "drafts" / "policy.md").read_text()


def test_output_refuses_a_tracked_file_with_uncommitted_text(drafts_repo: Path) -> None:
    notes = drafts_repo / "notes.md"
    notes.write_text("Kept notes.\n")
    git(drafts_repo, "add", "notes.md")
    git(drafts_repo, "commit", "-qm", "Notes")
    notes.write_text("Kept notes, edited.\n")
    args = ["report", "--format", "markdown", "-o", str(notes)]
    refuses(Cli(drafts_repo), drafts_repo, args, "notes.md")
    git(drafts_repo, "commit", "-qam", "Edited notes")
    Cli(drafts_repo)(*args)  # committed: nothing is lost by writing over it


def test_output_may_overwrite_an_earlier_output_file(drafts_repo: Path) -> None:
    cli = Cli(drafts_repo)
    (drafts_repo / "drafts" / "sub").mkdir()
    for _ in range(2):
        ok(here(drafts_repo / "drafts" / "sub", "report", "--format", "html", "-o", "report.html"))
        cli("diff", "--draft", "policy", "--format", "html", "-o", str(drafts_repo / "diff.html"))
    assert (drafts_repo / "drafts" / "sub" / "report.html").read_text().startswith("<!")


def test_init_inside_a_drafts_repository_is_refused(drafts_repo: Path) -> None:
    folder = drafts_repo / "drafts" / "sub"
    folder.mkdir()
    with unchanged(drafts_repo):
        done = here(folder, "init")
        assert done.returncode == 1 and "inside the drafts repository" in done.stderr
        assert "hint: " in done.stderr
    assert not (folder / ".git").exists()
