"""`draftctl commit`, `status` and `log` against real repositories."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Cli, git, snapshot

POLICY = """# Test policy

## Purpose

The policy protects the rights of sex workers.

## Scope

### Definitions

A sex worker is an adult who sells sexual services.

## Recommendations

1. Decriminalise consensual adult sex work.
"""


@pytest.fixture
def policy(cli: Cli, drafts_repo: Path) -> Path:
    path = drafts_repo / "drafts" / "policy.md"
    path.write_text(POLICY)
    cli("commit", "--round", "evidence", "-m", "Write the first draft")
    return path


def trailers(repo: Path, rev: str = "HEAD") -> str:
    return git(repo, "log", "-1", "--format=%(trailers)", rev).rstrip("\n") + "\n"


def test_commit_writes_the_trailers(cli: Cli, drafts_repo: Path, policy: Path) -> None:
    policy.write_text(POLICY.replace("protects", "defends"))
    cli(
        "commit",
        "policy",
        "--round",
        "evidence",
        "--by",
        "who",
        "--by",
        "swl",
        "-m",
        "Sharpen the purpose",
        "--why",
        "WHO asked for plainer verbs.",
        "--feedback",
        "Submission 14",
    )
    assert trailers(drafts_repo) == (
        "Consultation-Round: evidence\nPrompted-By: who\nPrompted-By: swl\n"
        "Rationale: WHO asked for plainer verbs.\nFeedback: Submission 14\n"
    )
    assert git(drafts_repo, "status", "--porcelain") == ""


def test_plain_git_trailers_count_the_same(cli: Cli, drafts_repo: Path, policy: Path) -> None:
    policy.write_text(POLICY + "\nAn added closing line.\n")
    git(
        drafts_repo,
        "commit",
        "-qam",
        "Add a closing line",
        "--trailer",
        "Consultation-Round: evidence",
        "--trailer",
        "Prompted-By: who",
    )
    newest = json.loads(cli("log", "--json").out)[0]
    assert newest["round"] == "evidence" and newest["prompted_by"] == ["who"]
    assert newest["inserted_words"] == 4


def test_commit_leaves_other_staged_work_alone(cli: Cli, drafts_repo: Path, policy: Path) -> None:
    (drafts_repo / "notes.txt").write_text("staged, not a draft\n")
    git(drafts_repo, "add", "notes.txt")
    policy.write_text(POLICY.replace("adult", "grown-up"))
    cli("commit", "--round", "evidence", "-m", "Plain words")
    assert git(drafts_repo, "show", "--name-only", "--format=", "HEAD").split() == [
        "drafts/policy.md"
    ]
    assert git(drafts_repo, "status", "--porcelain") == "A  notes.txt\n"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--round", "nope", "-m", "x"], "unknown round 'nope'"),
        (["--round", "evidence", "--by", "nobody", "-m", "x"], "unknown stakeholder 'nobody'"),
        (["--round", "evidence", "--why", "one\nPrompted-By: evil", "-m", "x"], "rationale"),
        (["--round", "evidence", "--feedback", "FB-1\rX: y", "-m", "x"], "feedback reference"),
        (["../outside", "--round", "evidence", "-m", "x"], "invalid draft name"),
        (["/etc/passwd", "--round", "evidence", "-m", "x"], "invalid draft name"),
        (["nothere", "--round", "evidence", "-m", "x"], "no draft 'nothere'"),
    ],
)
def test_commit_refusals_change_nothing(
    cli: Cli, drafts_repo: Path, policy: Path, args: list[str], message: str
) -> None:
    policy.write_text(POLICY + "\nUncommitted writer's text.\n")
    before = snapshot(drafts_repo)
    result = cli("commit", *args, ok=False)
    assert result.code == 1, result
    assert result.err.startswith("error: ") and message in result.err, result.err
    assert snapshot(drafts_repo) == before


def test_closed_round_needs_force(cli: Cli, drafts_repo: Path, policy: Path) -> None:
    cli("round", "close", "evidence")
    policy.write_text(POLICY + "\nLate text.\n")
    result = cli("commit", "--round", "evidence", "-m", "Late", ok=False)
    assert result.code == 1 and "is closed, not open" in result.err and "--force" in result.err
    cli("commit", "--round", "evidence", "-m", "Late", "--force")
    assert "Consultation-Round: evidence" in trailers(drafts_repo)


def test_nothing_to_commit(cli: Cli, drafts_repo: Path, policy: Path) -> None:
    result = cli("commit", "--round", "evidence", "-m", "Nothing", ok=False)
    assert result.code == 1 and "nothing to commit" in result.err


def test_symlink_out_of_the_drafts_folder_is_refused(
    cli: Cli, drafts_repo: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("outside\n")
    (drafts_repo / "drafts" / "link.md").symlink_to(secret)
    result = cli("commit", "link", "--round", "evidence", "-m", "x", ok=False)
    assert result.code == 1 and "symbolic link" in result.err


def test_section_commits_only_that_section(cli: Cli, drafts_repo: Path, policy: Path) -> None:
    edited = (
        POLICY.replace("protects the rights", "protects the human rights")
        .replace("sells sexual services", "sells sexual services for money")
        .replace("Decriminalise", "Fully decriminalise")
    )
    policy.write_text(edited)
    on_disk = policy.read_bytes()
    cli("commit", "--round", "evidence", "-m", "Definitions only", "--section", "definitions")
    committed = git(drafts_repo, "show", "HEAD:drafts/policy.md")
    assert "for money" in committed
    assert "protects the rights" in committed and "Decriminalise" in committed
    assert policy.read_bytes() == on_disk
    cli("commit", "--round", "evidence", "-m", "Purpose", "--section", "Test policy/Purpose")
    committed = git(drafts_repo, "show", "HEAD:drafts/policy.md")
    assert "human rights" in committed and "Fully" not in committed
    assert policy.read_bytes() == on_disk


def test_section_that_does_not_exist(cli: Cli, drafts_repo: Path, policy: Path) -> None:
    policy.write_text(POLICY + "\nMore.\n")
    result = cli("commit", "--round", "evidence", "-m", "x", "--section", "Annex", ok=False)
    assert result.code == 1 and "no section named 'Annex'" in result.err
    assert "Purpose" in result.err


def test_crlf_and_missing_final_newline_survive(cli: Cli, drafts_repo: Path, policy: Path) -> None:
    data = b"\xef\xbb\xbf# Title\r\n\r\nLine one\r\nline two without newline"
    policy.write_bytes(data)
    cli("commit", "--round", "evidence", "-m", "CRLF")
    shown = subprocess.run(
        ["git", "cat-file", "blob", "HEAD:drafts/policy.md"],
        cwd=drafts_repo,
        capture_output=True,
        check=True,
    ).stdout
    assert shown == data


def test_non_utf8_draft_is_refused_with_offset(cli: Cli, drafts_repo: Path, policy: Path) -> None:
    policy.write_bytes("# Caf\u00e9\n".encode("latin-1"))
    result = cli("commit", "--round", "evidence", "-m", "latin", ok=False)
    assert result.code == 1 and "not valid UTF-8 (byte 5" in result.err


def test_status_reports_uncommitted_sections_and_words(
    cli: Cli, drafts_repo: Path, policy: Path
) -> None:
    policy.write_text(POLICY.replace("sells sexual services", "sells sexual services for money"))
    report = json.loads(cli("status", "--json").out)
    assert report["drafts"][0]["draft"] == "drafts/policy.md"
    assert report["drafts"][0]["inserted_words"] == 2
    assert report["drafts"][0]["deleted_words"] == 0
    assert ["Test policy", "Scope", "Definitions"] in report["drafts"][0]["sections"]
    assert [r["id"] for r in report["open_rounds"]] == ["evidence"]
    assert report["last_version"] is None
    text = cli("status").out
    assert "Definitions" in text and "+2" in text


def test_status_lists_unattributed_commits(cli: Cli, drafts_repo: Path, policy: Path) -> None:
    policy.write_text(POLICY + "\nQuiet change.\n")
    git(drafts_repo, "commit", "-qam", "Sneaky edit")
    report = json.loads(cli("status", "--json").out)
    assert [u["subject"] for u in report["unattributed"]] == ["Sneaky edit"]


def test_log_filters(cli: Cli, drafts_repo: Path, policy: Path) -> None:
    cli("round", "add", "field", "--title", "Field research", "--stakeholder", "swl")
    cli("round", "open", "field")
    policy.write_text(POLICY.replace("adult", "adult person"))
    cli("commit", "--round", "field", "--by", "swl", "-m", "Field wording")
    entries = json.loads(cli("log", "--json").out)
    assert [e["subject"] for e in entries][:2] == ["Field wording", "Write the first draft"]
    assert set(entries[0]) >= {
        "commit",
        "author",
        "date",
        "subject",
        "round",
        "prompted_by",
        "rationale",
        "feedback",
        "drafts",
        "inserted_words",
        "deleted_words",
    }
    assert [e["subject"] for e in json.loads(cli("log", "--round", "field", "--json").out)] == [
        "Field wording"
    ]
    assert json.loads(cli("log", "--by", "who", "--json").out) == []
    first = entries[1]["commit"]
    ranged = json.loads(cli("log", "--from", first, "--json").out)
    assert [e["subject"] for e in ranged] == ["Field wording"]
    table = cli("log").out
    assert "Field wording" in table and "field" in table
    bad = cli("log", "--from", "--upload-pack=evil", ok=False)
    assert bad.code == 1 and "unknown revision" in bad.err
