"""`diff --stat`: words added and removed per round and per section, as rich tables."""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from draftctl.consultation.config import Config
from draftctl.review.result import AnnotatedDiff, round_title
from draftctl.textutil import visible


def _table(title: str, *first: str) -> Table:
    """A table whose round ids and counts are never cut (titles and headings wrap)."""
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", title_style="bold")
    for name in first:
        table.add_column(name, no_wrap=name == "round", overflow="fold")
    table.add_column("added", justify="right", style="green", no_wrap=True)
    table.add_column("removed", justify="right", style="red", no_wrap=True)
    return table


def stat_tables(result: AnnotatedDiff, config: Config) -> list[Table]:
    """Two tables: words +/− per round (with its title), then per section."""
    rounds = _table(f"{visible(result.draft)}: words changed per round", "round", "title")
    for key, (ins, dele) in result.stats.rounds.items():
        title = Text(visible(round_title(config, key)))
        rounds.add_row(Text(visible(key), style="bold"), title, f"+{ins}", f"−{dele}")
    rounds.add_section()
    rounds.add_row(
        Text("total", style="bold"),
        "",
        f"+{result.stats.inserted_words}",
        f"−{result.stats.deleted_words}",
    )
    sections = _table("Words changed per section", "section")
    for path, (ins, dele) in result.stats.sections.items():
        sections.add_row(Text(visible(result.section_text(path))), f"+{ins}", f"−{dele}")
    return [rounds, sections]
