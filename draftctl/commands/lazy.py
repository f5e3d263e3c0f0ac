"""Every command, loaded on first use: a run imports only the module of the command it runs.

`COMMANDS` names each command's module and function (or Typer of subcommands) and the first
paragraph of its help, so `draftctl --help` and completion of command names list every command
without importing any of them. A test checks each summary against the command's own docstring
and that every entry loads: a missing module is an error, never a silently absent command.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any, NamedTuple

import typer
import typer.main
from typer.core import TyperCommand

from draftctl.commands.help import Typer


class Entry(NamedTuple):
    """Where a command lives and what `--help` says of it before it is loaded."""

    module: str  # a module of draftctl.commands
    attribute: str  # the command's function, or a Typer holding its subcommands
    summary: str  # the first paragraph of its help


# In the order `draftctl --help` lists them: the commands, then the groups of subcommands.
COMMANDS: dict[str, Entry] = {
    "init": Entry("setup", "init", "Make (or adopt) a git repository as a drafts repository."),
    "new": Entry("setup", "new", "Start a new draft from a short template and commit it."),
    "mv": Entry(
        "setup",
        "mv",
        "Rename a draft in one commit; its history (diff, blame, log) follows the new name.",
    ),
    "demo": Entry(
        "setup",
        "demo",
        "Build the sample consultation repository and show its annotated diff.",
    ),
    "commit": Entry(
        "record",
        "commit",
        "Record changes to drafts with the round, stakeholders and rationale behind them.",
    ),
    "status": Entry(
        "record",
        "status",
        "Show uncommitted changes, unattributed commits, open rounds and the last version.",
    ),
    "log": Entry("record", "log", "Show the attributed history, newest first."),
    "diff": Entry(
        "diff",
        "diff",
        "Show every change between two versions of a draft, with the round behind it.",
    ),
    "show": Entry(
        "diff",
        "show",
        "Show one change: its message and attribution, then its annotated diff.",
    ),
    "blame": Entry(
        "review",
        "blame",
        "Show every block of a draft with the round, commit and date that last changed it.",
    ),
    "attribute": Entry(
        "review",
        "attribute",
        "Attribute a commit after the fact with a git note (refs/notes/draftctl).",
    ),
    "report": Entry(
        "review",
        "report",
        "The consultation outcome report: per round, who was consulted, what changed and why, "
        'and "you said, we did" for every piece of feedback.',
    ),
    "check": Entry(
        "review",
        "check",
        "Fail (exit 1) when a commit changing a draft has no round, cites an unknown round, "
        "stakeholder or feedback id, or cites a round that had closed by the commit's date.",
    ),
    "tag": Entry(
        "release",
        "tag",
        "Cut a version: a create-only annotated tag with status, meeting and content digest.",
    ),
    "outcome": Entry(
        "release",
        "outcome",
        "Record the meeting's decision on a version, as the tag NAME-adopted or NAME-rejected.",
    ),
    "versions": Entry(
        "release",
        "versions",
        "List every version, oldest first, with the words and rounds since the one before.",
    ),
    "verify": Entry(
        "release",
        "verify",
        "Prove a version: recompute its content digest, check its tag and signature.",
    ),
    "export": Entry(
        "release",
        "export",
        "Write a clean copy for delegates: title page, table of contents, the text.",
    ),
    "sync": Entry(
        "release",
        "sync",
        "Fast-forward from the shared remote, then push the branch, versions and notes.",
    ),
    "import": Entry(
        "word",
        "import_",
        "Record a returned Word file's tracked changes and comments, attributed to a round.",
    ),
    "round": Entry("registry", "round_app", "Register, list, open and close consultation rounds."),
    "stakeholder": Entry("registry", "stakeholder_app", "Register and list stakeholders."),
    "feedback": Entry(
        "review",
        "feedback_app",
        "The feedback register: record stakeholder feedback and the response to it.",
    ),
}


def load(name: str, entry: Entry) -> Any:
    """Import the command's module and build its command (or group) as Typer would have."""
    # __import__, not importlib.import_module: only the former shows in `python -X importtime`
    module = __import__(f"draftctl.commands.{entry.module}", fromlist=[entry.attribute])
    target = getattr(module, entry.attribute)
    staging = Typer(add_completion=False, rich_markup_mode=None)
    if isinstance(target, typer.Typer):
        staging.add_typer(target, name=name)
    else:
        staging.command(name)(target)
    return typer.main.get_group(staging).commands[name]


class LazyCommands(MutableMapping[str, Any]):
    """A group's commands by name: every name known at once, each command built when asked
    for. While `summaries()` is in force, a command not yet built is answered by a stand-in
    carrying only its summary (for the list in `--help` and completion of command names)."""

    def __init__(
        self,
        table: dict[str, Entry],
        built: MutableMapping[str, Any],
        build: Callable[[str, Entry], Any] = load,
    ) -> None:
        self._table = table
        self._built = dict(built)
        self._build = build
        self._summaries_only = False

    def __getitem__(self, name: str) -> Any:
        if name in self._built:
            return self._built[name]
        entry = self._table[name]  # KeyError: no such command
        if self._summaries_only:
            return TyperCommand(name=name, callback=None, help=entry.summary)
        try:
            command = self._build(name, entry)
        except KeyError as missing:  # never mistaken for "no such command"
            raise LookupError(f"command {name!r} could not be built: {missing}") from missing
        self._built[name] = command
        return command

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        self._built.pop(name, None)
        self._table = {key: entry for key, entry in self._table.items() if key != name}

    def __iter__(self) -> Iterator[str]:
        yield from self._table
        yield from (name for name in self._built if name not in self._table)

    def __len__(self) -> int:
        return len(set(self._table) | set(self._built))

    def __contains__(self, name: object) -> bool:
        return name in self._table or name in self._built

    @contextmanager
    def summaries(self) -> Iterator[None]:
        """Answer with stand-ins for commands not yet built, for as long as this lasts."""
        self._summaries_only = True
        try:
            yield
        finally:
            self._summaries_only = False
