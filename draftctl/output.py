"""All terminal output: results on stdout, talk on stderr, JSON as exactly one document."""

from __future__ import annotations

import builtins
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext

TYPE_CHECKING = False  # typing's flag, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

    from rich.console import Console

    from draftctl.render.listing import Line, Listing

_settings = {"color": True, "quiet": False, "pager": True, "paging": False}
_consoles: dict[bool, Console] = {}


def configure(*, color: bool, quiet: bool = False, pager: bool = True) -> None:
    """Set the run's output options: colour, `--quiet` (no notices) and `--no-pager`."""
    _settings.update(color=color, quiet=quiet, pager=pager)
    _consoles.clear()


def console(stderr: bool = False) -> Console:
    """The rich console for stdout (results) or stderr (notices, progress)."""
    if stderr not in _consoles:
        from rich.console import Console

        _consoles[stderr] = Console(
            stderr=stderr,
            no_color=not _settings["color"] or None,
            highlight=False,
            soft_wrap=stderr,
        )
    return _consoles[stderr]


def plain_width() -> int | None:
    """The width rich would lay stdout out at when it would print no styles (not a terminal,
    UTF-8, no FORCE_COLOR or TTY_COMPATIBLE, not paging), else None: then only rich knows.
    Mirrors `rich.console.Console`'s own choice, so piped output keeps its bytes."""
    if _settings["paging"] or os.name == "nt" or _RICH_DECIDES.intersection(os.environ):
        return None
    if hasattr(builtins, "get_ipython"):  # rich's Jupyter check: let rich decide
        return None
    stdout = sys.stdout
    try:
        if stdout.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    if not (getattr(stdout, "encoding", None) or "utf-8").lower().startswith("utf"):
        return None
    width = _rich_width()
    return width if width >= 20 else None


_RICH_DECIDES = frozenset(("FORCE_COLOR", "TTY_COMPATIBLE"))


def _rich_width() -> int:
    """`Console.size`'s width: COLUMNS, else the first standard stream that is a terminal."""
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns)
    for descriptor in (0, 1, 2):
        try:
            return os.get_terminal_size(descriptor).columns or 80
        except (AttributeError, ValueError, OSError):
            continue
    return 80


def print_table(listing: Listing) -> None:
    """A listing table: laid out without rich when piped, drawn by rich at a terminal."""
    width = plain_width()
    if width is not None:
        from draftctl.render.plain import table_text

        text = table_text(listing, width)
        if text is not None:
            sys.stdout.write(text)
            return
    from draftctl.render.tables import print_listing

    print_listing(console(), listing)


def print_lines(lines: list[Line]) -> None:
    """Styled lines, each wrapped at the width as rich wraps it."""
    width = plain_width()
    plain = ["".join(text for text, _ in line) for line in lines]
    if width is not None:
        from draftctl.render.plain import lines_text, narrow

        if narrow(*plain):
            sys.stdout.write(lines_text(plain, width))
            return
    from draftctl.render.tables import print_styled

    print_styled(console(), lines)


def print_json(data: Any) -> None:
    """One JSON document: indented for a person at a terminal, compact (and fast) when piped.
    JSON escapes C0 controls itself; DEL and C1 controls (U+009B is a CSI) are escaped too."""
    indent = 2 if sys.stdout.isatty() else None
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    if _JSON_CONTROL.search(text):  # translate is slow on large text: only when needed
        text = text.translate(_JSON_CONTROLS)
    sys.stdout.write(text + "\n")


_JSON_CONTROLS = {code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)}
_JSON_CONTROL = re.compile(r"[\x7f-\x9f]")


def notice(message: str) -> None:
    """A short message on stderr, e.g. what a command just did (silent under --quiet); never
    read as markup, and control characters in the names it quotes are shown as symbols."""
    from rich.text import Text

    from draftctl.textutil import visible

    if not _settings["quiet"]:
        console(stderr=True).print(Text(visible(message)))


def error(message: str, hint: str = "") -> None:
    """The one place errors are printed: `error: …` then `hint: …`."""
    from draftctl.render.safe import markup_safe as safe

    err = console(stderr=True)
    err.print(f"[bold red]error:[/] {safe(message, one_line=False)}")
    if hint:
        err.print(f"[dim]hint:[/] {safe(hint, one_line=False)}")


def write_result(text: str, target: str | None, *, page: bool = True) -> None:
    """Print `text` (through the pager at a terminal, unless `page` is off, as for JSON), or
    write it atomically to the file `target`."""
    if target is None or target == "-":
        if sys.stdout.isatty():  # a file or pipe gets the exact text; a terminal, no controls
            from draftctl.textutil import visible

            text = visible(text if text.endswith("\n") else text + "\n")
        with paged() if page else nullcontext():
            sys.stdout.write(text)
        return
    from pathlib import Path

    from draftctl.consultation.workspace import write_output

    write_output(Path(target), text.encode("utf-8"))
    notice(f"wrote {target}")


@contextmanager
def progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A transient progress bar on stderr (only at a terminal, never under --quiet), shown from
    the first report of progress: work that reports none shows no bar."""
    if _settings["quiet"] or not sys.stderr.isatty():
        yield lambda done, total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        console=console(stderr=True),
        transient=True,
    )
    task = bar.add_task(label, total=None)

    def report(done: int, total: int) -> None:
        if not bar.live.is_started:
            bar.start()
        bar.update(task, completed=done, total=total)

    try:
        yield report
    finally:
        bar.stop()


@contextmanager
def paged() -> Iterator[None]:
    """Send what the block prints on stdout through the pager when stdout is a terminal.

    Inside the block, `console()` and `sys.stdout` write to a buffer that keeps the
    terminal's width and colours; without a pager (piped, `--no-pager`, `PAGER=cat`) the
    block prints straight to stdout.
    """
    if not (_settings["pager"] and sys.stdout.isatty()):  # piped: no pager module (shutil…)
        yield
        return
    from draftctl.pager import pager_command, run_pager

    argv = pager_command()
    if argv is None:
        yield
        return
    real, stdout = console(), sys.stdout
    buffer = io.StringIO()
    _consoles[False] = _buffer_console(real, buffer)
    sys.stdout = buffer
    _settings["paging"] = True
    try:
        yield
    except BaseException:
        stdout.write(buffer.getvalue())
        raise
    finally:
        sys.stdout = stdout
        _consoles[False] = real
        _settings["paging"] = False
    text = buffer.getvalue()
    if text and not run_pager(argv, text):
        stdout.write(text)


def _buffer_console(real: Console, buffer: io.StringIO) -> Console:
    from rich.console import Console

    return Console(
        file=buffer,
        force_terminal=True,
        color_system=real.color_system,  # type: ignore[arg-type]
        no_color=real.no_color,
        width=real.width,
        height=real.height,
        highlight=False,
    )
