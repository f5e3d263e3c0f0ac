"""`draftctl check`: every commit that changes a draft must cite a valid, open round."""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from draftctl.consultation.config import Config, Round
from draftctl.consultation.feedback import Register, load_register, unknown_feedback
from draftctl.consultation.history import CommitRecord, read_log
from draftctl.consultation.workspace import Workspace, resolve_rev
from draftctl.errors import AlreadyExists, DraftctlError

HOOK_NAME = "pre-push"
_HOOK = """#!/bin/sh
# draftctl: refuse to push draft commits that lack a valid consultation round.
# Installed by `draftctl check --install-hook`; delete this file to stop checking.
zero=0000000000000000000000000000000000000000
status=0
while read -r local_ref local_sha remote_ref remote_sha; do
    [ "$local_sha" = "$zero" ] && continue
    if [ "$remote_sha" != "$zero" ] && git cat-file -e "$remote_sha^{{commit}}" 2>/dev/null; then
        {draftctl} check --since "$remote_sha" || status=1
    else
        {draftctl} check || status=1
    fi
done
exit $status
"""


class CheckFailed(DraftctlError):
    default_hint = (
        "attribute each listed commit with `draftctl attribute REV --round R`, "
        "or register the missing ids"
    )


@dataclass(frozen=True)
class Finding:
    """A commit that fails the check, and why."""

    commit: str
    date: str
    subject: str
    problems: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "commit": self.commit,
            "date": self.date,
            "subject": self.subject,
            "problems": list(self.problems),
        }


def round_closed_on(item: Round, day: str) -> bool:
    """Whether round `item` had closed by `day` (YYYY-MM-DD): its closing date is earlier."""
    return item.closes is not None and day[:10] > item.closes


def problems_of(config: Config, register: Register, record: CommitRecord) -> list[str]:
    """What is wrong with one commit's attribution (after notes); [] when it is sound."""
    found = []
    given = record.attribution
    if not given.round:
        found.append("no consultation round")
    elif given.round not in config.rounds:
        found.append(f"unknown round {given.round!r}")
    elif round_closed_on(config.rounds[given.round], record.date):
        closes = config.rounds[given.round].closes
        found.append(f"round {given.round!r} had closed ({closes}) by {record.date[:10]}")
    found += [
        f"unknown stakeholder {s!r}" for s in given.prompted_by if s not in config.stakeholders
    ]
    found += [f"unknown feedback id {f!r}" for f in unknown_feedback(register, given.feedback)]
    return found


def check_history(ws: Workspace, since: str | None = None) -> list[Finding]:
    """The commits changing drafts (after `since`, up to HEAD) that fail the check, newest first."""
    revisions = ["HEAD"]
    if since:
        revisions = [f"{resolve_rev(ws, since, '--since')}..HEAD"]
    register = load_register(ws)
    findings = []
    for record in read_log(ws, revisions=revisions, words=False):
        if record.bookkeeping and not record.round:
            continue
        problems = problems_of(ws.config, register, record)
        if problems:
            findings.append(Finding(record.commit, record.date, record.subject, tuple(problems)))
    return findings


def hook_script() -> str:
    """The pre-push hook: runs this installation's draftctl on the commits being pushed."""
    return _HOOK.format(draftctl=f"{shlex.quote(sys.executable)} -m draftctl")


def install_hook(ws: Workspace) -> Path:
    """Install the pre-push hook; refuse, never overwrite, when a hook is already there."""
    folder = ws.repo.hooks_dir()
    target = folder / HOOK_NAME
    refusal = AlreadyExists(
        f"a {HOOK_NAME} hook already exists ({target}); draftctl does not overwrite hooks",
        f"add the line `{sys.executable} -m draftctl check` to that hook yourself",
    )
    if target.exists() or target.is_symlink():
        raise refusal
    folder.mkdir(parents=True, exist_ok=True)
    try:
        handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o755)
    except FileExistsError:
        raise refusal from None
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(hook_script())
    return target
