"""`draftctl diff` and `draftctl show` on real repositories with crafted, attributed histories.

Golden files live in tests/golden/; regenerate them with `UPDATE_GOLDEN=1 pytest
tests/test_diff_command.py` after an intended change, and review the diff before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from draftctl.consultation.workspace import open_workspace
from draftctl.review.annotate import annotated_diff
from tests.conftest import Cli, git, run_main
from tests.test_render import WORKTREE_CREDIT, check_contract

GOLDEN = Path(__file__).parent / "golden"
BASE = """# Test policy

## Scope

The policy covers adults who sell sexual services in every country where we work.

It leaves trafficking to other policies.

## Recommendations

States should repeal laws that criminalise sex work between consenting adults.
"""


def write(repo: Path, text: str) -> None:
    (repo / "drafts" / "policy.md").write_text(text, encoding="utf-8")


def edit(repo: Path, old: str, new: str) -> None:
    path = repo / "drafts" / "policy.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def record(cli: Cli, round_id: str, message: str, *by: str, why: str | None = None) -> str:
    args = ["commit", "--round", round_id, "-m", message]
    for person in by:
        args += ["--by", person]
    if why:
        args += ["--why", why]
    cli(*args)
    return git(cli.repo, "rev-parse", "HEAD").strip()


def add_rounds(cli: Cli) -> None:
    for round_id, title in (("field", "Field research"), ("consult", "Consultation")):
        cli("round", "add", round_id, "--title", title, "--stakeholder", "swl")
        cli("round", "open", round_id, "--on", "2014-03-01")


def diff_json(cli: Cli, *args: str) -> Any:
    data = json.loads(cli("diff", "--format", "json", *args).out)
    check_contract(data)
    return data


def flat(text: str) -> str:
    """Text with line wrapping undone, for assertions that must not depend on the width."""
    return " ".join(text.split())


def rounds_of(change: dict[str, Any]) -> list[str | None]:
    return [credit["round"] for credit in change["attribution"]]


@pytest.fixture
def history(drafts_repo: Path) -> dict[str, str]:
    """Base text; round A inserts a sentence, round B rewords part of it, round C deletes
    another sentence."""
    cli = Cli(drafts_repo)
    add_rounds(cli)
    write(drafts_repo, BASE)
    base = record(cli, "evidence", "Base text")
    edit(drafts_repo, "where we work.", "where we work. Health evidence shows that harm follows.")
    a = record(cli, "evidence", "Add health evidence", "who", why="WHO 2012 guidance")
    edit(drafts_repo, "Health evidence shows", "Field evidence from four countries shows")
    b = record(cli, "field", "Reword with field research")
    edit(drafts_repo, "\n\nIt leaves trafficking to other policies.", "")
    c = record(cli, "consult", "Drop trafficking sentence", "swl")
    return {"base": base, "a": a, "b": b, "c": c}


def test_insert_reword_delete_each_credited(drafts_repo: Path, history: dict[str, str]) -> None:
    cli = Cli(drafts_repo)
    data = diff_json(cli, history["base"])
    assert data["from"] == {"rev": history["base"], "commit": history["base"]}
    assert data["to"] == {"rev": "WORKTREE", "commit": None}
    inserted, deleted = data["changes"]
    assert inserted["kind"] == "insert" and inserted["section"] == ["Test policy", "Scope"]
    assert inserted["new"] == "Field evidence from four countries shows that harm follows."
    assert [c["commit"] for c in inserted["attribution"]] == [history["a"], history["b"]]
    assert rounds_of(inserted) == ["evidence", "field"]
    assert inserted["attribution"][0]["prompted_by"] == ["who"]
    assert inserted["attribution"][0]["rationale"] == "WHO 2012 guidance"
    assert deleted["kind"] == "delete" and rounds_of(deleted) == ["consult"]
    assert deleted["old"] == "It leaves trafficking to other policies."
    assert data["stats"]["by_round"] == {"evidence": 5, "field": 4, "consult": 6}


def test_word_level_credit_inside_one_change(drafts_repo: Path, history: dict[str, str]) -> None:
    ws = open_workspace(drafts_repo)
    result = annotated_diff(ws, None, history["base"], None)
    runs = [(p.text.strip(), p.credit) for b in result.blocks for p in b.pieces if p.op != "equal"]
    assert runs[:4] == [  # "evidence" survives from round A's sentence
        ("Field", history["b"]),
        ("evidence", history["a"]),
        ("from four countries", history["b"]),
        ("shows that harm follows.", history["a"]),
    ]


def test_a_move_is_one_change(drafts_repo: Path) -> None:
    cli = Cli(drafts_repo)
    add_rounds(cli)
    write(drafts_repo, BASE)
    base = record(cli, "evidence", "Base text")
    edit(drafts_repo, "It leaves trafficking to other policies.\n\n", "")
    edit(
        drafts_repo,
        "consenting adults.\n",
        "consenting adults.\n\nIt leaves trafficking to other policies.\n",
    )
    moved = record(cli, "field", "Move the trafficking sentence")
    data = diff_json(cli, base, "HEAD")
    assert len(data["changes"]) == 1
    change = data["changes"][0]
    assert change["kind"] == "move"
    assert change["section"] == ["Test policy", "Recommendations"]
    assert [c["commit"] for c in change["attribution"]] == [moved]
    text = cli("diff", base, "HEAD").out
    assert "<moved to Recommendations>" in flat(text)
    assert "<moved here from Scope>[1]" in flat(text)


def test_reflow_only_commit_is_no_change(drafts_repo: Path) -> None:
    cli = Cli(drafts_repo)
    write(drafts_repo, BASE)
    record(cli, "evidence", "Base text")
    edit(drafts_repo, "criminalise sex work between", "criminalise sex work\n   between")
    record(cli, "evidence", "Reflow")
    data = diff_json(cli, "HEAD~1", "HEAD")
    assert data["changes"] == []
    assert data["stats"] == {"inserted_words": 0, "deleted_words": 0, "by_round": {}}
    assert "No changes." in cli("diff", "HEAD~1", "HEAD").out


def test_merge_credits_the_side_branch_commits(drafts_repo: Path) -> None:
    cli = Cli(drafts_repo)
    add_rounds(cli)
    write(drafts_repo, BASE)
    base = record(cli, "evidence", "Base text")
    git(drafts_repo, "switch", "-q", "-c", "side")
    edit(drafts_repo, "covers adults", "covers consenting adults")
    side = record(cli, "field", "Side: consent")
    git(drafts_repo, "switch", "-q", "main")
    edit(drafts_repo, "States should repeal", "States must repeal")
    main = record(cli, "evidence", "Main: must")
    git(drafts_repo, "merge", "-q", "--no-ff", "side", "-m", "Merge side")
    data = diff_json(cli, base, "HEAD")
    by_text = {c["new"]: [a["commit"] for a in c["attribution"]] for c in data["changes"]}
    assert by_text == {"consenting": [side], "must": [main]}
    shown = cli("show", "HEAD").out
    assert "Merge side" in shown and "{+consenting+}" in flat(shown) and side[:8] in shown


def test_worktree_edits_are_credited_to_worktree(
    drafts_repo: Path, history: dict[str, str]
) -> None:
    edit(drafts_repo, "States should", "States everywhere should")
    data = diff_json(Cli(drafts_repo), history["c"])
    assert len(data["changes"]) == 1
    assert data["changes"][0]["attribution"] == [WORKTREE_CREDIT]
    assert data["stats"]["by_round"] == {"WORKTREE": 1}


def test_filters_by_round_stakeholder_and_section(
    drafts_repo: Path, history: dict[str, str]
) -> None:
    cli = Cli(drafts_repo)
    edit(drafts_repo, "States should", "States everywhere should")
    field = diff_json(cli, history["base"], "--round", "field")
    assert [c["new"] for c in field["changes"]] == ["Field evidence from four countries"]
    assert rounds_of(field["changes"][0]) == ["field"]
    assert field["stats"]["by_round"] == {"field": 4}
    swl = diff_json(cli, history["base"], "--by", "swl")
    assert [c["kind"] for c in swl["changes"]] == ["delete"]
    section = diff_json(cli, history["base"], "--section", "recommendations")
    assert [c["new"] for c in section["changes"]] == ["everywhere"]
    path = diff_json(cli, history["base"], "--section", "Test policy/Scope")
    assert len(path["changes"]) == 2
    text = cli("diff", history["base"], "--round", "field").out
    assert "{+Field+} evidence {+from four countries+}[1] shows that harm follows." in flat(text)


def test_filter_errors(drafts_repo: Path, history: dict[str, str]) -> None:
    cli = Cli(drafts_repo)
    missing = cli("diff", history["base"], "--section", "Nowhere", ok=False)
    assert missing.code == 1 and "no section named 'Nowhere'" in missing.err
    unknown = cli("diff", "--round", "nosuch", ok=False)
    assert unknown.code == 1 and "unknown round 'nosuch'" in unknown.err


def test_default_from_is_the_latest_version(drafts_repo: Path, history: dict[str, str]) -> None:
    cli = Cli(drafts_repo)
    cli("tag", "v1", "--rev", history["b"])
    data = diff_json(cli)
    assert data["from"] == {"rev": "v1", "commit": history["b"]}
    assert [c["kind"] for c in data["changes"]] == ["delete"]


def test_show_prints_message_attribution_and_diff(
    drafts_repo: Path, history: dict[str, str]
) -> None:
    out = Cli(drafts_repo)("show", history["a"]).out
    assert "    Add health evidence" in out
    assert f"commit {history['a']}" in out
    assert "Round:  Evidence review (evidence)" in out
    assert "Prompted by: World Health Organization" in out
    assert "Rationale: WHO 2012 guidance" in out
    assert "{+Health evidence shows that harm follows.+}[1]" in flat(out)


def test_bad_revision_is_one_error_line(drafts_repo: Path) -> None:
    for args in (("diff", "no-such-rev"), ("show", "no-such-rev"), ("diff", "HEAD", "nope")):
        done = run_main(drafts_repo, *args)
        assert done.returncode == 1, done
        assert done.stderr.startswith("error: unknown revision"), done.stderr
        assert "Traceback" not in done.stderr and done.stdout == ""


def test_output_files_and_formats(drafts_repo: Path, history: dict[str, str]) -> None:
    cli = Cli(drafts_repo)
    target = drafts_repo.parent / "redline.html"
    done = cli("diff", history["base"], "--format", "html", "-o", str(target))
    assert done.out == "" and target.read_text().startswith("<!DOCTYPE html>")
    markdown = cli("diff", history["base"], "--format", "markdown").out
    assert "{--It leaves trafficking to other policies.--}" in markdown  # its blank line apart
    stat = cli("diff", history["base"], "--stat").out
    assert "consult" in stat and "+5" in stat
    bad = cli("diff", "--format", "pdf", ok=False)
    assert bad.code == 2


def test_docx_needs_an_output_file(drafts_repo: Path, history: dict[str, str]) -> None:
    cli = Cli(drafts_repo)
    refused = cli("diff", history["base"], "--format", "docx", ok=False)
    assert refused.code == 1 and "error:" in refused.err
    try:
        import draftctl.render.docx  # noqa: F401
    except ImportError:
        assert "not available" in refused.err
        return
    target = drafts_repo.parent / "redline.docx"
    cli("diff", history["base"], "--format", "docx", "-o", str(target))
    assert target.read_bytes()[:2] == b"PK"


# -- golden files ------------------------------------------------------------------------------


def _at(monkeypatch: pytest.MonkeyPatch, day: int) -> None:
    stamp = f"2015-0{1 + day // 28}-{1 + day % 28:02d}T10:00:00+00:00"
    monkeypatch.setenv("GIT_AUTHOR_DATE", stamp)
    monkeypatch.setenv("GIT_COMMITTER_DATE", stamp)


@pytest.fixture
def fixed_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small history with fixed dates, so commit ids (and the goldens) never change."""
    _at(monkeypatch, 0)
    Cli(tmp_path)("init", "golden", "--name", "Golden policy")
    repo = tmp_path / "golden"
    cli = Cli(repo)
    cli("stakeholder", "add", "who", "--name", "World Health Organization")
    cli("stakeholder", "add", "swl", "--name", "Sex worker-led groups")
    cli("round", "add", "evidence", "--title", "Evidence review", "--stakeholder", "who")
    cli("round", "open", "evidence", "--on", "2015-01-01")
    add_rounds(cli)
    write(repo, BASE)
    record(cli, "evidence", "Base text")
    cli("tag", "v1", "-m", "First version")
    steps = [
        ("covers adults", "covers consenting adults", "evidence", ("who",), "WHO 2012"),
        ("It leaves trafficking", "It leaves trafficking and forced labour", "field", (), None),
        ("States should repeal", "States must repeal", "consult", ("swl",), "Stronger wording"),
    ]
    for day, (old, new, round_id, by, why) in enumerate(steps, 1):
        _at(monkeypatch, day)
        edit(repo, old, new)
        record(cli, round_id, f"Change {day}", *by, why=why)
    edit(repo, "## Recommendations\n", "## Recommendations\n\nA new first paragraph.\n")
    return repo


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("diff.txt", ()),
        ("diff.md", ("--format", "markdown")),
        ("diff.json", ("--format", "json")),
    ],
)
def test_golden(
    fixed_history: Path, monkeypatch: pytest.MonkeyPatch, name: str, args: tuple[str, ...]
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    out = Cli(fixed_history)("diff", *args).out
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def test_golden_rationale_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One commit's rationale appears once per diff; later notes point back to it."""
    _at(monkeypatch, 0)
    Cli(tmp_path)("init", "once", "--name", "Once")
    repo = tmp_path / "once"
    cli = Cli(repo)
    cli("stakeholder", "add", "who", "--name", "World Health Organization")
    cli("round", "add", "evidence", "--title", "Evidence review", "--stakeholder", "who")
    cli("round", "open", "evidence", "--on", "2015-01-01")
    write(repo, BASE)
    record(cli, "evidence", "Base text")
    cli("tag", "v1", "-m", "First version")
    _at(monkeypatch, 1)
    edit(repo, "covers adults", "covers consenting adults")
    edit(repo, "States should repeal", "States must repeal")
    record(cli, "evidence", "Both", "who", why="WHO 2012 guidance asks for both.")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    out = Cli(repo)("diff", "v1", "HEAD").out
    golden = GOLDEN / "diff_rationale_once.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")
    assert out.count("WHO 2012 guidance asks for both.") == 1
    assert "rationale in note [1]" in out


def test_show_a_commit_touching_two_drafts(drafts_repo: Path) -> None:
    cli = Cli(drafts_repo)
    cli("new", "annex", "--title", "Annex")
    edit(drafts_repo, "# Test policy", "# Test policy on sex work")
    annex = drafts_repo / "drafts" / "annex.md"
    annex.write_text(annex.read_text() + "\nCountry research in four countries.\n")
    record(cli, "evidence", "Edit both drafts")
    out = flat(cli("show", "HEAD").out)
    assert "drafts/annex.md HEAD^" in out and "drafts/policy.md HEAD^" in out
    assert "{+on sex work+}[1]" in out and "{+Country research in four countries.+}[1]" in out
    only = flat(cli("show", "HEAD", "--draft", "annex").out)
    assert "drafts/annex.md" in only and "drafts/policy.md" not in only


def test_unknown_draft_is_refused(drafts_repo: Path) -> None:
    done = Cli(drafts_repo)("diff", "--draft", "nosuch", ok=False)
    assert done.code == 1
    assert "no draft 'nosuch'" in done.err
