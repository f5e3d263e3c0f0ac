"""`draftctl log --section H`: a section's commits, followed through a rename and a move."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli, git

BASE = """# Test policy

## Purpose

The policy protects the rights of sex workers everywhere.

## Scope

It covers adults who sell sexual services, in every country where we work.

### Definitions

A sex worker is an adult who sells sexual services for money.

## Evidence

Research in four countries shows that criminal laws expose workers to violence.

Health agencies report that criminalisation undermines HIV prevention work.

## Obligations

States must respect, protect and fulfil the rights of sex workers.

States must repeal laws that punish consensual adult sex work.

## Recommendations

1. Decriminalise consensual adult sex work.
"""


def record(cli: Cli, repo: Path, text: str, message: str) -> str:
    (repo / "drafts" / "policy.md").write_text(text)
    git(repo, "commit", "-qam", message, "--trailer", "Consultation-Round: evidence")
    return message


def subjects(cli: Cli, *args: str) -> list[str]:
    return [r["subject"] for r in json.loads(cli("log", "--json", *args).out)]


@pytest.fixture
def history(cli: Cli, drafts_repo: Path) -> Cli:
    """Seven commits: a rename of Scope, then an edit under the new name, then a move."""
    text = BASE
    record(cli, drafts_repo, text, "First draft")
    text = text.replace("everywhere", "in every country")
    record(cli, drafts_repo, text, "Edit purpose")
    text = text.replace("in every country where we work", "wherever we work")
    record(cli, drafts_repo, text, "Edit scope")
    text = text.replace("## Scope", "## Who the policy covers")
    record(cli, drafts_repo, text, "Rename scope")
    text = text.replace("adults who sell", "all adults who sell")
    record(cli, drafts_repo, text, "Edit covers")
    start = text.index("## Who the policy covers")
    end = text.index("## Evidence")
    moved = text[start:end]
    text = text[:start] + text[end:] + "\n" + moved.rstrip("\n") + "\n"
    record(cli, drafts_repo, text, "Move covers to the end")
    text = text.replace("Decriminalise", "Fully decriminalise")
    record(cli, drafts_repo, text, "Edit recommendations")
    text = text.replace("for money", "for money or goods")
    record(cli, drafts_repo, text, "Edit definitions")
    return cli


def test_section_followed_through_rename_and_move(history: Cli) -> None:
    expected = [
        "Edit definitions",
        "Move covers to the end",
        "Edit covers",
        "Rename scope",
        "Edit scope",
        "First draft",
        "Start draft policy",
    ]
    assert subjects(history, "--section", "Scope") == expected
    assert subjects(history, "--section", "who the policy covers") == expected


def test_other_sections_are_not_listed(history: Cli) -> None:
    assert subjects(history, "--section", "Purpose") == [
        "Edit purpose",
        "First draft",
        "Start draft policy",
    ]
    assert subjects(history, "--section", "Recommendations") == [
        "Edit recommendations",
        "First draft",
        "Start draft policy",
    ]


def test_subsection_path_and_filters(history: Cli) -> None:
    assert subjects(history, "--section", "Scope/Definitions") == [
        "Edit definitions",
        "Move covers to the end",
        "First draft",
    ]
    refused = history("log", "--section", "Definitions", "--round", "nope", ok=False)
    assert refused.code == 1 and "unknown round 'nope'" in refused.err  # as `diff` refuses it


def test_unknown_section_is_refused(history: Cli) -> None:
    result = history("log", "--section", "Nowhere", ok=False)
    assert result.code == 1 and "no section named 'Nowhere'" in result.err


def test_quick_path_agrees_with_the_block_diff(
    history: Cli, drafts_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from draftctl.consultation.history import read_log
    from draftctl.consultation.workspace import open_workspace
    from draftctl.review import section_history

    text = (drafts_repo / "drafts" / "policy.md").read_text()
    text = text.replace("Health agencies", "Health agencies and researchers") + "\nA\nB\n===\n"
    record(history, drafts_repo, text, "Reword evidence, add a setext heading")
    ws = open_workspace(drafts_repo)
    records = read_log(ws)
    names = ["Purpose", "Scope", "Definitions", "Evidence", "Obligations", "Recommendations", "A B"]
    quick = {n: section_history.commits_touching_section(ws, records, n, None) for n in names}
    monkeypatch.setattr(section_history, "quick_step", lambda *args: None)
    for name in names:
        slow = section_history.commits_touching_section(ws, records, name, None)
        assert [r.subject for r in quick[name]] == [r.subject for r in slow], name
    assert [r.subject for r in quick["A B"]] == ["Reword evidence, add a setext heading"]
    assert quick["Evidence"][0].subject == "Reword evidence, add a setext heading"
