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


AGREE_BASE = """# Policy

## Access

Staff can not log in without a card.

### Cards

Cards are issued at the desk.

## Steps

We will do two things:

- listen to workers
- draft the text

## Limits
Trafficking is out of scope.

## Evidence

Research shows that criminal laws expose workers to violence .

Health agencies report that criminalisation undermines prevention.
"""


@pytest.fixture
def crafted(cli: Cli, drafts_repo: Path) -> Cli:
    """Word joins, a reflow, a list merged into prose, a heading level change, a deleted
    heading and a paragraph moved with an edit, each in its own commit."""
    text = AGREE_BASE
    edits = [
        ("Join words", "can not log in", "cannot login"),
        ("Reflow only", "Research shows that", "Research shows\nthat"),
        ("Tidy spacing", "violence .", "violence."),  # whitespace between kept tokens
        ("Merge the list", "things:\n\n- listen to workers\n- draft the text", "things: listen."),
        ("Promote cards", "### Cards", "## Cards"),
        ("Drop limits heading", "## Limits\n", ""),
        (
            "Move and edit",
            "\nHealth agencies report that criminalisation undermines prevention.\n",
            "",
        ),
    ]
    record(cli, drafts_repo, text, "Base")
    for message, old, new in edits:
        assert old in text
        text = text.replace(old, new)
        if message == "Move and edit":
            text = text.replace(
                "Staff cannot", "Health agencies report it weakens prevention.\n\nStaff cannot"
            )
        record(cli, drafts_repo, text, message)
    return cli


def _sections_changed(repo: Path, commit: str) -> set[str]:
    """Every heading above a block the engine's diff of C^..C changed, on either side."""
    from draftctl.engine.diff import diff_texts

    old = git(repo, "show", f"{commit}^:drafts/policy.md")
    new = git(repo, "show", f"{commit}:drafts/policy.md")
    found: set[str] = set()
    for pair in diff_texts(old, new).pairs:
        if pair.op != "equal":
            for block in (pair.old, pair.new):
                found |= set(block.section) if block is not None else set()
    return found


def test_log_section_agrees_with_diff_and_blame(crafted: Cli, drafts_repo: Path) -> None:
    commits = {r["subject"]: r["commit"] for r in json.loads(crafted("log", "--json").out)}
    del commits["Start draft policy"]  # the template, before the draft had these sections
    changed = {subject: _sections_changed(drafts_repo, c) for subject, c in commits.items()}
    names = ["Access", "Cards", "Steps", "Evidence", "Limits"]
    for name in names:
        listed = set(subjects(crafted, "--section", name)) - {"Start draft policy"}
        expected = {s for s, found in changed.items() if name in found}
        assert listed == expected, name
    assert "Reflow only" not in subjects(crafted, "--section", "Evidence")
    assert "Tidy spacing" not in subjects(crafted, "--section", "Evidence")
    assert "Move and edit" in subjects(crafted, "--section", "Access")
    for entry in json.loads(crafted("blame", "--json").out):
        inner = [h for h in entry["section"] if h != "Policy"]
        if inner:
            listed = {
                r["commit"]
                for r in json.loads(crafted("log", "--json", "--section", inner[-1]).out)
            }
            assert entry["commit"] in listed, (entry["text"], inner[-1])
