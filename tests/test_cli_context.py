"""Command wiring: every contract command registered, each run's options in its context."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from draftctl.cli import app
from draftctl.errors import DraftctlError
from tests.conftest import Cli

CONTRACT_COMMANDS = {
    "init", "new", "round", "stakeholder", "commit", "status", "diff", "log", "show", "blame",
    "attribute", "feedback", "check", "tag", "outcome", "versions", "verify", "report", "export",
    "sync", "demo",
}  # fmt: skip


def test_every_command_of_the_contract_is_registered() -> None:
    registered = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert registered >= CONTRACT_COMMANDS, CONTRACT_COMMANDS - registered


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
