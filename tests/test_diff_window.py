"""The windowed two-version diff through the real CLI on real repositories: the engine reads
only the changed parts, and every output equals the whole-document engine's."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import draftctl.engine.window as window
import draftctl.review.annotate as annotate
from tests.provenance_helpers import POLICY, Writer, check_commit_counts, check_range

WORDS = "state rights health law workers people access justice data review safety".split()


def paragraph(n: int) -> str:
    words = " ".join(WORDS[(n + k) % len(WORDS)] for k in range(18))
    return f"Paragraph {n} holds that {words}, as the council found in its report {n}.\n"


def sections(count: int = 8, per: int = 5) -> list[str]:
    """Blocks of a long draft: a title, then sections of numbered paragraphs."""
    blocks = ["# Policy\n"]
    for s in range(1, count + 1):
        blocks.append(f"## Section {s}\n")
        blocks += [paragraph(s * 10 + k) for k in range(per)]
    return blocks


def joined(blocks: list[str]) -> str:
    return "\n".join(blocks)


class Placements:
    """Counts how often the diff ran on windows (a gap placed back among the engine's pairs)."""

    def __init__(self) -> None:
        self.placed = 0

    def wrap(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def spy(*args: Any) -> Any:
            found = real(*args)
            self.placed += found is not None
            return found

        return spy


@pytest.fixture
def writer(drafts_repo: Path) -> Iterator[Writer]:
    yield Writer(drafts_repo)


def outputs(writer: Writer, *rev: str) -> list[str]:
    return [
        writer.cli("diff", *rev, "--format", fmt).out for fmt in ("json", "markdown", "html")
    ] + [writer.cli("diff", *rev).out, writer.cli("diff", *rev, "--stat").out]


def check_windowed(
    writer: Writer, monkeypatch: pytest.MonkeyPatch, old: str, new: str
) -> dict[str, Any]:
    """Commit both texts; the diff runs on windows, credits hold in each commit's own diff,
    CriticMarkup rebuilds both sides, and every format equals the whole-document engine's."""
    base = writer.commit(old, "base")
    edit = writer.commit(new, "edit", "field")
    spy = Placements()
    monkeypatch.setattr(annotate, "place_gaps", spy.wrap(annotate.place_gaps))
    shown = check_range(writer, base, edit)
    windowed = outputs(writer, base, edit)
    assert spy.placed, "the diff did not run on windows"
    monkeypatch.setattr(annotate, "windows", lambda *_: None)
    assert outputs(writer, base, edit) == windowed
    data: dict[str, Any] = shown.data
    return data


def test_a_change_at_the_very_start_and_end(
    writer: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = sections()
    new = ["# Policy for all\n", *blocks[1:-1], paragraph(999), "A closing line.\n"]
    data = check_windowed(writer, monkeypatch, joined(blocks), joined(new))
    assert data["changes"][0]["new"] == "for all"
    assert "A closing line" in data["changes"][-1]["new"]


def test_a_fenced_code_block_across_a_window_edge(
    writer: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fence = "```\ncode before\n\n# not a heading\n\nParagraph-like code line\n```\n"
    blocks = sections()
    blocks.insert(9, fence)
    new = list(blocks)
    new[9] = fence.replace("code before", "code after")
    new[10] = paragraph(7777)
    new[30] = paragraph(8888)
    data = check_windowed(writer, monkeypatch, joined(blocks), joined(new))
    assert all("not a heading" not in " ".join(c["section"]) for c in data["changes"])


def test_a_change_inside_a_loose_list(writer: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    items = [f"- item {k} of the list, about {WORDS[k % len(WORDS)]}\n" for k in range(12)]
    blocks = sections()
    blocks[20:20] = items
    new = list(blocks)
    new[26] = "- item six, rewritten entirely\n"
    check_windowed(writer, monkeypatch, joined(blocks), joined(new))


def test_a_heading_change_moves_later_changes_to_the_new_section(
    writer: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = sections()
    new = list(blocks)
    at = blocks.index("## Section 4\n")
    new[at] = "## Section four\n"
    new[at + 4] = paragraph(4444)
    data = check_windowed(writer, monkeypatch, joined(blocks), joined(new))
    assert data["changes"][-1]["section"] == ["Policy", "Section four"]


def test_a_move_between_far_apart_paragraphs(
    writer: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = sections()
    new = list(blocks)
    moved = new.pop(3)
    new.insert(40, moved)
    data = check_windowed(writer, monkeypatch, joined(blocks), joined(new))
    assert [c["kind"] for c in data["changes"]] == ["move"]


def test_crlf_and_no_newline_at_the_end(writer: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = sections()
    new = list(blocks)
    new[12] = paragraph(1212)
    new[-1] = paragraph(4848)
    old_text = joined(blocks).replace("\n", "\r\n").rstrip("\r\n")
    new_text = joined(new).replace("\n", "\r\n").rstrip("\r\n")
    check_windowed(writer, monkeypatch, old_text, new_text)
    assert (writer.repo / POLICY).read_bytes().count(b"\r\n") > 40


def test_the_work_tree_against_head(writer: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = sections()
    writer.commit(joined(blocks), "base")
    new = list(blocks)
    new[25] = paragraph(2525)
    writer.write(joined(new))
    spy = Placements()
    monkeypatch.setattr(annotate, "place_gaps", spy.wrap(annotate.place_gaps))
    windowed = outputs(writer, "HEAD")
    assert spy.placed
    monkeypatch.setattr(annotate, "windows", lambda *_: None)
    assert outputs(writer, "HEAD") == windowed
    data = writer.json("diff", "HEAD", "--format", "json")
    assert data["changes"][0]["attribution"][0]["commit"] is None  # uncommitted edits


def test_status_log_show_and_diff_count_the_same_words_on_windows(
    writer: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = sections()
    writer.commit(joined(blocks), "base")
    new = list(blocks)
    new[5] = paragraph(505)
    new[30] = "A short new paragraph.\n"
    writer.write(joined(new))
    spy = Placements()
    monkeypatch.setattr(window, "place_gaps", spy.wrap(window.place_gaps))
    status = writer.json("status", "--json")["drafts"][0]
    assert spy.placed, "status did not count on windows"
    worktree = writer.json("diff", "HEAD", "--format", "json")["stats"]
    assert (status["inserted_words"], status["deleted_words"]) == (
        worktree["inserted_words"],
        worktree["deleted_words"],
    )
    commit = writer.commit(joined(new), "edit", "field")
    assert check_commit_counts(writer, commit) == (
        worktree["inserted_words"],
        worktree["deleted_words"],
    )


def test_windowed_json_is_the_same_under_any_hash_seed(writer: Writer) -> None:
    blocks = sections()
    base = writer.commit(joined(blocks), "base")
    new = list(blocks)
    new.insert(30, new.pop(2))
    new[12] = paragraph(1313)
    edit = writer.commit(joined(new), "edit")
    outs = set()
    for seed in ("0", "1", "4242"):
        done = subprocess.run(
            [sys.executable, "-m", "draftctl", "--repo", str(writer.repo), "diff", base, edit,
             "--format", "json"],
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )  # fmt: skip
        outs.add(done.stdout)
    assert len(outs) == 1
