"""Late attribution with git notes: `attribute REV …` and `attribute --list`."""

from __future__ import annotations

import json
from pathlib import Path

from draftctl.consultation.notes import read_note
from draftctl.consultation.workspace import open_workspace
from tests.conftest import Cli, git, snapshot


def plain_commit(repo: Path, text: str, message: str = "Edit by hand", *extra: str) -> str:
    path = repo / "drafts" / "policy.md"
    path.write_text(path.read_text() + text)
    git(repo, "commit", "-qam", message, *extra)
    return git(repo, "rev-parse", "HEAD").strip()


def log_json(cli: Cli) -> list[dict[str, object]]:
    return json.loads(cli("log", "--json").out)


def test_attribute_writes_a_trailer_note(cli: Cli, drafts_repo: Path) -> None:
    commit = plain_commit(drafts_repo, "\nHealth matters.\n")
    cli("attribute", commit[:10], "--round", "evidence", "--by", "who", "--why", "WHO asked.")
    note = git(drafts_repo, "notes", "--ref=draftctl", "show", commit)
    assert note == "Consultation-Round: evidence\nPrompted-By: who\nRationale: WHO asked.\n"
    parsed = git(drafts_repo, "interpret-trailers", "--parse", input="x\n\n" + note)
    assert parsed == note
    noted = read_note(open_workspace(drafts_repo), commit)
    assert noted is not None and noted.round == "evidence" and noted.prompted_by == ["who"]


def test_note_overrides_the_commit_trailers(cli: Cli, drafts_repo: Path) -> None:
    cli("stakeholder", "add", "unaids", "--name", "UNAIDS")
    cli("round", "add", "field", "--title", "Field research")
    cli("round", "open", "field", "--on", "2014-02-01")
    commit = plain_commit(
        drafts_repo, "\nMore.\n", "Wrong round", "--trailer", "Consultation-Round: field"
    )
    cli("attribute", "HEAD", "--round", "evidence", "--by", "unaids")
    entry = log_json(cli)[0]
    assert entry["commit"] == commit
    assert entry["round"] == "evidence" and entry["prompted_by"] == ["unaids"]
    assert entry["noted"] is True
    cli("attribute", "HEAD", "--round", "field")
    assert log_json(cli)[0]["round"] == "field"


def test_list_shows_commits_lacking_a_round(cli: Cli, drafts_repo: Path) -> None:
    first = plain_commit(drafts_repo, "\nOne.\n")
    second = plain_commit(drafts_repo, "\nTwo.\n")
    (drafts_repo / "notes.txt").write_text("not a draft\n")
    git(drafts_repo, "add", "notes.txt")
    git(drafts_repo, "commit", "-qm", "Not a draft")
    listed = json.loads(cli("attribute", "--list", "--json").out)
    assert [r["commit"] for r in listed] == [second, first]
    cli("attribute", first, "--round", "evidence")
    listed = json.loads(cli("attribute", "--list", "--json").out)
    assert [r["commit"] for r in listed] == [second]
    assert "1 commit without a round" in cli("attribute", "--list").out
    cli("attribute", second, "--round", "evidence")
    assert "every commit that changes a draft has a round" in cli("attribute", "--list").err


def test_refusals_change_nothing(cli: Cli, drafts_repo: Path) -> None:
    commit = plain_commit(drafts_repo, "\nOne.\n")
    (drafts_repo / "other.txt").write_text("x\n")
    git(drafts_repo, "add", "other.txt")
    git(drafts_repo, "commit", "-qm", "Other file")
    other = git(drafts_repo, "rev-parse", "HEAD").strip()
    cli("feedback", "add", "--round", "evidence", "--from", "who", "--summary", "Cite WHO")
    before = snapshot(drafts_repo)
    cases = [
        ([other, "--round", "evidence"], "does not change any draft"),
        ([commit, "--round", "nope"], "unknown round 'nope'"),
        ([commit, "--round", "evidence", "--by", "nope"], "unknown stakeholder 'nope'"),
        ([commit, "--round", "evidence", "--feedback", "FB-0042"], "unknown feedback id"),
        (["no-such-rev", "--round", "evidence"], "unknown revision 'no-such-rev'"),
        ([commit, "--round", "evidence", "--why", "two\nlines"], "control"),
    ]
    for args, message in cases:
        result = cli("attribute", *args, ok=False)
        assert result.code == 1 and message in result.err, (args, result)
    assert cli("attribute", ok=False).code == 2
    assert snapshot(drafts_repo) == before


def test_refuses_a_round_closed_before_the_commit(cli: Cli, drafts_repo: Path) -> None:
    cli("round", "add", "old", "--title", "Old round", "--opens", "2013-01-01")
    cli("round", "open", "old")
    cli("round", "close", "old", "--on", "2013-06-30")
    commit = plain_commit(drafts_repo, "\nLate.\n")
    result = cli("attribute", commit, "--round", "old", ok=False)
    assert result.code == 1 and "had closed (2013-06-30)" in result.err


def test_attribute_a_closed_round_for_a_commit_made_while_it_was_open(
    cli: Cli, drafts_repo: Path
) -> None:
    path = drafts_repo / "drafts" / "policy.md"
    path.write_text(path.read_text() + "\nEarly.\n")
    git(drafts_repo, "commit", "-qam", "Early", "--date", "2014-02-01T10:00:00+00:00")
    cli("round", "close", "evidence", "--on", "2014-03-01")
    cli("attribute", "HEAD~1", "--round", "evidence")
    assert log_json(cli)[0]["round"] == "evidence"
