"""Redline excerpts as formatted text: Markdown blocks parsed into styled, marked runs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from draftctl.engine.counts import count_words
from draftctl.review.result import Piece, ShownBlock

# Marks where an insertion or deletion starts and ends in the source: rare punctuation
# (U+2E00–U+2E03), so that emphasis next to a mark still parses as CommonMark says.
_OPEN = {"insert": "\u2e00", "delete": "\u2e02"}
_CLOSE = {"insert": "\u2e01", "delete": "\u2e03"}
_MARKS = re.compile("([\u2e00-\u2e03])")
_MARKER = re.compile(r" {0,3}(?:#{1,6}[ \t]+|(?:[-*+]|\d{1,9}[.)])[ \t]+|>[ \t]?)")
_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_PARSER = MarkdownIt("commonmark")
_STYLES = {"em_open": "em", "strong_open": "strong", "link_open": "link", "s_open": "del"}


@dataclass(frozen=True)
class Run:
    """A stretch of excerpt text: unchanged, inserted or deleted, with its inline styles."""

    op: str
    text: str
    styles: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {"op": self.op, "text": self.text, "styles": list(self.styles)}


@dataclass
class ExcerptBlock:
    """One block of an excerpt: its kind, its marker (`6.` for a numbered item) and its text.

    A table row has one list of runs per cell; every other block has exactly one.
    """

    kind: str
    cells: list[list[Run]] = field(default_factory=list)
    marker: str = ""

    @property
    def words(self) -> int:
        return sum(count_words(r.text) for cell in self.cells for r in cell)

    def plain(self) -> str:
        """The block as it now reads (deleted words left out), on one line."""
        cells = ["".join(r.text for r in cell if r.op != "delete").strip() for cell in self.cells]
        text = "; ".join(c for c in cells if c)
        return f"{self.marker} {text}".strip() if self.marker else text

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "marker": self.marker,
            "text": self.plain(),
            "cells": [[r.as_json() for r in cell] for cell in self.cells],
        }


@dataclass
class Excerpt:
    """Whole blocks of a change, as far as a word limit allows, and how many words were left out."""

    blocks: list[ExcerptBlock]
    more_words: int = 0

    @property
    def kind(self) -> str:
        """`new` when every word shown is added, `removed` when every word is deleted."""
        ops = {r.op for b in self.blocks for cell in b.cells for r in cell if r.text.strip()}
        if ops == {"insert"}:
            return "new"
        return "removed" if ops == {"delete"} else "revised"

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "blocks": [b.as_json() for b in self.blocks],
            "more_words": self.more_words,
        }


def marked_source(pieces: list[Piece]) -> str:
    """The block's Markdown with private-use marks around inserted and deleted runs."""
    out = []
    for piece in pieces:
        if piece.op in _OPEN and piece.text:
            out.append(_OPEN[piece.op] + piece.text + _CLOSE[piece.op])
        else:
            out.append(piece.text)
    return "".join(out)


def _marker_first(source: str) -> str:
    """Move marks that fall inside a block marker (`## `, `- `, `6. `) to just after it."""
    clean = _MARKS.sub("", source)
    match = _MARKER.match(clean)
    if not match:
        return source
    seen, index, held = 0, 0, []
    while index < len(source) and seen < match.end():
        if source[index] in "\u2e00\u2e01\u2e02\u2e03":
            held.append(source[index])
        else:
            seen += 1
        index += 1
    head = "".join(c for c in source[:index] if c not in held)
    return head + "".join(held) + source[index:]


class _Runs:
    """Collects runs from markdown-it inline tokens, following the marks and the styles."""

    def __init__(self) -> None:
        self.runs: list[Run] = []
        self.op = "equal"
        self.styles: list[str] = []

    def text(self, text: str, extra: tuple[str, ...] = ()) -> None:
        for part in _MARKS.split(text):
            if part in ("\u2e00", "\u2e02"):
                self.op = "insert" if part == "\u2e00" else "delete"
            elif part in ("\u2e01", "\u2e03"):
                self.op = "equal"
            elif part:
                self._add(Run(self.op, part, (*self.styles, *extra)))

    def _add(self, run: Run) -> None:
        last = self.runs[-1] if self.runs else None
        if last and last.op == run.op and last.styles == run.styles:
            self.runs[-1] = Run(run.op, last.text + run.text, run.styles)
        else:
            self.runs.append(run)

    def token(self, token: Token) -> None:
        kind = token.type
        if kind in ("text", "html_inline"):
            self.text(token.content)
        elif kind == "code_inline":
            self.text(token.content, ("code",))
        elif kind in ("softbreak", "hardbreak"):
            self.text(" ")
        elif kind == "image":
            self.text(token.content or "")
        elif kind in _STYLES:
            self.styles.append(_STYLES[kind])
        elif kind.endswith("_close") and self.styles:
            self.styles.pop()

    def inline(self, tokens: list[Token]) -> list[Run]:
        for token in tokens:
            self.token(token)
        return _trimmed(self.runs)


def _trimmed(runs: list[Run]) -> list[Run]:
    """Runs without leading or trailing spaces, and spaces collapsed."""
    out = [Run(r.op, re.sub(r"\s+", " ", r.text), r.styles) for r in runs]
    while out and not out[0].text.strip():
        out.pop(0)
    while out and not out[-1].text.strip():
        out.pop()
    if out:
        out[0] = Run(out[0].op, out[0].text.lstrip(), out[0].styles)
        out[-1] = Run(out[-1].op, out[-1].text.rstrip(), out[-1].styles)
    return [r for r in out if r.text]


def inline_runs(source: str) -> list[Run]:
    """Inline Markdown (with marks) as runs: emphasis kept as styles, syntax removed."""
    tokens = _PARSER.parseInline(source)
    children = tokens[0].children if tokens and tokens[0].children else []
    return _Runs().inline(children)


def _row(source: str) -> ExcerptBlock:
    cells: list[list[Run]] = []
    for line in source.splitlines():
        if _DELIMITER_ROW.match(_MARKS.sub("", line)) or not _MARKS.sub("", line).strip():
            continue
        parts = _CELL_SPLIT.split(line.strip())
        if parts and not _MARKS.sub("", parts[0]).strip():
            parts = parts[1:]
        if parts and not _MARKS.sub("", parts[-1]).strip():
            parts = parts[:-1]
        cells += [inline_runs(p.strip().replace("\\|", "|")) for p in parts]
    return ExcerptBlock("row", [c for c in cells if c])


def _block(kind: str, source: str) -> ExcerptBlock:
    """Parse one block's marked Markdown into an excerpt block."""
    if kind == "row":
        return _row(source)
    if kind == "code":
        return ExcerptBlock("code", [inline_runs("`" + source.strip("`\n ") + "`")])
    out = ExcerptBlock("paragraph")
    runs = _Runs()
    for token in _PARSER.parse(_marker_first(source)):
        if token.type == "heading_open":
            out.kind = "heading"
        elif token.type == "ordered_list_open":
            out.kind, out.marker = "item", f"{token.attrGet('start') or 1}."
        elif token.type == "bullet_list_open" and out.kind != "item":
            out.kind, out.marker = "item", "•"
        elif token.type == "blockquote_open" and out.kind == "paragraph":
            out.kind = "quote"
        elif token.type == "inline" and token.children is not None:
            if runs.runs:
                runs.text(" ")
            for child in token.children:
                runs.token(child)
    out.cells = [_trimmed(runs.runs)]
    return out


def excerpt_block(block: ShownBlock, pieces: list[Piece]) -> ExcerptBlock | None:
    """One shown block (or the pieces of it a change touches) as formatted text."""
    if block.kind in ("rule", "html") and not any(p.op != "equal" for p in pieces):
        return None
    made = _block(block.kind, marked_source(pieces))
    return made if any(made.cells) and made.words else None


def excerpt(blocks: list[tuple[ShownBlock, list[Piece]]], limit: int) -> Excerpt:
    """Whole blocks up to about `limit` words (always at least one), and the words left out."""
    made = [b for b in (excerpt_block(block, pieces) for block, pieces in blocks) if b]
    shown: list[ExcerptBlock] = []
    for block in made:
        if shown and sum(b.words for b in shown) + block.words > limit:
            break
        shown.append(block)
    rest = sum(b.words for b in made[len(shown) :])
    return Excerpt(shown, rest)
