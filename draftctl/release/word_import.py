"""`draftctl import FILE.docx`: a returned Word review becomes one attributed commit.

The file's custom properties name the version it was exported from; its tracked changes and
any untracked edits are composed into Markdown against that base (`word_apply`), merged on
top of the draft when it has moved on, and recorded as one commit crediting the round and
the stakeholders; each comment becomes a feedback register item citing its anchored text.
Nothing is written when anything would conflict: a report is written instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from draftctl.consultation.config import CONFIG_FILE
from draftctl.consultation.feedback import FEEDBACK_FILE, FeedbackItem, add_feedback_items
from draftctl.consultation.recording import build_attribution
from draftctl.consultation.workspace import Workspace, atomic_write, resolve_rev
from draftctl.errors import DraftctlError, DraftError, NothingToCommit
from draftctl.git.process import Identity
from draftctl.git.trailers import format_message
from draftctl.release.digest import content_digest
from draftctl.release.word_apply import Conflict, Edit, block_edits, compose, merge3
from draftctl.release.word_map import markdown_blocks, title_shift, word_blocks
from draftctl.release.word_props import COMMIT, DIGEST, DRAFT, VERSION, read_custom_properties
from draftctl.release.word_read import Comment, WordDoc, WordTable, read_word
from draftctl.textutil import plural

AUTHORS_TABLE = "word-authors"
UNTRACKED_TRAILER = "Untracked-Edits"
_ANCHOR_CHARS = 120
_OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


class ImportConflict(DraftctlError):
    default_hint = "resolve the draft by hand, or import again against the current version"


class NoBaseVersion(DraftctlError):
    default_hint = "name the version it was made from with --base REV"


@dataclass
class TrackedChange:
    author: str
    kind: str
    text: str


@dataclass
class ImportResult:
    """What an import recorded: the commit, the base, the edits and the feedback items."""

    draft: str
    base: str
    base_label: str
    commit: str | None = None
    merged: bool = False
    prompted_by: list[str] = field(default_factory=list)
    tracked: list[TrackedChange] = field(default_factory=list)
    untracked: list[Edit] = field(default_factory=list)
    feedback: list[FeedbackItem] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)


# -- finding the base --------------------------------------------------------------------


def find_base(ws: Workspace, props: dict[str, str], base: str | None, name: str) -> tuple[str, str]:
    """(commit, label) of the version the file was made from."""
    if base is not None:
        commit = resolve_rev(ws, base, "--base")
        return commit, base
    if COMMIT not in props or DIGEST not in props:
        raise NoBaseVersion(
            f"{name} was not exported by draftctl: it does not say which version it was made from"
        )
    commit = props[COMMIT].strip().lower()
    label = props.get(VERSION) or commit[:10]
    known = _OBJECT_ID.fullmatch(commit) and ws.repo.has_object(commit)
    found = ws.repo.rev_parse(f"{commit}^{{commit}}") if known else None
    if found is None or content_digest(ws, found)[0] != props[DIGEST]:
        raise NoBaseVersion(
            f"{name} matches no version of this repository (made from {label}, "
            f"{props[DIGEST][:19]}…)",
            "import it into the repository it was exported from, or name its base with --base REV",
        )
    return found, label


# -- who made the changes ----------------------------------------------------------------


def stakeholder_for(ws: Workspace, table: dict[str, str], author: str) -> str | None:
    """The stakeholder a Word author stands for: the table, else a stakeholder's name or id."""
    folded = {key.casefold(): value for key, value in table.items()}
    if author.casefold() in folded:
        found = folded[author.casefold()]
        ws.config.stakeholder(found)
        return found
    for item in ws.config.stakeholders.values():
        if author.casefold() in (item.name.casefold(), item.id):
            return item.id
    return None


def tracked_changes(doc: WordDoc) -> list[TrackedChange]:
    """Every tracked insertion, deletion and move, with its author, in document order."""
    found: list[TrackedChange] = []
    for item in doc.body:
        paras = (
            [p for row in item.rows for cell in row.cells for p in cell]
            if isinstance(item, WordTable)
            else [item]
        )
        for para in paras:
            previous = None
            for span in para.spans:
                key = (span.state, span.author, span.moved)
                if span.moved and span.state == "del":
                    previous = key  # a move is counted once, where the text arrives
                    continue
                if span.state != "same" and key != previous:
                    kind = (
                        "move"
                        if span.moved
                        else {"ins": "insertion", "del": "deletion"}[span.state]
                    )
                    found.append(TrackedChange(span.author or "", kind, span.text))
                elif span.state != "same":
                    found[-1].text += span.text
                previous = key
    return found


def _credit(
    ws: Workspace, sources: list[str], authors: list[str], name: str
) -> tuple[list[str], list[str], dict[str, str]]:
    """(stakeholders to credit, unmapped authors, author → stakeholder)."""
    table = ws.config.word_authors
    mapped: dict[str, str] = {}
    unmapped = []
    for author in dict.fromkeys(authors):
        found = stakeholder_for(ws, table, author) if author else None
        if found:
            mapped[author] = found
        else:
            unmapped.append(author or "(no author)")
    credited = list(dict.fromkeys([*sources, *mapped.values()]))
    if unmapped and not sources:
        raise DraftctlError(
            f"no stakeholder for Word author {unmapped[0]!r} in {name}",
            f"pass --from STAKEHOLDER, or map the author in {CONFIG_FILE}: "
            f'[{AUTHORS_TABLE}] "{unmapped[0]}" = "stakeholder-id"',
        )
    return credited, unmapped, mapped


# -- the import --------------------------------------------------------------------------


def _refuse_uncommitted(ws: Workspace, path: str, with_feedback: bool) -> None:
    for target in [path, *([FEEDBACK_FILE] if with_feedback else [])]:
        if ws.worktree_bytes(target) != ws.bytes_at("HEAD", target):
            raise DraftError(
                f"{target} has uncommitted changes; importing now could mix them with the review",
                "record them first with `draftctl commit`, or set them aside with `git stash`",
            )


def _feedback_entries(
    comments: list[Comment],
    round_id: str,
    sources: list[str],
    mapped: dict[str, str],
    name: str,
) -> list[tuple[str, str, str, str | None]]:
    entries: list[tuple[str, str, str, str | None]] = []
    for comment in comments:
        source = mapped.get(comment.author) or (sources[0] if sources else None)
        if source is None:
            continue
        anchor = comment.anchor
        if len(anchor) > _ANCHOR_CHARS:
            anchor = anchor[: _ANCHOR_CHARS - 1].rstrip() + "…"
        summary = f"{comment.text} (on “{anchor}”)" if anchor else comment.text
        entries.append((round_id, source, summary, f"{name} comment {comment.id}"))
    return entries


@dataclass
class ImportOptions:
    """What the command line says about a returned file: round, credit and where to look."""

    round: str
    sources: list[str] = field(default_factory=list)
    draft: str | None = None
    base: str | None = None
    report: Path | None = None
    why: str | None = None
    feedback: list[str] = field(default_factory=list)
    message: str | None = None
    force: bool = False


@dataclass
class _Review:
    """A returned file read against its base: the text it asks for, and its comments."""

    result: ImportResult
    base_text: str
    theirs: str
    comments: list[Comment]


def _read_review(ws: Workspace, file: Path, opts: ImportOptions) -> _Review:
    data = _read_file(file)
    props = read_custom_properties(data)
    commit, label = find_base(ws, props, opts.base, file.name)
    path = ws.resolve_draft(opts.draft if opts.draft is not None else _draft_from(ws, props))
    base_text = ws.text_at(commit, path)
    if base_text is None:
        raise DraftError(f"{path} does not exist at {label}", "name the draft with --draft")
    doc = read_word(data)
    _refuse_uncommitted(ws, path, bool(doc.comments))
    result = ImportResult(path, commit, label, tracked=tracked_changes(doc))
    shift = title_shift(base_text)
    base_blocks = markdown_blocks(base_text)
    theirs = compose(base_text, base_blocks, word_blocks(doc, "accept", shift))
    result.untracked = block_edits(base_blocks, word_blocks(doc, "reject", shift))
    return _Review(result, base_text, theirs, doc.comments)


def import_review(
    ws: Workspace, file: Path, opts: ImportOptions, identity: Identity | None = None
) -> ImportResult:
    """Record the tracked changes, untracked edits and comments of a returned Word file."""
    name = file.name
    review = _read_review(ws, file, opts)
    result, path = review.result, review.result.draft
    authors = [c.author for c in result.tracked] + [c.author for c in review.comments]
    credited, result.unmapped, mapped = _credit(ws, opts.sources, authors, name)
    result.prompted_by = credited
    rationale = f"{opts.why} ({name})" if opts.why else _rationale(result, name)
    attribution = build_attribution(
        ws.config, opts.round, credited, rationale, opts.feedback, force=opts.force
    )
    report = opts.report or _report_path(ws, file)
    new_text = _on_top(ws, path, review.base_text, review.theirs, result, report)
    entries = _feedback_entries(review.comments, opts.round, opts.sources, mapped, name)
    head_text = ws.text_at("HEAD", path)
    if new_text == head_text and not entries:
        raise NothingToCommit(f"{name} changes nothing in {path} and has no comments")
    if new_text != head_text:
        subject = opts.message or f"Import Word review {name} ({opts.round})"
        message = format_message(subject, attribution, _body(result))
        if result.untracked:
            message = message.rstrip("\n") + f"\n{UNTRACKED_TRAILER}: {len(result.untracked)}\n"
        result.commit = _commit(ws, path, new_text, message, identity)
    if entries:
        subject = f"Record {plural(len(entries), 'comment')} from {name} ({opts.round})"
        result.feedback = add_feedback_items(ws, entries, subject, identity=identity)
    return result


def _read_file(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as problem:
        raise DraftctlError(
            f"cannot read {file}: {problem.strerror}", "check the file's name and path"
        ) from None


def _draft_from(ws: Workspace, props: dict[str, str]) -> str | None:
    path = props.get(DRAFT)
    if path and path.startswith(ws.drafts_dir + "/") and path.endswith(".md"):
        return ws.draft_name(path)
    return None


def _on_top(
    ws: Workspace, path: str, base_text: str, theirs: str, result: ImportResult, report: Path
) -> str:
    """The review applied to the draft as it is now (three-way when it has moved on)."""
    head_text = ws.text_at("HEAD", path) or ""
    if head_text == base_text:
        return theirs
    merged, conflicts = merge3(base_text, head_text, theirs)
    if conflicts:
        write_report(report, result, conflicts)
        raise ImportConflict(
            f"{plural(len(conflicts), 'change')} in the review "
            f"{'conflicts' if len(conflicts) == 1 else 'conflict'} with edits made to {path} "
            f"since {result.base_label}; nothing was recorded",
            f"see {report}: resolve those places by hand, then import again with --base HEAD",
        )
    result.merged = True
    return merged


def _report_path(ws: Workspace, file: Path) -> Path:
    """Next to the Word file, unless that is inside the work tree (kept clean): then .git."""
    target = file.resolve().with_name(file.stem + ".import-report.md")
    try:
        target.relative_to(ws.top.resolve())
    except ValueError:
        return target
    return ws.repo.git_dir / "draftctl" / target.name


def write_report(report: Path, result: ImportResult, conflicts: list[Conflict]) -> None:
    lines = [
        f"# Import conflicts: {result.draft}",
        "",
        f"The review was made from {result.base_label}; the draft has changed since in the "
        "same places. Nothing was recorded. For each place: the text of the version, the draft "
        "now, and what the reviewer returned.",
    ]
    for number, conflict in enumerate(conflicts, 1):
        lines += ["", f"## {number}. {conflict.section or '(top)'}", ""]
        for label, text in (
            ("Version", conflict.base),
            ("Draft now", conflict.ours),
            ("Returned", conflict.theirs),
        ):
            quoted = "\n".join("> " + line for line in (text or "(nothing)").split("\n"))
            lines += [f"**{label}:**", "", quoted, ""]
    report.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(report, ("\n".join(lines).rstrip() + "\n").encode("utf-8"))


def _commit(ws: Workspace, path: str, text: str, message: str, who: Identity | None) -> str:
    data = text.encode("utf-8")
    with ws.repo.write_lock():
        commit = ws.repo.commit_files({path: data}, message, identity=who)
        atomic_write(ws.top / path, data)
    return commit


def _rationale(result: ImportResult, name: str) -> str:
    counts = {
        kind: sum(1 for c in result.tracked if c.kind == kind)
        for kind in ("insertion", "deletion", "move")
    }
    parts = [f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.items() if n]
    text = f"Tracked changes returned in {name} ({', '.join(parts) or 'none'}"
    if result.untracked:
        text += f"; {plural(len(result.untracked), 'untracked edit')}"
    return text + f"), made to {result.base_label}"


def _body(result: ImportResult) -> str:
    lines = []
    for author in dict.fromkeys(c.author for c in result.tracked):
        mine = [c for c in result.tracked if c.author == author]
        lines.append(f"Word author {author or '(none)'}: {plural(len(mine), 'tracked change')}")
    for edit in result.untracked:
        lines.append(f"untracked {edit.kind} in {edit.section or '(top)'}: {_short(edit)}")
    if result.merged:
        lines.append(f"Applied on top of edits made since {result.base_label}.")
    return "\n".join(lines)


def _short(edit: Edit) -> str:
    old, new = " ".join(edit.old.split())[:60], " ".join(edit.new.split())[:60]
    return f"“{old}” → “{new}”" if old and new else f"“{old or new}”"
