"""Renderers of the annotated diff, from hand-built results: terminal, markdown, HTML, JSON."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from typing import Any

from rich.console import Console

from draftctl.consultation.config import Config, Round, Stakeholder
from draftctl.render.html import render_html
from draftctl.render.json import diff_json, render_json
from draftctl.render.markdown import escape_critic, render_markdown
from draftctl.render.stat import stat_tables
from draftctl.render.terminal import plain_text, render_terminal, terminal_text, trim_context
from draftctl.review.filters import Filters, apply_filters
from draftctl.review.result import (
    AnnotatedChange,
    AnnotatedDiff,
    Credit,
    Piece,
    ShownBlock,
    compute_stats,
    title_root,
)

A, B = "a" * 40, "b" * 40
W = "WORKTREE"
CONFIG = Config(
    "Test policy",
    rounds={
        "evidence": Round("evidence", "Evidence review", "open", stakeholders=("who",)),
        "field": Round("field", "Field research", "closed", stakeholders=("swl",)),
    },
    stakeholders={
        "who": Stakeholder("who", "World Health Organization"),
        "swl": Stakeholder("swl", "Sex worker-led groups"),
    },
)
CREDITS = {
    A: Credit(A, A, "evidence", ("who",), "WHO 2012 guidance", "Ann", "2014-02-01T10:00:00+00:00"),
    B: Credit(B, B, "field", ("swl",), None, "Bo", "2014-05-02T09:30:00+02:00"),
    W: Credit(W, None, W),
}
SCOPE = ("Policy", "Scope")
OTHER = ("Policy", "Other")


def sample(extra: str = "", approximate: bool = False) -> AnnotatedDiff:
    """A small result: a replacement, an inserted paragraph, a worktree deletion, a move."""
    blocks = [
        ShownBlock("heading", ("Policy",), [Piece("equal", "# Policy\n\n")], 1),
        ShownBlock("heading", SCOPE, [Piece("equal", "## Scope\n\n")], 2),
        ShownBlock(
            "paragraph",
            SCOPE,
            [
                Piece("equal", f"This policy applies to adults{extra} "),
                Piece("delete", "freely", 1, A),
                Piece("insert", "with their consent", 1, B),
                Piece("equal", ".\nIt covers\nstates.\n\n"),
            ],
        ),
        ShownBlock("paragraph", SCOPE, [Piece("insert", "A new paragraph.\n\n", 2, A)]),
        ShownBlock(
            "paragraph",
            SCOPE,
            [Piece("equal", "Moved text stays here.\n\n")],
            move="from",
            change=4,
        ),
        ShownBlock("heading", OTHER, [Piece("equal", "## Other\n\n")], 2),
        ShownBlock(
            "item",
            OTHER,
            [
                Piece("equal", "- Keep the "),
                Piece("delete", "old ", 3, W),
                Piece("equal", "item\n"),
            ],
        ),
        ShownBlock(
            "paragraph",
            OTHER,
            [
                Piece("equal", "Moved text stays ", old=""),  # moved here: new at this place
                Piece("insert", "right ", 4, B),
                Piece("equal", "here.", old=""),
                Piece("equal", "\n"),  # the line break both sides share
            ],
            move="to",
            change=4,
        ),
    ]
    changes = [
        AnnotatedChange(1, "replace", SCOPE, "freely", "with their consent", [A, B]),
        AnnotatedChange(2, "insert", SCOPE, "", "A new paragraph.", [A]),
        AnnotatedChange(3, "delete", OTHER, "old", "", [W]),
        AnnotatedChange(
            4, "move", OTHER, "Moved text stays here.", "Moved text stays right here.", [B], SCOPE
        ),
    ]
    return AnnotatedDiff(
        "drafts/policy.md",
        "v1",
        "c" * 40,
        "WORKTREE",
        None,
        blocks,
        changes,
        CREDITS,
        approximate,
        compute_stats(blocks, CREDITS),
        "2014-06-01",
        title_root(blocks),
    )


# -- terminal ------------------------------------------------------------------------------


def test_terminal_plain_marks_markers_and_notes() -> None:
    text = terminal_text(sample(), CONFIG)
    assert "\x1b" not in text
    assert "drafts/policy.md  v1 (cccccccc) → WORKTREE" in text
    assert "+7 −2 words in 4 changes" in text
    assert (
        "This policy applies to adults [-freely-]{+with their consent+}[1]. It covers states."
        in text
    )
    assert "{+A new paragraph.+}[2]" in text
    assert "- Keep the [-old-][3] item" in text
    assert "<moved to Other>" in text and "<moved here from Scope>[4]" in text
    assert "Moved text stays {+right+} here." in text
    note = "[1] Evidence review · World Health Organization · “WHO 2012 guidance” · aaaaaaaa"
    assert f"{note} · 2014-02-01" in text
    assert "Field research · Sex worker-led groups · bbbbbbbb · 2014-05-02" in text
    assert "[3] Uncommitted edits · WORKTREE" in text
    assert re.search(r"^Scope ─+$", text, re.M), "the section path is the heading, title dropped"


def test_terminal_colour_uses_styles_not_brackets() -> None:
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=100, force_terminal=True, color_system="standard", no_color=False
    )
    for item in render_terminal(sample(), CONFIG, plain=False):
        console.print(item)
    out = buffer.getvalue()
    assert "[-" not in out and "{+" not in out
    assert "\x1b[9;31m" in out or "\x1b[31;9m" in out  # red, struck through
    assert "\x1b[4;32m" in out or "\x1b[32;4m" in out  # green, underlined


def test_terminal_trims_context_to_a_few_words() -> None:
    words = " ".join(f"w{i}" for i in range(40))
    assert trim_context(words, "first").startswith("… w31")
    assert trim_context(words, "last").endswith("w8 …")
    middle = trim_context(words, "middle")
    assert middle.startswith("w0 ") and " … " in middle and middle.endswith("w39")
    assert trim_context("a few words", "middle") == "a few words"


def test_terminal_says_when_approximate_and_when_nothing_changed() -> None:
    assert "approximate" in terminal_text(sample(approximate=True), CONFIG)
    empty = AnnotatedDiff("drafts/policy.md", "v1", "c" * 40, "v2", "d" * 40, [], [], {})
    assert "No changes." in terminal_text(empty, CONFIG)


def test_stat_tables_per_round_and_section() -> None:
    text = plain_text(stat_tables(sample(), CONFIG))
    assert re.search(r"evidence\s+Evidence review\s+\+3\s+−1", text)
    assert re.search(r"field\s+Field research\s+\+4\s+−0", text)
    assert re.search(r"WORKTREE\s+Uncommitted edits\s+\+0\s+−1", text)
    assert re.search(r"total\s+\+7\s+−2", text)
    assert re.search(r"Other\s+\+1\s+−1", text)


# -- markdown ------------------------------------------------------------------------------

_MARK = re.compile(r"\{\+\+(.*?)\+\+\}|\{--(.*?)--\}|\{~~(.*?)~>(.*?)~~\}|\{>>(.*?)<<\}", re.S)


def test_markdown_criticmarkup_with_comments() -> None:
    text = render_markdown(sample(), CONFIG)
    assert text.startswith("<!-- draftctl diff drafts/policy.md: v1 (cccccccc) → WORKTREE")
    assert (
        "This policy applies to adults {~~freely~>with their consent~~}{>>[1] Evidence review"
        in text
    )
    assert "{++A new paragraph.++}{>>[2] Evidence review" in text
    assert "- Keep the {--old --}{>>[3] Uncommitted edits · WORKTREE<<}item" in text
    assert "{--Moved text stays here.--}{>>[4] moved to Other" in text
    assert "{++Moved text stays right here.++}{>>[4] moved here from Scope" in text
    assert text.endswith("2014-05-02<<}\n")  # the line break both sides share stays unmarked
    for match in _MARK.finditer(text):
        if match.group(0).startswith("{>>"):
            assert "\n" not in match.group(0), "a comment stays on its line"


def test_markdown_filtered_move_reads_as_plain_text_at_its_new_place() -> None:
    # the move is the field round's: filtered to the evidence round, it is TO's own text
    text = render_markdown(apply_filters(sample(), Filters(round_id="evidence"), CONFIG), CONFIG)
    assert text.endswith("- Keep the item\nMoved text stays right here.\n")
    assert "Moved text stays here." not in text


def test_markdown_marks_hold_line_structure_so_both_sides_rebuild() -> None:
    blocks = [
        ShownBlock("item", (), [Piece("insert", "- new item\n  continued\n", 1, A)]),
        ShownBlock("row", (), [Piece("delete", "| a | b |\n", 2, A)]),
        ShownBlock("heading", ("New",), [Piece("insert", "## New\n", 3, A)], 2),
    ]
    changes = [AnnotatedChange(i, "insert", (), "", "", [A]) for i in (1, 2, 3)]
    result = AnnotatedDiff("d.md", "v1", None, "v2", None, blocks, changes, CREDITS)
    text = render_markdown(result, CONFIG)
    assert "{++- new item\n  continued++}{>>[1]" in text
    assert "{--| a | b |--}{>>[2]" in text
    assert "{++## New++}{>>[3]" in text


def test_markdown_escapes_text_that_looks_like_criticmarkup() -> None:
    tricky = " {++not an insert++} {--no--} {~~x~>y~~} {>>no<<} {==no==} a~>b"
    text = render_markdown(sample(extra=tricky), CONFIG)
    marks = [m.group(0) for m in _MARK.finditer(text)]
    assert len([m for m in marks if m.startswith("{>>")]) == 5  # one comment per change mark
    assert "{~~freely~>with their consent~~}" in marks
    assert "&#123;++not an insert++&#125;" in text
    assert "a~&gt;b" in text
    assert escape_critic("plain {braces} and a -> arrow") == "plain {braces} and a -> arrow"
    assert escape_critic("}{") == "&#125;&#123;"


# -- HTML ------------------------------------------------------------------------------------


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts = 0
        self.handlers: list[str] = []
        self.ids: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(name)
            if name in ("src", "href") and value and not value.startswith("#"):
                self.external.append(value)
            if name == "id" and value:
                self.ids.append(value)


def test_html_is_one_self_contained_page() -> None:
    page = render_html(sample(), CONFIG)
    parser = _Scripts()
    parser.feed(page)
    assert parser.scripts == 1 and not parser.external and not parser.handlers
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert page.count('type="checkbox"') == 3  # evidence, field, WORKTREE
    assert "Evidence review" in page and "Uncommitted edits" in page
    assert '<del class="r0" data-rounds="r0"' in page  # "freely", evidence (A)
    assert '<ins class="r1" data-rounds="r1"' in page  # "with their consent", field (B)
    assert "Words changed per section" in page and "@media print" in page
    assert len(parser.ids) == len(set(parser.ids))


def test_html_escapes_draft_text_and_attribution() -> None:
    evil = ' <script>document.title="pwned"</script> <img src=x onerror=alert(1)> "quoted"'
    result = sample(extra=evil)
    result.credits = {
        **CREDITS,
        A: Credit(A, A, "evidence", ("who",), "<script>alert(2)</script>", "<b>x</b>", "2014"),
    }
    page = render_html(result, CONFIG)
    parser = _Scripts()
    parser.feed(page)
    assert parser.scripts == 1 and not parser.handlers and not parser.external
    assert "&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page


def test_html_says_when_approximate() -> None:
    assert 'class="approx"' in render_html(sample(approximate=True), CONFIG)
    assert 'class="approx"' not in render_html(sample(), CONFIG)


# -- JSON ------------------------------------------------------------------------------------

WORKTREE_CREDIT = {
    "commit": None,
    "round": "WORKTREE",
    "prompted_by": [],
    "rationale": None,
    "author": None,
    "date": None,
}
TOP_KEYS = {"draft", "from", "to", "changes", "stats"}
CHANGE_KEYS = {"id", "kind", "section", "old", "new", "attribution"}
CREDIT_KEYS = {"commit", "round", "prompted_by", "rationale", "author", "date"}


def check_contract(data: Any) -> None:
    """The DESIGN.md shape: these keys with these types (extra top-level keys allowed)."""
    assert set(data) >= TOP_KEYS
    assert set(data["from"]) == {"rev", "commit"} and set(data["to"]) == {"rev", "commit"}
    assert set(data["stats"]) == {"inserted_words", "deleted_words", "by_round"}
    assert all(isinstance(n, int) for n in data["stats"]["by_round"].values())
    for change in data["changes"]:
        assert set(change) == CHANGE_KEYS
        assert change["kind"] in ("insert", "delete", "replace", "move")
        assert isinstance(change["id"], int) and isinstance(change["section"], list)
        assert isinstance(change["old"], str) and isinstance(change["new"], str)
        for credit in change["attribution"]:
            assert set(credit) == CREDIT_KEYS
            assert credit["commit"] is None or re.fullmatch(r"[0-9a-f]{40}", credit["commit"])
            assert isinstance(credit["prompted_by"], list)


def test_json_matches_the_contract() -> None:
    data = json.loads(render_json(sample()))
    check_contract(data)
    assert data["from"] == {"rev": "v1", "commit": "c" * 40}
    assert data["to"] == {"rev": "WORKTREE", "commit": None}
    assert data["approximate"] is False
    first = data["changes"][0]
    assert first["section"] == ["Policy", "Scope"]
    assert [c["round"] for c in first["attribution"]] == ["evidence", "field"]
    assert data["changes"][2]["attribution"] == [WORKTREE_CREDIT]
    assert data["stats"] == {
        "inserted_words": 7,
        "deleted_words": 2,
        "by_round": {"evidence": 4, "field": 4, "WORKTREE": 1},
    }
    assert diff_json(sample()) == data
