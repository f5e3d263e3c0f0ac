"""Global options anywhere: `draftctl log --repo X` means `draftctl --repo X log`, as in git."""

from __future__ import annotations

from typing import Any

FLAGS = ("--debug", "--no-color", "-q", "--quiet", "--no-pager")
VALUED = ("--repo",)


def hoist_globals(root: Any, ctx: Any, args: list[str]) -> list[str]:
    """`args` with the global options given after a command name moved in front of it.

    The command tree is read as the parser would read it, so the value of an option
    (`-m --quiet`) is never taken for an option, and nothing after `--` moves.
    """
    front: list[str] = []
    rest: list[str] = []
    command, index = root, 0
    while index < len(args):
        token = args[index]
        if token == "--":
            rest += args[index:]
            break
        taken = _global(command, root, args, index)
        if taken:
            front += taken
            index += len(taken)
            continue
        rest.append(token)
        if _takes_next(command, token) and index + 1 < len(args):
            rest.append(args[index + 1])
            index += 1
        elif not token.startswith("-") and hasattr(command, "get_command"):
            command = command.get_command(ctx, token) or command
        index += 1
    return front + rest


def _global(command: Any, root: Any, args: list[str], index: int) -> list[str]:
    """The tokens of a global option at `index` after the command name, else nothing."""
    token = args[index]
    name = token.split("=", 1)[0]
    if command is root or _option(command, name) is not None:
        return []
    if token in FLAGS:
        return [token]
    if name in VALUED:
        return [token] if "=" in token else args[index : index + 2]
    return []


def _takes_next(command: Any, token: str) -> bool:
    """Whether `token` is an option of `command` whose value is the next argument."""
    if not token.startswith("-") or token == "-":
        return False
    if token.startswith("--"):
        if "=" in token:
            return False
        option = _option(command, token)
    else:  # -m VALUE, but -mVALUE carries its value
        option = _option(command, token[:2])
        if option is not None and len(token) > 2:
            return False
    return option is not None and not option.is_flag and not option.count


def _option(command: Any, name: str) -> Any:
    for param in command.params:
        if param.param_type_name == "option" and name in (*param.opts, *param.secondary_opts):
            return param
    return None
