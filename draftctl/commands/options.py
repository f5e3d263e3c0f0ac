"""The shared option vocabulary: one spelling per idea, older spellings kept as hidden names.

| idea | spelling |
|---|---|
| a draft | `--draft DRAFT` (or the DRAFT argument of `new`, `commit`) |
| a round | `--round ROUND` |
| a stakeholder | `--stakeholder STAKEHOLDER` (was `--by`, `--from`) |
| one revision | `--rev REV` (was `--at`), or the REV argument of `show`, `export` |
| a range | `--from REV --to REV` (was `--since`), or the FROM TO arguments |
| the day something happens | `--date DATE` (was `--on`); `round add` has `--opens`, `--closes` |

An older spelling stays accepted (help shows only the first long name), so scripts written
against the 0.1 contract keep working.
"""

from __future__ import annotations

from typing import Any

import typer

from draftctl.commands import complete


def draft(help: str = "The draft (default: the only one).") -> Any:
    return typer.Option(None, "--draft", help=help, autocompletion=complete.drafts)


def round_id(help: str, *, required: bool = False) -> Any:
    default = ... if required else None
    return typer.Option(default, "--round", help=help, autocompletion=complete.rounds)


def stakeholder(help: str, *older: str, required: bool = False) -> Any:
    default = ... if required else None
    return typer.Option(
        default, "--stakeholder", *older, help=help, autocompletion=complete.stakeholders
    )


def stakeholders(help: str, *older: str) -> Any:
    return typer.Option(
        [], "--stakeholder", *older, help=help, autocompletion=complete.stakeholders
    )


def revision(help: str, *older: str, default: str | None = None) -> Any:
    return typer.Option(default, "--rev", *older, help=help, autocompletion=complete.revisions)


def range_from(help: str, *older: str) -> Any:
    return typer.Option(None, "--from", *older, help=help, autocompletion=complete.revisions)


def range_to(help: str) -> Any:
    return typer.Option(None, "--to", help=help, autocompletion=complete.revisions)


def revision_argument(help: str, *, metavar: str = "REV", required: bool = True) -> Any:
    default = ... if required else None
    return typer.Argument(default, metavar=metavar, help=help, autocompletion=complete.revisions)


def version_argument(help: str) -> Any:
    return typer.Argument(..., metavar="NAME", help=help, autocompletion=complete.versions)


def date(help: str, *older: str) -> Any:
    return typer.Option(None, "--date", *older, help=help)


def feedback_refs(help: str = "A feedback reference, e.g. FB-0003 (repeat).") -> Any:
    return typer.Option([], "--feedback", help=help, autocompletion=complete.feedbacks)


def output_file(help: str = "Write to FILE instead of printing.") -> Any:
    return typer.Option(None, "-o", "--output", help=help)


def pick(argument: str | None, option: str | None, name: str) -> str | None:
    """A revision given as an argument or as its option, not both."""
    if argument is not None and option is not None and argument != option:
        raise typer.BadParameter(f"give {name.upper()} once: as an argument or as --{name}")
    return argument if argument is not None else option
