"""`draftctl blame`: credit follows words, reflow never takes it, notes override trailers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from draftctl.consultation.workspace import open_workspace
from draftctl.engine.tokens import solid_tokens
from draftctl.engine.weave import Step, replay
from draftctl.review.blame import blame_draft
from tests.conftest import Cli, git

FIRST = """# Test policy

## Purpose

The policy protects the rights of sex workers in every country where the
Organisation works, and it sets out what states must do.

## Scope

It covers adults who sell sexual services. It does not cover children, whose
exploitation is always a crime.

## Health

States must ensure access to health services without discrimination.
"""


def write(repo: Path, text: str) -> None:
    (repo / "drafts" / "policy.md").write_text(text)


def record(cli: Cli, repo: Path, text: str, round_id: str, message: str) -> str:
    """Commit with plain git and a trailer (quicker than `draftctl commit`, and the same)."""
    write(repo, text)
    git(repo, "commit", "-qam", message, "--trailer", f"Consultation-Round: {round_id}")
    return git(repo, "rev-parse", "HEAD").strip()


def blocks(cli: Cli, *args: str) -> dict[str, Any]:
    """Blame JSON keyed by the first three words of each block."""
    found = json.loads(cli("blame", "--json", *args).out)
    return {" ".join(str(b["text"]).split()[:3]): b for b in found}


@pytest.fixture
def rounds(cli: Cli, drafts_repo: Path) -> Cli:
    """Three more open rounds, written straight into draftctl.toml."""
    config = drafts_repo / "draftctl.toml"
    for name in ("field", "national", "final"):
        config.write_text(
            config.read_text()
            + f'\n[rounds.{name}]\ntitle = "{name.capitalize()}"\nstate = "open"\n'
            + "opens = 2014-02-01\nstakeholders = []\n"
        )
    git(drafts_repo, "commit", "-qam", "Add rounds", "--trailer", "Draftctl-Action: round-add")
    return cli


@pytest.fixture
def history(rounds: Cli, drafts_repo: Path) -> dict[str, str]:
    """evidence writes; field rewords Purpose; national fixes a comma; final reflows Scope."""
    cli, repo = rounds, drafts_repo
    commits = {"write": record(cli, repo, FIRST, "evidence", "Write the draft")}
    text = FIRST.replace("in every country where the\nOrganisation works", "wherever it works")
    commits["reword"] = record(cli, repo, text, "field", "Reword the purpose")
    text = text.replace("wherever it works, and", "wherever it works and")
    commits["comma"] = record(cli, repo, text, "national", "Drop a comma")
    text = text.replace("services. It does not cover children, whose\n", "services.\nIt does not ")
    text = text.replace(
        "It does not exploitation", "It does not cover children, whose exploitation"
    )
    commits["reflow"] = record(cli, repo, text, "final", "Re-wrap the scope")
    return commits


def test_credit_follows_words_not_lines(history: dict[str, str], rounds: Cli) -> None:
    found = blocks(rounds)
    purpose = found["The policy protects"]
    assert purpose["commit"] == history["comma"] and purpose["round"] == "national"
    assert purpose["rounds"] == ["evidence", "field"]
    scope = found["It covers adults"]
    assert scope["commit"] == history["write"] and scope["rounds"] == ["evidence"]
    heading = found["## Health"]
    assert heading["commit"] == history["write"] and heading["section"] == ["Test policy", "Health"]
    assert found["## Scope"]["rounds"] == ["unattributed"]  # from `draftctl new`'s template


def test_json_has_the_contract_shape_one_entry_per_block(
    history: dict[str, str], rounds: Cli
) -> None:
    found = json.loads(rounds("blame", "--json").out)
    assert [b["text"] for b in found][:3] == [
        "# Test policy",
        "## Purpose",
        "The policy protects the rights of sex workers wherever it works and it sets out what "
        "states must do.",
    ]
    for entry in found:
        assert {"section", "text", "commit", "round", "date", "rounds"} <= set(entry)
    assert found[0]["date"].startswith("20")


def test_deleting_words_takes_the_block_but_keeps_the_writers(
    history: dict[str, str], rounds: Cli, drafts_repo: Path
) -> None:
    text = (drafts_repo / "drafts" / "policy.md").read_text()
    cut = record(rounds, drafts_repo, text.replace(" without discrimination", ""), "final", "Cut")
    health = blocks(rounds)["States must ensure"]
    assert health["commit"] == cut and health["rounds"] == ["evidence"]
    assert blocks(rounds)["It covers adults"]["commit"] == history["write"]


def test_a_moved_paragraph_keeps_its_credit(
    history: dict[str, str], rounds: Cli, drafts_repo: Path
) -> None:
    text = (drafts_repo / "drafts" / "policy.md").read_text()
    para = "States must ensure access to health services without discrimination.\n"
    moved = text.replace(para, "").replace("## Scope\n", "## Scope\n\n" + para)
    record(rounds, drafts_repo, moved.rstrip("\n") + "\n", "final", "Move health sentence")
    health = blocks(rounds)["States must ensure"]
    assert health["commit"] == history["write"] and health["section"][-1] == "Scope"


def test_worktree_edits_and_at(history: dict[str, str], rounds: Cli, drafts_repo: Path) -> None:
    text = (drafts_repo / "drafts" / "policy.md").read_text()
    write(drafts_repo, text.replace("access to", "free access to"))
    health = blocks(rounds)["States must ensure"]
    assert health["commit"] is None and health["round"] is None
    assert health["rounds"] == ["evidence", "WORKTREE"]
    assert blocks(rounds, "--at", "HEAD")["States must ensure"]["commit"] == history["write"]
    at_reword = blocks(rounds, "--at", history["reword"][:10])
    assert at_reword["The policy protects"]["commit"] == history["reword"]


def test_a_note_overrides_the_trailer(history: dict[str, str], rounds: Cli) -> None:
    rounds("attribute", history["reword"], "--round", "national", "--by", "who")
    purpose = blocks(rounds)["The policy protects"]
    assert purpose["rounds"] == ["evidence", "national"]


def test_plain_git_commits_without_round_are_unattributed(
    history: dict[str, str], rounds: Cli, drafts_repo: Path
) -> None:
    text = (drafts_repo / "drafts" / "policy.md").read_text()
    write(drafts_repo, text.replace("health services", "health and social services"))
    git(drafts_repo, "commit", "-qam", "Quick fix")
    health = blocks(rounds)["States must ensure"]
    assert health["round"] is None and health["rounds"] == ["evidence", "unattributed"]


def test_terminal_output_has_the_margin(history: dict[str, str], rounds: Cli) -> None:
    out = rounds("blame").out
    assert "national" in out and history["comma"][:8] in out and "← evidence, field" in out


def test_refusals(history: dict[str, str], rounds: Cli) -> None:
    result = rounds("blame", "--at", "nope", ok=False)
    assert result.code == 1 and "unknown revision 'nope'" in result.err
    result = rounds("blame", "--draft", "annex", ok=False)
    assert result.code == 1 and "does not exist" in result.err


def _replayed(texts: list[str]) -> list[tuple[int, list[int]]]:
    """Replay `texts` as one commit each; after each, the ordinal of every token's writer."""
    out = []
    for n in range(1, len(texts) + 1):
        weave, _ = replay("", [Step(str(k), t) for k, t in enumerate(texts[:n])])
        writers = [int(weave.commits[weave.inserted[-v - 1]]) for v in weave.state.alive]
        out.append((len(solid_tokens(texts[n - 1])), writers))
    return out


def test_every_token_has_an_entry(history: dict[str, str], drafts_repo: Path) -> None:
    ws = open_workspace(drafts_repo)
    found = blame_draft(ws, None)
    assert sum(sum(b.words.values()) for b in found) > 30
    texts = ["", "a b\n\nc, d", "a  b c\n\nd", "x\n\na b c\n\nd e"]
    replayed = _replayed(texts)
    assert all(count == len(writers) for count, writers in replayed)
    assert replayed[-1][1][0] == 3  # x, written by the last step
    assert replayed[-1][1][1] == 1  # a, written by the first real text, kept through reflow


def test_hard_histories_keep_entries_aligned() -> None:
    texts = [
        "p one two three four five\n\nq six seven eight nine ten\n\nr eleven",
        "q six seven eight nine ten\n\np one two three four five\n\nr eleven twelve",
        "q six seven\neight nine ten\n\np one two\n\nthree four five\n\nr twelve",
        "",
        "\r\nnew 🎉 text – ünïcode\r\n\r\n",
    ]
    assert all(count == len(writers) for count, writers in _replayed(texts))


_PIECES = st.sampled_from(["a", "b", "c,", "dé", "e.", "🎉", "f", "g!", " ", "  ", "\n", "\n\n"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=40).map(" ".join), min_size=1, max_size=6))
def test_entries_stay_aligned_with_the_text(texts: list[str]) -> None:
    for ordinal, (count, writers) in enumerate(_replayed(texts)):
        assert count == len(writers)
        assert all(0 <= w <= ordinal for w in writers)
