"""The everyday read-only commands' bodies, free of Typer: both lanes (`quick.py`, Typer) run them.

Each takes the run's `App` and the parsed options. Nothing here imports typer, rich or the
engine at module level; what a command needs it imports when it runs.
"""

from __future__ import annotations

from draftctl import output

TYPE_CHECKING = False  # typing's flag, without importing typing at run time
if TYPE_CHECKING:
    from draftctl.commands.context import App


def round_list(app: App, as_json: bool) -> None:
    """`round list [--json]`."""
    rounds = list(app.workspace().config.rounds.values())
    if as_json:
        output.print_json([r.as_json() for r in rounds])
    else:
        from draftctl.render.listing import rounds_table

        output.print_table(rounds_table(rounds))


def stakeholder_list(app: App, as_json: bool) -> None:
    """`stakeholder list [--json]`."""
    people = list(app.workspace().config.stakeholders.values())
    if as_json:
        output.print_json([p.as_json() for p in people])
    else:
        from draftctl.render.listing import stakeholders_table

        output.print_table(stakeholders_table(people))


def feedback_list(
    app: App, round_id: str | None, source: str | None, open_only: bool, as_json: bool
) -> None:
    """`feedback list [--round R] [--stakeholder S] [--open] [--json]`."""
    from draftctl.consultation.feedback import list_feedback

    items = list_feedback(app.workspace(), round_id, source, open_only)
    if as_json:
        output.print_json(items)
        return
    from draftctl.render.listing import feedback_table

    with output.paged():
        output.print_table(feedback_table(items))


def status(app: App, as_json: bool) -> None:
    """`status [--json]`."""
    from draftctl.review.status import collect_status

    report = collect_status(app.workspace())
    if as_json:
        output.print_json(report)
    else:
        from draftctl.render.listing import status_lines

        output.print_lines(status_lines(report))


def versions(app: App, as_json: bool) -> None:
    """`versions [--json]`."""
    from draftctl.release.versions import describe_versions

    entries = describe_versions(app.workspace())
    if as_json:
        output.print_json([entry.as_json() for entry in entries])
    elif not entries:
        output.notice("no versions yet; cut one with `draftctl tag NAME`")
    else:
        from draftctl.render.listing import version_lines

        with output.paged():
            output.print_lines(version_lines(entries))


def log(
    app: App,
    draft: str | None,
    round_id: str | None,
    by: str | None,
    section: str | None,
    from_rev: str | None,
    to_rev: str | None,
    as_json: bool,
) -> None:
    """`log [--draft D] [--round R] [--stakeholder S] [--section H] [--from REV] [--to REV]
    [--json]`."""
    from draftctl.review.log import collect_log

    ws = app.workspace()
    with output.progress("counting words") as progress:
        records = collect_log(ws, draft, round_id, by, section, from_rev, to_rev, progress)
    if as_json:
        output.print_json([r.as_json() for r in records])
        return
    from draftctl.render.tables import print_log

    with output.paged():
        print_log(output.console(), records)
