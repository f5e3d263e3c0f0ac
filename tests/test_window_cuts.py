"""Where a two-version diff may leave text out: only whole top-level blocks nothing before them
can reopen, with every heading kept in place."""

from __future__ import annotations

import pytest

from draftctl.engine.blocks import parse_blocks
from draftctl.engine.window import Windows, windows


def paragraphs(first: int, count: int) -> list[str]:
    return [f"Paragraph {n} of the policy, with words about rights and health.\n" for n in
            range(first, first + count)]  # fmt: skip


def pair(middle: list[str], tail: int = 12) -> tuple[str, str]:
    """A draft with `middle` between two runs of paragraphs, and its edit at both ends."""
    blocks = ["# Title\n", *paragraphs(0, 12), *middle, *paragraphs(100, tail)]
    old = "\n".join(blocks)
    new = old.replace("Paragraph 1 of", "Paragraph one of").replace(
        f"Paragraph {100 + tail - 2} of", "The last but one paragraph of"
    )
    return old, new


def found(old: str, new: str) -> Windows:
    result = windows(old, new, min_gap=1)
    assert result is not None, "nothing was left out"
    return result


def rebuilt(result: Windows, side: str) -> str:
    """Put every gap back into a compressed text."""
    text = result.old if side == "old" else result.new
    out, at = [], 0
    for gap in result.gaps:
        start = gap.old_at if side == "old" else gap.new_at
        out += [text[at:start], gap.text]
        at = start + len(gap.kept)
    return "".join([*out, text[at:]])


def test_gaps_put_back_give_both_texts_and_keep_every_heading() -> None:
    old, new = pair(["## Scope\n", *paragraphs(50, 4), "### Detail\n", *paragraphs(60, 4)])
    result = found(old, new)
    assert rebuilt(result, "old") == old and rebuilt(result, "new") == new
    assert "## Scope" in result.new and "### Detail" in result.new
    assert len(result.new) < len(new) // 2
    for gap in result.gaps:
        heads = [b.raw for b in parse_blocks(gap.text) if b.kind == "heading"]
        assert "".join(heads) == gap.kept or (not heads and gap.kept in gap.text)


def test_a_fenced_block_with_blank_lines_is_never_cut() -> None:
    fence = "```\ncode\n\n# not a heading\n\nParagraph-like line in code\n```\n"
    old, new = pair([fence])
    result = found(old, new)
    assert all("# not a heading" not in gap.kept for gap in result.gaps)
    assert all(gap.text.count("```") in (0, 2) for gap in result.gaps)
    assert rebuilt(result, "new") == new


def test_an_html_comment_over_blank_lines_is_never_cut() -> None:
    comment = "<!-- a note\n\nParagraph 999 hidden in a comment\n\n-->\n"
    old, new = pair([comment])
    result = found(old, new)
    assert all(gap.text.count("<!--") == gap.text.count("-->") for gap in result.gaps)


@pytest.mark.parametrize(
    ("block", "left_in"),
    [
        ("Setext title\n============\n", "===="),
        ("| a |\n|---|\n# under a row\n", "# under a row"),
        ("Text\n  # indented hash\n", "# indented hash"),
        ("<div>\n# inside html\n</div>\n", "# inside html"),
    ],
)
def test_doubtful_blocks_stay_in_windows(block: str, left_in: str) -> None:
    old, new = pair([block])
    result = found(old, new)
    assert all(left_in not in gap.text for gap in result.gaps)
    assert left_in in result.new and left_in in result.old


def test_a_gap_never_starts_inside_a_list_item() -> None:
    item = "- an item\n\n  its second paragraph, indented\n"
    old, new = pair([item])
    result = found(old, new)
    assert any(item in gap.text for gap in result.gaps)  # whole, with its continuation
    result = found(old, new.replace("- an item", "- an edited item"))
    assert all(not gap.text.startswith((" ", "\t")) for gap in result.gaps)
    assert "  its second" in result.new  # it goes with its item, in a window


def test_unsure_texts_are_diffed_whole() -> None:
    old, new = pair(["- item\n\n  ```\n  code\n\n  ```\n"])  # a fence inside a list item
    assert windows(old, new, min_gap=1) is None
    old, new = pair(["Line one\rLine two\n"])  # a lone carriage return ends a line
    assert windows(old, new, min_gap=1) is None


def test_nothing_is_left_out_of_a_draft_without_blank_lines() -> None:
    old = "".join(f"Line {n} of a draft written without blank lines.\n" for n in range(200))
    assert windows(old, old.replace("Line 100 ", "Line hundred "), min_gap=1) is None
