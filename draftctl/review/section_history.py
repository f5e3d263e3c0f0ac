"""`draftctl log --section H`: the commits that changed a section, through renames and moves."""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from draftctl.consultation.follow import lineage
from draftctl.consultation.history import CommitRecord
from draftctl.consultation.workspace import Workspace
from draftctl.engine.blocks import Block, parse_blocks
from draftctl.engine.diff import DocDiff, diff_blocks
from draftctl.engine.sections import (
    _norm,  # the same heading normalisation as `--section` elsewhere
)
from draftctl.engine.tokendiff import Differ, Op
from draftctl.errors import DraftError

_PAIRED = ("equal", "modified", "moved-from", "moved-to")
# Lines that may be, start or end a heading or a fence: a change to one needs the block diff.
_STRUCTURE = re.compile(r" {0,3}(?:#|`{3}|~{3}|=+[ \t]*$|-+[ \t]*$)|---|\.\.\.")
_UNDERLINE = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")


@dataclass
class Version:
    """One state of a draft: its blocks, the headings enclosing each, and section identities."""

    text: str
    blocks: list[Block]
    owners: list[tuple[int, ...]]
    ids: dict[int, int]


def enclosing_headings(blocks: list[Block]) -> list[tuple[int, ...]]:
    """For every block, the indices of the headings it lies under (a heading includes itself)."""
    stack: list[int] = []
    out = []
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            while stack and blocks[stack[-1]].level >= block.level:
                stack.pop()
            stack.append(index)
        out.append(tuple(stack))
    return out


def first_version(text: str, fresh: Iterator[int]) -> Version:
    blocks = parse_blocks(text)
    ids = {i: next(fresh) for i, b in enumerate(blocks) if b.kind == "heading"}
    return Version(text, blocks, enclosing_headings(blocks), ids)


@dataclass
class Step:
    """The block links and touched blocks of one diff between two versions."""

    links: dict[int, int]  # new index → old index
    touched_old: set[int]
    touched_new: set[int]


def step_of(doc: DocDiff, old: list[Block], new: list[Block]) -> Step:
    old_at = {id(b): i for i, b in enumerate(old)}
    new_at = {id(b): i for i, b in enumerate(new)}
    step = Step({}, set(), set())
    for pair in doc.pairs:
        oi = old_at.get(id(pair.old)) if pair.old is not None else None
        ni = new_at.get(id(pair.new)) if pair.new is not None else None
        if pair.op in _PAIRED and oi is not None and ni is not None:
            step.links[ni] = oi
        if pair.op == "equal":
            continue
        if oi is not None and pair.op != "moved-to":
            step.touched_old.add(oi)
        if ni is not None and pair.op != "moved-from":
            step.touched_new.add(ni)
    return step


def _direct_body(blocks: list[Block], heading: int) -> list[int]:
    end = heading + 1
    while end < len(blocks) and blocks[end].kind != "heading":
        end += 1
    return [i for i in range(heading + 1, end) if blocks[i].key]


def _predecessor(old: Version, new_blocks: list[Block], heading: int, step: Step) -> int | None:
    """The old heading this one continues: its own pair, else the section its body came from."""
    linked = step.links.get(heading)
    if linked is not None and old.blocks[linked].kind == "heading":
        return linked
    body = _direct_body(new_blocks, heading)
    owners = [
        old.owners[step.links[i]][-1] for i in body if i in step.links and old.owners[step.links[i]]
    ]
    if not body or not owners:
        return None
    best, count = Counter(owners).most_common(1)[0]
    return best if count * 2 > len(body) else None


def next_version(old: Version, text: str, fresh: Iterator[int]) -> tuple[Version, Step]:
    """Diff `old` to `text`; headings keep their identity through edits, renames and moves."""
    blocks = parse_blocks(text)
    step = step_of(diff_blocks(old.text, text, old.blocks, blocks), old.blocks, blocks)
    ids = {}
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            before = _predecessor(old, blocks, index, step)
            ids[index] = old.ids[before] if before is not None else next(fresh)
    return Version(text, blocks, enclosing_headings(blocks), ids), step


def touched(old: Version, new: Version, step: Step) -> set[int]:
    """Identities of the sections a step changed, on either side."""
    found = {old.ids[h] for i in step.touched_old for h in old.owners[i]}
    return found | {new.ids[h] for i in step.touched_new for h in new.owners[i]}


# -- the quick path: line hunks that touch no heading leave the outline as it was ------------


@dataclass
class Head:
    """A heading of one version: its line, level, identity and section path."""

    line: int
    level: int
    ident: int
    path: tuple[str, ...]  # heading texts, normalised for matching


@dataclass
class Outline:
    """One version of a draft as lines, with its headings and their identities."""

    text: str
    lines: list[str]
    coded: str
    heads: list[Head]
    chains: list[tuple[int, ...]]  # per heading: its identity and those of the headings above


def _chains(heads: list[Head]) -> list[tuple[int, ...]]:
    stack: list[Head] = []
    out = []
    for head in heads:
        while stack and stack[-1].level >= head.level:
            stack.pop()
        stack.append(head)
        out.append(tuple(h.ident for h in stack))
    return out


def outline_of(version: Version, codes: dict[str, str]) -> Outline:
    lines = version.text.split("\n")
    starts = [0, *itertools.accumulate(len(line) + 1 for line in lines)]
    heads = [
        Head(
            bisect_right(starts, b.start) - 1, b.level, version.ids[i], tuple(map(_norm, b.section))
        )
        for i, b in enumerate(version.blocks)
        if i in version.ids
    ]
    return Outline(version.text, lines, line_codes(lines, codes), heads, _chains(heads))


def version_of(outline: Outline) -> Version:
    """The block view of an outline (its headings keep their identities, in order)."""
    blocks = parse_blocks(outline.text)
    indices = [i for i, b in enumerate(blocks) if b.kind == "heading"]
    ids = {i: head.ident for i, head in zip(indices, outline.heads, strict=False)}
    return Version(outline.text, blocks, enclosing_headings(blocks), ids)


def line_codes(lines: list[str], codes: dict[str, str]) -> str:
    """One character per line; equal lines share a character (new lines get the next one)."""
    out = []
    for line in lines:
        code = codes.get(line)
        if code is None:
            n = len(codes) + 0x100
            code = codes[line] = chr(n if n < 0xD800 else n + 0x800)
        out.append(code)
    return "".join(out)


def line_hunks(ops: list[Op]) -> Iterator[tuple[int, int, int, int]]:
    """(old start, old end, new start, new end) line ranges of the changed runs."""
    i = j = 0
    start: tuple[int, int] | None = None
    for op, n in [*ops, (0, 0)]:
        if op == 0:
            if start is not None:
                yield start[0], i, start[1], j
                start = None
            i, j = i + n, j + n
            continue
        start = start or (i, j)
        i, j = (i + n, j) if op < 0 else (i, j + n)


def _structural(lines: list[str], start: int, end: int) -> bool:
    """Whether lines [start, end) (or the line after) may start, end or be a heading or fence."""
    if any(_STRUCTURE.match(line) for line in lines[start:end]):
        return True
    return end < len(lines) and bool(_UNDERLINE.match(lines[end]))


def quick_step(old: Outline, text: str, codes: dict[str, str]) -> tuple[Outline, set[int]] | None:
    """The next outline and the sections changed, when no heading can have moved or changed;
    None when the full block diff is needed."""
    lines = text.split("\n")
    coded = line_codes(lines, codes)
    hunks = list(line_hunks(Differ().raw(old.coded, coded)))
    if any(
        _structural(old.lines, a0, a1) or _structural(lines, b0, b1) for a0, a1, b0, b1 in hunks
    ):
        return None
    at_line = [h.line for h in old.heads]
    chains = old.chains
    changed: set[int] = set()
    for a0, a1, b0, b1 in hunks:
        if " ".join(old.lines[a0:a1]).split() == " ".join(lines[b0:b1]).split():
            continue  # reflow only
        owner = bisect_right(at_line, a0 - 1) - 1
        changed |= set(chains[owner]) if owner >= 0 else set()
    heads = []
    for head in old.heads:
        shift = sum((b1 - b0) - (a1 - a0) for a0, a1, b0, b1 in hunks if a1 <= head.line)
        heads.append(Head(head.line + shift, head.level, head.ident, head.path))
    return Outline(text, lines, coded, heads, old.chains), changed


def advance(
    old: Outline, text: str, fresh: Iterator[int], codes: dict[str, str]
) -> tuple[Outline, set[int]]:
    """The next outline and the identities of the sections the change touched."""
    quick = quick_step(old, text, codes)
    if quick is not None:
        return quick
    before = version_of(old)
    after, step = next_version(before, text, fresh)
    return outline_of(after, codes), touched(before, after, step)


def named(outline: Outline, selector: str) -> set[int]:
    """Identities of the headings whose section path ends with `selector` (`A/B` allowed)."""
    wanted = tuple(_norm(part) for part in selector.split("/") if part.strip())
    return {h.ident for h in outline.heads if wanted and h.path[-len(wanted) :] == wanted}


def _text(ws: Workspace, rev: str | None, path: str) -> str:
    return (ws.text_at(rev, lineage(ws, path).at(rev)) or "") if rev else ""


def section_touches(
    ws: Workspace, records: list[CommitRecord], path: str, selector: str
) -> tuple[set[str], bool]:
    """The commits (among `records`) that changed the section, and whether it was ever found."""
    fresh = itertools.count()
    codes: dict[str, str] = {}
    outline: Outline | None = None
    wanted: set[int] = set()
    by_commit: dict[str, set[int]] = {}
    last: str | None = None
    for record in reversed(records):
        if path not in record.drafts:
            continue
        parent = record.parents[0] if record.parents else None
        same = outline is not None and parent is not None and parent == last
        before = outline.text if same and outline else _text(ws, parent, path)
        last = record.commit
        if outline is None:
            outline = outline_of(first_version(before, fresh), codes)
        elif outline.text != before:
            outline, _ = advance(outline, before, fresh, codes)
        wanted |= named(outline, selector)
        outline, by_commit[record.commit] = advance(
            outline, _text(ws, record.commit, path), fresh, codes
        )
        wanted |= named(outline, selector)
    return {c for c, ids in by_commit.items() if ids & wanted}, bool(wanted)


def commits_touching_section(
    ws: Workspace, records: list[CommitRecord], section: str, draft: str | None
) -> list[CommitRecord]:
    """The records whose commit changed section `section` (followed through renames/moves)."""
    prefix = ws.drafts_dir + "/"
    paths = (
        [ws.draft_path(draft)]
        if draft
        else sorted({p for r in records for p in r.drafts if p.startswith(prefix)})
    )
    keep: set[str] = set()
    found = False
    for path in paths:
        commits, seen = section_touches(ws, records, path, section)
        keep |= commits
        found = found or seen
    if records and not found:
        raise DraftError(
            f"no section named {section!r} in the history of "
            + (", ".join(ws.draft_name(p) for p in paths) or "the drafts"),
            "name a heading as it is or was written, e.g. `Scope` or `Policy/Scope`",
        )
    return [r for r in records if r.commit in keep]
