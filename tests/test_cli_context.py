"""Command wiring: every contract command registered, each run's options in its context."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from draftctl.cli import app
from draftctl.commands.lazy import COMMANDS, Entry, LazyCommands
from draftctl.errors import DraftctlError
from tests.conftest import Cli

CONTRACT_COMMANDS = {
    "init", "new", "round", "stakeholder", "commit", "status", "diff", "log", "show", "blame",
    "attribute", "feedback", "check", "tag", "outcome", "versions", "verify", "report", "export",
    "sync", "demo",
}  # fmt: skip


def test_every_command_of_the_contract_is_registered_and_loads() -> None:
    root = typer.main.get_command(app)
    context = root.make_context("draftctl", [], resilient_parsing=True)
    registered = set(root.list_commands(context))  # type: ignore[attr-defined]
    assert registered >= CONTRACT_COMMANDS, CONTRACT_COMMANDS - registered
    for name in registered:
        command = root.get_command(context, name)  # type: ignore[attr-defined]
        assert command is not None, name
        assert command.callback is not None or getattr(command, "commands", None), name
        summary = " ".join((command.help or "").split("\n\n")[0].split())
        assert summary == COMMANDS[name].summary, f"`{name}`: update its summary in lazy.py"


def test_a_command_whose_module_is_missing_is_an_error_never_absent() -> None:
    ghost = LazyCommands({"ghost": Entry("no_such_module", "ghost", "Haunt the drafts.")}, {})
    assert list(ghost) == ["ghost"] and "ghost" in ghost
    with pytest.raises(ModuleNotFoundError):
        ghost.get("ghost")
    renamed = LazyCommands({"ghost": Entry("registry", "no_such_command", "Haunt.")}, {})
    with pytest.raises(AttributeError):
        renamed.get("ghost")
    assert ghost.get("nosuch") is None


def test_help_lists_every_command_without_loading_one() -> None:
    probe = (
        "import sys, draftctl.cli\n"
        "try:\n    draftctl.cli.main()\nexcept SystemExit:\n    pass\n"
        "loaded = [m for m in sys.modules if m.startswith('draftctl.commands.') and m not in "
        "('draftctl.commands.anywhere', 'draftctl.commands.context', 'draftctl.commands.help', "
        "'draftctl.commands.lazy', 'draftctl.commands.quick', 'draftctl.commands.root')]\n"
        "print(repr(loaded), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        check=False,
    )
    assert done.returncode == 0 and done.stderr.strip() == "[]", done.stderr
    listed = dict(
        line.split(None, 1) for line in done.stdout.split("Commands:")[1].strip().splitlines()
    )
    assert list(listed) == list(COMMANDS)
    for name, shown in listed.items():
        assert COMMANDS[name].summary.startswith(shown.removesuffix("...").strip()), name


def test_repo_option_belongs_to_one_run_only(
    drafts_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["--repo", str(drafts_repo), "round", "list", "--json"])
    assert first.exit_code == 0 and '"evidence"' in first.stdout
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    second = runner.invoke(app, ["round", "list", "--json"])
    assert second.exit_code == 1
    assert second.stderr.startswith("error: ")
    assert "evidence" not in second.stdout


def test_init_without_repo_acts_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["init", "here", "--name", "Here"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "here" / "draftctl.toml").is_file()


def test_debug_lets_the_error_through_and_plain_runs_print_one_line(cli: Cli) -> None:
    plain = cli("round", "show", "nosuch", ok=False)
    assert plain.code == 1
    assert plain.err.splitlines()[0].startswith("error: ")
    assert "Traceback" not in plain.err
    debug = CliRunner().invoke(app, ["--repo", str(cli.repo), "--debug", "round", "show", "nosuch"])
    assert isinstance(debug.exception, DraftctlError)


def _git_children() -> dict[int, str]:
    """This process's live `git` children (read from /proc): their command lines by pid."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            line = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        if int(fields[1]) == os.getpid() and fields[0] != "Z" and line.startswith("git "):
            found[int(stat.parent.name)] = line
    return found


def test_a_run_inside_a_longer_process_leaves_no_git_reader_behind(
    drafts_repo: Path, cli: Cli
) -> None:
    # the persistent `cat-file --batch` a command opens ends with the command, not with the
    # process hosting it (a test session, a script calling the app)
    (drafts_repo / "drafts" / "policy.md").write_text("# Test policy\n\nA first line.\n")
    cli("commit", "--round", "evidence", "-m", "First line")
    before = _git_children()
    for args in (["diff", "HEAD~1", "HEAD"], ["blame"], ["show", "HEAD"], ["log"], ["status"]):
        cli(*args)
    left = {pid: line for pid, line in _git_children().items() if pid not in before}
    assert left == {}
