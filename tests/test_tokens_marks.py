"""Texts without combining marks are tokenised by patterns built without the mark classes."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from draftctl.engine import tokens


def test_no_character_the_gate_lets_through_is_a_combining_mark() -> None:
    marks = tokens.mark_ranges()
    for code in range(0x110000):
        char = chr(code)
        if not tokens._marks(char):
            assert unicodedata.category(char)[0] != "M", hex(code)
            assert not any(a <= code <= b for a, b in marks), hex(code)


def test_a_text_with_a_mark_or_an_emoji_takes_the_full_patterns() -> None:
    assert not tokens._marks("Rights – “all” of them’s, café ‍")
    for text in ("cafe\u0301", "👍🏽", "\u05d0\u05b8", "🇳🇴"):
        assert tokens._marks(text)
    assert tokens.tokenize("cafe\u0301 s’il") == ["cafe\u0301", " ", "s’il"]


markless = st.text(
    st.one_of(
        st.characters(max_codepoint=0x2FF),
        st.characters(min_codepoint=0x2000, max_codepoint=0x206F),
        st.sampled_from(["'", "’", "\u200d", " ", "\n", "–", "—", "“", "”", "é", "ß", "_"]),
    ),
    max_size=60,
)


@settings(max_examples=400, deadline=None)
@given(markless)
def test_patterns_without_mark_classes_match_alike_on_markless_text(text: str) -> None:
    assert not tokens._marks(text)
    for full, plain in [
        (tokens.token_pattern(True), tokens.token_pattern(False)),
        (tokens._solid_pattern(True), tokens._solid_pattern(False)),
        (tokens.word_pattern(True), tokens.word_pattern(False)),
        (tokens._spaced_pattern(False, True), tokens._spaced_pattern(False, False)),
    ]:
        assert plain.findall(text) == full.findall(text)
        assert bool(plain.fullmatch(text)) == bool(full.fullmatch(text))
