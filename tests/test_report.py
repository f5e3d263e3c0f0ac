"""`draftctl report`: per-round outcome, numbers equal to the diff's, "you said, we did"."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, git

BASE = """# Test policy

## Purpose

The policy protects the rights of sex workers.

## Scope

It covers adults who sell sexual services.

## Health

States must ensure access to health services.
"""

REGISTER = """[feedback.FB-0001]
round = "evidence"
from = "who"
summary = "Cite the WHO 2012 guidance on health services."
status = "accepted"
response = "Cited in the health section."

[feedback.FB-0002]
round = "evidence"
from = "swl"
summary = "Drop the <script>alert(1)</script> word 'prostitution'."
status = "declined"
response = "The word is not used."

[feedback.FB-0003]
round = "field"
from = "swl"
summary = "Say more about police violence."
status = "accepted"
response = "Added to the scope."
"""


def edit(repo: Path, old: str, new: str, message: str, *trailers: str) -> str:
    path = repo / "drafts" / "policy.md"
    path.write_text(path.read_text().replace(old, new))
    args = [a for t in trailers for a in ("--trailer", t)]
    git(repo, "commit", "-qam", message, *args)
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture
def history(cli: Cli, drafts_repo: Path) -> dict[str, str]:
    """Rounds evidence and field, three feedback items, four attributed commits."""
    config = drafts_repo / "draftctl.toml"
    config.write_text(
        config.read_text() + '\n[rounds.field]\ntitle = "Field research"\nstate = "open"\n'
        'opens = 2014-03-01\nstakeholders = ["swl"]\n'
    )
    (drafts_repo / "feedback.toml").write_text(REGISTER)
    (drafts_repo / "drafts" / "policy.md").write_text(BASE)
    git(drafts_repo, "add", "-A")
    git(drafts_repo, "commit", "-qm", "Set up", "--trailer", "Consultation-Round: evidence")
    ev = "Consultation-Round: evidence"
    return {
        "health": edit(
            drafts_repo,
            "access to health services.",
            "access to health services, as WHO recommended in 2012.",
            "Cite WHO",
            ev,
            "Prompted-By: who",
            "Rationale: WHO asked for its guidance to be cited.",
            "Feedback: FB-0001",
        ),
        "police": edit(
            drafts_repo,
            "sexual services.",
            "sexual services, and it addresses violence by the police.",
            "Police violence",
            "Consultation-Round: field",
            "Prompted-By: swl",
            "Feedback: FB-0003",
        ),
        "purpose": edit(drafts_repo, "protects", "defends", "Sharper verb", ev),
        "late": edit(drafts_repo, "adults", "consenting adults", "Late fix"),
    }


def report_json(cli: Cli, *args: str) -> Any:
    return json.loads(cli("report", "--format", "json", *args).out)


def diff_json(cli: Cli, frm: str, to: str, round_id: str) -> Any:
    return json.loads(cli("diff", frm, to, "--round", round_id, "--format", "json").out)


def assert_same_numbers(cli: Cli, part: Any) -> None:
    frm, to = part["from"]["commit"], part["to"]["commit"]
    diff = diff_json(cli, frm, to, str(part["id"]))
    assert part["changes_count"] == len(diff["changes"])
    assert part["inserted_words"] == diff["stats"]["inserted_words"]
    assert part["deleted_words"] == diff["stats"]["deleted_words"]
    ours = sorted(json.dumps(c["attribution"]) for c in part["changes"])
    theirs = sorted(json.dumps(c["attribution"]) for c in diff["changes"])
    assert ours == theirs


def test_each_round_matches_the_diff(history: dict[str, str], cli: Cli) -> None:
    report = report_json(cli)
    parts = {p["id"]: p for p in report["rounds"]}
    assert list(parts) == ["evidence", "field"]
    evidence = parts["evidence"]
    assert evidence["changes_count"] >= 2 and evidence["inserted_words"] >= 6
    assert evidence["to"]["commit"] == history["purpose"]
    for part in parts.values():
        assert_same_numbers(cli, part)


def test_range_report_matches_the_diff(history: dict[str, str], cli: Cli) -> None:
    frm, to = history["health"], history["late"]
    report = report_json(cli, frm, to)
    ids = [p["id"] for p in report["rounds"]]
    assert ids == ["evidence", "field"]
    for part in report["rounds"]:
        assert part["from"]["commit"] == frm and part["to"]["commit"] == to
        assert_same_numbers(cli, part)


def test_you_said_we_did(history: dict[str, str], cli: Cli) -> None:
    report = report_json(cli, "--round", "evidence")
    [part] = report["rounds"]
    items = {f["id"]: f for f in part["feedback"]}
    assert items["FB-0001"]["commits"] == [history["health"]]
    assert items["FB-0001"]["changes"] and items["FB-0001"]["led_to_change"]
    assert items["FB-0002"]["commits"] == [] and not items["FB-0002"]["led_to_change"]
    assert part["no_change"] == ["FB-0002"]
    [cited] = [c for c in part["changes"] if c["feedback"]]
    assert cited["feedback"] == ["FB-0001"] and "WHO recommended" in cited["new"]
    why = [a["rationale"] for a in cited["attribution"] if a["commit"] == history["health"]]
    assert why == ["WHO asked for its guidance to be cited."]


def test_markdown_lists_feedback_with_and_without_change(history: dict[str, str], cli: Cli) -> None:
    text = cli("report", "--round", "evidence").out
    assert text.startswith("# Consultation response: Test policy\n")
    assert "## Contents" in text and "(#said-evidence)" in text
    assert "## 5 You said, we did" in text and "**World Health Organization:**" in text
    said = text.split("## 5 You said, we did")[1].split("## 6 ")[0]
    assert "Cite the WHO 2012 guidance on health services." in said
    assert "**Accepted.** Cited in the health section. | Health |" in said
    no_change = text.split("## 6 Points that led to no change")[1].split("## 7 ")[0]
    assert "FB-0002" in no_change and "**Declined.** The word is not used." in no_change
    assert "<ins>, as WHO recommended in 2012</ins>" in text
    assert "<script>" not in text and "\\<script\\>" in text
    assert "**Health.** WHO asked for its guidance to be cited." in text
    led = (
        r"It led to (\w+) changes? in (\w+) sections? of the draft, adding \d+ words? and removing"
    )
    assert re.search(led, text) and "change(s)" not in text


def test_html_is_self_contained_printable_and_escaped(
    history: dict[str, str], cli: Cli, tmp_path: Path
) -> None:
    target = tmp_path / "report.html"
    cli("report", "--format", "html", "-o", str(target))
    html = target.read_text()
    assert "@page { size: A4" in html and '<h2 id="contents">Contents</h2>' in html
    assert 'href="#changes-evidence"' in html and 'id="changes-evidence"' in html
    assert "<script" not in html and not re.search(r"(?:src|href)=\"(?:https?:)?//", html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<ins>, as WHO recommended in 2012</ins>" in html


def test_notes_take_precedence_in_report_and_diff(history: dict[str, str], cli: Cli) -> None:
    cli("attribute", history["police"], "--round", "evidence", "--by", "who", "--why", "Moved.")
    diff = json.loads(cli("diff", history["health"], history["police"], "--format", "json").out)
    [change] = diff["changes"]
    assert change["attribution"][0]["round"] == "evidence"
    assert change["attribution"][0]["rationale"] == "Moved."
    report = report_json(cli)
    parts = {p["id"]: p for p in report["rounds"]}
    assert "field" not in parts or parts["field"]["changes_count"] == 0
    texts = [c["new"] for c in parts["evidence"]["changes"]]
    assert any("violence by the police" in t for t in texts)
    assert_same_numbers(cli, parts["evidence"])


def test_usage_errors(history: dict[str, str], cli: Cli) -> None:
    assert cli("report", "--round", "evidence", "HEAD~1", "HEAD", ok=False).code == 2
    assert cli("report", "HEAD", ok=False).code == 2
    assert cli("report", "--format", "docx", ok=False).code == 2
    result = cli("report", "--round", "nope", ok=False)
    assert result.code == 1 and "unknown round 'nope'" in result.err


def test_sample_consultation_report(tmp_path: Path) -> None:
    from draftctl.sample.demo import build_demo

    ws = build_demo(tmp_path / "demo")
    cli = Cli(ws.top)
    report = report_json(cli)
    parts = report["rounds"]
    assert len(parts) >= 5
    feedback = [f for p in parts for f in p["feedback"]]
    assert len(feedback) >= 20
    assert any(f["status"] == "declined" and not f["led_to_change"] for f in feedback)
    for part in parts[1:3]:
        assert_same_numbers(cli, part)
    assert "You said, we did" in cli("report", "--format", "html").out
