"""The quick lane: the everyday read-only commands run without building the Typer app.

`round list`, `stakeholder list`, `feedback list [--open]`, `versions`, `status` and `log`,
each with `--json`; `diff` and `show` with their arguments and the options that take a value.

Importing Typer and building its app takes most of a listing's run (~50 ms of ~80), so a
command line that is exactly one of these commands with only its flags, its arguments and
plain values for its value options (and the global options, anywhere, as `anywhere.py`
allows) runs the command's body (`listings.py`, `reading.py`) directly. Anything else — help,
completion, a value that looks like an option, an option given twice, a format Typer would
refuse, a typo — returns None and goes to Typer, which stays the one definition of the command
line: tests check that every option and argument here is one of the Typer command, with the
same parameter, default and choices, and that both lanes print the same bytes.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path

from draftctl.commands.context import App, start
from draftctl.values import Value

TYPE_CHECKING = False  # typing's flag, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

GLOBAL_FLAGS = {"--debug": "debug", "--no-color": "no_color", "-q": "quiet", "--quiet": "quiet"}
GLOBAL_FLAGS["--no-pager"] = "no_pager"


class Quick:
    """A command the quick lane runs: its function in `listings` (or `module`), its flags and
    value options → parameters, its positional arguments and the values it accepts."""

    __slots__ = (
        "arguments", "choices", "fixed", "flags", "function", "module", "once", "required",
        "values",
    )  # fmt: skip

    def __init__(
        self,
        function: str,
        flags: dict[str, str],
        fixed: dict[str, Any],
        values: dict[str, str] | None = None,
        arguments: tuple[str, ...] = (),
        required: int = 0,
        *,
        choices: dict[str, tuple[str, ...]] | None = None,
        once: tuple[tuple[str, str, str], ...] = (),
        module: str = "listings",
    ) -> None:
        self.function = function
        self.flags = flags
        self.fixed = fixed  # the other parameters, at their defaults
        self.values = values or {}  # an option taking a value → its parameter (default None)
        self.arguments = arguments  # the positional parameters, in order
        self.required = required  # how many of the arguments must be given
        self.choices = choices or {}  # a parameter that takes only these values
        self.once = once  # (argument, option, merged): at most one of the two given
        self.module = module


JSON = {"--json": "as_json"}
FORMATS = ("terminal", "markdown", "html", "json", "docx")  # `reading.Format`, default first
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
    ("diff",): Quick(
        "diff",
        {"--stat": "stat"},
        {"fmt": "terminal"},
        {
            "--from": "from_opt",
            "--to": "to_opt",
            "--draft": "draft",
            "--round": "round_id",
            "--stakeholder": "by",
            "--by": "by",
            "--section": "section",
            "--format": "fmt",
            "-o": "out",
            "--output": "out",
        },
        ("from_arg", "to_arg"),
        choices={"fmt": FORMATS},
        once=(("from_arg", "from_opt", "from_rev"), ("to_arg", "to_opt", "to_rev")),
        module="reading",
    ),
    ("show",): Quick("show", {}, {}, {"--draft": "draft"}, ("rev",), 1, module="reading"),
}


class Parsed(Value):
    """A command line the quick lane runs."""

    __slots__ = ("command", "flags", "repo", "switches", "values")

    def __init__(
        self,
        command: tuple[str, ...],
        repo: str | None,
        switches: set[str],  # the global flags given, by the name the Typer callback takes
        flags: dict[str, bool],  # the command's flags given, by parameter
        values: dict[str, str] | None = None,  # values and arguments given, by parameter
    ) -> None:
        self.command = command
        self.repo = repo
        self.switches = switches
        self.flags = flags
        self.values = values or {}

    def __repr__(self) -> str:
        return f"Parsed{self._key()!r}"


def parse(args: list[str]) -> Parsed | None:
    """The command line as the quick lane reads it, or None when Typer must read it."""
    words: list[str] = []
    repo: str | None = None
    switches: set[str] = set()
    flags: dict[str, bool] = {}
    values: dict[str, str] = {}
    arguments: list[str] = []
    index = 0
    while index < len(args):
        token = args[index]
        entry = QUICK.get(tuple(words))
        if token in GLOBAL_FLAGS:
            switches.add(GLOBAL_FLAGS[token])
        elif token == "--repo" and index + 1 < len(args) and _plain(args[index + 1]):
            repo = args[index + 1]
            index += 1
        elif token.startswith("--repo=") and token != "--repo=":
            repo = token.removeprefix("--repo=")
        elif entry is not None and token in entry.flags:
            flags[entry.flags[token]] = True
        elif entry is not None and _option(token) in entry.values:
            taken = _value(entry, args, index)
            if taken is None or taken[0] in values:
                return None  # a missing, odd or refused value, or an option given twice
            values[taken[0]] = taken[1]
            index += 1 if "=" not in token else 0
        elif entry is not None and entry.arguments and _plain(token):
            if len(arguments) == len(entry.arguments):
                return None
            arguments.append(token)
        elif _plain(token) and not flags:
            words.append(token)
        else:
            return None
        index += 1
    entry = QUICK.get(tuple(words))
    if entry is None or len(arguments) < entry.required:
        return None
    values.update(zip(entry.arguments, arguments, strict=False))
    if any(argument in values and option in values for argument, option, _ in entry.once):
        return None  # Typer says which to drop (or accepts the same value twice)
    return Parsed(tuple(words), repo, switches, flags, values)


def _option(token: str) -> str:
    """The option's name: `--format=json` → `--format` (a short option keeps its `=`)."""
    return token.split("=", 1)[0] if token.startswith("--") else token


def _value(entry: Quick, args: list[str], index: int) -> tuple[str, str] | None:
    """(parameter, value) of the value option at `index`, or None when Typer must judge it."""
    token = args[index]
    name = _option(token)
    if name != token:
        value = token[len(name) + 1 :]
    elif index + 1 < len(args):
        value = args[index + 1]
    else:
        return None
    parameter = entry.values[name]
    allowed = entry.choices.get(parameter)
    if not _plain(value) or (allowed is not None and value not in allowed):
        return None
    return parameter, value


def _plain(token: str) -> bool:
    return bool(token) and not token.startswith("-")


def run(args: list[str]) -> bool:
    """Run `args` in the quick lane if it can take them; False when Typer must."""
    if any(name.startswith("_DRAFTCTL_COMPLETE") for name in os.environ):
        return False  # shell completion: Typer's
    parsed = parse(args)
    if parsed is None:
        return False
    quick = QUICK[parsed.command]
    # __import__, not importlib.import_module: only the former shows in `python -X importtime`
    module = __import__(f"draftctl.commands.{quick.module}", fromlist=[quick.function])
    function: Callable[..., None] = getattr(module, quick.function)
    switches = {name: name in parsed.switches for name in set(GLOBAL_FLAGS.values())}
    app = start(None if parsed.repo is None else Path(parsed.repo), **switches)
    _call(function, app, parameters(quick, parsed))
    return True


def parameters(quick: Quick, parsed: Parsed) -> dict[str, Any]:
    """The keyword arguments of the command's body: what was given, the rest at defaults."""
    given: dict[str, Any] = dict.fromkeys(quick.flags.values(), False)
    given.update(dict.fromkeys((*quick.values.values(), *quick.arguments)))
    given.update({**quick.fixed, **parsed.flags, **parsed.values})
    for argument, option, merged in quick.once:
        one, other = given.pop(argument), given.pop(option)
        given[merged] = one if one is not None else other
    return given


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
