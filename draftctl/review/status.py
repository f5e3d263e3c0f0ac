"""`draftctl status`: uncommitted work, unattributed commits, open rounds, the last version."""

from __future__ import annotations

from draftctl.consultation.history import read_log, read_notes
from draftctl.consultation.recording import uncommitted_changes
from draftctl.consultation.workspace import Workspace
from draftctl.release.versions import latest_version


def collect_status(ws: Workspace) -> dict[str, object]:
    """The status report as plain data (the `--json` shape). HEAD is resolved once and named
    by its commit throughout, so every part describes the same commit (and runs no more git)."""
    head = ws.repo.head()
    last = latest_version(ws, head) if head else None
    revisions = [f"{last.commit}..{head}"] if last else [head or "HEAD"]
    since = head is not None and (last is None or last.commit != head)  # commits to read
    notes = read_notes(ws) if since else None
    records = read_log(ws, revisions=revisions, words=False, notes=notes) if since else []
    unattributed = [
        {"commit": r.commit, "date": r.date, "author": r.author, "subject": r.subject}
        for r in records
        if not r.round and not r.bookkeeping
    ]
    return {
        "drafts": [change.as_json() for change in uncommitted_changes(ws, head)],
        "open_rounds": [r.as_json() for r in ws.config.rounds.values() if r.state == "open"],
        "unattributed": unattributed,
        "last_version": None
        if last is None
        else {"name": last.name, "status": last.status, "date": last.date, "commit": last.commit},
    }
