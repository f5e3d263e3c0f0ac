"""The one error hierarchy: every refusal carries its message, its hint and its exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2


class DraftctlError(Exception):
    """An error the user can act on: one line saying what is wrong, one hint saying what to do."""

    exit_code = ExitCode.ERROR
    default_hint = ""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = self.default_hint if hint is None else hint


class NotADraftsRepository(DraftctlError):
    default_hint = "run `draftctl init` here, or pass --repo PATH to a drafts repository"


class InvalidName(DraftctlError):
    default_hint = "use a lower-case slug such as `evidence-review` (letters, digits, hyphens)"


class InvalidValue(DraftctlError):
    default_hint = "give the value on one line, without control characters"


class UnknownId(DraftctlError):
    default_hint = "list what exists with `draftctl round list` or `draftctl stakeholder list`"


class AlreadyExists(DraftctlError):
    default_hint = "choose another name"


class NothingToCommit(DraftctlError):
    default_hint = "edit the draft first; `draftctl status` shows what changed"


class RepositoryStateError(DraftctlError):
    """The repository is in a state in which draftctl will not write (detached, merging…)."""


class RepositoryBusy(DraftctlError):
    default_hint = "wait for the other git or draftctl command to finish, then run this again"


class GitError(DraftctlError):
    default_hint = "run the command again with --debug for git's full output"


class IdentityMissing(DraftctlError):
    default_hint = (
        'tell git who you are: `git config --global user.name "Your Name"` and '
        '`git config --global user.email "you@example.org"`, then run the command again'
    )


class ConfigError(DraftctlError):
    default_hint = (
        "fix draftctl.toml (it is plain TOML) or restore it with `git checkout draftctl.toml`"
    )


class DraftError(DraftctlError):
    default_hint = "name a Markdown draft inside the drafts folder, e.g. `policy`"


class VerificationFailed(DraftctlError):
    default_hint = "the version does not match what was tagged; do not rely on it"
