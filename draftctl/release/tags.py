"""Cutting versions: create-only version tags after every guard, and outcome tags.

The digest recipe is in `release/digest.py`, verification in `release/verify.py`.

Tags: a version is an annotated tag whose message ends in trailers (`Draft-Status`,
`Meeting`, `Content-Digest`, and `Allow-Unattributed: yes` plus one `Unattributed-Commit` per
commit when the attribution guard was waived). Unsigned tags are written with `git mktag` and
their ref created with a zero old value, so the ref appears only if it did not exist: two
people tagging the same name at once end with exactly one tag. Signed tags are made by
`git tag -s` (GPG or SSH as `gpg.format`/`user.signingkey` say), which is create-only in the
same way. draftctl never moves, replaces or deletes a tag; there is no `--force`.

Outcome: the meeting's decision is a second create-only annotated tag `NAME-adopted` or
`NAME-rejected` on the same commit, with trailers `Outcome-Of: NAME`, `Version-Tag: <id of the
version's tag object>`, `Draft-Status`, `Decided: YYYY-MM-DD`, and optional `Meeting`/`Note`.
It travels with `git push --tags`, never moves the version, and `versions` shows it as the
version's outcome rather than as a version of its own.
"""

from __future__ import annotations

import re
from datetime import date as Date

from draftctl.consultation.history import read_log
from draftctl.consultation.workspace import WORKTREE, Workspace, resolve_rev
from draftctl.errors import (
    AlreadyExists,
    DraftctlError,
    DraftError,
    GitError,
    InvalidName,
    InvalidValue,
)
from draftctl.git.process import Identity
from draftctl.names import check_date, check_ref_name, check_text
from draftctl.release.digest import content_digest
from draftctl.release.tagobject import SIGNATURE_START, parse_tag_object
from draftctl.release.versions import (
    ALLOW_UNATTRIBUTED,
    DECIDED,
    DIGEST,
    MEETING,
    NOTE,
    OUTCOME_OF,
    OUTCOMES,
    STATUS,
    STATUSES,
    UNATTRIBUTED_COMMIT,
    VERSION_TAG,
    Outcome,
    Version,
    find_version,
    latest_version,
    read_tags,
)
from draftctl.textutil import plural

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

# -- cutting a version -----------------------------------------------------------------------


def _check_status(status: str, allowed: tuple[str, ...]) -> str:
    if status not in allowed:
        raise InvalidValue(f"unknown status {status!r}", f"use one of: {', '.join(allowed)}")
    return status


def _refuse_existing(ws: Workspace, name: str, what: str = "version") -> None:
    if ws.repo.ref_target(f"refs/tags/{name}") is not None:
        raise AlreadyExists(
            f"{what} {name!r} already exists (refs/tags/{name})",
            "versions are never moved or replaced: choose a new name, e.g. "
            f"`{name}-2`, and see `draftctl versions`",
        )


_RESERVED_SUFFIXES = tuple(f"-{status}" for status in OUTCOMES)
_RESERVED_NAMES = ("HEAD", WORKTREE)
_OBJECT_ID = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")


def _refuse_reserved(ws: Workspace, name: str) -> None:
    """Refuse names that would mean something else: an outcome tag, HEAD or WORKTREE, or
    anything git already resolves (a branch, an abbreviated commit id, another ref)."""
    why = None
    if name.endswith(_RESERVED_SUFFIXES):
        why = f"names ending in {' or '.join(_RESERVED_SUFFIXES)} are kept for outcome tags"
    elif name.upper() in _RESERVED_NAMES or name.upper().endswith("_HEAD"):
        why = f"{name} already names a revision to draftctl and git"
    elif _OBJECT_ID.fullmatch(name):
        why = "it reads as a full object id"
    elif ws.repo.rev_parse(name) is not None:
        _refuse_existing(ws, name)  # another process may have just made this very version
        why = "git already resolves it (to a branch, an abbreviated commit id or another ref)"
    if why:
        raise InvalidName(
            f"{name!r} cannot be a version name: {why}",
            "choose another name, e.g. `v0.3` or `icm-2015`; `draftctl versions` lists those taken",
        )


def _refuse_uncommitted(ws: Workspace) -> None:
    changed = [
        path for path in ws.all_drafts() if ws.bytes_at(WORKTREE, path) != ws.bytes_at("HEAD", path)
    ]
    if changed:
        names = ", ".join(changed)
        raise DraftError(
            f"uncommitted changes in {names}: a version of HEAD would not include them",
            "record them first with `draftctl commit … --round R`, or tag an earlier commit "
            "with --rev",
        )


def unattributed_since(ws: Workspace, commit: str) -> list[str]:
    """Draft commits since the previous version (up to `commit`) that carry no round."""
    previous = latest_version(ws, at=commit)
    span = f"{previous.commit}..{commit}" if previous else commit
    records = read_log(ws, revisions=[span], words=False)
    return [r.commit for r in records if not r.round and not r.bookkeeping]


def _refuse_unattributed(unattributed: list[str]) -> None:
    shown = ", ".join(c[:10] for c in unattributed[:5])
    more = f" and {len(unattributed) - 5} more" if len(unattributed) > 5 else ""
    raise DraftError(
        f"{plural(len(unattributed), 'commit')} since the previous version "
        f"{'has' if len(unattributed) == 1 else 'have'} no consultation round: "
        f"{shown}{more}",
        "attribute them with `draftctl attribute REV --round R`, or pass --allow-unattributed "
        "(which is recorded in the tag)",
    )


def tag_message(subject: str, body: str, trailers: list[tuple[str, str]]) -> str:
    """Subject, optional body and one trailer block, ending in a newline."""
    parts = [subject.strip()]
    if body.strip():
        parts.append(body.strip())
    parts.append("\n".join(f"{key}: {value}" for key, value in trailers))
    return "\n\n".join(parts) + "\n"


def _split_message(message: str | None, default: str) -> tuple[str, str]:
    if message is None:
        return default, ""
    check_text(message, "tag message", multiline=True)
    marker = SIGNATURE_START.search(message.strip().encode("utf-8"))
    if marker:
        # git reads everything from such a line on as the tag's signature, trailers included.
        raise InvalidValue(
            f"the tag message contains a signature marker ({marker.group(0).decode()})",
            "remove that line from the message; sign the version with --sign instead",
        )
    subject, _, body = message.strip().partition("\n")
    return subject.strip(), body.strip()


def _optional_text(value: str | None, what: str) -> str | None:
    return None if value is None else check_text(value, what).strip()


def create_tag(
    ws: Workspace,
    name: str,
    commit: str,
    message: str,
    *,
    sign: bool = False,
    identity: Identity | None = None,
) -> str:
    """Write the annotated tag object, then create refs/tags/NAME create-only; its id."""
    env = identity.env() if identity else None
    with ws.repo.write_lock():
        oid = _signed_tag(ws, name, commit, message, env) if sign else None
        if oid is None:
            ident = ws.repo.committer_ident(env)
            text = f"object {commit}\ntype commit\ntag {name}\ntagger {ident}\n\n{message}"
            oid = ws.repo.make_tag(text.encode("utf-8"))
        if not ws.repo.create_ref(f"refs/tags/{name}", oid, f"draftctl: {name}"):
            _refuse_existing(ws, name)
            raise GitError(f"git could not create refs/tags/{name}", "see `git show-ref`")
    return oid


def _signed_tag(
    ws: Workspace, name: str, commit: str, message: str, env: dict[str, str] | None
) -> str:
    """A signed tag object; refuses when git made it without a signature (as git 2.39 may)."""
    oid, words = ws.repo.sign_tag_object(name, commit, message, env)
    if not parse_tag_object(ws.repo.read_object(oid) or b"").signature:
        detail = " ".join(words.split())[:200] or "no signature was produced"
        raise GitError(
            f"git could not sign the tag: {detail}",
            "check user.signingkey and gpg.format (openpgp or ssh) in your git settings",
        )
    return oid


def cut_version(
    ws: Workspace,
    name: str,
    *,
    rev: str | None = None,
    status: str = "draft",
    meeting: str | None = None,
    message: str | None = None,
    sign: bool = False,
    allow_unattributed: bool = False,
    identity: Identity | None = None,
) -> Version:
    """Tag a version of the drafts at `rev` (default HEAD) after every guard has passed."""
    check_ref_name(name)
    _check_status(status, STATUSES)
    meeting = _optional_text(meeting, "meeting")
    subject, body = _split_message(message, f"Version {name}")
    if ws.repo.head() is None:
        raise DraftError("nothing to tag: the repository has no commits yet")
    commit = resolve_rev(ws, rev or "HEAD", "--rev")
    _refuse_existing(ws, name)
    _refuse_reserved(ws, name)
    if commit == ws.repo.head():
        _refuse_uncommitted(ws)
    digest, drafts = content_digest(ws, commit)
    if not drafts:
        raise DraftError(f"no drafts at {commit[:10]}: there is nothing to tag")
    unattributed = unattributed_since(ws, commit)
    if unattributed and not allow_unattributed:
        _refuse_unattributed(unattributed)
    trailers = [(STATUS, status)] + ([(MEETING, meeting)] if meeting else [])
    trailers.append((DIGEST, digest))
    if unattributed:
        trailers.append((ALLOW_UNATTRIBUTED, "yes"))
        trailers += [(UNATTRIBUTED_COMMIT, c) for c in unattributed]
    create_tag(ws, name, commit, tag_message(subject, body, trailers), sign=sign, identity=identity)
    found = find_version(ws, name)
    assert found is not None
    return found


# -- recording the outcome -------------------------------------------------------------------


def _decision_day(day: str | None, identity: Identity | None) -> str:
    if day is not None:
        return check_date(day, "decision date")
    if identity and _ISO_DAY.match(identity.date):
        return identity.date[:10]
    return Date.today().isoformat()


def _version_for_outcome(ws: Workspace, name: str) -> Version:
    version = find_version(ws, name)
    if version is not None:
        return version
    _, outcomes = read_tags(ws)
    if any(o.name == name for o in outcomes):
        raise DraftctlError(f"{name!r} is an outcome, not a version", "name the version it decides")
    raise DraftctlError(f"no version named {name!r}", "list versions with `draftctl versions`")


def record_outcome(
    ws: Workspace,
    name: str,
    *,
    status: str,
    date: str | None = None,
    meeting: str | None = None,
    note: str | None = None,
    sign: bool = False,
    identity: Identity | None = None,
) -> Outcome:
    """Record the meeting's decision on version `name` as the tag `NAME-<status>`."""
    check_ref_name(name)
    _check_status(status, OUTCOMES)
    version = _version_for_outcome(ws, name)
    if version.outcome is not None:
        raise AlreadyExists(
            f"version {name!r} already has an outcome: {version.outcome.status} on "
            f"{version.outcome.decided} ({version.outcome.name})",
            "an outcome is never changed; a new decision needs a new version (`draftctl tag`)",
        )
    tag_name = check_ref_name(f"{name}-{status}", "outcome tag name")
    for other in OUTCOMES:
        _refuse_existing(ws, f"{name}-{other}", "tag")
    trailers = [(OUTCOME_OF, name), (VERSION_TAG, version.tag_object), (STATUS, status)]
    trailers.append((DECIDED, _decision_day(date, identity)))
    meeting = _optional_text(meeting, "meeting") or version.meeting
    trailers += [(MEETING, meeting)] if meeting else []
    note = _optional_text(note, "note")
    trailers += [(NOTE, note)] if note else []
    message = tag_message(f"Outcome of {name}: {status}", "", trailers)
    create_tag(ws, tag_name, version.commit, message, sign=sign, identity=identity)
    _, outcomes = read_tags(ws)
    return next(o for o in outcomes if o.name == tag_name)
