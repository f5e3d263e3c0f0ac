"""`sync` with real remotes: hooks and check run, odd default branches, bad notes, divergence."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Cli, git, run_main, snapshot
from tests.release_helpers import copied
from tests.test_sync import NOTES, _build, _change, _remote


@pytest.fixture
def world(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """alice (with `origin`), bob (a clone) and shared.git, as in test_sync."""
    target = copied("sync", _build, tmp_path, tmp_path_factory)
    for clone in ("alice", "bob"):
        git(target / clone, "remote", "set-url", "origin", str(target / "shared.git"))
    return target


def _refs(bare: Path) -> str:
    return git(bare, "for-each-ref", "--format=%(refname) %(objectname)")


def _quoted(text: str, start: str) -> str:
    """The command between backticks in a hint that starts with `start`."""
    match = re.search(rf"`({re.escape(start)}[^`]*)`", " ".join(text.split()))
    assert match, text
    return match.group(1)


def _plain_commit(repo: Path, text: str, message: str, top: bool = False) -> str:
    draft = repo / "drafts" / "policy.md"
    old = draft.read_text()
    title, _, rest = old.partition("\n")
    draft.write_text(f"{title}\n\n{text}{rest}" if top else old + text)
    git(repo, "commit", "-qam", message)
    return git(repo, "rev-parse", "HEAD").strip()


def _clean(done: subprocess.CompletedProcess[str]) -> None:
    both = done.stdout + done.stderr
    assert "Traceback" not in both and "internal error" not in both, both


def test_sync_runs_the_installed_pre_push_hook(world: Path) -> None:
    alice = world / "alice"
    hook = Path(Cli(alice)("check", "--install-hook").err.split("installed ")[1].split(":")[0])
    marker = world / "hook-ran"
    text = hook.read_text()
    hook.write_text(text.replace("\n", f'\ntouch "{marker}"\n', 1))
    _change(alice, "Hooked paragraph.\n")
    done = run_main(alice, "sync")
    _clean(done)
    assert done.returncode == 0, done.stderr
    assert marker.exists()
    assert _remote(world, "refs/heads/main") == git(alice, "rev-parse", "HEAD").strip()


def test_a_failing_pre_push_hook_stops_sync(world: Path) -> None:
    alice = world / "alice"
    hook = Path(Cli(alice)("check", "--install-hook").err.split("installed ")[1].split(":")[0])
    hook.write_text("#!/bin/sh\necho 'policy freeze: no pushes today' >&2\nexit 1\n")
    _change(alice, "Frozen paragraph.\n")
    before = _refs(world / "shared.git")
    done = run_main(alice, "sync")
    _clean(done)
    assert done.returncode == 1 and "error:" in done.stderr and "hint:" in done.stderr
    assert "pre-push hook" in done.stderr
    assert _refs(world / "shared.git") == before


def test_sync_runs_check_on_what_it_would_push(world: Path) -> None:
    alice = world / "alice"
    sha = _plain_commit(alice, "Nobody said why.\n", "Unattributed edit")
    before_remote, before = _refs(world / "shared.git"), snapshot(alice)
    done = run_main(alice, "sync")
    _clean(done)
    assert (
        done.returncode == 1
        and "1 commit to push to origin/main fails `draftctl check`" in done.stderr
    )
    assert sha[:10] in done.stderr and "hint:" in done.stderr
    assert _refs(world / "shared.git") == before_remote and snapshot(alice) == before
    Cli(alice)("attribute", sha, "--round", "evidence")
    assert run_main(alice, "sync").returncode == 0
    assert _remote(world, "refs/heads/main") == sha


def test_sync_refuses_a_new_remote_whose_default_is_another_branch(world: Path) -> None:
    alice, fresh = world / "alice", world / "fresh.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "master", str(fresh)], check=True)
    git(alice, "remote", "add", "fresh", str(fresh))
    before = snapshot(alice)
    done = run_main(alice, "sync", "--remote", "fresh")
    _clean(done)
    assert done.returncode == 1 and "default branch is master" in done.stderr
    assert "hint:" in done.stderr and _refs(fresh) == "" and snapshot(alice) == before
    fix = _quoted(done.stderr, "git --git-dir=")
    subprocess.run(shlex.split(fix), cwd=alice, check=True)
    done = run_main(alice, "sync", "--remote", "fresh")
    assert done.returncode == 0, done.stderr
    colleague = world / "carol"
    git(world, "clone", "-q", str(fresh), str(colleague))
    assert (colleague / "drafts" / "policy.md").exists()
    assert run_main(colleague, "check").returncode == 0


def test_notes_published_as_a_blob_are_refused_and_break_nothing(world: Path) -> None:
    bob, shared = world / "bob", world / "shared.git"
    blob = git(shared, "hash-object", "-w", "--stdin", input="not notes at all\n").strip()
    git(shared, "update-ref", NOTES, blob)
    before = snapshot(bob)
    done = run_main(bob, "sync")
    _clean(done)
    assert done.returncode == 1 and "not draftctl notes" in done.stderr and "hint:" in done.stderr
    assert snapshot(bob) == before
    assert run_main(bob, "log").returncode == 0 and run_main(bob, "check").returncode == 0
    fix = _quoted(done.stderr, "git push")
    subprocess.run(shlex.split(fix), cwd=bob, check=True, capture_output=True)
    assert run_main(bob, "sync").returncode == 0


def test_notes_commit_holding_other_things_is_refused(world: Path) -> None:
    bob, shared = world / "bob", world / "shared.git"
    tree = git(shared, "mktree", input="").strip()
    blob = git(shared, "hash-object", "-w", "--stdin", input="free text, no trailers\n").strip()
    head = git(shared, "rev-parse", "HEAD").strip()
    tree = git(shared, "mktree", input=f"100644 blob {blob}\t{head}\n").strip()
    commit = git(shared, "commit-tree", tree, "-m", "notes").strip()
    git(shared, "update-ref", NOTES, commit)
    before = snapshot(bob)
    done = run_main(bob, "sync")
    _clean(done)
    assert done.returncode == 1 and "not in trailer format" in done.stderr
    assert snapshot(bob) == before and git(bob, "for-each-ref", NOTES) == ""


def test_following_the_diverged_hint_passes_check(world: Path) -> None:
    alice, bob = world / "alice", world / "bob"
    _change(alice, "From alice.\n")
    Cli(alice)("sync")
    _plain_commit(bob, "From bob.\n", "Bob's edit\n\nConsultation-Round: evidence", top=True)
    late = _plain_commit(bob, "Bob, attributed later.\n", "Bob's late edit", top=True)
    Cli(bob)("attribute", late, "--round", "evidence")
    (bob / "drafts" / "annex.md").write_text("Unsaved annex.\n")
    done = run_main(bob, "sync")
    _clean(done)
    assert done.returncode == 1 and "have diverged" in done.stderr
    fix = _quoted(done.stderr, "git -c")
    subprocess.run(shlex.split(fix), cwd=bob, check=True, capture_output=True)
    assert git(bob, "log", "--merges", "--oneline") == ""
    assert run_main(bob, "check").returncode == 0
    done = run_main(bob, "sync")
    assert done.returncode == 0, done.stderr
    assert (bob / "drafts" / "annex.md").read_text() == "Unsaved annex.\n"
    assert run_main(alice, "sync").returncode == 0
    assert run_main(alice, "check").returncode == 0
    assert "Bob, attributed later." in (alice / "drafts" / "policy.md").read_text()


def test_an_empty_clone_points_at_the_remote_branch_not_at_init(world: Path) -> None:
    """A remote whose HEAD names `master` while the drafts are on `main` clones empty; status
    there must name the branch to switch to, never `draftctl init` (an unrelated history)."""
    bare = world / "master-head.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "master", str(bare)], check=True)
    git(world / "alice", "push", "-q", str(bare), "main")
    subprocess.run(["git", "clone", "-q", str(bare), str(world / "carol")], check=True)
    refused = run_main(world / "carol", "status")
    _clean(refused)
    assert refused.returncode == 1 and "origin/main holds the drafts" in refused.stderr
    assert "run `draftctl init`" not in refused.stderr
    git(world / "carol", *shlex.split(_quoted(refused.stderr, "git switch"))[1:])
    assert run_main(world / "carol", "status").returncode == 0
