"""Rich tables and panels for the registry, the log and the status report."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from draftctl.render.safe import markup_safe as safe
from draftctl.textutil import plural, visible

if TYPE_CHECKING:  # types only: a registry listing must not import history (nor the engine)
    from draftctl.consultation.config import Config, Round, Stakeholder
    from draftctl.consultation.history import CommitRecord
    from draftctl.consultation.workspace import Workspace

_STATE_STYLE = {"open": "bold green", "planned": "yellow", "closed": "dim"}


def cell(value: str | None, style: str = "", empty: str = "—") -> Text:
    """A stored value as a table cell: never read as markup, control characters shown."""
    return Text(visible(value, one_line=True) if value else empty, style=style)


def new_table(title: str, *columns: str, whole: tuple[str, ...] = ()) -> Table:
    """A listing table; the columns named in `whole` (ids, dates, counts) are never cut."""
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", title_style="bold")
    for column in columns:
        table.add_column(column, no_wrap=column in whole, overflow="fold")
    return table


def print_table(console: Console, table: Table) -> None:
    """Print `table` at the console's width, or wider when that is what keeps ids whole.

    Columns that hold ids (`no_wrap`) keep their full width; the other columns wrap. Only
    when even that does not fit is the table printed wider than the screen, so a narrow
    terminal or `COLUMNS=40` never turns `internal-draft-review` into `internal-dr…`.
    """
    width = console.width
    console.width = max(width, _width_keeping_ids(console, table))
    try:
        console.print(table)
    finally:
        console.width = width


def _width_keeping_ids(console: Console, table: Table) -> int:
    need = 4
    for column in table.columns:
        sizes = [console.measure(cell) for cell in (column.header, *column.cells)]
        if column.width:
            width = column.width
        elif column.no_wrap:
            width = max(size.maximum for size in sizes)
        else:
            width = min(max(size.minimum for size in sizes), 12)
        need += max(width, column.min_width or 0) + 3
    return need


def rounds_table(rounds: list[Round]) -> Table:
    columns = ("id", "title", "state", "opens", "closes", "stakeholders")
    table = new_table("Consultation rounds", *columns, whole=(*columns[:1], *columns[2:]))
    for item in rounds:
        table.add_row(
            cell(item.id, "bold"),
            cell(item.title),
            cell(item.state, _STATE_STYLE.get(item.state, "")),
            cell(item.opens),
            cell(item.closes),
            Text("\n".join(visible(i, one_line=True) for i in item.stakeholders) or "—"),
        )
    return table


def stakeholders_table(people: list[Stakeholder]) -> Table:
    table = new_table("Stakeholders", "id", "name", "kind", whole=("id", "kind"))
    for person in people:
        table.add_row(cell(person.id, "bold"), cell(person.name), cell(person.kind))
    return table


def unattributed_table(records: list[CommitRecord]) -> Table:
    """`attribute --list`: the commits changing drafts that still lack a round."""
    title = f"{plural(len(records), 'commit')} without a round"
    table = new_table(title, "date", "commit", "author", "change", whole=("date", "commit"))
    for record in records:
        row = (record.date[:10], record.commit[:10], record.author, record.subject)
        table.add_row(*(cell(value) for value in row))
    return table


def feedback_table(items: list[dict[str, Any]]) -> Table:
    """`feedback list`: one row per item; ids, rounds and stakeholders are never cut."""
    columns = ("id", "round", "from", "summary", "status", "commits")
    table = new_table(f"Feedback ({len(items)})", *columns, whole=(*columns[:3], *columns[4:]))
    for item in items:
        style = "yellow" if item["status"] == "open" else ""
        table.add_row(
            cell(item["id"], "bold"),
            cell(item["round"]),
            cell(item["from"]),
            cell(item["summary"]),
            cell(item["status"], style),
            "\n".join(c[:8] for c in item["commits"][:3]) or "—",
        )
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
    """The history as aligned lines: fast for thousands of commits, unlike a full table.

    Ids (commit, round, stakeholders) are never cut. At a terminal a long subject wraps at
    word boundaries under itself; piped, each commit stays on one line for grep and cut.
    """
    console.print(Text(f"History: {plural(len(records), 'commit')}, newest first", style="bold"))
    rounds = [_round_cell(r) for r in records]
    people = [visible(", ".join(r.attribution.prompted_by), one_line=True) or "—" for r in records]
    subjects = [visible(r.subject, one_line=True) for r in records]
    round_width = max((len(c.plain) for c in rounds), default=5)
    people_width = min(max((len(p) for p in people), default=1), 24)
    longest = max((len(s) for s in subjects), default=10)
    for record, round_cell, who, subject in zip(records, rounds, people, subjects, strict=True):
        line = Text(f"{record.date[:10]}  ")
        line.append(record.commit[:8], style="yellow")
        line.append("  ")
        line.append_text(round_cell)
        line.append(
            " " * (round_width - len(round_cell.plain) + 2) + who.ljust(people_width) + "  "
        )
        words = _words(record)
        if not console.is_terminal:
            _print_wrapped(console, line, subject, longest, words)
        elif console.width - len(line) - len(words) - 2 >= 24:
            width = console.width - len(line) - len(words) - 2
            _print_wrapped(console, line, subject, width, words)
        else:  # too narrow to share a line: the subject goes under it, still whole words
            console.print(line + words, soft_wrap=True)
            _print_wrapped(console, Text("    "), subject, console.width - 4, Text())


def _print_wrapped(console: Console, head: Text, subject: str, width: int, tail: Text) -> None:
    """`head`, then `subject` wrapped at word boundaries to `width` under itself, then `tail`."""
    parts = [subject]
    if len(subject) > width:
        parts = textwrap.wrap(subject, width, break_long_words=False, break_on_hyphens=False)
    indent = " " * len(head)
    for index, part in enumerate(parts or [""]):
        line = head if index == 0 else Text(indent)
        if index < len(parts) - 1:
            line.append(part)
        elif tail:
            line.append(part.ljust(width) + "  ")
            line.append_text(tail)
        else:
            line.append(part)
        console.print(line, soft_wrap=True)


def round_detail(
    console: Console, config: Config, item: Round, commits: list[CommitRecord]
) -> None:
    console.print(cell(item.title, "bold"), cell(f"  ({item.id})", "dim"))
    console.print(
        cell(f"state: {item.state}   opens: {item.opens or '—'}   closes: {item.closes or '—'}")
    )
    people = [config.stakeholders[s] for s in item.stakeholders if s in config.stakeholders]
    if people:
        print_table(console, stakeholders_table(people))
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
        console.print(f"[red]{plural(len(report['unattributed']), 'commit')} without a round:[/]")
        for item in report["unattributed"]:
            console.print(cell(f"   {item['commit'][:8]}  {item['subject']}"))
    rounds = ", ".join(r["id"] for r in report["open_rounds"]) or "none"
    console.print(cell(f"Open rounds: {rounds}"))
