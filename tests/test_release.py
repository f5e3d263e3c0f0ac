"""Versions: the digest recipe, create-only tags, their guards, outcomes, verify, tampering."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from draftctl.consultation.workspace import open_workspace
from draftctl.errors import AlreadyExists
from draftctl.git.process import Identity
from draftctl.release import digest
from draftctl.release import tags as release
from draftctl.release.versions import describe_versions, list_versions
from tests.conftest import Cli, git, run_main, snapshot
from tests.release_helpers import copied


def _build(base: Path) -> Path:
    Cli(base)("init", "repo", "--name", "Release test")
    cli = Cli(base / "repo")
    cli("stakeholder", "add", "who", "--name", "World Health Organization")
    cli("round", "add", "evidence", "--title", "Evidence review", "--stakeholder", "who")
    cli("round", "open", "evidence", "--on", "2014-01-10")
    cli("new", "policy", "--title", "Test policy")
    _edit(base / "repo", "\nStates must respect the rights of sex workers.\n")
    cli("commit", "--round", "evidence", "--by", "who", "-m", "State duty", "--why", "WHO 2012")
    return base / "repo"


@pytest.fixture
def repo(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A drafts repository with one attributed commit (a copy of one built per session)."""
    target = copied("release", _build, tmp_path, tmp_path_factory)
    return target


def _edit(repo: Path, text: str, name: str = "policy") -> None:
    path = repo / "drafts" / f"{name}.md"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(old + text, encoding="utf-8")


def _tag_object(repo: Path, name: str) -> str:
    return git(repo, "rev-parse", f"refs/tags/{name}").strip()


def _recipe(repo: Path, rev: str) -> str:
    """The documented digest recipe, written out independently with plain git."""
    listing = git(repo, "ls-tree", "-r", "-z", rev, "--", "drafts")
    entries = []
    for line in filter(None, listing.split("\0")):
        meta, path = line.split("\t", 1)
        mode, _, oid = meta.split()
        if mode in ("100644", "100755") and path.endswith(".md"):
            entries.append((path, oid))
    hasher = hashlib.sha256()
    for path, oid in sorted(entries, key=lambda e: e[0].encode()):
        data = subprocess.run(
            ["git", "cat-file", "blob", oid], cwd=repo, capture_output=True, check=True
        ).stdout
        hasher.update(path.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return f"sha256:{hasher.hexdigest()}"


def _mktag(repo: Path, target: str, name: str, message: str) -> str:
    text = f"object {target}\ntype commit\ntag {name}\ntagger T <t@example.org> 0 +0000\n\n"
    return git(repo, "mktag", input=text + message).strip()


# -- the digest ------------------------------------------------------------------------------


def test_digest_recipe_is_pinned() -> None:
    files = [("drafts/b.md", b"two\n"), ("drafts/a.md", b"one\n")]
    expected = hashlib.sha256(b"drafts/a.md\x004\x00one\ndrafts/b.md\x004\x00two\n").hexdigest()
    assert digest.digest_files(files) == f"sha256:{expected}"


def test_digest_matches_recipe_and_ignores_the_work_tree(repo: Path) -> None:
    _edit(repo, "more\n", "annex")
    Cli(repo)("commit", "--round", "evidence", "-m", "Annex")
    (repo / "drafts" / "notes.txt").write_text("not a draft\n")
    ws = open_workspace(repo)
    before, drafts = digest.content_digest(ws, ws.repo.head() or "")
    _edit(repo, "uncommitted words\n")
    assert digest.content_digest(ws, ws.repo.head() or "")[0] == before
    assert before == _recipe(repo, "HEAD")
    assert drafts == ["drafts/annex.md", "drafts/policy.md"]


# -- tag -------------------------------------------------------------------------------------


def test_tag_writes_the_contract_trailers(repo: Path) -> None:
    Cli(repo)("tag", "icm-2015", "--status", "submitted", "--meeting", "ICM, Dublin 2015")
    body = git(repo, "cat-file", "tag", "icm-2015")
    assert "\ntag icm-2015\n" in body
    assert "Draft-Status: submitted\n" in body
    assert "Meeting: ICM, Dublin 2015\n" in body
    assert f"Content-Digest: {_recipe(repo, 'HEAD')}\n" in body
    assert "Allow-Unattributed" not in body
    assert git(repo, "cat-file", "-t", "refs/tags/icm-2015").strip() == "tag"


def test_tag_an_earlier_commit_with_a_dirty_work_tree(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD").strip()
    _edit(repo, "later\n")
    Cli(repo)("commit", "--round", "evidence", "-m", "Later")
    _edit(repo, "dirty\n")
    Cli(repo)("tag", "v0", "--rev", first)
    version = list_versions(open_workspace(repo))[0]
    assert version.commit == first and version.digest == _recipe(repo, first)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--", "-v1"], "invalid version name '-v1'"),
        (["a b"], "invalid version name 'a b'"),
        (["a..b"], "invalid version name 'a..b'"),
        (["vé"], "non-ASCII"),
        (["v.lock"], "invalid version name"),
        (["v1", "--status", "final"], "unknown status 'final'"),
        (["v1", "--rev", "no-such-rev"], "unknown revision 'no-such-rev'"),
        (["v1", "--meeting", "two\nlines"], "meeting contains a control"),
    ],
)
def test_tag_refuses_bad_input_and_changes_nothing(
    repo: Path, args: list[str], message: str
) -> None:
    before = snapshot(repo)
    result = Cli(repo)("tag", *args, ok=False)
    assert result.code == 1 and message in result.err
    assert snapshot(repo) == before


def test_tag_refuses_uncommitted_drafts(repo: Path) -> None:
    _edit(repo, "not recorded\n")
    (repo / "drafts" / "new.md").write_text("# New\n")
    before = snapshot(repo)
    result = Cli(repo)("tag", "v1", ok=False)
    assert "uncommitted changes in drafts/new.md, drafts/policy.md" in result.err
    assert snapshot(repo) == before


def test_tag_refuses_unattributed_commits_unless_allowed(repo: Path) -> None:
    _edit(repo, "plain git\n")
    git(repo, "commit", "-qam", "Quick fix")
    loose = git(repo, "rev-parse", "HEAD").strip()
    before = snapshot(repo)
    result = Cli(repo)("tag", "v1", ok=False)
    assert "1 commit since the previous version has no consultation round" in result.err
    assert loose[:10] in result.err and "--allow-unattributed" in result.err
    assert snapshot(repo) == before
    Cli(repo)("tag", "v1", "--allow-unattributed")
    body = git(repo, "cat-file", "tag", "v1")
    assert "Allow-Unattributed: yes\n" in body and f"Unattributed-Commit: {loose}\n" in body
    assert list_versions(open_workspace(repo))[0].unattributed_allowed == [loose]


def test_unattributed_check_starts_at_the_previous_version(repo: Path) -> None:
    _edit(repo, "plain git\n")
    git(repo, "commit", "-qam", "Quick fix")
    Cli(repo)("tag", "v1", "--allow-unattributed")
    _edit(repo, "attributed\n")
    Cli(repo)("commit", "--round", "evidence", "-m", "Attributed")
    Cli(repo)("tag", "v2")
    assert "Allow-Unattributed" not in git(repo, "cat-file", "tag", "v2")


def test_existing_tag_is_never_moved(repo: Path) -> None:
    Cli(repo)("tag", "v1")
    _edit(repo, "later\n")
    Cli(repo)("commit", "--round", "evidence", "-m", "Later")
    for name in ("v1",):
        before = snapshot(repo)
        result = Cli(repo)("tag", name, ok=False)
        assert f"version '{name}' already exists (refs/tags/{name})" in result.err
        assert snapshot(repo) == before
    git(repo, "tag", "plain")
    assert "already exists" in Cli(repo)("tag", "plain", ok=False).err
    assert "--force" not in Cli(repo)("tag", "--help").out


def test_create_only_even_when_the_ref_appears_after_the_guards(repo: Path) -> None:
    ws = open_workspace(repo)
    head = ws.repo.head() or ""
    git(repo, "tag", "race", "HEAD~1")
    with pytest.raises(AlreadyExists):
        release.create_tag(ws, "race", head, "Version race\n\nDraft-Status: draft\n")
    assert git(repo, "rev-parse", "race^{commit}").strip() != head


def test_two_concurrent_tag_processes_make_exactly_one_tag(repo: Path) -> None:
    command = [sys.executable, "-m", "draftctl", "--repo", str(repo), "tag", "icm-2015"]
    procs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [(p.wait(), p.stderr.read() if p.stderr else "") for p in procs]
    assert sorted(code for code, _ in results) == [0, 1]
    loser = next(err for code, err in results if code == 1)
    assert "error: version 'icm-2015' already exists" in loser
    assert git(repo, "tag", "--list").split() == ["icm-2015"]
    assert run_main(repo, "verify", "icm-2015").returncode == 0


def test_historical_identity_dates_the_tag(repo: Path) -> None:
    ws = open_workspace(repo)
    who = Identity("Release Staff", "release@example.org", "2015-08-07T12:00:00+01:00")
    version = release.cut_version(ws, "icm-2015", status="submitted", identity=who)
    assert version.date.startswith("2015-08-07T12:00:00")
    outcome = release.record_outcome(ws, "icm-2015", status="adopted", identity=who)
    assert outcome.decided == "2015-08-07"
    assert "Release Staff <release@example.org> 1438945200 +0100" in git(
        repo, "cat-file", "tag", "icm-2015-adopted"
    )


# -- outcome and versions --------------------------------------------------------------------


def test_outcome_is_a_second_tag_shown_as_the_versions_outcome(repo: Path) -> None:
    cli = Cli(repo)
    cli("tag", "icm-2015", "--status", "submitted", "--meeting", "ICM Dublin")
    version_object = _tag_object(repo, "icm-2015")
    cli("outcome", "icm-2015", "--status", "adopted", "--date", "2015-08-11", "--note", "Vote")
    assert _tag_object(repo, "icm-2015") == version_object
    body = git(repo, "cat-file", "tag", "icm-2015-adopted")
    for line in (
        "Outcome-Of: icm-2015",
        f"Version-Tag: {version_object}",
        "Draft-Status: adopted",
        "Decided: 2015-08-11",
        "Meeting: ICM Dublin",
        "Note: Vote",
    ):
        assert line + "\n" in body
    rows = json.loads(cli("versions", "--json").out)
    assert [row["name"] for row in rows] == ["icm-2015"]
    assert rows[0]["status"] == "submitted"
    assert rows[0]["outcome"]["status"] == "adopted"
    assert rows[0]["outcome"]["date"] == "2015-08-11"
    assert rows[0]["outcome"]["tag"] == "icm-2015-adopted"


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ([], ["nope", "--status", "adopted"], "no version named 'nope'"),
        ([["tag", "v1"]], ["v1", "--status", "submitted"], "unknown status 'submitted'"),
        ([["tag", "v1"]], ["v1", "--status", "adopted", "--date", "11/08/2015"], "not an ISO"),
        (
            [["tag", "v1"], ["outcome", "v1", "--status", "rejected"]],
            ["v1", "--status", "adopted"],
            "already has an outcome: rejected",
        ),
        (
            [["tag", "v1"], ["outcome", "v1", "--status", "adopted"]],
            ["v1-adopted", "--status", "adopted"],
            "'v1-adopted' is an outcome, not a version",
        ),
    ],
)
def test_outcome_refusals_change_nothing(
    repo: Path, setup: list[list[str]], args: list[str], message: str
) -> None:
    for step in setup:
        Cli(repo)(*step)
    before = snapshot(repo)
    result = Cli(repo)("outcome", *args, ok=False)
    assert result.code == 1 and message in result.err
    assert snapshot(repo) == before


def test_outcome_refuses_a_name_already_taken(repo: Path) -> None:
    Cli(repo)("tag", "v1")
    git(repo, "tag", "v1-rejected")
    before = snapshot(repo)
    result = Cli(repo)("outcome", "v1", "--status", "adopted", ok=False)
    assert "tag 'v1-rejected' already exists" in result.err
    assert snapshot(repo) == before


def test_versions_lists_words_and_rounds_between(repo: Path) -> None:
    cli = Cli(repo)
    cli("round", "add", "national", "--title", "National offices")
    cli("round", "open", "national", "--on", "2014-09-01")
    cli("tag", "v1", "--status", "consultation")
    _edit(repo, "Two new words.\n")
    cli("commit", "--round", "national", "-m", "Add")
    path = repo / "drafts" / "policy.md"
    path.write_text(path.read_text().replace("respect the rights", "respect rights"))
    cli("commit", "--round", "evidence", "-m", "Trim")
    cli("tag", "v2", "--status", "submitted")
    rows = json.loads(cli("versions", "--json").out)
    assert [r["name"] for r in rows] == ["v1", "v2"]
    for key in ("name", "date", "status", "meeting", "commit", "signed", "outcome"):
        assert key in rows[0]
    assert rows[1]["previous"] == "v1"
    assert (rows[1]["inserted_words"], rows[1]["deleted_words"]) == (3, 1)
    assert rows[1]["rounds"] == ["national", "evidence"]
    assert rows[0]["rounds"] == ["evidence"] and rows[0]["signed"] is False
    table = cli("versions").out
    assert "v1" in table and "v2" in table and "+3 −1" in table


def test_versions_without_any(repo: Path) -> None:
    assert Cli(repo)("versions", "--json").out.strip() == "[]"
    assert describe_versions(open_workspace(repo)) == []


# -- verify and tampering --------------------------------------------------------------------


def test_verify_passes_and_never_runs_gpg_for_an_unsigned_tag(repo: Path) -> None:
    marker = repo.parent / "gpg-ran"
    script = repo.parent / "fake-gpg"
    script.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
    script.chmod(0o755)
    git(repo, "config", "gpg.program", str(script))
    git(repo, "config", "gpg.ssh.program", str(script))
    Cli(repo)("tag", "v1")
    Cli(repo)("outcome", "v1", "--status", "adopted")
    done = run_main(repo, "verify", "v1")
    assert done.returncode == 0, done.stderr
    assert "verified: v1 is exactly what was tagged" in done.stdout
    assert "not signed" in done.stdout and "outcome v1-adopted" in done.stdout
    assert not marker.exists()
    report = json.loads(run_main(repo, "verify", "v1", "--json").stdout)
    assert report["verified"] is True and report["digest"] == _recipe(repo, "v1")


def _tamper_repoint_to_commit(repo: Path) -> None:
    git(repo, "update-ref", "refs/tags/v1", "HEAD")


def _tamper_repoint_to_other_tag(repo: Path) -> None:
    git(repo, "update-ref", "refs/tags/v1", _tag_object(repo, "v0"))


def _tamper_other_name(repo: Path) -> None:
    message = git(repo, "cat-file", "tag", "v1").split("\n\n", 1)[1]
    forged = _mktag(repo, git(repo, "rev-parse", "v1^{commit}").strip(), "v9", message)
    git(repo, "update-ref", "refs/tags/v1", forged)


def _tamper_edit_digest(repo: Path) -> None:
    message = git(repo, "cat-file", "tag", "v1").split("\n\n", 1)[1]
    edited = message.replace("Content-Digest: sha256:", "Content-Digest: sha256:0")[:-2] + "\n"
    forged = _mktag(repo, git(repo, "rev-parse", "v1^{commit}").strip(), "v1", edited)
    git(repo, "update-ref", "refs/tags/v1", forged)


def _tamper_other_commit(repo: Path) -> None:
    message = git(repo, "cat-file", "tag", "v1").split("\n\n", 1)[1]
    forged = _mktag(repo, git(repo, "rev-parse", "v0^{commit}").strip(), "v1", message)
    git(repo, "update-ref", "refs/tags/v1", forged)


def _tamper_drop_digest(repo: Path) -> None:
    commit = git(repo, "rev-parse", "v1^{commit}").strip()
    forged = _mktag(repo, commit, "v1", "V\n\nDraft-Status: draft\n")
    git(repo, "update-ref", "refs/tags/v1", forged)


def _tamper_outcome(repo: Path) -> None:
    git(repo, "update-ref", "refs/tags/v1-adopted", "HEAD")


def _tamper_outcome_binding(repo: Path) -> None:
    message = "Outcome\n\nOutcome-Of: v1\nVersion-Tag: 0000\nDraft-Status: adopted\n"
    forged = _mktag(repo, git(repo, "rev-parse", "v1^{commit}").strip(), "v1-adopted", message)
    git(repo, "update-ref", "refs/tags/v1-adopted", forged)


@pytest.mark.parametrize(
    ("tamper", "why"),
    [
        (_tamper_repoint_to_commit, "points at a commit, not at an annotated tag object"),
        (_tamper_repoint_to_other_tag, "points at a tag object named 'v0', not 'v1'"),
        (_tamper_other_name, "points at a tag object named 'v9', not 'v1'"),
        (_tamper_edit_digest, "digest mismatch"),
        (_tamper_other_commit, "digest mismatch"),
        (_tamper_drop_digest, "the tag carries no Content-Digest"),
        (_tamper_outcome, "v1-adopted points at a commit"),
        (_tamper_outcome_binding, "does not record a decision on this tag of v1"),
    ],
)
def test_verify_fails_on_every_tampering(
    repo: Path, tamper: Callable[[Path], None], why: str
) -> None:
    cli = Cli(repo)
    cli("tag", "v0", "--status", "draft")
    _edit(repo, "Adopted words.\n")
    cli("commit", "--round", "evidence", "-m", "More")
    cli("tag", "v1", "--status", "submitted")
    cli("outcome", "v1", "--status", "adopted")
    assert run_main(repo, "verify", "v1").returncode == 0
    tamper(repo)
    done = run_main(repo, "verify", "v1")
    assert done.returncode == 1
    assert why in done.stdout
    assert "NOT VERIFIED" in done.stdout
    assert "error: v1 failed verification" in done.stderr and "Traceback" not in done.stderr


def test_verify_unknown_name(repo: Path) -> None:
    done = run_main(repo, "verify", "nope")
    assert done.returncode == 1 and "error: no version named 'nope'" in done.stderr


def test_verify_an_outcome_name_is_not_a_version(repo: Path) -> None:
    Cli(repo)("tag", "v1")
    Cli(repo)("outcome", "v1", "--status", "rejected")
    done = run_main(repo, "verify", "v1-rejected")
    assert done.returncode == 1 and "is an outcome tag; verify v1" in done.stdout


# -- signed tags -----------------------------------------------------------------------------


def _ssh_signing(repo: Path) -> Path:
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed")
    key = repo.parent / "key"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", str(key)],
        check=True,
        capture_output=True,
    )
    allowed = repo.parent / "allowed_signers"
    public = (repo.parent / "key.pub").read_text().strip()
    allowed.write_text(f'writer@example.org namespaces="git" {public}\n')
    git(repo, "config", "gpg.format", "ssh")
    git(repo, "config", "user.signingkey", str(key))
    # Trust comes from the user's own settings: verify never reads the repository's.
    git(repo, "config", "--global", "gpg.ssh.allowedSignersFile", str(allowed))
    return allowed


def test_signed_tag_with_a_throwaway_ssh_key(repo: Path) -> None:
    allowed = _ssh_signing(repo)
    cli = Cli(repo)
    cli("tag", "icm-2015", "--sign", "--status", "submitted")
    assert "-----BEGIN SSH SIGNATURE-----" in git(repo, "cat-file", "tag", "icm-2015")
    rows = json.loads(cli("versions", "--json").out)
    assert rows[0]["signed"] is True and rows[0]["status"] == "submitted"
    done = run_main(repo, "verify", "icm-2015")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok    signature: good" in done.stdout
    allowed.write_text("")
    done = run_main(repo, "verify", "icm-2015")
    assert done.returncode == 1 and "FAIL  signature" in done.stdout


def test_signed_tag_refuses_an_existing_name(repo: Path) -> None:
    _ssh_signing(repo)
    Cli(repo)("tag", "v1")
    before = snapshot(repo)
    result = Cli(repo)("tag", "v1", "--sign", ok=False)
    assert "already exists" in result.err
    assert snapshot(repo) == before


def test_signing_failure_is_one_clear_error(repo: Path) -> None:
    git(repo, "config", "gpg.format", "ssh")
    git(repo, "config", "user.signingkey", str(repo.parent / "missing-key"))
    before = snapshot(repo)
    done = run_main(repo, "tag", "v1", "--sign")
    assert done.returncode == 1 and "error: git could not sign the tag" in done.stderr
    assert "Traceback" not in done.stderr
    assert snapshot(repo) == before


def _hostile_signing_config(repo: Path) -> Path:
    """Every signature program in .git/config is a trap that leaves a marker behind."""
    marker = repo.parent / "planted-program-ran"
    script = repo.parent / "planted"
    script.write_text(f'#!/bin/sh\ntouch "{marker}"\nexit 0\n')
    script.chmod(0o755)
    for key in ("gpg.program", "gpg.openpgp.program", "gpg.ssh.program", "gpg.x509.program"):
        git(repo, "config", key, str(script))
    return marker


def test_verify_never_runs_the_repositorys_gpg_program(repo: Path) -> None:
    marker = _hostile_signing_config(repo)
    Cli(repo)("tag", "v1")
    raw = git(repo, "cat-file", "tag", "v1")
    signature = "-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEE\n-----END PGP SIGNATURE-----\n"
    signed = git(repo, "mktag", input=raw + signature).strip()
    git(repo, "update-ref", "refs/tags/v1", signed)
    done = run_main(repo, "verify", "v1")
    assert not marker.exists()
    assert done.returncode == 1
    assert "FAIL  signature" in done.stdout and "never the repository's" in done.stdout
    assert "error:" in done.stderr and "hint:" in done.stderr and "--global" in done.stderr
    assert "Traceback" not in done.stderr


def test_verify_trusts_only_the_users_allowed_signers(repo: Path) -> None:
    allowed = _ssh_signing(repo)
    Cli(repo)("tag", "icm-2015", "--sign", "--status", "submitted")
    git(repo, "config", "--global", "--unset", "gpg.ssh.allowedSignersFile")
    git(repo, "config", "gpg.ssh.allowedSignersFile", str(allowed))  # the repository's word
    marker = _hostile_signing_config(repo)
    done = run_main(repo, "verify", "icm-2015")
    assert done.returncode == 1 and "FAIL  signature" in done.stdout, done.stdout
    assert not marker.exists()
    git(repo, "config", "--global", "gpg.ssh.allowedSignersFile", str(allowed))
    done = run_main(repo, "verify", "icm-2015")
    assert done.returncode == 0 and "ok    signature: good" in done.stdout, done.stdout
    assert not marker.exists()


def test_changed_blobs_keeps_every_pair_in_order_even_an_empty_one(tmp_path: Path) -> None:
    from itertools import pairwise

    from draftctl.git.repo import discover

    repo = tmp_path / "plain"
    repo.mkdir()
    git(repo, "init", "-q")
    trees = []
    for files in ({"a b.md": "one"}, {"a b.md": "one"}, {"a b.md": "two", "c.md": "new"}, {}):
        for old in repo.glob("*.md"):
            old.unlink()
        for name, text in files.items():
            (repo / name).write_text(text)
        git(repo, "add", "-A")
        trees.append(git(repo, "write-tree").strip())
    pairs = list(pairwise(trees))
    groups = discover(repo).changed_blobs(pairs, "*.md")
    blob = {
        text: git(repo, "hash-object", "--stdin", input=text).strip()
        for text in ("one", "two", "new")
    }
    assert groups == [
        [],
        [(blob["one"], blob["two"], "a b.md"), (None, blob["new"], "c.md")],
        [(blob["two"], None, "a b.md"), (blob["new"], None, "c.md")],
    ]
