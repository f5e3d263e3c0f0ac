"""`draftctl log --section H`: the commits that changed a section, through renames and moves.

Each commit's own edit is the engine's (the token diff `diff` and `blame` replay), so a commit
is listed exactly when it changed a token or the markup of a block in the section.
"""

from __future__ import annotations

import itertools
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
from draftctl.errors import DraftError

_PAIRED = ("equal", "modified", "moved-from", "moved-to")


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


def named(version: Version, selector: str) -> set[int]:
    """Identities of the headings whose section path ends with `selector` (`A/B` allowed)."""
    wanted = tuple(_norm(part) for part in selector.split("/") if part.strip())
    if not wanted:
        return set()
    return {
        ident
        for index, ident in version.ids.items()
        if tuple(map(_norm, version.blocks[index].section))[-len(wanted) :] == wanted
    }


def _text(ws: Workspace, rev: str | None, path: str) -> str:
    return (ws.text_at(rev, lineage(ws, path).at(rev)) or "") if rev else ""


def section_touches(
    ws: Workspace, records: list[CommitRecord], path: str, selector: str
) -> tuple[set[str], bool]:
    """The commits (among `records`) whose own edit, as the engine reads it, changed a token or
    the markup of a block in the section; and whether the section was ever found."""
    fresh = itertools.count()
    version: Version | None = None
    wanted: set[int] = set()
    by_commit: dict[str, set[int]] = {}
    last: str | None = None
    for record in reversed(records):
        if path not in record.drafts:
            continue
        parent = record.parents[0] if record.parents else None
        same = version is not None and parent is not None and parent == last
        before = version.text if same and version else _text(ws, parent, path)
        last = record.commit
        if version is None:
            version = first_version(before, fresh)
        elif version.text != before:
            version, _ = next_version(version, before, fresh)
        wanted |= named(version, selector)
        after, step = next_version(version, _text(ws, record.commit, path), fresh)
        by_commit[record.commit] = touched(version, after, step)
        version = after
        wanted |= named(version, selector)
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
