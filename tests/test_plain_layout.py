"""`render.plain` lays piped tables and lines out exactly as rich does, character for character."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from draftctl.render import plain
from draftctl.render.listing import Listing
from draftctl.render.tables import print_listing, print_styled

# What the narrow set allows, spaces and newlines weighted up so that text wraps and folds.
ALLOWED = [chr(c) for c in range(0x20, 0x250) if plain.narrow(chr(c))]
ALLOWED += [chr(c) for c in range(0x2000, 0x2430) if plain.narrow(chr(c))]
TEXT = st.text(st.sampled_from([*ALLOWED, " ", " ", " ", "a", "e", "-", "—"]), max_size=60)
CELL = st.one_of(TEXT, st.lists(TEXT, min_size=1, max_size=4).map("\n".join))


def _piped(width: int) -> Console:
    return Console(file=io.StringIO(), width=width, highlight=False)


def test_every_narrow_character_is_one_cell_for_rich() -> None:
    assert len(ALLOWED) > 700
    wide = [c for c in ALLOWED if cell_len(c) != 1]
    assert wide == []
    assert not plain.narrow("\t") and not plain.narrow("\u200b") and not plain.narrow("表")


@st.composite
def listings(draw: st.DrawFn) -> Listing:
    count = draw(st.integers(1, 6))
    headers = tuple(f"h{i}" + draw(st.text("abc ", max_size=8)) for i in range(count))
    whole = tuple(h for h in headers if draw(st.booleans()))
    rows = draw(st.lists(st.tuples(*[CELL] * count), max_size=5))
    title = draw(st.text(st.sampled_from("Tables ()0123456789"), min_size=1, max_size=40))
    return Listing(title, headers, whole, [tuple((t, "bold") for t in row) for row in rows])


@settings(max_examples=400, deadline=None)
@given(listings(), st.integers(20, 140))
def test_tables_match_rich(listing: Listing, width: int) -> None:
    expected = _piped(width)
    print_listing(expected, listing)
    ours = plain.table_text(listing, width)
    if ours is not None:  # None: a column too narrow for its padding, left to rich
        assert ours == expected.file.getvalue()  # type: ignore[attr-defined]


def test_the_sample_tables_take_the_plain_path() -> None:
    rows = [(("who", "bold"), ("World Health Organization", ""), ("un-agency", ""))]
    listing = Listing("Stakeholders", ("id", "name", "kind"), ("id", "kind"), rows)
    for width in (20, 30, 80):
        expected = _piped(width)
        print_listing(expected, listing)
        assert plain.table_text(listing, width) == expected.file.getvalue()  # type: ignore[attr-defined]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.lists(st.tuples(TEXT, st.sampled_from(["", "bold"])), max_size=4)),
    st.integers(20, 140),
)
def test_lines_match_rich(lines: list[list[tuple[str, str]]], width: int) -> None:
    expected = _piped(width)
    print_styled(expected, lines)
    texts = ["".join(text for text, _ in line) for line in lines]
    assert plain.lines_text(texts, width) == expected.file.getvalue()  # type: ignore[attr-defined]
