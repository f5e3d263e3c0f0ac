"""The HTML redline keeps the document's structure: tables, numbered lists, emphasis and links
come out as HTML, with changes marked inside them and one note per change and round."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import example, given, settings
from hypothesis import strategies as st

from draftctl.render.html import render_html
from draftctl.render.html_marks import Mark, Source, is_sentinel_free, render_sources
from draftctl.review.result import (
    AnnotatedChange,
    AnnotatedDiff,
    Credit,
    Piece,
    ShownBlock,
    compute_stats,
    title_root,
)
from tests.test_render import CONFIG

A, B, C = "a" * 40, "b" * 40, "c" * 40
CREDITS = {
    A: Credit(A, A, "evidence", ("who",), "WHO 2012 guidance", "Ann", "2014-02-01T10:00:00+00:00"),
    B: Credit(B, B, "field", ("swl",), "Field findings", "Bo", "2014-05-02T09:30:00+02:00"),
    C: Credit(C, C, "evidence", ("who",), "Second evidence commit", "Ann", "2014-03-01T10:00:00Z"),
}
TOP = ("Policy",)
RECS = ("Policy", "Recommendations")
TABLE = ("Policy", "Consultation")


def _result(blocks: list[ShownBlock], changes: list[AnnotatedChange]) -> AnnotatedDiff:
    head = [ShownBlock("heading", TOP, [Piece("equal", "# Policy\n\n")], 1)]
    blocks = head + blocks
    result = AnnotatedDiff(
        "drafts/policy.md", "v1", "1" * 40, "v2", "2" * 40, blocks, changes, CREDITS
    )
    result.stats = compute_stats(blocks, CREDITS)
    result.root = title_root(blocks)
    result.from_date, result.to_date = "2014-01-05T10:00:00+00:00", "2015-07-27T12:00:00+01:00"
    return result


def _structured() -> AnnotatedDiff:
    """A table with an inserted row, a numbered list from 3 with an inserted item, emphasis
    and a link with parentheses, a change credited to two rounds, one commit in two changes."""
    blocks = [
        ShownBlock("heading", RECS, [Piece("equal", "## Recommendations\n\n")], 2),
        ShownBlock(
            "paragraph",
            RECS,
            [
                Piece("equal", "*Draft for "),
                Piece("delete", "discussion", 1, A),
                Piece("insert", "decision", 1, B),
                Piece(
                    "equal", " by the Council.* See [the report](https://example.org/a_(b)).\n\n"
                ),
            ],
        ),
        ShownBlock("item", RECS, [Piece("equal", "3. Repeal laws.\n")]),
        ShownBlock(
            "item",
            RECS,
            [
                Piece("equal", "4. End raids"),
                Piece("insert", " and arrests", 2, A),
                Piece("equal", ".\n"),
            ],
        ),
        ShownBlock("item", RECS, [Piece("insert", "5. Protect **personal** data.\n\n", 3, C)]),
        ShownBlock("heading", TABLE, [Piece("equal", "## Consultation\n\n")], 2),
        ShownBlock("row", TABLE, [Piece("equal", "| Round | Consulted |\n| --- | --- |\n")]),
        ShownBlock("row", TABLE, [Piece("equal", "| Evidence | WHO |\n")]),
        ShownBlock("row", TABLE, [Piece("insert", "| Field | Country teams |\n", 4, A)]),
    ]
    changes = [
        AnnotatedChange(1, "replace", RECS, "discussion", "decision", [A, B]),
        AnnotatedChange(2, "insert", RECS, "", "and arrests", [A]),
        AnnotatedChange(3, "insert", RECS, "", "Protect personal data.", [C]),
        AnnotatedChange(4, "insert", TABLE, "", "| Field | Country teams |", [A]),
    ]
    return _result(blocks, changes)


class _Tree(HTMLParser):
    """Checks nesting as it goes and keeps what the tests look at."""

    VOID = frozenset({"meta", "input", "br", "hr", "img"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """`<br />` is whole: a start tag with nothing to close (HTMLParser would also call
        handle_endtag, which read as a stray `</br>`)."""
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else ''}>")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _tree(page: str) -> _Tree:
    tree = _Tree()
    tree.feed(page)
    assert not tree.errors and not tree.stack, tree.errors[:5]
    return tree


def _main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def test_tables_lists_emphasis_and_links_are_html() -> None:
    page = render_html(_structured(), CONFIG)
    _tree(page)
    main = _main(page)
    assert "<table>" in main and "<th>Round</th>" in main
    assert re.search(r"<tr>\s*<td><ins [^>]*>Field</ins>", main), "the inserted row is marked"
    assert '<ol start="3">' in main
    assert '<li value="5">' in main and "<strong><ins" in main
    assert re.search(r"<em>Draft for <del [^>]*>discussion</del>", main)
    assert '<a href="https://example.org/a_(b)" rel="noopener noreferrer">the report</a>' in main
    assert "*" not in re.sub(r"<[^>]+>", "", main) and "the report</a>.</p>" in main
    assert "| Field |" not in main and is_sentinel_free(page)


def test_one_round_per_note_and_each_rationale_once() -> None:
    page = render_html(_structured(), CONFIG)
    notes = re.findall(r'<div class="note (r\d)" id="note-(\d+)"', page)
    assert [n for _c, n in notes] == ["1", "2", "3", "4", "5"]
    assert notes[0][0] != notes[1][0], "change 1 has a note for each of its rounds"
    for _cls, number in notes:
        body = page[page.index(f'id="note-{number}"') :].split('<div class="note ', 1)[0]
        assert set(re.findall(r'class="(?:rtag)">([^<]+)<', body)) <= {
            "Evidence review",
            "Field research",
        }
        assert f'href="#ref-{number}"' in body and f'id="ref-{number}"' in page
    assert page.count("WHO 2012 guidance") == 1
    assert 'Rationale: see <a href="#note-1">note 1</a>' in page
    assert page.count("Second evidence commit") == 1


def test_single_h1_language_and_the_versions_dates() -> None:
    config = CONFIG.replace(language="fr-CA")
    page = render_html(_structured(), config)
    assert page.count("<h1") == 1 and '<html lang="fr-CA">' in page
    assert "5 January 2014" in page and "27 July 2015" in page
    assert "<h2>Recommendations</h2>" in page, "the title heading is the page's <h1>"
    assert render_html(_structured(), CONFIG).count('<html lang="en-GB">') == 1


def test_print_css_has_a4_running_header_and_page_numbers() -> None:
    page = render_html(_structured(), CONFIG)
    assert "size: A4" in page and "counter(page)" in page and "counter(pages)" in page
    header = re.search(r"@top-left \{ content: \"([^\"]*)\"", page)
    assert header is not None
    text = re.sub(r"\\([0-9a-f]+) ", lambda m: chr(int(m.group(1), 16)), header.group(1))
    assert text == "Policy — v1 → v2"


def test_move_labels_name_the_other_place() -> None:
    other = ("Policy", "Other")
    blocks = [
        ShownBlock("heading", RECS, [Piece("equal", "## Recommendations\n\n")], 2),
        ShownBlock("paragraph", RECS, [Piece("equal", "Moved text.\n\n")], move="from", change=1),
        ShownBlock("paragraph", RECS, [Piece("equal", "Stays.\n\n")]),
        ShownBlock("heading", other, [Piece("equal", "## Other\n\n")], 2),
        ShownBlock("paragraph", other, [Piece("equal", "Moved text.\n")], move="to", change=1),
    ]
    changes = [AnnotatedChange(1, "move", other, "Moved text.", "Moved text.", [B], RECS)]
    page = render_html(_result(blocks, changes), CONFIG)
    assert "Moved here from after § Recommendations" in page
    assert "Moved from here to after § Other" in page


def test_marks_never_split_markup() -> None:
    source = Source("paragraph", "Keep **bold words** and `code` here.\n")
    source.marks = [Mark(5, '<ins class="r0">', 19, "ins"), Mark(19, "<sup>1</sup>", back=True)]
    html, stray = render_sources([source])
    assert not stray
    assert "<strong><ins" in html and "</ins></strong>" in html
    row = Source("row", "| a | b |\n| --- | --- |\n| c | d |\n")
    row.marks = [Mark(0, '<del class="r0">', len(row.text), "del")]
    html, _ = render_sources([row])
    assert html.count("<td><del") == 2 and "<th><del" in html and "---" not in html


_WORDS = st.sampled_from(
    ["word", "*em*", "**b**", "_u_", "`c`", "[l](http://x.org/(y))", "|", "#", "1.", "-", "\\*",
     "&amp;", "\n", "\n\n", "> ", " ", "<b>", "]", "(", "~"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=20), st.lists(st.booleans(), min_size=20, max_size=20))
@example(["word", "> ", " ", "\n", "word"], [False] * 20)  # a hard break: `<br />`
def test_any_markdown_renders_with_balanced_marks(words: list[str], flags: list[bool]) -> None:
    pieces = []
    for index, word in enumerate(words):
        op = "insert" if flags[index] else "equal"
        pieces.append(
            Piece(op, word, index + 1 if flags[index] else None, A if flags[index] else None)
        )
    block = ShownBlock("paragraph", RECS, pieces)
    changes = [
        AnnotatedChange(p.change, "insert", RECS, "", p.text, [A]) for p in pieces if p.change
    ]
    page = render_html(_result([block], changes), CONFIG)
    _tree(page)
    assert is_sentinel_free(page)


def _luminance(colour: str) -> float:
    parts = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [p / 12.92 if p <= 0.03928 else ((p + 0.055) / 1.055) ** 2.4 for p in parts]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, two: str) -> float:
    high, low = sorted((_luminance(one), _luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_round_colours_meet_wcag_aa_on_paper_and_on_their_tint() -> None:
    from draftctl.render.html import PALETTE, SPECIAL
    from draftctl.render.html_style import tint

    for colour in (*PALETTE, *SPECIAL.values()):
        for ground in ("#ffffff", "#fdfcf9", "#f6f3ec", tint(colour, 0.08)):
            assert _contrast(colour, ground) >= 4.5, (colour, ground)


def test_adjacent_deletions_keep_the_space_between_them() -> None:
    blocks = [
        ShownBlock(
            "paragraph",
            RECS,
            [
                Piece("equal", "Campaign "),
                Piece("delete", "for ", 1, A),
                Piece("delete", "legislative change", 1, B),
                Piece("equal", ".\n"),
            ],
        )
    ]
    changes = [AnnotatedChange(1, "delete", RECS, "for legislative change", "", [A, B])]
    main = _main(render_html(_result(blocks, changes), CONFIG))
    text = re.sub(r"<sup.*?</sup>", "", main)
    assert re.search(r"for</del>\s+<del", text), text
