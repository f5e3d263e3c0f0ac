"""A shown block of the redline cut into Word paragraphs and table cells, its Markdown markers
dropped: what the tracked-changes writer lays out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from draftctl.review.result import Piece, ShownBlock

_BREAKS = re.compile(r"[ \t]*\r?\n[ \t]*")


_ORDERED = re.compile(r"[ \t]*\d{1,9}[.)]")


_PARA_BREAK = re.compile(r"(\n[ \t]*\n\s*)")


_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]|$)")


_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+")


_QUOTE = re.compile(r" {0,3}>")


_LINE = re.compile(r"\r?\n")


_PIPE = re.compile(r"(?<!\\)\|")


_DELIMITER_ROW = re.compile(r"\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*")


_PREFIX = {
    "heading": re.compile(r"[ \t]*#{1,6}(?:[ \t]+|$)"),
    "item": _ITEM,
    "quote": re.compile(r"[ \t]*(?:>[ \t]?)+"),
}


def _single_title(blocks: list[ShownBlock]) -> int | None:
    """Index of the draft's title: its only level-1 heading, when it comes first."""
    top = [i for i, b in enumerate(blocks) if b.kind == "heading" and b.level == 1]
    return 0 if top == [0] else None


def _split_parts(
    parts: list[tuple[Piece, str]], separator: re.Pattern[str]
) -> list[list[tuple[Piece, str]]]:
    """Cut (piece, text) parts wherever `separator` matches; the separators are dropped."""
    groups: list[list[tuple[Piece, str]]] = [[]]
    for piece, text in parts:
        for index, chunk in enumerate(separator.split(text)):
            if index:
                groups.append([])
            if chunk:
                groups[-1].append((piece, chunk))
    return groups


def table_cells(line: list[tuple[Piece, str]]) -> list[list[tuple[Piece, str]]] | None:
    """The cells of one Markdown table line (None for the `|---|` line or a blank one)."""
    new = "".join(text for piece, text in line if piece.op != "delete")
    source = new or "".join(text for _, text in line)
    if not source.strip() or _DELIMITER_ROW.fullmatch(source):
        return None
    cells = _split_parts(line, _PIPE)
    if source.lstrip().startswith("|"):
        cells = cells[1:]
    if source.rstrip().endswith("|") and cells:
        cells = cells[:-1]
    return [_trim(cell) for cell in cells]


def _trim(parts: list[tuple[Piece, str]]) -> list[tuple[Piece, str]]:
    if parts:
        parts[0] = (parts[0][0], parts[0][1].lstrip())
        parts[-1] = (parts[-1][0], parts[-1][1].rstrip())
    return [(piece, text.replace("\\|", "|")) for piece, text in parts if text]


@dataclass
class RedlinePara:
    """One Word paragraph of a shown block: its kind, display parts, and what ends it."""

    kind: str
    level: int
    source: str
    parts: list[tuple[Piece, str]] = field(default_factory=list)
    break_piece: Piece | None = None
    italic: bool = False


def split_paragraphs(block: ShownBlock) -> list[RedlinePara]:
    """Split a shown block at its blank lines (a change may span Markdown paragraphs)."""
    groups: list[tuple[list[tuple[Piece, str]], Piece | None]] = [([], None)]
    for piece in block.pieces:
        for index, chunk in enumerate(_PARA_BREAK.split(piece.text)):
            if index % 2:
                groups[-1] = (groups[-1][0], piece)
                groups.append(([], None))
            elif chunk:
                groups[-1][0].append((piece, chunk))
    while len(groups) > 1 and not groups[-1][0]:
        groups.pop()
        groups[-1] = (groups[-1][0], None)
    paras = []
    for index, (parts, ender) in enumerate(groups):
        new = "".join(text for piece, text in parts if piece.op != "delete")
        source = new or "".join(text for _, text in parts)
        kind, level = (block.kind, block.level) if index == 0 else _kind_of(source)
        shown, italic = _whole_emphasis(_display(parts, kind), source.strip())
        paras.append(RedlinePara(kind, level, source, shown, ender, italic))
    return paras


def _whole_emphasis(
    parts: list[tuple[Piece, str]], source: str
) -> tuple[list[tuple[Piece, str]], bool]:
    """A paragraph wholly in `*…*` or `_…_` (a status line, say): drop the markers, italicise."""
    wrapped = len(source) > 2 and source[0] == source[-1] and source[0] in "*_"
    if not wrapped or source[1] == source[0] or not parts:
        return parts, False
    first, last = parts[0][1], parts[-1][1]
    if not (first.startswith(source[0]) and last.endswith(source[0])):
        return parts, False
    parts = list(parts)
    parts[0] = (parts[0][0], first[1:])
    parts[-1] = (parts[-1][0], parts[-1][1][:-1])
    return parts, True


def _kind_of(source: str) -> tuple[str, int]:
    """The kind of a Markdown paragraph that starts a new block inside a shown block."""
    heading = _ATX.match(source)
    if heading:
        return "heading", len(heading.group(1))
    if _ITEM.match(source):
        return "item", 0
    return ("quote", 0) if _QUOTE.match(source) else ("paragraph", 0)


def _display(parts: list[tuple[Piece, str]], kind: str) -> list[tuple[Piece, str]]:
    """Parts without the Markdown markers opening their lines, line breaks folded to spaces."""
    prefix = _PREFIX.get(kind)
    out: list[tuple[Piece, str]] = []
    line_start = True
    for piece, text in parts:
        lines = text.split("\n")
        for index, line in enumerate(lines):
            first = index == 0 and line_start
            if prefix is not None and (first or (index > 0 and kind != "item")):
                lines[index] = prefix.sub("", line, count=1)
        shown = "\n".join(lines)
        out.append((piece, shown if kind == "code" else _BREAKS.sub(" ", shown)))
        line_start = text.endswith("\n")
    if out:
        out[-1] = (out[-1][0], out[-1][1].rstrip())
    return out
