"""Trailer parsing agrees with `git interpret-trailers --parse`: tricky messages and random ones."""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from draftctl.git.trailers import Attribution, format_message, parse_trailers


def git_parse(message: str, divider: bool) -> list[tuple[str, str]]:
    args = ["git", "interpret-trailers", "--parse"] + ([] if divider else ["--no-divider"])
    out = subprocess.run(args, input=message.encode(), capture_output=True, check=True).stdout
    pairs = []
    for line in out.decode().splitlines():
        key, _, value = line.partition(": ")
        pairs.append((key, value))
    return pairs


TRICKY = [
    "Subject\n\nBody.\n\nConsultation-Round: evidence\nPrompted-By: who\n",
    "Subject\n\nKey: value\n  continued on the next line\nOther: y\n",
    "Subject\n\nThis line: has a colon\nbut the paragraph is prose\nConsultation-Round: x\n",
    "Subject\n\nSigned-off-by: A <a@example.org>\nnot a trailer\nstill prose\n",
    "Subject\n\nConsultation-Round: x\n---\nfoo: bar\n",
    "Subject\n\nbody\n\n---\nfoo: bar\n",
    "Consultation-Round: in-the-title-only\n",
    "Subject\n\nconsultation-round:   spaced   \n# a comment\n",
    "Subject\n\nCONSULTATION-ROUND: upper\nprompted-by: who\n\n",
    "Subject\n\nRationale: one\n two\n\tthree\n",
    "Subject\n\n\n\nConsultation-Round: after-blank-lines\n\n\n",
    "Subject\r\n\r\nConsultation-Round: crlf\r\n",
]


@pytest.mark.parametrize("message", TRICKY)
@pytest.mark.parametrize("divider", [True, False])
def test_agrees_with_git_on_tricky_messages(message: str, divider: bool) -> None:
    assert parse_trailers(message, divider=divider) == git_parse(message, divider)


_lines = st.sampled_from(
    [
        "",
        "Consultation-Round: evidence",
        "Prompted-By: who",
        "prompted-by : spaced key",
        "Rationale: a reason",
        "  continuation",
        "\tindented",
        "Signed-off-by: A <a@b>",
        "(cherry picked from commit abc)",
        "plain prose line",
        "prose: with a colon",
        "Key-With Space: v",
        "---",
        "--- not a divider?",
        "# comment",
        "Feedback: FB-0001",
        ":no key",
        "Key:",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_lines, max_size=12), st.booleans())
def test_agrees_with_git_at_random(lines: list[str], divider: bool) -> None:
    message = "Subject line\n\n" + "\n".join(lines) + "\n"
    assert parse_trailers(message, divider=divider) == git_parse(message, divider)


_value = (
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Cf")), min_size=1)
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=150, deadline=None)
@given(_value, st.lists(_value.filter(lambda v: ":" not in v), max_size=3), _value)
def test_written_trailers_round_trip(round_id: str, people: list[str], why: str) -> None:
    attribution = Attribution(round_id, people, why, [])
    message = format_message("Record a change", attribution, "Some body text.")
    parsed = Attribution.from_pairs(parse_trailers(message))
    assert (parsed.round, parsed.prompted_by, parsed.rationale) == (round_id, people, why)
    assert parse_trailers(message) == git_parse(message, divider=False)
