"""Commands that create things: `init`, `new`, `mv` and `demo`."""

from __future__ import annotations

from pathlib import Path

import typer

from draftctl import output
from draftctl.commands import complete, options
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


def mv(
    ctx: typer.Context,
    old: str = typer.Argument(
        ...,
        metavar="OLD",
        help="The draft to rename, e.g. `policy`.",
        autocompletion=complete.drafts,
    ),
    new: str = typer.Argument(..., metavar="NEW", help="Its new name, e.g. `sex-work-policy`."),
    round_id: str | None = options.round_id(
        "The round behind the rename (default: bookkeeping, no round)."
    ),
    by: list[str] = options.stakeholders("A stakeholder who asked for it (repeat).", "--by"),
    why: str | None = typer.Option(None, "--why", help="The rationale, one paragraph."),
) -> None:
    """Rename a draft in one commit; its history (diff, blame, log) follows the new name.

    Uncommitted edits move with the file and stay uncommitted.

    Example: draftctl mv policy sex-work-policy
    """
    from draftctl.consultation.recording import build_attribution
    from draftctl.consultation.rename import move_draft

    ws = workspace(ctx)
    given = build_attribution(ws.config, round_id, by, why, []) if round_id else None
    if given is None and (by or why):
        raise typer.BadParameter("--stakeholder and --why need --round", param_hint="--round")
    old_path, new_path, commit = move_draft(ws, old, new, given)
    output.notice(f"renamed {old_path} to {new_path} ({commit[:10]})")


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
