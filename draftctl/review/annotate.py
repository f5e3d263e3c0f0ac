"""The annotated diff: gather a draft's history between two revisions and credit every change."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from draftctl.consultation.follow import lineage
from draftctl.consultation.history import CommitRecord, read_log
from draftctl.consultation.steps import Texts, blob_ids, open_memo, prepare
from draftctl.consultation.workspace import WORKTREE, Workspace, resolve_rev
from draftctl.engine.attribution import AttributedDiff, Step, attribute
from draftctl.engine.model import BlockPair
from draftctl.engine.window import Omitted, place_gaps, windows
from draftctl.errors import DraftctlError, DraftError
from draftctl.review.filters import Filters, apply_filters
from draftctl.review.result import AnnotatedDiff, Credit, Side, build_result
from draftctl.textutil import source_date


def commit_metadata(
    ws: Workspace, ids: Iterable[str], known: dict[str, CommitRecord] | None = None
) -> dict[str, CommitRecord]:
    """Author, date and attribution of each commit (a note's trailers first), in one git call
    for the ids not already in `known`."""
    found = dict(known or {})
    missing = [c for c in dict.fromkeys(ids) if c not in found and c != WORKTREE]
    if missing:
        records = read_log(
            ws,
            revisions=["--no-walk=unsorted", "--full-history", *missing],
            paths=["."],
            words=False,
        )
        found.update((r.commit, r) for r in records)
    return found


def resolve_to(ws: Workspace, to_rev: str | None) -> Side:
    """TO: WORKTREE by default, else the commit the revision names."""
    if to_rev is None or to_rev == WORKTREE:
        return Side(WORKTREE, None)
    return Side(to_rev, resolve_rev(ws, to_rev, "TO"))


def _first_parent_log(ws: Workspace, path: str, since: str | None, tip: str) -> list[CommitRecord]:
    """First-parent commits that touch `path`, oldest first, in one `git log`."""
    revisions = [f"{since}..{tip}"] if since else [tip]
    paths = lineage(ws, path).names  # the draft under every name it had
    records = read_log(ws, revisions=revisions, paths=paths, words=False, first_parent=True)
    return records[::-1]


def resolve_range(
    ws: Workspace, path: str, from_rev: str | None, to: Side
) -> tuple[Side, list[CommitRecord]]:
    """FROM (default: the latest version, else the draft's first commit) and the first-parent
    commits after it up to TO that touch the draft, oldest first."""
    if from_rev == WORKTREE:
        raise DraftctlError(
            "FROM cannot be WORKTREE: the work tree is always the newest side",
            "name a version or commit as FROM, e.g. `draftctl diff HEAD`",
        )
    tip = to.commit or ws.repo.head()
    if from_rev is None:
        from draftctl.release.versions import latest_version  # only FROM's default needs it

        version = latest_version(ws, at=tip) if tip else None
        if version is not None:
            from_rev, start = version.name, version.commit
        else:
            records = _first_parent_log(ws, path, None, tip) if tip else []
            if not records:
                return Side("(empty)", None), []
            return Side(records[0].commit, records[0].commit), records[1:]
    else:
        start = resolve_rev(ws, from_rev, "FROM")
    records = _first_parent_log(ws, path, start, tip) if tip else []
    return Side(from_rev, start), records


def _text(ws: Workspace, rev: str | None, path: str) -> str:
    if rev is None:
        return ""
    return ws.text_at(rev, lineage(ws, path).at(rev)) or ""


class StepBuilder:
    """Turns commit records into attribution steps, each text named by its blob id and read
    only when needed; merges get their side branch's steps."""

    def __init__(self, ws: Workspace, path: str, texts: Texts | None = None) -> None:
        self.ws = ws
        self.path = path
        self.known: dict[str, CommitRecord] = {}
        self.found: dict[str, str | None] = {}  # commit → the draft's blob id there
        self.texts = texts or Texts(ws, path)

    def blob(self, commit: str | None) -> str | None:
        return self.blobs([commit])[0] if commit else None

    def blobs(self, commits: list[str]) -> list[str | None]:
        """The draft's blob id at each commit (None: not there), the ones not known yet asked
        of git in one call."""
        missing = [c for c in dict.fromkeys(commits) if c not in self.found]
        if missing:
            names = lineage(self.ws, self.path)
            ids = blob_ids(self.ws, [f"{c}:{names.at(c)}" for c in missing])
            self.found.update(zip(missing, ids, strict=True))
        return [self.found[c] for c in commits]

    def steps(self, records: list[CommitRecord]) -> list[Step]:
        out = []
        blobs = self.blobs([r.commit for r in records])
        for record, blob in zip(records, blobs, strict=True):
            self.known[record.commit] = record
            step = Step(record.commit, self.texts.loader(blob), blob=blob)
            if len(record.parents) > 1:
                step = self.merge_step(record, step)
            out.append(step)
        return out

    def merge_step(self, record: CommitRecord, step: Step) -> Step:
        """`step` with the merged branch's steps from the merge base (unchanged when the
        histories are unrelated: the merge itself is credited)."""
        first, second = record.parents[0], record.parents[1]
        base = self.ws.repo.merge_base(first, second)
        if base is None:
            return step
        side = self.steps(_first_parent_log(self.ws, self.path, base, second))
        base_text, base_blob = _text(self.ws, base, self.path), self.blob(base)
        return Step(step.commit, step.source, tuple(side), base_text, step.blob, base_blob)


def annotate_range(
    ws: Workspace,
    path: str,
    frm: Side,
    to: Side,
    records: list[CommitRecord],
    progress: Callable[[int, int], None] | None = None,
) -> AnnotatedDiff:
    """Replay the commits between FROM and TO and credit every change of the diff (edits the
    repository's cache holds are read, the others computed and kept)."""
    builder = StepBuilder(ws, path)
    builder.blobs([*(r.commit for r in records), *filter(None, [frm.commit])])  # one git call
    steps = builder.steps(records)
    from_blob = builder.blob(frm.commit)
    from_text = builder.texts.text(from_blob)
    if to.commit is None:
        worktree = _text(ws, WORKTREE, path)
        if worktree != (steps[-1].text if steps else from_text):
            steps.append(Step(WORKTREE, worktree))
    if not steps and ws.bytes_at(to.commit or WORKTREE, path) is None and not from_text:
        raise DraftError(f"no draft {ws.draft_name(path)!r} at {to.rev} ({path} does not exist)")
    windowed = _windowed(from_text, steps)
    if windowed is not None:
        attributed, placed = windowed
    else:
        placed = None
        attributed = _replayed(ws, builder.texts, from_text, from_blob, steps, progress)
    used = {k for ids in attributed.credits.values() for k in ids}
    credits = _credits(commit_metadata(ws, used, builder.known), used)
    result = build_result(path, frm, to, attributed, credits, placed)
    _date(ws, result, frm, to)
    return result


def _date(ws: Workspace, result: AnnotatedDiff, frm: Side, to: Side) -> None:
    """The dates of FROM and TO and the day the result is as of (`stated_date`), from one
    git call."""
    tip = to.commit or ws.repo.head()
    dates = ws.repo.commit_dates([c for c in (frm.commit, tip) if c])

    def date(commit: str) -> str:
        return dates.get(commit) or ws.repo.commit_date(commit)

    result.from_date = date(frm.commit) if frm.commit else ""
    result.to_date = date(to.commit) if to.commit else ""
    result.date = source_date(date(tip) if tip else "")[:10]


def _replayed(
    ws: Workspace,
    texts: Texts,
    from_text: str,
    from_blob: str | None,
    steps: list[Step],
    progress: Callable[[int, int], None] | None,
) -> AttributedDiff:
    """The engine's replay of every step, edits the repository's cache holds read, not
    computed (and the computed ones kept)."""
    memo = open_memo(ws)
    try:
        prepare(memo, texts, from_blob, steps)
        return attribute(from_text, steps, progress=progress, memo=memo, from_blob=from_blob)
    finally:
        memo.cache.close()


def _windowed(
    from_text: str, steps: list[Step]
) -> tuple[AttributedDiff, list[BlockPair | Omitted]] | None:
    """One step (a commit against its parent, the work tree against HEAD): the engine reads
    only the windows around the changes; None when that does not apply (several steps, a
    merge, nothing to leave out, or a gap the engine did not read as unchanged)."""
    if len(steps) != 1 or steps[0].side:
        return None
    found = windows(from_text, steps[0].text)
    if found is None:
        return None
    attributed = attribute(found.old, [Step(steps[0].commit, found.new)], scanner=found.scanner)
    placed = place_gaps(attributed.diff, found)
    return None if placed is None else (attributed, placed)


def stated_date(ws: Workspace, commit: str | None) -> str:
    """The day a result is "as of", reproducible: SOURCE_DATE_EPOCH when set, else the committer
    date of `commit` (of HEAD for the work tree), never today's date."""
    tip = commit or ws.repo.head()
    return source_date(ws.repo.commit_date(tip) if tip else "")[:10]


def _credits(records: dict[str, CommitRecord], keys: Iterable[str]) -> dict[str, Credit]:
    out = {}
    for key in keys:
        if key == WORKTREE:
            out[key] = Credit(WORKTREE, None, WORKTREE, subject="uncommitted edits")
            continue
        record = records.get(key)
        if record is None:
            out[key] = Credit(key, key, None)
            continue
        found = record.attribution
        out[key] = Credit(
            key,
            key,
            found.round,
            tuple(found.prompted_by),
            found.rationale,
            record.author,
            record.date,
            record.subject,
        )
    return out


# --- the entry points -------------------------------------------------------------------------


def annotated_diff(
    ws: Workspace,
    draft: str | None,
    from_rev: str | None,
    to_rev: str | None,
    filters: Filters | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> AnnotatedDiff:
    """`draftctl diff`: the annotated diff of one draft between FROM and TO."""
    path = ws.resolve_draft(draft)
    to = resolve_to(ws, to_rev)
    frm, records = resolve_range(ws, path, from_rev, to)
    result = annotate_range(ws, path, frm, to, records, progress)
    return apply_filters(result, filters or Filters(), ws.config)


@dataclass
class CommitView:
    """`draftctl show`: one commit's message and attribution, and its annotated diffs."""

    record: CommitRecord
    message: str
    diffs: list[AnnotatedDiff]


def show_commit(
    ws: Workspace,
    rev: str,
    draft: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CommitView:
    """The commit `rev` names, with the diff REV^..REV of each draft it changes."""
    commit = resolve_rev(ws, rev, "show")
    record = commit_metadata(ws, [commit]).get(commit)
    if record is None:
        raise DraftctlError(
            f"{rev} changes no files: there is nothing to show", f"`git show {rev}` shows it"
        )
    message = ws.repo.git("show", "-s", "--format=%B", commit)
    if draft is not None:
        paths = [ws.resolve_draft(draft)]
    else:
        folder = ws.drafts_dir + "/"
        changed = ws.repo.changed_paths(commit)
        moved = ws.repo.renamed_paths(commit)  # a renamed draft shows once, under its new name
        paths = [
            p for p in changed if p.startswith(folder) and p.endswith(".md") and p not in moved
        ]
    parent = record.parents[0] if record.parents else None
    frm = Side(f"{rev}^", parent) if parent else Side("(empty)", None)
    diffs = [annotate_range(ws, path, frm, Side(rev, commit), [record], progress) for path in paths]
    return CommitView(record, message, diffs)
