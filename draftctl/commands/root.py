"""The Typer app: global options, the lazily loaded commands, and where errors become exits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from draftctl import __version__, output
from draftctl.commands.anywhere import hoist_globals
from draftctl.commands.context import App, start
from draftctl.commands.help import Typer
from draftctl.commands.lazy import COMMANDS, LazyCommands
from draftctl.errors import DraftctlError


class DraftctlGroup(TyperGroup):
    """The one place a DraftctlError becomes `error: …`, a hint and its exit code; its
    commands are imported when one runs (`commands/lazy.py`), never all at start-up."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self.commands = self.lazy = LazyCommands(COMMANDS, self.commands)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        with self.lazy.summaries():
            super().format_commands(ctx, formatter)

    def shell_complete(self, ctx: Any, incomplete: str) -> list[Any]:
        with self.lazy.summaries():
            return super().shell_complete(ctx, incomplete)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except DraftctlError as problem:
            if App.of(ctx).debug:
                raise
            output.error(problem.message, problem.hint)
            raise typer.Exit(int(problem.exit_code)) from None
        finally:
            App.of(ctx).close()

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_globals(self, ctx, args))


app = Typer(
    cls=DraftctlGroup,
    name="draftctl",
    help="Policy drafting in public consultation: every change attributed to the round behind it.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"draftctl {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    repo: Path | None = typer.Option(
        None, "--repo", help="Run as if started in PATH (like git -C).", metavar="PATH"
    ),
    no_color: bool = typer.Option(False, "--no-color", help="Plain output without colour."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks and git's full output."),
    quiet: bool = typer.Option(
        False, "-q", "--quiet", help="No notices or progress on stderr (errors still show)."
    ),
    no_pager: bool = typer.Option(
        False, "--no-pager", help="Never page long output (also: DRAFTCTL_PAGER=cat)."
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """draftctl keeps policy drafts in git and records, for every change, the consultation
    round, stakeholders and rationale that prompted it.

    Global options may come before or after the command name.

    Example: draftctl log --round evidence-review --no-pager
    """
    ctx.obj = start(repo, debug, no_color, quiet, no_pager)
