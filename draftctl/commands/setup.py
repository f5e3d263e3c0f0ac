"""Commands that create things: `init`, `new` and `demo`."""

from __future__ import annotations

from pathlib import Path

import typer

from draftctl import output
from draftctl.commands.context import App, workspace


def init(
    ctx: typer.Context,
    path: Path = typer.Argument(
        Path("."), help="Folder to make a drafts repository (default: here)."
    ),
    name: str | None = typer.Option(None, "--name", help="The repository's display name."),
) -> None:
    """Make (or adopt) a git repository as a drafts repository.

    Example: draftctl init sex-work-policy --name "Sex work policy"
    """
    from draftctl.consultation.setup import init_repository

    ws = init_repository(App.of(ctx).base / path, name)
    output.notice(f"initialised drafts repository in {ws.top}")
    output.notice("next: `draftctl new policy`, then `draftctl round add …`")


def new(
    ctx: typer.Context,
    draft: str = typer.Argument(..., help="Name of the draft, e.g. `policy` for drafts/policy.md."),
    title: str | None = typer.Option(None, "--title", help="The draft's title (its # heading)."),
) -> None:
    """Start a new draft from a short template and commit it.

    Example: draftctl new policy --title "Policy on the human rights of sex workers"
    """
    from draftctl.consultation.setup import new_draft

    path = new_draft(workspace(ctx), draft, title)
    output.notice(f"created {path}; edit it, then record changes with `draftctl commit`")


def demo(
    path: Path = typer.Argument(Path("draftctl-demo"), help="Folder to build the demo in."),
) -> None:
    """Build the sample consultation repository and show its annotated diff.

    Example: draftctl demo && cd draftctl-demo && draftctl log
    """
    from draftctl.render.tables import print_log
    from draftctl.sample.demo import NEXT_STEPS, build_demo, demo_diff

    with output.progress("replaying the sample consultation") as advance:
        ws = build_demo(path, advance)
    console = output.console()
    from draftctl.consultation.history import read_log

    print_log(console, read_log(ws))
    console.print()
    console.print(
        "[bold]What the final review changed before the ICM vote[/] "
        "(draftctl diff v0.3-consultation icm-2015):"
    )
    from draftctl.render.terminal import render_terminal

    plain = console.no_color or console.color_system is None
    for item in render_terminal(demo_diff(ws), ws.config, plain=plain):
        console.print(item)
    output.notice(NEXT_STEPS.format(path=path))


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(new)
    app.command()(demo)
