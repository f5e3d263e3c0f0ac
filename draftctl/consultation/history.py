"""Attributed history: every commit with its trailers and late notes, read with one `git log`."""

from __future__ import annotations

from dataclasses import dataclass, field

from draftctl.consultation.workspace import Workspace
from draftctl.engine.counts import text_counts
from draftctl.git.repo import NOTES_REF
from draftctl.git.trailers import Attribution, parse_trailers

_RECORD, _FIELD = "\x1e", "\x1f"
_FORMAT = (
    _RECORD
    + _FIELD.join(["%H", "%P", "%an", "%ae", "%aI", "%s", "%(trailers:only,unfold)", "%N", "%b"])
    + _FIELD
)


@dataclass
class CommitRecord:
    """One commit as draftctl sees it: who, when, why, and what it changed."""

    commit: str
    parents: list[str]
    author: str
    email: str
    date: str
    subject: str
    attribution: Attribution
    noted: bool = False
    drafts: list[str] = field(default_factory=list)
    inserted_words: int = 0
    deleted_words: int = 0

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


def _parse_header(chunk: str) -> tuple[CommitRecord, str]:
    parts = chunk.split(_FIELD)
    sha, parents, name, email, date, subject, trailers, note = parts[:8]
    rest = parts[9] if len(parts) > 9 else ""
    attribution, noted = attribution_of(trailers, note)
    record = CommitRecord(sha, parents.split(), name, email, date, subject, attribution, noted)
    return record, rest


def _count_words(ws: Workspace, record: CommitRecord, patch: str) -> None:
    lines = patch.split("\n")
    named = (ln[6:] if ln.startswith("+++ b/") else ln[10:] for ln in lines if _names_file(ln))
    record.drafts = list(dict.fromkeys(name.strip() for name in named))
    parent = record.parents[0] if record.parents else None
    record.inserted_words, record.deleted_words = counted(
        ws, parent, record.commit, patch_files(patch)
    )


def patch_files(patch: str) -> list[tuple[str | None, str | None]]:
    """(old path, new path) of every file a patch touches (None: added or deleted), read from
    the headers only (a content line may look like a header)."""
    files: list[list[str | None]] = []
    header = False
    for line in patch.split("\n"):
        if line.startswith("diff --git "):
            files.append([None, None])
            header = True
        elif line.startswith("@@"):
            header = False
        elif header and files:
            for prefix, side in (
                ("--- a/", 0),
                ("rename from ", 0),
                ("+++ b/", 1),
                ("rename to ", 1),
            ):
                if line.startswith(prefix):
                    files[-1][side] = line[len(prefix) :].strip()
    return [(a, b) for a, b in files if a or b]


def counted(
    ws: Workspace, parent: str | None, commit: str, files: list[tuple[str | None, str | None]]
) -> tuple[int, int]:
    """Words a commit inserted and deleted in `files`, counted by the engine as `diff` counts
    them (one count for every command)."""
    inserted = deleted = 0
    for old_path, new_path in files:
        old = ws.text_at(parent, old_path) if parent and old_path else None
        new = ws.text_at(commit, new_path) if new_path else None
        ins, dele = text_counts(old or "", new or "")
        inserted, deleted = inserted + ins, deleted + dele
    return inserted, deleted


def _names_file(line: str) -> bool:
    """A patch line naming the file a commit leaves: `+++ b/…`, or `rename to …` (pure rename)."""
    return line.startswith(("+++ b/", "rename to "))


def read_log(
    ws: Workspace,
    *,
    revisions: list[str] | None = None,
    paths: list[str] | None = None,
    words: bool = True,
    first_parent: bool = False,
) -> list[CommitRecord]:
    """Commits that touch `paths` (default: the drafts folder), newest first, in one git call."""
    if ws.repo.head() is None:
        return []
    args = ["log", "--no-color", f"--notes={NOTES_REF}", f"--format={_FORMAT}"]
    args += ["--first-parent"] if first_parent else []
    if words:
        args += [
            "-p",
            "--word-diff=porcelain",
            "-U0",
            "--no-ext-diff",
            "--no-textconv",
            "-M",  # a renamed draft counts only the words its commit changed (none for `mv`)
            "--diff-merges=first-parent",
        ]
    else:
        args += ["--name-only"]
    args += [*(revisions or ["HEAD"]), "--", *(paths or [f":(glob){ws.drafts_dir}/**/*.md"])]
    out = ws.repo.git(*args)
    records = []
    for chunk in out.split(_RECORD)[1:]:
        record, rest = _parse_header(chunk)
        if words:
            _count_words(ws, record, rest)
        else:
            record.drafts = [p for p in rest.split("\n") if p.strip()]
        records.append(record)
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
