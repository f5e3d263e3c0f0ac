"""draftctl.toml and feedback.toml: hand edits survive every command; racing commands both land."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import Cli, git

HAND_REGISTRY = """\
# Registry for the sex work policy. Ask Amina before renaming rounds.

[draftctl]
drafts = "drafts"  # the folder, relative to the repository
name = "Test policy"
owner = "policy-team@example.org"

[stakeholders.who]
kind = "un-agency"
name = "World Health Organization"
contact = "someone@who.int"  # a key draftctl does not know

[stakeholders.swl]
name = "Sex worker-led groups"
kind = "civil-society"

[rounds.evidence]
# opened early on purpose: see the board minutes
title = "Evidence review"
state = "open"
opens = 2014-01-10
stakeholders = ["who"]
budget = 1200

[meta]
reviewed = true
"""

HAND_FEEDBACK = """\
# Feedback register. Submission numbers follow the national offices' own scheme.

[feedback.FB-0001]
from = "who"
round = "evidence"
summary = "Cite the WHO 2012 guidance"
status = "open"
letter = "WHO/2014/17"  # scanned copy on the shared drive
"""


def _hand_edit(repo: Path, name: str, text: str) -> None:
    (repo / name).write_text(text)
    git(repo, "add", name)
    git(repo, "commit", "-qm", f"Hand edit of {name}")


def _kept_in_order(before: str, after: str, changed: set[str] = frozenset()) -> None:
    """Every line of `before` (but the ones expected to change) is in `after`, in order."""
    lines = after.splitlines()
    position = 0
    for line in before.splitlines():
        if line in changed:
            continue
        assert line in lines[position:], (line, after)
        position = lines.index(line, position) + 1


def test_registry_commands_keep_comments_order_and_unknown_keys(
    drafts_repo: Path, cli: Cli
) -> None:
    _hand_edit(drafts_repo, "draftctl.toml", HAND_REGISTRY)
    cli("stakeholder", "add", "unw", "--name", "UN Women", "--kind", "un-agency")
    cli("round", "add", "field", "--title", "Field research", "--stakeholder", "swl")
    cli("round", "open", "field", "--on", "2014-03-01")
    cli("round", "close", "evidence", "--on", "2014-02-28")
    after = (drafts_repo / "draftctl.toml").read_text()
    _kept_in_order(HAND_REGISTRY, after, changed={'state = "open"'})
    assert after == git(drafts_repo, "show", "HEAD:draftctl.toml")
    evidence = after[after.index("[rounds.evidence]") : after.index("[meta]")]
    assert 'state = "closed"\nopens = 2014-01-10\ncloses = 2014-02-28\n' in evidence
    data = tomllib.loads(after)
    assert data["rounds"]["field"]["state"] == "open"
    assert data["stakeholders"]["unw"] == {"name": "UN Women", "kind": "un-agency"}
    assert data["meta"] == {"reviewed": True} and data["draftctl"]["owner"]
    assert git(drafts_repo, "status", "--porcelain") == ""


def test_feedback_commands_keep_comments_and_unknown_keys(drafts_repo: Path, cli: Cli) -> None:
    _hand_edit(drafts_repo, "feedback.toml", HAND_FEEDBACK)
    add = [
        "feedback",
        "add",
        "--round",
        "evidence",
        "--from",
        "swl",
        "--summary",
        "Say [a] and [b]",
    ]
    assert cli(*add).out.strip() == "FB-0002"
    cli("feedback", "respond", "FB-0001", "--status", "accepted", "--response", "Cited in 2.3")
    after = (drafts_repo / "feedback.toml").read_text()
    _kept_in_order(HAND_FEEDBACK, after, changed={'status = "open"'})
    data = tomllib.loads(after)["feedback"]
    assert data["FB-0001"]["letter"] == "WHO/2014/17"
    assert data["FB-0001"]["status"] == "accepted"
    assert data["FB-0002"]["summary"] == "Say [a] and [b]"
    assert after == git(drafts_repo, "show", "HEAD:feedback.toml")


def _start(repo: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "draftctl", "--repo", str(repo), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )


def _race(repo: Path, one: list[str], two: list[str]) -> list[tuple[int, str]]:
    """Start two draftctl processes at once; each must succeed or refuse with error + hint."""
    procs = [_start(repo, *one), _start(repo, *two)]
    results = []
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert "Traceback" not in err and "internal error" not in err, err
        assert proc.returncode == 0 or ("error:" in err and "hint:" in err), err
        results.append((proc.returncode, err))
    return results


def _registry(repo: Path) -> dict[str, dict[str, object]]:
    on_disk = (repo / "draftctl.toml").read_text()
    assert on_disk == git(repo, "show", "HEAD:draftctl.toml")
    assert git(repo, "status", "--porcelain") == ""
    return tomllib.loads(on_disk)


def test_two_round_adds_at_once_both_land(drafts_repo: Path) -> None:
    for n in range(3):
        a, b = f"race-a{n}", f"race-b{n}"
        results = _race(
            drafts_repo,
            ["round", "add", a, "--title", f"Round {a}"],
            ["round", "add", b, "--title", f"Round {b}"],
        )
        rounds = _registry(drafts_repo)["rounds"]
        for (code, _), name in zip(results, (a, b), strict=True):
            assert (name in rounds) == (code == 0), (name, results)


def test_stakeholder_add_and_round_open_at_once_both_land(drafts_repo: Path, cli: Cli) -> None:
    for n in range(3):
        cli("round", "add", f"later{n}", "--title", "Later")
        results = _race(
            drafts_repo,
            ["stakeholder", "add", f"group{n}", "--name", f"Group {n}"],
            ["round", "open", f"later{n}", "--on", "2014-05-01"],
        )
        data = _registry(drafts_repo)
        assert (f"group{n}" in data["stakeholders"]) == (results[0][0] == 0), results
        opened = data["rounds"][f"later{n}"]["state"] == "open"
        assert opened == (results[1][0] == 0), results


def test_two_feedback_adds_at_once_get_two_ids(drafts_repo: Path) -> None:
    add = ["feedback", "add", "--round", "evidence", "--from", "who", "--summary"]
    results = _race(drafts_repo, [*add, "First"], [*add, "Second"])
    register = tomllib.loads((drafts_repo / "feedback.toml").read_text())["feedback"]
    kept = sorted(item["summary"] for item in register.values())
    assert kept == sorted(
        s for (code, _), s in zip(results, ["First", "Second"], strict=True) if code == 0
    )


def test_a_new_key_goes_after_the_one_before_it_whatever_the_tomlkit_release() -> None:
    """Closing a round adds `closes` right after `opens`, comments kept: the file's bytes (and
    so every commit id) must not depend on a private tomlkit method that changed in 0.15.3."""
    from draftctl.consultation import tomledit

    doc = tomledit.parse_document(
        '[rounds.ev]\ntitle = "Ev"  # hand\nopens = 2015-01-01\nstakeholders = ["who"]  # keep\n',
        "draftctl.toml",
    )
    values = {"title": "Ev", "opens": tomledit.iso_day("2015-01-01")}
    values |= {"closes": tomledit.iso_day("2015-02-01"), "stakeholders": ["who"]}
    tomledit.set_values(doc, "rounds", "ev", values)
    assert tomledit.dump(doc) == (
        '[rounds.ev]\ntitle = "Ev"  # hand\nopens = 2015-01-01\ncloses = 2015-02-01\n'
        'stakeholders = ["who"]  # keep\n'
    )
