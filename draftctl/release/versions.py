"""Reading versions: annotated tags with `Draft-Status`, their outcomes and what changed between.

A version is an annotated tag pointing at a commit whose message carries a `Draft-Status:`
trailer. An outcome (the meeting's decision) is a second annotated tag on the same commit whose
message carries `Outcome-Of: NAME`; it belongs to that version and is never listed as one.
"""

from __future__ import annotations

import os
from itertools import pairwise

from draftctl.consultation.history import count_blobs, read_logs, read_notes
from draftctl.consultation.workspace import Workspace
from draftctl.git.trailers import parse_trailers

STATUSES = ("draft", "consultation", "submitted", "adopted", "rejected")
OUTCOMES = ("adopted", "rejected")
STATUS = "Draft-Status"
MEETING = "Meeting"
DIGEST = "Content-Digest"
OUTCOME_OF = "Outcome-Of"
VERSION_TAG = "Version-Tag"
DECIDED = "Decided"
NOTE = "Note"
ALLOW_UNATTRIBUTED = "Allow-Unattributed"
UNATTRIBUTED_COMMIT = "Unattributed-Commit"

# The empty tree's id, by the length of the repository's object ids (SHA-1, SHA-256).
_EMPTY_TREE = {
    40: "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
    64: "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321",
}
# NUL after every field (git's formatted fields cannot contain one) and a random mark before
# each tag, so no tag message can start a record of its own, whatever it holds.
_FORMAT = "".join(
    f"{atom}%00"
    for atom in [
        "%(refname)",
        "%(objecttype)",
        "%(objectname)",
        "%(*objectname)",
        "%(taggerdate:iso-strict)",
        "%(contents:subject)",
        "%(contents:body)",
        "%(contents:signature)",
        "%(*objecttype)",
        "%(*tree)",  # the tagged commit's tree: `versions` compares trees without cat-file
    ]
)


class Outcome:
    """The decision recorded on a version: an `Outcome-Of` tag on the same commit."""

    __slots__ = ("commit", "date", "name", "signed", "tag_object", "trailers")

    def __init__(
        self,
        name: str,
        tag_object: str,
        commit: str,
        date: str,
        trailers: dict[str, list[str]],
        signed: bool,
    ) -> None:
        self.name = name
        self.tag_object = tag_object
        self.commit = commit
        self.date = date
        self.trailers = trailers
        self.signed = signed

    @property
    def of(self) -> str:
        return _first(self.trailers, OUTCOME_OF) or ""

    @property
    def status(self) -> str | None:
        return _first(self.trailers, STATUS)

    @property
    def decided(self) -> str | None:
        return _first(self.trailers, DECIDED)

    @property
    def meeting(self) -> str | None:
        return _first(self.trailers, MEETING)

    @property
    def note(self) -> str | None:
        return _first(self.trailers, NOTE)

    def as_json(self) -> dict[str, object]:
        return {
            "status": self.status,
            "date": self.decided,
            "meeting": self.meeting,
            "note": self.note,
            "tag": self.name,
            "tag_object": self.tag_object,
            "signed": self.signed,
        }


class Version:
    """A named version of the drafts (and, once decided, its outcome)."""

    __slots__ = (
        "all_trailers",
        "commit",
        "date",
        "name",
        "outcome",
        "signed",
        "subject",
        "tag_object",
        "trailers",
        "tree",
    )

    def __init__(
        self,
        name: str,
        tag_object: str,
        commit: str,
        date: str,
        subject: str,
        trailers: dict[str, str],
        signed: bool,
        all_trailers: dict[str, list[str]],
        tree: str,  # the tree of `commit`
    ) -> None:
        self.name = name
        self.tag_object = tag_object
        self.commit = commit
        self.date = date
        self.subject = subject
        self.trailers = trailers
        self.signed = signed
        self.outcome: Outcome | None = None
        self.all_trailers = all_trailers
        self.tree = tree

    @property
    def status(self) -> str | None:
        return self.trailers.get("draft-status")

    @property
    def meeting(self) -> str | None:
        return self.trailers.get("meeting")

    @property
    def digest(self) -> str | None:
        return self.trailers.get("content-digest")

    @property
    def unattributed_allowed(self) -> list[str]:
        return self.all_trailers.get(UNATTRIBUTED_COMMIT.lower(), [])

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "date": self.date,
            "status": self.status,
            "meeting": self.meeting,
            "commit": self.commit,
            "signed": self.signed,
            "outcome": self.outcome.as_json() if self.outcome else None,
            "tag_object": self.tag_object,
            "digest": self.digest,
            "subject": self.subject,
            "allowed_unattributed": self.unattributed_allowed,
        }


def _first(trailers: dict[str, list[str]], key: str) -> str | None:
    values = trailers.get(key.lower())
    return values[0] if values else None


def message_trailers(subject: str, body: str) -> dict[str, list[str]]:
    """A tag message's trailers, keys lower-cased, every value kept in order."""
    found: dict[str, list[str]] = {}
    for key, value in parse_trailers(f"{subject}\n\n{body}"):
        found.setdefault(key.lower(), []).append(value)
    return found


def _parse(record: str) -> Version | Outcome | None:
    parts = record.split("\0")
    if len(parts) != 11 or parts[1] != "tag" or parts[8] != "commit":
        return None
    if not parts[0].startswith("refs/tags/") or parts[10].strip():
        return None
    ref, _, tag_object, commit, date, subject, body, signature = parts[:8]
    trailers = message_trailers(subject, body)
    name = ref.removeprefix("refs/tags/")
    signed = bool(signature.strip())
    if OUTCOME_OF.lower() in trailers:
        return Outcome(name, tag_object, commit, date, trailers, signed)
    if STATUS.lower() not in trailers:
        return None
    first = {key: values[0] for key, values in trailers.items()}
    return Version(name, tag_object, commit, date, subject, first, signed, trailers, parts[9])


def read_tags(ws: Workspace) -> tuple[list[Version], list[Outcome]]:
    """Every version and every outcome tag, oldest first (by tagger date, then name)."""
    mark = os.urandom(16).hex()
    out = ws.repo.git(
        "for-each-ref", "--sort=refname", "--sort=taggerdate",
        f"--format=%00{mark}%00{_FORMAT}", "refs/tags/",
    )  # fmt: skip
    found = [_parse(record) for record in out.split(f"\0{mark}\0")[1:]]
    versions = [item for item in found if isinstance(item, Version)]
    outcomes = [item for item in found if isinstance(item, Outcome)]
    return versions, outcomes


def list_versions(ws: Workspace) -> list[Version]:
    """Every draftctl version, oldest first, each with its outcome when one is recorded."""
    versions, outcomes = read_tags(ws)
    by_name = {v.name: v for v in versions}
    for outcome in outcomes:
        version = by_name.get(outcome.of)
        if version and version.commit == outcome.commit and version.outcome is None:
            version.outcome = outcome
    return versions


def find_version(ws: Workspace, name: str) -> Version | None:
    return next((v for v in list_versions(ws) if v.name == name), None)


def latest_version(ws: Workspace, at: str | None = None) -> Version | None:
    """The most recent version reachable from `at` (default HEAD), or None."""
    tip = at or ws.repo.head()
    if tip is None:
        return None
    for version in reversed(list_versions(ws)):
        if version.commit == tip or ws.repo.is_ancestor(version.commit, tip):
            return version
    return None


class VersionEntry:
    """One row of `draftctl versions`: the version, and what changed since the one before."""

    __slots__ = ("commits", "deleted_words", "inserted_words", "previous", "rounds", "version")

    def __init__(
        self,
        version: Version,
        previous: str | None,
        inserted_words: int,
        deleted_words: int,
        rounds: list[str],
        commits: int,
    ) -> None:
        self.version = version
        self.previous = previous
        self.inserted_words = inserted_words
        self.deleted_words = deleted_words
        self.rounds = rounds
        self.commits = commits

    def as_json(self) -> dict[str, object]:
        return {
            **self.version.as_json(),
            "previous": self.previous,
            "inserted_words": self.inserted_words,
            "deleted_words": self.deleted_words,
            "rounds": self.rounds,
            "commits": self.commits,
        }


def _net_words(ws: Workspace, versions: list[Version]) -> list[tuple[int, int]]:
    """Words inserted and deleted in the drafts since the version before (net, not per
    commit), for each version: which drafts changed comes from one `git diff-tree`."""
    if not versions:
        return []
    trees = [v.tree or ws.repo.tree_of(v.commit) or v.commit for v in versions]
    pairs = list(zip([_EMPTY_TREE[len(trees[0])], *trees[:-1]], trees, strict=True))
    changed = ws.repo.changed_blobs(pairs, f":(glob){ws.drafts_dir}/**/*.md")
    return count_blobs(ws, changed)


def describe_versions(ws: Workspace) -> list[VersionEntry]:
    """Every version with the words changed and the rounds at work since the previous one."""
    entries = []
    previous: Version | None = None
    versions = list_versions(ws)
    spans = [v.commit for v in versions[:1]]
    spans += [f"{older.commit}..{newer.commit}" for older, newer in pairwise(versions)]
    if spans and ws.repo.head():
        logs = read_logs(ws, spans, read_notes(ws))
    else:  # an unborn branch: no history to read
        logs = [[] for _ in versions]
    counts = _net_words(ws, versions)
    for version, records, (inserted, deleted) in zip(versions, logs, counts, strict=True):
        rounds = [r.round for r in reversed(records) if r.round]
        entries.append(
            VersionEntry(
                version,
                previous.name if previous else None,
                inserted,
                deleted,
                list(dict.fromkeys(rounds)),
                len(records),
            )
        )
        previous = version
    return entries
