"""One commit's token edit as a value: computed from two texts, or read back from bytes.

An `Edit` holds everything the weave's replay needs from the two texts, so a replay whose
edits are all known never tokenises the intermediate versions: the token edit, the moves, both
token counts, where a deletion marks its neighbours (line and block starts of the old text),
and whether the diff was approximate. `encode`/`decode` turn it into checked bytes for a cache
kept outside the engine (`engine.version` names the format).
"""

from __future__ import annotations

import sys
import zlib
from array import array

from draftctl.engine.moves import Move, find_moves
from draftctl.engine.tokendiff import Coded, Differ, Op
from draftctl.values import Frozen

MARK_BEFORE = 1  # the deletion starts mid-line: the kept token before it was touched
MARK_NEXT = 2  # the deletion ends mid-line or inside a paragraph: the next kept token was


class Edit(Frozen):
    """The token edit from one text to the next, with its moves and deletion marks."""

    def __init__(
        self,
        ops: tuple[Op, ...],
        moves: tuple[Move, ...],
        old_count: int,
        new_count: int,
        marks: tuple[int, ...],
        approximate: bool = False,
    ) -> None:
        self.ops = ops
        self.moves = moves
        self.old_count = old_count
        self.new_count = new_count
        self.marks = marks  # per deletion run, in order: MARK_BEFORE | MARK_NEXT bits
        self.approximate = approximate

    def _key(self) -> tuple[object, ...]:
        return (self.ops, self.moves, self.old_count, self.new_count, self.marks, self.approximate)

    def fits(self) -> bool:
        """Whether the parts agree with each other (a damaged or foreign value does not)."""
        if _length(self.ops, -1) != self.old_count or _length(self.ops, 1) != self.new_count:
            return False
        if sum(1 for op, _ in self.ops if op < 0) != len(self.marks):
            return False
        return all(
            m.old_start >= 0
            and m.new_start >= 0
            and m.old_start + m.old_len <= self.old_count
            and m.new_start + m.new_len <= self.new_count
            and _length(m.inner, -1) == m.old_len
            and _length(m.inner, 1) == m.new_len
            for m in self.moves
        )


def compute_edit(old: Coded, new: Coded, differ: Differ) -> Edit:
    """The edit from `old` to `new` (both coded with one `Coder`)."""
    was = differ.approximate
    differ.approximate = False
    ops = differ.diff(old, new)
    moves = find_moves(ops, old, new, differ)
    approximate = differ.approximate
    differ.approximate = was or approximate
    return Edit(
        tuple(ops), tuple(moves), old.count, new.count, _deletion_marks(ops, old), approximate
    )


def _deletion_marks(ops: list[Op], old: Coded) -> tuple[int, ...]:
    """For each deletion run: MARK_BEFORE when it starts mid-line; MARK_NEXT when it ends
    mid-line, or starts a line inside a paragraph and ends there too (not at a block start)."""
    marks = []
    i = 0
    for op, n in ops:
        if op < 0:
            starts_line, ends_line = old.line_start(i), old.line_start(i + n)
            mark = 0 if starts_line else MARK_BEFORE
            if not ends_line or (
                starts_line and i > 0 and not block_start(old, i) and not block_start(old, i + n)
            ):
                mark |= MARK_NEXT
            marks.append(mark)
        i += n if op <= 0 else 0
    return tuple(marks)


_MARKERS = frozenset("-*+#|>")


def block_start(coded: Coded, k: int) -> bool:
    """Whether token k may open a Markdown block: after a blank line, or a marker."""
    if k <= 0 or k >= coded.count:
        return True
    _, local = coded._locate(k)
    if local == 0:
        return True
    token = coded.token(k)
    return token in _MARKERS or token.isdigit()


def _length(ops: tuple[Op, ...] | list[Op], side: int) -> int:
    return sum(n for op, n in ops if op == 0 or op == side)


# -- bytes -------------------------------------------------------------------------------------
# Layout: crc32 of the rest (4 bytes, little-endian), then little-endian int64s:
# approximate, old_count, new_count, len(ops), ops as (op, n) pairs, marks (one per deletion
# run), len(moves), each move as old_start, old_len, new_start, new_len, len(inner), inner pairs.


def encode(edit: Edit) -> bytes:
    """The edit as bytes that `decode` checks and reads back."""
    values = [int(edit.approximate), edit.old_count, edit.new_count, len(edit.ops)]
    for op, n in edit.ops:
        values += (op, n)
    values += edit.marks
    values.append(len(edit.moves))
    for m in edit.moves:
        values += (m.old_start, m.old_len, m.new_start, m.new_len, len(m.inner))
        for op, n in m.inner:
            values += (op, n)
    body = array("q", values)
    if sys.byteorder == "big":  # pragma: no cover - depends on the machine
        body.byteswap()
    data = body.tobytes()
    return zlib.crc32(data).to_bytes(4, "little") + data


def decode(data: bytes) -> Edit | None:
    """The edit `encode` wrote, or None when the bytes are damaged or inconsistent."""
    if (
        len(data) < 4
        or (len(data) - 4) % 8
        or zlib.crc32(data[4:]) != int.from_bytes(data[:4], "little")
    ):
        return None
    values = array("q")
    values.frombytes(data[4:])
    if sys.byteorder == "big":  # pragma: no cover - depends on the machine
        values.byteswap()
    try:
        edit = _read(list(values))
    except (IndexError, ValueError):
        return None
    return edit if edit.fits() else None


def _read(values: list[int]) -> Edit:
    approximate, old_count, new_count, n_ops = values[:4]
    at = 4
    ops = _pairs(values, at, n_ops)
    at += 2 * n_ops
    n_marks = sum(1 for op, _ in ops if op < 0)
    marks = tuple(values[at : at + n_marks])
    at += n_marks
    moves = []
    for _ in range(values[at]):
        old_start, old_len, new_start, new_len, n_inner = values[at + 1 : at + 6]
        inner = _pairs(values, at + 6, n_inner)
        moves.append(Move(old_start, old_len, new_start, new_len, inner))
        at += 5 + 2 * n_inner
    if at + 1 != len(values) or len(marks) != n_marks:
        raise ValueError("trailing or missing values")
    return Edit(ops, tuple(moves), old_count, new_count, marks, bool(approximate))


def _pairs(values: list[int], at: int, count: int) -> tuple[Op, ...]:
    flat = values[at : at + 2 * count]
    if len(flat) != 2 * count or any(op not in (-1, 0, 1) for op in flat[0::2]):
        raise ValueError("bad op")
    return tuple(zip(flat[0::2], flat[1::2], strict=True))
