"""What a command is handed: the run's global options, carried in Typer's context object."""

from __future__ import annotations

import os
from pathlib import Path

from draftctl import output

TYPE_CHECKING = False  # typing's flag, without importing typing at run time
if TYPE_CHECKING:  # no typer at run time: the quick lane (`quick.py`) runs without it
    import typer

    from draftctl.consultation.workspace import Workspace


class App:
    """The global options of one run that commands read (`--repo`, `--debug`), set by the
    callback in cli.py; `--quiet`, `--no-pager` and colour go to `output.configure`."""

    __slots__ = ("debug", "opened", "repo")

    def __init__(self, repo: Path | None = None, debug: bool = False) -> None:
        self.repo = repo
        self.debug = debug
        self.opened: list[Workspace] = []  # closed when the run ends (`close`)

    @classmethod
    def of(cls, ctx: typer.Context) -> App:
        """The App of the run that `ctx` belongs to (a default one outside a full run)."""
        return ctx.ensure_object(cls)

    @property
    def base(self) -> Path:
        """The folder the run acts in: --repo, or else the current folder."""
        return self.repo if self.repo is not None else Path.cwd()

    def workspace(self) -> Workspace:
        """The drafts repository named by --repo or found from the current folder."""
        from draftctl.consultation.workspace import open_workspace

        opened = open_workspace(self.repo)
        self.opened.append(opened)
        return opened

    def close(self) -> None:
        """End the git processes the run's repositories keep open (a process's exit would; a
        run inside a longer-lived process, such as a test, must not leave them behind)."""
        while self.opened:
            self.opened.pop().repo.close()


def start(repo: Path | None, debug: bool, no_color: bool, quiet: bool, no_pager: bool) -> App:
    """The run's global options taken in: the App commands read, and the output settings."""
    color = not no_color and "NO_COLOR" not in os.environ
    output.configure(color=color, quiet=quiet, pager=not no_pager)
    return App(repo, debug)


def workspace(ctx: typer.Context) -> Workspace:
    """The drafts repository of the run `ctx` belongs to."""
    return App.of(ctx).workspace()
