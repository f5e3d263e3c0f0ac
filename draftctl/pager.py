"""The pager, as git does it: long terminal output goes through `$PAGER` or `less -FRX`."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys

DEFAULT = "less"
NO_PAGER = ("", "cat")


def pager_command(environ: dict[str, str] | None = None) -> list[str] | None:
    """The pager to run, from DRAFTCTL_PAGER, then PAGER, then `less`; None for none.

    As with git, an empty value or `cat` means no pager. A pager that is not installed
    means no pager too, so output is never lost to a missing program.
    """
    env = os.environ if environ is None else environ
    chosen = env.get("DRAFTCTL_PAGER", env.get("PAGER", DEFAULT)).strip()
    if chosen in NO_PAGER:
        return None
    try:
        argv = shlex.split(chosen)
    except ValueError:
        return None
    if not argv or argv[0] == "cat" or shutil.which(argv[0]) is None:
        return None
    return argv


def pager_environment() -> dict[str, str]:
    """git's defaults for less (quit if one screen, keep colours, no screen clearing)."""
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    return env


def run_pager(argv: list[str], text: str) -> bool:
    """Feed `text` to the pager and wait for it; False when it could not be started.

    While the pager runs, Ctrl-C belongs to it (less uses it to stop a search), as in git.
    """
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        pager = subprocess.Popen(argv, stdin=subprocess.PIPE, env=pager_environment())
    except OSError:
        signal.signal(signal.SIGINT, previous)
        return False
    try:
        assert pager.stdin is not None
        try:
            pager.stdin.write(text.encode(sys.stdout.encoding or "utf-8", "replace"))
            pager.stdin.close()
        except BrokenPipeError:
            pass  # the reader quit early (q in less): that is not an error
        pager.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
    return True
