"""Sections of a draft: naming them, and recording only the changes inside chosen sections."""

from __future__ import annotations

from diff_match_patch import diff_match_patch

from draftctl.engine.blocks import parse_blocks
from draftctl.errors import DraftError
from draftctl.textutil import lines_keeping_ends


def line_sections(text: str) -> list[tuple[str, ...]]:
    """The section path of every line of `text`."""
    lines = lines_keeping_ends(text)
    paths: list[tuple[str, ...]] = [()] * len(lines)
    offsets, pos = [], 0
    for line in lines:
        offsets.append(pos)
        pos += len(line)
    starts = sorted((b.start, b.section) for b in parse_blocks(text))
    current: tuple[str, ...] = ()
    next_block = 0
    for index, offset in enumerate(offsets):
        while next_block < len(starts) and starts[next_block][0] <= offset:
            current = starts[next_block][1]
            next_block += 1
        paths[index] = current
    return paths


def _norm(heading: str) -> str:
    return " ".join(heading.strip().strip("#").split()).casefold()


def matches(path: tuple[str, ...], selector: str) -> bool:
    """Whether a line under `path` lies in the section named by `selector` (or `A/B`)."""
    wanted = [_norm(part) for part in selector.split("/") if part.strip()]
    have = [_norm(part) for part in path]
    size = len(wanted)
    return any(have[i : i + size] == wanted for i in range(len(have) - size + 1)) if size else False


def select_sections(old: str, new: str, selectors: list[str]) -> str:
    """`old` with only the line changes that fall inside the selected sections applied."""
    old_paths, new_paths = line_sections(old), line_sections(new)
    for selector in selectors:
        if not any(matches(p, selector) for p in (*old_paths, *new_paths)):
            names = sorted({p[-1] for p in new_paths if p})
            raise DraftError(
                f"no section named {selector!r} in this draft",
                "sections are: " + "; ".join(names[:12]) if names else "the draft has no headings",
            )

    def chosen(path: tuple[str, ...]) -> bool:
        return any(matches(path, s) for s in selectors)

    dmp = diff_match_patch()
    old_lines, new_lines = lines_keeping_ends(old), lines_keeping_ends(new)
    a, b, _ = dmp.diff_linesToChars("".join(old_lines), "".join(new_lines))
    ops = dmp.diff_main(a, b, False)
    result: list[str] = []
    oi = ni = 0
    for op, chars in ops:
        for _ in chars:
            if op == 0:
                result.append(old_lines[oi])
                oi, ni = oi + 1, ni + 1
            elif op == -1:
                if not chosen(old_paths[oi]):
                    result.append(old_lines[oi])
                oi += 1
            else:
                if chosen(new_paths[ni]):
                    result.append(new_lines[ni])
                ni += 1
    return "".join(result)
