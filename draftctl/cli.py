"""The entry point: an everyday listing in the quick lane, anything else through the Typer app;
anything unexpected is one line too, and a traceback only with --debug."""

from __future__ import annotations

import sys

from draftctl import output
from draftctl.commands import quick
from draftctl.errors import DraftctlError, ExitCode
from draftctl.names import check_arguments

TYPE_CHECKING = False  # typing's flag, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


def __getattr__(name: str) -> Any:
    """`draftctl.cli.app`, the Typer app (`commands/root.py`), built when first asked for."""
    if name == "app":
        from draftctl.commands.root import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Entry point; anything unexpected is one line too, and a traceback only with --debug."""
    try:
        check_arguments(sys.argv[1:])
        if not quick.run(sys.argv[1:]):
            from draftctl.commands.root import app

            app(prog_name="draftctl")
    except DraftctlError as problem:  # raised before typer runs, so not seen by DraftctlGroup
        output.error(problem.message, problem.hint)
        sys.exit(int(problem.exit_code))
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
