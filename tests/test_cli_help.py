"""Every command's help: text and an example, no Python type names, defaults once, old
spellings hidden but still accepted."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from draftctl.cli import app
from draftctl.commands.help import hidden_names

OLDER_SPELLINGS = {"--by", "--at", "--since", "--on"}


def _walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _walk(sub, (*path, name))


COMMANDS = [(path, command) for path, command in _walk(typer.main.get_command(app)) if path]
LEAVES = [(path, c) for path, c in COMMANDS if not hasattr(c, "commands")]


def _records(text: str) -> list[str]:
    """The entries of the Arguments and Options sections, each with its wrapped lines."""
    records: list[str] = []
    listing = False
    for line in text.splitlines():
        if line in ("Arguments:", "Options:", "Commands:"):
            listing = line != "Commands:"
        elif listing and re.match(r"  \S", line):
            records.append(line)
        elif listing and line.startswith("   ") and records:
            records[-1] += " " + line.strip()
    return records


def _help(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_walk_finds_every_command() -> None:
    names = {" ".join(path) for path, _ in LEAVES}
    assert {"commit", "log", "diff", "round add", "feedback respond", "export"} <= names
    assert len(LEAVES) >= 25


@pytest.mark.parametrize(("path", "command"), LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
def test_every_command_has_help_text_and_an_example(path: tuple[str, ...], command: Any) -> None:
    summary = (command.help or "").strip().split("\n\n")[0]
    assert summary and not summary.startswith("Example"), f"{' '.join(path)} has no help text"
    text = _help(path)
    assert summary.split()[0] in text
    example = re.search(r"Example: (draftctl .+)", " ".join(text.split()))
    assert example, f"{' '.join(path)} --help shows no example"
    assert example.group(1).startswith("draftctl " + " ".join(path))


@pytest.mark.parametrize("path", [(), *(p for p, _ in COMMANDS)], ids=lambda p: " ".join(p))
def test_help_shows_no_python_types_and_each_default_once(path: tuple[str, ...]) -> None:
    text = _help(path)
    assert not re.search(r"<(str|int|path|list|bool|float)", text), text
    assert "{" not in text.splitlines()[0], text  # usage names arguments plainly
    for record in _records(text):
        assert record.lower().count("default") <= 1, record
    shown = set(re.findall(r"(?<![\w-])--[a-z-]+", text))
    assert not shown & OLDER_SPELLINGS, f"{' '.join(path)} advertises {shown & OLDER_SPELLINGS}"


def test_older_spellings_are_hidden_names_of_the_one_option() -> None:
    hidden: dict[str, set[str]] = {}
    for path, command in LEAVES:
        for param in command.params:
            for name in hidden_names(param):
                hidden.setdefault(name, set()).add(" ".join(path))
    assert hidden == {
        "--by": {"commit", "diff", "log", "attribute", "mv"},
        "--from": {"feedback add", "feedback list", "import"},
        "--at": {"blame"},
        "--since": {"check"},
        "--on": {"round open", "round close"},
    }


def test_global_options_are_listed_with_quiet_pager_and_completion() -> None:
    text = _help(())
    for option in ("--repo PATH", "--no-color", "--debug", "-q, --quiet", "--no-pager"):
        assert option in text
    assert "--install-completion" in text and "--show-completion" in text
