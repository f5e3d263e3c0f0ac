"""Commands of the writer's daily loop: `commit`, `status` and `log`."""

from __future__ import annotations

import typer

from draftctl import output
from draftctl.commands import complete, options
from draftctl.commands.context import App, workspace


def commit(
    ctx: typer.Context,
    drafts: list[str] = typer.Argument(
        None,
        metavar="[DRAFT]...",
        help="Drafts to record (default: every changed draft).",
        autocompletion=complete.drafts,
    ),
    round_id: str = options.round_id("The consultation round behind the change.", required=True),
    by: list[str] = options.stakeholders("A stakeholder whose input prompted it (repeat).", "--by"),
    message: str = typer.Option(..., "-m", "--message", help="What changed, in one line."),
    why: str | None = typer.Option(None, "--why", help="The rationale, one paragraph."),
    feedback: list[str] = options.feedback_refs(),
    section: list[str] = typer.Option(
        [], "--section", help="Record only changes inside this section (repeat; `A/B` for a path)."
    ),
    force: bool = typer.Option(False, "--force", help="Allow a round that is not open."),
) -> None:
    """Record changes to drafts with the round, stakeholders and rationale behind them.

    Example: draftctl commit policy --round evidence-review --stakeholder who -m "Cite WHO 2012"
    """
    from draftctl.consultation.recording import build_attribution, commit_changes

    ws = workspace(ctx)
    attribution = build_attribution(ws.config, round_id, by, why, feedback, force=force)
    done = commit_changes(ws, drafts or [], attribution, message, section)
    names = ", ".join(ws.draft_name(p) for p in done.drafts)
    output.notice(f"recorded {done.commit[:10]} ({names}) for round {round_id}")


def status(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")
) -> None:
    """Show uncommitted changes, unattributed commits, open rounds and the last version.

    Example: draftctl status
    """
    from draftctl.commands import listings

    listings.status(App.of(ctx), as_json)


def log(
    ctx: typer.Context,
    draft: str | None = options.draft("Only this draft."),
    round_id: str | None = options.round_id("Only commits of this round."),
    by: str | None = options.stakeholder("Only commits prompted by this stakeholder.", "--by"),
    section: str | None = typer.Option(
        None, "--section", help="Only commits changing this section."
    ),
    from_rev: str | None = options.range_from("Start after this revision."),
    to_rev: str | None = options.range_to("End at this revision (default: HEAD)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show the attributed history, newest first.

    Example: draftctl log --round stakeholder-consultation --stakeholder who
    """
    from draftctl.commands import listings

    listings.log(App.of(ctx), draft, round_id, by, section, from_rev, to_rev, as_json)
