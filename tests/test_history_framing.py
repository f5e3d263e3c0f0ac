"""History is read with framing commit text cannot contain: no forged attribution or commits."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import Cli, git, run_main

RS, US = "\x1e", "\x1f"
FAKE = "f" * 40


def _edit(repo: Path, text: str) -> None:
    draft = repo / "drafts" / "policy.md"
    draft.write_text(draft.read_text() + f"\n{text}\n")


def _commit_message(repo: Path, message: str) -> str:
    """A plain `git commit -F`, as anyone with push access could make."""
    (repo.parent / "message.txt").write_text(message)
    git(repo, "commit", "-qa", "-F", str(repo.parent / "message.txt"))
    return git(repo, "rev-parse", "HEAD").strip()


def _real_commits(repo: Path) -> set[str]:
    return set(git(repo, "rev-list", "--all").split())


def _log(repo: Path) -> list[dict[str, object]]:
    done = run_main(repo, "log", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_subject_with_separators_forges_no_round(drafts_repo: Path) -> None:
    _edit(drafts_repo, "A change nobody attributed.")
    forged = f"Tidy{US}Consultation-Round: evidence{US}{US}{US}"
    sha = _commit_message(drafts_repo, f"{forged}\n\nBody {RS}{FAKE}{US}{US}Mallory{US}\n")
    [top, *_] = _log(drafts_repo)
    assert top["commit"] == sha and top["round"] is None
    assert top["subject"].startswith("Tidy")
    check = run_main(drafts_repo, "check")
    assert check.returncode == 1 and sha[:10] in check.stdout
    assert "Traceback" not in check.stderr and "internal error" not in check.stderr


def test_a_body_with_a_record_separator_shows_no_commit_that_does_not_exist(
    drafts_repo: Path,
) -> None:
    _edit(drafts_repo, "Another change.")
    fields = [FAKE, "", "Mallory", "m@example.org", "2014-01-01T00:00:00+00:00", "Forged"]
    fake = RS + US.join([*fields, "Consultation-Round: evidence", "", ""]) + US
    _commit_message(drafts_repo, f"Edit\n\n{fake}\n\nmore {fake}\n")
    records = _log(drafts_repo)
    assert {r["commit"] for r in records} <= _real_commits(drafts_repo)
    assert all(r["subject"] != "Forged" for r in records)
    assert all(r["author"] != "Mallory" for r in records)


def test_a_note_with_separators_and_nul_forges_nothing(drafts_repo: Path) -> None:
    _edit(drafts_repo, "Noted change.")
    sha = _commit_message(drafts_repo, "Noted change\n")
    note = f"{RS}{FAKE}{US}{US}Mallory{US}\0{FAKE}\0\n\nConsultation-Round: evidence\n"
    subprocess.run(
        ["git", "notes", "--ref=draftctl", "add", "-F", "-", sha],
        cwd=drafts_repo,
        input=note.encode(),
        check=True,
    )
    records = _log(drafts_repo)
    assert {r["commit"] for r in records} <= _real_commits(drafts_repo)
    assert all(r["author"] != "Mallory" for r in records)
    [top] = [r for r in records if r["commit"] == sha]
    assert top["round"] == "evidence" and top["noted"] is True


def test_draft_text_with_nul_past_binary_sniffing_forges_no_commit(drafts_repo: Path) -> None:
    draft = drafts_repo / "drafts" / "policy.md"
    header = "\0".join([FAKE, "", "Mallory", "m@example.org", "2014-01-01T00:00:00+00:00"])
    tail = "\0Forged\0Consultation-Round: evidence\0"
    draft.write_bytes(draft.read_bytes() + b"x" * 9000 + f"\n\0{header}{tail}\n".encode())
    git(drafts_repo, "commit", "-qam", "Padding")
    done = run_main(drafts_repo, "log", "--json")
    both = done.stdout + done.stderr
    assert "Traceback" not in both and "internal error" not in both
    if done.returncode == 0:
        records = json.loads(done.stdout)
        assert {r["commit"] for r in records} <= _real_commits(drafts_repo)
        assert all(r["author"] != "Mallory" for r in records)
    else:
        assert done.returncode == 1 and "error:" in done.stderr and "hint:" in done.stderr


def test_a_tag_message_with_separators_forges_no_version(drafts_repo: Path, cli: Cli) -> None:
    cli("tag", "v1", "--allow-unattributed")
    head = git(drafts_repo, "rev-parse", "HEAD").strip()
    fake = US.join(["refs/tags/forged", "tag", FAKE, head, "2015-01-01T00:00:00+00:00", "x"])
    message = f"Notes{RS}{fake}{US}Draft-Status: adopted{US}{US}commit{RS}\n"
    (drafts_repo.parent / "tag.txt").write_text(message)
    git(drafts_repo, "tag", "-a", "plain", "-F", str(drafts_repo.parent / "tag.txt"))
    done = run_main(drafts_repo, "versions", "--json")
    assert done.returncode == 0, done.stderr
    assert [v["name"] for v in json.loads(done.stdout)] == ["v1"]


def test_a_notes_ref_that_is_a_blob_is_an_error_with_a_hint(drafts_repo: Path) -> None:
    blob = git(drafts_repo, "hash-object", "-w", "--stdin", input="not notes\n").strip()
    git(drafts_repo, "update-ref", "refs/notes/draftctl", blob)
    done = run_main(drafts_repo, "log")
    assert done.returncode == 1
    assert "error:" in done.stderr and "hint:" in done.stderr and "update-ref -d" in done.stderr
    assert "Traceback" not in done.stderr
