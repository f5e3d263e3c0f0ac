"""What frames a report: the registry, the version put to a decision, the language, the dates."""

from __future__ import annotations

from dataclasses import dataclass, field

from draftctl.consultation.config import Round, Stakeholder
from draftctl.consultation.history import CommitRecord
from draftctl.consultation.workspace import Workspace
from draftctl.release.versions import Version, list_versions


@dataclass
class Decision:
    """The version put to a decision-making meeting and what the meeting decided."""

    version: str
    date: str
    status: str | None
    meeting: str | None
    outcome: str | None = None
    decided: str | None = None
    note: str | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "version": self.version,
            "date": self.date,
            "status": self.status,
            "meeting": self.meeting,
            "outcome": self.outcome,
            "decided": self.decided,
            "note": self.note,
        }


@dataclass
class Setting:
    """What the report needs beyond its rounds: the registry, versions, language, dates."""

    stakeholders: dict[str, Stakeholder] = field(default_factory=dict)
    rounds: dict[str, Round] = field(default_factory=dict)
    decision: Decision | None = None
    latest_version: Decision | None = None
    language: str = "en-GB"
    as_of: str | None = None
    span: tuple[Mark, Mark] | None = None  # FROM and TO of a range report


@dataclass(frozen=True)
class Mark:
    """One end of a range: the version it is (if any) and the date of its commit."""

    version: str | None
    date: str | None


def _decision(version: Version) -> Decision:
    outcome = version.outcome
    return Decision(
        version.name,
        version.date[:10],
        version.status,
        (outcome.meeting if outcome else None) or version.meeting,
        outcome.status if outcome else None,
        outcome.decided if outcome else None,
        outcome.note if outcome else None,
    )


def build_setting(
    ws: Workspace, history: list[CommitRecord], span: tuple[str | None, str | None] | None
) -> Setting:
    """The registry, the versions and the dates that frame the report."""
    versions = list_versions(ws)
    submitted = [v for v in versions if v.status == "submitted" or v.outcome is not None]
    dates = [r.date[:10] for r in history] + [v.date[:10] for v in versions]
    dates += [v.outcome.decided or "" for v in versions if v.outcome]
    setting = Setting(
        dict(ws.config.stakeholders),
        dict(ws.config.rounds),
        _decision(submitted[-1]) if submitted else None,
        _decision(versions[-1]) if versions else None,
        ws.config.language or "en-GB",
        max((d for d in dates if d), default=None),
    )
    if span is not None:
        setting.span = (_mark(ws, versions, span[0]), _mark(ws, versions, span[1]))
    return setting


def _mark(ws: Workspace, versions: list[Version], commit: str | None) -> Mark:
    if commit is None:
        return Mark(None, None)
    """A range end: the version named there (dated as tagged), else its commit's date."""
    named = [v for v in versions if v.commit == commit]
    if named:
        return Mark(named[-1].name, named[-1].date[:10])
    record = ws.repo.git("log", "-1", "--format=%cI", commit).strip()
    return Mark(None, record[:10] or None)
