"""The README's "A policy writer's day", walked literally from a subfolder, the draft's name
containing a space."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import git
from tests.real_use_helpers import here, ok

README = Path(__file__).resolve().parent.parent / "README.md"
DRAFT = "my policy"


def _readme_day() -> list[str]:
    """The commands of the README's sh block, continuation lines joined, comments dropped."""
    text = README.read_text(encoding="utf-8")
    block = text.split("## A policy writer's day", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands, pending = [], ""
    for line in block.splitlines():
        code = re.sub(r"\s+#.*$", "", line).strip()
        if not code or code.startswith("#"):
            continue
        pending += code
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        commands.append(pending)
        pending = ""
    return commands


def _argv(command: str) -> list[str]:
    import shlex

    words = shlex.split(command)
    assert words[0] == "draftctl", command
    return words[1:]


def test_the_readme_still_shows_the_day_this_test_walks() -> None:
    firsts = [_argv(c)[0] if c.startswith("draftctl") else c.split()[0] for c in _readme_day()]
    assert firsts == [
        "init", "cd", "stakeholder", "round", "round", "new", "status", "diff", "commit",
        "commit", "log",
    ]  # fmt: skip


def test_a_policy_writers_day_from_a_subfolder(tmp_path: Path) -> None:
    where = tmp_path
    repo: Path | None = None
    draft: Path | None = None
    outputs: dict[str, str] = {}
    for command in _readme_day():
        if command.startswith("cd "):
            repo = where / command.split()[1]
            where = repo / "drafts" / "notes"  # the writer works from a subfolder
            where.mkdir()
            continue
        argv = _argv(command)
        if argv[0] == "new":
            argv[1] = DRAFT  # a name with a space, as people name files
            draft = repo / "drafts" / f"{DRAFT}.md" if repo else None
        if argv[0] == "status" and draft is not None:
            _first_edit(draft)
        if argv[:2] == ["commit", "--round"] and "--section" in argv:
            _second_edit(draft)
        outputs[" ".join(argv[:2])] = ok(here(where, *argv))
    assert repo is not None and draft is not None
    _check_the_day(repo, draft, outputs)


def _first_edit(draft: Path) -> None:
    """The writer's first edit: the health section, in their own editor."""
    text = draft.read_text(encoding="utf-8")
    text += "\n## Health\n\nWHO guidance grounds this section in evidence on HIV prevention.\n"
    draft.write_text(text, encoding="utf-8")


def _second_edit(draft: Path | None) -> None:
    """Definitions and a half-finished sentence elsewhere: only Definitions is recorded."""
    assert draft is not None
    text = draft.read_text(encoding="utf-8")
    text = text.replace("## Health\n", "## Definitions\n\nSex work means …\n\n## Health\n")
    text += "\nA half-finished thought that stays on disk.\n"
    draft.write_text(text, encoding="utf-8")


def _check_the_day(repo: Path, draft: Path, outputs: dict[str, str]) -> None:
    assert "Health" in outputs["status"]
    assert "WHO guidance grounds" in outputs["diff"]
    log = json.loads(ok(here(repo / "drafts", "log", "--round", "evidence-review", "--json")))
    assert [e["subject"] for e in log] == [
        "Definitions only",
        "Ground the health section in WHO guidance",
    ]
    assert log[1]["prompted_by"] == ["who"] and "WHO's 2012 guidance" in log[1]["rationale"]
    assert all(e["drafts"] == [f"drafts/{DRAFT}.md"] for e in log)
    committed = git(repo, "show", f"HEAD:drafts/{DRAFT}.md")
    assert "Sex work means" in committed and "half-finished" not in committed
    assert "half-finished thought that stays on disk" in draft.read_text(encoding="utf-8")
    assert "Definitions only" in outputs["log --round"]
    assert not (repo / "drafts" / "notes" / ".git").exists()
    assert ok(here(repo / "drafts" / "notes", "check")) is not None
