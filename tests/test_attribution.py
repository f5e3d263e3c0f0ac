"""Tests for draftctl.engine.attribution: replaying history and crediting every word."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from draftctl.engine import tokendiff
from draftctl.engine.attribution import AttributedDiff, Step, attribute
from draftctl.engine.tokendiff import split_chunks

BASE = """\
# Policy

## Scope

The state must protect the rights of sex workers.

## Evidence

WHO and UNAIDS reviewed the evidence.

## Annex

Closing words of the annex.
"""


def credit_table(result: AttributedDiff) -> list[tuple[str, str, str, list[str]]]:
    return [(c.kind, c.old_text, c.new_text, result.credits[c.id]) for c in result.diff.changes]


def word_credits(result: AttributedDiff, change_id: int) -> list[tuple[str, str, str | None]]:
    """(op, text, commit) runs of one change, equal text left out."""
    return [
        (seg.op, (seg.new or seg.old).strip(), who)
        for seg, who in result.segment_credits[change_id]
        if seg.op != "equal" and seg.change_id == change_id
    ]


def test_insert_reword_delete_each_credited_to_its_commit() -> None:
    a = BASE.replace("sex workers.", "sex workers. Police must not harass them.")
    b = a.replace("The state must protect", "The state shall protect")
    c = b.replace("WHO and UNAIDS reviewed the evidence.\n\n", "")
    result = attribute(BASE, [Step("A", a), Step("B", b), Step("C", c)])
    assert credit_table(result) == [
        ("replace", "must", "shall", ["B"]),
        ("insert", "", "Police must not harass them.", ["A"]),
        ("delete", "WHO and UNAIDS reviewed the evidence.", "", ["C"]),
    ]
    assert result.order == ["A", "B", "C"]


def test_sentence_inserted_then_partly_reworded_credits_both_word_by_word() -> None:
    a = BASE.replace("sex workers.", "sex workers. Police must never harass sex workers.")
    b = a.replace("never harass", "not arrest or harass")
    result = attribute(BASE, [Step("A", a), Step("B", b)])
    (change,) = result.diff.changes
    assert result.credits[change.id] == ["A", "B"]
    assert word_credits(result, change.id) == [
        ("insert", "Police must", "A"),
        ("insert", "not arrest or", "B"),
        ("insert", "harass sex workers.", "A"),
    ]
    runs = result.segment_credits[change.id]
    assert "".join(seg.new for seg, _ in runs) == "".join(seg.new for seg in change.segments)


def test_moved_section_is_credited_to_the_moving_commit() -> None:
    scope = BASE[BASE.index("## Scope") : BASE.index("## Evidence")]
    a = BASE.replace("words of the annex", "words of the whole annex")
    moved = a.replace(scope, "") + "\n" + scope.rstrip("\n") + "\n"
    result = attribute(BASE, [Step("A", a), Step("MOVE", moved)])
    kinds = {c.kind: result.credits[c.id] for c in result.diff.changes}
    assert kinds == {"move": ["MOVE"], "insert": ["A"]}


def test_reflow_only_step_gets_no_credit() -> None:
    a = BASE.replace("sex workers.", "sex workers and their families.")
    reflowed = a.replace(
        "The state must protect the rights", "The state must\nprotect   the rights"
    )
    c = reflowed.replace("Closing words", "Closing remarks")
    result = attribute(BASE, [Step("A", a), Step("REFLOW", reflowed), Step("C", c)])
    assert [result.credits[c.id] for c in result.diff.changes] == [["A"], ["C"]]
    credited = {s.commit for p in result.diff.pairs for s in p.segments}
    assert "REFLOW" not in credited


def test_merge_credits_the_side_branch_commits() -> None:
    main = BASE.replace("## Annex\n\n", "## Annex\n\nA mainline paragraph.\n\n")
    side1 = BASE.replace("must protect", "must respect and protect")
    side2 = side1.replace("reviewed the evidence.", "reviewed the evidence carefully.")
    merged = main.replace("must protect", "must respect and protect").replace(
        "reviewed the evidence.", "reviewed the evidence carefully."
    )
    merge = Step("MERGE", merged, side=(Step("S1", side1), Step("S2", side2)), side_base=BASE)
    result = attribute(BASE, [Step("M1", main), merge])
    assert credit_table(result) == [
        ("insert", "", "respect and", ["S1"]),
        ("insert", "", "carefully", ["S2"]),
        ("insert", "", "A mainline paragraph.", ["M1"]),
    ]
    assert result.order == ["M1", "S1", "S2", "MERGE"]


def test_merge_conflict_resolution_is_credited_to_the_merge() -> None:
    side = BASE.replace("## Annex\n\n", "## Annex\n\nFrom the side.\n\n")
    merged = side.replace("From the side.", "From the side, resolved.").replace(
        "WHO and UNAIDS", "WHO"
    )
    merge = Step("MERGE", merged, side=(Step("S", side),), side_base=BASE)
    result = attribute(BASE, [merge])
    assert credit_table(result) == [
        ("delete", "and UNAIDS", "", ["MERGE"]),
        ("insert", "", "From the side, resolved.", ["S", "MERGE"]),
    ]
    assert word_credits(result, 2) == [
        ("insert", "From the side", "S"),
        ("insert", ", resolved", "MERGE"),
        ("insert", ".", "S"),
    ]


def test_merge_side_deletion_is_credited_to_the_side_commit() -> None:
    side = BASE.replace("WHO and UNAIDS reviewed the evidence.\n\n", "")
    merged = side
    merge = Step("MERGE", merged, side=(Step("S", side),), side_base=BASE)
    result = attribute(BASE, [merge])
    assert [result.credits[c.id] for c in result.diff.changes] == [["S"]]


def test_worktree_as_last_step() -> None:
    a = BASE.replace("sex workers.", "sex workers everywhere.")
    wt = a.replace("Closing words", "Opening words")
    result = attribute(BASE, [Step("A", a), Step("WORKTREE", wt)])
    assert [result.credits[c.id] for c in result.diff.changes] == [["A"], ["WORKTREE"]]


def test_identical_inputs_have_nothing_to_credit() -> None:
    result = attribute(BASE, [Step("A", BASE)])
    assert result.diff.changes == [] and result.credits == {}
    assert attribute(BASE, []).diff.changes == []


def test_progress_is_reported_after_each_step() -> None:
    calls: list[tuple[int, int]] = []
    texts = [BASE + "x" * k for k in range(1, 4)]
    attribute(
        BASE,
        [Step(f"c{k}", t) for k, t in enumerate(texts)],
        progress=lambda i, n: calls.append((i, n)),
    )
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_repeated_words_still_get_credit() -> None:
    base = "the the the the\n"
    a = "the the the the the\n"
    b = "the the the\n"
    result = attribute(base, [Step("A", a), Step("B", b)])
    assert result.diff.changes
    assert all(result.credits[c.id] for c in result.diff.changes)


def test_split_chunks_rebuilds_text() -> None:
    for text in ["", "a", "a\n\nb", "a\r\n\r\nb\r\n", "a\n \t\nb\n\n\n", "x\n" * 5000]:
        assert "".join(split_chunks(text)) == text
    assert split_chunks("a\nb\n\n c\n") == ["a\nb\n\n", " c\n"]


# --- properties -------------------------------------------------------------------------------

WORDS = ["rights", "state", "law", "police", "health", "the", "and", "sex", "work", "UN"]


@st.composite
def history(draw: st.DrawFn) -> tuple[str, list[Step]]:
    """A base text and up to six steps of word-level edits (some only reflow)."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40))
    base = _render(words, draw(st.lists(st.booleans(), max_size=40)))
    steps = []
    for k in range(draw(st.integers(1, 6))):
        for _ in range(draw(st.integers(0, 3))):
            pos = draw(st.integers(0, len(words)))
            if draw(st.booleans()) or not words:
                words.insert(pos, draw(st.sampled_from(WORDS)))
            else:
                del words[min(pos, len(words) - 1)]
        steps.append(Step(f"c{k}", _render(words, draw(st.lists(st.booleans(), max_size=40)))))
    return base, steps


def _render(words: list[str], breaks: list[bool]) -> str:
    out = []
    for k, word in enumerate(words):
        out.append(word)
        out.append("\n\n" if k < len(breaks) and breaks[k] and k % 5 == 4 else " ")
    return "".join(out).strip() + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history())
def test_every_change_gets_credit_from_the_history(case: tuple[str, list[Step]]) -> None:
    base, steps = case
    result = attribute(base, steps)
    commits = {s.commit for s in steps}
    for change in result.diff.changes:
        assert result.credits[change.id], change
        assert set(result.credits[change.id]) <= commits
        runs = result.segment_credits[change.id]
        assert "".join(s.new for s, _ in runs) == "".join(s.new for s in change.segments)
        assert "".join(s.old for s, _ in runs) == "".join(s.old for s in change.segments)
        for seg, who in runs:
            if seg.op != "equal" and seg.change_id == change.id and seg.new + seg.old:
                assert who in commits


def test_long_history_over_a_large_draft_credits_and_rebuilds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import gen_drafts

    base, texts = gen_drafts.make_history(size=80_000, steps=30, seed=5)
    steps = [Step(f"c{k:02d}", t) for k, t in enumerate(texts)]
    result = attribute(base, steps)
    assert result.diff.changes and not result.approximate
    assert all(result.credits[c.id] for c in result.diff.changes)
    assert result.diff.rebuild_old() == base and result.diff.rebuild_new() == texts[-1]
    monkeypatch.setattr(tokendiff, "MAX_GAP_WORK", 50)  # beyond the bound: coarser, still exact
    coarse = attribute(base, steps)
    assert coarse.approximate
    assert coarse.diff.rebuild_old() == base and coarse.diff.rebuild_new() == texts[-1]
    assert all(coarse.credits[c.id] for c in coarse.diff.changes)
