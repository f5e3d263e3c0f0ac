"""Rich tables and panels for the registry, the log and the status report."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from draftctl.consultation.config import Config, Round, Stakeholder
from draftctl.consultation.history import CommitRecord
from draftctl.consultation.workspace import Workspace
from draftctl.textutil import markup_safe as safe
from draftctl.textutil import visible

_STATE_STYLE = {"open": "bold green", "planned": "yellow", "closed": "dim"}


def cell(value: str | None, style: str = "", empty: str = "—") -> Text:
    """A stored value as a table cell: never read as markup, control characters shown."""
    return Text(visible(value, one_line=True) if value else empty, style=style)


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", title_style="bold")
    for column in columns:
        table.add_column(column)
    return table


def rounds_table(rounds: list[Round]) -> Table:
    table = _table("Consultation rounds", "id", "title", "state", "opens", "closes", "stakeholders")
    for item in rounds:
        table.add_row(
            cell(item.id, "bold"),
            cell(item.title),
            cell(item.state, _STATE_STYLE.get(item.state, "")),
            cell(item.opens),
            cell(item.closes),
            cell(", ".join(item.stakeholders)),
        )
    return table


def stakeholders_table(people: list[Stakeholder]) -> Table:
    table = _table("Stakeholders", "id", "name", "kind")
    for person in people:
        table.add_row(cell(person.id, "bold"), cell(person.name), cell(person.kind))
    return table


def _words(record: CommitRecord) -> Text:
    text = Text()
    text.append(f"+{record.inserted_words}", style="green")
    text.append(" ")
    text.append(f"−{record.deleted_words}", style="red")
    return text


def _round_cell(record: CommitRecord) -> Text:
    if record.bookkeeping and not record.round:
        return cell(f"({record.attribution.action})", "dim")
    shown = cell(record.round, "cyan" if record.round else "bold red", "unattributed")
    if record.noted:
        shown.append(" (note)", style="dim")
    return shown


def print_log(console: Console, records: list[CommitRecord]) -> None:
    """The history as aligned lines: fast for thousands of commits, unlike a full table."""
    console.print(Text(f"History: {len(records)} commits, newest first", style="bold"))
    rounds = [_round_cell(r) for r in records]
    people = [visible(", ".join(r.attribution.prompted_by), one_line=True) or "—" for r in records]
    subjects = [visible(r.subject, one_line=True) for r in records]
    round_width = min(max((len(c.plain) for c in rounds), default=5), 28)
    people_width = min(max((len(p) for p in people), default=1), 24)
    fixed = 10 + 2 + 8 + 2 + round_width + 2 + people_width + 2 + 14
    longest = max((len(s) for s in subjects), default=10)
    subject_width = max(console.width - fixed, 24) if console.is_terminal else longest
    for record, round_cell, who, subject in zip(records, rounds, people, subjects, strict=True):
        line = Text(f"{record.date[:10]}  ")
        line.append(record.commit[:8], style="yellow")
        line.append("  ")
        round_cell.truncate(round_width, overflow="ellipsis", pad=True)
        line.append_text(round_cell)
        line.append("  " + _fit(who, people_width) + "  ")
        line.append(_fit(subject, subject_width) + "  ")
        line.append_text(_words(record))
        console.print(line, soft_wrap=not console.is_terminal, no_wrap=True)


def _fit(text: str, width: int) -> str:
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"


def round_detail(
    console: Console, config: Config, item: Round, commits: list[CommitRecord]
) -> None:
    console.print(cell(item.title, "bold"), cell(f"  ({item.id})", "dim"))
    console.print(
        cell(f"state: {item.state}   opens: {item.opens or '—'}   closes: {item.closes or '—'}")
    )
    people = [config.stakeholders[s] for s in item.stakeholders if s in config.stakeholders]
    if people:
        console.print(stakeholders_table(people))
    if commits:
        print_log(console, commits)
    else:
        console.print(Text("No commits yet.", style="dim"))


def print_status(console: Console, ws: Workspace, report: dict[str, Any]) -> None:
    last = report["last_version"]
    if last:
        console.print(
            f"Last version: [bold]{safe(last['name'])}[/] "
            f"({safe(last['status'])}, {safe(last['date'][:10])})"
        )
    else:
        console.print("Last version: none yet (cut one with `draftctl tag`)")
    drafts = report["drafts"]
    if not drafts:
        console.print("[green]No uncommitted changes.[/]")
    for change in drafts:
        console.print(
            f"[bold]{safe(change['draft'])}[/] ({change['state']}): "
            f"[green]+{change['inserted_words']}[/] [red]−{change['deleted_words']}[/] words"
        )
        for path in change["sections"]:
            console.print(cell("   in " + (" › ".join(path) or "(before the first heading)")))
    if report["unattributed"]:
        console.print(f"[red]{len(report['unattributed'])} commit(s) without a round:[/]")
        for item in report["unattributed"]:
            console.print(cell(f"   {item['commit'][:8]}  {item['subject']}"))
    rounds = ", ".join(r["id"] for r in report["open_rounds"]) or "none"
    console.print(cell(f"Open rounds: {rounds}"))
