"""`draftctl check` on good and bad histories, and `--install-hook`."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.conftest import Cli, git, run_main


def plain_commit(repo: Path, text: str, *trailers: str, date: str | None = None) -> str:
    path = repo / "drafts" / "policy.md"
    path.write_text(path.read_text() + text)
    args = [arg for t in trailers for arg in ("--trailer", t)]
    git(repo, "commit", "-qam", f"Add {text.strip()}", *args, *(["--date", date] if date else []))
    return git(repo, "rev-parse", "HEAD").strip()


def findings(cli: Cli, *args: str) -> dict[str, list[str]]:
    result = cli("check", "--json", *args, ok=False)
    return {f["commit"]: f["problems"] for f in json.loads(result.out)}


def test_a_clean_history_passes(cli: Cli, drafts_repo: Path) -> None:
    plain_commit(drafts_repo, "Fine.", "Consultation-Round: evidence", "Prompted-By: who")
    result = cli("check")
    assert result.code == 0 and "valid round" in result.err
    assert json.loads(cli("check", "--json").out) == []


def test_bad_commits_are_listed_and_exit_1(cli: Cli, drafts_repo: Path) -> None:
    cli("feedback", "add", "--round", "evidence", "--from", "who", "--summary", "Cite WHO")
    none = plain_commit(drafts_repo, "None.")
    unknown = plain_commit(drafts_repo, "Unknown.", "Consultation-Round: nowhere")
    people = plain_commit(
        drafts_repo, "People.", "Consultation-Round: evidence", "Prompted-By: ghost"
    )
    fb = plain_commit(
        drafts_repo, "Fb.", "Consultation-Round: evidence", "Feedback: FB-0099", "Feedback: Sub 3"
    )
    found = findings(cli)
    assert found == {
        none: ["no consultation round"],
        unknown: ["unknown round 'nowhere'"],
        people: ["unknown stakeholder 'ghost'"],
        fb: ["unknown feedback id 'FB-0099'"],
    }
    result = cli("check", ok=False)
    assert result.code == 1 and "4 commits changing drafts fail the check" in result.err
    assert f"{none[:10]}" in result.out and "no consultation round" in result.out


def test_a_round_closed_at_the_commit_date_fails(cli: Cli, drafts_repo: Path) -> None:
    cli("round", "close", "evidence", "--on", "2014-03-01")
    ok = plain_commit(drafts_repo, "Ok.", "Consultation-Round: evidence", date="2014-03-01T23:00")
    late = plain_commit(
        drafts_repo, "Late.", "Consultation-Round: evidence", date="2014-03-02T09:00"
    )
    found = findings(cli)
    assert ok not in found
    assert found[late] == ["round 'evidence' had closed (2014-03-01) by 2014-03-02"]


def test_notes_fix_a_bad_commit_and_since_limits(cli: Cli, drafts_repo: Path) -> None:
    bad = plain_commit(drafts_repo, "Bad.")
    assert bad in findings(cli)
    cli("attribute", bad, "--round", "evidence")
    assert cli("check").code == 0
    bad2 = plain_commit(drafts_repo, "Bad again.")
    good = plain_commit(drafts_repo, "Good.", "Consultation-Round: evidence")
    assert list(findings(cli, "--since", bad)) == [bad2]
    assert cli("check", "--since", bad2).code == 0
    assert cli("check", "--since", good).code == 0


def test_bookkeeping_commits_are_not_counted(cli: Cli, drafts_repo: Path) -> None:
    cli("new", "annex")
    assert cli("check").code == 0


def test_install_hook_never_overwrites(cli: Cli, drafts_repo: Path) -> None:
    cli("check", "--install-hook")
    hook = drafts_repo / ".git" / "hooks" / "pre-push"
    assert os.access(hook, os.X_OK) and "draftctl check" in hook.read_text()
    hook.write_text("#!/bin/sh\necho mine\n")
    result = cli("check", "--install-hook", ok=False)
    assert result.code == 1 and "already exists" in result.err and "hint:" in result.err
    assert hook.read_text() == "#!/bin/sh\necho mine\n"


def test_install_hook_honours_core_hooks_path(cli: Cli, drafts_repo: Path) -> None:
    git(drafts_repo, "config", "core.hooksPath", "githooks")
    cli("check", "--install-hook")
    assert (drafts_repo / "githooks" / "pre-push").is_file()
    assert not (drafts_repo / ".git" / "hooks" / "pre-push").exists()


def test_the_hook_blocks_a_push_of_an_unattributed_commit(
    cli: Cli, drafts_repo: Path, tmp_path: Path
) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(drafts_repo, "remote", "add", "origin", str(remote))
    git(drafts_repo, "push", "-q", "origin", "main")
    cli("check", "--install-hook")
    plain_commit(drafts_repo, "Good.", "Consultation-Round: evidence")
    git(drafts_repo, "push", "-q", "origin", "main")
    plain_commit(drafts_repo, "Bad.")
    push = subprocess.run(
        ["git", "push", "-q", "origin", "main"], cwd=drafts_repo, capture_output=True, text=True
    )
    assert push.returncode != 0 and "no consultation round" in push.stdout + push.stderr


def test_check_exit_code_as_a_process(drafts_repo: Path) -> None:
    plain_commit(drafts_repo, "Bad.")
    done = run_main(drafts_repo, "check")
    assert done.returncode == 1 and done.stderr.startswith("error: 1 commit changing drafts fails")
