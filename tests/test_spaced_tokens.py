"""`tokens.spaced_tokens` (one split around the tokens) equals reading each token with the
whitespace before it, on ASCII and Unicode text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from draftctl.engine import tokens


def _one_by_one(text: str) -> tuple[list[str], list[str], str]:
    solid = tokens._ASCII_SOLID.pattern if text.isascii() else tokens._unicode_solid()
    pairs = re.findall(rf"(\s*)({solid})", text, re.S)
    spaces, found = [ws for ws, _ in pairs], [tok for _, tok in pairs]
    used = sum(map(len, spaces)) + sum(map(len, found))
    return spaces, found, text[used:]


_CHARS = "ab c'’_-.,#*1\n\t\r \x0b\x1c\x85\xa0\u2028\u200d\u0301é"
_PIECES = st.sampled_from([*_CHARS, "😀", "🇫🇷", "\ufe0f", "\U0001f3fb", "can't", "  ", "\r\n"])


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_spaced_tokens_reads_each_token_with_the_space_before_it(text: str) -> None:
    spaces, found, trailing = tokens.spaced_tokens(text)
    assert (spaces, found, trailing) == _one_by_one(text)
    assert "".join(s + t for s, t in zip(spaces, found, strict=True)) + trailing == text
    assert found == tokens.solid_tokens(text)
