"""Issue 9's defects as crafted histories in real repositories, checked end to end.

Each history is recorded through `draftctl commit` and read back through `diff --format json`,
`blame --json`, `log --json`, `show`, `status`, `versions` and `report`. Every credit shown must
be confirmed by that commit's own `git diff C^ C` (tests/provenance_helpers.py); these cases pin
what the engine-level oracle (tests/test_engine_oracle.py) cannot see: the CLI, git and the
Markdown structure around the words.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import git
from tests.provenance_helpers import (
    Writer,
    blame,
    check_commit_counts,
    check_range,
    counts_of,
)

HEAD = "# Policy\n\n"


@pytest.fixture
def writer(drafts_repo: Path) -> Writer:
    return Writer(drafts_repo)


@pytest.mark.parametrize(
    ("before", "after"), [("can not", "cannot"), ("log in", "login"), ("set up", "setup")]
)
def test_a_word_join_is_a_credited_change(writer: Writer, before: str, after: str) -> None:
    text = HEAD + f"## Access\n\nStaff {before} the service without a card.\n"
    base = writer.commit(text, "Base text")
    join = writer.commit(text.replace(before, after), "Join the words", "field")
    shown = check_range(writer, base, join)
    (change,) = shown.data["changes"]
    assert (change["old"], change["new"]) == (before, after)
    assert [a["commit"] for a in change["attribution"]] == [join]
    assert check_commit_counts(writer, join) == (1, 2)
    entry = blame(writer)[f"Staff {after} the service without a card."]
    assert entry["commit"] == join and entry["round"] == "field"


def test_a_split_word_is_a_change_and_reflow_is_not(writer: Writer) -> None:
    text = HEAD + "## Access\n\nStaff cannot use the service\nwithout a card.\n"
    base = writer.commit(text, "Base text")
    split = writer.commit(text.replace("cannot", "can not"), "Split", "field")
    reflow = writer.commit(
        text.replace("cannot", "can not").replace("service\nwithout", "service without"),
        "Reflow only",
        "consult",
    )
    shown = check_range(writer, base, reflow)
    assert [[a["commit"] for a in c["attribution"]] for c in shown.data["changes"]] == [[split]]
    assert check_commit_counts(writer, reflow) == (0, 0)
    assert blame(writer)["Staff can not use the service without a card."]["commit"] == split


@pytest.mark.parametrize("gap", ["\n\n", "\n"], ids=["blank-line", "no-blank-line"])
def test_a_deleted_heading_does_not_take_the_paragraph_below(writer: Writer, gap: str) -> None:
    text = HEAD + f"## Scope\n\nAdults only.\n\n## Limits{gap}Trafficking is out of scope.\n"
    base = writer.commit(text, "Base text")
    cut = writer.commit(text.replace(f"## Limits{gap}", ""), "Drop the heading", "field")
    entries = blame(writer)
    assert entries["Trafficking is out of scope."]["commit"] == base
    assert entries["Adults only."]["commit"] == base
    shown = check_range(writer, base, cut)
    (change,) = shown.data["changes"]
    assert change["kind"] == "delete" and "Limits" in change["old"]
    assert check_commit_counts(writer, cut) == (0, 1)


def test_a_deleted_list_item_does_not_take_the_next_item(writer: Writer) -> None:
    text = HEAD + "## Steps\n\n- Listen to workers.\n- Draft the text.\n- Publish it.\n"
    base = writer.commit(text, "Base text")
    cut = writer.commit(text.replace("- Draft the text.\n", ""), "Drop a step", "field")
    entries = blame(writer)
    assert entries["- Publish it."]["commit"] == base
    assert entries["- Listen to workers."]["commit"] == base
    check_range(writer, base, cut)
    assert check_commit_counts(writer, cut) == (0, 3)


def test_a_list_item_merged_into_prose(writer: Writer) -> None:
    text = HEAD + "## Steps\n\nWe will do two things:\n\n- listen to workers\n- draft the text\n"
    base = writer.commit(text, "Base text")
    prose = HEAD + "## Steps\n\nWe will do two things: listen to workers and draft the text.\n"
    merged = writer.commit(prose, "Lists into prose", "field")
    shown = check_range(writer, base, merged)
    inserted = [t for op, t, _, _ in shown.pieces if op == "insert"]
    assert "and" in " ".join(inserted)
    assert all(c == merged for _, _, _, c in shown.pieces)
    entry = blame(writer)[prose.split("\n\n")[2].strip()]
    assert entry["commit"] == merged
    check_commit_counts(writer, merged)


def test_a_heading_level_change_is_the_heading_blocks_last_change(writer: Writer) -> None:
    text = HEAD + "### Scope\n\nAdults only.\n"
    base = writer.commit(text, "Base text")
    level = writer.commit(text.replace("### Scope", "## Scope"), "Promote the heading", "field")
    entries = blame(writer)
    assert entries["## Scope"]["commit"] == level
    assert entries["Adults only."]["commit"] == base
    shown = check_range(writer, base, level)
    assert [[a["commit"] for a in c["attribution"]] for c in shown.data["changes"]] == [[level]]
    assert check_commit_counts(writer, level) == (0, 0)  # a marker is not a word


MOVE_BASE = (
    HEAD
    + "## Scope\n\nThe policy covers adults in every country where we work.\n\n"
    + "## Evidence\n\nResearch shows that criminal laws expose workers to violence.\n\n"
    + "## Duties\n\nStates must repeal laws that punish consensual adult sex work.\n"
)
MOVED = "Health agencies report that criminalisation undermines prevention of HIV."


def test_a_moved_paragraph_keeps_its_provenance_and_its_edit(writer: Writer) -> None:
    base = writer.commit(MOVE_BASE, "Base text")
    added = MOVE_BASE.replace("violence.\n", f"violence.\n\n{MOVED}\n")
    add = writer.commit(added, "Add health evidence", "field")
    edited = MOVED.replace("undermines", "weakens")
    moved_text = added.replace(f"\n{MOVED}\n", "").replace(
        "sex work.\n", f"sex work.\n\n{edited}\n"
    )
    move = writer.commit(moved_text, "Move it under Duties and soften it", "consult")
    shown = check_range(writer, base, move)
    credits = {t.strip(): c for op, t, _, c in shown.pieces if op == "insert"}
    assert credits.get("weakens") == move
    assert {c for t, c in credits.items() if t != "weakens"} == {add}
    moved = check_range(writer, add, move)
    assert {c for _, _, _, c in moved.pieces} == {move}
    assert [c["kind"] for c in moved.data["changes"]] == ["move"]
    assert check_commit_counts(writer, move) == (1, 1)  # weakens for undermines, not −9
    entry = blame(writer)[edited]
    assert entry["commit"] == move and set(entry["rounds"]) == {"field", "consult"}


def test_a_revert_inside_the_range_shows_no_change(writer: Writer) -> None:
    text = HEAD + "## Scope\n\nAdults only. Trafficking is out of scope.\n"
    base = writer.commit(text, "Base text")
    cut = writer.commit(text.replace(" Trafficking is out of scope.", ""), "Cut", "field")
    back = writer.commit(text, "Restore", "consult")
    shown = check_range(writer, base, back)
    assert shown.data["changes"] == [] and shown.pieces == []
    assert counts_of(shown.data["stats"]) == (0, 0)
    assert check_commit_counts(writer, cut) == (0, 5)
    assert check_commit_counts(writer, back) == (5, 0)
    assert blame(writer)["Adults only. Trafficking is out of scope."]["commit"] == back


def test_a_merge_credits_both_branches(writer: Writer) -> None:
    text = HEAD + "## Scope\n\nThe policy covers adults.\n\n## Duties\n\nStates should act.\n"
    base = writer.commit(text, "Base text")
    git(writer.repo, "switch", "-q", "-c", "side")
    side = writer.commit(text.replace("covers adults", "covers consenting adults"), "Side", "field")
    git(writer.repo, "switch", "-q", "main")
    main = writer.commit(text.replace("should act", "must act"), "Main", "consult")
    git(writer.repo, "merge", "-q", "--no-ff", "side", "-m", "Merge side")
    merge = writer.head()
    shown = check_range(writer, base, merge)
    by_new = {c["new"]: [a["commit"] for a in c["attribution"]] for c in shown.data["changes"]}
    assert by_new == {"consenting": [side], "must": [main]}
    entries = blame(writer)
    assert entries["The policy covers consenting adults."]["commit"] == side
    assert entries["States must act."]["commit"] == main


SECTION = (
    "Sex workers face violence from clients, police and partners. Laws that criminalise "
    "their work make reporting that violence dangerous. Workers who carry condoms risk "
    "arrest, so many stop carrying them. Health services turn people away when they "
    "disclose their work. Migrant workers fear deportation if they seek help. Community "
    "groups led by sex workers reach people that state services miss. They need stable "
    "funding and a voice in policy. The evidence from four countries points the same way."
)


def test_two_changed_sentence_breaks_get_only_their_own_credit(writer: Writer) -> None:
    base = writer.commit(HEAD + "## Scope\n\nAdults only.\n", "Base text")
    written = HEAD + "## Scope\n\nAdults only.\n\n## Harms\n\n" + SECTION + "\n"
    write = writer.commit(written, "Write the harms section", "field")
    breaks = written.replace("partners. Laws", "partners; laws").replace(
        "them. Health", "them, and health"
    )
    touch = writer.commit(breaks, "Join two sentences", "consult")
    shown = check_range(writer, base, touch)
    later = [w for _, t, _, c in shown.pieces if c == touch for w in re.findall(r"\w+", t)]
    assert later == ["laws", "and", "health"]
    written_words = [w for _, t, _, c in shown.pieces if c == write for w in re.findall(r"\w+", t)]
    assert len(written_words) == len(re.findall(r"\w+", "Harms " + SECTION)) - 2  # Laws, Health
    assert check_commit_counts(writer, touch) == (3, 2)  # "laws", "and", "health" for two


def test_counts_agree_across_status_diff_log_show_versions_report(writer: Writer) -> None:
    text = HEAD + "## Access\n\nStaff can not log in without a card. Set up takes a day.\n"
    writer.commit(text, "Base text")
    writer.cli("tag", "v1")
    edited = text.replace("can not log in", "cannot login").replace("a day", "two days")
    writer.write(edited)
    status = writer.json("status", "--json")["drafts"][0]
    worktree = writer.json("diff", "v1", "--format", "json")["stats"]
    edit = writer.commit(edited, "Join and lengthen", "field")
    writer.cli("tag", "v2")
    assert counts_of(status) == counts_of(worktree) == check_commit_counts(writer, edit)
    versions = {v["name"]: v for v in writer.json("versions", "--json")}
    report = writer.json("report", "v1", "v2", "--format", "json")["totals"]
    whole = writer.json("diff", "v1", "v2", "--format", "json")["stats"]
    assert counts_of(versions["v2"]) == counts_of(report) == counts_of(whole) == (4, 6)


def test_a_deletion_with_a_whitespace_only_insertion_is_the_blocks_last_change(
    writer: Writer,
) -> None:
    text = HEAD + "## Scope\n\nAdults who sell sexual services in every country.\n"
    base = writer.commit(text, "Base text")
    cut = writer.commit(
        text.replace("sexual services in every", "sexual services\nin"), "Cut a word", "field"
    )
    assert blame(writer)["Adults who sell sexual services\nin country."]["commit"] == cut
    shown = check_range(writer, base, cut)
    assert [c["old"] for c in shown.data["changes"]] == ["every"]


def test_a_paragraph_inserted_between_two_leaves_their_credit(writer: Writer) -> None:
    text = HEAD + "## Scope\n\nAdults only.\n\nTrafficking is out of scope.\n"
    base = writer.commit(text, "Base text")
    added = writer.commit(
        text.replace("only.\n\n", "only.\n\nMigrants are included.\n\n"), "Add", "field"
    )
    entries = blame(writer)
    assert entries["Adults only."]["commit"] == base
    assert entries["Trafficking is out of scope."]["commit"] == base
    assert entries["Migrants are included."]["commit"] == added
    check_range(writer, base, added)
