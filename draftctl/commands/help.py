"""Help that reads like a manual: no Python type names, each default once, old spellings hidden."""

from __future__ import annotations

from enum import Enum
from typing import Any

import typer
from typer.core import TyperCommand

# The value each option of the shared vocabulary takes (README, "Options").
METAVARS = {
    "--round": "ROUND",
    "--stakeholder": "STAKEHOLDER",
    "--draft": "DRAFT",
    "--section": "HEADING",
    "--from": "REV",
    "--to": "REV",
    "--rev": "REV",
    "--date": "DATE",
    "--opens": "DATE",
    "--closes": "DATE",
    "--feedback": "REF",
    "--ref": "REF",
    "--output": "FILE",
    "--message": "MSG",
    "--why": "TEXT",
    "--summary": "TEXT",
    "--response": "TEXT",
    "--note": "TEXT",
    "--meeting": "TEXT",
    "--title": "TEXT",
}


def shown_names(param: Any) -> list[str]:
    """The names help shows: every short name and the first long one; later long names are
    older spellings that still work but are no longer advertised."""
    shorts = [name for name in param.opts if not name.startswith("--")]
    longs = [name for name in param.opts if name.startswith("--")]
    return shorts + longs[:1]


def hidden_names(param: Any) -> list[str]:
    return [name for name in param.opts if name not in shown_names(param)]


def metavar(param: Any) -> str:
    """The placeholder for a value: an explicit metavar, the choices, or the vocabulary's."""
    if param.metavar:
        return str(param.metavar)
    found = getattr(param, "type_descriptor", None) or getattr(param, "type", None)
    choices = getattr(found, "choices", None)
    if choices:
        return "|".join(str(c.value if isinstance(c, Enum) else c) for c in choices)
    if param.param_type_name == "argument":
        return str(param.name).upper()
    long = shown_names(param)[-1]
    return METAVARS.get(long, long.lstrip("-").upper())


def _usage(param: Any) -> str:
    name = metavar(param)
    if name.startswith("["):
        return name
    name = name if param.required else f"[{name}]"
    return name + "..." if param.nargs != 1 else name


def _describe(param: Any) -> str:
    text = param.help or ""
    default = param.default
    shows_default = "default" in text.lower() or getattr(param, "is_flag", False)
    if not shows_default and default not in (None, False, "", (), []):
        value = default.value if isinstance(default, Enum) else default
        text += f" (default: {value})"
    if param.required:
        text += " [required]"
    return text.strip()


def _option_record(param: Any) -> tuple[str, str]:
    names = ", ".join(shown_names(param))
    if not param.is_flag:
        names += f" {metavar(param)}"
    return names, _describe(param)


class DraftctlCommand(TyperCommand):
    """A command whose usage and help name values the way the README does."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        pieces += [_usage(p) for p in self.get_params(ctx) if p.param_type_name == "argument"]
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        params = [p for p in self.get_params(ctx) if not getattr(p, "hidden", False)]
        arguments = [(metavar(p), _describe(p)) for p in params if p.param_type_name == "argument"]
        options = [_option_record(p) for p in params if p.param_type_name == "option"]
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)

    def shell_complete(self, ctx: Any, incomplete: str) -> list[Any]:
        """Complete option names without the older spellings."""
        hidden = {name for p in self.get_params(ctx) for name in hidden_names(p)}
        return [
            item for item in super().shell_complete(ctx, incomplete) if item.value not in hidden
        ]


class Typer(typer.Typer):
    """`typer.Typer` whose commands are `DraftctlCommand`s."""

    def command(self, name: str | None = None, *, cls: Any = None, **kwargs: Any) -> Any:
        return super().command(name, cls=cls or DraftctlCommand, **kwargs)
