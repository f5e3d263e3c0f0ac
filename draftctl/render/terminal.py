"""The annotated diff for a terminal: changed paragraphs by section, marks, numbered notes."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from rich.console import Console, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from draftctl.consultation.config import Config
from draftctl.review.result import (
    AnnotatedDiff,
    Credit,
    Piece,
    ShownBlock,
    credit_line,
    ends_change,
    merged_pieces,
    people_names,
    round_title,
    side_label,
    widened,
)
from draftctl.textutil import visible

CONTEXT_WORDS = 8
ELLIPSIS = "…"
_SPACES = re.compile(r"\s+")
_STYLE = {"delete": "red strike", "insert": "green underline", "equal": ""}
_PLAIN = {"delete": ("[-", "-]"), "insert": ("{+", "+}"), "equal": ("", "")}
MOVE_STYLE = "magenta"
MARKER_STYLE = "bold cyan"


def render_terminal(result: AnnotatedDiff, config: Config, *, plain: bool) -> list[RenderableType]:
    """Renderables for the whole diff; `plain` spells marks out for output without colour."""
    out: list[RenderableType] = [_header(result)]
    told: dict[str, str] = {}
    for section, blocks in _groups(result.blocks):
        out.append(Text(""))
        heading = Text(visible(result.section_text(section)), style="bold")
        out.append(Rule(heading, align="left", style="dim"))
        for block in blocks:
            out += [Text(""), Padding(_block_text(block, result, plain), (0, 0, 0, 2))]
        out += [Text(""), Padding(_notes(result, config, blocks, told), (0, 0, 0, 2), expand=False)]
    if not result.changes:
        out.append(Text("No changes.", style="dim"))
    return out


def terminal_text(result: AnnotatedDiff, config: Config, *, width: int = 100) -> str:
    """The diff as plain text (no colour), e.g. for a file or a golden test."""
    return plain_text(render_terminal(result, config, plain=True), width=width)


def plain_text(items: Sequence[RenderableType], *, width: int = 100) -> str:
    """Renderables as text without colour or styles, trailing spaces trimmed."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, no_color=True)
    for item in items:
        console.print(item)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def _header(result: AnnotatedDiff) -> Text:
    head = Text()
    head.append(visible(result.draft), style="bold")
    head.append(visible(f"  {side_label(result.from_rev, result.from_commit)} → "))
    head.append(visible(side_label(result.to_rev, result.to_commit)))
    stats = result.stats
    head.append("\n")
    head.append(f"+{stats.inserted_words}", style="green")
    head.append(" ")
    head.append(f"−{stats.deleted_words}", style="red")
    head.append(f" words in {len(result.changes)} change{'s' * (len(result.changes) != 1)}")
    if result.approximate:
        head.append(
            "\napproximate: the word diff ran out of time in some paragraphs; "
            "their changes are marked more coarsely, but both versions are shown exactly",
            style="yellow",
        )
    return head


def _groups(blocks: list[ShownBlock]) -> Iterator[tuple[tuple[str, ...], list[ShownBlock]]]:
    """Consecutive changed blocks of the same section."""
    group: list[ShownBlock] = []
    for block in blocks:
        if not block.changed:
            continue
        if group and group[-1].section != block.section:
            yield group[-1].section, group
            group = []
        group.append(block)
    if group:
        yield group[-1].section, group


def _block_text(block: ShownBlock, result: AnnotatedDiff, plain: bool) -> Text:
    if block.move == "from":
        return _moved_away(block, result, plain)
    text = Text()
    if block.move == "to":
        source = result.change(block.change or 0).section_from
        _marker(text, f"moved here from {result.section_text(source)}", plain, MOVE_STYLE)
        _marker(text, f"[{block.change}]", plain, MARKER_STYLE)
        text.append(" ")
    base = MOVE_STYLE if block.move == "to" else ""
    pieces = _display_pieces(block.pieces if block.move else widened(block.pieces))
    for index, piece in enumerate(pieces):
        if piece.op == "equal":
            _append_plain(text, trim_context(piece.text, _position(pieces, index)), base)
            continue
        core = piece.text.strip(" ")
        _append_plain(text, piece.text[: len(piece.text) - len(piece.text.lstrip(" "))], base)
        opener, closer = _PLAIN[piece.op] if plain else ("", "")
        text.append(f"{opener}{core}{closer}", style=_STYLE[piece.op])
        if ends_change(pieces, index, block.change):
            _marker(text, f"[{piece.change}]", plain, MARKER_STYLE)
        _append_plain(text, piece.text[len(piece.text.rstrip(" ")) :], base)
    return text


def _append_plain(text: Text, chunk: str, style: str) -> None:
    """Append unchanged text without doubling the space where two runs meet."""
    if chunk.startswith(" ") and (not text.plain or text.plain.endswith(" ")):
        chunk = chunk.lstrip(" ")
    if chunk:
        text.append(chunk, style=style)


def _moved_away(block: ShownBlock, result: AnnotatedDiff, plain: bool) -> Text:
    words = " ".join("".join(p.text for p in block.pieces).split()[:CONTEXT_WORDS])
    target = result.section_text(result.change(block.change or 0).section)
    text = Text()
    _marker(text, f"moved to {target}", plain, MOVE_STYLE)
    text.append(" ")
    text.append(f"“{visible(words)} {ELLIPSIS}”", style=f"{MOVE_STYLE} strike")
    _marker(text, f"[{block.change}]", plain, MARKER_STYLE)
    return text


def _marker(text: Text, label: str, plain: bool, style: str) -> None:
    if plain and not label.startswith("["):
        label = f"<{label}>"
    text.append(visible(label), style=style)


def _display_pieces(pieces: list[Piece]) -> list[Piece]:
    """Pieces joined per change, whitespace runs collapsed, the block's outer space dropped."""
    shown = [replace(p, text=visible(_SPACES.sub(" ", p.text))) for p in merged_pieces(pieces)]
    if shown:
        shown[0] = replace(shown[0], text=shown[0].text.lstrip())
        shown[-1] = replace(shown[-1], text=shown[-1].text.rstrip())
    return [p for p in shown if p.text or p.op != "equal"]


def _position(pieces: list[Piece], index: int) -> str:
    """Where an unchanged piece sits: "first", "last", "middle" or "only"."""
    first, last = index == 0, index == len(pieces) - 1
    return "only" if first and last else "first" if first else "last" if last else "middle"


def trim_context(words: str, position: str) -> str:
    """Unchanged text around changes, cut to a few words on each side with `…`."""
    parts = words.split(" ")
    keep = CONTEXT_WORDS
    if len(parts) <= keep * 2 + 1:
        return words
    if position == "only":
        return " ".join(parts[: keep * 2 + 1]) + " " + ELLIPSIS
    if position == "first":
        return ELLIPSIS + " " + " ".join(parts[-keep - 1 :])
    if position == "last":
        return " ".join(parts[: keep + 1]) + " " + ELLIPSIS
    return " ".join(parts[: keep + 1]) + f" {ELLIPSIS} " + " ".join(parts[-keep - 1 :])


def _notes(
    result: AnnotatedDiff, config: Config, blocks: list[ShownBlock], told: dict[str, str]
) -> Table:
    """The notes the section's markers point to, with a hanging indent; changes made by the
    same commits share one note ([3,4,5]). A commit's rationale is printed once per diff:
    `told` maps each commit already explained to its note's label, which later notes cite."""
    table = Table.grid(padding=(0, 1))
    table.add_column(style=MARKER_STYLE, no_wrap=True)
    table.add_column(style="dim")
    shared: dict[tuple[str, ...], list[int]] = {}
    for change_id in dict.fromkeys(i for b in blocks for i in b.change_ids()):
        shared.setdefault(tuple(result.change(change_id).credits), []).append(change_id)
    for keys, ids in shared.items():
        label = "[" + ",".join(str(i) for i in ids) + "]"
        for index, key in enumerate(keys):
            line = Text(visible(_credit_text(config, result.credits[key], label, told)))
            table.add_row(Text(label if index == 0 else ""), line)
        if not keys:
            table.add_row(Text(label), Text("no commit found"))
    return table


def _credit_text(config: Config, credit: Credit, label: str, told: dict[str, str]) -> str:
    """The credit's line; its rationale in full the first time, then a pointer to that note."""
    first = told.setdefault(credit.key, label) if credit.rationale else label
    if first == label:
        return credit_line(config, credit)
    parts = [round_title(config, credit.round_key), *[", ".join(people_names(config, credit))]]
    parts += [f"rationale in note {first}", credit.short, (credit.date or "")[:10]]
    return " · ".join(p for p in parts if p)
