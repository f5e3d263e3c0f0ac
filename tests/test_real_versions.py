"""Real use, versions: reserved names, signature markers in messages, export at the tag."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli, git
from tests.hardening_helpers import drafts_repo, head, refuses
from tests.real_use_helpers import here, ok

__all__ = ["drafts_repo"]


@pytest.mark.parametrize(
    "name",
    ["v1-adopted", "v1-rejected", "HEAD", "WORKTREE", "head", "ORIG_HEAD", "main", "side"],
)
def test_reserved_version_names_are_refused(drafts_repo: Path, name: str) -> None:
    git(drafts_repo, "branch", "side")
    refuses(Cli(drafts_repo), drafts_repo, ["tag", name], name)


def test_a_name_that_is_an_abbreviated_commit_id_is_refused(drafts_repo: Path) -> None:
    short = head(drafts_repo)[:7]
    refuses(Cli(drafts_repo), drafts_repo, ["tag", short], short)
    full = "ab" * 20
    refuses(Cli(drafts_repo), drafts_repo, ["tag", full], full)


def test_the_outcome_stays_recordable(drafts_repo: Path) -> None:
    cli = Cli(drafts_repo)
    refuses(cli, drafts_repo, ["tag", "v1-adopted"], "v1-adopted")
    cli("tag", "v1", "--status", "submitted")
    cli("outcome", "v1", "--status", "adopted", "--date", "2015-08-11")
    assert "adopted" in cli("versions").out


@pytest.mark.parametrize(
    "marker", ["-----BEGIN PGP SIGNATURE-----", "-----BEGIN SSH SIGNATURE-----"]
)
def test_a_signature_marker_in_the_message_does_not_burn_the_name(
    drafts_repo: Path, marker: str
) -> None:
    cli = Cli(drafts_repo)
    message = f"Submitted to the ICM\n\n{marker}\nnot a signature\n"
    refuses(cli, drafts_repo, ["tag", "icm-2015", "-m", message], "signature")
    cli("tag", "icm-2015", "-m", "Submitted to the ICM")
    assert ok(here(drafts_repo, "verify", "icm-2015"))


def test_export_reads_the_drafts_folder_named_at_the_tag(drafts_repo: Path) -> None:
    cli = Cli(drafts_repo)
    cli("tag", "v1")
    tagged = (drafts_repo / "drafts" / "policy.md").read_text()
    git(drafts_repo, "mv", "drafts", "texts")
    config = drafts_repo / "draftctl.toml"
    text = config.read_text()
    assert 'drafts = "drafts"\n' in text
    config.write_text(text.replace('drafts = "drafts"\n', 'drafts = "texts"\n'))
    (drafts_repo / "texts" / "policy.md").write_text("# Test policy\n\nToday's other text.\n")
    git(drafts_repo, "commit", "-qam", "Move the drafts", "--trailer", "Draftctl-Action: config")
    out = ok(here(drafts_repo, "export", "v1", "--draft", "policy", "--format", "markdown"))
    assert "Today's other text." not in out
    assert tagged.splitlines()[-1] in out
    out = ok(here(drafts_repo, "export", "v1", "--format", "markdown"))
    assert "Today's other text." not in out
