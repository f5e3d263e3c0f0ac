"""A SHA-256 repository (`git init --object-format=sha256`): the whole loop works there too.

Object ids are 64 hex digits, not 40, so no command may spell "no object" as forty zeros.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli, git


def _sha256_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    git(tmp_path, "init", "-q", "--object-format=sha256", str(repo))
    return repo


def test_the_whole_loop_runs_in_a_sha256_repository(tmp_path: Path) -> None:
    repo = _sha256_repo(tmp_path)
    cli = Cli(repo)
    cli("init", "--name", "Policy")
    cli("stakeholder", "add", "who", "--name", "World Health Organization", "--kind", "un-agency")
    cli("round", "add", "evidence", "--title", "Evidence review", "--stakeholder", "who")
    cli("round", "open", "evidence", "--on", "2014-01-10")
    cli("new", "policy", "--title", "Policy")
    policy = repo / "drafts" / "policy.md"
    policy.write_text("# Policy\n\nStates protect health.\n")
    cli("commit", "--round", "evidence", "--stakeholder", "who", "-m", "Health first")
    policy.write_text("# Policy\n\nStates protect health and safety.\n")
    cli("commit", "--round", "evidence", "-m", "Add safety")
    cli("feedback", "add", "--round", "evidence", "--from", "who", "--summary", "More safety")
    cli("tag", "v1", "-m", "First version")
    cli("verify", "v1")
    cli("mv", "policy", "health-policy")  # a commit that removes a path from the index

    assert len(git(repo, "rev-parse", "HEAD").strip()) == 64
    assert git(repo, "status", "--porcelain") == ""
    git(repo, "fsck", "--strict")
    first, second = git(repo, "log", "--format=%H", "-2", "v1~1").split()[::-1]
    changes = json.loads(cli("diff", first, second, "--format", "json").out)["changes"]
    assert [c["new"] for c in changes] == ["and safety"]
    assert changes[0]["attribution"][0]["commit"] == second
    assert len(second) == 64
    blame = json.loads(cli("blame", "--draft", "health-policy", "--json").out)
    assert blame[-1]["commit"] == second and blame[-1]["text"].endswith("and safety.")


def test_init_in_a_sha256_repository_creates_its_first_commit_once(tmp_path: Path) -> None:
    """`init`'s commit onto the unborn branch is create-only (the ref must not exist yet,
    spelled so that SHA-256 git accepts it); a second `init` refuses with an error."""
    repo = _sha256_repo(tmp_path)
    cli = Cli(repo)
    cli("init", "--name", "Policy")
    assert len(git(repo, "rev-parse", "HEAD").strip()) == 64
    second = cli("init", "--name", "Policy", ok=False)
    assert second.code == 1 and "error:" in second.err
