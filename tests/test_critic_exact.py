"""CriticMarkup output rebuilds both sides exactly: accept every mark for TO, reject for FROM."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from draftctl.consultation.config import Config
from draftctl.engine.attribution import Step, attribute
from draftctl.render.markdown import render_markdown
from draftctl.review.result import Credit, Side, build_result

_MARK = re.compile(r"\{\+\+(.*?)\+\+\}|\{--(.*?)--\}|\{~~(.*?)~>(.*?)~~\}|\{>>(.*?)<<\}", re.S)
_REFS = {"&#123;": "{", "&#125;": "}", "~&gt;": "~>"}


def _unescape(text: str) -> str:
    return re.sub("&#123;|&#125;|~&gt;", lambda m: _REFS[m.group()], text)


def resolve(marked: str, accept: bool) -> str:
    """Apply (or reject) every mark, drop comments and the header line."""
    body = marked.split("\n", 2)[2]  # "<!-- header -->", "", then the draft

    def one(m: re.Match[str]) -> str:
        ins, dele, old, new, _ = m.groups()
        if ins is not None:
            return ins if accept else ""
        if dele is not None:
            return "" if accept else dele
        if old is not None:
            return new if accept else old
        return ""

    out, at = [], 0
    for m in _MARK.finditer(body):
        out.append(_unescape(body[at : m.start()]))
        out.append(_unescape(one(m)))
        at = m.end()
    out.append(_unescape(body[at:]))
    return "".join(out)


def marked(old: str, steps: list[Step]) -> str:
    attributed = attribute(old, steps)
    keys = {k for ids in attributed.credits.values() for k in ids}
    credits = {k: Credit(k, k, "r1") for k in keys}
    result = build_result("d.md", Side("A", None), Side("B", None), attributed, credits)
    return render_markdown(result, Config("T"))


LINES = st.sampled_from(
    [
        "# Title",
        "## Scope",
        "### Detail",
        "Plain words in a sentence.",
        "Another line of prose, with a comma.",
        "- first item",
        "- second item",
        "  continued item text",
        "1. numbered",
        "| a | b |",
        "|---|---|",
        "| c | d |",
        "> quoted text",
        "",
        "",
        "can not",
        "cannot",
        "{braces} and ~> arrows",
    ]
)
DOC = st.lists(LINES, max_size=14).map(lambda ls: "\n".join(ls) + "\n")


@st.composite
def edited(draw: st.DrawFn) -> tuple[str, list[str]]:
    lines = draw(st.lists(LINES, max_size=14))
    texts = []
    for _ in range(draw(st.integers(1, 3))):
        lines = list(lines)
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(lines)))
            kind = draw(st.sampled_from(["insert", "delete", "replace", "join"]))
            if kind == "insert" or not lines:
                lines.insert(at, draw(LINES))
            elif kind == "delete":
                del lines[min(at, len(lines) - 1)]
            elif kind == "replace":
                lines[min(at, len(lines) - 1)] = draw(LINES)
            elif at + 1 < len(lines):
                lines[at : at + 2] = [lines[at] + " " + lines[at + 1]]
        texts.append("\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"])))
    return "\n".join(draw(st.lists(LINES, max_size=14))) + "\n", texts


@settings(max_examples=200, deadline=None)
@given(DOC, DOC)
def test_two_versions_rebuild_exactly(old: str, new: str) -> None:
    text = marked(old, [Step("c1", new)])
    assert resolve(text, accept=True) == new
    assert resolve(text, accept=False) == old


@settings(max_examples=150, deadline=None)
@given(edited())
def test_histories_rebuild_exactly(case: tuple[str, list[str]]) -> None:
    old, texts = case
    text = marked(old, [Step(f"c{k}", t) for k, t in enumerate(texts)])
    assert resolve(text, accept=True) == texts[-1]
    assert resolve(text, accept=False) == old


def test_list_item_and_heading_markers_go_with_their_text() -> None:
    old = "# T\n\n### Sub\n\nIntro.\n- item one\n- item two\n\n| a | b |\n|---|---|\n| c | d |\n"
    new = "# T\n\n## Sub\n\nIntro. item one\n- item two\n\n| a | b |\n|---|---|\n"
    text = marked(old, [Step("c1", new)])
    assert resolve(text, accept=True) == new and resolve(text, accept=False) == old
    assert "{--#--}" in text  # ### became ##
    assert "{--- c | d |" in text or "{--| c | d |" in text  # the whole row, pipes included
