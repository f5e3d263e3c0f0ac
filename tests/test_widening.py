"""Display widening: a choppy rewrite reads as replaced phrases, credits and counts stay exact."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from draftctl.review.result import Piece, widened
from tests.provenance_helpers import Writer, check_range

OLD = (
    "# Policy\n\n## Evidence\n\nResearch in four countries shows that criminal laws expose sex "
    "workers to violence from police and clients, and make it harder for them to report abuse "
    "or to seek health care when they need it.\n"
)
NEW = (
    "# Policy\n\n## Evidence\n\nStudies from six countries show that laws criminalising sex "
    "work expose workers to abuse by police and clients, and stop them from reporting violence "
    "or seeking the health care they need.\n"
)


def test_a_rewritten_paragraph_reads_as_replaced_phrases(drafts_repo: Path) -> None:
    writer = Writer(drafts_repo)
    base = writer.commit(OLD, "Base text")
    rewrite = writer.commit(NEW, "Rewrite the evidence", "field")
    shown = check_range(writer, base, rewrite)  # credits exact, CriticMarkup rebuilds both sides
    assert shown.data["stats"]["inserted_words"] == 15
    assert shown.data["stats"]["deleted_words"] == 19  # the engine's count, not the display's
    terminal = " ".join(writer.cli("diff", base, rewrite).out.split())
    assert (
        "[-Research in four countries shows that criminal laws expose sex workers to violence "
        "from-]{+Studies from six countries show that laws criminalising sex work expose workers "
        "to abuse by+}[1] police and clients"
    ) in terminal
    assert terminal.count("[-") <= 4
    html = writer.cli("diff", base, rewrite, "--format", "html").out
    assert html.count("<del") <= 5  # was one per word run


def test_edits_of_two_commits_are_never_folded_together() -> None:
    pieces = [
        Piece("delete", "four", 1, "a"),
        Piece("insert", "six", 1, "a"),
        Piece("equal", " countries "),
        Piece("delete", "shows", 1, "b"),
        Piece("insert", "show", 1, "b"),
    ]
    assert widened(pieces) == pieces


def test_pure_insertions_stay_insertions() -> None:
    pieces = [
        Piece("insert", "Field ", 1, "a"),
        Piece("equal", "evidence"),
        Piece("insert", " x", 1, "a"),
    ]
    assert widened(pieces) == pieces


_OPS = st.sampled_from(["equal", "delete", "insert"])
_TEXT = st.sampled_from(["a ", "bb ", "c", " d e ", "\n", "f\ng ", " ", "h i j "])


@st.composite
def piece_lists(draw: st.DrawFn) -> list[Piece]:
    out = []
    for _ in range(draw(st.integers(0, 12))):
        op, text = draw(_OPS), draw(_TEXT)
        if op == "equal":
            old = draw(st.sampled_from([None, text.replace(" ", "\n"), text + " "]))
            out.append(Piece("equal", text, old=None if old == text else old))
        else:
            change = draw(st.sampled_from([1, 2]))
            out.append(Piece(op, text, change, draw(st.sampled_from(["a", "b"]))))
    return out


def _sides(pieces: list[Piece]) -> tuple[str, str]:
    old = "".join((p.text if p.old is None else p.old) for p in pieces if p.op != "insert")
    new = "".join(p.text for p in pieces if p.op != "delete")
    return old, new


def _changed(pieces: list[Piece]) -> dict[tuple[int | None, str | None], list[str]]:
    found: dict[tuple[int | None, str | None], list[str]] = {}
    for piece in pieces:
        if piece.op != "equal":
            found.setdefault((piece.change, piece.credit), []).append(piece.op)
    return found


@settings(max_examples=300, deadline=None)
@given(piece_lists())
def test_widening_rebuilds_both_sides_and_adds_no_credit(pieces: list[Piece]) -> None:
    wide = widened(pieces)
    assert _sides(wide) == _sides(pieces)
    assert set(_changed(wide)) == set(_changed(pieces))  # no new (change, credit) pair
