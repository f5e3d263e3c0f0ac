"""`draftctl status`: uncommitted work, unattributed commits, open rounds, the last version."""

from __future__ import annotations

from draftctl.consultation.history import read_log
from draftctl.consultation.recording import uncommitted_changes
from draftctl.consultation.workspace import Workspace
from draftctl.release.versions import latest_version


def collect_status(ws: Workspace) -> dict[str, object]:
    """The status report as plain data (the `--json` shape)."""
    last = latest_version(ws)
    revisions = [f"{last.commit}..HEAD"] if last else ["HEAD"]
    unattributed = [
        {"commit": r.commit, "date": r.date, "author": r.author, "subject": r.subject}
        for r in read_log(ws, revisions=revisions, words=False)
        if not r.round and not r.bookkeeping
    ]
    return {
        "drafts": [change.as_json() for change in uncommitted_changes(ws)],
        "open_rounds": [r.as_json() for r in ws.config.rounds.values() if r.state == "open"],
        "unattributed": unattributed,
        "last_version": None
        if last is None
        else {"name": last.name, "status": last.status, "date": last.date, "commit": last.commit},
    }
