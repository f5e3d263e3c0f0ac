"""Hardening, repository state: odd repositories, git itself, configured programs, versions."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from draftctl.git.process import MIN_GIT
from tests.conftest import Cli, git, snapshot
from tests.hardening_helpers import (
    assert_refused,
    blob,
    drafts_repo,
    fsck,
    head,
    refuses,
    run,
    unchanged,
)

__all__ = ["drafts_repo"]  # the fast copy overrides conftest's fixture in this module

POLICY = "drafts/policy.md"
COMMIT = ("commit", "--round", "evidence", "-m", "Record")
WRITERS = [
    COMMIT,
    ("round", "add", "late", "--title", "Late round"),
    ("stakeholder", "add", "unaids", "--name", "UNAIDS"),
    ("new", "annex"),
    ("tag", "v9"),
    ("attribute", "HEAD", "--round", "evidence"),
    ("feedback", "add", "--round", "evidence", "--from", "who", "--summary", "S"),
]


def _edit(repo: Path, text: str = "# Test policy\n\nChanged on disk.\n") -> None:
    (repo / POLICY).write_text(text)


# -- 10. repository states -------------------------------------------------------------------


def test_not_a_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    for args in (("status",), ("log",), COMMIT):
        assert_refused(Cli(plain)(*args, ok=False), str(plain), "not inside a git repository")
    assert list(plain.iterdir()) == []


def test_missing_folder(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    assert_refused(Cli(missing)("status", ok=False), str(missing), "does not exist")
    assert not missing.exists()


def test_bare_repository(tmp_path: Path) -> None:
    bare = tmp_path / "bare.git"
    git(tmp_path, "init", "--quiet", "--bare", str(bare))
    before = sorted(p.name for p in bare.rglob("*"))
    for args in (("status",), ("log",), COMMIT, ("init", ".")):
        assert_refused(Cli(bare)(*args, ok=False), "bare")
    assert sorted(p.name for p in bare.rglob("*")) == before


def test_git_repository_without_draftctl_toml(tmp_path: Path) -> None:
    repo = tmp_path / "plain-git"
    git(tmp_path, "init", "--quiet", str(repo))
    assert_refused(Cli(repo)("status", ok=False), "not a drafts repository")


def test_empty_repository_is_adopted_by_init(tmp_path: Path) -> None:
    """`git init` then `draftctl init`: no commits yet; unrelated staged work is left alone."""
    repo = tmp_path / "empty"
    git(tmp_path, "init", "--quiet", str(repo))
    (repo / "notes.txt").write_text("my own notes\n")
    git(repo, "add", "notes.txt")
    Cli(repo)("init", ".", "--name", "Adopted")
    assert git(repo, "diff", "--cached", "--name-only") == "notes.txt\n"
    assert git(repo, "ls-tree", "--name-only", "-r", "HEAD").split() == [
        "draftctl.toml",
        "drafts/.gitkeep",
    ]
    cli = Cli(repo)
    cli("new", "policy")
    assert cli("status").code == 0
    assert git(repo, "diff", "--cached", "--name-only") == "notes.txt\n"
    fsck(repo)


def test_init_twice_is_refused(drafts_repo: Path) -> None:
    refuses(Cli(drafts_repo), drafts_repo, ["init", "."], "already a drafts repository")


def test_linked_worktree(drafts_repo: Path, tmp_path: Path) -> None:
    """A commit from a linked worktree moves its branch only; the main worktree is untouched."""
    linked = tmp_path / "linked"
    git(drafts_repo, "worktree", "add", "--quiet", "-b", "review", str(linked))
    main_before = snapshot(drafts_repo)
    main_head = head(drafts_repo)
    _edit(linked, "# Test policy\n\nEdited in the linked worktree.\n")
    Cli(linked)(*COMMIT)
    assert blob(linked, "review", POLICY) == (linked / POLICY).read_bytes()
    assert git(linked, "status", "--porcelain") == ""
    assert head(drafts_repo) == main_head
    after = snapshot(drafts_repo)
    assert after[1:] == main_before[1:]
    assert [r for r in after[0].splitlines() if "refs/heads/review" not in r] == [
        r for r in main_before[0].splitlines() if "refs/heads/review" not in r
    ]
    assert Cli(linked)("log", "--json").code == 0
    fsck(drafts_repo)


def test_detached_head_refuses_writes(drafts_repo: Path) -> None:
    git(drafts_repo, "checkout", "--quiet", "--detach")
    _edit(drafts_repo)
    cli = Cli(drafts_repo)
    for args in WRITERS[:4]:
        line = refuses(cli, drafts_repo, args, "detached")
        assert line
    result = cli(*COMMIT, ok=False)
    assert "git switch" in result.err
    assert cli("log").code == 0


def _branch_with_conflict(repo: Path) -> None:
    """`other` and `main` both change the same paragraph."""
    git(repo, "checkout", "--quiet", "-b", "other")
    _edit(repo, "# Test policy\n\nTheir wording.\n")
    git(repo, "commit", "--quiet", "-am", "Theirs", "--trailer", "Consultation-Round: evidence")
    git(repo, "checkout", "--quiet", "main")
    _edit(repo, "# Test policy\n\nOur wording.\n")
    git(repo, "commit", "--quiet", "-am", "Ours", "--trailer", "Consultation-Round: evidence")


def _start(repo: Path, *args: str) -> None:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    assert done.returncode != 0, "expected git to stop part-way"


@pytest.mark.parametrize(
    ("operation", "way_back"),
    [
        ("merge", "git merge --abort"),
        ("rebase", "git rebase --abort"),
        ("cherry-pick", "git cherry-pick --abort"),
        ("revert", "git revert --abort"),
    ],
)
def test_unfinished_operation_refuses_writes(
    drafts_repo: Path, operation: str, way_back: str
) -> None:
    _branch_with_conflict(drafts_repo)
    if operation == "merge":
        _start(drafts_repo, "merge", "other")
    elif operation == "rebase":
        _start(drafts_repo, "rebase", "other")
    elif operation == "cherry-pick":
        _start(drafts_repo, "cherry-pick", "other")
    else:
        _start(drafts_repo, "revert", "--no-edit", "HEAD~1")
    cli = Cli(drafts_repo)
    for args in WRITERS[:4]:
        refuses(cli, drafts_repo, args, operation)
    result = cli(*COMMIT, ok=False)
    assert way_back in result.err, result.err
    assert cli("log").code == 0


def test_merge_without_conflict_in_progress_refuses_writes(drafts_repo: Path) -> None:
    git(drafts_repo, "checkout", "--quiet", "-b", "other")
    (drafts_repo / "drafts" / "annex.md").write_text("# Annex\n\nText.\n")
    git(drafts_repo, "add", "drafts/annex.md")
    git(
        drafts_repo, "commit", "--quiet", "-m", "Annex", "--trailer", "Consultation-Round: evidence"
    )
    git(drafts_repo, "checkout", "--quiet", "main")
    git(drafts_repo, "merge", "--quiet", "--no-commit", "--no-ff", "other")
    _edit(drafts_repo)
    line = refuses(Cli(drafts_repo), drafts_repo, COMMIT, "merge")
    assert "in progress" in line


def test_other_staged_files_are_left_alone(cli: Cli, drafts_repo: Path) -> None:
    (drafts_repo / "notes.txt").write_text("my own notes\n")
    (drafts_repo / "drafts" / "annex.md").write_text("# Annex\n\nStaged, not recorded.\n")
    git(drafts_repo, "add", "notes.txt", "drafts/annex.md")
    staged = git(drafts_repo, "ls-files", "--stage", "notes.txt", "drafts/annex.md")
    _edit(drafts_repo)
    cli("commit", "policy", "--round", "evidence", "-m", "Only the policy")
    assert git(drafts_repo, "show", "--name-only", "--format=", "HEAD").split() == [POLICY]
    assert git(drafts_repo, "ls-files", "--stage", "notes.txt", "drafts/annex.md") == staged
    assert git(drafts_repo, "status", "--porcelain") == "A  drafts/annex.md\nA  notes.txt\n"
    fsck(drafts_repo)


# -- 11. another user's repository -----------------------------------------------------------


def test_repository_owned_by_another_user(drafts_repo: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to give the repository to another user")
    global_config = Path(os.environ["GIT_CONFIG_GLOBAL"])
    config_before = global_config.read_bytes()
    listing = git(drafts_repo, "config", "--global", "--list")
    local_before = (drafts_repo / ".git" / "config").read_bytes()
    _edit(drafts_repo)
    before = snapshot(drafts_repo)
    subprocess.run(["chown", "-R", "12345:12345", str(drafts_repo)], check=True)
    try:
        for args in (
            ("status",),
            ("log",),
            COMMIT,
            ("round", "add", "x", "--title", "X"),
        ):
            line = assert_refused(run(drafts_repo, *args), "owned by another user")
            assert "safe.directory" in line
    finally:
        subprocess.run(["chown", "-R", "0:0", str(drafts_repo)], check=True)
    assert global_config.read_bytes() == config_before
    assert git(drafts_repo, "config", "--global", "--list") == listing
    assert (drafts_repo / ".git" / "config").read_bytes() == local_before
    assert snapshot(drafts_repo) == before
    fsck(drafts_repo)


def test_init_in_a_git_repository_owned_by_another_user(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to give the repository to another user")
    plain = tmp_path / "theirs"
    git(tmp_path, "init", "--quiet", str(plain))
    before = sorted(p.relative_to(plain) for p in plain.rglob("*"))
    subprocess.run(["chown", "-R", "12345:12345", str(plain)], check=True)
    line = assert_refused(run(plain, "init", "."), "owned by another user")
    assert "safe.directory" in line
    assert sorted(p.relative_to(plain) for p in plain.rglob("*")) == before


# -- 12. git missing or too old --------------------------------------------------------------


def test_git_missing(drafts_repo: Path, tmp_path: Path) -> None:
    empty = tmp_path / "no-git-here"
    empty.mkdir()
    with unchanged(drafts_repo):
        for args in (("status",), COMMIT, ("init", str(tmp_path / "new"))):
            assert_refused(run(drafts_repo, *args, env={"PATH": str(empty)}), "git")
    assert not (tmp_path / "new").exists()


def _fake_git(tmp_path: Path, version: str) -> Path:
    real = shutil.which("git")
    folder = tmp_path / f"git-{version}"
    folder.mkdir()
    script = folder / "git"
    script.write_text(
        "#!/bin/sh\n"
        f'for a in "$@"; do [ "$a" = version ] || [ "$a" = --version ] && '
        f'{{ echo "git version {version}"; exit 0; }}; done\n'
        f'exec "{real}" "$@"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return folder


@pytest.mark.parametrize("version", ["2.20.0", "1.8.3.1", "2.29.9.windows.1", "garbage"])
def test_git_too_old(drafts_repo: Path, tmp_path: Path, version: str) -> None:
    path = f"{_fake_git(tmp_path, version)}{os.pathsep}{os.environ['PATH']}"
    minimum = f"{MIN_GIT[0]}.{MIN_GIT[1]}"
    _edit(drafts_repo)
    with unchanged(drafts_repo):
        for args in (("status",), COMMIT, ("init", str(tmp_path / "new"))):
            line = assert_refused(run(drafts_repo, *args, env={"PATH": path}), minimum)
            assert "too old" in line or "version" in line
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("version", ["2.30.0", "2.45.1.windows.2", "3.0.0.rc1"])
def test_git_new_enough(drafts_repo: Path, tmp_path: Path, version: str) -> None:
    path = f"{_fake_git(tmp_path, version)}{os.pathsep}{os.environ['PATH']}"
    assert run(drafts_repo, "status", env={"PATH": path}).returncode == 0


# -- 13. configured programs never run -------------------------------------------------------

TRAPS = {
    "core.fsmonitor": "fsmonitor",
    "core.hooksPath": None,  # a folder of hooks, below
    "trailer.consultation-round.cmd": "trailer-cmd",
    "trailer.consultation-round.command": "trailer-command",
    "gpg.program": "gpg",
    "gpg.ssh.program": "gpg-ssh",
    "gpg.x509.program": "gpg-x509",
    "diff.external": "diff-external",
    "diff.evil.command": "diff-command",
    "diff.evil.textconv": "textconv",
    "filter.evil.clean": "clean",
    "filter.evil.smudge": "smudge",
    "filter.evil.process": "process",
    "core.pager": "pager",
    "pager.log": "pager-log",
    "core.editor": "editor",
    "sequence.editor": "sequence-editor",
    "core.askPass": "askpass",
    "credential.helper": "credential",
    "core.sshCommand": "ssh",
    "log.showSignature": "true",
}
HOOKS = (
    "pre-commit", "commit-msg", "post-commit", "post-checkout", "post-merge", "post-rewrite",
    "reference-transaction", "post-index-change", "pre-push", "fsmonitor-watchman",
)  # fmt: skip


def _trap(folder: Path, name: str, markers: Path, passthrough: bool = False) -> str:
    script = folder / name
    body = "cat\n" if passthrough else "exit 1\n"
    script.write_text(f'#!/bin/sh\ntouch "{markers}/{name}"\n{body}')
    script.chmod(0o755)
    return str(script)


def _set_traps(repo: Path, tmp_path: Path) -> Path:
    markers, bin_dir, hooks = tmp_path / "markers", tmp_path / "traps", tmp_path / "hooks"
    for folder in (markers, bin_dir, hooks):
        folder.mkdir()
    for key, name in TRAPS.items():
        if key == "core.hooksPath":
            value = str(hooks)
        elif name == "true":
            value = "true"
        else:
            value = _trap(bin_dir, str(name), markers, passthrough=key.startswith("filter."))
        git(repo, "config", key, value)
    for hook in HOOKS:
        _trap(hooks, hook, markers)
        _trap(repo / ".git" / "hooks", hook, markers)
    git(repo, "config", "filter.evil.required", "false")
    return markers


def _signed_looking_commit(repo: Path) -> None:
    """Rewrite HEAD with a gpgsig header, so `log.showSignature` would call gpg.program."""
    raw = git(repo, "cat-file", "commit", "HEAD")
    header, _, message = raw.partition("\n\n")
    signature = "-----BEGIN PGP SIGNATURE-----\n \n iQEz\n -----END PGP SIGNATURE-----"
    signed = f"{header}\ngpgsig {signature}\n\nSigned-looking {message}"
    commit = git(repo, "hash-object", "-t", "commit", "-w", "--stdin", input=signed).strip()
    git(repo, "update-ref", "refs/heads/main", commit)


READERS = [
    ("log",),
    ("log", "--json"),
    ("log", "--draft", "policy", "--section", "Purpose"),
    ("status",),
    ("status", "--json"),
    ("diff", "v1"),
    ("diff", "v1", "--format", "json"),
    ("diff", "v1", "--format", "html"),
    ("diff", "v1", "--format", "markdown"),
    ("diff", "v1", "--stat"),
    ("show", "HEAD~1"),
    ("blame",),
    ("blame", "--json", "--at", "HEAD"),
    ("report",),
    ("report", "--format", "json"),
    ("versions",),
    ("versions", "--json"),
    ("verify", "v1"),
    ("export", "v1", "--format", "markdown"),
    ("check",),
    ("attribute", "--list"),
    ("round", "list"),
    ("round", "show", "evidence"),
    ("stakeholder", "list"),
    ("feedback", "list"),
]


def test_reading_commands_never_run_configured_programs(
    cli: Cli, drafts_repo: Path, tmp_path: Path
) -> None:
    cli("tag", "v1", "-m", "First version")
    (drafts_repo / ".gitattributes").write_text("*.md filter=evil diff=evil\n")
    _edit(drafts_repo, "# Test policy\n\n## Purpose\n\nCommitted after the version.\n")
    git(drafts_repo, "add", ".gitattributes", POLICY)
    git(
        drafts_repo,
        "commit",
        "--quiet",
        "-m",
        "Attributes",
        "--trailer",
        "Consultation-Round: evidence",
    )
    _signed_looking_commit(drafts_repo)
    markers = _set_traps(drafts_repo, tmp_path)
    _edit(drafts_repo, "# Test policy\n\n## Purpose\n\nAnd an uncommitted edit.\n")
    os.utime(drafts_repo / POLICY, (1, 1))  # stat data changed: git would re-read (and filter)
    for args in READERS:
        result = cli(*args, ok=False)
        assert result.code == 0, (args, result)
        assert "Traceback" not in result.err
        assert sorted(p.name for p in markers.iterdir()) == [], args
    result = cli("log", "--json")
    assert "gpg" not in result.out and "Signed-looking" in result.out


def test_commit_never_runs_filters_or_hooks(cli: Cli, drafts_repo: Path, tmp_path: Path) -> None:
    """draftctl stores the bytes on disk (hash-object --no-filters), whatever the attributes."""
    (drafts_repo / ".gitattributes").write_text("*.md filter=evil diff=evil text eol=crlf\n")
    git(drafts_repo, "add", ".gitattributes")
    git(drafts_repo, "commit", "--quiet", "-m", "Attributes")
    markers = _set_traps(drafts_repo, tmp_path)
    data = b"# Test policy\n\nBytes exactly as written, LF endings.\n"
    (drafts_repo / POLICY).write_bytes(data)
    cli(*COMMIT)
    cli("round", "add", "late", "--title", "Late round")
    assert blob(drafts_repo, "HEAD", POLICY) == data
    assert sorted(p.name for p in markers.iterdir()) == []
    fsck(drafts_repo)


# -- 18. versions are create-only ------------------------------------------------------------


def test_versions_cannot_be_moved_forced_or_deleted(cli: Cli, drafts_repo: Path) -> None:
    cli("tag", "v1", "-m", "First version")
    _edit(drafts_repo)
    cli(*COMMIT)
    refuses(cli, drafts_repo, ["tag", "v1"], "v1", "already exists")
    refuses(cli, drafts_repo, ["tag", "v1", "--rev", "HEAD~1"], "v1")
    for args in (["tag", "--force", "v1"], ["tag", "-f", "v1"], ["tag", "-d", "v1"]):
        with unchanged(drafts_repo):
            result = cli(*args, ok=False)
            assert result.code == 2, result  # no such option: wrong usage
    cli("outcome", "v1", "--status", "adopted", "--date", "2015-08-11")
    refuses(cli, drafts_repo, ["outcome", "v1", "--status", "rejected"], "v1")
    refuses(cli, drafts_repo, ["outcome", "v1", "--status", "adopted"], "v1")
    assert cli("verify", "v1").code == 0


def test_tampering_through_plain_git_is_detected(cli: Cli, drafts_repo: Path) -> None:
    cli("tag", "v1", "-m", "First version")
    message = git(drafts_repo, "for-each-ref", "--format=%(contents)", "refs/tags/v1")
    _edit(drafts_repo)
    cli(*COMMIT)
    # Moved with its message copied: the digest no longer matches the content.
    git(drafts_repo, "tag", "-f", "-a", "v1", "-m", message, "HEAD")
    assert_refused(cli("verify", "v1", ok=False), "v1")
    # Replaced by a lightweight tag at the original commit.
    git(drafts_repo, "tag", "-f", "v1", "HEAD~1")
    assert_refused(cli("verify", "v1", ok=False), "v1")


def test_outcome_before_adoption_is_refused(cli: Cli, drafts_repo: Path) -> None:
    refuses(cli, drafts_repo, ["outcome", "v9", "--status", "adopted"], "v9")
