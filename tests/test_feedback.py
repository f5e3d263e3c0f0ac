"""The feedback register: `feedback add|list|respond`, its file, and commits citing it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from draftctl.consultation.feedback import FeedbackItem, parse_register, render_register
from draftctl.errors import ConfigError
from tests.conftest import Cli, git, snapshot


def add(cli: Cli, summary: str, source: str = "who", ref: str | None = None) -> str:
    args = ["feedback", "add", "--round", "evidence", "--from", source, "--summary", summary]
    return cli(*args, *(["--ref", ref] if ref else [])).out.strip()


def listing(cli: Cli, *args: str) -> list[dict[str, object]]:
    return json.loads(cli("feedback", "list", "--json", *args).out)


def edit(repo: Path, text: str) -> None:
    path = repo / "drafts" / "policy.md"
    path.write_text(path.read_text() + text)


def test_add_numbers_items_and_commits_the_register(cli: Cli, drafts_repo: Path) -> None:
    assert add(cli, "Cite the WHO 2012 guidance", ref="WHO letter 3") == "FB-0001"
    assert add(cli, "Name sex worker-led groups", source="swl") == "FB-0002"
    committed = git(drafts_repo, "show", "HEAD:feedback.toml")
    assert committed == (drafts_repo / "feedback.toml").read_text()
    assert "[feedback.FB-0002]" in committed
    trailers = git(drafts_repo, "log", "-1", "--format=%(trailers)")
    assert "Draftctl-Action: feedback-add" in trailers
    assert git(drafts_repo, "status", "--porcelain") == ""


def test_list_json_has_the_contract_shape(cli: Cli) -> None:
    add(cli, "Cite the WHO 2012 guidance", ref="WHO letter 3")
    [item] = listing(cli)
    assert {"id", "round", "from", "summary", "ref", "status", "response", "commits"} <= set(item)
    assert item["id"] == "FB-0001" and item["from"] == "who" and item["ref"] == "WHO letter 3"
    assert item["status"] == "open" and item["response"] is None and item["commits"] == []


def test_respond_and_filters(cli: Cli) -> None:
    add(cli, "Cite the WHO 2012 guidance")
    add(cli, "Drop the word 'prostitution'", source="swl")
    cli("feedback", "respond", "FB-0001", "--status", "accepted", "--response", "Cited in 2.3")
    assert [i["id"] for i in listing(cli, "--open")] == ["FB-0002"]
    assert [i["id"] for i in listing(cli, "--from", "who")] == ["FB-0001"]
    assert [i["id"] for i in listing(cli, "--round", "evidence")] == ["FB-0001", "FB-0002"]
    [done] = listing(cli, "--from", "who")
    assert done["status"] == "accepted" and done["response"] == "Cited in 2.3"


def test_commits_citing_an_item_are_listed(cli: Cli, drafts_repo: Path) -> None:
    add(cli, "Cite the WHO 2012 guidance")
    edit(drafts_repo, "\nWHO 2012 guidance applies.\n")
    cli("commit", "--round", "evidence", "-m", "Cite WHO", "--feedback", "FB-0001")
    head = git(drafts_repo, "rev-parse", "HEAD").strip()
    assert listing(cli)[0]["commits"] == [head]


def test_a_note_can_cite_feedback_too(cli: Cli, drafts_repo: Path) -> None:
    add(cli, "Cite the WHO 2012 guidance")
    edit(drafts_repo, "\nWHO 2012 guidance applies.\n")
    git(drafts_repo, "commit", "-qam", "Cite WHO")
    cli("attribute", "HEAD", "--round", "evidence", "--feedback", "FB-0001")
    head = git(drafts_repo, "rev-parse", "HEAD").strip()
    assert listing(cli)[0]["commits"] == [head]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--round", "nope", "--from", "who", "--summary", "x"], "unknown round 'nope'"),
        (["--round", "evidence", "--from", "nope", "--summary", "x"], "unknown stakeholder"),
        (["--round", "evidence", "--from", "who", "--summary", "a\nb"], "control"),
        (["--round", "evidence", "--from", "who", "--summary", " "], "is empty"),
    ],
)
def test_add_refuses_bad_input_and_changes_nothing(
    cli: Cli, drafts_repo: Path, args: list[str], message: str
) -> None:
    before = snapshot(drafts_repo)
    result = cli("feedback", "add", *args, ok=False)
    assert result.code == 1 and message in result.err
    assert snapshot(drafts_repo) == before


def test_respond_refuses_unknown_id_and_status(cli: Cli, drafts_repo: Path) -> None:
    add(cli, "Cite the WHO 2012 guidance")
    before = snapshot(drafts_repo)
    result = cli("feedback", "respond", "FB-0009", "--status", "noted", "--response", "x", ok=False)
    assert result.code == 1 and "unknown feedback id 'FB-0009'" in result.err
    result = cli("feedback", "respond", "FB-0001", "--status", "maybe", "--response", "x", ok=False)
    assert result.code == 1 and "unknown feedback status 'maybe'" in result.err
    assert snapshot(drafts_repo) == before


def test_commit_refuses_unknown_feedback_ids_once_a_register_exists(
    cli: Cli, drafts_repo: Path
) -> None:
    edit(drafts_repo, "\nA new sentence.\n")
    cli("commit", "--round", "evidence", "-m", "Before", "--feedback", "FB-0007")
    add(cli, "Cite the WHO 2012 guidance")
    edit(drafts_repo, "\nAnother sentence.\n")
    before = snapshot(drafts_repo)
    result = cli("commit", "--round", "evidence", "-m", "After", "--feedback", "FB-0007", ok=False)
    assert result.code == 1 and "unknown feedback id 'FB-0007'" in result.err
    assert snapshot(drafts_repo) == before
    cli("commit", "--round", "evidence", "-m", "Free ref", "--feedback", "Submission 14")


def test_register_round_trips_and_rejects_damage() -> None:
    items = {
        "FB-0001": FeedbackItem("FB-0001", "evidence", "who", 'Say "rights" \\ once', "ref 1"),
        "FB-0002": FeedbackItem(
            "FB-0002", "evidence", "swl", "Ünïcode ✓", None, "2014-02-01", "declined", "No.", None
        ),
    }
    assert parse_register(render_register(items)) == items
    with pytest.raises(ConfigError, match="unknown status"):
        parse_register('[feedback.FB-0001]\nround="a"\nfrom="b"\nsummary="c"\nstatus="meh"\n')
    with pytest.raises(ConfigError, match="not a feedback item"):
        parse_register('[feedback.X-1]\nround="a"\nfrom="b"\nsummary="c"\n')
    with pytest.raises(ConfigError, match="not valid TOML"):
        parse_register("[feedback")


def test_help_has_examples(cli: Cli) -> None:
    for command in ("add", "list", "respond"):
        assert "Example:" in cli("feedback", command, "--help").out
