"""Test helper for the release tests: build a repository once per session, copy it per test."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

_BUILT: dict[str, Path] = {}


def copied(
    key: str,
    build: Callable[[Path], Path],
    tmp_path: Path,
    factory: pytest.TempPathFactory,
) -> Path:
    """A fresh copy (under `tmp_path`) of what `build` made once in a session folder."""
    if key not in _BUILT:
        _BUILT[key] = build(factory.mktemp(f"{key}-template"))
    target = tmp_path / _BUILT[key].name
    shutil.copytree(_BUILT[key], target, symlinks=True)
    return target
