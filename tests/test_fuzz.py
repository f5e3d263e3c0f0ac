"""Bounded fuzzing: the block parser, the trailer parser, and name validation against git."""

from __future__ import annotations

import subprocess

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from draftctl.engine.blocks import KINDS, parse_blocks
from draftctl.engine.diff import diff_texts
from draftctl.git.trailers import parse_trailers
from draftctl.names import ref_name_problem

# Bounded: each property stops after its examples, whatever the machine (no deadline flakes).
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# -- Markdown --------------------------------------------------------------------------------

_LINE_PIECES = [
    "# ", "## ", "###### ", "#", "> ", ">", "- ", "* ", "+ ", "1. ", "2) ", "    ", "\t",
    "```", "~~~", "---", "===", "***", "| a | b |", "|---|---|", "<div>", "</div>", "<!--",
    "-->", "<script>", "{++", "++}", "~>", "[x]", "[link](u)", "**", "_", "`", "\\", "&amp;",
    "word", "Words and more words.", "é", "\u202e", " ", "  ",
]  # fmt: skip
_ENDINGS = ["\n", "\n", "\n", "\r\n", "\r", "\n\n"]

markdown_lines = st.lists(st.sampled_from(_LINE_PIECES), max_size=6).map("".join)
markdown = st.builds(
    lambda lines, ends, tail: (
        "".join(line + end for line, end in zip(lines, ends, strict=False)) + tail
    ),
    st.lists(markdown_lines, max_size=25),
    st.lists(st.sampled_from(_ENDINGS), min_size=25, max_size=25),
    st.sampled_from(["", "no final newline", "\n"]),
)
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)


def _check_blocks(text: str) -> None:
    blocks = parse_blocks(text)
    assert "".join(b.raw for b in blocks) == text
    offset = 0
    for block in blocks:
        assert block.start == offset and block.raw and block.kind in KINDS
        offset = block.end


@FUZZ
@given(markdown)
def test_parse_blocks_covers_markdown_exactly(text: str) -> None:
    _check_blocks(text)


@FUZZ
@given(any_text)
def test_parse_blocks_survives_any_text(text: str) -> None:
    _check_blocks(text)


@settings(max_examples=60, deadline=None)
@given(markdown, markdown)
def test_diff_rebuilds_both_sides_of_hostile_markdown(old: str, new: str) -> None:
    diff = diff_texts(old, new)
    assert diff.rebuild_old() == old and diff.rebuild_new() == new


# -- trailers --------------------------------------------------------------------------------

_MESSAGE_LINES = [
    "Subject line", "", "", "Body text that is not a trailer.", "Consultation-Round: evidence",
    "Prompted-By: who", "prompted-by:swl", "Rationale: because", "  folded continuation",
    "\tfolded by a tab", "# a comment", "#", "Signed-off-by: A Writer <a@example.org>",
    "(cherry picked from commit 0123456)", "---", "--- ", "Key : spaced", "Key:", ":no key",
    "Not a trailer: after all words", "Feedback: FB-0001", "Draftctl-Action: init", "é: x",
    "# ------------------------ >8 ------------------------", "Bad-Key-\u00e9: v", "a\rb: c",
]  # fmt: skip
_SCISSORS = "# ------------------------ >8 ------------------------"
messages = st.lists(st.sampled_from(_MESSAGE_LINES), min_size=1, max_size=12).map(
    lambda lines: "\n".join(lines) + "\n"
)


def _hangs_git(message: str, divider: bool) -> bool:
    """git 2.39's interpret-trailers loops forever on a `---` line plus a scissors line (with
    its divider on). draftctl never asks it: `git log` reads trailers without the divider, and
    `draftctl commit` refuses a scissors line in a message."""
    lines = message.split("\n")
    return divider and _SCISSORS in lines and any(line.startswith("---") for line in lines)


def _git_trailers(message: str, divider: bool) -> str:
    args = ["git", "interpret-trailers", "--parse", *([] if divider else ["--no-divider"])]
    done = subprocess.run(args, input=message.encode(), capture_output=True, check=True, timeout=10)
    return done.stdout.decode()


@FUZZ
@given(messages, st.booleans())
def test_parse_trailers_agrees_with_git(message: str, divider: bool) -> None:
    assume(not _hangs_git(message, divider))
    ours = "".join(f"{k}: {v}\n" for k, v in parse_trailers(message, divider=divider))
    assert ours == _git_trailers(message, divider)


@FUZZ
@given(any_text)
def test_parse_trailers_survives_any_text(text: str) -> None:
    for key, value in parse_trailers(text):
        assert key and "\n" not in key and "\n" not in value


# -- names -----------------------------------------------------------------------------------

_REF_CHARS = "ab01./-_@{}~^:?*[\\ \x7f\x01\tlock"
ref_names = st.one_of(
    st.text(st.sampled_from(list(_REF_CHARS)), min_size=0, max_size=12),
    st.lists(
        st.sampled_from(["v1", ".", "..", "/", "@", "{", ".lock", "-", "a", "é"]), max_size=6
    ).map("".join),
)


def _git_accepts(name: str) -> bool:
    done = subprocess.run(
        ["git", "check-ref-format", "--allow-onelevel", name], capture_output=True, timeout=10
    )
    assert done.returncode in (0, 1), done.stderr
    return done.returncode == 0


@settings(max_examples=300, deadline=None)
@given(ref_names)
def test_ref_name_validation_agrees_with_git(name: str) -> None:
    """Agrees with `git check-ref-format`, stricter only where documented: ASCII only, and no
    leading '-' (git would read it as an option)."""
    problem = ref_name_problem(name)
    if name.startswith("-") or not name.isascii():
        assert problem is not None
        return
    if "\0" in name:
        assert problem is not None
        return
    assert (problem is None) == (name != "" and _git_accepts(name)), (name, problem)
