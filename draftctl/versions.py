"""Reading versions: annotated tags whose message carries `Draft-Status` trailers."""

from __future__ import annotations

from dataclasses import dataclass

from draftctl.trailers import parse_trailers
from draftctl.workspace import Workspace

STATUSES = ("draft", "consultation", "submitted", "adopted", "rejected")
_RECORD, _FIELD = "\x1e", "\x1f"
_FORMAT = (
    _FIELD.join(
        [
            "%(refname)",
            "%(objecttype)",
            "%(objectname)",
            "%(*objectname)",
            "%(taggerdate:iso-strict)",
            "%(contents:subject)",
            "%(contents:body)",
            "%(contents:signature)",
        ]
    )
    + _RECORD
)


@dataclass
class Version:
    """A named version of the drafts."""

    name: str
    tag_object: str
    commit: str
    date: str
    subject: str
    trailers: dict[str, str]
    signed: bool

    @property
    def status(self) -> str | None:
        return self.trailers.get("draft-status")

    @property
    def meeting(self) -> str | None:
        return self.trailers.get("meeting")

    @property
    def digest(self) -> str | None:
        return self.trailers.get("content-digest")


def _parse(record: str) -> Version | None:
    parts = record.strip("\n").split(_FIELD)
    if len(parts) < 8 or parts[1] != "tag" or not parts[3]:
        return None
    ref, _, tag_object, commit, date, subject, body, signature = parts[:8]
    pairs = parse_trailers(f"{subject}\n\n{body}")
    trailers = {key.lower(): value for key, value in pairs}
    if "draft-status" not in trailers:
        return None
    name = ref.removeprefix("refs/tags/")
    return Version(name, tag_object, commit, date, subject, trailers, bool(signature.strip()))


def list_versions(ws: Workspace) -> list[Version]:
    """Every draftctl version (annotated tag with a Draft-Status), oldest first."""
    out = ws.repo.git("for-each-ref", "--sort=taggerdate", f"--format={_FORMAT}", "refs/tags/")
    found = [_parse(record) for record in out.split(_RECORD)]
    return [v for v in found if v is not None]


def latest_version(ws: Workspace) -> Version | None:
    """The most recent version reachable from HEAD, or None."""
    head = ws.repo.head()
    if head is None:
        return None
    for version in reversed(list_versions(ws)):
        if ws.repo.git_ok("merge-base", "--is-ancestor", version.commit, head):
            return version
    return None
