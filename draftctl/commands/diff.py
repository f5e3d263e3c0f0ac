"""Commands for reading changes: `diff` (the annotated redline) and `show` (one commit).

Their bodies are in `reading.py`, which the quick lane (`quick.py`) runs without Typer."""

from __future__ import annotations

import typer

from draftctl.commands import options, reading
from draftctl.commands.context import App
from draftctl.commands.reading import Format


def diff(
    ctx: typer.Context,
    from_arg: str | None = options.revision_argument(
        "Older side (default: the latest version).", metavar="FROM", required=False
    ),
    to_arg: str | None = options.revision_argument(
        "Newer side (default: WORKTREE, the file on disk).", metavar="TO", required=False
    ),
    from_opt: str | None = options.range_from("The same as the FROM argument."),
    to_opt: str | None = options.range_to("The same as the TO argument."),
    draft: str | None = options.draft(),
    round_id: str | None = options.round_id("Only the changes credited to this round."),
    by: str | None = options.stakeholder("Only the changes prompted by this stakeholder.", "--by"),
    section: str | None = typer.Option(
        None, "--section", help="Only this section (a heading, or a path `A/B`)."
    ),
    fmt: Format = typer.Option(Format.terminal, "--format", help="Output format."),
    stat: bool = typer.Option(
        False, "--stat", help="Only a table of words added/removed per round and section."
    ),
    out: str | None = options.output_file(),
) -> None:
    """Show every change between two versions of a draft, with the round behind it.

    FROM defaults to the latest version (the draft's first commit when there is none) and TO
    to WORKTREE. Each change carries the consultation round, stakeholders, rationale, commit
    and date that put it there; --round, --stakeholder and --section narrow it down.

    Example: draftctl diff v0.2 --round evidence-review --format html -o redline.html
    """
    from_rev = options.pick(from_arg, from_opt, "from")
    to_rev = options.pick(to_arg, to_opt, "to")
    reading.diff(App.of(ctx), from_rev, to_rev, draft, round_id, by, section, fmt, stat, out)


def show(
    ctx: typer.Context,
    rev: str = options.revision_argument("The commit (or version) to show."),
    draft: str | None = options.draft("Only this draft."),
) -> None:
    """Show one change: its message and attribution, then its annotated diff.

    For a commit that changes several drafts, each draft's diff follows in turn.

    Example: draftctl show HEAD~2
    """
    reading.show(App.of(ctx), rev, draft)
