"""Versions for release: the content digest, create-only version and outcome tags, and verify.

Content-Digest recipe (stable; `verify` and anyone else can recompute it with plain git):

1. Read `draftctl.toml` *at the tagged commit* for the drafts folder (`drafts` when absent).
2. List the regular files (modes 100644 and 100755) under that folder whose path ends in
   `.md`, from the commit's tree (`git ls-tree -r`), never from the work tree.
3. Sort them by repository path compared as UTF-8 bytes.
4. Feed SHA-256, for each file in turn: the path (UTF-8), a NUL byte, the content's length in
   bytes as ASCII decimal, a NUL byte, then the content bytes exactly as stored in the blob.
5. The trailer is `Content-Digest: sha256:<64 lower-case hex digits>`.

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

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date as Date

from draftctl.consultation.config import CONFIG_FILE, parse_config
from draftctl.consultation.history import read_log
from draftctl.consultation.workspace import WORKTREE, Workspace, resolve_rev
from draftctl.errors import (
    AlreadyExists,
    ConfigError,
    DraftctlError,
    DraftError,
    GitError,
    InvalidName,
    InvalidValue,
    VerificationFailed,
)
from draftctl.git.repo import Identity
from draftctl.names import check_date, check_ref_name, check_text
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
    message_trailers,
    read_tags,
)
from draftctl.textutil import plural

_REGULAR = ("100644", "100755")
_SIGNATURE_START = re.compile(
    rb"^-----BEGIN (PGP SIGNATURE|PGP MESSAGE|SSH SIGNATURE|SIGNED MESSAGE)-----$", re.MULTILINE
)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


# -- the content digest ----------------------------------------------------------------------


def drafts_folder_at(ws: Workspace, commit: str) -> str:
    """The drafts folder as draftctl.toml says at `commit` (`drafts` when it has none)."""
    data = ws.repo.read_blob(commit, CONFIG_FILE)
    if data is None:
        return "drafts"
    return parse_config(data.decode("utf-8", "replace")).drafts


def draft_blobs(ws: Workspace, commit: str) -> list[tuple[str, str]]:
    """(path, blob id) of every draft at `commit`, sorted by path as UTF-8 bytes."""
    folder = drafts_folder_at(ws, commit)
    entries = ws.repo.tree_blobs(commit, folder)
    found = [
        (path, oid) for mode, oid, path in entries if mode in _REGULAR and path.endswith(".md")
    ]
    return sorted(found, key=lambda item: item[0].encode("utf-8"))


def digest_files(files: list[tuple[str, bytes]]) -> str:
    """The Content-Digest of (path, content) pairs, in the documented recipe."""
    hasher = hashlib.sha256()
    for path, content in sorted(files, key=lambda item: item[0].encode("utf-8")):
        hasher.update(path.encode("utf-8") + b"\0" + str(len(content)).encode("ascii") + b"\0")
        hasher.update(content)
    return f"sha256:{hasher.hexdigest()}"


def content_digest(ws: Workspace, commit: str) -> tuple[str, list[str]]:
    """The digest over every draft at `commit`, and the drafts it covers."""
    files = []
    for path, oid in draft_blobs(ws, commit):
        content = ws.repo.read_object(oid)
        if content is None:
            raise GitError(f"cannot read {path} at {commit[:10]}: the object is missing")
        files.append((path, content))
    return digest_files(files), [path for path, _ in files]


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
    marker = _SIGNATURE_START.search(message.strip().encode("utf-8"))
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


# -- verification ----------------------------------------------------------------------------


@dataclass
class TagObject:
    """A tag object as git stores it: headers, message and the optional signature."""

    object: str
    type: str
    tag: str
    tagger: str
    message: str
    signature: str

    @property
    def trailers(self) -> dict[str, list[str]]:
        subject, _, body = self.message.partition("\n")
        return message_trailers(subject, body)

    def first(self, key: str) -> str | None:
        values = self.trailers.get(key.lower())
        return values[0] if values else None


def parse_tag_object(raw: bytes) -> TagObject:
    """Split a raw tag object into its headers, message and signature."""
    head, _, rest = raw.partition(b"\n\n")
    headers: dict[str, str] = {}
    for line in head.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(" ")
        headers.setdefault(key, value)
    match = _SIGNATURE_START.search(rest)
    message, signature = (rest[: match.start()], rest[match.start() :]) if match else (rest, b"")
    return TagObject(
        headers.get("object", ""),
        headers.get("type", ""),
        headers.get("tag", ""),
        headers.get("tagger", ""),
        message.decode("utf-8", "replace"),
        signature.decode("utf-8", "replace"),
    )


@dataclass
class Check:
    """One line of the verdict: passed (True), failed (False) or merely informative (None)."""

    what: str
    ok: bool | None
    detail: str

    def as_json(self) -> dict[str, object]:
        return {"check": self.what, "ok": self.ok, "detail": self.detail}


@dataclass
class Verification:
    """Every check made on a version, and the facts they were made on."""

    name: str
    commit: str | None = None
    tag_object: str | None = None
    digest: str | None = None
    drafts: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok is not False for check in self.checks)

    def add(self, what: str, ok: bool | None, detail: str) -> bool:
        self.checks.append(Check(what, ok, detail))
        return ok is not False

    def failures(self) -> list[Check]:
        return [check for check in self.checks if check.ok is False]

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "verified": self.ok,
            "commit": self.commit,
            "tag_object": self.tag_object,
            "digest": self.digest,
            "drafts": self.drafts,
            "checks": [check.as_json() for check in self.checks],
        }


def load_tag(ws: Workspace, name: str) -> tuple[str, TagObject] | str:
    """(id, parsed tag) when refs/tags/NAME is a tag object named NAME on a commit, else why not."""
    ref = f"refs/tags/{name}"
    oid = ws.repo.ref_target(ref)
    if oid is None:
        return f"{ref} does not exist"
    kind = ws.repo.object_type(oid)
    if kind != "tag":
        return f"{ref} points at a {kind}, not at an annotated tag object: it was re-pointed"
    tag = parse_tag_object(ws.repo.read_object(oid) or b"")
    if tag.tag != name:
        return f"{ref} points at a tag object named {tag.tag!r}, not {name!r}"
    if tag.type != "commit" or ws.repo.object_type(tag.object) != "commit":
        return f"the tag object names a {tag.type}, not a commit"
    return oid, tag


SIGNATURE_SETTINGS = (
    "checked with the programs and trusted keys of your own git settings "
    "(`git config --global`), never the repository's"
)


def _check_signature(
    ws: Workspace, oid: str, tag: TagObject, report: Verification, label: str = "signature"
) -> None:
    if not tag.signature:
        why = " (the digest proves the content, not who tagged it)" if label == "signature" else ""
        report.add(label, None, f"not signed{why}")
        return
    good, words = ws.repo.verify_tag_signature(oid)
    summary = " ".join(words.split())[:300] or "no output from git"
    if not good:
        summary += f" ({SIGNATURE_SETTINGS})"
    report.add(label, good, ("good: " if good else "BAD or unverifiable: ") + summary)


def _check_digest(ws: Workspace, tag: TagObject, report: Verification) -> None:
    recorded = tag.first(DIGEST)
    try:
        actual, drafts = content_digest(ws, tag.object)
    except (ConfigError, GitError) as problem:
        report.add("content", False, f"cannot recompute the digest: {problem.message}")
        return
    report.digest, report.drafts = actual, drafts
    if recorded is None:
        report.add("content", False, "the tag carries no Content-Digest")
    elif recorded != actual:
        report.add(
            "content", False, f"digest mismatch: the tag says {recorded}, drafts give {actual}"
        )
    else:
        report.add(
            "content", True, f"{actual} matches {plural(len(drafts), 'draft')} at the commit"
        )


def _check_outcome(
    ws: Workspace, version: tuple[str, str, str], status: str, report: Verification
) -> None:
    """An outcome tag must be a tag object with its own name, bound to this exact version tag."""
    name, version_oid, commit = version
    outcome_name = f"{name}-{status}"
    label = f"outcome {outcome_name}"
    loaded = load_tag(ws, outcome_name)
    if isinstance(loaded, str):
        report.add(label, False, loaded)
        return
    oid, tag = loaded
    bound = tag.first(OUTCOME_OF) == name and tag.first(VERSION_TAG) == version_oid
    if not bound or tag.object != commit or tag.first(STATUS) != status:
        report.add(label, False, f"{outcome_name} does not record a decision on this tag of {name}")
        return
    report.add(label, True, f"{status} on {tag.first(DECIDED)} (tag object {oid[:12]})")
    _check_signature(ws, oid, tag, report, f"{label} signature")


def verify_version(ws: Workspace, name: str) -> Verification:
    """Recompute and compare everything a version tag claims; the caller reads `.ok`."""
    check_ref_name(name)
    report = Verification(name)
    if ws.repo.ref_target(f"refs/tags/{name}") is None:
        raise VerificationFailed(
            f"no version named {name!r}", "list versions with `draftctl versions`"
        )
    loaded = load_tag(ws, name)
    if isinstance(loaded, str):
        report.add("tag", False, loaded)
        return report
    oid, tag = loaded
    report.commit, report.tag_object = tag.object, oid
    report.add("tag", True, f"tag object {oid[:12]} is named {name!r}, on commit {tag.object[:12]}")
    if tag.first(OUTCOME_OF):
        report.add("kind", False, f"{name} is an outcome tag; verify {tag.first(OUTCOME_OF)}")
        return report
    if tag.first(STATUS) is None:
        report.add("kind", False, "the tag has no Draft-Status: it is not a draftctl version")
    _check_digest(ws, tag, report)
    _check_signature(ws, oid, tag, report)
    for status in OUTCOMES:
        if ws.repo.ref_target(f"refs/tags/{name}-{status}") is not None:
            _check_outcome(ws, (name, oid, tag.object), status, report)
    return report
