"""Real use, consistency: what a user notices when two commands disagree with each other."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, git
from tests.hardening_helpers import assert_refused, drafts_repo, refuses, run

__all__ = ["drafts_repo"]

POLICY = "drafts/policy.md"


def _json(result: Any) -> Any:
    return json.loads(result.out)


def _edit(repo: Path, text: str) -> None:
    with (repo / POLICY).open("a", encoding="utf-8") as out:
        out.write(text)


@pytest.mark.parametrize(
    ("option", "value"), [("--round", "nope"), ("--by", "nobody")], ids=["round", "by"]
)
def test_log_refuses_unknown_ids_like_diff(drafts_repo: Path, option: str, value: str) -> None:
    cli = Cli(drafts_repo)
    refuses(cli, drafts_repo, ["diff", "--draft", "policy", option, value], value)
    refuses(cli, drafts_repo, ["log", option, value], value)
    refuses(cli, drafts_repo, ["log", "--json", option, value], value)


def test_log_accepts_ids_only_history_cites(drafts_repo: Path) -> None:
    _edit(drafts_repo, "\nA plain git commit.\n")
    git(drafts_repo, "commit", "-qam", "Plain", "--trailer", "Consultation-Round: retired")
    out = Cli(drafts_repo)("log", "--round", "retired").out
    assert "Plain" in out
    assert "Plain" not in Cli(drafts_repo)("log", "--round", "evidence").out


def test_round_cannot_close_before_it_opens(drafts_repo: Path) -> None:
    cli = Cli(drafts_repo)
    error = refuses(cli, drafts_repo, ["round", "close", "evidence", "--on", "2014-01-09"])
    assert "2014-01-10" in error
    cli("round", "close", "evidence", "--on", "2014-01-10")


def test_reopening_forgets_the_old_closing_date(drafts_repo: Path) -> None:
    cli = Cli(drafts_repo)
    cli("round", "close", "evidence", "--on", "2014-02-01")
    cli("round", "open", "evidence")
    rounds = {r["id"]: r for r in _json(cli("round", "list", "--json"))}
    assert rounds["evidence"]["closes"] is None and rounds["evidence"]["state"] == "open"
    _edit(drafts_repo, "\nAdded after reopening.\n")
    cli("commit", "--round", "evidence", "-m", "Late addition")
    assert cli("check").code == 0
    cli("round", "close", "evidence")
    assert cli("check").code == 0


def test_a_seven_deep_blockquote_is_not_a_conflict(drafts_repo: Path) -> None:
    cli = Cli(drafts_repo)
    _edit(drafts_repo, "\n>>>>>>> A deeply quoted reply.\n\n<<<<<<< not a marker either\n")
    cli("commit", "--round", "evidence", "-m", "Quote the reply")
    assert ">>>>>>> A deeply quoted reply." in git(drafts_repo, "show", f"HEAD:{POLICY}")


def test_a_real_conflict_is_still_refused(drafts_repo: Path) -> None:
    _edit(drafts_repo, "\n<<<<<<< HEAD\nOurs.\n=======\nTheirs.\n>>>>>>> other\n")
    refuses(Cli(drafts_repo), drafts_repo, ["commit", "--round", "evidence", "-m", "X"], "conflict")


JOINED = {
    "persian": "گروه\u200cهای کارگران جنسی",  # ZWNJ inside a Persian word
    "devanagari": "क्\u200dष समूह",  # ZWJ shaping an Indic conjunct
    "emoji": "Health team \U0001f469\u200d\u2695\ufe0f",  # ZWJ emoji sequence
}


@pytest.mark.parametrize("text", list(JOINED.values()), ids=list(JOINED))
def test_joiners_inside_words_are_accepted(drafts_repo: Path, text: str) -> None:
    cli = Cli(drafts_repo)
    cli("stakeholder", "add", "local", "--name", text)
    people = _json(cli("stakeholder", "list", "--json"))
    assert {"id": "local", "name": text, "kind": None} in people
    cli("round", "add", "field", "--title", text)
    _edit(drafts_repo, "\nNew text.\n")
    cli("commit", "--round", "evidence", "-m", text, "--why", text)
    assert git(drafts_repo, "log", "-1", "--format=%s") == text + "\n"


@pytest.mark.parametrize("text", ["\u200dleading", "trailing\u200c", "a \u200d b"])
def test_joiners_that_join_nothing_are_refused(drafts_repo: Path, text: str) -> None:
    assert_refused(Cli(drafts_repo)("stakeholder", "add", "x", "--name", text, ok=False), "U+200")


def test_status_lists_every_section_of_a_new_draft(drafts_repo: Path) -> None:
    (drafts_repo / "drafts" / "annex.md").write_text(
        "# Annex\n\n## One\n\nFirst.\n\n## Two\n\nSecond.\n\n## Three\n\nThird.\n"
    )
    report = _json(Cli(drafts_repo)("status", "--json"))
    annex = next(d for d in report["drafts"] if d["draft"] == "drafts/annex.md")
    assert annex["sections"] == [["Annex"], ["Annex", "One"], ["Annex", "Two"], ["Annex", "Three"]]
    shown = Cli(drafts_repo)("status").out
    assert all(f"Annex › {name}" in shown for name in ("One", "Two", "Three"))


def test_show_on_a_merge_prints_each_diff_and_the_rationale_once(drafts_repo: Path) -> None:
    cli = Cli(drafts_repo)
    git(drafts_repo, "switch", "-qc", "side")
    _edit(drafts_repo, "\nSide text.\n")
    (drafts_repo / "drafts" / "annex.md").write_text("# Annex\n\nSide annex.\n")
    git(drafts_repo, "add", "drafts/annex.md")
    cli("commit", "--round", "evidence", "-m", "Side", "--why", "side reason")
    git(drafts_repo, "switch", "-q", "main")
    (drafts_repo / "drafts" / "annex.md").write_text("# Annex\n\nMain annex.\n")
    git(drafts_repo, "add", "drafts/annex.md")
    git(drafts_repo, "commit", "-qm", "Main annex", "--trailer", "Consultation-Round: evidence")
    subprocess.run(["git", "merge", "-q", "side"], cwd=drafts_repo, capture_output=True)
    (drafts_repo / "drafts" / "annex.md").write_text("# Annex\n\nMain annex. Side annex.\n")
    git(drafts_repo, "add", "drafts/annex.md")
    message = "Merge side\n\nConsultation-Round: evidence\nRationale: merge reason\n"
    git(drafts_repo, "commit", "-qF", "-", input=message)
    out = run(drafts_repo, "show", "HEAD").stdout
    assert out.count("drafts/annex.md ") == 1, out
    assert out.count("drafts/policy.md ") == 1, out
    assert out.count("Rationale: merge reason") == 1, out


def _register_ending_at(repo: Path, last: str) -> Cli:
    """A feedback register whose one item a person renumbered to `last` and committed."""
    cli = Cli(repo)
    cli("feedback", "add", "--round", "evidence", "--from", "who", "--summary", "First")
    path = repo / "feedback.toml"
    path.write_text(path.read_text().replace("FB-0001", last))
    git(repo, "commit", "-qam", "Renumber", "--trailer", "Draftctl-Action: feedback")
    return cli


def test_feedback_ids_past_six_digits_read_back(drafts_repo: Path) -> None:
    cli = _register_ending_at(drafts_repo, "FB-999999")
    cli("feedback", "add", "--round", "evidence", "--from", "who", "--summary", "Second")
    ids = [item["id"] for item in _json(cli("feedback", "list", "--json"))]
    assert ids == ["FB-999999", "FB-1000000"]
    _edit(drafts_repo, "\nAnswered.\n")
    cli("commit", "--round", "evidence", "-m", "Answer", "--feedback", "FB-1000000")
    assert cli("check").code == 0


def test_a_full_feedback_register_is_refused(drafts_repo: Path) -> None:
    cli = _register_ending_at(drafts_repo, "FB-999999999")
    args = ["feedback", "add", "--round", "evidence", "--from", "who", "--summary", "Next"]
    refuses(cli, drafts_repo, args, "FB-999999999")
