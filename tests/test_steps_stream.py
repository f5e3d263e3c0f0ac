"""The replay's texts stream from one `cat-file` on a background thread: every text arrives
intact in any order asked, a bad version fails where it is read, and unread texts stop git."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from draftctl.consultation import steps
from draftctl.consultation.steps import Texts
from draftctl.consultation.workspace import open_workspace
from draftctl.errors import DraftError
from tests.conftest import git


def _versions(repo: Path, count: int, size: int = 3000) -> list[str]:
    """Commit `count` versions of drafts/policy.md; their blob ids, oldest first."""
    blobs = []
    for k in range(count):
        (repo / "drafts" / "policy.md").write_text(f"# Policy\n\nVersion {k}. " + "word " * size)
        git(repo, "add", "drafts/policy.md")
        git(repo, "commit", "-q", "-m", f"v{k}")
        blobs.append(git(repo, "rev-parse", "HEAD:drafts/policy.md").strip())
    return blobs


def test_streamed_texts_arrive_whole_in_any_order(
    drafts_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(steps, "_AHEAD", 2)  # the reader asks beyond the read-ahead
    blobs = _versions(drafts_repo, 12)
    texts = Texts(open_workspace(drafts_repo), "drafts/policy.md")
    texts.prefetch(blobs)
    order = [blobs[-1], *blobs[:-1]][::-1]
    got = {blob: texts.text(blob) for blob in order}
    for k, blob in enumerate(blobs):
        assert got[blob].startswith(f"# Policy\n\nVersion {k}. ")
    assert texts.stream is not None
    texts.stream.worker.join(5)
    assert not texts.stream.worker.is_alive()


def test_a_bad_version_fails_where_it_is_read(drafts_repo: Path) -> None:
    blobs = _versions(drafts_repo, 3)
    (drafts_repo / "drafts" / "policy.md").write_bytes(b"bad \xff\xfe bytes")
    git(drafts_repo, "commit", "-qam", "bad")
    bad = git(drafts_repo, "rev-parse", "HEAD:drafts/policy.md").strip()
    texts = Texts(open_workspace(drafts_repo), "drafts/policy.md")
    texts.prefetch([*blobs, bad])
    assert texts.text(blobs[0]).startswith("# Policy")
    with pytest.raises(DraftError, match="not valid UTF-8"):
        texts.text(bad)


def test_texts_no_longer_wanted_stop_the_reader(
    drafts_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(steps, "_AHEAD", 2)
    blobs = _versions(drafts_repo, 10)
    texts = Texts(open_workspace(drafts_repo), "drafts/policy.md")
    texts.prefetch(blobs)
    assert texts.text(blobs[0])
    assert texts.stream is not None
    worker = texts.stream.worker
    del texts
    gc.collect()
    worker.join(5)
    assert not worker.is_alive()  # released: it stopped reading (and closed git)
