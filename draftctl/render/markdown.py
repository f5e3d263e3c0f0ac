"""The annotated diff as CriticMarkup: the whole draft with its changes and their attribution.

Marks: `{++inserted++}`, `{--deleted--}`, `{~~old~>new~~}`, and after each change a comment
`{>>[n] round · stakeholders · “rationale” · commit · date<<}`. Marks hold exactly the text
that changed, Markdown structure and line breaks included (a deleted list item's bullet, a
heading's hashes, a paragraph's blank line), so the output rebuilds both sides: accept every
mark and drop the comments and the header line to get TO byte for byte, reject every mark to
get FROM. Whitespace that changed between unchanged words is a substitution without comment.

Escaping: draft text that could be read as CriticMarkup is written with HTML character
references, which Markdown renders as the same characters: a `{` followed by `+ - ~ > =`
becomes `&#123;`, a `}` preceded by `+ - ~ < =` becomes `&#125;`, and the `>` of `~>` becomes
`&gt;`. A brace at the very edge of a text run is escaped too, so it cannot join a mark.
"""

from __future__ import annotations

import re

from draftctl.consultation.config import Config
from draftctl.review.result import (
    AnnotatedDiff,
    Piece,
    ShownBlock,
    credit_line,
    ends_change,
    merged_pieces,
    side_label,
    widened,
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
    """The draft with every change marked in CriticMarkup, after a one-line header comment:
    accepting every mark gives TO byte for byte, rejecting every mark gives FROM."""
    out = [_header(result)]
    for block in result.blocks:
        out.append(_Block(block, result, config).render())
    return "".join(out)


def _header(result: AnnotatedDiff) -> str:
    line = f"draftctl diff {result.draft}: {side_label(result.from_rev, result.from_commit)} → "
    line += side_label(result.to_rev, result.to_commit)
    line += f"; +{result.stats.inserted_words} −{result.stats.deleted_words} words"
    if result.approximate:
        line += "; approximate (some paragraphs are marked coarsely)"
    return f"<!-- {line.replace('--', '- -')} -->\n\n"


Fragment = tuple[str, str, int | None, str]  # (FROM text, TO text, change to comment, lead)


def _shared_ends(old: str, new: str) -> tuple[int, int]:
    """How much of a layout-only substitution's start and end both sides share, cut next to
    whitespace (never inside a word or a `~>`), so only the differing spaces are marked."""
    head = _common(old, new)
    while head and not (_beside_space(old, head) and _beside_space(new, head)):
        head -= 1
    rest_old, rest_new = old[head:], new[head:]
    tail = _common(rest_old[::-1], rest_new[::-1])
    while tail and not (
        _beside_space(old, len(old) - tail) and _beside_space(new, len(new) - tail)
    ):
        tail -= 1
    return head, tail


def _common(one: str, two: str) -> int:
    """The length of the start `one` and `two` share."""
    size = min(len(one), len(two))
    return next((k for k in range(size) if one[k] != two[k]), size)


def _beside_space(text: str, at: int) -> bool:
    """Whether a cut at `at` splits no token: at an end of the text or next to whitespace."""
    return at in (0, len(text)) or text[at - 1].isspace() or text[at].isspace()


def _merged(fragments: list[Fragment]) -> list[Fragment]:
    """Adjacent pure insertions (or pure deletions) without a comment between them joined."""
    out: list[Fragment] = []
    for old, new, change, lead in fragments:
        if out:
            p_old, p_new, p_change, _ = out[-1]
            both_ins = not p_old and not old and p_new and new
            both_del = not p_new and not new and p_old and old
            if p_change is None and (both_ins or both_del):
                out[-1] = (p_old + old, p_new + new, change, lead)
                continue
        out.append((old, new, change, lead))
    return out


def _merged_apart(pieces: list[Piece]) -> list[Piece]:
    """merged_pieces for a move's new place, keeping text moved here (an equal piece with
    `old` "") apart from text both sides share, so the move's comment goes between them."""
    groups: list[list[Piece]] = []
    for piece in pieces:
        if groups and _moved_here(groups[-1][-1]) == _moved_here(piece):
            groups[-1].append(piece)
        else:
            groups.append([piece])
    return [p for group in groups for p in merged_pieces(group)]


def _moved_here(piece: Piece) -> bool:
    return piece.op == "equal" and piece.old == "" and bool(piece.text)


class _Block:
    """Writes one block: its text runs, its marks and the comments after its changes."""

    def __init__(self, block: ShownBlock, result: AnnotatedDiff, config: Config) -> None:
        self.block = block
        self.result = result
        self.config = config
        self.out: list[str] = []
        self.fragments: list[Fragment] = []

    def render(self) -> str:
        block = self.block
        if block.move == "to":
            pieces = _merged_apart(block.pieces)
        else:
            pieces = merged_pieces(block.pieces if block.move else widened(block.pieces))
        if block.move == "from":
            old = "".join(p.old if p.old is not None else p.text for p in pieces)
            self.fragments = [(old, "", block.change, f"moved to {self.moved_section('to')}")]
        else:
            index = 0
            while index < len(pieces):
                index = self.piece_run(pieces, index)
            if block.move == "to":
                self.comment_move()
        for old, new, change, lead in _merged(self.fragments):
            self.marked(old, new, change, lead)
        return "".join(self.out)

    def comment_move(self) -> None:
        """The move's comment after the last text that is new here (kept text, such as the
        blank line both sides share after the block, stays after the comment)."""
        lead = f"moved here from {self.moved_section('from')}"
        fragments = self.fragments
        changed = [k for k, (old, new, _, _) in enumerate(fragments) if old != new]
        at = changed[-1] if changed else len(fragments) - 1
        if at >= 0 and fragments[at][2] is None:
            old, new, _, _ = fragments[at]
            fragments[at] = (old, new, self.block.change, lead)
        else:
            fragments.insert(at + 1, ("", "", self.block.change, lead))

    def moved_section(self, end: str) -> str:
        change = self.result.change(self.block.change or 0)
        return self.result.section_text(change.section if end == "to" else change.section_from)

    def sides(self, piece: Piece) -> tuple[str, str]:
        """(FROM text, TO text) of a piece, as the piece states them: text moved here has
        `old` "" (it is new at this place), text both sides share has `old` None."""
        if piece.op == "insert":
            return "", piece.text
        if piece.op == "delete":
            return piece.text, ""
        return (piece.text if piece.old is None else piece.old), piece.text

    def piece_run(self, pieces: list[Piece], index: int) -> int:
        """Note pieces[index] (with its partner for a substitution); the next index."""
        piece = pieces[index]
        old, new = self.sides(piece)
        partner = pieces[index + 1] if index + 1 < len(pieces) else None
        if (
            piece.op == "delete"
            and partner is not None
            and partner.op == "insert"
            and partner.change == piece.change
        ):
            new = partner.text
            index += 1
        ends = piece.op != "equal" and ends_change(pieces, index, self.block.change)
        self.fragments.append((old, new, pieces[index].change if ends else None, ""))
        return index + 1

    def marked(self, old: str, new: str, change: int | None, lead: str) -> None:
        """Text kept as it is, or marked as inserted, deleted or substituted: exactly, so that
        accepting every mark gives TO and rejecting every mark gives FROM. The comment goes
        before a mark's trailing line breaks, which get a mark of their own."""
        if old != new and (not old or not new) and change is not None:
            text = old or new
            core = text.rstrip()
            if core and "\n" in text[len(core) :]:
                tail = text[len(core) :]
                self.marked(core if old else "", "" if old else core, change, lead)
                self.marked(tail if old else "", "" if old else tail, None, "")
                return
        if change is None and old and new and old != new:
            start, end = _shared_ends(old, new)
            if start or end:
                self.out.append(escape_critic(old[:start]))
                self.marked(old[start : len(old) - end], new[start : len(new) - end], None, "")
                self.out.append(escape_critic(old[len(old) - end :]))
                return
        if old == new:
            if old:
                self.out.append(escape_critic(old))
        elif not old:
            self.out.append(f"{{++{escape_critic(new)}++}}")
        elif not new:
            self.out.append(f"{{--{escape_critic(old)}--}}")
        else:
            self.out.append(f"{{~~{escape_critic(old)}~>{escape_critic(new)}~~}}")
        if change is not None:
            self.comment(change, lead)

    def comment(self, change_id: int | None, lead: str) -> None:
        if change_id is None:
            return
        change = self.result.change(change_id)
        notes = [credit_line(self.config, self.result.credits[key]) for key in change.credits]
        body = " / ".join([lead, *notes] if lead else notes) or "no commit found"
        self.out.append(f"{{>>[{change_id}] {escape_critic(body)}<<}}")
