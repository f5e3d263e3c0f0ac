"""Helpers for the real-use tests: draftctl as a process started where a user stands."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from tests.hardening_helpers import DRAFTCTL, PACKAGE_ROOT


def here(
    cwd: Path, *args: str, env: Mapping[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`draftctl ARGS` run in `cwd` without --repo, as a user in that folder would type it."""
    merged = dict(os.environ)
    merged["PYTHONPATH"] = str(PACKAGE_ROOT)
    merged.update(env or {})
    done = subprocess.run(
        [*DRAFTCTL, *args],
        capture_output=True,
        text=True,
        env=merged,
        cwd=cwd,
        timeout=timeout,
    )
    clean(done)
    return done


def clean(done: subprocess.CompletedProcess[str]) -> None:
    """No output anywhere admits an internal error or shows a traceback."""
    for stream in (done.stdout, done.stderr):
        assert "internal error" not in stream, stream
        assert "Traceback" not in stream, stream


def ok(done: subprocess.CompletedProcess[str]) -> str:
    """stdout of a command that must succeed."""
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout
