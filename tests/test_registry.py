"""init, new, rounds and stakeholders against real repositories, refusals included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli, git, snapshot


def test_init_commits_config_and_drafts_folder(tmp_path: Path) -> None:
    Cli(tmp_path)("init", "policy-repo", "--name", "Sex work policy")
    repo = tmp_path / "policy-repo"
    assert (repo / "draftctl.toml").read_text().count('name = "Sex work policy"') == 1
    assert (repo / "drafts").is_dir()
    assert git(repo, "status", "--porcelain") == ""
    assert "Draftctl-Action: init" in git(repo, "log", "-1", "--format=%B")


def test_init_adopts_existing_repository_and_keeps_history(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "notes.txt").write_text("old work\n")
    git(tmp_path, "add", "notes.txt")
    git(tmp_path, "commit", "-qm", "Earlier work")
    Cli(tmp_path)("init")
    log = git(tmp_path, "log", "--format=%s")
    assert log.splitlines()[1] == "Earlier work"


def test_init_refuses_to_reinitialise(drafts_repo: Path) -> None:
    before = snapshot(drafts_repo)
    result = Cli(drafts_repo)("init", ok=False)
    assert result.code == 1
    assert "already a drafts repository" in result.err
    assert snapshot(drafts_repo) == before


def test_outside_a_drafts_repository_is_a_clear_error(tmp_path: Path) -> None:
    result = Cli(tmp_path)("round", "list", ok=False)
    assert result.code == 1
    assert result.err.startswith("error: ")
    assert "not inside a git repository" in result.err
    assert "hint: " in result.err


def test_rounds_lifecycle(cli: Cli, drafts_repo: Path) -> None:
    cli(
        "round",
        "add",
        "field",
        "--title",
        "Field research",
        "--opens",
        "2014-03-01",
        "--closes",
        "2014-09-30",
        "--stakeholder",
        "swl",
    )
    rounds = {r["id"]: r for r in json.loads(cli("round", "list", "--json").out)}
    assert rounds["field"] == {
        "id": "field",
        "title": "Field research",
        "state": "planned",
        "opens": "2014-03-01",
        "closes": "2014-09-30",
        "stakeholders": ["swl"],
        "method": None,
    }
    cli("round", "open", "field")
    cli("round", "close", "field")
    rounds = {r["id"]: r for r in json.loads(cli("round", "list", "--json").out)}
    assert rounds["field"]["state"] == "closed"
    subjects = git(drafts_repo, "log", "--format=%s", "-3").splitlines()
    assert subjects == [
        "Close consultation round field",
        "Open consultation round field",
        "Register consultation round field (Field research)",
    ]


def test_round_show_lists_stakeholders_and_commits(cli: Cli, drafts_repo: Path) -> None:
    (drafts_repo / "drafts" / "policy.md").write_text("# Test policy\n\nNew text.\n")
    cli("commit", "--round", "evidence", "--by", "who", "-m", "Rewrite from evidence")
    shown = json.loads(cli("round", "show", "evidence", "--json").out)
    assert shown["stakeholders"] == ["who"]
    assert [c["subject"] for c in shown["commits"]] == ["Rewrite from evidence"]
    text = cli("round", "show", "evidence").out
    assert "World Health Organization" in text and "Rewrite from evidence" in text


@pytest.mark.parametrize(
    "args, message",
    [
        (["round", "add", "Bad_Id", "--title", "x"], "invalid round id 'Bad_Id'"),
        (["round", "add", "--title", "x", "--", "-d"], "invalid round id '-d'"),
        (["round", "add", "ok", "--title", "x", "--opens", "2014-13-01"], "not an ISO date"),
        (
            [
                "round",
                "add",
                "ok",
                "--title",
                "x",
                "--opens",
                "2014-05-01",
                "--closes",
                "2014-04-01",
            ],
            "closes (2014-04-01) before it opens",
        ),
        (
            ["round", "add", "ok", "--title", "x", "--stakeholder", "nobody"],
            "unknown stakeholder 'nobody'",
        ),
        (["round", "add", "evidence", "--title", "Other"], "round 'evidence' already exists"),
        (["round", "add", "ok", "--title", "two\nlines"], "control or formatting character"),
        (["round", "open", "nope"], "unknown round 'nope'"),
        (["round", "open", "evidence"], "already open"),
        (["stakeholder", "add", "who", "--name", "Someone else"], "already exists"),
        (["stakeholder", "add", "x\u202e", "--name", "Evil"], "invalid stakeholder id"),
        (["stakeholder", "add", "ok", "--name", "Evil\u202eName"], "control or formatting"),
    ],
)
def test_registry_refusals_change_nothing(
    cli: Cli, drafts_repo: Path, args: list[str], message: str
) -> None:
    before = snapshot(drafts_repo)
    result = cli(*args, ok=False)
    assert result.code == 1, result
    assert result.err.startswith("error: ") and message in result.err
    assert "Traceback" not in result.err
    assert snapshot(drafts_repo) == before


def test_stakeholders_list(cli: Cli) -> None:
    people = json.loads(cli("stakeholder", "list", "--json").out)
    assert people[0] == {"id": "who", "name": "World Health Organization", "kind": "un-agency"}
    assert "Sex worker-led groups" in cli("stakeholder", "list").out


def test_new_draft_is_committed_and_refuses_duplicates(cli: Cli, drafts_repo: Path) -> None:
    assert (drafts_repo / "drafts" / "policy.md").read_text().startswith("# Test policy\n")
    assert "Draftctl-Action: new" in git(drafts_repo, "log", "-1", "--format=%B")
    before = snapshot(drafts_repo)
    result = cli("new", "policy", ok=False)
    assert result.code == 1 and "already exists" in result.err
    assert snapshot(drafts_repo) == before


def test_round_method_and_language_survive_registry_changes(cli: Cli, drafts_repo: Path) -> None:
    config = drafts_repo / "draftctl.toml"
    text = config.read_text()  # init wrote `language = "en-GB"`
    assert 'language = "en-GB"' in text
    text = text.replace(
        '[rounds.evidence]\ntitle = "Evidence review"\n',
        '[rounds.evidence]\ntitle = "Evidence review"\nmethod = "Written comments"\n',
    )
    config.write_text(text)
    git(drafts_repo, "commit", "-qam", "Describe the round")
    cli("stakeholder", "add", "un-women", "--name", "UN Women")
    rounds = json.loads(cli("round", "list", "--json").out)
    assert rounds[0]["method"] == "Written comments"
    after = config.read_text()
    assert 'language = "en-GB"' in after and 'method = "Written comments"' in after


def test_language_defaults_to_british_english(tmp_path: Path) -> None:
    from draftctl.consultation.config import parse_config

    Cli(tmp_path)("init", "lang-repo")
    text = (tmp_path / "lang-repo" / "draftctl.toml").read_text()
    assert 'language = "en-GB"' in text
    assert parse_config(text).lang == "en-GB"
    older = text.replace('language = "en-GB"\n', "")
    assert parse_config(older).language is None and parse_config(older).lang == "en-GB"
    assert parse_config(text.replace("en-GB", "fr-CA")).lang == "fr-CA"


def test_a_malformed_language_is_a_clear_error(drafts_repo: Path) -> None:
    config = drafts_repo / "draftctl.toml"
    config.write_text(config.read_text().replace('"en-GB"', '"en GB!"'))
    result = Cli(drafts_repo)("round", "list", ok=False)
    assert result.code == 1
    assert result.err.startswith("error: draftctl.toml: language 'en GB!' is not a BCP 47")
    assert "hint: " in result.err
