"""CriticMarkup rebuilds both sides when histories move paragraphs about (issue 9: open)."""

from __future__ import annotations

import pytest

from draftctl.engine.attribution import Step
from tests.test_critic_exact import marked, resolve


def _words(stem: str, n: int, end: str) -> str:
    return " ".join(f"{stem}{k}" for k in range(n)) + end


def _rebuilds(old: str, texts: list[str]) -> None:
    text = marked(old, [Step(f"c{k}", t) for k, t in enumerate(texts)])
    assert resolve(text, accept=True) == texts[-1]
    assert resolve(text, accept=False) == old


@pytest.mark.xfail(
    strict=True,
    reason="issue 9: a moved inserted paragraph keeps its weave id at its new place, so "
    "deleting its old place carries the FROM deletions kept in front of it along",
)
def test_deletion_stays_before_a_paragraph_whose_neighbour_moves_over_it() -> None:
    # c0 keeps "Gone."'s full stop as the end of a new paragraph; c1 moves the paragraph after
    # "Kept." in front of it: the deletion must stay in front of "Kept." (issue 9)
    a, b = _words("word", 30, "."), _words("term", 30, "?")
    _rebuilds("Gone.\n\nKept.", [f"{a}\n\nKept.\n\n{b}", f"{b}\n\nKept."])


@pytest.mark.xfail(
    strict=True,
    reason="issue 9: a moved-to block's kept blank line is written as TO-only text (the "
    "renderer reads an unchanged piece there as moved text)",
)
def test_break_kept_after_a_moved_heading_is_on_both_sides() -> None:
    # the blank line after the moved-in heading is FROM's blank line too (issue 9)
    old = (
        "- Outreach gustoution in with biogoumouvou, by than comiament with\n\n###\n\n"
        "### 10.1 Be the giraliaco nudioguive"
    )
    mid = "###\n### 10.1 Be the giraliaco nudioguive\n\n- Didoument\n-\n-\n\n###"
    _rebuilds(old, [mid, "## 11. Cutiagiavo as\n\n###"])
