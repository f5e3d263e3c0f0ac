"""Real use, renaming a draft: `draftctl mv`, and history that follows the rename."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli, git
from tests.hardening_helpers import drafts_repo, fsck, refuses
from tests.real_use_helpers import here, ok

__all__ = ["drafts_repo"]

POLICY = "drafts/policy.md"


def _history(repo: Path) -> Cli:
    """policy.md with two attributed changes and a version, before any rename."""
    cli = Cli(repo)
    text = (repo / POLICY).read_text()
    (repo / POLICY).write_text(text + "\nEvidence from WHO guidance.\n")
    cli("commit", "--round", "evidence", "--by", "who", "-m", "Cite WHO", "--why", "WHO said so")
    cli("tag", "v1")
    (repo / POLICY).write_text((repo / POLICY).read_text() + "\nA second paragraph.\n")
    cli("commit", "--round", "evidence", "-m", "Second")
    return cli


def test_mv_is_one_pure_rename_commit(drafts_repo: Path) -> None:
    _history(drafts_repo)
    with (drafts_repo / POLICY).open("a") as out:
        out.write("\nUnsaved words travel along.\n")
    before = git(drafts_repo, "rev-parse", "HEAD").strip()
    ok(here(drafts_repo / "drafts", "mv", "policy", "sex work policy"))
    assert git(drafts_repo, "rev-parse", "HEAD~1").strip() == before
    changes = git(drafts_repo, "show", "-M", "--name-status", "--format=%B", "HEAD")
    assert "R100\tdrafts/policy.md\tdrafts/sex work policy.md" in changes
    assert "Draftctl-Action: mv" in changes and "Consultation-Round" not in changes
    moved = drafts_repo / "drafts" / "sex work policy.md"
    assert "Unsaved words travel along." in moved.read_text()
    assert not (drafts_repo / POLICY).exists()
    status = json.loads(ok(here(drafts_repo, "status", "--json")))
    assert [d["draft"] for d in status["drafts"]] == ["drafts/sex work policy.md"]
    assert ok(here(drafts_repo, "check")) is not None
    newest = json.loads(ok(here(drafts_repo, "log", "--json")))[0]
    assert newest["drafts"] == ["drafts/sex work policy.md"]
    assert (newest["inserted_words"], newest["deleted_words"]) == (0, 0)
    shown = ok(here(drafts_repo, "show", "HEAD"))
    assert "drafts/sex work policy.md " in shown and "drafts/policy.md " not in shown, shown
    assert "No changes." in shown
    fsck(drafts_repo)


def test_mv_with_a_round_is_attributed(drafts_repo: Path) -> None:
    ok(here(drafts_repo, "mv", "policy", "annex", "--round", "evidence", "--why", "Clearer"))
    message = git(drafts_repo, "log", "-1", "--format=%B")
    assert "Consultation-Round: evidence" in message and "Draftctl-Action: mv" in message


def test_history_follows_the_rename(drafts_repo: Path) -> None:
    _history(drafts_repo)
    ok(here(drafts_repo, "mv", "policy", "renamed"))
    log = json.loads(ok(here(drafts_repo, "log", "--draft", "renamed", "--json")))
    subjects = [entry["subject"] for entry in log]
    assert subjects[1:3] == ["Second", "Cite WHO"], subjects
    blame = json.loads(ok(here(drafts_repo, "blame", "--draft", "renamed", "--json")))
    cited = next(b for b in blame if b["text"] == "Evidence from WHO guidance.")
    assert cited["round"] == "evidence"
    assert cited["commit"] == git(drafts_repo, "rev-parse", "v1^{commit}").strip()
    diff = json.loads(ok(here(drafts_repo, "diff", "v1", "--draft", "renamed", "--format", "json")))
    assert [c["new"] for c in diff["changes"]] == ["A second paragraph."]
    assert diff["changes"][0]["attribution"][0]["round"] == "evidence"
    shown = ok(here(drafts_repo, "diff", "v1", "--draft", "renamed", "--round", "evidence"))
    assert "A second paragraph." in shown
    ok(here(drafts_repo, "log", "--draft", "renamed", "--section", "Test policy"))
    copy = ok(here(drafts_repo, "export", "v1", "--draft", "renamed", "--format", "markdown"))
    assert "Evidence from WHO guidance." in copy and "A second paragraph." not in copy


def test_history_follows_two_renames(drafts_repo: Path) -> None:
    _history(drafts_repo)
    ok(here(drafts_repo, "mv", "policy", "first name"))
    ok(here(drafts_repo, "mv", "first name", "second"))
    blame = json.loads(ok(here(drafts_repo, "blame", "--draft", "second", "--json")))
    assert {b["round"] for b in blame if "WHO" in b["text"]} == {"evidence"}
    log = json.loads(ok(here(drafts_repo, "log", "--draft", "second", "--json")))
    assert [e["subject"] for e in log][-1] == "Start draft policy"


def test_mv_refusals_change_nothing(drafts_repo: Path) -> None:
    cli = Cli(drafts_repo)
    cli("new", "annex")
    refuses(cli, drafts_repo, ["mv", "policy", "annex"], "annex")
    refuses(cli, drafts_repo, ["mv", "policy", "ANNEX"], "annex")
    refuses(cli, drafts_repo, ["mv", "missing", "other"], "missing")
    refuses(cli, drafts_repo, ["mv", "policy", "policy"], "policy")
    refuses(cli, drafts_repo, ["mv", "policy", "../outside"], "outside")
    (drafts_repo / "drafts" / "untracked.md").write_text("# Untracked\n")
    refuses(cli, drafts_repo, ["mv", "untracked", "other"], "untracked")
    git(drafts_repo, "checkout", "-q", "--detach")
    refuses(cli, drafts_repo, ["mv", "policy", "other"], "detached")


def test_mv_may_change_only_the_letter_case(drafts_repo: Path) -> None:
    ok(here(drafts_repo, "mv", "policy", "Policy"))
    assert (drafts_repo / "drafts" / "Policy.md").is_file()
    assert git(drafts_repo, "ls-files", "drafts") == "drafts/.gitkeep\ndrafts/Policy.md\n"
