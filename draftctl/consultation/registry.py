"""The consultation registry: rounds and stakeholders, each change committed on its own."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import replace
from datetime import date

from draftctl.consultation.config import (
    CONFIG_FILE,
    Config,
    Round,
    Stakeholder,
    new_round,
    render_config,
)
from draftctl.consultation.workspace import Workspace, atomic_write
from draftctl.errors import AlreadyExists, DraftctlError, InvalidValue, NothingToCommit
from draftctl.git.repo import Identity
from draftctl.git.trailers import Attribution, format_message
from draftctl.names import check_date, check_slug, check_text


def commit_registry(
    ws: Workspace, config: Config, subject: str, action: str, identity: Identity | None = None
) -> None:
    """Commit the new registry, then write it to disk; a re-run after a crash completes."""
    data = render_config(config).encode("utf-8")
    with ws.repo.write_lock():
        message = format_message(subject, Attribution(action=action))
        # NothingToCommit: an interrupted earlier run committed it; just bring the file up to date.
        with suppress(NothingToCommit):
            ws.repo.commit_files({CONFIG_FILE: data}, message, identity=identity)
        atomic_write(ws.top / CONFIG_FILE, data)
    ws.config = config


def add_stakeholder(
    ws: Workspace,
    stakeholder_id: str,
    name: str,
    kind: str | None,
    identity: Identity | None = None,
) -> Stakeholder:
    check_slug(stakeholder_id, "stakeholder")
    check_text(name, "stakeholder name")
    if kind is not None:
        check_slug(kind, "stakeholder kind")
    item = Stakeholder(stakeholder_id, name, kind)
    existing = ws.config.stakeholders.get(stakeholder_id)
    if existing is not None and existing != item:
        raise AlreadyExists(f"stakeholder {stakeholder_id!r} already exists ({existing.name})")
    subject = f"Register stakeholder {stakeholder_id} ({name})"
    commit_registry(ws, ws.config.with_stakeholder(item), subject, "stakeholder-add", identity)
    return item


def add_round(
    ws: Workspace,
    round_id: str,
    title: str,
    opens: str | None,
    closes: str | None,
    people: list[str],
    identity: Identity | None = None,
    method: str | None = None,
) -> Round:
    item = new_round(round_id, title, opens, closes, people, method)
    for person in people:
        ws.config.stakeholder(person)
    existing = ws.config.rounds.get(round_id)
    if existing is not None and existing != item:
        raise AlreadyExists(f"round {round_id!r} already exists ({existing.title})")
    subject = f"Register consultation round {round_id} ({title})"
    commit_registry(ws, ws.config.with_round(item), subject, "round-add", identity)
    return item


def set_round_state(
    ws: Workspace,
    round_id: str,
    state: str,
    on: str | None = None,
    identity: Identity | None = None,
) -> Round:
    """Open or close a round, filling in its opening/closing date when it has none."""
    current = ws.config.round(round_id)
    if current.state == state:
        raise DraftctlError(f"round {round_id!r} is already {state}", "nothing to do")
    day = check_date(on, "date") if on else date.today().isoformat()
    if state == "open":
        # Re-opening forgets the old closing date: `check` would fail every commit after it.
        closes = None if current.state == "closed" else current.closes
        item = replace(current, state=state, opens=current.opens or day, closes=closes)
    else:
        item = replace(current, state=state, closes=current.closes or day)
    _refuse_backwards(item)
    verb = "Open" if state == "open" else "Close"
    commit_registry(
        ws,
        ws.config.with_round(item),
        f"{verb} consultation round {round_id}",
        f"round-{verb.lower()}",
        identity,
    )
    return item


def _refuse_backwards(item: Round) -> None:
    """A round cannot close before it opens: `check` would fail every commit citing it."""
    if item.opens and item.closes and item.closes < item.opens:
        raise InvalidValue(
            f"round {item.id!r} would close ({item.closes}) before it opens ({item.opens})",
            f"give a date on or after {item.opens} with --on"
            if item.state == "closed"
            else f"open it on or before {item.closes} with --on, "
            "or change `closes` in draftctl.toml",
        )
