"""Hardening, faults: parallel runs, stale locks, SIGKILL at random points, read-only, full disk."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import tempfile
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from draftctl.consultation.workspace import staged_write
from draftctl.sample.demo import sample_dir
from tests.conftest import Cli, git, snapshot
from tests.hardening_helpers import (
    DRAFTCTL,
    PACKAGE_ROOT,
    assert_refused,
    blob,
    drafts_repo,
    fsck,
    head,
    refuses,
    run,
    strays,
    unchanged,
)

__all__ = ["drafts_repo"]  # the fast copy overrides conftest's fixture in this module

POLICY = "drafts/policy.md"
_ARGS = ("--round", "evidence", "-m")
_NOBODY = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")


def _drafts(repo: Path, count: int) -> list[str]:
    """`count` committed drafts (policy plus annexes), each then edited on disk."""
    cli = Cli(repo)
    names = ["policy"] + [f"annex-{n}" for n in range(1, count)]
    for name in names[1:]:
        cli("new", name)
    for name in names:
        path = repo / "drafts" / f"{name}.md"
        path.write_text(f"# {name}\n\nEdited on disk: {name} text that must never be lost.\n")
    return names


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(PACKAGE_ROOT)}


# -- 14. two commits at once -----------------------------------------------------------------


@pytest.mark.parametrize("writers", [2, 4])
def test_parallel_commits_lose_no_text(drafts_repo: Path, writers: int) -> None:
    """Started together on different drafts: each succeeds or says "repository busy"."""
    names = _drafts(drafts_repo, writers)
    disk = {n: (drafts_repo / "drafts" / f"{n}.md").read_bytes() for n in names}
    before = head(drafts_repo)
    procs = [
        subprocess.Popen(
            [*DRAFTCTL, "--repo", str(drafts_repo), "commit", name, *_ARGS, f"Edit {name}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        for name in names
    ]
    results = {
        name: (p.wait(60), p.stderr.read() if p.stderr else "")
        for name, p in zip(names, procs, strict=True)
    }
    winners = [n for n, (code, _) in results.items() if code == 0]
    for code, err in results.values():
        if code != 0:
            assert_refused(subprocess.CompletedProcess([], code, "", err), "repository busy")
    assert winners, results
    for name in names:
        assert (drafts_repo / "drafts" / f"{name}.md").read_bytes() == disk[name]
    for name in winners:
        assert blob(drafts_repo, "HEAD", f"drafts/{name}.md") == disk[name]
    history = git(drafts_repo, "rev-list", f"{before}..HEAD").split()
    assert len(history) == len(winners)
    status = git(drafts_repo, "status", "--porcelain").splitlines()
    assert sorted(status) == sorted(f" M drafts/{n}.md" for n in names if n not in winners)
    fsck(drafts_repo)


def test_commit_racing_plain_git_loses_no_text(drafts_repo: Path) -> None:
    """draftctl commits while plain git commits another file: the branch moves by CAS."""
    names = _drafts(drafts_repo, 2)
    disk = (drafts_repo / POLICY).read_bytes()
    other = drafts_repo / "notes.txt"
    proc = subprocess.Popen(
        [*DRAFTCTL, "--repo", str(drafts_repo), "commit", "policy", *_ARGS, "Edit"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    plain = 0
    while proc.poll() is None and plain < 50:
        other.write_text(f"plain commit {plain}\n")
        done = subprocess.run(
            ["git", "commit", "-qm", f"plain {plain}", "--", "notes.txt"]
            if plain
            else ["git", "add", "notes.txt"],
            cwd=drafts_repo,
            capture_output=True,
        )
        plain += done.returncode == 0
    err = proc.communicate(timeout=60)[1]
    if proc.returncode != 0:
        assert_refused(subprocess.CompletedProcess([], proc.returncode, "", err), "busy")
    else:
        assert blob(drafts_repo, "HEAD", POLICY) == disk
    assert (drafts_repo / POLICY).read_bytes() == disk
    log = git(drafts_repo, "log", "--format=%s", "-n", "200")
    assert log.count("plain ") == max(plain - 1, 0)
    assert names
    fsck(drafts_repo)


# -- 15. stale index.lock --------------------------------------------------------------------

WRITERS = [
    ("commit", "--round", "evidence", "-m", "Record"),
    ("round", "add", "late", "--title", "Late round"),
    ("round", "close", "evidence"),
    ("stakeholder", "add", "unaids", "--name", "UNAIDS"),
    ("new", "annex"),
    ("tag", "v1"),
    ("feedback", "add", "--round", "evidence", "--from", "who", "--summary", "S"),
    ("attribute", "HEAD", "--round", "evidence"),
]


@pytest.mark.parametrize("args", WRITERS, ids=lambda a: " ".join(a[:2]))
def test_stale_index_lock_is_refused_and_kept(
    cli: Cli, drafts_repo: Path, args: tuple[str, ...]
) -> None:
    (drafts_repo / POLICY).write_text("# Test policy\n\nChanged.\n")
    if args[0] == "tag":
        cli("commit", "--round", "evidence", "-m", "Before the version")
    lock = drafts_repo / ".git" / "index.lock"
    lock.write_bytes(b"left by a crashed git\n")
    line = refuses(cli, drafts_repo, args, "index.lock")
    assert "busy" in line
    result = cli(*args, ok=False)
    assert "remove" in result.err and "never deletes" in result.err
    assert lock.read_bytes() == b"left by a crashed git\n"
    lock.unlink()
    cli(*args)


def test_stale_branch_lock_is_refused_and_kept(cli: Cli, drafts_repo: Path) -> None:
    (drafts_repo / POLICY).write_text("# Test policy\n\nChanged.\n")
    lock = drafts_repo / ".git" / "refs" / "heads" / "main.lock"
    lock.write_bytes(b"")
    line = refuses(cli, drafts_repo, ["commit", "--round", "evidence", "-m", "M"], "main.lock")
    assert "busy" in line
    assert lock.exists()


def test_stale_lock_in_a_linked_worktree(drafts_repo: Path, tmp_path: Path) -> None:
    linked = tmp_path / "linked"
    git(drafts_repo, "worktree", "add", "--quiet", "-b", "review", str(linked))
    (linked / POLICY).write_text("# Test policy\n\nChanged.\n")
    lock = Path(git(linked, "rev-parse", "--absolute-git-dir").strip()) / "index.lock"
    lock.write_bytes(b"")
    refuses(Cli(linked), linked, ["commit", "--round", "evidence", "-m", "M"], "index.lock")
    assert lock.exists()


# -- 16. SIGKILL at random points ------------------------------------------------------------


def _start(repo: Path, args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*DRAFTCTL, "--repo", str(repo), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(),
        start_new_session=True,
    )


def _kill(proc: subprocess.Popen[bytes], delay: float, whole_group: bool) -> None:
    """SIGKILL draftctl after `delay`; with `whole_group`, its git children die with it."""
    time.sleep(delay)
    try:
        if whole_group:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.send_signal(signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # orphaned git children finish their work first
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.01)


def _killed_temp(name: str) -> bool:
    """`atomic_write`'s temporary file (`.NAME.PID.*.tmp`) of a process no longer running."""
    parts = Path(name).name.split(".")
    pids = [p for p in parts[2:-2] if p.isdigit()]
    if not (Path(name).name.startswith(".") and pids):
        return False
    try:
        os.kill(int(pids[0]), 0)
    except ProcessLookupError:
        return True
    return False


def _stale_git_locks(repo: Path) -> list[Path]:
    """Lock files a git process killed mid-write leaves; git's own rule: a person removes them."""
    return [p for p in (repo / ".git").rglob("*.lock") if p.name != "draftctl.lock" and p.is_file()]


def _rerun(repo: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    """Re-run after a kill. If the kill left one of git's lock files, draftctl refuses naming
    it (it never deletes one); we then remove it, as its hint tells a person to, and retry."""
    done = run(repo, *args)
    locks = _stale_git_locks(repo)
    if done.returncode != 0 and locks:
        assert "busy" in done.stderr, done.stderr
        for lock in locks:
            lock.unlink()
        done = run(repo, *args)
    return done


class _Op:
    """One command to kill repeatedly, what its files may look like, and its re-run rule."""

    def __init__(self, repo: Path, kind: str, serial: int) -> None:
        self.repo, self.kind, self.serial = repo, kind, serial
        self.toml_old = (repo / "draftctl.toml").read_bytes()
        self.policy_old = (repo / POLICY).read_bytes()
        if kind == "commit":
            text = f"# Test policy\n\nEdit number {serial}.\n" + "More words. " * 500 + "\n"
            (repo / POLICY).write_text(text)
            self.policy_old = text.encode()
            self.args = ["commit", "--round", "evidence", "-m", f"Edit {serial}"]
        elif kind == "round":
            self.args = ["round", "add", f"round-{serial}", "--title", f"Round {serial}"]
        else:
            self.args = ["tag", f"v{serial}", "-m", f"Version {serial}"]

    def check_files(self, killed: bool = False) -> None:
        """Drafts and registry on disk: wholly old or wholly new. A run killed mid-write may
        leave its hidden temporary file (named with its process id, like a stale git lock);
        the next write of that file removes it, so after a re-run none is left."""
        assert (self.repo / POLICY).read_bytes() == self.policy_old
        toml = (self.repo / "draftctl.toml").read_bytes()
        if toml != self.toml_old:
            rounds = tomllib.loads(toml.decode())["rounds"]
            assert self.kind == "round" and f"round-{self.serial}" in rounds
        assert [s for s in strays(self.repo) if not (killed and _killed_temp(s))] == []
        fsck(self.repo)

    def check_rerun(self, done: subprocess.CompletedProcess[str]) -> None:
        """Defined behaviour of a re-run after a kill (see test docstring)."""
        if done.returncode != 0:
            if self.kind == "commit":
                assert_refused(done, "nothing to commit")
            elif self.kind == "tag":
                assert_refused(done, f"v{self.serial}", "already exists")
            else:
                raise AssertionError(done.stderr)
        if self.kind == "commit":
            assert blob(self.repo, "HEAD", POLICY) == self.policy_old
        elif self.kind == "round":
            assert f"round-{self.serial}" in (self.repo / "draftctl.toml").read_text()
            assert (
                blob(self.repo, "HEAD", "draftctl.toml")
                == (self.repo / "draftctl.toml").read_bytes()
            )
        else:
            assert run(self.repo, "verify", f"v{self.serial}").returncode == 0
        assert git(self.repo, "status", "--porcelain") == ""
        self.check_files()


def test_a_staged_write_lands_only_when_its_block_succeeds(tmp_path: Path) -> None:
    """`feedback add` and `round add` write the new file beside the old one, commit, then
    rename: a failure in between (here raised by hand) leaves the old file and no temp."""
    target = tmp_path / "feedback.toml"
    target.write_bytes(b"old\n")
    with pytest.raises(RuntimeError), staged_write(target, b"new\n"):
        assert target.read_bytes() == b"old\n"  # not in place until the block is done
        raise RuntimeError("the commit failed")
    assert target.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feedback.toml"]
    with staged_write(target, b"new\n"):
        pass
    assert target.read_bytes() == b"new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feedback.toml"]


def test_a_killed_writers_temporary_file_is_removed_by_the_next_write(drafts_repo: Path) -> None:
    """A temporary file left by a killed process (its PID no longer runs) goes at the next
    write of the same file; one of a running process, or of another file, is left alone."""
    dead = drafts_repo / ".draftctl.toml.999999999.x1y2.tmp"  # above any pid_max: not running
    alive = drafts_repo / f".draftctl.toml.{os.getpid()}.a1b2.tmp"
    other = drafts_repo / ".feedback.toml.999999999.c3d4.tmp"
    for temp in (dead, alive, other):
        temp.write_text("half a file")
    done = run(drafts_repo, "round", "add", "sweep", "--title", "Sweep")
    assert done.returncode == 0, done.stderr
    assert not dead.exists()
    assert alive.exists() and other.exists()
    assert _killed_temp(other.name) and not _killed_temp(alive.name)


@pytest.mark.slow
def test_sigkill_at_random_points_leaves_a_sound_repository(drafts_repo: Path) -> None:
    """`commit`, `round add` and `tag`, each killed (SIGKILL) several times at a random moment,
    then run to the end. After every kill: drafts and draftctl.toml wholly old or wholly new,
    no temporary file left in the work tree, `git fsck --strict` clean. The re-run then
    succeeds, or reports that the killed run already did the work: `commit` says "nothing to
    commit" (HEAD already holds the bytes on disk), `tag` says the version "already exists"
    (and it verifies), `round add` of the identical round succeeds and completes the file.

    Kills land anywhere from start-up to the end of a run, whose length is measured as the
    test goes (Python's start-up alone takes ~0.15 s, so a fixed 0–300 ms window would rarely
    reach the writes); half of them kill the whole process group, so that git children die
    mid-write too.
    """
    rng = random.Random(16)
    deadline = time.monotonic() + 30  # a loaded machine stops early; see the last assert
    kills = serial = 0
    kinds = ["commit", "round", "tag"]
    durations = dict.fromkeys(kinds, 0.6)  # a whole run, measured on each re-run
    while time.monotonic() < deadline and serial < 12:
        serial += 1
        op = _Op(drafts_repo, kinds[serial % 3], serial)
        for _ in range(3):
            whole = durations[op.kind]
            early = rng.random() < 0.2  # mostly while git is writing, sometimes during start-up
            delay = rng.uniform(0, 0.3 * whole) if early else rng.uniform(0.3 * whole, whole)
            _kill(_start(drafts_repo, op.args), delay, rng.random() < 0.5)
            kills += 1
            for lock in _stale_git_locks(drafts_repo):  # git's own rule; see _rerun
                lock.unlink()
            op.check_files(killed=True)
        started = time.monotonic()
        done = _rerun(drafts_repo, op.args)
        if done.returncode == 0:
            durations[op.kind] = time.monotonic() - started
        op.check_rerun(done)
    assert kills >= 12, f"only {kills} kills in the time budget"


def _sample_states() -> set[bytes]:
    return {p.read_bytes() for p in (sample_dir() / "states").glob("*.md")}


@pytest.mark.slow
def test_sigkill_during_demo_leaves_whole_files(tmp_path: Path) -> None:
    """`demo` killed part-way: its folder holds a sound repository whose draft is wholly one of
    the sample's states. Re-running `demo` into that folder refuses clearly (the demo never
    writes over files, so the partial folder is kept for inspection); a new folder works
    (covered by the demo's own tests)."""
    states = _sample_states()
    rng = random.Random(6)
    for attempt in range(2):
        target = tmp_path / f"demo-{attempt}"
        proc = subprocess.Popen(
            [*DRAFTCTL, "demo", str(target)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_env(),
            cwd=tmp_path,
            start_new_session=True,
        )
        _kill(proc, rng.uniform(0.8, 1.8), whole_group=attempt == 1)
        if not (target / ".git").exists():
            continue
        for lock in _stale_git_locks(target):
            lock.unlink()
        fsck(target)
        assert [s for s in strays(target) if not _killed_temp(s)] == []
        for draft in (target / "drafts").glob("*.md"):
            assert draft.read_bytes() in states, draft
        if (target / "draftctl.toml").exists():
            tomllib.loads((target / "draftctl.toml").read_text())
        else:  # killed before `init` wrote it: nothing was committed either
            assert git(target, "rev-list", "--all") == ""
        done = subprocess.run(
            [*DRAFTCTL, "demo", str(target)],
            capture_output=True,
            text=True,
            env=_env(),
            cwd=tmp_path,
        )
        assert_refused(done, str(target), "not empty")


# -- 17. read-only repository, full disk -----------------------------------------------------


@pytest.fixture
def public_copy(drafts_repo: Path) -> Iterator[Path]:
    """The repository copied where user `nobody` can reach it, with a readable git config."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to run draftctl as another user")
    base = Path(tempfile.mkdtemp(prefix="draftctl-ro-"))
    try:
        base.chmod(0o755)
        shutil.copytree(drafts_repo, base / "repo", symlinks=True)
        shutil.copy(os.environ["GIT_CONFIG_GLOBAL"], base / "gitconfig")
        (base / "gitconfig").chmod(0o644)
        # Only for this test's own git calls as root (snapshot, fsck) on nobody's files.
        git(drafts_repo, "config", "--global", "--add", "safe.directory", "*")
        yield base / "repo"
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _as_nobody(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **_env(),
        "HOME": str(repo.parent),
        "GIT_CONFIG_GLOBAL": str(repo.parent / "gitconfig"),
    }
    return subprocess.run(
        [*_NOBODY, *DRAFTCTL, "--repo", str(repo), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=repo.parent,
    )


def test_read_only_objects_folder(public_copy: Path) -> None:
    repo = public_copy
    (repo / POLICY).write_text("# Test policy\n\nAn edit that cannot be recorded.\n")
    subprocess.run(["chown", "-R", "65534:65534", str(repo)], check=True)
    subprocess.run(["chmod", "-R", "a-w", str(repo / ".git" / "objects")], check=True)
    before = snapshot(repo)
    for args in (
        ("commit", "--round", "evidence", "-m", "Record"),
        ("round", "add", "late", "--title", "Late round"),
    ):
        line = assert_refused(_as_nobody(repo, *args))
        assert "permission" in line.lower() or "read-only" in line.lower(), line
    assert snapshot(repo) == before
    assert _as_nobody(repo, "log").returncode == 0
    fsck(repo)


def test_read_only_work_tree_keeps_the_registry_whole(public_copy: Path) -> None:
    """The commit lands but draftctl.toml cannot be replaced: clean error; re-run completes."""
    repo = public_copy
    subprocess.run(["chown", "-R", "65534:65534", str(repo)], check=True)
    repo.chmod(0o555)
    old = (repo / "draftctl.toml").read_bytes()
    assert_refused(_as_nobody(repo, "round", "add", "late", "--title", "Late round"))
    assert (repo / "draftctl.toml").read_bytes() == old
    assert strays(repo) == []
    repo.chmod(0o755)
    assert _as_nobody(repo, "round", "add", "late", "--title", "Late round").returncode == 0
    assert b"late" in (repo / "draftctl.toml").read_bytes()
    assert git(repo, "status", "--porcelain") == ""


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs, unmounted afterwards."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> Path:
    """Fill the file system until a write fails."""
    filler = folder / "filler"
    handle = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while os.write(handle, b"\0" * 65536):
            pass
    except OSError:
        pass
    finally:
        os.close(handle)
    return filler


def test_full_disk(drafts_repo: Path, tiny_disk: Path) -> None:
    repo = tiny_disk / "repo"
    shutil.copytree(drafts_repo, repo, symlinks=True)
    cli = Cli(repo)
    text = "# Test policy\n\n" + "Words that do not fit on a full disk. " * 300 + "\n"
    (repo / POLICY).write_text(text)
    before = snapshot(repo)
    filler = _fill(tiny_disk)
    for args in (
        ("commit", "--round", "evidence", "-m", "Record"),
        ("round", "add", "late", "--title", "Late round"),
        ("feedback", "add", "--round", "evidence", "--from", "who", "--summary", "Full"),
    ):
        line = assert_refused(cli(*args, ok=False))
        assert "space" in line.lower(), line
        assert strays(repo) == []
    filler.unlink()
    assert snapshot(repo) == before
    fsck(repo)
    cli("commit", "--round", "evidence", "-m", "Record")
    assert blob(repo, "HEAD", POLICY) == text.encode()


def test_unchanged_helper_sees_a_change(drafts_repo: Path) -> None:
    """The snapshot proves something: a one-byte edit is noticed."""
    with pytest.raises(AssertionError), unchanged(drafts_repo):
        (drafts_repo / POLICY).write_bytes((drafts_repo / POLICY).read_bytes() + b" ")
