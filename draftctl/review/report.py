"""The consultation outcome report: per round, who was consulted, what changed, and why."""

from __future__ import annotations

from dataclasses import dataclass, field

from draftctl.consultation.config import Round, Stakeholder
from draftctl.consultation.feedback import FeedbackItem, is_feedback_id, load_register
from draftctl.consultation.follow import lineage
from draftctl.consultation.history import CommitRecord, read_log
from draftctl.consultation.workspace import WORKTREE, Workspace, resolve_rev
from draftctl.errors import DraftctlError
from draftctl.names import check_slug
from draftctl.review.annotate import annotate_range, stated_date
from draftctl.review.filters import Filters, apply_filters
from draftctl.review.response import response_json
from draftctl.review.result import (
    AnnotatedChange,
    AnnotatedDiff,
    Credit,
    Piece,
    ShownBlock,
    Side,
)
from draftctl.review.revisions import Revision, revision
from draftctl.review.setting import Setting, build_setting

UNATTRIBUTED = "unattributed"


@dataclass
class ReportChange:
    """One change a round prompted, with its attribution, the feedback it answers, a redline."""

    id: int
    kind: str
    section: tuple[str, ...]
    old: str
    new: str
    credits: list[Credit]
    feedback: list[str]
    redline: list[Piece]
    from_section: tuple[str, ...] = ()

    @property
    def rationales(self) -> list[str]:
        return list(dict.fromkeys(c.rationale for c in self.credits if c.rationale))

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "section": list(self.section),
            "from_section": list(self.from_section) if self.kind == "move" else None,
            "old": self.old,
            "new": self.new,
            "attribution": [c.as_json() for c in self.credits],
            "feedback": self.feedback,
            "redline": [{"op": p.op, "text": p.text} for p in self.redline],
        }


@dataclass
class FeedbackOutcome:
    """What came of one piece of feedback: its response and the changes that cite it."""

    item: FeedbackItem
    commits: list[CommitRecord]
    changes: list[int]
    sections: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def led_to_change(self) -> bool:
        return bool(self.commits)

    def as_json(self) -> dict[str, object]:
        return {
            **self.item.as_json([c.commit for c in self.commits]),
            "changes": self.changes,
            "led_to_change": self.led_to_change,
            "sections": [list(s) for s in self.sections],
        }


@dataclass
class RoundReport:
    """One round: its dates, who was consulted, its changes, and "you said, we did"."""

    round: Round
    consulted: list[Stakeholder]
    frm: Side
    to: Side
    commits: list[CommitRecord]
    changes: list[ReportChange] = field(default_factory=list)
    inserted_words: int = 0
    deleted_words: int = 0
    feedback: list[FeedbackOutcome] = field(default_factory=list)
    prompted_by: list[Stakeholder] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)

    @property
    def sections(self) -> list[tuple[str, ...]]:
        return list(dict.fromkeys(c.section for c in self.changes))

    @property
    def dates(self) -> tuple[str | None, str | None]:
        """The dates of the round's first and last commit."""
        days = sorted(c.date[:10] for c in self.commits)
        return (days[0], days[-1]) if days else (None, None)

    @property
    def without_change(self) -> list[FeedbackOutcome]:
        return [f for f in self.feedback if not f.led_to_change]

    def as_json(self) -> dict[str, object]:
        first, last = self.dates
        return {
            **self.round.as_json(),
            "consulted": [s.as_json() for s in self.consulted],
            "prompted_by": [s.as_json() for s in self.prompted_by],
            "from": {"rev": self.frm.rev, "commit": self.frm.commit},
            "to": {"rev": self.to.rev, "commit": self.to.commit},
            "first_commit_date": first,
            "last_commit_date": last,
            "commits": [c.commit for c in self.commits],
            "changes_count": len(self.changes),
            "inserted_words": self.inserted_words,
            "deleted_words": self.deleted_words,
            "sections": [list(s) for s in self.sections],
            "changes": [c.as_json() for c in self.changes],
            "feedback": [f.as_json() for f in self.feedback],
            "no_change": [f.item.id for f in self.without_change],
            "revisions": [r.as_json() for r in self.revisions],
        }


@dataclass
class Report:
    """The whole report: the draft, the scope it covers, and one part per round."""

    name: str
    draft: str
    title: str
    scope: str
    generated: str
    rounds: list[RoundReport]
    approximate: bool = False
    people: dict[str, str] = field(default_factory=dict)
    setting: Setting = field(default_factory=Setting)

    def person(self, stakeholder_id: str) -> str:
        """A stakeholder's display name (the id when it is not registered)."""
        return self.people.get(stakeholder_id, stakeholder_id)

    def section(self, section: tuple[str, ...]) -> str:
        """`Scope › Definitions`: the section path without the document's title."""
        if len(section) > 1 and section[0] == self.title:
            section = section[1:]
        return " › ".join(section) if section else "(before the first heading)"

    def where(self, change: ReportChange) -> str:
        """`replace in Scope`, `moved from A to B`: what a change is and where."""
        here = self.section(change.section)
        if change.kind != "move":
            return f"{change.kind} in {here}"
        if change.from_section and change.from_section != change.section:
            return f"moved from {self.section(change.from_section)} to {here}"
        return f"moved: {here}"

    @property
    def totals(self) -> dict[str, int]:
        return {
            "changes": sum(len(r.changes) for r in self.rounds),
            "inserted_words": sum(r.inserted_words for r in self.rounds),
            "deleted_words": sum(r.deleted_words for r in self.rounds),
            "feedback": sum(len(r.feedback) for r in self.rounds),
            "no_change": sum(len(r.without_change) for r in self.rounds),
        }

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "draft": self.draft,
            "title": self.title,
            "scope": self.scope,
            "generated": self.generated,
            "approximate": self.approximate,
            "totals": self.totals,
            "rounds": [r.as_json() for r in self.rounds],
            **response_json(self),
        }


# -- redlines ----------------------------------------------------------------------------------


def blocks_of(
    result: AnnotatedDiff, change: AnnotatedChange
) -> list[tuple[ShownBlock, list[Piece]]]:
    """The blocks a change touches, with only its own edits marked (others read as done)."""
    out = []
    for block in result.blocks:
        if change.id not in block.change_ids() or block.move == "from":
            continue
        pieces = [
            p if p.change == change.id or block.change == change.id else Piece("equal", p.text)
            for p in block.pieces
            if p.change == change.id or block.change == change.id or p.op != "delete"
        ]
        out.append((block, pieces))
    return out


def redline_of(result: AnnotatedDiff, change: AnnotatedChange) -> list[Piece]:
    """A change's blocks as one run of pieces, blocks separated by a blank line."""
    pieces: list[Piece] = []
    for _, block_pieces in blocks_of(result, change):
        if pieces:
            pieces.append(Piece("equal", "\n\n"))
        pieces += block_pieces
    return pieces


# -- building ----------------------------------------------------------------------------------


def _citations(records: list[CommitRecord]) -> dict[str, list[CommitRecord]]:
    found: dict[str, list[CommitRecord]] = {}
    for record in records:
        for ref in record.attribution.feedback:
            if is_feedback_id(ref):
                found.setdefault(ref.strip().upper(), []).append(record)
    return found


def _feedback_of(record: CommitRecord | None) -> list[str]:
    if record is None:
        return []
    return [f.strip().upper() for f in record.attribution.feedback if is_feedback_id(f)]


class _Builder:
    """Gathers history, feedback and annotated diffs for the rounds of one report."""

    def __init__(self, ws: Workspace, path: str) -> None:
        self.ws = ws
        self.path = path
        self.names = lineage(ws, path).names  # the draft under every name it had
        self.history = read_log(ws, paths=self.names, words=False, first_parent=True)[::-1]
        everywhere = read_log(ws, words=False)
        self.by_commit = {r.commit: r for r in everywhere}
        self.cited = _citations(everywhere)
        self.register = load_register(ws)
        self.approximate = False

    def round_of(self, round_id: str) -> Round:
        return self.ws.config.rounds.get(round_id) or Round(round_id, round_id)

    def diff(self, frm: Side, to: Side, records: list[CommitRecord]) -> AnnotatedDiff:
        result = annotate_range(self.ws, self.path, frm, to, records)
        self.approximate = self.approximate or result.approximate
        return result

    def part(
        self,
        round_id: str,
        result: AnnotatedDiff,
        commits: list[CommitRecord],
        filtered: AnnotatedDiff | None,
    ) -> RoundReport:
        """The report for one round from the (already filtered) annotated diff."""
        config = self.ws.config
        item = self.round_of(round_id)
        part = RoundReport(
            item,
            [config.stakeholders[s] for s in item.stakeholders if s in config.stakeholders],
            Side(result.from_rev, result.from_commit),
            Side(result.to_rev, result.to_commit),
            commits,
        )
        if filtered is not None:
            part.changes = [self._change(filtered, c) for c in filtered.changes]
            part.inserted_words = filtered.stats.inserted_words
            part.deleted_words = filtered.stats.deleted_words
            part.revisions = [revision(filtered, r) for r in commits]
        part.prompted_by = self._also_prompted(part)
        part.feedback = self._outcomes(round_id, part.changes, part.revisions)
        return part

    def _change(self, result: AnnotatedDiff, change: AnnotatedChange) -> ReportChange:
        credits = [result.credits[k] for k in change.credits]
        cited = [f for c in credits for f in _feedback_of(self.by_commit.get(c.commit or ""))]
        return ReportChange(
            change.id,
            change.kind,
            change.section,
            change.old,
            change.new,
            credits,
            list(dict.fromkeys(cited)),
            redline_of(result, change),
            change.section_from,
        )

    def _also_prompted(self, part: RoundReport) -> list[Stakeholder]:
        config = self.ws.config
        consulted = {s.id for s in part.consulted}
        ids = [p for c in part.changes for k in c.credits for p in k.prompted_by]
        return [
            config.stakeholders.get(p) or Stakeholder(p, p)
            for p in dict.fromkeys(ids)
            if p not in consulted
        ]

    def _outcomes(
        self, round_id: str, changes: list[ReportChange], revisions: list[Revision]
    ) -> list[FeedbackOutcome]:
        """Each feedback item of the round, with the changes and sections its commits made."""
        out = []
        for item in self.register.items.values():
            if item.round != round_id:
                continue
            mine = [c for c in changes if item.id in c.feedback]
            cited = self.cited.get(item.id, [])
            commits = {c.commit for c in cited}
            made = [s for r in revisions if r.record.commit in commits for s in r.sections]
            sections = list(dict.fromkeys(made))
            out.append(FeedbackOutcome(item, cited, [c.id for c in mine], sections))
        return out

    # -- the three scopes ----------------------------------------------------------------------

    def round_part(self, round_id: str) -> RoundReport:
        """One round over its own span: from before its first commit to its last one."""
        marks = [i for i, r in enumerate(self.history) if r.round == round_id]
        if not marks:
            empty = Side("(none)", None)
            stub = AnnotatedDiff(self.path, empty.rev, None, empty.rev, None, [], [], {})
            return self.part(round_id, stub, [], None)
        first, last = marks[0], marks[-1]
        before = self.history[first - 1] if first else None
        frm = Side(before.commit, before.commit) if before else Side("(empty)", None)
        to = Side(self.history[last].commit, self.history[last].commit)
        span = self.history[first : last + 1]
        result = self.diff(frm, to, span)
        filtered = apply_filters(result, Filters(round_id=round_id), self.ws.config)
        commits = [r for r in span if r.round == round_id]
        return self.part(round_id, result, commits, filtered)

    def range_parts(self, frm: Side, to: Side) -> list[RoundReport]:
        """Every round that prompted a change between FROM and TO, from one annotated diff."""
        inside = self._between(frm.commit, to.commit)
        result = self.diff(frm, to, inside)
        keys = [k for k in result.rounds_used() if k not in (WORKTREE, UNATTRIBUTED)]
        ordered = [r for r in self.ws.config.rounds if r in keys] + [
            k for k in keys if k not in self.ws.config.rounds
        ]
        parts = []
        for round_id in ordered:
            filtered = apply_filters(result, Filters(round_id=round_id), self.ws.config)
            commits = [r for r in inside if r.round == round_id]
            parts.append(self.part(round_id, result, commits, filtered))
        return parts

    def _between(self, start: str | None, end: str | None) -> list[CommitRecord]:
        if end is None:
            return []
        revisions = [f"{start}..{end}"] if start else [end]
        found = read_log(
            self.ws, revisions=revisions, paths=self.names, words=False, first_parent=True
        )
        return found[::-1]


def _round_ids(ws: Workspace, builder: _Builder, round_id: str | None) -> list[str]:
    if round_id:
        check_slug(round_id, "round")
        if round_id not in ws.config.rounds and round_id not in {r.round for r in builder.history}:
            ws.config.round(round_id)
        return [round_id]
    cited = [r.round for r in builder.history if r.round]
    active = set(cited) | {i.round for i in builder.register.items.values()}
    unregistered = [r for r in dict.fromkeys(cited) if r not in ws.config.rounds]
    return [r for r in ws.config.rounds if r in active] + unregistered


def _title(ws: Workspace, path: str) -> str:
    text = ws.text_at("HEAD", path) if ws.repo.head() else None
    for line in (text or "").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ws.draft_name(path)


def build_report(
    ws: Workspace,
    draft: str | None,
    round_id: str | None = None,
    from_rev: str | None = None,
    to_rev: str | None = None,
) -> Report:
    """The report on one round, on every round, or on the changes between FROM and TO."""
    path = ws.resolve_draft(draft)
    if ws.repo.head() is None:
        raise DraftctlError("there is no history yet", "record changes with `draftctl commit`")
    builder = _Builder(ws, path)
    if from_rev is not None and to_rev is not None:
        frm = Side(from_rev, resolve_rev(ws, from_rev, "FROM"))
        to = Side(to_rev, None if to_rev == WORKTREE else resolve_rev(ws, to_rev, "TO"))
        if to.commit is None:
            raise DraftctlError("the report covers recorded changes only: TO cannot be WORKTREE")
        parts = builder.range_parts(frm, to)
        scope = f"changes between {from_rev} and {to_rev}"
        span = (frm.commit, to.commit)
    else:
        ids = _round_ids(ws, builder, round_id)
        parts = [builder.round_part(r) for r in ids]
        scope = f"round {round_id}" if round_id else "every consultation round"
        span = None
    generated = stated_date(ws, span[1] if span else None)
    people = {s.id: s.name for s in ws.config.stakeholders.values()}
    title = _title(ws, path)
    name, approximate = ws.config.name, builder.approximate
    report = Report(name, path, title, scope, generated, parts, approximate, people)
    report.setting = build_setting(ws, builder.history, span)
    return report


def round_dates(item: Round) -> str:
    """`2014-01-13 – 2014-10-31`, or what is known of it."""
    if item.opens and item.closes:
        return f"{item.opens} – {item.closes}"
    if item.opens:
        return f"opened {item.opens}"
    return f"closed {item.closes}" if item.closes else "no dates recorded"
