"""Rich tables for a terminal: the listings of `render.listing`, the log, a round's detail."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from draftctl.render.listing import Line, Listing, stakeholders_table
from draftctl.textutil import plural, visible

if TYPE_CHECKING:  # types only: a registry listing must not import history (nor the engine)
    from draftctl.consultation.config import Config, Round
    from draftctl.consultation.history import CommitRecord


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


def rich_table(listing: Listing) -> Table:
    """A listing as a rich table (what a terminal shows)."""
    table = new_table(listing.title, *listing.headers, whole=listing.whole)
    for row in listing.rows:
        table.add_row(*(Text(text, style=style) for text, style in row))
    return table


def print_listing(console: Console, listing: Listing) -> None:
    print_table(console, rich_table(listing))


def styled(line: Line) -> Text:
    """A line of spans as one rich Text; a first span without text styles the whole line."""
    base = line[0][1] if line and not line[0][0] else ""
    text = Text(style=base)
    for part, style in line:
        text.append(part, style=style)
    return text


def print_styled(console: Console, lines: list[Line]) -> None:
    """Styled lines (`render.listing`) printed through rich, each wrapped at the width."""
    for line in lines:
        console.print(styled(line))


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
        print_listing(console, stakeholders_table(people))
    if commits:
        print_log(console, commits)
    else:
        console.print(Text("No commits yet.", style="dim"))
