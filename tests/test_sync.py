"""`draftctl sync` between two clones of a local bare repository: pull, push, tags, notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli, git, snapshot
from tests.release_helpers import copied

NOTES = "refs/notes/draftctl"


def _build(base: Path) -> Path:
    Cli(base)("init", "alice", "--name", "Sync test")
    alice = base / "alice"
    cli = Cli(alice)
    cli("round", "add", "evidence", "--title", "Evidence review")
    cli("round", "open", "evidence", "--on", "2014-01-10")
    cli("new", "policy", "--title", "Test policy")
    git(base, "init", "--quiet", "--bare", "shared.git")
    git(alice, "remote", "add", "origin", str(base / "shared.git"))
    git(alice, "push", "--quiet", "origin", "main")
    git(base, "clone", "--quiet", str(base / "shared.git"), "bob")
    return base


@pytest.fixture
def world(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """alice (with `origin`), bob (a clone) and shared.git, copied from one built per session."""
    target = copied("sync", _build, tmp_path, tmp_path_factory)
    for clone in ("alice", "bob"):
        git(target / clone, "remote", "set-url", "origin", str(target / "shared.git"))
    return target


def _change(repo: Path, text: str, message: str = "Edit") -> str:
    path = repo / "drafts" / "policy.md"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    Cli(repo)("commit", "--round", "evidence", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def _note(repo: Path, rev: str, text: str) -> None:
    git(repo, "notes", f"--ref={NOTES}", "add", "-f", "-m", text, rev)


def _remote(world: Path, ref: str) -> str:
    listing = git(world / "shared.git", "for-each-ref", "--format=%(refname) %(objectname)")
    found = dict(line.split(" ") for line in listing.splitlines())
    return found.get(ref, "")


def test_sync_pushes_branch_versions_and_notes_and_pulls_them(world: Path) -> None:
    alice, bob = world / "alice", world / "bob"
    head = _change(alice, "New paragraph.\n")
    git(alice, "commit", "--quiet", "--allow-empty", "-m", "Housekeeping")
    _note(alice, "HEAD", "Consultation-Round: evidence")
    Cli(alice)("tag", "v1", "--status", "submitted")
    Cli(alice)("outcome", "v1", "--status", "adopted")
    git(alice, "tag", "private-tag")
    result = Cli(alice)("sync")
    assert "pushed to origin: main, v1, v1-adopted, refs/notes/draftctl" in result.err
    assert _remote(world, "refs/heads/main") == git(alice, "rev-parse", "HEAD").strip()
    assert _remote(world, NOTES) == git(alice, "rev-parse", NOTES).strip()
    assert _remote(world, "refs/tags/private-tag") == ""
    result = Cli(bob)("sync")
    assert "pulled 2 commits from origin/main (fast-forward)" in result.err
    assert "fetched tags: v1, v1-adopted" in result.err
    assert git(bob, "rev-parse", "HEAD~1").strip() == head
    assert "New paragraph." in (bob / "drafts" / "policy.md").read_text()
    assert "Consultation-Round: evidence" in git(bob, "notes", f"--ref={NOTES}", "show", "HEAD")
    assert Cli(bob)("verify", "v1").code == 0
    assert git(bob, "status", "--porcelain") == ""


def test_sync_when_up_to_date_does_nothing(world: Path) -> None:
    before = snapshot(world / "bob")
    result = Cli(world / "bob")("sync")
    assert "nothing new" in result.err and "the remote is up to date" in result.err
    assert snapshot(world / "bob") == before


def test_sync_keeps_unrelated_local_work_while_fast_forwarding(world: Path) -> None:
    alice, bob = world / "alice", world / "bob"
    _change(alice, "From alice.\n")
    Cli(alice)("sync")
    (bob / "drafts" / "annex.md").write_text("# Annex\n\nWork in progress.\n")
    Cli(bob)("sync")
    assert (bob / "drafts" / "annex.md").read_text() == "# Annex\n\nWork in progress.\n"
    assert "From alice." in (bob / "drafts" / "policy.md").read_text()


def test_sync_never_overwrites_uncommitted_text(world: Path) -> None:
    alice, bob = world / "alice", world / "bob"
    _change(alice, "From alice.\n")
    Cli(alice)("sync")
    draft = bob / "drafts" / "policy.md"
    draft.write_text(draft.read_text() + "Bob's unsaved thought.\n")
    before = snapshot(bob)
    result = Cli(bob)("sync", ok=False)
    assert result.code == 1
    assert "cannot fast-forward: origin changes drafts/policy.md" in result.err
    assert "draftctl commit" in result.err
    assert snapshot(bob) == before


def test_sync_refuses_a_diverged_branch(world: Path) -> None:
    alice, bob = world / "alice", world / "bob"
    _change(alice, "From alice.\n")
    Cli(alice)("sync")
    _change(bob, "From bob.\n")
    before = snapshot(bob)
    result = Cli(bob)("sync", ok=False)
    assert "main and origin/main have diverged (1 commit here, 1 there)" in result.err
    assert "pull --rebase --autostash origin main" in result.err
    assert snapshot(bob) == before


def test_sync_refuses_two_versions_with_one_name(world: Path) -> None:
    alice, bob = world / "alice", world / "bob"
    Cli(alice)("tag", "v1")
    Cli(alice)("sync")
    _change(bob, "Bob's version.\n")
    Cli(bob)("tag", "v1")
    before = snapshot(bob)
    result = Cli(bob)("sync", ok=False)
    assert "tag 'v1' differs here and on origin" in result.err
    assert "draftctl never replaces a tag" in result.err
    assert snapshot(bob) == before
    assert _remote(world, "refs/tags/v1") == git(alice, "rev-parse", "refs/tags/v1").strip()


def test_sync_merges_notes_on_different_commits(world: Path) -> None:
    alice, bob = world / "alice", world / "bob"
    first = git(alice, "rev-parse", "HEAD~1").strip()
    _note(alice, "HEAD", "Consultation-Round: evidence")
    Cli(alice)("sync")
    _note(bob, first, "Consultation-Round: evidence\nRationale: registry")
    result = Cli(bob)("sync")
    assert "notes: merged with origin's" in result.err
    for clone in (alice, bob):
        Cli(clone)("sync")
        assert "Rationale: registry" in git(clone, "notes", f"--ref={NOTES}", "show", first)
        assert "evidence" in git(clone, "notes", f"--ref={NOTES}", "show", "HEAD")


def test_sync_refuses_conflicting_notes(world: Path) -> None:
    alice, bob = world / "alice", world / "bob"
    _note(alice, "HEAD", "Consultation-Round: evidence")
    Cli(alice)("sync")
    _note(bob, "HEAD", "Consultation-Round: other")
    before = snapshot(bob)
    result = Cli(bob)("sync", ok=False)
    assert "the attribution notes for" in result.err and "differ here and on origin" in result.err
    assert snapshot(bob) == before


def test_sync_needs_a_remote(tmp_path: Path, drafts_repo: Path) -> None:
    result = Cli(drafts_repo)("sync", ok=False)
    assert "this repository has no single remote" in result.err
    assert "git remote add origin URL" in result.err
    result = Cli(drafts_repo)("sync", "--remote", "nowhere", ok=False)
    assert "no remote named 'nowhere'" in result.err


def test_sync_refuses_a_detached_head(world: Path) -> None:
    bob = world / "bob"
    git(bob, "checkout", "--quiet", "--detach")
    result = Cli(bob)("sync", ok=False)
    assert "HEAD is detached" in result.err
