"""Parse and format attribution trailers exactly as git's trailer.c finds and unfolds them."""

from __future__ import annotations

from draftctl.textutil import lines_keeping_ends

ROUND = "Consultation-Round"
PROMPTED_BY = "Prompted-By"
RATIONALE = "Rationale"
FEEDBACK = "Feedback"
ACTION = "Draftctl-Action"

_GIT_GENERATED = ("Signed-off-by: ", "(cherry picked from commit ")
_SCISSORS = "# ------------------------ >8 ------------------------\n"
_SPACE = " \t\n\v\f\r"


class Attribution:
    """The attribution a commit (or a note about it) carries."""

    __slots__ = ("action", "feedback", "prompted_by", "rationale", "round")

    def __init__(
        self,
        round: str | None = None,
        prompted_by: list[str] | None = None,
        rationale: str | None = None,
        feedback: list[str] | None = None,
        action: str | None = None,
    ) -> None:
        self.round = round
        self.prompted_by: list[str] = [] if prompted_by is None else prompted_by
        self.rationale = rationale
        self.feedback: list[str] = [] if feedback is None else feedback
        self.action = action

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, str]]) -> Attribution:
        """Build from (key, value) pairs; keys compare case-insensitively, as git's do."""
        found = cls()
        for key, value in pairs:
            name = key.lower()
            if name == ROUND.lower() and found.round is None:
                found.round = value
            elif name == PROMPTED_BY.lower():
                found.prompted_by.append(value)
            elif name == RATIONALE.lower() and found.rationale is None:
                found.rationale = value
            elif name == FEEDBACK.lower():
                found.feedback.append(value)
            elif name == ACTION.lower() and found.action is None:
                found.action = value
        return found

    def pairs(self) -> list[tuple[str, str]]:
        """The trailers to write, in a fixed order."""
        out: list[tuple[str, str]] = []
        if self.round:
            out.append((ROUND, self.round))
        out += [(PROMPTED_BY, s) for s in self.prompted_by]
        if self.rationale:
            out.append((RATIONALE, self.rationale))
        out += [(FEEDBACK, f) for f in self.feedback]
        if self.action:
            out.append((ACTION, self.action))
        return out


def _is_blank(line: str) -> bool:
    return line.strip(_SPACE) == ""


def _isalnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def find_separator(line: str) -> int:
    """Position of the ':' separator as git's find_separator sees it, or -1."""
    whitespace_found = False
    for pos, char in enumerate(line):
        if char == ":":
            return pos
        if not whitespace_found and (_isalnum(char) or char == "-"):
            continue
        if pos != 0 and char in " \t":
            whitespace_found = True
            continue
        break
    return -1


def _patch_start(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if line.startswith("---") and len(line) > 3 and line[3] in _SPACE:
            return index
    return len(lines)


def _ignored_tail(lines: list[str]) -> int:
    """Index where trailing comments, blank lines and an old Conflicts block start."""
    cutoff = next((i for i, line in enumerate(lines) if line == _SCISSORS), len(lines))
    boc: int | None = None
    in_conflicts = False
    for index in range(cutoff):
        line = lines[index]
        if line.startswith("#") or line.startswith("\n"):
            boc = index if boc is None else boc
        elif line.startswith("Conflicts:\n"):
            in_conflicts = True
            boc = index if boc is None else boc
        elif in_conflicts and line.startswith("\t"):
            pass
        elif boc is not None:
            boc, in_conflicts = None, False
    return cutoff if boc is None else boc


def _title_end(lines: list[str], end: int) -> int:
    for index in range(end):
        if lines[index].startswith("#"):
            continue
        if _is_blank(lines[index]):
            return index
    return end


def _trailer_start(lines: list[str], end: int) -> int:
    """git's find_trailer_start: the first line of the trailer block, or `end` if none."""
    title_end = _title_end(lines, end)
    only_spaces = True
    recognized = False
    trailer_lines = non_trailer = continuation = 0
    for index in range(end - 1, title_end - 1, -1):
        line = lines[index]
        if line.startswith("#"):
            non_trailer += continuation
            continuation = 0
            continue
        if _is_blank(line):
            if only_spaces:
                continue
            non_trailer += continuation
            if (recognized and trailer_lines * 3 >= non_trailer) or (
                trailer_lines and not non_trailer
            ):
                return index + 1
            return end
        only_spaces = False
        if line.startswith(_GIT_GENERATED):
            trailer_lines += 1
            continuation = 0
            recognized = True
            continue
        if find_separator(line) >= 1 and line[0] not in _SPACE:
            trailer_lines += 1
            continuation = 0
        elif line[0] in _SPACE:
            continuation += 1
        else:
            non_trailer += 1 + continuation
            continuation = 0
    return end


def _unfold(value: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(value):
        char = value[index]
        index += 1
        if char == "\n":
            while index < len(value) and value[index] in _SPACE:
                index += 1
            out.append(" ")
        else:
            out.append(char)
    return "".join(out).strip(_SPACE)


def parse_trailers(message: str, *, divider: bool = False) -> list[tuple[str, str]]:
    """The (key, value) trailers of `message`, as `git interpret-trailers --parse` prints them.

    With `divider`, a line starting with `---` ends the message (interpret-trailers' default);
    without it, as in `git log --format=%(trailers)`, it does not.
    """
    lines = lines_keeping_ends(message)
    end = _patch_start(lines) if divider else len(lines)
    end = _ignored_tail(lines[:end])
    start = _trailer_start(lines, end)
    joined: list[str] = []
    for line in lines[start:end]:
        if joined and line[0] in _SPACE and find_separator(joined[-1]) >= 1:
            joined[-1] += line
        else:
            joined.append(line)  # a comment line stays here, so nothing continues across it
    pairs = []
    for item in joined:
        sep = find_separator(item)
        if sep >= 1 and not item.startswith("#"):
            pairs.append((item[:sep].strip(_SPACE), _unfold(item[sep + 1 :])))
    return pairs


def format_message(subject: str, attribution: Attribution, body: str = "") -> str:
    """A commit message: subject, optional body, then one trailer block."""
    parts = [subject.strip()]
    if body.strip():
        parts.append(body.strip())
    block = "\n".join(f"{key}: {value}" for key, value in attribution.pairs())
    if block:
        parts.append(block)
    return "\n\n".join(parts) + "\n"


def format_trailer_block(attribution: Attribution) -> str:
    """Only the trailer lines, as used in notes."""
    return "".join(f"{key}: {value}\n" for key, value in attribution.pairs())


def without_attribution(message: str) -> str:
    """`message` with draftctl's own trailers (and their continuation lines) taken out of its
    trailer block, for displays that show the attribution parsed; other trailers stay."""
    lines = lines_keeping_ends(message)
    end = _ignored_tail(lines)
    start = _trailer_start(lines, end)
    ours = {key.lower() for key in (ROUND, PROMPTED_BY, RATIONALE, FEEDBACK, ACTION)}
    kept, dropping = [], False
    for line in lines[start:end]:
        if line[0] in _SPACE and not _is_blank(line):
            if not dropping:
                kept.append(line)
            continue
        sep = find_separator(line)
        dropping = sep >= 1 and line[:sep].strip(_SPACE).lower() in ours
        if not dropping:
            kept.append(line)
    return "".join(lines[:start] + kept + lines[end:]).rstrip() + "\n"
