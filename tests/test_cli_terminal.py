"""What a person sees at a terminal, tested in real processes: the pager, narrow and piped
output that never cuts an id or a word, plurals, `--quiet`, and shell completion."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from tests.conftest import Cli, git

DRAFTCTL = [sys.executable, "-m", "draftctl"]
LONG_ROUND = "internal-drafting-and-legal-review"
LONG_PERSON = "sex-worker-led-organisations"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PAGER", "DRAFTCTL_PAGER", "LESS")}
    env.update(extra)
    return env


def run_pipe(repo: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """draftctl with stdout a pipe, as in `draftctl … | grep`."""
    return subprocess.run(
        [*DRAFTCTL, "--repo", str(repo), *args],
        capture_output=True,
        text=True,
        env=_env(**env),
        timeout=120,
    )


def run_pty(repo: Path, *args: str, columns: int = 100, **env: str) -> tuple[int, str]:
    """draftctl with stdout a pseudo-terminal of `columns` columns; returns exit and output."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, columns, 0, 0))
    process = subprocess.Popen(
        [*DRAFTCTL, "--repo", str(repo), *args],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=subprocess.PIPE,
        env=_env(COLUMNS=str(columns), LINES="30", **env),
    )
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            process.kill()
            raise AssertionError("draftctl hung at the terminal")
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed: the process has finished writing
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    process.wait(timeout=60)
    return process.returncode, b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


@pytest.fixture
def fake_pager(tmp_path: Path) -> tuple[str, Path]:
    """A PAGER that records its environment and everything it was given."""
    record = tmp_path / "paged.txt"
    script = tmp_path / "fake-pager"
    script.write_text(f'#!/bin/sh\n{{ echo "LESS=$LESS"; cat; }} > "{record}"\n')
    script.chmod(0o755)
    return str(script), record


@pytest.fixture
def long_ids(cli: Cli, drafts_repo: Path) -> Path:
    """A round and a stakeholder with long ids, feedback, and one commit with a long subject."""
    cli("stakeholder", "add", LONG_PERSON, "--name", "Sex worker-led organisations")
    cli("round", "add", LONG_ROUND, "--title", "Internal drafting and legal review of the text")
    cli("round", "open", LONG_ROUND, "--date", "2014-02-01")
    cli("feedback", "add", "--round", LONG_ROUND, "--stakeholder", LONG_PERSON, "--summary", "x")
    path = drafts_repo / "drafts" / "policy.md"
    path.write_text(path.read_text() + "\nThe state must consult sex workers.\n")
    subject = "Require the state to consult sex worker-led organisations on every law"
    cli("commit", "--round", LONG_ROUND, "--stakeholder", LONG_PERSON, "-m", subject)
    return drafts_repo


# -- the pager --------------------------------------------------------------------------


def test_terminal_output_goes_through_the_pager(
    long_ids: Path, fake_pager: tuple[str, Path]
) -> None:
    pager, record = fake_pager
    code, shown = run_pty(long_ids, "log", PAGER=pager)
    assert code == 0
    paged = record.read_text()
    assert paged.startswith("LESS=FRX\n")  # git's defaults, unless LESS is set
    assert "Require the state to consult" in paged
    assert "Require the state" not in shown  # the pager got it, not the terminal


@pytest.mark.parametrize(
    "args", [("diff", "HEAD~1"), ("show", "HEAD"), ("blame",), ("report", "--round", LONG_ROUND)]
)
def test_long_outputs_are_paged(
    long_ids: Path, fake_pager: tuple[str, Path], args: tuple[str, ...]
) -> None:
    pager, record = fake_pager
    assert run_pty(long_ids, *args, PAGER=pager)[0] == 0
    assert "consult sex workers" in record.read_text()


def test_draftctl_pager_wins_and_less_keeps_its_own_settings(
    long_ids: Path, fake_pager: tuple[str, Path], tmp_path: Path
) -> None:
    pager, record = fake_pager
    run_pty(long_ids, "log", PAGER="/bin/false", DRAFTCTL_PAGER=pager, LESS="-R")
    assert record.read_text().startswith("LESS=-R\n")


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("--no-pager", "log"), {}),
        (("log", "--no-pager"), {}),
        (("log",), {"DRAFTCTL_PAGER": "cat"}),
        (("log",), {"DRAFTCTL_PAGER": ""}),
        (("log", "--json"), {}),
        (("diff", "HEAD~1", "--format", "json"), {}),
    ],
)
def test_no_pager_when_asked_or_for_json(
    long_ids: Path, fake_pager: tuple[str, Path], args: tuple[str, ...], env: dict[str, str]
) -> None:
    pager, record = fake_pager
    code, shown = run_pty(long_ids, *args, PAGER=pager, **env)
    assert code == 0 and not record.exists()
    assert "consult" in shown


def test_never_a_pager_when_piped(long_ids: Path, fake_pager: tuple[str, Path]) -> None:
    pager, record = fake_pager
    for args in (["log"], ["blame"], ["export", "HEAD", "--format", "markdown"]):
        done = run_pipe(long_ids, *args, PAGER=pager)
        assert done.returncode == 0 and "consult" in done.stdout
    assert not record.exists()


def test_a_missing_pager_prints_directly(long_ids: Path) -> None:
    code, shown = run_pty(long_ids, "log", PAGER="no-such-pager-program")
    assert code == 0 and "Require the state" in shown


# -- narrow and piped output -------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (("round", "list"), [LONG_ROUND, "evidence"]),
        (("stakeholder", "list"), [LONG_PERSON, "who"]),
        (("feedback", "list"), ["FB-0001", LONG_ROUND, LONG_PERSON]),
        (("round", "show", LONG_ROUND), [LONG_PERSON]),
        (("log",), [LONG_ROUND, LONG_PERSON]),
        (("blame",), [LONG_ROUND]),
        (("diff", "HEAD~1", "--stat"), [LONG_ROUND]),
    ],
)
def test_narrow_piped_output_never_cuts_an_id(
    long_ids: Path, args: tuple[str, ...], ids: list[str]
) -> None:
    done = run_pipe(long_ids, *args, COLUMNS="40")
    assert done.returncode == 0, done.stderr
    assert "…" not in done.stdout
    words = set(re.findall(r"[\w-]+", done.stdout))
    for wanted in ids:
        assert wanted in words, f"{wanted} cut in:\n{done.stdout}"


@pytest.mark.parametrize("columns", [40, 60, 100])
def test_log_at_a_narrow_terminal_wraps_between_words(long_ids: Path, columns: int) -> None:
    code, shown = run_pty(long_ids, "--no-pager", "log", columns=columns, NO_COLOR="1")
    assert code == 0
    words = re.findall(r"[\w-]+", shown)
    subject = "Require the state to consult sex worker-led organisations on every law"
    assert " ".join(words).count(" ".join(re.findall(r"[\w-]+", subject))) == 1, shown
    assert LONG_ROUND in words and LONG_PERSON in words and "…" not in shown


def test_piped_log_keeps_one_commit_per_line(long_ids: Path) -> None:
    lines = run_pipe(long_ids, "log", COLUMNS="40").stdout.splitlines()
    commits = json.loads(run_pipe(long_ids, "log", "--json").stdout)
    assert len(lines) == 1 + len(commits) == 3
    assert "Require the state to consult sex worker-led organisations on every law" in lines[1]


# -- plurals ------------------------------------------------------------------------------


def test_counts_read_as_words(cli: Cli, drafts_repo: Path) -> None:
    done = run_pipe(drafts_repo, "round", "show", "evidence")
    assert "(s)" not in done.stdout
    path = drafts_repo / "drafts" / "policy.md"
    path.write_text(path.read_text() + "\nA line.\n")
    Cli(drafts_repo)("commit", "--round", "evidence", "-m", "Second")
    assert run_pipe(drafts_repo, "log").stdout.startswith("History: 2 commits, newest first")
    path = drafts_repo / "drafts" / "policy.md"
    path.write_text(path.read_text() + "\nOne more line.\n")
    git(drafts_repo, "commit", "-qam", "Unattributed edit")
    listed = run_pipe(drafts_repo, "attribute", "--list")
    assert "1 commit without a round" in listed.stdout
    checked = run_pipe(drafts_repo, "check")
    assert checked.stderr.startswith("error: 1 commit changing drafts fails the check")
    first = run_pipe(drafts_repo, "log", "--from", "HEAD~1")
    assert first.stdout.startswith("History: 1 commit, newest first")


# -- quiet -------------------------------------------------------------------------------


def test_quiet_silences_talk_not_results_or_errors(cli: Cli, drafts_repo: Path) -> None:
    added = run_pipe(drafts_repo, "feedback", "add", "--round", "evidence", "--stakeholder",
                     "who", "--summary", "Cite WHO", "-q")  # fmt: skip
    assert added.returncode == 0 and added.stdout == "FB-0001\n" and added.stderr == ""
    loud = run_pipe(drafts_repo, "round", "add", "noisy", "--title", "Noisy")
    assert "registered round noisy" in loud.stderr
    failed = run_pipe(drafts_repo, "-q", "round", "open", "nope")
    assert failed.returncode == 1 and failed.stderr.startswith("error: ")
    assert "hint: " in failed.stderr


# -- completion --------------------------------------------------------------------------


def _complete(repo: Path, words: str) -> list[str]:
    env = _env(_DRAFTCTL_COMPLETE="complete_bash", COMP_WORDS=words,
               COMP_CWORD=str(len(words.split()) - (0 if words.endswith(" ") else 1)))  # fmt: skip
    done = subprocess.run(DRAFTCTL, capture_output=True, text=True, env=env, cwd=repo, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_completion_offers_ids_from_the_repository(long_ids: Path) -> None:
    git(long_ids, "tag", "-a", "v1", "-m", "v1")
    assert _complete(long_ids, "draftctl commit --round ") == ["evidence", LONG_ROUND]
    assert _complete(long_ids, "draftctl log --stakeholder s") == [LONG_PERSON, "swl"]
    assert _complete(long_ids, "draftctl diff --draft ") == ["policy"]
    assert _complete(long_ids, "draftctl feedback respond FB") == ["FB-0001"]
    assert "v1" in _complete(long_ids, "draftctl verify ")
    options = _complete(long_ids, "draftctl log --")
    assert "--stakeholder" in options and "--by" not in options


def test_completion_finds_the_repository_from_a_subfolder_and_repo(long_ids: Path) -> None:
    assert _complete(long_ids / "drafts", "draftctl round open ev") == ["evidence"]
    outside = long_ids.parent
    words = f"draftctl round show --repo {long_ids} ev"
    assert _complete(outside, words) == ["evidence"]


def test_completion_imports_no_heavy_module(long_ids: Path) -> None:
    probe = (
        "import sys, draftctl.cli\n"
        "try:\n    draftctl.cli.main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('rich', 'git', 'docx', 'markdown_it', 'diff_match_patch') "
        "or m.startswith(('draftctl.engine', 'draftctl.git', 'draftctl.review', "
        "'draftctl.consultation', 'draftctl.release', 'draftctl.render'))]\n"
        "print(repr(heavy), file=sys.stderr)\n"
    )
    env = _env(_DRAFTCTL_COMPLETE="complete_bash", COMP_WORDS="draftctl commit --round ",
               COMP_CWORD="3")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=env, cwd=long_ids, timeout=60)  # fmt: skip
    assert done.stdout.split() == ["evidence", LONG_ROUND]
    assert done.stderr.strip() == "[]"


def test_completion_scripts_are_offered() -> None:
    done = subprocess.run([*DRAFTCTL, "--show-completion", "bash"], capture_output=True,
                          text=True, timeout=60, env=_env())  # fmt: skip
    assert done.returncode == 0 and "_DRAFTCTL_COMPLETE" in done.stdout
