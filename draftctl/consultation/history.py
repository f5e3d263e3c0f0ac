"""Attributed history: every commit with its trailers and late notes, read with one `git log`."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator

from draftctl.consultation.workspace import Workspace
from draftctl.errors import GitError
from draftctl.git.process import blob_or_none
from draftctl.git.refs import NOTES_REF
from draftctl.git.trailers import Attribution, parse_trailers

TYPE_CHECKING = False  # typing's flag, without importing typing at run time
if TYPE_CHECKING:
    from draftctl.consultation.wordcounts import FileChange

# Every field ends with NUL, which git's formatted fields cannot contain. Each commit starts with
# NUL, a random mark and NUL: draft text (in a patch, past git's binary sniffing) may hold a NUL,
# but never this run's mark, so no text can start a commit of its own.
_FIELDS = ["%H", "%P", "%an", "%ae", "%aI", "%s", "%(trailers:only,unfold)"]
_HEADER = "".join(f"{code}%x00" for code in _FIELDS)
_OID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


class CommitRecord:
    """One commit as draftctl sees it: who, when, why, and what it changed."""

    __slots__ = (
        "attribution",
        "author",
        "commit",
        "date",
        "deleted_words",
        "drafts",
        "email",
        "inserted_words",
        "noted",
        "parents",
        "subject",
    )

    def __init__(
        self,
        commit: str,
        parents: list[str],
        author: str,
        email: str,
        date: str,
        subject: str,
        attribution: Attribution,
        noted: bool = False,
    ) -> None:
        self.commit = commit
        self.parents = parents
        self.author = author
        self.email = email
        self.date = date
        self.subject = subject
        self.attribution = attribution
        self.noted = noted
        self.drafts: list[str] = []
        self.inserted_words = 0
        self.deleted_words = 0

    @property
    def round(self) -> str | None:
        return self.attribution.round

    @property
    def bookkeeping(self) -> bool:
        return self.attribution.action is not None

    def as_json(self) -> dict[str, object]:
        return {
            "commit": self.commit,
            "author": self.author,
            "date": self.date,
            "subject": self.subject,
            "round": self.attribution.round,
            "prompted_by": self.attribution.prompted_by,
            "rationale": self.attribution.rationale,
            "feedback": self.attribution.feedback,
            "drafts": self.drafts,
            "inserted_words": self.inserted_words,
            "deleted_words": self.deleted_words,
            "noted": self.noted,
        }


def _pairs(block: str) -> list[tuple[str, str]]:
    pairs = []
    for line in block.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            pairs.append((key.strip(), value.strip()))
    return pairs


def attribution_of(trailer_block: str, note: str) -> tuple[Attribution, bool]:
    """The commit's attribution; a note's trailers, when it has a round, take precedence."""
    own = Attribution.from_pairs(_pairs(trailer_block))
    if note.strip():
        noted = Attribution.from_pairs(parse_trailers("note\n\n" + note.strip() + "\n"))
        if noted.round:
            noted.action = noted.action or own.action
            return noted, True
    return own, False


def _records(out: str, mark: str, notes: dict[str, str]) -> Iterator[tuple[CommitRecord, str]]:
    """Each commit of framed `git log` output with the text (patch or names) after it."""
    chunks = out.split(f"\0{mark}\0")
    if chunks[0].strip():
        raise GitError("git log gave output draftctl cannot read", "run the command again")
    for chunk in chunks[1:]:
        parts = chunk.split("\0", len(_FIELDS))
        if len(parts) <= len(_FIELDS):
            raise GitError("git log gave output draftctl cannot read", "run the command again")
        sha, parents, name, email, date, subject, trailers, rest = parts
        if not _OID.fullmatch(sha) or not all(_OID.fullmatch(p) for p in parents.split()):
            raise GitError(f"git log gave an unexpected commit id {sha[:50]!r}")
        attribution, noted = attribution_of(trailers, notes.get(sha, ""))
        record = CommitRecord(sha, parents.split(), name, email, date, subject, attribution, noted)
        yield record, rest


# Notes already read in this process, by (git folder, notes commit): a notes commit never
# changes, and a new note moves the ref, so commands that read the log many times (versions,
# report, merges in diff) list and read the notes once.
_NOTES_READ: dict[tuple[str, str], dict[str, str]] = {}


def read_notes(ws: Workspace) -> dict[str, str]:
    """Commit → its note under refs/notes/draftctl, each read whole from its own blob."""
    target = ws.repo.ref_target(NOTES_REF)
    if target is None:
        return {}
    key = (str(ws.repo.common_dir), target)
    if key not in _NOTES_READ:
        pairs = ws.repo.note_list(NOTES_REF)
        blobs = ws.repo.stream_blobs([blob for blob, _ in pairs])
        _NOTES_READ[key] = {
            commit: data.decode("utf-8", "replace")
            for (_, commit), data in zip(pairs, blobs, strict=True)
            if data is not None
        }
    return _NOTES_READ[key]


def raw_changes(rest: str) -> list[FileChange]:
    """The files of one commit in `git log --raw -z` output: blobs and paths of each side."""
    from draftctl.consultation.wordcounts import FileChange

    fields = rest.split("\0")
    changes = []
    at = 0
    while at < len(fields):
        meta = fields[at].lstrip("\n")
        at += 1
        parts = meta[1:].split(" ")
        if not meta.startswith(":") or len(parts) != 5:
            continue
        _, _, old, new, status = parts
        if status[:1] in ("R", "C"):
            old_path, new_path = fields[at : at + 2]
            at += 2
        else:
            old_path = new_path = fields[at] if at < len(fields) else ""
            at += 1
        old_blob, new_blob = blob_or_none(old), blob_or_none(new)
        changes.append(
            FileChange(
                old_blob,
                new_blob,
                old_path if old_blob else None,
                new_path if new_blob else None,
            )
        )
    return changes


def _count_words(
    ws: Workspace,
    found: list[tuple[CommitRecord, list[FileChange]]],
    progress: Callable[[int, int], None] | None,
) -> None:
    """Each record's drafts and words, counted per pair of blobs (cached in the repository)."""
    from draftctl.consultation.wordcounts import word_counts

    counts = word_counts(ws, [c for _, changes in found for c in changes], progress)
    for record, changes in found:
        record.drafts = list(dict.fromkeys(c.new_path for c in changes if c.new_path))
        for change in changes:
            inserted, deleted = counts[change.key]
            record.inserted_words += inserted
            record.deleted_words += deleted


def count_blobs(
    ws: Workspace, groups: list[list[tuple[str | None, str | None, str]]]
) -> list[tuple[int, int]]:
    """Words inserted and deleted by each group of (old blob, new blob, path) changes, counted
    by the engine as `diff` counts them (None: the file is absent on that side); one pass over
    the cache for every group."""
    from draftctl.consultation.wordcounts import FileChange, word_counts

    changes = [
        [FileChange(old, new, path if old else None, path if new else None) for old, new, path in g]
        for g in groups
    ]
    counts = word_counts(ws, [c for group in changes for c in group])
    return [
        (sum(counts[c.key][0] for c in group), sum(counts[c.key][1] for c in group))
        for group in changes
    ]


def read_log(
    ws: Workspace,
    *,
    revisions: list[str] | None = None,
    paths: list[str] | None = None,
    words: bool = True,
    first_parent: bool = False,
    progress: Callable[[int, int], None] | None = None,
    notes: dict[str, str] | None = None,
) -> list[CommitRecord]:
    """Commits that touch `paths` (default: the drafts folder), newest first, in one git call;
    with `words`, each commit's words (counted per pair of blobs, cached in the repository).
    A caller reading many ranges passes `notes` (`read_notes`) once it knows HEAD exists."""
    if notes is None:
        if not ws.repo.has_commits():
            return []
        notes = read_notes(ws)
    mark = os.urandom(16).hex()
    out = ws.repo.git(*_log_args(ws, mark, revisions, paths, words, first_parent))
    return _log_records(ws, out, mark, notes, words, progress)


def read_logs(ws: Workspace, ranges: list[str], notes: dict[str, str]) -> list[list[CommitRecord]]:
    """`read_log(revisions=[range], words=False, notes=notes)` for each range, their git
    processes run side by side."""
    mark = os.urandom(16).hex()
    commands = [_log_args(ws, mark, [span], None, False, False) for span in ranges]
    return [_log_records(ws, out, mark, notes, False, None) for out in ws.repo.git_all(commands)]


def _log_args(
    ws: Workspace,
    mark: str,
    revisions: list[str] | None,
    paths: list[str] | None,
    words: bool,
    first_parent: bool,
) -> list[str]:
    args = ["log", "--no-color", "--no-notes", f"--format=%x00{mark}%x00{_HEADER}"]
    args += ["--first-parent"] if first_parent else []
    if words:
        args += [
            "--raw",
            "-z",
            "--no-abbrev",
            "-M",  # a renamed draft counts only the words its commit changed (none for `mv`)
            "--diff-merges=first-parent",
        ]
    else:
        args += ["--name-only"]
    return [*args, *(revisions or ["HEAD"]), "--", *(paths or [f":(glob){ws.drafts_dir}/**/*.md"])]


def _log_records(
    ws: Workspace,
    out: str,
    mark: str,
    notes: dict[str, str],
    words: bool,
    progress: Callable[[int, int], None] | None,
) -> list[CommitRecord]:
    records = []
    found = []
    for record, rest in _records(out, mark, notes):
        if words:
            found.append((record, raw_changes(rest)))
        else:
            record.drafts = [p for p in rest.split("\n") if p.strip()]
        records.append(record)
    if words:
        _count_words(ws, found, progress)
    return records


def filter_records(
    records: list[CommitRecord], *, round_id: str | None = None, by: str | None = None
) -> list[CommitRecord]:
    """Keep the commits attributed to `round_id` and/or prompted by stakeholder `by`."""
    kept = records
    if round_id:
        kept = [r for r in kept if r.attribution.round == round_id]
    if by:
        kept = [r for r in kept if by in r.attribution.prompted_by]
    return kept
