"""Commands for the consultation registry: `round …` and `stakeholder …`."""

from __future__ import annotations

import typer

from draftctl import output
from draftctl.commands import complete, options
from draftctl.commands.context import App, workspace
from draftctl.commands.help import Typer

round_app = Typer(help="Register, list, open and close consultation rounds.", no_args_is_help=True)
stakeholder_app = Typer(help="Register and list stakeholders.", no_args_is_help=True)


@round_app.command("add")
def round_add(
    ctx: typer.Context,
    round_id: str = typer.Argument(..., metavar="ID", help="Round id, a lower-case slug."),
    title: str = typer.Option(..., "--title", help="The round's title."),
    opens: str | None = typer.Option(None, "--opens", help="Opening date, YYYY-MM-DD."),
    closes: str | None = typer.Option(None, "--closes", help="Closing date, YYYY-MM-DD."),
    stakeholder: list[str] = options.stakeholders("A stakeholder consulted (repeat)."),
) -> None:
    """Register a consultation round (state: planned).

    Example: draftctl round add evidence-review --title "Evidence review" --stakeholder who
    """
    from draftctl.consultation.registry import add_round

    item = add_round(workspace(ctx), round_id, title, opens, closes, stakeholder)
    output.notice(f"registered round {item.id}; open it with `draftctl round open {item.id}`")


@round_app.command("list")
def round_list(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")
) -> None:
    """List the rounds.

    Example: draftctl round list --json
    """
    from draftctl.commands import listings

    listings.round_list(App.of(ctx), as_json)


@round_app.command("show")
def round_show(
    ctx: typer.Context,
    round_id: str = typer.Argument(
        ..., metavar="ROUND", help="Round id.", autocompletion=complete.rounds
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show a round: its dates, stakeholders and the commits attributed to it.

    Example: draftctl round show evidence-review
    """
    from draftctl.consultation.history import filter_records, read_log
    from draftctl.render.tables import round_detail

    ws = workspace(ctx)
    item = ws.config.round(round_id)
    commits = filter_records(read_log(ws), round_id=round_id)
    if as_json:
        output.print_json({**item.as_json(), "commits": [c.as_json() for c in commits]})
    else:
        with output.paged():
            round_detail(output.console(), ws.config, item, commits)


def _set_state(ctx: typer.Context, round_id: str, state: str, on: str | None) -> None:
    from draftctl.consultation.registry import set_round_state

    item = set_round_state(workspace(ctx), round_id, state, on)
    output.notice(f"round {item.id} is now {item.state}")


@round_app.command("open")
def round_open(
    ctx: typer.Context,
    round_id: str = typer.Argument(
        ..., metavar="ROUND", help="Round id.", autocompletion=complete.rounds
    ),
    on: str | None = options.date("Opening date if not set (default: today).", "--on"),
) -> None:
    """Open a round so that commits may cite it.

    Example: draftctl round open evidence-review
    """
    _set_state(ctx, round_id, "open", on)


@round_app.command("close")
def round_close(
    ctx: typer.Context,
    round_id: str = typer.Argument(
        ..., metavar="ROUND", help="Round id.", autocompletion=complete.rounds
    ),
    on: str | None = options.date("Closing date if not set (default: today).", "--on"),
) -> None:
    """Close a round; later commits citing it are refused unless --force.

    Example: draftctl round close evidence-review
    """
    _set_state(ctx, round_id, "closed", on)


@stakeholder_app.command("add")
def stakeholder_add(
    ctx: typer.Context,
    stakeholder_id: str = typer.Argument(..., metavar="ID", help="Stakeholder id, a slug."),
    name: str = typer.Option(..., "--name", help="Display name."),
    kind: str | None = typer.Option(
        None, "--kind", help="e.g. un-agency, civil-society, research."
    ),
) -> None:
    """Register a stakeholder.

    Example: draftctl stakeholder add who --name "World Health Organization" --kind un-agency
    """
    from draftctl.consultation.registry import add_stakeholder

    item = add_stakeholder(workspace(ctx), stakeholder_id, name, kind)
    output.notice(f"registered stakeholder {item.id} ({item.name})")


@stakeholder_app.command("list")
def stakeholder_list(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")
) -> None:
    """List the stakeholders.

    Example: draftctl stakeholder list
    """
    from draftctl.commands import listings

    listings.stakeholder_list(App.of(ctx), as_json)
