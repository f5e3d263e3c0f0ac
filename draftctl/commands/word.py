"""The `import` command: a returned Word review, or an existing Word policy, into the drafts."""

from __future__ import annotations

from pathlib import Path

import typer

from draftctl import output
from draftctl.commands import complete, options
from draftctl.commands.context import workspace
from draftctl.textutil import plural


def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="The Word file (.docx).", metavar="FILE.docx"),
    round_id: str | None = options.round_id("The consultation round the review belongs to."),
    sources: list[str] = options.stakeholders(
        "Stakeholder who returned it (repeatable).", "--from"
    ),
    draft: str | None = options.draft("The draft (default: as exported)."),
    base: str | None = typer.Option(
        None,
        "--base",
        help="The version the file was made from, when it does not say.",
        metavar="REV",
        autocompletion=complete.revisions,
    ),
    as_new: str | None = typer.Option(
        None, "--as-new", help="Start this new draft from the file instead.", metavar="DRAFT"
    ),
    report: Path | None = typer.Option(
        None, "--report", help="Where to write the conflict report (default: next to FILE)."
    ),
    why: str | None = typer.Option(
        None, "--why", help="The rationale (default: what the file changed, and its name)."
    ),
    feedback: list[str] = typer.Option(
        [], "--feedback", help="Feedback this answers, e.g. FB-0012 (repeatable).", metavar="REF"
    ),
    message: str | None = typer.Option(None, "-m", "--message", help="The commit's subject."),
    force: bool = typer.Option(False, "--force", help="Record even if the round is not open."),
) -> None:
    """Record a returned Word file's tracked changes and comments, attributed to a round.

    Example: draftctl import kenya.docx --round stakeholder-consultation --stakeholder kenya
    """
    if as_new is not None:
        from draftctl.release.word_new import start_from_word

        path, commit = start_from_word(workspace(ctx), file, as_new)
        output.notice(f"started {path} from {file.name} ({commit[:10]})")
        return
    if round_id is None:
        raise typer.BadParameter("give the round with --round ROUND", param_hint="--round")
    from draftctl.release.word_import import ImportOptions, import_review

    opts = ImportOptions(
        round_id, sources, draft, base, report, why, feedback, message, force=force
    )
    result = import_review(workspace(ctx), file, opts)
    _say(result, file.name)


def _say(result: object, name: str) -> None:
    from draftctl.release.word_import import ImportResult

    assert isinstance(result, ImportResult)
    tracked = len(result.tracked)
    if result.commit:
        credit = ", ".join(result.prompted_by)
        output.notice(
            f"recorded {plural(tracked, 'tracked change')} from {name} as {result.commit[:10]} "
            f"(made to {result.base_label}; credited to {credit})"
        )
    for edit in result.untracked:
        output.notice(f"untracked edit in {edit.section or '(top)'} ({edit.kind})")
    if result.merged:
        output.notice(f"applied on top of edits made since {result.base_label}")
    for author in result.unmapped:
        output.notice(f"Word author {author!r} has no stakeholder id; credited to --stakeholder")
    for item in result.feedback:
        output.notice(f"{item.id}: comment from {item.source}: {item.summary}")
