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

_STATE_STYLE = {"open": "bold green", "planned": "yellow", "closed": "dim"}


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", title_style="bold")
    for column in columns:
        table.add_column(column)
    return table


def rounds_table(rounds: list[Round]) -> Table:
    table = _table("Consultation rounds", "id", "title", "state", "opens", "closes", "stakeholders")
    for item in rounds:
        table.add_row(
            Text(item.id, style="bold"),
            item.title,
            Text(item.state, style=_STATE_STYLE.get(item.state, "")),
            item.opens or "—",
            item.closes or "—",
            ", ".join(item.stakeholders) or "—",
        )
    return table


def stakeholders_table(people: list[Stakeholder]) -> Table:
    table = _table("Stakeholders", "id", "name", "kind")
    for person in people:
        table.add_row(Text(person.id, style="bold"), person.name, person.kind or "—")
    return table


def _words(record: CommitRecord) -> Text:
    text = Text()
    text.append(f"+{record.inserted_words}", style="green")
    text.append(" ")
    text.append(f"−{record.deleted_words}", style="red")
    return text


def _round_cell(record: CommitRecord) -> Text:
    if record.bookkeeping and not record.round:
        return Text(f"({record.attribution.action})", style="dim")
    cell = Text(record.round or "unattributed", style="cyan" if record.round else "bold red")
    if record.noted:
        cell.append(" (note)", style="dim")
    return cell


def print_log(console: Console, records: list[CommitRecord]) -> None:
    """The history as aligned lines: fast for thousands of commits, unlike a full table."""
    console.print(Text(f"History: {len(records)} commits, newest first", style="bold"))
    rounds = [_round_cell(r) for r in records]
    people = [", ".join(r.attribution.prompted_by) or "—" for r in records]
    round_width = min(max((len(c.plain) for c in rounds), default=5), 28)
    people_width = min(max((len(p) for p in people), default=1), 24)
    fixed = 10 + 2 + 8 + 2 + round_width + 2 + people_width + 2 + 14
    longest = max((len(r.subject) for r in records), default=10)
    subject_width = max(console.width - fixed, 24) if console.is_terminal else longest
    for record, round_cell, who in zip(records, rounds, people, strict=True):
        line = Text(f"{record.date[:10]}  ")
        line.append(record.commit[:8], style="yellow")
        line.append("  ")
        round_cell.truncate(round_width, overflow="ellipsis", pad=True)
        line.append_text(round_cell)
        line.append("  " + _fit(who, people_width) + "  ")
        line.append(_fit(record.subject, subject_width) + "  ")
        line.append_text(_words(record))
        console.print(line, soft_wrap=not console.is_terminal, no_wrap=True)


def _fit(text: str, width: int) -> str:
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"


def round_detail(
    console: Console, config: Config, item: Round, commits: list[CommitRecord]
) -> None:
    console.print(Text(item.title, style="bold"), Text(f"  ({item.id})", style="dim"))
    console.print(
        f"state: {item.state}   opens: {item.opens or '—'}   closes: {item.closes or '—'}"
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
            f"Last version: [bold]{last['name']}[/] ({last['status']}, {last['date'][:10]})"
        )
    else:
        console.print("Last version: none yet (cut one with `draftctl tag`)")
    drafts = report["drafts"]
    if not drafts:
        console.print("[green]No uncommitted changes.[/]")
    for change in drafts:
        console.print(
            f"[bold]{change['draft']}[/] ({change['state']}): "
            f"[green]+{change['inserted_words']}[/] [red]−{change['deleted_words']}[/] words"
        )
        for path in change["sections"]:
            console.print("   in " + (" › ".join(path) or "(before the first heading)"))
    if report["unattributed"]:
        console.print(f"[red]{len(report['unattributed'])} commit(s) without a round:[/]")
        for item in report["unattributed"]:
            console.print(f"   {item['commit'][:8]}  {item['subject']}")
    rounds = ", ".join(r["id"] for r in report["open_rounds"]) or "none"
    console.print(f"Open rounds: {rounds}")
