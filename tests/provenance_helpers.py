"""End-to-end provenance checks: every credit shown is confirmed by that commit's own git diff.

A `Writer` records whole texts through the real `draftctl commit`; `check_range` reads the
annotated diff back (JSON through the CLI, pieces through the library) and holds every credit
against `git diff --word-diff C^ C`, the one oracle that shares no code with the engine.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import Cli, git
from tests.test_critic_exact import resolve
from tests.test_render import check_contract

POLICY = "drafts/policy.md"
# Words and single punctuation marks: the same cut git's word diff makes with this regex.
_GIT_TOKENS = r"[A-Za-z0-9_]+|[^[:space:]]"
_TOKENS = re.compile(r"[A-Za-z0-9_]+|\S")


def tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


class Writer:
    """Commits whole texts of drafts/policy.md through the real CLI, one round each."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.cli = Cli(repo)
        for round_id in ("field", "consult"):
            self.cli("round", "add", round_id, "--title", round_id.title(), "--stakeholder", "swl")
            self.cli("round", "open", round_id, "--on", "2014-03-01")

    def write(self, text: str) -> None:
        (self.repo / POLICY).write_text(text, encoding="utf-8")

    def commit(self, text: str, message: str, round_id: str = "evidence") -> str:
        self.write(text)
        self.cli("commit", "--round", round_id, "-m", message, "--why", f"Because: {message}")
        return self.head()

    def head(self) -> str:
        return git(self.repo, "rev-parse", "HEAD").strip()

    def json(self, *args: str) -> Any:
        return json.loads(self.cli(*args).out)


@dataclass
class OwnDiff:
    """The tokens one commit's own diff (first parent) inserts and deletes."""

    inserted: Counter[str]
    deleted: Counter[str]


def own_diff(repo: Path, commit: str) -> OwnDiff:
    parent = git(repo, "rev-parse", f"{commit}^").strip()
    out = git(
        repo,
        "diff",
        "--word-diff=porcelain",
        f"--word-diff-regex={_GIT_TOKENS}",
        "--unified=0",
        parent,
        commit,
        "--",
        POLICY,
    )
    inserted: Counter[str] = Counter()
    deleted: Counter[str] = Counter()
    for line in out.splitlines():
        if line.startswith(("+++", "---")):
            continue
        if line.startswith("+"):
            inserted.update(tokens(line[1:]))
        elif line.startswith("-"):
            deleted.update(tokens(line[1:]))
    return OwnDiff(inserted, deleted)


@dataclass
class Shown:
    """One range as the user sees it: the JSON changes and the credited pieces."""

    data: Any
    pieces: list[tuple[str, str, int | None, str | None]]  # (op, text, change id, commit)


def check_range(writer: Writer, frm: str, to: str) -> Shown:
    """The diff FROM..TO, with every credit confirmed and nothing left uncredited."""
    from draftctl.consultation.workspace import open_workspace
    from draftctl.review.annotate import annotated_diff

    data = writer.json("diff", frm, to, "--format", "json")
    check_contract(data)
    in_range = set(git(writer.repo, "rev-list", f"{frm}..{to}").split())
    result = annotated_diff(open_workspace(writer.repo), None, frm, to)
    pieces = []
    for block in result.blocks:
        for piece in block.pieces:
            if piece.op == "equal":
                continue
            assert piece.credit is not None, f"no credit for {piece.text!r}"
            commit = result.credits[piece.credit].commit
            assert commit in in_range, f"credit {commit} outside ({frm}, {to}]"
            pieces.append((piece.op, piece.text, piece.change, commit))
    owns: dict[str, OwnDiff] = {}
    for op, text, _, commit in pieces:
        assert commit is not None
        own = owns.setdefault(commit, own_diff(writer.repo, commit))
        side = own.inserted if op == "insert" else own.deleted
        missing = [t for t in tokens(text) if side[t] == 0]
        assert not missing, f"{commit[:8]} did not {op} {missing} (piece {text!r})"
    for change in data["changes"]:
        credited = [a["commit"] for a in change["attribution"]]
        assert credited, f"change {change['id']} has no credit"
        assert set(credited) <= in_range, f"change {change['id']} credited outside the range"
        if change["kind"] != "move":
            own = {c for op, _, cid, c in pieces if cid == change["id"]}
            assert set(credited) == own, f"change {change['id']}: {credited} vs pieces {own}"
        else:
            for commit in credited:
                moved = own_diff(writer.repo, commit)
                words = set(tokens(change["new"]))
                assert words & set(moved.inserted) and words & set(moved.deleted)
    marked = writer.cli("diff", frm, to, "--format", "markdown").out
    assert resolve(marked, accept=True) == git(writer.repo, "show", f"{to}:{POLICY}")
    assert resolve(marked, accept=False) == git(writer.repo, "show", f"{frm}:{POLICY}")
    return Shown(data, pieces)


def counts_of(data: dict[str, Any]) -> tuple[int, int]:
    return data["inserted_words"], data["deleted_words"]


def check_commit_counts(writer: Writer, commit: str) -> tuple[int, int]:
    """`log`, `diff C^ C` and `show C` report the same words for one commit."""
    log = {r["commit"]: r for r in writer.json("log", "--json")}
    stats = writer.json("diff", f"{commit}^", commit, "--format", "json")["stats"]
    shown = writer.cli("show", commit).out
    assert counts_of(log[commit]) == counts_of(stats)
    ins, dels = counts_of(stats)
    if ins or dels:
        assert f"+{ins} −{dels} words" in " ".join(shown.split())
    return ins, dels


def blame(writer: Writer, at: str = "HEAD") -> dict[str, dict[str, Any]]:
    """Blame entries by block text."""
    return {entry["text"]: entry for entry in writer.json("blame", "--json", "--at", at)}
