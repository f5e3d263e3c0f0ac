"""The annotated diff as CriticMarkup: the whole draft with its changes and their attribution.

Marks: `{++inserted++}`, `{--deleted--}`, `{~~old~>new~~}`, and after each change a comment
`{>>[n] round · stakeholders · “rationale” · commit · date<<}`. A mark never spans a line
break (a multi-line change is marked line by line) and never swallows a line's Markdown
structure (indentation, list bullet, heading hashes, quote marker, table pipes), so the
output stays valid Markdown and a mark never crosses a block boundary.

Escaping: draft text that could be read as CriticMarkup is written with HTML character
references, which Markdown renders as the same characters: a `{` followed by `+ - ~ > =`
becomes `&#123;`, a `}` preceded by `+ - ~ < =` becomes `&#125;`, and the `>` of `~>` becomes
`&gt;`. A brace at the very edge of a text run is escaped too, so it cannot join a mark.
"""

from __future__ import annotations

import re

from draftctl.consultation.config import Config
from draftctl.review.annotate import (
    AnnotatedDiff,
    Piece,
    ShownBlock,
    credit_line,
    ends_change,
    merged_pieces,
    side_label,
)

_OPEN_BRACE = re.compile(r"\{(?=[-+~>=]|$)")
_CLOSE_BRACE = re.compile(r"(?:(?<=[-+~<=])|^)\}")
_SUBST_ARROW = re.compile(r"~>")
_PREFIX = re.compile(r"[ \t]*(?:(?:>[ \t]?)+|[-*+][ \t]+|\d{1,9}[.)][ \t]+|#{1,6}[ \t]+)*")
_MARKS = {"insert": ("{++", "++}"), "delete": ("{--", "--}")}


def escape_critic(text: str) -> str:
    """`text` with every sequence that could open or close a CriticMarkup mark neutralised."""
    text = _OPEN_BRACE.sub("&#123;", text)
    text = _CLOSE_BRACE.sub("&#125;", text)
    return _SUBST_ARROW.sub("~&gt;", text)


def render_markdown(result: AnnotatedDiff, config: Config) -> str:
    """The TO side of the draft with every change marked in CriticMarkup."""
    out = [_header(result)]
    for block in result.blocks:
        out.append(_Block(block, result, config).render())
    text = "".join(out)
    return text if text.endswith("\n") else text + "\n"


def _header(result: AnnotatedDiff) -> str:
    line = f"draftctl diff {result.draft}: {side_label(result.from_rev, result.from_commit)} → "
    line += side_label(result.to_rev, result.to_commit)
    line += f"; +{result.stats.inserted_words} −{result.stats.deleted_words} words"
    if result.approximate:
        line += "; approximate (some paragraphs are marked coarsely)"
    return f"<!-- {line.replace('--', '- -')} -->\n\n"


class _Block:
    """Writes one block: its text runs, its marks and the comments after its changes."""

    def __init__(self, block: ShownBlock, result: AnnotatedDiff, config: Config) -> None:
        self.block = block
        self.result = result
        self.config = config
        self.out: list[str] = []
        self.line_start = True

    def render(self) -> str:
        block = self.block
        if block.move == "from":
            for piece in block.pieces:
                self.marked("delete", piece.text)
            self.comment(block.change, f"moved to {self.moved_section('to')}")
            self.finish()
            return "".join(self.out)
        pieces = merged_pieces(block.pieces)
        index = 0
        while index < len(pieces):
            index = self.piece_run(pieces, index)
        if block.move == "to":
            self.comment(block.change, f"moved here from {self.moved_section('from')}")
        self.finish()
        return "".join(self.out)

    def moved_section(self, end: str) -> str:
        change = self.result.change(self.block.change or 0)
        return self.result.section_text(change.section if end == "to" else change.section_from)

    def piece_run(self, pieces: list[Piece], index: int) -> int:
        """Write pieces[index] (with its partner for a substitution); the next index."""
        piece = pieces[index]
        if piece.op == "equal":
            self.plain(piece.text)
            return index + 1
        partner = pieces[index + 1] if index + 1 < len(pieces) else None
        if (
            piece.op == "delete"
            and partner is not None
            and partner.op == "insert"
            and partner.change == piece.change
            and _single_line(piece.text)
            and _single_line(partner.text)
            and not self.line_start
        ):
            self.out.append(f"{{~~{escape_critic(piece.text)}~>{escape_critic(partner.text)}~~}}")
            index += 1
        else:
            self.marked(piece.op, piece.text)
        self.after_change(pieces, index)
        return index + 1

    def after_change(self, pieces: list[Piece], index: int) -> None:
        if ends_change(pieces, index, self.block.change):
            self.comment(pieces[index].change, "")

    def plain(self, text: str) -> None:
        if text:
            self.out.append(escape_critic(text))
            self.line_start = text.endswith("\n")

    def marked(self, op: str, text: str) -> None:
        """Wrap `text` line by line, leaving line structure and table pipes outside the marks."""
        opener, closer = _MARKS[op]
        for part in re.split(r"(\n)", text):
            if part == "\n":
                self.out.append(part)
                self.line_start = True
            elif part:
                prefix = _line_prefix(part) if self.line_start else ""
                self.out.append(escape_critic(prefix))
                body = part[len(prefix) :]
                cells = re.split(r"(\|)", body) if self.block.kind == "row" else [body]
                self.out.extend(_wrap(cell, opener, closer) for cell in cells)
                self.line_start = False

    def comment(self, change_id: int | None, lead: str) -> None:
        if change_id is None:
            return
        change = self.result.change(change_id)
        notes = [credit_line(self.config, self.result.credits[key]) for key in change.credits]
        body = " / ".join([lead, *notes] if lead else notes) or "no commit found"
        text = f"{{>>[{change_id}] {escape_critic(body)}<<}}"
        self.insert_before_trailing_space(text)

    def insert_before_trailing_space(self, text: str) -> None:
        joined = "".join(self.out)
        stripped = joined.rstrip()
        self.out = [stripped, text, joined[len(stripped) :]]

    def finish(self) -> None:
        if self.out and not "".join(self.out).endswith("\n"):
            self.out.append("\n")


def _wrap(text: str, opener: str, closer: str) -> str:
    """`text` inside a mark, with its outer whitespace (and table pipes) left outside."""
    if not text.strip() or text == "|":
        return text
    core = text.strip()
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{opener}{escape_critic(core)}{closer}{trail}"


def _line_prefix(line: str) -> str:
    match = _PREFIX.match(line)
    return match.group() if match else ""


def _single_line(text: str) -> bool:
    return "\n" not in text
