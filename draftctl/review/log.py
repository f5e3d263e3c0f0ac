"""`draftctl log`: the attributed history, filtered by draft, round, stakeholder and range."""

from __future__ import annotations

from collections.abc import Callable

from draftctl.consultation.follow import lineage
from draftctl.consultation.history import CommitRecord, filter_records, read_log
from draftctl.consultation.workspace import Workspace, resolve_rev
from draftctl.errors import UnknownId
from draftctl.names import check_slug


def collect_log(
    ws: Workspace,
    draft: str | None,
    round_id: str | None,
    by: str | None,
    section: str | None,
    from_rev: str | None,
    to_rev: str | None,
    progress: Callable[[int, int], None] | None = None,
) -> list[CommitRecord]:
    """The attributed history as `log` shows it; `progress` hears of words being counted."""
    if round_id:
        check_slug(round_id, "round")
    if by:
        check_slug(by, "stakeholder")
    end = resolve_rev(ws, to_rev, "--to") if to_rev else "HEAD"
    revisions = [f"{resolve_rev(ws, from_rev, '--from')}..{end}"] if from_rev else [end]
    paths = lineage(ws, ws.draft_path(draft)).names if draft else None  # through renames
    records = read_log(ws, revisions=revisions, paths=paths, progress=progress)
    if section:
        from draftctl.review.section_history import commits_touching_section

        records = commits_touching_section(ws, records, section, draft)
    if round_id:
        _known(ws, records, round_id, "round")
    if by:
        _known(ws, records, by, "stakeholder")
    return filter_records(records, round_id=round_id, by=by)


def _known(ws: Workspace, records: list[CommitRecord], wanted: str, what: str) -> None:
    """Refuse an id neither registered nor cited by any commit here, as `diff` does: an
    empty history would read as "this round changed nothing"."""
    registry = ws.config.rounds if what == "round" else ws.config.stakeholders
    cited = {
        value
        for record in records
        for value in (
            (record.attribution.round,) if what == "round" else record.attribution.prompted_by
        )
    }
    if wanted not in registry and wanted not in cited:
        command = "round list" if what == "round" else "stakeholder list"
        raise UnknownId(f"unknown {what} {wanted!r}", f"see `draftctl {command}`")
