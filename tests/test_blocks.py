"""Tests for draftctl.engine.blocks: Markdown → blocks with section paths."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from draftctl.engine import blocks
from draftctl.engine.blocks import (
    Block,
    blank_line_starts,
    block_key,
    find_section,
    heading_text,
    lines_without_ends,
    markdown_it_starts,
    parse_blocks,
    plain,
    section_of,
)
from draftctl.engine.blockscan import scan_starts

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import gen_drafts

DOC = """\
# Policy on sex work

Intro paragraph that
wraps over lines.

## Scope

- first item
  continued
- second item
  - nested item
  - nested two

  after the nested list
- third

| Col | Other |
|-----|-------|
| a   | b     |
| c   | d     |

> quoted first
> still first
>
> quoted second

```python
code here

more code
```

---

### Sub *heading* ###

Text under sub.

Setext heading
--------------

<div>
html
</div>

[ref]: https://example.org
"""


def kinds(text: str) -> list[tuple[str, str]]:
    return [(b.kind, b.key[:20]) for b in parse_blocks(text)]


@pytest.fixture(params=["markdown-it", "scanner"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with each block splitter."""
    limit = 10**12 if request.param == "markdown-it" else -1
    monkeypatch.setattr(blocks, "MARKDOWN_IT_LIMIT", limit)
    return str(request.param)


def test_block_kinds_and_boundaries(engine: str) -> None:
    got = [(b.kind, b.key) for b in parse_blocks(DOC)]
    assert got == [
        ("heading", "# Policy on sex work"),
        ("paragraph", "Intro paragraph that wraps over lines."),
        ("heading", "## Scope"),
        ("item", "- first item continued"),
        ("item", "- second item"),
        ("item", "- nested item"),
        ("item", "- nested two"),
        ("item", "after the nested list"),
        ("item", "- third"),
        ("row", "| Col | Other | |-----|-------|"),
        ("row", "| a | b |"),
        ("row", "| c | d |"),
        ("quote", "> quoted first > still first >"),
        ("quote", "> quoted second"),
        ("code", "```python code here more code ```"),
        ("rule", "---"),
        ("heading", "### Sub *heading* ###"),
        ("paragraph", "Text under sub."),
        ("heading", "Setext heading --------------"),
        ("html", "<div> html </div>"),
        ("other", "[ref]: https://example.org"),
    ]


def test_sections_levels_and_heading_text(engine: str) -> None:
    parsed = parse_blocks(DOC)
    by_key = {b.key: b for b in parsed}
    assert by_key["# Policy on sex work"].section == ("Policy on sex work",)
    assert by_key["## Scope"].section == ("Policy on sex work", "Scope")
    assert by_key["- nested item"].section == ("Policy on sex work", "Scope")
    sub = by_key["### Sub *heading* ###"]
    assert (sub.level, heading_text(sub)) == (3, "Sub *heading*")
    assert by_key["Text under sub."].section == ("Policy on sex work", "Scope", "Sub *heading*")
    setext = by_key["Setext heading --------------"]
    assert setext.level == 2
    assert setext.section == ("Policy on sex work", "Setext heading")
    assert section_of(parsed, 1) == ("Policy on sex work",)
    assert section_of(parsed, 999) == ()
    assert heading_text(by_key["Text under sub."]) == ""


def test_find_section() -> None:
    parsed = parse_blocks(DOC)
    scope = find_section(parsed, "scope")
    assert scope[0].key == "## Scope"
    assert scope[-1].key == "Text under sub."  # the setext heading is level 2 too
    assert [b.key for b in find_section(parsed, "Sub *heading*")] == [
        "### Sub *heading* ###",
        "Text under sub.",
    ]
    assert find_section(parsed, "missing") == []


def test_raw_offsets_and_blank_lines_belong_to_the_block_before() -> None:
    text = "# T\n\n\npara one\n\n\n\npara two"
    parsed = parse_blocks(text)
    assert [b.raw for b in parsed] == ["# T\n\n\n", "para one\n\n\n\n", "para two"]
    assert [b.start for b in parsed] == [0, 6, 18]
    assert all(text[b.start : b.end] == b.raw for b in parsed)


def test_leading_blank_lines_and_front_matter_are_other() -> None:
    assert kinds("\n\n# T\n") == [("other", ""), ("heading", "# T")]
    fm = "---\ntitle: Policy\ndate: 2015\n---\n# T\n\nText\n"
    parsed = parse_blocks(fm)
    assert parsed[0].kind == "other"
    assert parsed[0].raw == "---\ntitle: Policy\ndate: 2015\n---\n"
    assert parsed[1].section == ("T",)


def test_key_collapses_whitespace_but_keeps_markup() -> None:
    assert block_key("  **Bold**\n text\t here  \n\n") == "**Bold** text here"
    a, b = parse_blocks("A  para\nwrapped\n"), parse_blocks("A para wrapped\n")
    assert a[0].key == b[0].key


def test_block_key_defaults_from_raw() -> None:
    assert Block("paragraph", "a\n b\n", 0, ()).key == "a b"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no final newline",
        "\n",
        "\r\n\r\n",
        "a\rb\r\rc",
        "# H\r\n\r\n- a\r\n- b\r\n",
        "```\nunclosed fence\n\n# not a heading\n",
        ">" * 10_000 + " deep\n",
        "- " * 10_000 + "deep\n",
        "".join("  " * i + "- x\n" for i in range(300)),
        "1. " * 5_000,
        "a\x00b\n\x00\n",
        "👨‍👩‍👧 emoji\n\ncafe\u0301 مرحبا بالعالم\n",
        "*" * 5_000,
        "[" * 5_000,
        "<div>\n" * 1_000,
        "|" * 3_000 + "\n" + "|-" * 1_500 + "\n",
        "\t" * 1_000 + "x",
        "---\nunclosed front matter\n",
    ],
)
def test_pathological_inputs_rebuild(text: str, engine: str) -> None:
    parsed = parse_blocks(text)
    assert "".join(b.raw for b in parsed) == text
    assert all(b.kind in blocks.KINDS for b in parsed)


def test_parser_failure_falls_back_to_blank_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(lines: list[str], first: int = 0) -> list[tuple[int, str]]:
        raise RecursionError

    monkeypatch.setattr(blocks, "markdown_it_starts", boom)
    text = "# A\n\npara\nmore\n\n- last"
    parsed = parse_blocks(text)
    assert "".join(b.raw for b in parsed) == text
    assert [b.key for b in parsed] == ["# A", "para more", "- last"]


def test_blank_line_starts() -> None:
    assert blank_line_starts(["a", "b", "", "", "c", " ", "d"]) == [
        (0, "paragraph"),
        (4, "paragraph"),
        (6, "paragraph"),
    ]


SOUP = [*"#>-*+_=|`~:[]()<>!/\\ \t\n\r1.a\x00", "\r\n", "é", "e\u0301", "👍🏽", "مر", "- ", "1. "]
SOUP += ["```", "---", "    ", "<div>", "\n\n", "word", "> ", "| a |", "|---|", "<!--", "-->"]
markdown_soup = st.lists(st.sampled_from(SOUP), max_size=80).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdown_soup)
def test_any_text_rebuilds_exactly(text: str) -> None:
    saved = blocks.MARKDOWN_IT_LIMIT
    for limit in (10**12, -1):
        blocks.MARKDOWN_IT_LIMIT = limit
        try:
            parsed = parse_blocks(text)
        finally:
            blocks.MARKDOWN_IT_LIMIT = saved
        assert "".join(b.raw for b in parsed) == text
        assert [b.start for b in parsed] == sorted({b.start for b in parsed})
        assert all(b.raw for b in parsed)


# --- the scanner agrees with markdown-it on ordinary documents --------------------------------

words = st.sampled_from(["rights", "state", "Police", "health", "the", "sex", "work", "UN", "a"])
sentence = st.lists(words, min_size=1, max_size=8).map(" ".join)


ORDINARY = {
    "quote": "> {text}\n> more\n>\n> {text}\n",
    "fence": "```\n{text}\n\n# not a heading\n```\n",
    "hr": "***\n",
    "loose": "- {text}\n\n- two\n\n  continued {text}\n",
    "setext": "{text}\n===\n",
    "html": "<div>\n{text}\n</div>\n",
    "pipes": "{text} | not a table\n",
    "emphasis": "*{text}* and [a link](http://x.org) `code`\n",
    "ordered": "3. {text}\n4. four\n",
    "code": "    indented {text}\n",
}


@st.composite
def ordinary_block(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from([*ORDINARY, "p", "h", "ul", "ol", "nested", "table"]))
    text = draw(sentence)
    if kind in ORDINARY:
        return ORDINARY[kind].format(text=text)
    if kind == "p":
        lines = draw(st.lists(sentence, min_size=1, max_size=3))
        return "\n".join(lines) + "\n"
    if kind == "h":
        return "#" * draw(st.integers(1, 6)) + " " + text + "\n"
    if kind in ("ul", "ol"):
        items = draw(st.lists(sentence, min_size=1, max_size=4))
        marks = ["-"] * len(items) if kind == "ul" else [f"{i + 1}." for i in range(len(items))]
        return "".join(f"{m} {t}\n" for m, t in zip(marks, items, strict=True))
    if kind == "nested":
        return f"- {text}\n  - {text} two\n  - three\n- four\n"
    return f"| A | B |\n|---|---|\n| {text} | x |\n"


@settings(max_examples=400, deadline=None)
@given(st.lists(ordinary_block(), min_size=1, max_size=12), st.lists(st.booleans(), max_size=12))
def test_scanner_agrees_with_markdown_it(parts: list[str], tight: list[bool]) -> None:
    text = ""
    for k, part in enumerate(parts):
        text += part + ("" if k < len(tight) and tight[k] else "\n")
    lines = lines_without_ends(text)
    assert scan_starts(lines) == markdown_it_starts(lines)


@pytest.mark.parametrize("size", [50_000, 300_000])
def test_scanner_agrees_on_generated_policy_drafts(size: int) -> None:
    old, new = gen_drafts.make_pair(size, seed=size)
    for text in (old, new):
        lines = lines_without_ends(text)
        assert scan_starts(lines) == markdown_it_starts(lines)


def test_a_large_document_is_split_by_the_line_scanner_and_rebuilds() -> None:
    text = gen_drafts.make_draft(1_000_000, seed=3)
    assert len(text) > blocks.MARKDOWN_IT_LIMIT
    parsed = parse_blocks(text)
    assert "".join(b.raw for b in parsed) == text
    starts = scan_starts(lines_without_ends(text))
    assert [b.kind for b in parsed] == [kind for _, kind in starts]
    assert {"heading", "paragraph", "item", "row"} <= {b.kind for b in parsed}


# --- plain text: headings, paragraphs and simple bullets, which both parsers cut alike ---------

# Every line a plain text may hold, and first characters that may open another block.
LINE_SOUP = [*"#>-*+_=|`~:[]()<>!/\\ \t1.a\x00\x0b\x0c\x1c\x85\u2028\xa0", "é", "مر", "**"]
LINE_SOUP += ["word", "- ", "1. ", "```", "---", "<div>", "| a |", "|---|", "# ", "####### "]
LINE_SOUP += ["- ", "  ", "- ", "  ", "- ", "    ", "-", " "]  # bullets and continuations
LINE_SOUP += ["***", "___", "_ _ _", "a | b", "|--|--|", ":-", "~~~", "<!--", "[a]: /u", "\\#"]
soup_line = st.lists(st.sampled_from(LINE_SOUP), max_size=12).map("".join)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.lists(soup_line.filter(plain), min_size=1, max_size=14), st.booleans())
def test_a_plain_text_is_cut_alike_by_both_parsers(lines: list[str], end: bool) -> None:
    """Whatever lines the rule lets through, in any order, the scanner finds markdown-it's
    block starts: so parse_blocks may take the scanner for a plain text."""
    text = "\n".join(lines) + ("\n" if end else "")
    assert plain(text)
    split = lines_without_ends(text)
    assert scan_starts(split) == markdown_it_starts(split)


@pytest.mark.parametrize(
    "text",
    [
        "- - nested\n",
        "-  item\n",
        "-\titem\n",
        "- item\n   three spaces\n",
        "Text\n\n1. item\n",
        "Text\n2) item\n",
        "> quote\n",
        "Text\n\n    code\n",
        "\tcode\n",
        "***\n",
        "* item\n",
        "_ _ _\n",
        "Title\n===\n",
        "Title\n---\n",
        "a | b\n:-: | --\n",
        "<div>\n",
        "[a]: /url\n",
        "```\ncode\n```\n",
        "~~~\n",
        "#hashtag\n",
        "####### seven\n",
        "\\# escaped\n",
        "\xa0 text\n",
        "Text\r\nmore\r\n",
        "+ item\n",
    ],
)
def test_text_that_may_hold_other_blocks_is_not_plain(text: str) -> None:
    assert not plain(text)


words = st.sampled_from(["word", "(a)", "*em*", "**b**", "é", "a | b", "x:", "“q”", "_u_", "#"])
words |= st.sampled_from(["- ", "> ", "`c`", "<b>", "[l]", "1.", "a-b"])
bullet_line = st.tuples(
    st.sampled_from(["- ", "  ", "", "", "#" * 2 + " "]), st.lists(words, min_size=1, max_size=4)
).map(lambda p: p[0] + " ".join(p[1]))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(bullet_line, st.sampled_from(["", "  "])), min_size=1, max_size=16))
def test_plain_bullet_lists_are_cut_alike_by_both_parsers(lines: list[str]) -> None:
    """Bullets, their continuation lines, paragraphs, headings and blank lines in any order."""
    text = "\n".join(lines) + "\n"
    split = lines_without_ends(text)
    if plain(text):
        assert scan_starts(split) == markdown_it_starts(split)


def test_plain_text_needs_no_markdown_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(lines: list[str], first: int = 0) -> list[tuple[int, str]]:
        raise AssertionError("markdown-it was asked")

    monkeypatch.setattr(blocks, "markdown_it_starts", boom)
    text = "# A\n\n*Draft* for **decision**\n(not adopted)\n\n## B ##\n\n“Quoted” text | a\n"
    text += "- one\n  more\n\n- two\n"
    assert [(b.kind, b.section) for b in parse_blocks(text, scanner=False)] == [
        ("heading", ("A",)),
        ("paragraph", ("A",)),
        ("heading", ("A", "B")),
        ("paragraph", ("A", "B")),
        ("item", ("A", "B")),
        ("item", ("A", "B")),
    ]
