"""The quick lane: the everyday read-only commands run without building the Typer app.

`round list`, `stakeholder list`, `feedback list [--open]`, `versions`, `status` and `log`,
each with `--json`.

Importing Typer and building its app takes most of a listing's run (~50 ms of ~80), so a
command line that is exactly one of these commands with only its flags (and the global options,
anywhere, as `anywhere.py` allows) runs the command's body (`listings.py`) directly. Anything
else — help, completion, an option with a value, a typo — returns False and goes to Typer,
which stays the one definition of the command line: tests check that every flag here is a flag
of the Typer command and that both lanes print the same bytes.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path

from draftctl.commands.context import App, start

TYPE_CHECKING = False  # typing's flag, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

GLOBAL_FLAGS = {"--debug": "debug", "--no-color": "no_color", "-q": "quiet", "--quiet": "quiet"}
GLOBAL_FLAGS["--no-pager"] = "no_pager"


class Quick:
    """A command the quick lane runs: its function in `listings` and its flags → parameters."""

    __slots__ = ("fixed", "flags", "function")

    def __init__(self, function: str, flags: dict[str, str], fixed: dict[str, Any]) -> None:
        self.function = function
        self.flags = flags
        self.fixed = fixed  # the other parameters, at their defaults


JSON = {"--json": "as_json"}
_LOG_FILTERS = ("draft", "round_id", "by", "section", "from_rev", "to_rev")
QUICK: dict[tuple[str, ...], Quick] = {
    ("round", "list"): Quick("round_list", JSON, {}),
    ("stakeholder", "list"): Quick("stakeholder_list", JSON, {}),
    ("feedback", "list"): Quick(
        "feedback_list", {**JSON, "--open": "open_only"}, {"round_id": None, "source": None}
    ),
    ("versions",): Quick("versions", JSON, {}),
    ("status",): Quick("status", JSON, {}),
    ("log",): Quick("log", JSON, dict.fromkeys(_LOG_FILTERS)),
}


class Parsed:
    """A command line the quick lane runs."""

    __slots__ = ("command", "flags", "repo", "switches")

    def __init__(
        self,
        command: tuple[str, ...],
        repo: str | None,
        switches: set[str],  # the global flags given, by the name the Typer callback takes
        flags: dict[str, bool],  # the command's flags given, by parameter
    ) -> None:
        self.command = command
        self.repo = repo
        self.switches = switches
        self.flags = flags

    def _fields(self) -> tuple[object, ...]:
        return (self.command, self.repo, self.switches, self.flags)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Parsed) and self._fields() == other._fields()

    def __repr__(self) -> str:
        return f"Parsed{self._fields()!r}"


def parse(args: list[str]) -> Parsed | None:
    """The command line as the quick lane reads it, or None when Typer must read it."""
    words: list[str] = []
    repo: str | None = None
    switches: set[str] = set()
    flags: dict[str, bool] = {}
    index = 0
    while index < len(args):
        token = args[index]
        if token in GLOBAL_FLAGS:
            switches.add(GLOBAL_FLAGS[token])
        elif token == "--repo" and index + 1 < len(args) and _plain(args[index + 1]):
            repo = args[index + 1]
            index += 1
        elif token.startswith("--repo=") and token != "--repo=":
            repo = token.removeprefix("--repo=")
        elif tuple(words) in QUICK and token in QUICK[tuple(words)].flags:
            flags[QUICK[tuple(words)].flags[token]] = True
        elif _plain(token) and not flags:
            words.append(token)
        else:
            return None
        index += 1
    return Parsed(tuple(words), repo, switches, flags) if tuple(words) in QUICK else None


def _plain(token: str) -> bool:
    return bool(token) and not token.startswith("-")


def run(args: list[str]) -> bool:
    """Run `args` in the quick lane if it can take them; False when Typer must."""
    if any(name.startswith("_DRAFTCTL_COMPLETE") for name in os.environ):
        return False  # shell completion: Typer's
    parsed = parse(args)
    if parsed is None:
        return False
    from draftctl.commands import listings

    quick = QUICK[parsed.command]
    function: Callable[..., None] = getattr(listings, quick.function)
    switches = {name: name in parsed.switches for name in set(GLOBAL_FLAGS.values())}
    app = start(None if parsed.repo is None else Path(parsed.repo), **switches)
    parameters = {name: False for name in quick.flags.values()}
    _call(function, app, {**parameters, **quick.fixed, **parsed.flags})
    return True


def _call(function: Callable[..., None], app: App, parameters: dict[str, Any]) -> None:
    """Run the command as Typer's standalone mode would: Ctrl-C exits 130, a closed pipe 1."""
    try:
        function(app, **parameters)
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as problem:
        if problem.errno != errno.EPIPE:
            raise
        sys.stdout = _Quiet(sys.stdout)
        sys.stderr = _Quiet(sys.stderr)
        sys.exit(1)


class _Quiet:
    """A stream whose final flush ignores a closed pipe (click's PacifyFlushWrapper)."""

    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped

    def flush(self) -> None:
        try:
            self.wrapped.flush()
        except OSError as problem:
            if problem.errno != errno.EPIPE:
                raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)
