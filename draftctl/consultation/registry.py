"""The consultation registry: rounds and stakeholders, each change committed on its own."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import date
from typing import Any, TypeVar

from draftctl.consultation.config import (
    CONFIG_FILE,
    Config,
    Round,
    Stakeholder,
    new_round,
    parse_config,
)
from draftctl.consultation.tomledit import dump, iso_day, parse_document, set_values
from draftctl.consultation.workspace import Workspace, decode_draft, staged_write
from draftctl.errors import (
    AlreadyExists,
    ConfigError,
    DraftctlError,
    InvalidValue,
    NothingToCommit,
)
from draftctl.git.process import Identity
from draftctl.git.trailers import Attribution, format_message
from draftctl.names import check_date, check_slug, check_text

T = TypeVar("T")


def _read_registry(ws: Workspace) -> str:
    """draftctl.toml's text as it is on disk now (the caller holds the write lock)."""
    data = ws.worktree_bytes(CONFIG_FILE)
    if data is None:
        raise ConfigError(
            f"{CONFIG_FILE} is missing from {ws.top}",
            f"restore it with `git checkout -- {CONFIG_FILE}`",
        )
    return decode_draft(data, CONFIG_FILE)


def edit_registry(
    ws: Workspace,
    subject: str,
    action: str,
    change: Callable[[Config, Any], T],
    identity: Identity | None = None,
) -> T:
    """Read draftctl.toml inside the write lock, let `change` check the request against it and
    edit the document in place, then commit the new text and write it to disk. Reading inside
    the lock means two commands at once both keep their change; editing the document keeps the
    comments, key order and keys a person added by hand. A re-run after a crash completes."""
    ws.repo.check_writable()
    with ws.repo.write_lock():
        text = _read_registry(ws)
        doc = parse_document(text, CONFIG_FILE)
        result = change(parse_config(text), doc)
        new_text = dump(doc)
        config = parse_config(new_text)
        data = new_text.encode("utf-8")
        message = format_message(subject, Attribution(action=action))
        # The new file is written beside the old one first (a full disk stops here, before the
        # commit), then renamed into place once committed. NothingToCommit: an interrupted
        # earlier run committed it; just bring the file up to date.
        with staged_write(ws.top / CONFIG_FILE, data), suppress(NothingToCommit):
            ws.repo.commit_files({CONFIG_FILE: data}, message, identity=identity)
    ws.config = config
    return result


def _put_stakeholder(doc: Any, item: Stakeholder) -> None:
    set_values(doc, "stakeholders", item.id, {"name": item.name, "kind": item.kind})


def _put_round(doc: Any, item: Round) -> None:
    values = {
        "title": item.title,
        "state": item.state,
        "opens": iso_day(item.opens),
        "closes": iso_day(item.closes),
        "method": item.method,
        "stakeholders": list(item.stakeholders),
    }
    set_values(doc, "rounds", item.id, values)


def add_stakeholders(
    ws: Workspace, items: list[Stakeholder], subject: str, identity: Identity | None = None
) -> None:
    """Register several stakeholders in one commit (the sample replay's first step)."""

    def change(config: Config, doc: Any) -> None:
        for item in items:
            _put_stakeholder(doc, item)

    edit_registry(ws, subject, "stakeholder-add", change, identity)


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

    def change(config: Config, doc: Any) -> Stakeholder:
        existing = config.stakeholders.get(stakeholder_id)
        if existing is not None and existing != item:
            raise AlreadyExists(f"stakeholder {stakeholder_id!r} already exists ({existing.name})")
        _put_stakeholder(doc, item)
        return item

    subject = f"Register stakeholder {stakeholder_id} ({name})"
    return edit_registry(ws, subject, "stakeholder-add", change, identity)


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

    def change(config: Config, doc: Any) -> Round:
        for person in people:
            config.stakeholder(person)
        existing = config.rounds.get(round_id)
        if existing is not None and existing != item:
            raise AlreadyExists(f"round {round_id!r} already exists ({existing.title})")
        _put_round(doc, item)
        return item

    subject = f"Register consultation round {round_id} ({title})"
    return edit_registry(ws, subject, "round-add", change, identity)


def set_round_state(
    ws: Workspace,
    round_id: str,
    state: str,
    on: str | None = None,
    identity: Identity | None = None,
) -> Round:
    """Open or close a round, filling in its opening/closing date when it has none."""
    day = check_date(on, "date") if on else date.today().isoformat()

    def change(config: Config, doc: Any) -> Round:
        current = config.round(round_id)
        if current.state == state:
            raise DraftctlError(f"round {round_id!r} is already {state}", "nothing to do")
        if state == "open":
            # Re-opening forgets the old closing date: `check` would fail every commit after it.
            closes = None if current.state == "closed" else current.closes
            item = current.replace(state=state, opens=current.opens or day, closes=closes)
        else:
            item = current.replace(state=state, closes=current.closes or day)
        _refuse_backwards(item)
        _put_round(doc, item)
        return item

    verb = "Open" if state == "open" else "Close"
    subject = f"{verb} consultation round {round_id}"
    return edit_registry(ws, subject, f"round-{verb.lower()}", change, identity)


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
