"""Turning a returned Word review into Markdown: compose, find untracked edits, merge three ways.

Pure functions over text and blocks (no git): `compose` writes the reviewed text as Markdown,
taking every block the reviewer left alone from the base source verbatim; `block_edits` lists
what differs between two block lists (untracked edits: base against the all-rejected view);
`merge3` applies the review on top of a draft that has moved on, block by block, and lists
the conflicts instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from draftctl.engine.blocks import Block, parse_blocks
from draftctl.release.word_map import MdBlock
from draftctl.release.word_wrap import infer_width, wrap

_TIGHT = {("item", "item"), ("item", "cont"), ("cont", "item"), ("cont", "cont"), ("row", "row")}


@dataclass
class Edit:
    """A block-level difference: where it is and the canonical text before and after."""

    kind: str
    section: str
    old: str
    new: str


@dataclass
class Conflict:
    """A place where the draft and the returned review both changed the same blocks."""

    section: str
    base: str
    ours: str
    theirs: str


def _keys(blocks: list[MdBlock]) -> list[str]:
    return [" ".join(block.key.split()) if block.kind != "code" else block.key for block in blocks]


def compose(base_text: str, base: list[MdBlock], reviewed: list[MdBlock]) -> str:
    """The reviewed blocks as Markdown; unchanged (or moved) blocks keep their source text."""
    lines = base_text.split("\n")
    segments = _segments(base, reviewed)
    first = base[0].start if base else len(lines)
    out = "\n".join(lines[:first]).rstrip("\n")
    previous: tuple[int, MdBlock] | None = None
    for index, block, text in segments:
        if previous is None:
            sep = "\n\n" if out else ""
        elif index >= 0 and previous[0] == index - 1:
            gap = lines[base[index - 1].end : base[index].start]
            sep = "\n" + "".join(line + "\n" for line in gap)
        else:
            sep = "\n" if _tight(previous[1], block) else "\n\n"
        out += sep + text
        previous = (index, block)
    tail = lines[base[-1].end :] if base else []
    rest = "\n".join(tail).strip("\n")
    return out.rstrip("\n") + ("\n\n" + rest if rest else "") + "\n"


def _tight(before: MdBlock, after: MdBlock) -> bool:
    """Whether two new neighbours join with a line break (table rows, items of one list)."""
    if (before.kind, after.kind) not in _TIGHT:
        return False
    same_list = before.depth != after.depth or before.ordered == after.ordered
    return before.kind == "row" or same_list


def _segments(base: list[MdBlock], reviewed: list[MdBlock]) -> list[tuple[int, MdBlock, str]]:
    """(base index or -1, kind, Markdown) for every reviewed block, in order."""
    lines_of = [block.source or block.markdown() for block in base]
    width = infer_width(base)
    base_keys, new_keys = _keys(base), _keys(reviewed)
    matcher = SequenceMatcher(None, base_keys, new_keys, autojunk=False)
    deleted: dict[str, int] = {}
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            for i in range(i1, i2):
                deleted.setdefault(base_keys[i], i)
    out: list[tuple[int, MdBlock, str]] = []
    for tag, i1, _i2, j1, j2 in matcher.get_opcodes():
        for offset, j in enumerate(range(j1, j2)):
            if tag == "equal":
                out.append((i1 + offset, base[i1 + offset], lines_of[i1 + offset]))
            elif new_keys[j] in deleted:
                moved = deleted.pop(new_keys[j])
                out.append((moved, base[moved], lines_of[moved]))
            else:
                out.append((-1, reviewed[j], wrap(reviewed[j], reviewed[j].markdown(), width)))
    return out


def block_edits(before: list[MdBlock], after: list[MdBlock]) -> list[Edit]:
    """Block-level differences from `before` to `after`, each with its section."""
    sections = _sections(before)
    matcher = SequenceMatcher(None, _keys(before), _keys(after), autojunk=False)
    edits = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        where = sections[min(i1, len(sections) - 1)] if sections else ""
        old = "\n".join(block.markdown() for block in before[i1:i2])
        new = "\n".join(block.markdown() for block in after[j1:j2])
        edits.append(Edit(tag, where, old, new))
    return edits


def _sections(blocks: list[MdBlock]) -> list[str]:
    current, found = "", []
    for block in blocks:
        if block.kind == "heading":
            current = block.key.lstrip("#").strip()
        found.append(current)
    return found


# -- three-way merge at block level ------------------------------------------------------


def _hunks(base: list[Block], other: list[Block]) -> list[tuple[int, int, list[Block]]]:
    matcher = SequenceMatcher(None, [b.key for b in base], [b.key for b in other], autojunk=False)
    return [
        (i1, i2, other[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    ]


def _overlap(one: tuple[int, int, list[Block]], two: tuple[int, int, list[Block]]) -> bool:
    (a1, a2, _), (b1, b2, _) = one, two
    if max(a1, b1) < min(a2, b2):
        return True
    return (a1 == a2 and b1 <= a1 <= b2) or (b1 == b2 and a1 <= b1 <= a2)


def merge3(base_text: str, ours_text: str, theirs_text: str) -> tuple[str, list[Conflict]]:
    """Apply base→theirs on top of ours where the blocks they touch do not overlap base→ours."""
    base, ours, theirs = (parse_blocks(t) for t in (base_text, ours_text, theirs_text))
    mine, yours = _hunks(base, ours), _hunks(base, theirs)
    conflicts: list[Conflict] = []
    applied = []
    for hunk in yours:
        clash = [m for m in mine if _overlap(m, hunk)]
        same = [m for m in clash if [b.key for b in m[2]] == [b.key for b in hunk[2]]]
        if clash and not (len(clash) == 1 and same and clash[0][:2] == hunk[:2]):
            conflicts.append(_conflict(base, hunk, clash))
        elif not clash:
            applied.append(hunk)
    if conflicts:
        return ours_text, conflicts
    return _apply(base, ours, applied), []


def _apply(
    base: list[Block],
    ours: list[Block],
    yours: list[tuple[int, int, list[Block]]],
) -> str:
    """Ours, with `yours` hunks (base coordinates) replayed onto the matching ours blocks."""
    # Map every base index to its place in ours; kept base blocks map one to one.
    position: dict[int, int] = {}
    matcher = SequenceMatcher(None, [b.key for b in base], [b.key for b in ours], autojunk=False)
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                position[i1 + offset] = j1 + offset
    out = [block.raw for block in ours]
    for i1, i2, blocks in sorted(yours, key=lambda h: h[0], reverse=True):
        start = position.get(i1, _insert_point(position, i1))
        count = i2 - i1
        out[start : start + count] = [block.raw for block in blocks]
    return "".join(_ended(raw) if i < len(out) - 1 else raw for i, raw in enumerate(out))


def _insert_point(position: dict[int, int], index: int) -> int:
    """Where a block that was at base `index` would sit in ours (after its kept predecessor)."""
    earlier = [position[i] for i in position if i < index]
    return max(earlier) + 1 if earlier else 0


def _ended(raw: str) -> str:
    """A block followed by another: it must end its line (and a paragraph, its blank line)."""
    return raw if raw.endswith("\n") else raw + "\n\n"


def _conflict(
    base: list[Block], hunk: tuple[int, int, list[Block]], clash: list[tuple[int, int, list[Block]]]
) -> Conflict:
    i1 = min([hunk[0], *(c[0] for c in clash)])
    i2 = max([hunk[1], *(c[1] for c in clash)])
    section = " › ".join(base[min(i1, len(base) - 1)].section) if base else ""
    return Conflict(
        section,
        "".join(b.raw for b in base[i1:i2]).strip(),
        "".join(b.raw for c in clash for b in c[2]).strip(),
        "".join(b.raw for b in hunk[2]).strip(),
    )
