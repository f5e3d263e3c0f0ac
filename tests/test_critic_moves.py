"""CriticMarkup rebuilds both sides when histories move repeated paragraphs about."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from draftctl.engine.attribution import Step
from tests.test_critic_exact import marked, resolve


def _words(stem: str, n: int, end: str) -> str:
    return " ".join(f"{stem}{k}" for k in range(n)) + end


PARAGRAPHS = [
    "Kept.",
    "Gone.",
    _words("word", 30, "."),
    _words("term", 30, "?"),
    _words("item", 12, "!"),
    "- one list item\n- another item",
    "> quoted line of text.",
    "###",
    "## Scope",
    "### 10.1 Be the first",
    "| a | b |\n|---|---|\n| c | d |",
    "1. numbered\n2. second",
]


def _joined(draw: st.DrawFn, paras: list[str]) -> str:
    """The paragraphs as one text, mostly a blank line apart, sometimes one line break (a
    heading or list item then touches its neighbour) or two blank lines."""
    if not paras:
        return ""
    seps = draw(
        st.lists(
            st.sampled_from(["\n\n", "\n\n", "\n", "\n\n\n"]),
            min_size=len(paras) - 1,
            max_size=len(paras) - 1,
        )
    )
    return paras[0] + "".join(sep + para for sep, para in zip(seps, paras[1:], strict=True))


@st.composite
def moving_history(draw: st.DrawFn) -> tuple[str, list[str]]:
    """FROM and the texts after each commit; each commit moves, inserts, deletes, repeats,
    splits or edits paragraphs, drawn from a small pool so that identical paragraphs recur."""
    paras = draw(st.lists(st.sampled_from(PARAGRAPHS), min_size=1, max_size=6))
    start = _joined(draw, paras)
    texts = []
    for _ in range(draw(st.integers(1, 4))):
        paras = list(paras)
        for _ in range(draw(st.integers(1, 3))):
            kind = draw(
                st.sampled_from(["move", "move", "insert", "delete", "copy", "edit", "split"])
            )
            at = draw(st.integers(0, max(len(paras) - 1, 0)))
            to = draw(st.integers(0, len(paras)))
            if kind == "insert" or not paras:
                paras.insert(to, draw(st.sampled_from(PARAGRAPHS)))
            elif kind == "delete" and len(paras) > 1:
                del paras[at]
            elif kind == "copy":
                paras.insert(to, paras[at])
            elif kind == "split":  # the paragraph cut in two between words
                words = paras[at].split(" ")
                k = draw(st.integers(1, len(words)))
                paras[at : at + 1] = [" ".join(words[:k]), " ".join(words[k:])]
            elif kind == "edit":  # a word added or dropped inside the paragraph
                words = paras[at].split(" ")
                k = draw(st.integers(0, len(words) - 1))
                if len(words) > 1 and draw(st.booleans()):
                    del words[k]
                else:
                    words.insert(k, "new")
                paras[at] = " ".join(words)
            else:
                paras.insert(to, paras.pop(at))
        texts.append(_joined(draw, paras) + draw(st.sampled_from(["", "\n"])))
    return start, texts


def _rebuilds(old: str, texts: list[str]) -> None:
    text = marked(old, [Step(f"c{k}", t) for k, t in enumerate(texts)])
    assert resolve(text, accept=True) == texts[-1]
    assert resolve(text, accept=False) == old


def test_deletion_stays_before_a_paragraph_whose_neighbour_moves_over_it() -> None:
    # c0 keeps "Gone."'s full stop as the end of a new paragraph; c1 moves the paragraph after
    # "Kept." in front of it: the deletion must stay in front of "Kept." (issue 9)
    a, b = _words("word", 30, "."), _words("term", 30, "?")
    _rebuilds("Gone.\n\nKept.", [f"{a}\n\nKept.\n\n{b}", f"{b}\n\nKept."])


def test_break_kept_after_a_moved_heading_is_on_both_sides() -> None:
    # the blank line after the moved-in heading is FROM's blank line too (issue 9)
    old = (
        "- Outreach gustoution in with biogoumouvou, by than comiament with\n\n###\n\n"
        "### 10.1 Be the giraliaco nudioguive"
    )
    mid = "###\n### 10.1 Be the giraliaco nudioguive\n\n- Didoument\n-\n-\n\n###"
    _rebuilds(old, [mid, "## 11. Cutiagiavo as\n\n###"])


@settings(max_examples=1000, deadline=None)
@given(moving_history())
def test_histories_moving_repeated_paragraphs_rebuild_exactly(
    case: tuple[str, list[str]],
) -> None:
    _rebuilds(*case)
