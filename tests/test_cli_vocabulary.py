"""One option vocabulary: the new spellings and every 0.1 spelling give the same result, and
global options work before or after the command name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from draftctl.cli import app
from draftctl.commands.anywhere import hoist_globals
from tests.conftest import Cli, git


def _edit_and_commit(cli: Cli, repo: Path, text: str, *attribution: str) -> None:
    path = repo / "drafts" / "policy.md"
    path.write_text(path.read_text() + f"\n{text}\n")
    cli("commit", "--round", "evidence", *attribution, "-m", text)


@pytest.fixture
def history(cli: Cli, drafts_repo: Path) -> Cli:
    """Two attributed commits (one prompted by who, one by swl) and a version between them."""
    _edit_and_commit(cli, drafts_repo, "Cite WHO guidance.", "--stakeholder", "who")
    cli("tag", "v1")
    _edit_and_commit(cli, drafts_repo, "Name sex worker-led groups.", "--by", "swl")
    return cli


def _json(cli: Cli, *args: str) -> object:
    return json.loads(cli(*args, "--json").out)


def test_commit_records_the_stakeholder_under_either_spelling(
    history: Cli, drafts_repo: Path
) -> None:
    trailers = git(drafts_repo, "log", "-2", "--format=%(trailers:key=Prompted-By,valueonly)")
    assert trailers.split() == ["swl", "who"]


def test_log_by_and_stakeholder_agree(history: Cli) -> None:
    new = _json(history, "log", "--stakeholder", "swl")
    assert [entry["subject"] for entry in new] == ["Name sex worker-led groups."]  # type: ignore[index,union-attr]
    assert _json(history, "log", "--by", "swl") == new


def test_check_since_and_from_agree(history: Cli) -> None:
    assert history("check", "--from", "v1").err == history("check", "--since", "v1").err


def test_blame_at_and_rev_agree(history: Cli) -> None:
    new = _json(history, "blame", "--rev", "v1")
    assert new == _json(history, "blame", "--at", "v1")
    assert "Name sex worker-led groups." not in json.dumps(new)


def test_diff_and_report_take_from_to_as_arguments_or_options(history: Cli) -> None:
    args = ["--format", "json"]
    assert (
        history("diff", "v1", "HEAD", *args).out
        == history("diff", "--from", "v1", "--to", "HEAD", *args).out
    )
    report = history("report", "v1", "HEAD", *args).out
    assert report == history("report", "--from", "v1", "--to", "HEAD", *args).out
    clash = history("diff", "v1", "--from", "HEAD", ok=False)
    assert clash.code == 2 and "give FROM once" in clash.err


def test_feedback_from_and_stakeholder_agree(cli: Cli) -> None:
    base = ["feedback", "add", "--round", "evidence", "--summary"]
    assert cli(*base, "Cite WHO", "--from", "who").out.strip() == "FB-0001"
    assert cli(*base, "Name groups", "--stakeholder", "swl").out.strip() == "FB-0002"
    listed = _json(cli, "feedback", "list", "--stakeholder", "swl")
    assert [item["id"] for item in listed] == ["FB-0002"]  # type: ignore[index,union-attr]
    assert _json(cli, "feedback", "list", "--from", "swl") == listed


def test_round_dates_take_date_or_on(cli: Cli) -> None:
    cli("round", "add", "later", "--title", "Later round")
    cli("round", "open", "later", "--date", "2014-02-01")
    cli("round", "close", "later", "--on", "2014-03-01")
    shown = _json(cli, "round", "show", "later")
    assert (shown["opens"], shown["closes"]) == ("2014-02-01", "2014-03-01")  # type: ignore[index,call-overload]


# Every spelling DESIGN.md names, parsed (exit 2 would mean the parser refused it).
CONTRACT = [
    ["round", "add", "x", "--title", "T", "--opens", "2014-01-01", "--closes", "2014-02-01",
     "--stakeholder", "who"],
    ["commit", "--round", "R", "--by", "S", "-m", "M", "--why", "W", "--feedback", "F",
     "--section", "H"],
    ["diff", "A", "B", "--draft", "D", "--round", "R", "--by", "S", "--section", "H",
     "--format", "json", "--stat", "-o", "-"],
    ["log", "--draft", "D", "--round", "R", "--by", "S", "--section", "H", "--from", "A",
     "--to", "B", "--json"],
    ["show", "REV", "--draft", "D"],
    ["blame", "--draft", "D", "--at", "REV", "--json"],
    ["attribute", "REV", "--round", "R", "--by", "S", "--why", "W", "--feedback", "F"],
    ["feedback", "add", "--round", "R", "--from", "S", "--summary", "T", "--ref", "REF"],
    ["feedback", "list", "--round", "R", "--from", "S", "--open", "--json"],
    ["feedback", "respond", "FB-0001", "--status", "noted", "--response", "T"],
    ["check", "--since", "REV"],
    ["tag", "N", "--rev", "REV", "--status", "draft", "--meeting", "M", "-m", "MSG"],
    ["outcome", "N", "--status", "adopted", "--date", "2015-08-11", "--meeting", "M",
     "--note", "T"],
    ["report", "--round", "R", "--format", "json", "-o", "-"],
    ["export", "REV", "--draft", "D", "--format", "markdown", "-o", "-"],
    ["round", "open", "R", "--on", "2014-01-01"],
    ["sync", "--remote", "origin"],
]  # fmt: skip


@pytest.mark.parametrize("args", CONTRACT, ids=lambda a: " ".join(a[:2]))
def test_every_contract_spelling_still_parses(args: list[str]) -> None:
    root = typer.main.get_command(app)
    context = root.make_context("draftctl", ["--repo", "/nonexistent"], resilient_parsing=True)
    command = root
    words = list(args)
    while hasattr(command, "commands"):
        command = command.commands[words.pop(0)]  # type: ignore[attr-defined]
    sub = command.make_context(command.name, words, parent=context)
    assert sub.params, args


# -- global options anywhere -------------------------------------------------------------


def test_global_options_work_after_the_command_name(history: Cli, drafts_repo: Path) -> None:
    runner = CliRunner()
    before = runner.invoke(app, ["--repo", str(drafts_repo), "log", "--json"])
    after = runner.invoke(app, ["log", "--json", "--repo", str(drafts_repo), "--no-color"])
    assert after.exit_code == 0, after.output
    assert after.stdout == before.stdout
    inline = runner.invoke(app, ["log", f"--repo={drafts_repo}", "--json", "--debug"])
    assert inline.stdout == before.stdout


def test_quiet_after_the_command_silences_notices_not_errors(cli: Cli, drafts_repo: Path) -> None:
    runner = CliRunner()
    args = ["round", "add", "quiet-round", "--title", "Q", "-q", "--repo", str(drafts_repo)]
    done = runner.invoke(app, args)
    assert done.exit_code == 0 and done.stderr == ""
    assert "quiet-round" in (drafts_repo / "draftctl.toml").read_text()
    loud = runner.invoke(app, ["round", "add", "loud", "--title", "L", "--repo", str(drafts_repo)])
    assert "registered round loud" in loud.stderr
    failed = runner.invoke(app, ["round", "show", "nope", "--quiet", "--repo", str(drafts_repo)])
    assert failed.exit_code == 1 and failed.stderr.startswith("error: ")


def test_an_option_value_that_looks_global_stays_a_value(cli: Cli, drafts_repo: Path) -> None:
    path = drafts_repo / "drafts" / "policy.md"
    path.write_text(path.read_text() + "\nMore.\n")
    cli("commit", "--round", "evidence", "-m", "--quiet")
    assert git(drafts_repo, "log", "-1", "--format=%s").strip() == "--quiet"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["log", "--repo", "X", "--json"], ["--repo", "X", "log", "--json"]),
        (["log", "--repo=X", "-q"], ["--repo=X", "-q", "log"]),
        (["commit", "-m", "--debug", "--no-pager"], ["--no-pager", "commit", "-m", "--debug"]),
        (["commit", "-m--quiet"], ["commit", "-m--quiet"]),
        (["round", "add", "r", "--title", "--quiet"], ["round", "add", "r", "--title", "--quiet"]),
        (["diff", "--", "--debug"], ["diff", "--", "--debug"]),
        (["--repo", "X", "log"], ["--repo", "X", "log"]),
    ],
)
def test_hoisting_reads_the_command_tree(args: list[str], expected: list[str]) -> None:
    root = typer.main.get_command(app)
    context = root.make_context("draftctl", ["log"], resilient_parsing=True)
    assert hoist_globals(root, context, args) == expected
