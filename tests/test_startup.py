"""Start-up discipline: a listing command imports only what it uses (issue 12)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from draftctl.errors import GitError
from draftctl.git.process import run_git, run_git_all
from tests.conftest import Cli, git

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


# The modules of draftctl.commands any run loads; a command's own module comes on top.
COMMAND_FRAME = {"anywhere", "context", "help", "lazy", "options", "complete", "quick", "root"}
QUICK_LANE = {"listings"}  # the quick lane runs a listing's body, never its Typer module
PIPED = ("draftctl.render", "draftctl.render.listing", "draftctl.render.plain")  # no rich
LISTINGS = [
    (("round", "list", "--json"), ()),
    (("round", "list"), PIPED),
    (("stakeholder", "list", "--json"), ()),
    (("stakeholder", "list"), PIPED),
    (("feedback", "list", "--json"), ()),
    (("feedback", "list"), PIPED),
    (("feedback", "list", "--open", "-q"), PIPED),
]


def _command_modules(names: set[str]) -> set[str]:
    prefix = "draftctl.commands."
    return {n.removeprefix(prefix) for n in names if n.startswith(prefix)} - COMMAND_FRAME


@pytest.mark.parametrize(("args", "allowed"), LISTINGS, ids=lambda a: " ".join(a))
def test_a_listing_imports_only_what_it_uses(
    drafts_repo: Path, args: tuple[str, ...], allowed: tuple[str, ...]
) -> None:
    cli = Cli(drafts_repo)
    cli("feedback", "add", "--round", "evidence", "--stakeholder", "who", "--summary", "Cite")
    names, out = imported_modules(drafts_repo, *args)
    assert ("who" if "stakeholder" in args else "evidence") in out
    unwanted = [name for name in _unwanted(names) if name not in allowed]
    hint = ""
    if "pydantic" in unwanted:
        hint = " (Typer 0.29 imports pydantic: `pip install -e .` installs the pinned typer<0.29)"
    assert unwanted == [], f"{' '.join(args)} imports {unwanted}{hint}"
    assert _command_modules(names) == QUICK_LANE, "only the listing's own body is imported"
    heavy = sorted(n for n in names if n.split(".")[0] in ("typer", "click", "rich", "tomlkit"))
    heavy += sorted(names & {"tempfile", "shutil", "draftctl.pager"})  # nothing is written
    assert heavy == [], f"{' '.join(args)} (piped) imports {heavy}"


def test_a_listing_through_typer_imports_only_its_command(drafts_repo: Path) -> None:
    """An option with a value takes the Typer lane: it too imports only the one command."""
    names, out = imported_modules(drafts_repo, "feedback", "list", "--round", "evidence")
    assert "Feedback (0)" in out
    assert "typer" in names
    assert [n for n in _unwanted(names) if n not in PIPED] == []
    assert _command_modules(names) == {"review", *QUICK_LANE}


def test_the_json_listings_print_what_they_list(drafts_repo: Path) -> None:
    for args, expected in ((("round", "list", "--json"), "evidence"), (("stakeholder", "list",
                           "--json"), "who")):  # fmt: skip
        _, out = imported_modules(drafts_repo, *args)
        assert expected in {item["id"] for item in json.loads(out)}


def test_status_imports_no_word_or_html_rendering(drafts_repo: Path) -> None:
    names, out = imported_modules(drafts_repo, "status")
    assert "No uncommitted changes" in out
    layers = ("draftctl.review", "draftctl.release", "draftctl.render")  # status is a review
    engine = [n for n in _unwanted(names) if not n.startswith(layers)]
    assert engine == [], "nothing changed: status needs no engine to say so"
    policy = drafts_repo / "drafts" / "policy.md"
    policy.write_text(policy.read_text(encoding="utf-8") + "\nA new paragraph.\n", "utf-8")
    names, out = imported_modules(drafts_repo, "status")
    assert "policy" in out and "+3" in out
    heavy = ("docx", "lxml", "pydantic", "draftctl.render.docx", "draftctl.render.html")
    heavy += ("draftctl.render.markdown", "draftctl.render.report", "draftctl.release.word")
    found = sorted(n for n in names if n.startswith(heavy))
    assert found == [], f"status imports {found}"
    assert _command_modules(names) == QUICK_LANE
    piped = sorted(n for n in names if n.split(".")[0] in ("typer", "click", "rich"))
    assert piped == [], f"status (piped) imports {piped}"


def test_status_of_an_edited_paragraph_needs_no_markdown_parser(drafts_repo: Path) -> None:
    """Headings, paragraphs and bullets around the change: both block parsers agree, so the
    line scanner cuts them and markdown-it is never imported."""
    policy = drafts_repo / "drafts" / "policy.md"
    text = "# Test policy\n\n## Purpose\n\n*State* what this policy is for.\n\n## Scope\n\nAll.\n"
    text += "\n- A bullet\n  and its second line.\n- Another.\n"
    policy.write_text(text, "utf-8")
    git(drafts_repo, "commit", "-qam", "A plain draft")
    policy.write_text(text.replace("this policy", "this new policy"), "utf-8")
    names, out = imported_modules(drafts_repo, "status")
    assert "+1" in out and "Purpose" in out
    assert "markdown_it" not in names
    assert not names & set(NOT_AT_START_UP), "the engine's classes are plain classes"
    policy.write_text(text + "\n1. A recommendation.\n", "utf-8")
    names, out = imported_modules(drafts_repo, "status")
    assert "+3" in out and "markdown_it" in names, "a list is for markdown-it to read"


# Standard modules a piped listing has no use for: dataclasses brings inspect (and with it ast,
# dis and tokenize), typing and tomllib (with string) cost more to import than reading the
# registry (`consultation/tomlread.py` reads the plain TOML draftctl writes).
NOT_AT_START_UP = ("dataclasses", "inspect", "ast", "dis", "typing", "tomllib", "string")
QUIET_COMMANDS = [
    ("round", "list", "--json"),
    ("stakeholder", "list"),
    ("feedback", "list"),
    ("versions",),
    ("versions", "--json"),
    ("log", "--json"),
    ("status",),
]


@pytest.mark.parametrize("args", QUIET_COMMANDS, ids=" ".join)
def test_a_listing_imports_no_dataclasses(drafts_repo: Path, args: tuple[str, ...]) -> None:
    """With a version, a feedback item and an attributed change (log's counts cached by a first
    run), the piped listings and status of a clean tree import no dataclasses, inspect, typing
    or tomllib."""
    cli = Cli(drafts_repo)
    cli("feedback", "add", "--round", "evidence", "--stakeholder", "who", "--summary", "Cite")
    cli("tag", "v1")
    policy = drafts_repo / "drafts" / "policy.md"
    policy.write_text(policy.read_text(encoding="utf-8") + "\nA new paragraph.\n", "utf-8")
    cli("commit", "--round", "evidence", "--by", "who", "-m", "Add a paragraph")
    imported_modules(drafts_repo, *args)  # a first run may fill the cache of word counts
    names, out = imported_modules(drafts_repo, *args)
    assert out.strip()
    found = sorted(names & set(NOT_AT_START_UP))
    assert found == [], f"{' '.join(args)} imports {found}"


def test_version_and_help_import_no_command_module(drafts_repo: Path) -> None:
    for args in (("--version",), ("--help",)):
        names, out = imported_modules(drafts_repo, *args)
        assert out.strip()
        assert _command_modules(names) == set(), f"{args[0]} imports a command module"
        assert not [n for n in names if n.startswith("draftctl.consultation")]


def _logging_git(folder: Path, version: str, log: Path) -> Path:
    """A `git` that notes every `git version` it answers and passes the rest to real git."""
    real = shutil.which("git")
    folder.mkdir()
    script = folder / "git"
    script.write_text(
        "#!/bin/sh\n"
        f'for a in "$@"; do [ "$a" = version ] && '
        f'{{ echo asked >> "{log}"; echo "git version {version}"; exit 0; }}; done\n'
        f'exec "{real}" "$@"\n'
    )
    script.chmod(0o755)
    return folder


def test_git_is_asked_its_version_once_per_executable(drafts_repo: Path, tmp_path: Path) -> None:
    log = tmp_path / "asked"
    fake = _logging_git(tmp_path / "bin", "2.44.0", log)
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}

    def status(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
        args = [sys.executable, "-m", "draftctl", "--repo", str(drafts_repo), "status"]
        return subprocess.run(args, capture_output=True, text=True, env=environment, check=False)

    for _ in range(3):
        assert status(env).returncode == 0
    assert log.read_text().count("asked") == 1, "the answer is kept for this git"
    script = fake / "git"
    script.write_text(script.read_text().replace("2.44.0", "2.20.0 (older, same path) "))
    done = status(env)
    assert done.returncode == 1 and "too old" in done.stderr, "a changed git is asked again"
    assert log.read_text().count("asked") == 2
    other = _logging_git(tmp_path / "other", "2.29.1", log)
    done = status({**env, "PATH": f"{other}{os.pathsep}{os.environ['PATH']}"})
    assert done.returncode == 1 and "too old" in done.stderr, "another git is asked too"
    memo = drafts_repo / ".git" / "draftctl" / "git-version"
    memo.write_text("rubbish")
    assert status(env).returncode == 1 and log.read_text().count("asked") == 4


def test_status_at_the_last_version_reads_no_log(drafts_repo: Path, tmp_path: Path) -> None:
    """With HEAD at the last version there is no commit since it: status runs no `git log`
    (nor reads the notes), and says the same as when it did."""
    log = tmp_path / "commands"
    real = shutil.which("git")
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "git").write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    (folder / "git").chmod(0o755)
    env = {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}
    args = [sys.executable, "-m", "draftctl", "--repo", str(drafts_repo), "status"]
    Cli(drafts_repo)("tag", "v1")
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0 and "Last version: v1" in done.stdout
    assert "without a round" not in done.stdout
    assert not [line for line in log.read_text().splitlines() if "log" in line.split()]
    policy = drafts_repo / "drafts" / "policy.md"
    policy.write_text(policy.read_text(encoding="utf-8") + "\nMore.\n", "utf-8")
    git(drafts_repo, "commit", "-qam", "Another")
    log.unlink()
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    assert "1 commit without a round" in done.stdout and "Another" in done.stdout
    assert [line for line in log.read_text().splitlines() if "log" in line.split()]


def test_git_commands_side_by_side_answer_in_order_and_fail_as_one(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    git(tmp_path, "commit", "-q", "--allow-empty", "-m", "first")
    commands = [["rev-parse", "HEAD"], ["log", "--format=%s"], ["rev-parse", "--git-dir"]] * 3
    done = run_git_all(tmp_path, commands, at_once=2)
    assert [d.stdout for d in done] == [run_git(tmp_path, c).stdout for c in commands]
    with pytest.raises(GitError, match="rev-parse failed"):
        run_git_all(tmp_path, [["log", "-1"], ["rev-parse", "--verify", "nothing"], ["log"]])
