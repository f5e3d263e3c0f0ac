"""Piped output without rich: rich's own layout of draftctl's tables and lines, as plain text.

Piped (not a terminal), rich prints no styles, so a listing is plain text laid out by rich's
rules: word wrap (`rich._wrap.divide_line`), the `SIMPLE_HEAD` table with one space of padding
each side, columns measured, collapsed and reduced as `rich.table.Table` does. Importing rich
costs more than a listing's whole run, so this module repeats those rules for the text draftctl
prints; `narrow` says when it applies (every character one cell wide, no tabs or controls), and
tests compare its output with rich's on random tables and widths.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

TYPE_CHECKING = False  # typing's flag, without importing typing at run time
if TYPE_CHECKING:
    from draftctl.render.listing import Listing

# Characters rich measures as one cell (tests check each against rich.cells): printable ASCII,
# Latin-1 without the soft hyphen, Latin Extended-A/B, general punctuation, arrows, the minus
# sign and the control pictures `textutil.visible` shows.
_WIDE_OR_ODD = re.compile(
    "[^\x20-\x7e\xa0-\xac\xae-\u024f\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2212\u2400-\u2426]"
)
_WORD = re.compile(r"\s*\S+\s*")
_TRAILING_SPACE = re.compile(r"\s+$")
_MAX_CELL = 12  # the width a wrapping column is allowed before ids are kept whole


def narrow(*texts: str) -> bool:
    """Whether every character of `texts` (newlines aside) takes one cell, so that length is
    width: the only text this module lays out; anything else goes to rich."""
    return not any(_WIDE_OR_ODD.search(text.replace("\n", "")) for text in texts)


def wrap(text: str, width: int, *, pad: bool = False, no_wrap: bool = False) -> list[str]:
    """`text` (one or more lines) word-wrapped to `width` as rich's `Text.wrap` does with fold
    overflow: long words are cut across lines; with `pad`, lines are filled to `width`."""
    lines: list[str] = []
    for line in text.split("\n"):
        pieces = [line] if no_wrap else _divide(line, width)
        for piece in pieces:
            if len(piece) > width:
                piece = piece[:width]
            lines.append(piece.ljust(width) if pad else piece)
    return lines


def _divide(line: str, width: int) -> list[str]:
    """One line cut where `rich._wrap.divide_line` cuts it, with whitespace beyond `width`
    trimmed from each piece as `Text.rstrip_end` does."""
    breaks = _break_offsets(line, width)
    pieces = [
        line[start:end] for start, end in zip([0, *breaks], [*breaks, len(line)], strict=True)
    ]
    return [_rstrip_end(piece, width) for piece in pieces]


def _break_offsets(text: str, width: int) -> list[int]:
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group()
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:  # fold the word across lines
            chunks = [word[i : i + width] for i in range(0, len(word), width)] or [""]
            for index, chunk in enumerate(chunks):
                if start:
                    breaks.append(start)
                if index == len(chunks) - 1:
                    offset = len(chunk)
                else:
                    start += len(chunk)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    return breaks


def _rstrip_end(piece: str, width: int) -> str:
    if len(piece) <= width:
        return piece
    space = _TRAILING_SPACE.search(piece)
    if space is None:
        return piece
    return piece[: len(piece) - min(len(space.group()), len(piece) - width)]


def lines_text(lines: Sequence[str], width: int) -> str:
    """Lines as `Console.print` prints each one piped: wrapped at `width`, unpadded."""
    return "".join(f"{piece}\n" for line in lines for piece in wrap(line, width))


Range = tuple[int, int]  # rich's Measurement: (minimum, maximum) cells


def _column_size(texts: Sequence[str]) -> Range:
    """A column's (longest word, longest line) over its cells. rich measures each cell as
    (longest word, longest line), `0 <= word <= line`, so `Measurement.get`'s normalising and
    capping keep that order, and a column's measurement follows from these two maxima."""
    words = max((len(word) for text in texts for word in text.split()), default=0)
    lines = max((len(line) for text in texts for line in text.splitlines()), default=0)
    return words, lines


def _column_range(size: Range, cap: int) -> Range:
    """`Table._measure_column` (cells padded one space each side) at a width of `cap`."""
    if cap < 1:
        return 0, 0
    if cap < 3:  # too narrow for the padding: rich measures every cell as `cap`
        return cap, cap
    return min(size[0] + 2, cap), min(size[1] + 2, cap)


def _ratio_reduce(total: int, ratios: list[int], tops: list[int], values: list[int]) -> list[int]:
    ratios = [ratio if top else 0 for ratio, top in zip(ratios, tops, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining, result = total, []
    for ratio, top, value in zip(ratios, tops, values, strict=True):
        if ratio and total_ratio > 0:
            distributed = min(top, round(ratio * remaining / total_ratio))
            result.append(value - distributed)
            remaining -= distributed
            total_ratio -= ratio
        else:
            result.append(value)
    return result


def _collapse(widths: list[int], wrapable: list[bool], max_width: int) -> list[int]:
    total = sum(widths)
    excess = total - max_width
    if not any(wrapable):
        return widths
    while total and excess > 0:
        top = max(w for w, can in zip(widths, wrapable, strict=True) if can)
        second = max(w if can and w != top else 0 for w, can in zip(widths, wrapable, strict=True))
        ratios = [1 if (w == top and can) else 0 for w, can in zip(widths, wrapable, strict=True)]
        if not any(ratios) or not top - second:
            break
        widths = _ratio_reduce(excess, ratios, [min(excess, top - second)] * len(widths), widths)
        total = sum(widths)
        excess = total - max_width
    return widths


def _column_widths(sizes: list[Range], no_wrap: list[bool], max_width: int) -> list[int]:
    """`Table._calculate_column_widths` for columns without fixed widths or ratios."""
    widths = [_column_range(size, max_width)[1] or 1 for size in sizes]
    if sum(widths) > max_width:
        widths = _collapse(widths, [not keep for keep in no_wrap], max_width)
        if sum(widths) > max_width:
            widths = _ratio_reduce(sum(widths) - max_width, [1] * len(widths), widths, widths)
        pairs = zip(sizes, widths, strict=True)
        widths = [_column_range(size, width)[1] or 0 for size, width in pairs]
    return widths


def _width_keeping_ids(sizes: list[Range], no_wrap: list[bool], width: int) -> int:
    """`render.tables.print_table`'s width: ids (`no_wrap` columns) whole, others ≤12 wide
    (each cell measured unpadded at the console's `width`)."""
    need = 4
    for (words, lines), keep in zip(sizes, no_wrap, strict=True):
        need += (min(lines, width) if keep else min(words, width, _MAX_CELL)) + 3
    return need


def _cell_lines(text: str, width: int, no_wrap: bool) -> list[str]:
    """A padded cell's lines, each exactly `width` wide."""
    return [f" {line} " for line in wrap(text, width - 2, pad=True, no_wrap=no_wrap)]


def table_text(listing: Listing, width: int) -> str | None:
    """The table as `render.tables.print_table` prints it piped at a console `width` cells
    wide; None when rich must lay it out (a character of another width, a column too narrow
    for its padding)."""
    rows = [[text for text, _ in row] for row in listing.rows]
    if not narrow(listing.title, *listing.headers, *(text for row in rows for text in row)):
        return None
    columns = [[header, *(row[i] for row in rows)] for i, header in enumerate(listing.headers)]
    keep = [header in listing.whole for header in listing.headers]
    sizes = [_column_size(column) for column in columns]
    width = max(width, _width_keeping_ids(sizes, keep, width))
    extra = 2 + len(columns) - 1
    widths = _column_widths(sizes, keep, width - extra)
    if min(widths) < 3:
        return None
    table_width = sum(widths) + extra
    out = [f"{line}\n" for line in wrap(listing.title, table_width, pad=True)]
    out.append(" " * table_width + "\n")
    for index, row in enumerate(zip(*columns, strict=True)):
        cells = [_cell_lines(t, w, k) for t, w, k in zip(row, widths, keep, strict=True)]
        height = max(len(cell) for cell in cells)
        for cell, w in zip(cells, widths, strict=True):
            blank = [" " * w] * (height - len(cell))
            cell[:] = blank + cell if index == 0 else cell + blank  # header: bottom-aligned
        out.extend(" " + " ".join(parts) + " \n" for parts in zip(*cells, strict=True))
        if index == 0:
            out.append(" " + "─" * (table_width - 2) + " \n")
    out.append(" " * table_width + "\n")
    return "".join(out)
