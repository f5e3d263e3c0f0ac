"""The read-off emits a run of tokens one commit deleted (or inserted) inside one block as one
segment: the diff it lays out must be the one token-by-token segments give."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from draftctl.engine.attribution import attribute
from draftctl.engine.model import DocDiff
from draftctl.engine.segments import Segments
from draftctl.engine.weave import Step

PIECES = [
    "word ",
    "other words here ",
    "alpha beta gamma ",
    "don't ",
    "e\u0301 ",
    "👍🏽",
    ", ",
    ". ",
    "\n",
    "\n\n",
    "\n  \n",
    "# Heading\n\n",
    "## Sub\n",
    "- item one\n",
    "- item two\n",
    "1. first\n",
    "> quoted ",
    "| a | b |\n",
    "|---|---|\n",
    "    ",
    "x",
    " ".join(f"many{k}" for k in range(30)) + " ",  # runs longer than the nearby-block window
    "\n\nFirst moved paragraph has these words.\n\n",
    "\n\nSecond moved paragraph, other words here.\n\n",
    "\n\n- a listed item to move\n- and another one\n\n",
]


@st.composite
def histories(draw: st.DrawFn) -> tuple[str, list[Step]]:
    parts = draw(st.lists(st.sampled_from(PIECES), min_size=5, max_size=40))
    texts = ["".join(parts)]
    for _ in range(draw(st.integers(1, 5))):
        parts = list(parts)
        for _ in range(draw(st.integers(1, 6))):
            at = draw(st.integers(0, len(parts)))
            action = draw(st.sampled_from(["delete", "insert", "move"]))
            if parts and action == "move":  # sections reordered: the engine's moves
                taken = parts[at : at + draw(st.integers(1, 6))]
                del parts[at : at + len(taken)]
                to = draw(st.integers(0, len(parts)))
                parts[to:to] = taken
            elif parts and action == "delete":
                del parts[min(at, len(parts) - 1) : at + draw(st.integers(1, 4))]
            else:
                parts[at:at] = draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=5))
        texts.append("".join(parts))
    return texts[0], [Step(f"c{k}", text) for k, text in enumerate(texts[1:], 1)]


def _shape(diff: DocDiff) -> tuple[object, ...]:
    pairs = [
        (p.op, p.old and p.old.start, p.new and p.new.start, p.change_id, p.segments)
        for p in diff.pairs
    ]
    changes = [(c.id, c.kind, c.section, c.segments) for c in diff.changes]
    return pairs, changes


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_runs_emitted_whole_lay_out_as_tokens_do(history: tuple[str, list[Step]]) -> None:
    _same_as_token_by_token(history)


def _same_as_token_by_token(history: tuple[str, list[Step]]) -> None:
    whole = attribute(*history).diff
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Segments, "_same_run", lambda self, rows, k, side, col: k)
        tokens = attribute(*history).diff
    assert _shape(whole) == _shape(tokens)


def test_a_deleted_sentence_is_one_segment_until_settled() -> None:
    old = "Keep this. Drop all of these words now. Keep that.\n\nNext block.\n"
    new = "Keep this. Keep that.\n\nNext block.\n"
    result = attribute(old, [Step("c1", new)])
    deleted = [s for p in result.diff.pairs for s in p.segments if s.op == "delete"]
    assert [s.old.strip() for s in deleted] == ["Drop all of these words now."]


def test_runs_are_cut_where_the_layout_sees_blocks_when_moves_shift_the_old_side() -> None:
    """Repeated paragraphs moved about put the old side's stream offsets out of step with
    FROM; a run must be cut at the blocks the layout finds at those offsets."""
    texts = [
        "> quoted \n\nSecond moved paragraph, other words here.\n\n, - item one\n# Heading\n\n"
        "|---|---|\n\n\n> quoted ",
        "> quoted > quoted \n\nSecond moved paragraph, other words here.\n\n, - item one\n"
        "# Heading\n\n\n\nFirst moved paragraph has these words.\n\nalpha beta gamma 1. first\n"
        "x👍🏽",
        "> quoted > quoted 👍🏽\n\nFirst moved paragraph has these words.\n\n\n\nSecond moved "
        "paragraph, other words here.\n\n, - item one\n# Heading\n\n\n\nFirst moved paragraph "
        "has these words.\n\nalpha beta gamma 1. first\nx👍🏽",
        "> quoted > quoted 👍🏽\n\nFirst moved paragraph has these words.\n\nalpha beta gamma 1. "
        "first\nx👍🏽\n\nFirst moved paragraph has these words.\n\né \n",
    ]
    _same_as_token_by_token((texts[0], [Step(f"c{k}", t) for k, t in enumerate(texts[1:], 1)]))


MANY = " ".join(f"many{k}" for k in range(30))
LISTED = "- a listed item to move\n- and another one\n\n"
TAIL = "First moved paragraph has these words.\n\nx1. first\ndon't , x, ## Sub\nalpha beta gamma "


def test_a_stream_out_of_step_does_not_break_the_slide() -> None:
    """Repeated lists moved about used to make the line-start slide read past the end of a
    side (IndexError): it only slides across the tokens just before a run on that side."""
    texts = [
        f"\n\nalpha beta gamma {MANY} > quoted |---|---|\n- item one\n\n\n\n\n{TAIL}",
        f"\n\nalpha beta gamma {MANY} > quoted |---|---|\n- item one\n\n\n{TAIL}\n\n"
        f"{LISTED}\n\n{LISTED}> quoted , \n\n|---|---|\n",
        f"\n\n\n\n{LISTED}> quoted {MANY} > quoted |---|---|\n- item one\n\n\n{TAIL}",
    ]
    result = attribute(texts[0], [Step(f"c{k}", t) for k, t in enumerate(texts[1:], 1)])
    assert "".join(s.new for p in result.diff.pairs for s in p.segments) == texts[-1]
