"""The per-commit cache under .git/draftctl/: it changes how fast draftctl answers, never what.

Every test runs draftctl on a real repository twice or more (cold, warm, damaged, deleted,
read-only, racing) and compares the bytes of what it prints.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from draftctl.consultation import cache as cache_module
from draftctl.engine import edits, weave
from tests.conftest import Cli, git
from tests.test_diff_command import BASE, add_rounds, edit, record, write
from tests.test_hardening_faults import _as_nobody, public_copy  # noqa: F401 - a fixture

REPORTS = (
    ("diff", "start", "HEAD", "--format", "json"),
    ("diff", "start", "HEAD"),
    ("blame", "--at", "HEAD", "--json"),
    ("log", "--json"),
    ("show", "HEAD~1"),
)


@pytest.fixture
def long_history(drafts_repo: Path) -> Path:
    """A history with rewording, a moved section, a deleted heading, a list turned into
    prose, a revert and a merge."""
    cli = Cli(drafts_repo)
    add_rounds(cli)
    write(drafts_repo, BASE + "\n## Steps\n\n- Listen first.\n- Then act.\n- Report back.\n")
    record(cli, "evidence", "Base text")
    cli("tag", "start")
    edit(drafts_repo, "covers adults", "covers consenting adults")
    record(cli, "evidence", "Consent", "who", why="WHO 2012")
    edit(drafts_repo, "- Listen first.\n- Then act.\n- Report back.", "Listen, act, and report.")
    record(cli, "field", "List into prose")
    text = (drafts_repo / "drafts" / "policy.md").read_text()
    scope, rest = text.split("## Recommendations")
    write(drafts_repo, "## Recommendations" + rest.rstrip("\n") + "\n\n" + scope.rstrip() + "\n")
    record(cli, "consult", "Move the scope to the end", "swl")
    edit(drafts_repo, "## Steps\n\n", "")
    record(cli, "consult", "Drop a heading")
    git(drafts_repo, "switch", "-q", "-c", "side")
    edit(drafts_repo, "States should", "States must")
    record(cli, "field", "Side: must")
    git(drafts_repo, "switch", "-q", "main")
    edit(drafts_repo, "other policies", "other policies of ours")
    record(cli, "evidence", "Main: ours")
    git(drafts_repo, "merge", "-q", "--no-ff", "side", "-m", "Merge side")
    edit(drafts_repo, "other policies of ours", "other policies")
    record(cli, "consult", "Revert ours")
    return drafts_repo


def outputs(repo: Path) -> list[str]:
    cli = Cli(repo)
    return [cli(*args).out for args in REPORTS]


def cache_path(repo: Path) -> Path:
    return repo / ".git" / "draftctl" / f"cache-v{cache_module.STORE_VERSION}.sqlite3"


def entries(repo: Path) -> dict[tuple[str, str], bytes]:
    with sqlite3.connect(cache_path(repo)) as conn:
        rows = conn.execute("SELECT kind, key, value FROM entries").fetchall()
    return {(kind, key): bytes(value) for kind, key, value in rows}


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts the edits the engine computes and the texts its replay tokenises."""
    calls = [0, 0]
    real_edit, real_coded = weave.compute_edit, weave.coded

    def counting_edit(*args: Any) -> edits.Edit:
        calls[0] += 1
        return real_edit(*args)

    def counting_coded(*args: Any) -> Any:
        calls[1] += 1
        return real_coded(*args)

    monkeypatch.setattr(weave, "compute_edit", counting_edit)
    monkeypatch.setattr(weave, "coded", counting_coded)
    yield calls


def test_a_repeat_run_prints_the_same_bytes_and_computes_nothing(
    long_history: Path, computed: list[int]
) -> None:
    cold = outputs(long_history)
    assert computed[0] > 0
    assert {kind for kind, _ in entries(long_history)} == {"edit", "counts", "chunks"}
    cli = Cli(long_history)
    before_merge = ("diff", "start", "HEAD~2", "--format", "json")  # a merge replays texts
    first = cli(*before_merge).out
    computed[:] = [0, 0]
    assert cli(*before_merge).out == first
    assert computed == [0, 0]  # every edit read back, no intermediate version tokenised
    assert outputs(long_history) == cold


def test_a_repeat_run_across_a_merge_reads_the_side_branch_from_the_cache(
    long_history: Path, computed: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(long_history)
    runs = [("diff", "start", "HEAD", "--format", "json"), ("blame", "--at", "HEAD", "--json")]
    first = [cli(*args).out for args in runs]  # both replay the merge and its side branch
    assert computed[0] > 0
    computed[:] = [0, 0]
    from draftctl.engine import recode

    def refuse(*_: object) -> None:
        raise AssertionError("a repeat run coded a version again")

    monkeypatch.setattr(recode, "coded", refuse)
    assert [cli(*args).out for args in runs] == first
    assert computed == [0, 0]  # the side's edits, side tip → merge, base → main: all read


def test_a_repeat_diff_reads_its_two_sides_chunk_counts(
    long_history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(long_history)
    args = ("diff", "start", "HEAD~2", "--format", "json")
    first = cli(*args).out
    from draftctl.engine import side

    def refuse(*_: object) -> None:
        raise AssertionError("the read-off tokenised a whole side again")

    monkeypatch.setattr(side, "coded", refuse)
    assert cli(*args).out == first
    with sqlite3.connect(cache_path(long_history)) as conn:
        conn.execute("UPDATE entries SET value = x'00' WHERE kind = 'chunks'")
    monkeypatch.undo()
    assert cli(*args).out == first  # damaged counts: the sides are coded afresh


def test_log_counts_come_from_the_cache(
    long_history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(long_history)
    cold = cli("log", "--json").out
    from draftctl.engine import counts

    def refuse(*_: object) -> None:
        raise AssertionError("log counted words again instead of reading the cache")

    monkeypatch.setattr(counts, "text_counts", refuse)
    assert cli("log", "--json").out == cold


def test_deleting_the_cache_changes_nothing_but_speed(long_history: Path) -> None:
    cold = outputs(long_history)
    for _ in range(2):
        subprocess.run(["rm", "-rf", str(long_history / ".git" / "draftctl")], check=True)
        assert outputs(long_history) == cold
    assert cache_path(long_history).exists()


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _garble(path: Path) -> None:
    path.write_bytes(b"not a database at all\n" * 200)


@pytest.mark.parametrize("damage", [_truncate, _garble])
def test_a_damaged_cache_file_is_ignored_and_rebuilt(
    long_history: Path, damage: Callable[[Path], None]
) -> None:
    cold = outputs(long_history)
    damage(cache_path(long_history))
    assert outputs(long_history) == cold
    assert len(entries(long_history)) > 0  # a working cache again


@pytest.mark.parametrize("cut", ["substr(value, 1, length(value) - 3)", "zeroblob(length(value))"])
def test_damaged_entries_are_ignored_and_rewritten(
    long_history: Path, computed: list[int], cut: str
) -> None:
    cold = outputs(long_history)
    good = entries(long_history)
    with sqlite3.connect(cache_path(long_history)) as conn:
        conn.execute(f"UPDATE entries SET value = {cut}")
    computed[:] = [0, 0]
    assert outputs(long_history) == cold
    assert computed[0] > 0  # recomputed, not read
    assert entries(long_history) == good


def test_an_entry_of_another_format_is_ignored(
    long_history: Path, computed: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = outputs(long_history)
    from draftctl.engine import version

    monkeypatch.setattr(version, "ENGINE_VERSION", version.ENGINE_VERSION + 1)
    computed[:] = [0, 0]
    assert outputs(long_history) == cold
    assert computed[0] > 0
    spaces = {
        row[0]
        for row in sqlite3.connect(cache_path(long_history)).execute(
            "SELECT DISTINCT space FROM entries"
        )
    }
    assert len(spaces) == 2


def test_any_change_to_the_engines_source_gives_a_new_format(tmp_path: Path) -> None:
    """A tuning bound or a tokeniser rule edited without a manual version bump still keys
    new entries apart: the format names a digest of the engine's source."""
    import shutil

    from draftctl.engine import version

    engine = Path(version.__file__).parent
    assert version.source_digest(engine) in version.format_key()
    copy = tmp_path / "engine"
    shutil.copytree(engine, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert version.source_digest(copy) == version.source_digest(engine)
    tokendiff = copy / "tokendiff.py"
    tokendiff.write_text(tokendiff.read_text() + "\n# a bound retuned\n")
    assert version.source_digest(copy) != version.source_digest(engine)


def test_a_new_store_version_starts_a_new_file(
    long_history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = outputs(long_history)
    monkeypatch.setattr(cache_module, "STORE_VERSION", cache_module.STORE_VERSION + 1)
    assert outputs(long_history) == cold
    assert sorted(p.name for p in (long_history / ".git" / "draftctl").glob("cache-*")) == [
        "cache-v1.sqlite3",
        "cache-v2.sqlite3",
    ]


def test_worktrees_and_subfolders_share_one_cache(long_history: Path, tmp_path: Path) -> None:
    cold = outputs(long_history)
    other = tmp_path / "other"
    git(long_history, "worktree", "add", "-q", "--detach", str(other), "HEAD")
    before = entries(long_history)
    assert outputs(other) == cold
    assert entries(long_history) == before
    assert not list((long_history / ".git" / "worktrees").rglob("cache-*"))
    done = subprocess.run(
        [sys.executable, "-m", "draftctl", "log", "--json"],
        cwd=long_history / "drafts",
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == cold[3]


def test_the_cache_is_never_committed_or_pushed(long_history: Path, tmp_path: Path) -> None:
    outputs(long_history)
    assert cache_path(long_history).exists()
    assert git(long_history, "status", "--porcelain", "--ignored") == ""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(long_history, "push", "-q", str(remote), "main", "--tags")
    assert not (remote / "draftctl").exists()
    files = git(remote, "log", "--all", "--name-only", "--format=")
    assert "draftctl/cache" not in files and "sqlite" not in files
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(remote), str(clone))
    assert not (clone / ".git" / "draftctl").exists()


def test_two_processes_racing_on_an_empty_cache(long_history: Path) -> None:
    args = [sys.executable, "-m", "draftctl", "--repo", str(long_history)]
    expected = outputs(long_history)
    subprocess.run(["rm", "-rf", str(long_history / ".git" / "draftctl")], check=True)
    commands = [[*args, *REPORTS[0]], [*args, *REPORTS[2]], [*args, *REPORTS[0]]]
    runs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in commands]
    results = [(p.communicate(), p.returncode) for p in runs]
    for (_, err), code in results:
        assert code == 0 and err == b"", err
    assert [r[0][0].decode() for r in results] == [expected[0], expected[2], expected[0]]
    assert outputs(long_history) == expected
    assert len(entries(long_history)) > 0


def test_an_unwritable_cache_folder_only_costs_speed(long_history: Path) -> None:
    """A regular file where the folder should be: nothing can be written, all still works."""
    cold = outputs(long_history)
    folder = long_history / ".git" / "draftctl"
    subprocess.run(["rm", "-rf", str(folder)], check=True)
    folder.write_text("in the way\n")
    assert outputs(long_history) == cold
    assert folder.read_text() == "in the way\n"


def test_a_read_only_repository_still_answers(
    long_history: Path,
    public_copy: Path,  # noqa: F811 - the fixture imported above
) -> None:
    """Run as another user on a repository whose .git it cannot write: with no cache, and
    with a cache it can only read."""
    json_reports = [REPORTS[0], REPORTS[2], REPORTS[3]]
    cli = Cli(long_history)
    expected = [cli(*args).out for args in json_reports]
    repo = public_copy
    subprocess.run(["chown", "-R", "65534:65534", str(repo)], check=True)
    subprocess.run(["chmod", "-R", "a-w", str(repo / ".git")], check=True)
    assert [_as_nobody(repo, *args).stdout for args in json_reports] == expected
    assert not cache_path(repo).exists()  # (.git/draftctl may hold the git version seen)
    subprocess.run(["chmod", "-R", "u+w", str(repo / ".git")], check=True)
    assert [_as_nobody(repo, *args).stdout for args in json_reports] == expected
    saved = cache_path(repo).read_bytes()
    subprocess.run(["chmod", "-R", "a-w", str(repo / ".git")], check=True)
    for args, out in zip(json_reports, expected, strict=True):
        done = _as_nobody(repo, *args)
        assert (done.returncode, done.stdout, done.stderr) == (0, out, "")
    assert cache_path(repo).read_bytes() == saved
