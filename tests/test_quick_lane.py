"""The quick lane (`commands/quick.py`) reads only what Typer would read the same way, and
prints exactly what the Typer app prints."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from draftctl.cli import app
from draftctl.commands import quick
from draftctl.commands.lazy import COMMANDS, load
from tests.conftest import git

ROOT = Path(__file__).resolve().parent.parent


def _typer_command(words: tuple[str, ...]) -> typer.main.TyperCommand:
    command = load(words[0], COMMANDS[words[0]])
    for word in words[1:]:
        command = command.commands[word]
    return command


@pytest.mark.parametrize("words", list(quick.QUICK), ids=" ".join)
def test_every_quick_flag_is_the_same_flag_of_the_typer_command(words: tuple[str, ...]) -> None:
    entry = quick.QUICK[words]
    params = {param.name: param for param in _typer_command(words).params}
    named = {*entry.flags.values(), *entry.values.values(), *entry.arguments, *entry.fixed}
    assert set(params) == named, "a parameter the lane lacks"
    for flag, name in entry.flags.items():
        param = params[name]
        assert param.is_flag and flag in param.opts and param.default is False
    for name, value in entry.fixed.items():
        assert params[name].default == value and not params[name].is_flag


@pytest.mark.parametrize("words", list(quick.QUICK), ids=" ".join)
def test_every_quick_value_and_argument_is_that_of_the_typer_command(
    words: tuple[str, ...],
) -> None:
    entry = quick.QUICK[words]
    params = {param.name: param for param in _typer_command(words).params}
    for option, name in entry.values.items():
        param = params[name]
        assert param.param_type_name == "option" and option in param.opts, option
        assert not param.is_flag and not param.multiple and param.nargs == 1, option
        assert param.default == entry.fixed.get(name), option  # None unless fixed says
    for name, allowed in entry.choices.items():
        assert tuple(params[name].type.choices) == allowed and params[name].type.case_sensitive
    typer_arguments = [p for p in params.values() if p.param_type_name == "argument"]
    assert tuple(p.name for p in typer_arguments) == entry.arguments
    assert all(p.nargs == 1 and p.default is None for p in typer_arguments)
    assert sum(p.required for p in typer_arguments) == entry.required
    assert all(p.required for p in typer_arguments[: entry.required])
    for argument, option, _ in entry.once:
        assert argument in entry.arguments and option in entry.values.values()


def test_the_global_flags_are_those_of_the_typer_app() -> None:
    root = typer.main.get_command(app)
    flags = {
        opt: param.name for param in root.params if param.is_flag for opt in param.opts
    }  # fmt: skip
    for eager in ("--version", "--install-completion", "--show-completion"):  # Typer's own
        flags.pop(eager)
    assert flags == quick.GLOBAL_FLAGS
    assert "--repo" in next(p for p in root.params if p.name == "repo").opts


@pytest.mark.parametrize(
    "args",
    [
        ["round", "list", "--help"],
        ["round", "list", "-h"],
        ["round", "list", "--json", "extra"],
        ["round", "--json", "list"],
        ["--json", "round", "list"],
        ["round", "list", "--", "--json"],
        ["round", "list", "--jso"],
        ["round", "list", "--json=1"],
        ["round"],
        ["round", "show", "evidence"],
        ["feedback", "list", "--round", "evidence"],
        ["status", "--repo"],
        ["status", "--repo", "--json"],
        ["status", "--repo="],
        ["--version", "status"],
        ["-qq", "status"],
        ["log", "--round", "evidence-review", "--json"],
        ["log", "--section=Scope"],
        ["diff", "--format", "JSON"],
        ["diff", "--format", "pdf"],
        ["diff", "--format"],
        ["diff", "--format="],
        ["diff", "--format", "json", "--format", "html"],
        ["diff", "--stakeholder", "a", "--by", "b"],
        ["diff", "--draft", "-q"],
        ["diff", "--draft", ""],
        ["diff", "--section", "--repo", "x"],
        ["diff", "a", "b", "c"],
        ["diff", "a", "--from", "b"],
        ["diff", "--to", "b", "a", "b"],
        ["diff", "-ofile"],
        ["diff", "-o=file"],
        ["diff", "-o", "-"],
        ["diff", "--", "a"],
        ["diff", "--help"],
        ["diff", "--stat=1"],
        ["diff", "--json"],
        ["show"],
        ["show", "a", "b"],
        ["show", "-h", "a"],
        ["show", "a", "--format", "json"],
        ["show", "a", "--stat"],
        [],
    ],
    ids=repr,
)
def test_anything_else_goes_to_typer(args: list[str]) -> None:
    assert quick.parse(args) is None


def test_global_options_anywhere() -> None:
    parsed = quick.parse(["-q", "round", "--repo", "x", "list", "--no-color", "--json"])
    assert parsed == quick.Parsed(("round", "list"), "x", {"quiet", "no_color"}, {"as_json": True})
    parsed = quick.parse(["feedback", "list", "--open", "--repo=a b", "--json", "--open"])
    assert parsed is not None and parsed.repo == "a b"
    assert parsed.flags == {"open_only": True, "as_json": True}


def test_values_and_arguments() -> None:
    parsed = quick.parse(["diff", "v1", "--repo", "r", "--format=markdown", "-o", "a b.md", "HEAD"])
    assert parsed is not None and parsed.command == ("diff",) and parsed.repo == "r"
    assert parsed.values == {"fmt": "markdown", "out": "a b.md", "from_arg": "v1", "to_arg": "HEAD"}
    given = quick.parameters(quick.QUICK[("diff",)], parsed)
    assert given == {
        "from_rev": "v1",
        "to_rev": "HEAD",
        "draft": None,
        "round_id": None,
        "by": None,
        "section": None,
        "fmt": "markdown",
        "stat": False,
        "out": "a b.md",
    }
    parsed = quick.parse(["diff", "--to", "HEAD", "--by", "x", "--stat", "--quiet"])
    assert parsed is not None and parsed.switches == {"quiet"}
    given = quick.parameters(quick.QUICK[("diff",)], parsed)
    assert (given["from_rev"], given["to_rev"], given["by"], given["stat"]) == (
        None,
        "HEAD",
        "x",
        True,
    )
    assert given["fmt"] == "terminal"
    parsed = quick.parse(["show", "HEAD~2", "--draft", "policy"])
    assert parsed is not None
    assert quick.parameters(quick.QUICK[("show",)], parsed) == {"rev": "HEAD~2", "draft": "policy"}


def _both_lanes(repo: Path, args: list[str]) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    """(exit, stdout, stderr) of a real process (the quick lane) and of the Typer app."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "draftctl", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    cwd = Path.cwd()
    os.chdir(repo)
    try:
        typed = CliRunner().invoke(app, args, catch_exceptions=False)
    finally:
        os.chdir(cwd)
    return (done.returncode, done.stdout, done.stderr), (
        typed.exit_code,
        typed.stdout,
        typed.stderr,
    )


def test_both_lanes_print_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "72")
    repo = tmp_path / "demo"
    CliRunner().invoke(app, ["demo", str(repo)], catch_exceptions=False)
    draft = next((repo / "drafts").glob("*.md"))
    draft.write_text(draft.read_text(encoding="utf-8") + "\nA new closing line.\n", "utf-8")
    runs = [
        ["round", "list"],
        ["round", "list", "--json"],
        ["stakeholder", "list", "-q"],
        ["stakeholder", "list", "--json", "--no-pager"],
        ["feedback", "list"],
        ["feedback", "list", "--open", "--json"],
        ["versions"],
        ["versions", "--json", "--no-color"],
        ["status"],
        ["status", "--json"],
        ["log", "--json"],
        ["log"],
        ["--repo", str(repo / "drafts"), "round", "list"],
        ["diff"],
        ["diff", "--format", "json"],
        ["diff", "HEAD~2", "HEAD", "--format=markdown"],
        ["diff", "--from", "HEAD~3", "--to", "HEAD", "--stat"],
        ["diff", "HEAD~3", "--format", "html", "--no-color"],
        ["diff", "--round", "evidence-review", "--format", "json", "--to", "HEAD"],
        ["show", "HEAD"],
        ["show", "HEAD~1", "--draft", draft.stem],
    ]
    for args in runs:
        assert quick.parse(args) is not None, args
        quick_lane, typer_lane = _both_lanes(repo, args)
        assert quick_lane == typer_lane, args
        assert quick_lane[0] == 0 and quick_lane[1], args
    refused = [
        ["diff", "no-such-rev"],
        ["diff", "HEAD", "--draft", "no-such-draft"],
        ["diff", "--format", "docx"],
        ["diff", "HEAD~1", "--round", "no-such-round", "--format", "json"],
        ["show", "no-such-rev"],
    ]
    for args in refused:
        assert quick.parse(args) is not None, args
        quick_lane, typer_lane = _both_lanes(repo, args)
        assert quick_lane == typer_lane, args
        assert quick_lane[0] == 1 and quick_lane[2].startswith("error: "), args


def test_both_lanes_refuse_alike(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    git(plain, "init", "-q")
    for args in (
        ["status"],
        ["round", "list", "--json"],
        ["--repo", str(tmp_path / "none"), "versions"],
        ["diff", "HEAD~1", "HEAD"],
        ["show", "HEAD"],
    ):
        quick_lane, typer_lane = _both_lanes(plain, args)
        assert quick_lane == typer_lane, args
        assert quick_lane[0] == 1 and quick_lane[2].startswith("error: "), args
