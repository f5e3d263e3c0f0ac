"""The command line: global options, command registration, and the one place errors become exits."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from draftctl import __version__, output
from draftctl.errors import DraftctlError, ExitCode

if TYPE_CHECKING:
    from draftctl.consultation.workspace import Workspace


class DraftctlGroup(TyperGroup):
    """The one place a DraftctlError becomes `error: …`, a hint and its exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except DraftctlError as problem:
            if state["debug"]:
                raise
            output.error(problem.message, problem.hint)
            raise typer.Exit(int(problem.exit_code)) from None


app = typer.Typer(
    cls=DraftctlGroup,
    name="draftctl",
    help="Policy drafting in public consultation: every change attributed to the round behind it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
state: dict[str, object] = {"repo": None, "debug": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"draftctl {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    repo: Path | None = typer.Option(
        None, "--repo", help="Run as if started in PATH (like git -C).", metavar="PATH"
    ),
    no_color: bool = typer.Option(False, "--no-color", help="Plain output without colour."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks and git's full output."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """draftctl keeps policy drafts in git and records, for every change, the consultation
    round, stakeholders and rationale that prompted it."""
    state["repo"] = repo
    state["debug"] = debug
    output.set_color(not no_color and "NO_COLOR" not in os.environ)


def workspace() -> Workspace:
    """The drafts repository named by --repo or found from the current folder."""
    from draftctl.consultation.workspace import open_workspace

    return open_workspace(state["repo"])  # type: ignore[arg-type]


def _register() -> None:
    from draftctl.commands import record, registry, setup

    for module in (setup, registry, record):
        module.register(app)
    for name in ("diff", "review", "release"):
        try:
            module = __import__(f"draftctl.commands.{name}", fromlist=["register"])
        except ModuleNotFoundError as missing:
            if missing.name != f"draftctl.commands.{name}":
                raise
            continue
        module.register(app)


_register()


def main() -> None:
    """Entry point; anything unexpected is one line too, and a traceback only with --debug."""
    try:
        app(prog_name="draftctl")
    except KeyboardInterrupt:
        output.error("interrupted", "a command stopped part-way leaves files wholly old or new")
        sys.exit(130)
    except Exception as problem:
        if "--debug" in sys.argv[1:]:
            raise
        output.error(
            f"internal error: {type(problem).__name__}: {problem}",
            "run again with --debug and report the traceback",
        )
        sys.exit(int(ExitCode.ERROR))
