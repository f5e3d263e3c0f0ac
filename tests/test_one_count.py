"""One engine, one count: every command reports the same words for the same change, and the
same diff gives the same bytes under any hash seed and while the machine is busy."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import Cli, git
from tests.test_diff_command import BASE, add_rounds, edit, record, write


def _counts(data: dict[str, object]) -> tuple[object, object]:
    return data["inserted_words"], data["deleted_words"]


def test_every_command_counts_the_same_words(drafts_repo: Path) -> None:
    cli = Cli(drafts_repo)
    add_rounds(cli)
    write(drafts_repo, BASE)
    record(cli, "evidence", "Base text")
    cli("tag", "v1")
    edit(drafts_repo, "covers adults", "can not cover adults")  # punctuation-free words
    edit(drafts_repo, "It leaves trafficking", "It doesn't leave trafficking")
    edit(drafts_repo, "States should", "States can not, and must not,")
    edit(drafts_repo, "consenting adults", "consenting  adults")  # spacing only: no change
    status = json.loads(cli("status", "--json").out)["drafts"][0]
    worktree = json.loads(cli("diff", "v1", "--format", "json").out)["stats"]
    record(cli, "field", "Edit")
    edit(drafts_repo, "can not cover", "cannot cover")  # a join is a change
    record(cli, "field", "Join")
    cli("tag", "v2")
    log = json.loads(cli("log", "--json").out)
    first = json.loads(cli("diff", "HEAD~1", "HEAD", "--format", "json").out)["stats"]
    shown = cli("show", "HEAD~1").out
    versions = {v["name"]: v for v in json.loads(cli("versions", "--json").out)}
    report = json.loads(cli("report", "v1", "v2", "--format", "json").out)["totals"]
    whole = json.loads(cli("diff", "v1", "v2", "--format", "json").out)["stats"]
    assert _counts(status) == _counts(worktree) == _counts(log[1]) != (0, 0)
    assert re.search(rf"\+{log[1]['inserted_words']} −{log[1]['deleted_words']} words", shown)
    assert _counts(log[0]) == _counts(first) == (1, 2)  # "cannot" for "can not"
    assert _counts(versions["v2"]) == _counts(report) == _counts(whole)


_MAIN = "import sys; from draftctl.cli import main; sys.argv[0] = 'draftctl'; main()"


def _diff_bytes(repo: Path, seed: str, busy: bool) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    hog = None
    if busy:  # a CPU hog: results must not depend on load (nothing is timed)
        hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        args = ["--repo", str(repo), "diff", "v1", "HEAD", "--format", "json"]
        done = subprocess.run(
            [sys.executable, "-c", _MAIN, *args],
            capture_output=True,
            env=env,
            check=True,
        )
    finally:
        if hog is not None:
            hog.kill()
            hog.wait()
    return done.stdout


def test_json_is_byte_identical_across_hash_seeds_and_load(drafts_repo: Path) -> None:
    cli = Cli(drafts_repo)
    add_rounds(cli)
    words = " ".join(f"w{i % 37} term{i % 11}" for i in range(400))
    write(drafts_repo, BASE + "\n" + words + "\n\nA paragraph that will move somewhere else.\n")
    record(cli, "evidence", "Base text")
    cli("tag", "v1")
    text = (drafts_repo / "drafts" / "policy.md").read_text()
    moved = "\nA paragraph that will move somewhere else.\n"
    text = text.replace(moved, "").replace("## Scope\n", "## Scope\n" + moved)
    write(drafts_repo, text.replace("w3 term3", "w3 changed").replace("term7", "x y"))
    record(cli, "field", "Edit and move")
    assert git(drafts_repo, "tag", "--list") == "v1\n"
    outputs = {_diff_bytes(drafts_repo, seed, busy=seed == "3") for seed in ("0", "1", "2", "3")}
    assert len(outputs) == 1
    data = json.loads(outputs.pop())
    assert any(c["kind"] == "move" for c in data["changes"])
