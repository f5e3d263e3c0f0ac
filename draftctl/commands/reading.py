"""The bodies of `diff` and `show`, free of Typer: both lanes (`quick.py`, Typer) run them.

Each takes the run's `App` and the parsed options. Nothing here imports typer, rich or the
engine at module level; what a command needs it imports when it runs.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from draftctl import output
from draftctl.errors import DraftctlError

if TYPE_CHECKING:
    from rich.console import RenderableType

    from draftctl.commands.context import App
    from draftctl.consultation.config import Config
    from draftctl.review.annotate import CommitView
    from draftctl.review.result import AnnotatedDiff


class Format(StrEnum):
    terminal = "terminal"
    markdown = "markdown"
    html = "html"
    json = "json"
    docx = "docx"


def diff(
    app: App,
    from_rev: str | None,
    to_rev: str | None,
    draft: str | None,
    round_id: str | None,
    by: str | None,
    section: str | None,
    fmt: str,
    stat: bool,
    out: str | None,
) -> None:
    """`diff [FROM] [TO] [--draft D] [--round R] [--stakeholder S] [--section H] [--format F]
    [--stat] [-o FILE]`, FROM and TO given once each (as an argument or as its option)."""
    from draftctl.review.annotate import annotated_diff
    from draftctl.review.filters import Filters

    if fmt == Format.docx:
        _check_docx(out)
    ws = app.workspace()
    with output.progress("replaying history") as progress, _no_cycle_collection():
        result = annotated_diff(
            ws, draft, from_rev, to_rev, Filters(round_id, by, section), progress
        )
    if stat:
        _emit_stat(result, ws.config, out)
    else:
        _emit(result, ws.config, Format(fmt), out)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The engine makes hundreds of thousands of small lists and tuples and next to no
    reference cycles (15 objects for a 5 MB diff); the cycle collector's passes over them cost
    ~5% of a large diff for nothing, so it rests while the engine runs (reference counting
    still frees the rest) and collects as usual afterwards."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _check_docx(out: str | None) -> None:
    import importlib.util

    if importlib.util.find_spec("draftctl.render.docx") is None:
        raise DraftctlError(
            "--format docx is not available in this installation of draftctl",
            "use --format html or --format markdown",
        )
    if out is None or out == "-":
        raise DraftctlError(
            "--format docx writes a Word file, not text", "name the file with -o FILE.docx"
        )


def _emit(result: AnnotatedDiff, config: Config, fmt: Format, out: str | None) -> None:
    if fmt is Format.terminal:
        if out is None or out == "-":
            _print(_terminal(result, config))
        else:
            from draftctl.render.terminal import terminal_text

            output.write_result(terminal_text(result, config), out)
    elif fmt is Format.markdown:
        from draftctl.render.markdown import render_markdown

        output.write_result(render_markdown(result, config), out)
    elif fmt is Format.html:
        from draftctl.render.html import render_html

        output.write_result(render_html(result, config), out)
    elif fmt is Format.json:
        from draftctl.render.json import render_json

        output.write_result(render_json(result), out, page=False)
    else:
        _write_docx(result, config, out or "")


def _write_docx(result: AnnotatedDiff, config: Config, out: str) -> None:
    from draftctl.consultation.workspace import write_output
    from draftctl.render.docx import render_docx  # type: ignore[import-not-found,unused-ignore]

    write_output(Path(out), render_docx(result, config))
    output.notice(f"wrote {out}")


def _emit_stat(result: AnnotatedDiff, config: Config, out: str | None) -> None:
    from draftctl.render.stat import stat_tables
    from draftctl.render.tables import print_table

    tables = stat_tables(result, config)
    if out is None or out == "-":
        with output.paged():
            for table in tables:
                print_table(output.console(), table)
        return
    from draftctl.render.terminal import plain_text

    output.write_result(plain_text(tables), out)


def _terminal(result: AnnotatedDiff, config: Config) -> list[RenderableType]:
    from draftctl.render.terminal import render_terminal

    console = output.console()
    plain = console.no_color or console.color_system is None
    return render_terminal(result, config, plain=plain)


def _print(items: list[RenderableType]) -> None:
    """Print to stdout, through the pager at a terminal; piped lines carry no trailing blanks."""
    with output.paged():
        console = output.console()
        with console.capture() as capture:
            for item in items:
                console.print(item)
        text = capture.get()
        if not console.is_terminal:
            text = "".join(line.rstrip() + "\n" for line in text.splitlines())
        sys.stdout.write(text)


def show(app: App, rev: str, draft: str | None) -> None:
    """`show REV [--draft D]`."""
    from draftctl.review.annotate import show_commit

    ws = app.workspace()
    with output.progress("replaying history") as progress, _no_cycle_collection():
        view = show_commit(ws, rev, draft, progress)
    items = _commit_header(view, ws.config)
    for result in view.diffs:
        items += ["", *_terminal(result, ws.config)]
    if not view.diffs:
        items.append("\nThis commit changes no draft.")
    _print(items)


def _commit_header(view: CommitView, config: Config) -> list[RenderableType]:
    from rich.text import Text

    from draftctl.git.trailers import without_attribution
    from draftctl.render.terminal import visible
    from draftctl.review.result import round_title

    record = view.record
    found = record.attribution
    fields = [f"Author: {record.author} <{record.email}>", f"Date:   {record.date}"]
    if found.round:
        noted = "  (from a note)" if record.noted else ""
        fields.append(f"Round:  {round_title(config, found.round)} ({found.round}){noted}")
    else:
        fields.append("Round:  none (unattributed)")
    if found.prompted_by:
        known = config.stakeholders
        names = [known[p].name if p in known else p for p in found.prompted_by]
        fields.append("Prompted by: " + ", ".join(names))
    if found.rationale:
        fields.append(f"Rationale: {found.rationale}")
    if found.feedback:
        fields.append("Feedback: " + ", ".join(found.feedback))
    lines: list[RenderableType] = [Text(f"commit {record.commit}", style="yellow")]
    lines += [Text(visible(field)) for field in fields]
    message = without_attribution(view.message)  # shown once, parsed, in the fields above
    body = "\n".join("    " + line for line in message.rstrip().splitlines())
    lines.append(Text("\n" + visible(body)))
    return lines
