"""Tokens of a draft (words, punctuation, whitespace) and the one word count every command uses."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from draftctl.engine._unicode_marks import MARK_RANGES, UNIDATA_VERSION

_ASCII_TOKEN = re.compile(r"[A-Za-z0-9_]+(?:'[A-Za-z0-9_]+)*|\s+|.", re.S)
_ASCII_WORD = re.compile(r"[A-Za-z0-9_]+(?:'[A-Za-z0-9_]+)*")
_ASCII_SOLID = re.compile(r"[A-Za-z0-9_]+(?:'[A-Za-z0-9_]+)*|\S")
# No combining mark lies below U+0300 or among the general punctuation (dashes, quotes, the
# joiner: U+2000–U+206F). In a text of only those characters the mark classes below can never
# match, so its patterns leave them out: they then compile in a fraction of a millisecond, not
# several (the classes list some 300 ranges of marks), and match exactly the same tokens.
_MARKLESS = re.compile(r"[\x00-\u02ff\u2000-\u206f]*")


def _marks(text: str) -> bool:
    """Whether `text` may hold a combining mark (False: it certainly holds none)."""
    return _MARKLESS.fullmatch(text) is None


def mark_ranges() -> tuple[tuple[int, int], ...]:
    """Ranges of combining marks (category M*, minus emoji modifiers) in this Python's Unicode
    database; the precomputed table is used when the database versions agree."""
    if unicodedata.unidata_version == UNIDATA_VERSION:
        return MARK_RANGES
    ranges: list[tuple[int, int]] = []
    for cp in (*range(0x300, 0x20000), *range(0xE0100, 0xE01F0)):
        if unicodedata.category(chr(cp))[0] == "M" and cp not in (0xFE0E, 0xFE0F, 0x20E3):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return tuple(ranges)


@cache
def _mark_class(marks: bool = True) -> str:
    """Regex class body of all combining marks ("" for a text without any)."""
    if not marks:
        return ""
    return "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in mark_ranges())


@cache
def token_pattern(marks: bool = True) -> re.Pattern[str]:
    """Words (with inner apostrophes and combining marks), whitespace runs, or other chars
    (an emoji sequence counts as one)."""
    return re.compile(rf"{_unicode_solid(marks)}|\s+", re.S)


@cache
def _unicode_solid(marks: bool = True) -> str:
    word = rf"[\w{_mark_class(marks)}]"
    other = rf"[^\w\s{_mark_class(marks)}]"
    tail = r"[\ufe0e\ufe0f\u20e3\U0001F3FB-\U0001F3FF]*"
    return (
        rf"{word}+(?:['’]{word}+)*|[\U0001F1E6-\U0001F1FF]{{2}}"
        rf"|{other}{tail}(?:\u200d{other}{tail})*|[^\s]"
    )


@cache
def _solid_pattern(marks: bool = True) -> re.Pattern[str]:
    return re.compile(_unicode_solid(marks), re.S)


@cache
def word_pattern(marks: bool = True) -> re.Pattern[str]:
    """Matches the word tokens only."""
    word = rf"[\w{_mark_class(marks)}]"
    return re.compile(rf"{word}+(?:['’]{word}+)*")


def tokenize(text: str) -> list[str]:
    """Split text into word, whitespace and punctuation tokens that join back to `text`."""
    if text.isascii():
        return _ASCII_TOKEN.findall(text)
    return token_pattern(_marks(text)).findall(text)


def solid_tokens(text: str) -> list[str]:
    """The non-whitespace tokens of `text`: what the engine compares (whitespace between them
    is layout, never a change)."""
    if text.isascii():
        return _ASCII_SOLID.findall(text)
    return _solid_pattern(_marks(text)).findall(text)


def word_flags(tokens: list[str], ascii_only: bool) -> list[bool]:
    """Whether each token is a word (`ascii_only`: every token is ASCII)."""
    pattern = _ASCII_WORD if ascii_only else word_pattern()
    return [match is not None for match in map(pattern.fullmatch, tokens)]


@cache
def _spaced_pattern(ascii_only: bool, marks: bool = True) -> re.Pattern[str]:
    solid = _ASCII_SOLID.pattern if ascii_only else _unicode_solid(marks)
    return re.compile(rf"({solid})", re.S)


def spaced_tokens(text: str) -> tuple[list[str], list[str], str]:
    """The non-whitespace tokens of `text`, the whitespace before each, and the trailing
    whitespace: spaces[0] + tokens[0] + spaces[1] + ... + trailing == text."""
    parts = spaced_parts(text)
    return parts[0:-1:2], parts[1::2], parts[-1]


def spaced_parts(text: str) -> list[str]:
    """[space, token, space, token, …, trailing space]: `spaced_tokens` interleaved.

    A solid token matches at every character that is not whitespace, so what lies between
    two tokens is whitespace only: one split around the tokens gives both."""
    ascii_only = text.isascii()
    return _spaced_pattern(ascii_only, not ascii_only and _marks(text)).split(text)


def count_words(text: str) -> int:
    """Number of words in `text`: the one count every command reports."""
    if text.isascii():
        return len(_ASCII_WORD.findall(text))
    return len(word_pattern(_marks(text)).findall(text))


def is_word(token: str) -> bool:
    """Whether a token is a word (not punctuation or whitespace)."""
    if token.isascii():
        return _ASCII_WORD.fullmatch(token) is not None
    return word_pattern(_marks(token)).fullmatch(token) is not None


def is_wordish(char: str) -> bool:
    """Whether `char` is a word character (letter, digit, underscore, combining mark)."""
    if char.isascii():
        return char.isalnum() or char == "_"
    return bool(re.match(rf"[\w{_mark_class()}]", char))
