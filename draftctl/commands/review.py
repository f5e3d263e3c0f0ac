"""Review commands: `blame`, `attribute`, `feedback …`, `report` and `check`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from draftctl import output
from draftctl.commands import complete, options
from draftctl.commands.context import App, workspace
from draftctl.commands.help import Typer
from draftctl.textutil import plural

if TYPE_CHECKING:
    from rich.text import Text

    from draftctl.consultation.history import CommitRecord
    from draftctl.review.blame import BlameBlock

feedback_app = Typer(
    help="The feedback register: record stakeholder feedback and the response to it.",
    no_args_is_help=True,
)


# -- blame -----------------------------------------------------------------------------


def _margin(line: BlameBlock) -> Text:
    from rich.text import Text

    record = line.last.record
    here = line.last.round_key
    margin = Text(here, style="cyan" if record and record.round else "red")
    margin.append(f"\n{line.last.commit[:8] if line.last.commit else 'uncommitted'}", "yellow")
    margin.append(f" {record.date[:10]}" if record else "", "dim")
    earlier = [r for r in line.rounds if r != here]
    if earlier:
        margin.append("\n← " + ", ".join(earlier), "dim")
    return margin


def _print_blame(lines: list[BlameBlock]) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from draftctl.render.tables import print_table
    from draftctl.textutil import visible

    rounds = {r for line in lines for r in (line.last.round_key, *line.rounds)}
    margin = max((len(r) + 2 for r in rounds), default=0)
    table = Table(box=box.MINIMAL, show_header=False, show_edge=False, padding=(0, 1))
    table.add_column(width=max(24, margin), overflow="fold")
    table.add_column(ratio=1, min_width=24, overflow="fold")
    for index, line in enumerate(lines):
        text = line.text if line.kind == "code" else " ".join(line.text.split())
        style = "bold" if line.kind == "heading" else ""
        table.add_row(_margin(line), Text(visible(text), style=style), end_section=False)
        if index + 1 < len(lines):
            table.add_row("", "")
    with output.paged():
        print_table(output.console(), table)


def blame(
    ctx: typer.Context,
    draft: str | None = options.draft(),
    at: str = options.revision(
        "The revision to annotate (default: WORKTREE).", "--at", default="WORKTREE"
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show every block of a draft with the round, commit and date that last changed it.

    Credit follows words, not lines: a reflow never takes the credit, and a block whose last
    commit only fixed a comma still shows the rounds that wrote it.

    Example: draftctl blame --draft policy --rev icm-2015
    """
    from draftctl.review.blame import blame_draft

    ws = workspace(ctx)
    lines = blame_draft(ws, draft, at)
    if as_json:
        output.print_json([line.as_json() for line in lines])
        return
    _print_blame(lines)


# -- attribute -------------------------------------------------------------------------


def _print_commits(records: list[CommitRecord]) -> None:
    from draftctl.render.listing import unattributed_table

    if not records:
        output.notice("every commit that changes a draft has a round")
        return
    with output.paged():
        output.print_table(unattributed_table(records))


def attribute(
    ctx: typer.Context,
    rev: str | None = options.revision_argument("The commit to attribute.", required=False),
    round_id: str | None = options.round_id("The round behind the change."),
    by: list[str] = options.stakeholders("A stakeholder who prompted it (repeat).", "--by"),
    why: str | None = typer.Option(None, "--why", help="The rationale, one paragraph."),
    feedback: list[str] = options.feedback_refs(),
    list_missing: bool = typer.Option(
        False, "--list", help="List the commits changing drafts that still lack a round."
    ),
    as_json: bool = typer.Option(False, "--json", help="With --list: print JSON."),
) -> None:
    """Attribute a commit after the fact with a git note (refs/notes/draftctl).

    The note's trailers take precedence over the commit's own everywhere. `sync` pushes notes.

    Example: draftctl attribute 3f2a9c1 --round evidence-review --stakeholder who --why "WHO"
    """

    ws = workspace(ctx)
    if list_missing:
        from draftctl.consultation.notes import unattributed_commits

        records = unattributed_commits(ws)
        if as_json:
            output.print_json([r.as_json() for r in records])
        else:
            _print_commits(records)
        return
    if rev is None or round_id is None:
        raise typer.BadParameter("give REV and --round R, or --list")
    from draftctl.consultation.notes import attribute_commit

    done = attribute_commit(ws, rev, round_id, by, why, feedback)
    was = f" (replacing round {done.replaced.round})" if done.replaced else ""
    output.notice(f"attributed {done.commit[:10]} to round {round_id}{was}")
    output.notice("share it with `draftctl sync` (notes travel with refs/notes/draftctl)")


# -- feedback --------------------------------------------------------------------------


@feedback_app.command("add")
def feedback_add(
    ctx: typer.Context,
    round_id: str = options.round_id("The round the feedback came in.", required=True),
    source: str = options.stakeholder("The stakeholder who gave it.", "--from", required=True),
    summary: str = typer.Option(..., "--summary", help="What they said, in one line."),
    ref: str | None = typer.Option(None, "--ref", help="Their reference, e.g. a submission no."),
) -> None:
    """Record a piece of stakeholder feedback in the register (feedback.toml), committed.

    Example: draftctl feedback add --round evidence --stakeholder who --summary "Cite WHO"
    """
    from draftctl.consultation.feedback import add_feedback

    item = add_feedback(workspace(ctx), round_id, source, summary, ref)
    output.notice(f"recorded {item.id}; cite it with `draftctl commit --feedback {item.id}`")
    typer.echo(item.id)


@feedback_app.command("list")
def feedback_list(
    ctx: typer.Context,
    round_id: str | None = options.round_id("Only feedback from this round."),
    source: str | None = options.stakeholder("Only feedback from this stakeholder.", "--from"),
    open_only: bool = typer.Option(False, "--open", help="Only feedback not yet responded to."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the feedback register with each item's status and the commits citing it.

    Example: draftctl feedback list --round evidence --open
    """
    from draftctl.commands import listings

    listings.feedback_list(App.of(ctx), round_id, source, open_only, as_json)


@feedback_app.command("respond")
def feedback_respond(
    ctx: typer.Context,
    item_id: str = typer.Argument(
        ...,
        metavar="ID",
        help="The feedback id, e.g. FB-0001.",
        autocompletion=complete.feedbacks,
    ),
    status: str = typer.Option(..., "--status", help="accepted, partly, declined or noted."),
    response: str = typer.Option(..., "--response", help="The response, in one paragraph."),
) -> None:
    """Record the response to a piece of feedback (and whether it was accepted).

    Example: draftctl feedback respond FB-0001 --status declined --response "Out of scope"
    """
    from draftctl.consultation.feedback import respond_feedback

    item = respond_feedback(workspace(ctx), item_id, status, response)
    output.notice(f"{item.id} is now {item.status}")


# -- report ----------------------------------------------------------------------------


def report(
    ctx: typer.Context,
    revs: list[str] = typer.Argument(
        None, metavar="[FROM TO]", help="A range of revisions.", autocompletion=complete.revisions
    ),
    from_opt: str | None = options.range_from("The same as the FROM argument."),
    to_opt: str | None = options.range_to("The same as the TO argument."),
    round_id: str | None = options.round_id("Report on this round only."),
    draft: str | None = options.draft(),
    fmt: str = typer.Option(
        "markdown", "--format", help="markdown, html or json.", metavar="markdown|html|json"
    ),
    out: str | None = options.output_file(),
) -> None:
    """The consultation outcome report: per round, who was consulted, what changed and why,
    and "you said, we did" for every piece of feedback.

    Example: draftctl report --round stakeholder-consultation --format html -o report.html
    """
    from draftctl.review.report import build_report

    if fmt not in ("markdown", "html", "json"):
        raise typer.BadParameter("use markdown, html or json", param_hint="--format")
    from_rev, to_rev = _report_range(revs or [], from_opt, to_opt, round_id)
    ws = workspace(ctx)
    result = build_report(ws, draft, round_id, from_rev, to_rev)
    if fmt == "json":
        import json

        text = json.dumps(result.as_json(), indent=2, ensure_ascii=False)
    elif fmt == "html":
        from draftctl.render.report_html import render_report_html

        text = render_report_html(result)
    else:
        from draftctl.render.report_markdown import render_report_markdown

        text = render_report_markdown(result)
    output.write_result(text, out, page=fmt != "json")


def _report_range(
    revs: list[str], from_opt: str | None, to_opt: str | None, round_id: str | None
) -> tuple[str | None, str | None]:
    """FROM and TO, given as two arguments or as --from and --to, never with --round."""
    from_rev = options.pick(revs[0] if revs else None, from_opt, "from")
    to_rev = options.pick(revs[1] if len(revs) > 1 else None, to_opt, "to")
    if len(revs) > 2 or (from_rev is None) != (to_rev is None) or (from_rev and round_id):
        raise typer.BadParameter("give either --round R or FROM TO (two revisions)")
    return from_rev, to_rev


# -- check -----------------------------------------------------------------------------


def check(
    ctx: typer.Context,
    since: str | None = options.range_from("Check only commits after REV.", "--since"),
    install_hook: bool = typer.Option(
        False, "--install-hook", help="Install a git pre-push hook that runs this check."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the failing commits as JSON."),
) -> None:
    """Fail (exit 1) when a commit changing a draft has no round, cites an unknown round,
    stakeholder or feedback id, or cites a round that had closed by the commit's date.

    Example: draftctl check --from icm-2015
    """
    from draftctl.consultation.check import CheckFailed, check_history
    from draftctl.consultation.check import install_hook as install
    from draftctl.textutil import visible

    ws = workspace(ctx)
    if install_hook:
        target = install(ws)
        output.notice(f"installed {target}: `git push` now runs `draftctl check` first")
        return
    findings = check_history(ws, since)
    if as_json:
        output.print_json([f.as_json() for f in findings])
    for finding in [] if as_json else findings:
        problems = "; ".join(finding.problems)
        line = f"{finding.commit[:10]}  {finding.date[:10]}  {finding.subject}: {problems}"
        typer.echo(visible(line, one_line=True))
    if findings:
        count = plural(len(findings), "commit")
        raise CheckFailed(
            f"{count} changing drafts {'fails' if len(findings) == 1 else 'fail'} the check"
        )
    output.notice("every commit changing a draft has a valid round")
