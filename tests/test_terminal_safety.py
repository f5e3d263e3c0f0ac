"""Stored text never drives the terminal and is never read as rich markup, in every listing."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from draftctl.render.safe import markup_safe
from draftctl.textutil import visible
from tests.conftest import Cli, git, run_main

ESC = "\x1b]0;owned\x07\x1b[2J"
ANNEX = "See annex [a] and [b] [/]"


def test_visible_shows_controls_as_symbols() -> None:
    assert visible("a\x1b[31mb\x07\x9b") == "a\u241b[31mb\u2407\ufffd"
    assert visible("line\nnext\ttab") == "line\nnext\ttab"
    assert visible("line\nnext\ttab\u2028", one_line=True) == "line\u240anext\u2409tab\u21b5"
    assert markup_safe("[bold]x[/] \x1b") == "\\[bold]x\\[/] \u241b"


def _hostile_registry(repo: Path) -> None:
    """A person's hand edit: escapes and markup in titles and names (TOML allows both)."""
    path = repo / "draftctl.toml"
    text = path.read_text()
    text = text.replace(
        'title = "Evidence review"', f'title = "{ANNEX} \\u001b]0;owned\\u0007\\u001b[2J"'
    )
    text = text.replace(
        'name = "World Health Organization"', 'name = "W[/]HO \\u001b[31mred\\u009b"'
    )
    path.write_text(text)
    git(repo, "commit", "-qam", "Hand edit of the registry")


def _hostile_history(repo: Path) -> None:
    draft = repo / "drafts" / "policy.md"
    draft.write_text(
        draft.read_text() + f"\n## Annexes [/] {ESC}\n\n{ANNEX} and more {ESC} text.\n"
    )
    round_trailer = ("--trailer", "Consultation-Round: evidence")
    git(repo, "commit", "-qam", f"{ANNEX} {ESC} subject", *round_trailer)
    draft.write_text(draft.read_text() + "\nAn unattributed line.\n")
    git(repo, "commit", "-qam", f"Plain [red]{ESC}")


@pytest.fixture
def hostile(drafts_repo: Path, cli: Cli) -> Path:
    _hostile_registry(drafts_repo)
    summary = "See annex [a] and [b] [/] in the submission"
    cli("feedback", "add", "--round", "evidence", "--from", "who", "--summary", summary)
    _hostile_history(drafts_repo)
    cli("tag", "v1", "--meeting", "Dublin [/] meeting", "--allow-unattributed")
    (drafts_repo / "drafts" / "policy.md").write_text(
        (drafts_repo / "drafts" / "policy.md").read_text() + f"\nUncommitted [/] {ESC}\n"
    )
    return drafts_repo


LISTINGS = [
    ("log",),
    ("round", "list"),
    ("round", "show", "evidence"),
    ("stakeholder", "list"),
    ("feedback", "list"),
    ("attribute", "--list"),
    ("status",),
    ("blame",),
    ("versions",),
    ("diff", "v1", "--stat"),
    ("diff", "v1"),
    ("check",),
]


@pytest.mark.parametrize("args", LISTINGS, ids=lambda a: " ".join(a))
def test_listings_show_stored_text_as_written_and_harmless(hostile: Path, args: tuple) -> None:
    done = run_main(hostile, "--no-color", *args)
    both = done.stdout + done.stderr
    assert "internal error" not in both and "Traceback" not in both, both
    assert done.returncode in (0, 1), both
    for raw in ("\x1b", "\x07", "\x9b"):
        assert raw not in both, (args, both)
    assert "MarkupError" not in both


LISTED = [("round", "list"), ("feedback", "list"), ("log",), ("round", "show", "evidence")]


def test_markup_in_stored_values_is_shown_as_written(hostile: Path) -> None:
    shown = {args: run_main(hostile, "--no-color", *args).stdout for args in LISTED}
    flat = {args: " ".join(text.split()) for args, text in shown.items()}
    assert "See annex [a] and [b] [/]" in flat[("round", "list")]
    assert "See annex [a] and [b]" in flat[("feedback", "list")]
    assert "See annex [a] and [b] [/]" in flat[("log",)]
    assert "Plain [red]" in flat[("log",)]
    assert "See annex [a] and [b] [/]" in flat[("round", "show", "evidence")]
    names = run_main(hostile, "--no-color", "stakeholder", "list").stdout
    assert "W[/]HO \u241b[31mred" in names


def test_notices_quote_names_as_written(drafts_repo: Path) -> None:
    done = run_main(drafts_repo, "stakeholder", "add", "unw", "--name", "UN [bold]Women[/]")
    assert done.returncode == 0, done.stderr
    assert "UN [bold]Women[/]" in done.stderr


def run_tty(repo: Path, *args: str) -> tuple[int, str]:
    """Run draftctl with its stdout on a pseudo-terminal, as a person at a terminal would."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "draftctl", "--repo", str(repo), "--no-pager", *args],
        stdout=follower,
        stderr=subprocess.PIPE,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    stderr = proc.stderr.read() if proc.stderr else b""
    code = proc.wait()
    return code, (b"".join(chunks) + stderr).decode("utf-8", "replace")


@pytest.mark.parametrize("args", [("report",), ("diff", "v1", "--format", "markdown")])
def test_documents_printed_to_a_terminal_show_controls_as_symbols(
    hostile: Path, args: tuple[str, ...]
) -> None:
    code, shown = run_tty(hostile, *args)
    assert code == 0, shown
    assert "\x1b]0;owned" not in shown and "\x07" not in shown
    # The report's Markdown escapes brackets (`\]`); the control still shows as its symbol.
    assert "\u241b]0;owned" in shown.replace("\\]", "]")
    piped = run_main(hostile, *args)
    # a file gets the exact text (in the report's Markdown, brackets escaped)
    assert piped.returncode == 0 and "\x1b]0;owned" in piped.stdout.replace("\\]", "]")
