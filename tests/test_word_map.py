"""Pure parts of the Word import: inline Markdown, blocks, wrapping, the block-level merge."""

from __future__ import annotations

from pathlib import Path

from draftctl.release.word_apply import block_edits, compose, merge3
from draftctl.release.word_map import MdBlock, inline_markdown, markdown_blocks
from draftctl.release.word_read import Span
from draftctl.release.word_wrap import infer_width, wrap

STATES = Path(__file__).resolve().parents[1] / "drafts" / "states"


def test_inline_markdown_keeps_markers_off_the_spaces() -> None:
    spans = [
        Span("See "),
        Span("the report ", italic=True),
        Span("now", italic=True, bold=True),
        Span(" at "),
        Span("this link", href="https://example.org/a"),
        Span(" * literal [x]"),
    ]
    assert inline_markdown(spans) == (
        r"See *the report **now*** at [this link](https://example.org/a) \* literal \[x\]"
    )
    assert inline_markdown([Span("- not a list")]) == r"\- not a list"


def test_markdown_blocks_know_their_source_lines() -> None:
    text = "# Title\n\n## Part\n\nOne\nline.\n\n- a\n- b\n\n| x | y |\n|---|---|\n| 1 | 2 |\n"
    blocks = markdown_blocks(text)
    assert [(b.kind, b.key) for b in blocks] == [
        ("heading", "## Part"),
        ("paragraph", "One line."),
        ("item", "-1 a"),
        ("item", "-1 b"),
        ("row", "| x | y |\n|---|---|"),
        ("row", "| 1 | 2 |"),
    ]
    assert blocks[1].source == "One\nline." and blocks[4].source == "| x | y |\n|---|---|"
    assert compose(text, blocks, blocks) == text


def test_wrap_width_is_inferred_from_the_sample_draft() -> None:
    text = (STATES / "21-gender-equality-work.md").read_text(encoding="utf-8")
    assert infer_width(markdown_blocks(text)) == 88
    assert infer_width(markdown_blocks("# T\n\nOne line.\n\nAnother line.\n")) is None


def test_wrap_never_starts_a_line_with_block_syntax() -> None:
    block = MdBlock("paragraph", "")
    text = "word " * 7 + "- dash then more words"
    assert wrap(block, text, 34) == text
    assert wrap(block, "alpha beta gamma delta", 11) == "alpha beta\ngamma delta"
    item = MdBlock("item", "-1 x", depth=1)
    assert wrap(item, "- alpha beta gamma", 12) == "- alpha beta\n  gamma"


def test_block_edits_and_merge() -> None:
    base = "# T\n\nOne.\n\nTwo.\n\nThree.\n"
    ours = base.replace("Three.", "Three, amended.")
    theirs = base.replace("One.", "One, reviewed.")
    merged, conflicts = merge3(base, ours, theirs)
    assert conflicts == [] and merged == "# T\n\nOne, reviewed.\n\nTwo.\n\nThree, amended.\n"
    clash = base.replace("Three.", "Three, reviewed.")
    merged, conflicts = merge3(base, ours, clash)
    assert merged == ours and [(c.base, c.ours, c.theirs) for c in conflicts] == [
        ("Three.", "Three, amended.", "Three, reviewed.")
    ]
    edits = block_edits(markdown_blocks(base), markdown_blocks(theirs))
    assert [(e.kind, e.section, e.old, e.new) for e in edits] == [
        ("replace", "", "One.", "One, reviewed.")
    ]
