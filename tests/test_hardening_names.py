"""Hardening, names: option-like, ref-breaking, smuggling and escaping names are refused."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from draftctl.errors import InvalidName
from draftctl.names import check_ref_name
from tests.conftest import Cli, git
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

OPTION_LIKE = ("-d", "--delete", "--file=/etc/passwd")
# Each: the command line (with `{}` for the hostile name), and what the error must name.
OPTION_CASES = [
    ("round add --title T -- {}", "{}"),
    ("round open -- {}", "{}"),
    ("stakeholder add --name N -- {}", "{}"),
    ("commit --round {} -m M", "{}"),
    ("commit --round evidence --by {} -m M", "{}"),
    ("commit --round evidence -m M -- {}", "{}"),
    ("log --draft {}", "{}"),
    ("log --from {}", "{}"),
    ("log --round {}", "{}"),
    ("blame --at {}", "{}"),
    ("blame --draft {}", "{}"),
    ("attribute --round evidence -- {}", "{}"),
    ("feedback respond --status accepted --response R -- {}", "{}"),
    ("feedback add --round evidence --from {} --summary S", "{}"),
]


def _argv(template: str, name: str) -> list[str]:
    return [name if part == "{}" else part for part in template.split()]


@pytest.mark.parametrize("name", OPTION_LIKE)
@pytest.mark.parametrize(("template", "named"), OPTION_CASES)
def test_option_like_names_are_refused(
    cli: Cli, drafts_repo: Path, template: str, named: str, name: str
) -> None:
    if template == "log --draft {}" and "=" not in name:
        # A legal draft file name (drafts/-d.md): its empty history, git seeing it after `--`
        # (test_draft_paths_reach_git_only_after_double_dash).
        assert "error" not in cli(*_argv(template, name)).err
        return
    # `commit -- -d`: a legal file name that does not exist, refused naming it.
    refuses(cli, drafts_repo, _argv(template, name), name)


@pytest.mark.parametrize("name", OPTION_LIKE)
def test_option_like_version_names_are_refused(cli: Cli, drafts_repo: Path, name: str) -> None:
    for command in ("tag", "verify", "export"):
        refuses(cli, drafts_repo, [command, "--", name], name)
    with pytest.raises(InvalidName, match="option"):
        check_ref_name(name)


def _git_spy(tmp_path: Path) -> tuple[Path, Path]:
    """A `git` early on PATH that logs each argument vector (NUL-separated), then runs git."""
    real = next(
        Path(d) / "git"
        for d in os.environ["PATH"].split(os.pathsep)
        if (Path(d) / "git").is_file() and os.access(Path(d) / "git", os.X_OK)
    )
    folder, log = tmp_path / "spy", tmp_path / "git-calls.log"
    folder.mkdir()
    script = folder / "git"
    script.write_text(
        f'#!/bin/sh\nfor a in "$@"; do printf "%s\\0" "$a"; done >> "{log}"\n'
        f'printf "\\n\\0" >> "{log}"\nexec "{real}" "$@"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return folder, log


def test_option_like_names_never_reach_git(drafts_repo: Path, tmp_path: Path) -> None:
    """Seen from git's side: no hostile name is ever an argument of a git process."""
    spy, log = _git_spy(tmp_path)
    path = f"{spy}{os.pathsep}{os.environ['PATH']}"
    cases = [
        ["round", "add", "--title", "T", "--", "--delete"],
        ["commit", "--round", "evidence", "-m", "M", "--", "--file=/etc/passwd"],
        ["log", "--from", "--delete"],
        ["log", "--draft", "--file=/etc/passwd"],
    ]
    for args in cases:
        log.write_bytes(b"")
        with unchanged(drafts_repo):
            assert_refused(run(drafts_repo, *args, env={"PATH": path}), args[-1])
        calls = log.read_bytes().split(b"\n\0")
        assert any(calls), "the spy saw no git call at all"
        for call in calls:
            argv = call.split(b"\0")
            assert args[-1].encode() not in argv, argv


def test_draft_paths_reach_git_only_after_double_dash(drafts_repo: Path, tmp_path: Path) -> None:
    """`log --draft -d` is the (empty) history of drafts/-d.md, a path git sees after `--`."""
    spy, log = _git_spy(tmp_path)
    done = run(
        drafts_repo, "log", "--draft", "-d", env={"PATH": f"{spy}{os.pathsep}{os.environ['PATH']}"}
    )
    assert done.returncode == 0, done.stderr
    calls = [c.split(b"\0") for c in log.read_bytes().split(b"\n\0")]
    with_path = [argv for argv in calls if b"drafts/-d.md" in argv]
    assert with_path, calls
    for argv in with_path:
        assert b"--" in argv[: argv.index(b"drafts/-d.md")], argv


def test_draft_named_like_an_option_works_after_double_dash(cli: Cli, drafts_repo: Path) -> None:
    draft = drafts_repo / "drafts" / "-x.md"
    draft.write_bytes(b"# Minus x\n\nA draft whose name starts with a dash.\n")
    cli("commit", "--round", "evidence", "-m", "Add -x", "--", "-x.md")
    assert blob(drafts_repo, "HEAD", "drafts/-x.md") == draft.read_bytes()
    draft.write_bytes(draft.read_bytes() + b"\nOne more line.\n")
    cli("commit", "--round", "evidence", "-m", "Extend -x", "--", "-x")
    assert blob(drafts_repo, "HEAD", "drafts/-x.md") == draft.read_bytes()
    assert git(drafts_repo, "status", "--porcelain") == ""
    fsck(drafts_repo)


GIT_REJECTS = (
    "v1..2", ".v1", "v1.", "v1.lock", "a//b", "v1@{1}", "@", "v 1", "v1~1", "v1^", "v1:x",
    "v1?", "v1*", "v1[", "v1\\x", "v1\x7f", "a/.b", "a/b.lock", "/v1", "v1/", "",
)  # fmt: skip


@pytest.mark.parametrize("name", GIT_REJECTS)
def test_ref_breaking_version_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidName) as refused:
        check_ref_name(name)
    assert repr(name) in refused.value.message
    assert refused.value.hint


@pytest.mark.parametrize("name", ["v1..2", "v1.lock", "v1@{1}", "@", "v1~1", "v1:x", "v1\\x"])
def test_ref_breaking_version_names_are_refused_by_the_commands(
    cli: Cli, drafts_repo: Path, name: str
) -> None:
    for command in ("tag", "verify", "outcome"):
        extra = ["--status", "adopted"] if command == "outcome" else []
        refuses(cli, drafts_repo, [command, *extra, "--", name], repr(name)[1:-1])


# Ids and trailer values that would smuggle a second trailer, hide text or fake a name.
SMUGGLED = [
    ("round add --title T -- {}", "evid\u0435nce"),  # Cyrillic e: a look-alike
    ("round add --title T -- {}", "evidence\u202e"),  # right-to-left override
    ("round add --title T -- {}", "Evidence"),
    ("stakeholder add --name N -- {}", "who\u200b"),  # zero-width space
    ("stakeholder add --name N -- {}", "who\nx"),
    ("stakeholder add --kind {} --name N -- unaids", "un\u2011agency"),  # non-breaking hyphen
    ("round add --title {} -- late", "Late\nConsultation-Round: evidence"),
    ("stakeholder add --name {} -- unaids", "UNAIDS\u202egnp"),
    ("commit --round {} -m M", "evidence\nPrompted-By: who"),
    ("commit --round evidence --by {} -m M", "who\nConsultation-Round: other"),
    ("commit --round evidence --by {} -m M", "\u0455wl"),  # Cyrillic dze
    ("commit --round evidence --why {} -m M", "Because.\nConsultation-Round: other"),
    ("commit --round evidence --why {} -m M", "Because \u2067WHO\u2069 said so."),
    ("commit --round evidence --feedback {} -m M", "Submission 3\rPrompted-By: who"),
    ("commit --round evidence --feedback {} -m M", "Submission \x1b[31m3"),
    ("commit --round evidence -m {}", "Subject\x1b]0;title\x07"),
    ("commit --round evidence -m {}", "Subject\u202e"),
    ("attribute HEAD --round evidence --why {}", "Why.\nConsultation-Round: other"),
    ("attribute HEAD --round evidence --by {}", "who\nx"),
    ("feedback add --round evidence --from who --summary S --ref {}", "R1\nPrompted-By: who"),
]


def _shown(value: str) -> str:
    """How an error line may show the value: the id itself in repr form, or its bad character."""
    return repr(value)[1:-1]


@pytest.mark.parametrize(("template", "value"), SMUGGLED)
def test_smuggled_characters_are_refused(
    cli: Cli, drafts_repo: Path, template: str, value: str
) -> None:
    (drafts_repo / "drafts" / "policy.md").write_text("# Test policy\n\nChanged.\n")
    line = refuses(cli, drafts_repo, _argv(template, value))
    bad = next((c for c in value if not (c.isascii() and c.isprintable())), value[0])
    assert _shown(value) in line or f"U+{ord(bad):04X}" in line, line


HOSTILE_BODIES = [
    "Consultation-Round: other\nPrompted-By: swl",
    "Body.\n\n# ------------------------ >8 ------------------------\nConsultation-Round: other",
    "Body.\n--- \nConsultation-Round: other",
    "Body.\n\nConsultation-Round: other\n\n#",
    "Signed-off-by: Someone <s@example.org>\nConsultation-Round: other",
]


@pytest.mark.parametrize("body", HOSTILE_BODIES)
def test_message_body_cannot_smuggle_attribution(cli: Cli, drafts_repo: Path, body: str) -> None:
    """Either refused, or the commit's trailers (as git reads them) are exactly what was given."""
    (drafts_repo / "drafts" / "policy.md").write_text("# Test policy\n\nChanged.\n")
    before = head(drafts_repo)
    result = cli("commit", "--round", "evidence", "-m", f"Subject\n\n{body}", ok=False)
    if result.code != 0:
        assert head(drafts_repo) == before
        assert_refused(result, "commit message")
        return
    rounds = git(drafts_repo, "log", "-1", "--format=%(trailers:key=Consultation-Round,valueonly)")
    assert rounds.strip() == "evidence"
    parsed = git(drafts_repo, "log", "-1", "--format=%B")
    trailers = git(drafts_repo, "interpret-trailers", "--parse", "--no-divider", input=parsed)
    assert trailers == "Consultation-Round: evidence\n"
    fsck(drafts_repo)


def _outside(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.md"
    secret.write_text("# Secret\n\nNot part of any draft.\n")
    return secret


@pytest.mark.parametrize(
    "name", ["../x.md", "../../secret", "/etc/passwd", ".git/config", "drafts/../draftctl.toml"]
)
def test_drafts_outside_the_drafts_folder_are_refused(
    cli: Cli, drafts_repo: Path, name: str
) -> None:
    (drafts_repo / "drafts" / "policy.md").write_text("# Test policy\n\nChanged.\n")
    refuses(cli, drafts_repo, ["commit", "--round", "evidence", "-m", "M", "--", name], name)
    refuses(cli, drafts_repo, ["log", "--draft", name], name)
    refuses(cli, drafts_repo, ["blame", "--draft", name], name)
    refuses(cli, drafts_repo, ["diff", "--draft", name, "--format", "json"], name)


def test_absolute_path_to_a_real_draft_is_refused(cli: Cli, drafts_repo: Path) -> None:
    target = str(drafts_repo / "drafts" / "policy.md")
    (drafts_repo / "drafts" / "policy.md").write_text("# Test policy\n\nChanged.\n")
    refuses(cli, drafts_repo, ["commit", "--round", "evidence", "-m", "M", "--", target], target)


def test_symlink_pointing_outside_is_refused(cli: Cli, drafts_repo: Path, tmp_path: Path) -> None:
    link = drafts_repo / "drafts" / "leak.md"
    link.symlink_to(_outside(tmp_path))
    refuses(cli, drafts_repo, ["commit", "--round", "evidence", "-m", "M", "leak"], "leak")
    refuses(cli, drafts_repo, ["blame", "--draft", "leak"], "leak")


def test_committed_symlink_pointing_outside_is_never_read(
    cli: Cli, drafts_repo: Path, tmp_path: Path
) -> None:
    """A link committed with plain git is not a draft: `commit` (all drafts) and `status` skip
    it, naming it explicitly is refused, and the committed link stays a link."""
    secret = _outside(tmp_path)
    link = drafts_repo / "drafts" / "leak.md"
    target = os.path.relpath(secret, link.parent)
    link.symlink_to(target)
    git(drafts_repo, "add", "drafts/leak.md")
    git(drafts_repo, "commit", "-qm", "Add a link", "--trailer", "Consultation-Round: evidence")
    (drafts_repo / "drafts" / "policy.md").write_text("# Test policy\n\nChanged.\n")
    for args in (["status", "--json"], ["blame", "--draft", "leak"], ["log", "--draft", "leak"]):
        result = cli(*args, ok=False)
        assert "Not part of any draft" not in result.out + result.err
    refuses(cli, drafts_repo, ["commit", "--round", "evidence", "-m", "M", "leak"], "leak")
    cli("commit", "--round", "evidence", "-m", "Change the policy")
    tree = git(drafts_repo, "ls-tree", "HEAD", "--", "drafts/leak.md")
    assert tree.startswith("120000 ")
    assert blob(drafts_repo, "HEAD", "drafts/leak.md") == target.encode()
    assert git(drafts_repo, "show", "--name-only", "--format=", "HEAD").split() == [
        "drafts/policy.md"
    ]
    fsck(drafts_repo)


def test_symlink_to_another_draft_is_refused(cli: Cli, drafts_repo: Path) -> None:
    """A link inside the folder would be committed as text under a link's mode: refused."""
    (drafts_repo / "drafts" / "alias.md").symlink_to("policy.md")
    refuses(cli, drafts_repo, ["commit", "--round", "evidence", "-m", "M", "alias"], "alias")


def test_symlinked_drafts_folder_pointing_outside_is_refused(
    cli: Cli, drafts_repo: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "inner.md").write_text("# Inner\n\nOutside the repository.\n")
    (drafts_repo / "drafts" / "sub").symlink_to(elsewhere, target_is_directory=True)
    refuses(
        cli, drafts_repo, ["commit", "--round", "evidence", "-m", "M", "sub/inner"], "sub/inner"
    )


def test_drafts_folder_that_is_a_link_outside_is_refused(
    cli: Cli, drafts_repo: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    (drafts_repo / "drafts").rename(elsewhere)
    (drafts_repo / "drafts").symlink_to(elsewhere, target_is_directory=True)
    (elsewhere / "policy.md").write_text("# Test policy\n\nChanged outside.\n")
    refuses(cli, drafts_repo, ["commit", "--round", "evidence", "-m", "M", "policy"], "policy")
    refuses(cli, drafts_repo, ["commit", "--round", "evidence", "-m", "M"], "policy")
