"""Start-up discipline: a listing command imports only what it uses (issue 12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Never needed to list the registry: the Typer 0.29 pydantic path, the Markdown parser, Word,
# diff-match-patch, GitPython, and every layer that diffs, reviews, releases or renders.
NOT_FOR_A_LISTING = (
    "pydantic",
    "markdown_it",
    "docx",
    "diff_match_patch",
    "fast_diff_match_patch",
    "git",
    "draftctl.engine",
    "draftctl.review",
    "draftctl.release",
    "draftctl.render",
)


def imported_modules(repo: Path, *args: str) -> tuple[set[str], str]:
    """The modules `python -X importtime -m draftctl ARGS` imports, and its stdout."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "draftctl", "--repo", str(repo), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    names = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }
    assert "draftctl.cli" in names, "importtime output not understood"
    return names, done.stdout


def _unwanted(names: set[str]) -> list[str]:
    return sorted(
        name
        for name in names
        if any(name == bad or name.startswith(bad + ".") for bad in NOT_FOR_A_LISTING)
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [(("round", "list", "--json"), "evidence"), (("stakeholder", "list", "--json"), "who")],
)
def test_a_listing_imports_only_what_it_uses(
    drafts_repo: Path, args: tuple[str, ...], expected: str
) -> None:
    names, out = imported_modules(drafts_repo, *args)
    assert expected in {item["id"] for item in json.loads(out)}
    unwanted = _unwanted(names)
    hint = ""
    if "pydantic" in unwanted:
        hint = " (Typer 0.29 imports pydantic: `pip install -e .` installs the pinned typer<0.29)"
    assert unwanted == [], f"{' '.join(args)} imports {unwanted}{hint}"
