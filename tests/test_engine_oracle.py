"""The provenance engine against an independent oracle: difflib over tokens, commit by commit.

Histories are generated with unique words (each word exists once, and edits never reorder
them), so every correct diff of two texts agrees on what changed; the oracle then says exactly
which commit inserted or deleted each word, and the engine must agree with it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from draftctl.engine.attribution import attribute
from draftctl.engine.weave import Step

# --- the oracle ---------------------------------------------------------------------------------


def own_diff(parent: str, child: str) -> tuple[set[str], set[str]]:
    """The words a commit's own diff inserts and deletes (difflib over whitespace tokens)."""
    a, b = parent.split(), child.split()
    inserted: set[str] = set()
    deleted: set[str] = set()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i0, i1, j0, j1 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            deleted.update(a[i0:i1])
        if tag in ("insert", "replace"):
            inserted.update(b[j0:j1])
    return inserted, deleted


@dataclass
class Oracle:
    """Per word: the commits whose own diff inserted or deleted it, in order."""

    inserts: dict[str, list[str]]
    deletes: dict[str, list[str]]

    @classmethod
    def of(cls, from_text: str, steps: list[Step]) -> Oracle:
        inserts: dict[str, list[str]] = {}
        deletes: dict[str, list[str]] = {}
        parent = from_text
        for step in steps:
            ins, dels = own_diff(parent, step.text)
            for word in ins:
                inserts.setdefault(word, []).append(step.commit)
            for word in dels:
                deletes.setdefault(word, []).append(step.commit)
            parent = step.text
        return cls(inserts, deletes)


def shown(from_text: str, steps: list[Step]) -> tuple[dict[str, str], dict[str, str], str, str]:
    """The engine's inserted and deleted words with their credits, and both rebuilt sides."""
    result = attribute(from_text, steps)
    inserted: dict[str, str] = {}
    deleted: dict[str, str] = {}
    for pair in result.diff.pairs:
        for seg in pair.segments:
            if seg.op == "equal":
                continue
            assert seg.commit is not None, "a change without a credit"
            assert seg.change_id is not None, "a change outside every numbered change"
            target = inserted if seg.op == "insert" else deleted
            for word in (seg.new if seg.op == "insert" else seg.old).split():
                target[word] = seg.commit
    return inserted, deleted, result.diff.rebuild_old(), result.diff.rebuild_new()


def check(from_text: str, steps: list[Step], exact: bool) -> None:
    to_text = steps[-1].text if steps else from_text
    inserted, deleted, old, new = shown(from_text, steps)
    assert old == from_text and new == to_text
    oracle = Oracle.of(from_text, steps)
    before, after = set(from_text.split()), set(to_text.split())
    commits = {s.commit for s in steps}
    for word, commit in inserted.items():
        assert commit in commits, "a credit outside (FROM, TO]"
        assert word in after, "a word inserted and deleted inside the range is shown"
        assert commit in oracle.inserts.get(word, []), f"{commit} did not insert {word}"
        assert commit == oracle.inserts[word][-1], f"{word} was inserted again later"
    for word, commit in deleted.items():
        assert commit in commits, "a credit outside (FROM, TO]"
        assert word in before, "a word inserted and deleted inside the range is shown"
        assert commit in oracle.deletes.get(word, []), f"{commit} did not delete {word}"
    assert after - before <= set(inserted), "an inserted word without a change"
    assert before - after <= set(deleted), "a deleted word without a change"
    for word in before & after:  # kept, or given back: then both credits are real ones
        assert (word in inserted) == (word in deleted)
    if exact:
        assert set(inserted) == after - before and set(deleted) == before - after
        assert all(inserted[w] == oracle.inserts[w][-1] for w in inserted)
        assert all(deleted[w] == oracle.deletes[w][0] for w in deleted)


# --- generated histories ------------------------------------------------------------------------


class _Words:
    def __init__(self) -> None:
        self.n = 0

    def fresh(self, k: int) -> list[str]:
        self.n += k
        return [f"w{self.n - i}" for i in range(k, 0, -1)]


def _render(paragraphs: list[list[str]], wrap: int) -> str:
    out = []
    for words in paragraphs:
        lines = [" ".join(words[i : i + wrap]) for i in range(0, len(words), wrap)]
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


@st.composite
def histories(draw: st.DrawFn, reverts: bool) -> tuple[str, list[Step]]:
    words = _Words()
    paragraphs = [words.fresh(draw(st.integers(6, 12))) for _ in range(draw(st.integers(1, 4)))]
    texts = [_render(paragraphs, draw(st.integers(3, 8)))]
    states = [[list(p) for p in paragraphs]]
    for _ in range(draw(st.integers(1, 6))):
        if reverts and len(states) > 1 and draw(st.booleans()):
            back = draw(st.integers(0, len(states) - 2))
            paragraphs = [list(p) for p in states[back]]
        else:
            paragraphs = [list(p) for p in paragraphs]
            for _ in range(draw(st.integers(1, 2))):
                _edit(draw, paragraphs, words)
        states.append([list(p) for p in paragraphs])
        texts.append(_render([p for p in paragraphs if p], draw(st.integers(3, 8))))
    steps = [Step(f"c{k}", text) for k, text in enumerate(texts[1:], 1)]
    return texts[0], steps


def _edit(draw: st.DrawFn, paragraphs: list[list[str]], words: _Words) -> None:
    p = draw(st.integers(0, len(paragraphs) - 1))
    para = paragraphs[p]
    kind = draw(st.sampled_from(["insert", "delete", "replace", "paragraph"]))
    at = draw(st.integers(0, len(para)))
    if kind == "paragraph":
        paragraphs.insert(p + draw(st.integers(0, 1)), words.fresh(draw(st.integers(6, 9))))
    elif kind == "insert" or len(para) < 6:
        para[at:at] = words.fresh(draw(st.integers(1, 3)))
    else:
        at = min(at, len(para) - 2)
        size = draw(st.integers(1, 2))
        para[at : at + size] = words.fresh(size) if kind == "replace" else []


@settings(max_examples=150, deadline=None)
@given(histories(reverts=False))
def test_engine_agrees_with_the_oracle(history: tuple[str, list[Step]]) -> None:
    check(*history, exact=True)


@settings(max_examples=150, deadline=None)
@given(histories(reverts=True))
def test_reverts_show_only_real_credits(history: tuple[str, list[Step]]) -> None:
    check(*history, exact=False)


def test_a_revert_leaves_no_change() -> None:
    base = "alpha beta gamma delta epsilon zeta\n"
    steps = [Step("cut", "alpha beta zeta\n"), Step("back", base)]
    inserted, deleted, _, _ = shown(base, steps)
    assert inserted == {} and deleted == {}


def test_the_oracle_can_fail() -> None:
    """A wrong credit is caught: the oracle is not a copy of the engine."""
    base = "one two three four five six\n"
    steps = [Step("a", "one two NEW three four five six\n"), Step("b", "one two NEW three six\n")]
    oracle = Oracle.of(base, steps)
    assert oracle.inserts == {"NEW": ["a"]} and oracle.deletes == {"four": ["b"], "five": ["b"]}
    assert "b" not in oracle.inserts["NEW"]
