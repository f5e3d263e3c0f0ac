"""Tests for draftctl.engine.diff: block alignment, moves and word-level segments."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from draftctl.engine import recode, tokendiff
from draftctl.engine.diff import (
    DocDiff,
    Segment,
    count_words,
    diff_texts,
    is_wordish,
    tokenize,
)
from draftctl.engine.recode import recoded
from draftctl.engine.tokendiff import Coder, Differ, coded

POLICY = """\
# Policy

## Scope

The state must protect the rights of sex workers in law and in practice.

States should repeal laws that criminalise consensual adult sex work.

## Evidence

WHO and UNAIDS reviewed the evidence from four countries.

- Field research in four countries.
- Consultation with national offices.

## Annex

Closing words of the annex stay put.
"""


def changes(old: str, new: str) -> list[tuple[str, str, str]]:
    return [(c.kind, c.old_text, c.new_text) for c in diff_texts(old, new).changes]


def check_invariants(doc: DocDiff) -> None:
    """Both sides rebuild; offsets run on; edits never cut a word; ids are in order."""
    assert doc.rebuild_old() == doc.old
    assert doc.rebuild_new() == doc.new
    _check_offsets(list(doc.old_segments()), "old")
    _check_offsets(list(doc.new_segments()), "new")
    for pair in doc.pairs:
        for seg in pair.segments:
            if seg.op != "equal":
                assert seg.change_id is not None
                _check_edges(seg, doc)
    assert [c.id for c in doc.changes] == list(range(1, len(doc.changes) + 1))
    for change in doc.changes:
        ops = {s.op for s in change.own_segments()}
        expected = {"insert": {"insert"}, "delete": {"delete"}, "replace": {"insert", "delete"}}
        if change.kind in expected:
            assert ops == expected[change.kind], change
        else:
            assert change.kind == "move" and change.old_blocks and change.new_blocks


def _check_offsets(segments: list[Segment], side: str) -> None:
    at = 0
    for seg in segments:
        text = getattr(seg, side)
        if text:
            assert getattr(seg, f"{side}_start") == at
        at += len(text)


def _check_edges(seg: Segment, doc: DocDiff) -> None:
    text, start, length = (
        (doc.new, seg.new_start, len(seg.new))
        if seg.op == "insert"
        else (doc.old, seg.old_start, len(seg.old))
    )
    for edge in (start, start + length):
        if 0 < edge < len(text):
            assert not (is_wordish(text[edge - 1]) and is_wordish(text[edge])), (seg, edge)


# --- examples ---------------------------------------------------------------------------------


def test_identical_texts_have_no_changes() -> None:
    doc = diff_texts(POLICY, POLICY)
    assert doc.changes == [] and not doc.approximate
    assert all(p.op == "equal" for p in doc.pairs)
    check_invariants(doc)


def test_empty_inputs() -> None:
    assert diff_texts("", "").changes == []
    assert changes("", "New text.\n") == [("insert", "", "New text.")]
    assert changes("Old text.\n", "") == [("delete", "Old text.", "")]


def test_reflow_is_not_a_change() -> None:
    reflowed = POLICY.replace("rights of sex workers in", "rights\nof  sex workers\tin")
    reflowed = reflowed.replace("\n", "\r\n")
    doc = diff_texts(POLICY, reflowed)
    assert doc.changes == []
    check_invariants(doc)


def test_reworded_sentence_is_one_replace_with_words_intact() -> None:
    new = POLICY.replace("must protect", "shall fully protect")
    assert changes(POLICY, new) == [("replace", "must", "shall fully")]


def test_word_is_never_split() -> None:
    new = POLICY.replace("four countries.\n\n", "fourteen countries.\n\n")
    assert changes(POLICY, new) == [("replace", "four", "fourteen")]


def test_distant_edits_in_one_block_are_separate_changes() -> None:
    new = POLICY.replace("The state must", "The government must").replace(
        "in law and in practice", "in law and in daily practice"
    )
    doc = diff_texts(POLICY, new)
    assert [(c.kind, c.old_text, c.new_text) for c in doc.changes] == [
        ("replace", "state", "government"),
        ("insert", "", "daily"),
    ]
    pair = next(p for p in doc.pairs if p.op == "modified")
    assert pair.change_ids == [1, 2]
    assert doc.changes[0].segments == pair.segments  # the whole block, equal context included
    check_invariants(doc)


def test_close_edits_join_into_one_change() -> None:
    new = POLICY.replace("must protect the rights", "must guard the entitlements")
    assert changes(POLICY, new) == [("replace", "protect the rights", "guard the entitlements")]


def test_inserted_and_deleted_paragraphs_with_sections() -> None:
    new = POLICY.replace(
        "## Evidence\n\n", "## Evidence\n\nA brand new paragraph.\n\nAnd a second one.\n\n"
    ).replace("States should repeal laws that criminalise consensual adult sex work.\n\n", "")
    doc = diff_texts(POLICY, new)
    kinds = [(c.kind, c.section) for c in doc.changes]
    assert kinds == [
        ("delete", ("Policy", "Scope")),
        ("insert", ("Policy", "Evidence")),
    ]
    assert doc.changes[1].new_text == "A brand new paragraph.\n\nAnd a second one."
    assert len(doc.changes[1].new_blocks) == 2
    check_invariants(doc)


def test_list_item_insert_and_kind_by_words() -> None:
    new = POLICY.replace(
        "- Consultation with national offices.\n",
        "- Consultation with national offices.\n- Review by UN Women.\n",
    )
    assert changes(POLICY, new) == [("insert", "", "- Review by UN Women.")]
    shorter = POLICY.replace("from four countries", "from countries")
    assert changes(POLICY, shorter) == [("delete", "four", "")]


def test_moved_section_is_one_move_change() -> None:
    scope = POLICY[POLICY.index("## Scope") : POLICY.index("## Evidence")]
    moved = POLICY.replace(scope, "") + "\n" + scope.rstrip("\n") + "\n"
    doc = diff_texts(POLICY, moved)
    moves = [c for c in doc.changes if c.kind == "move"]
    assert len(moves) == 1
    assert len(moves[0].new_blocks) == 3
    assert moves[0].section == ("Policy", "Scope")
    ops = [p.op for p in doc.pairs if p.change_id == moves[0].id]
    assert ops.count("moved-from") == 3 and ops.count("moved-to") == 3
    check_invariants(doc)


def test_moved_and_edited_block_keeps_word_edits() -> None:
    para = "WHO and UNAIDS reviewed the evidence from four countries.\n\n"
    edited = "WHO and UNAIDS reviewed all the evidence from four countries.\n\n"
    new = POLICY.replace(para, "").replace("## Scope\n\n", "## Scope\n\n" + edited)
    doc = diff_texts(POLICY, new)
    move = next(c for c in doc.changes if c.kind == "move")
    assert [s.new.strip() for s in move.own_segments()] == ["all"]
    check_invariants(doc)


def test_short_block_alone_does_not_count_as_moved() -> None:
    new = POLICY.replace("## Annex\n\n", "## Annex\n\n***\n\n")
    old = POLICY.replace("# Policy\n\n", "# Policy\n\n***\n\n")
    doc = diff_texts(old, new)
    assert [c.kind for c in doc.changes] == ["delete", "insert"]
    check_invariants(doc)


def test_paragraph_rewritten_beyond_recognition_is_replace_of_blocks() -> None:
    new = POLICY.replace(
        "Closing words of the annex stay put.", "Entirely different prose appears here now."
    )
    assert changes(POLICY, new) == [
        (
            "replace",
            "Closing words of the annex stay put.",
            "Entirely different prose appears here now.",
        )
    ]


def test_edit_at_block_end_keeps_the_line_break_equal() -> None:
    new = POLICY.replace("stay put.\n", "stay put. Forever.\n")
    doc = diff_texts(POLICY, new)
    (seg,) = doc.changes[0].own_segments()
    assert seg.new == " Forever."


def test_whitespace_only_insertions_are_not_changes() -> None:
    doc = diff_texts("a-b and c\n", "a - b and c\n")
    assert doc.changes == []
    check_invariants(doc)


def test_leading_blank_lines_are_not_a_change() -> None:
    doc = diff_texts(POLICY, "\n\n" + POLICY)
    assert doc.changes == []
    check_invariants(doc)


def test_work_bound_gives_exact_but_approximate_result(monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    rng = random.Random(5)
    vocab = [f"w{i}" for i in range(300)]
    old = "\n\n".join(" ".join(rng.choices(vocab, k=200)) for _ in range(20))
    new = "\n\n".join(" ".join(rng.choices(vocab, k=200)) for _ in range(20))
    assert not diff_texts(old, new).approximate
    monkeypatch.setattr(tokendiff, "MAX_GAP_WORK", 10_000)
    doc = diff_texts(old, new)
    assert doc.approximate
    check_invariants(doc)


def test_tokenize_keeps_words_marks_and_emoji_whole() -> None:
    text = "Don't cafe\u0301 👨‍👩‍👧 🇺🇳 e\u0301x ❤️, مرحبا"
    tokens = tokenize(text)
    assert "".join(tokens) == text
    for word in ["Don't", "cafe\u0301", "👨‍👩‍👧", "🇺🇳", "e\u0301x", "مرحبا"]:
        assert word in tokens
    assert count_words(text) == 4
    assert tokenize("plain ascii, text") == ["plain", " ", "ascii", ",", " ", "text"]


def test_coder_gives_equal_tokens_equal_codes_and_ignores_layout() -> None:
    coder = Coder()
    a, b = coder.encode(["word"]), coder.encode(["other"])
    assert a != b and coder.encode(["word"]) == a and len(a) == 1
    assert coded("a b\n\nc", coder).key == coded("a  b\n\nc", coder).key
    assert coded("can not", coder).codes != coded("cannot", coder).codes


# --- properties -------------------------------------------------------------------------------

PIECES = [
    "word",
    "Word",
    "rights",
    "don't",
    "e\u0301",
    "cafe\u0301",
    "مرحبا",
    "עברית",
    "👍🏽",
    "👨‍👩‍👧",
    "\x00",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    ",",
    ".",
    "'",
    "# ",
    "## ",
    "- ",
    "1. ",
    "> ",
    "| a | b |",
    "|---|---|",
    "```",
    "---",
    "*",
    "_",
    "[x](y)",
    "<div>",
    "    ",
]
soup = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


@st.composite
def edited_pair(draw: st.DrawFn) -> tuple[str, str]:
    """An old text and a new one made from it by a few piece-level edits."""
    parts = draw(st.lists(st.sampled_from(PIECES), max_size=60))
    new = list(parts)
    for _ in range(draw(st.integers(0, 6))):
        pos = draw(st.integers(0, len(new)))
        action = draw(st.sampled_from(["insert", "delete", "swap"]))
        if action == "insert" or not new:
            new.insert(pos, draw(st.sampled_from(PIECES)))
        elif action == "delete":
            del new[min(pos, len(new) - 1)]
        else:
            k = min(pos, len(new) - 1)
            new[k] = draw(st.sampled_from(PIECES))
    return "".join(parts), "".join(new)


PROPS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(soup, soup)
def test_any_two_texts_rebuild_exactly(old: str, new: str) -> None:
    check_invariants(diff_texts(old, new))


@PROPS
@given(edited_pair())
def test_edited_texts_rebuild_exactly(pair: tuple[str, str]) -> None:
    check_invariants(diff_texts(*pair))


@PROPS
@given(soup)
def test_identical_texts_never_change(text: str) -> None:
    doc = diff_texts(text, text)
    assert doc.changes == []
    check_invariants(doc)


prose_word = st.sampled_from(["rights", "state", "don't", "cafe\u0301", "مرحبا", "👍🏽", "law,"])
paragraph = st.lists(prose_word, min_size=1, max_size=12)
separators = st.sampled_from([" ", "  ", "\n", " \n", "\t", "\r\n"])


@PROPS
@given(st.lists(paragraph, min_size=1, max_size=5), st.data())
def test_pure_reflow_gives_no_changes(paras: list[list[str]], data: st.DataObject) -> None:
    def render(seps: st.SearchStrategy[str]) -> str:
        return "\n\n".join(
            words[0] + "".join(data.draw(seps) + w for w in words[1:]) for words in paras
        )

    old, new = render(st.just(" ")), render(separators)
    doc = diff_texts(old + "\n", new)
    assert doc.changes == []
    check_invariants(doc)


@PROPS
@given(edited_pair())
def test_fast_engine_gives_identical_output(pair: tuple[str, str]) -> None:
    assert tokendiff._fast is not None, "fast-diff-match-patch is a dependency"
    coder = Coder()
    a, b = (coded(t, coder) for t in pair)
    assume(a.codes != b.codes)
    fast, slow = Differ(use_fast=True), Differ(use_fast=False)
    assert fast.raw(a.codes, b.codes) == slow.raw(a.codes, b.codes)
    assert fast.diff(a, b) == slow.diff(a, b)


def test_fast_engine_gives_identical_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import gen_drafts

    old, new = gen_drafts.make_pair(60_000, seed=9)
    fast = diff_texts(old, new)
    monkeypatch.setattr(tokendiff, "_fast", None)
    slow = diff_texts(old, new)
    assert [(p.op, p.segments) for p in fast.pairs] == [(p.op, p.segments) for p in slow.pairs]
    check_invariants(slow)


def test_insertions_around_a_kept_word_stay_insertions() -> None:
    doc = diff_texts(
        "The policy will protect sex workers in every country we know.\n",
        "The policy will fully protect adult sex workers in every country we know.\n",
    )
    assert [(c.kind, c.old_text, c.new_text) for c in doc.changes] == [
        ("insert", "", "fully … adult")
    ]
    deleted = [s for s in doc.changes[0].segments if s.op == "delete"]
    assert deleted == []  # "protect" was kept, so nobody is credited with deleting it
    check_invariants(doc)


def test_replacement_reads_from_first_to_last_edit() -> None:
    doc = diff_texts(
        "The policy will protect sex workers in every country we know.\n",
        "The policy will defend adult sex workers in every country we know.\n",
    )
    assert [(c.kind, c.old_text, c.new_text) for c in doc.changes] == [
        ("replace", "protect", "defend adult")
    ]


# --- coding a version from the one before -----------------------------------------------------

BLOCK_PIECES = [*PIECES, "\n\n", "\n  \n", "\n\t\n\n", "Para one.\n\n", "Para two.\n\n", "x" * 30]


def _same_coding(old: str, new: str) -> None:
    coder = Coder()
    before = coded(old, coder)
    whole = coded(new, coder)
    again = recoded(new, coder, before)
    assert again.raws == whole.raws == tokendiff.split_chunks(new)
    assert (again.tokens, again.key, again.seps()) == (whole.tokens, whole.key, whole.seps())


@PROPS
@given(edited_pair())
def test_coding_from_the_version_before_cuts_like_the_whole_text(pair: tuple[str, str]) -> None:
    _same_coding(*pair)
    _same_coding(pair[1], pair[0])


@PROPS
@given(st.lists(st.sampled_from(BLOCK_PIECES), max_size=40), st.data())
def test_coding_from_the_version_before_with_long_chunks(
    parts: list[str], data: st.DataObject
) -> None:
    new = list(parts)
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(new)))
        if data.draw(st.booleans()) and new:
            del new[min(pos, len(new) - 1)]
        else:
            new.insert(pos, data.draw(st.sampled_from(BLOCK_PIECES)))
    old_text, new_text = "".join(parts), "".join(new)
    _same_coding(old_text, new_text)
    original = tokendiff._LONG_CHUNK
    tokendiff._LONG_CHUNK = 12  # every chunk of a few words is cut at its lines
    try:
        _same_coding(old_text, new_text)
    finally:
        tokendiff._LONG_CHUNK = original


def test_coding_from_the_version_before_reuses_the_repeated_chunks() -> None:
    paras = [f"Paragraph {k} says something.\n\n" for k in range(50)]
    old = "".join(paras)
    new = "".join([*paras[:10], "A new one.\n\n", *paras[10:30], *paras[31:]])
    parts = recode._reuse(coded(old, Coder()), new)
    assert parts is not None
    assert [p for p in parts if isinstance(p, tuple)] == [(0, 10), (10, 30), (31, 50)]
    assert [p for p in parts if isinstance(p, list)] == [["A new one.\n\n"]]
