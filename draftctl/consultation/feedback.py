"""The feedback register: what stakeholders said in each round (FB-0001 …) and the response."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import suppress
from datetime import date

from draftctl.consultation.config import Config
from draftctl.consultation.config import _quote as toml_string
from draftctl.consultation.tomledit import dump, iso_day, new_document, parse_document, set_values
from draftctl.consultation.tomlread import read_toml
from draftctl.consultation.workspace import Workspace, decode_draft, staged_write
from draftctl.errors import ConfigError, DraftctlError, NothingToCommit, UnknownId
from draftctl.git.process import Identity
from draftctl.git.trailers import Attribution, format_message
from draftctl.names import FEEDBACK_ID, FEEDBACK_MAX, check_slug, check_text
from draftctl.values import Frozen

TYPE_CHECKING = False  # typing's flag, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")

FEEDBACK_FILE = "feedback.toml"
OPEN = "open"
STATUSES = ("accepted", "partly", "declined", "noted")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_FIX_HINT = f"fix {FEEDBACK_FILE} (plain TOML) or restore it with `git checkout {FEEDBACK_FILE}`"


class FeedbackItem(Frozen):
    """One piece of stakeholder feedback and what the drafting team made of it (a value,
    compared by its fields; a plain class: `feedback list` need not import dataclasses)."""

    __slots__ = (
        "id",
        "received",
        "ref",
        "responded",
        "response",
        "round",
        "source",
        "status",
        "summary",
    )

    def __init__(
        self,
        id: str,
        round: str,
        source: str,
        summary: str,
        ref: str | None = None,
        received: str | None = None,
        status: str = OPEN,
        response: str | None = None,
        responded: str | None = None,
    ) -> None:
        self.id = id
        self.round = round
        self.source = source
        self.summary = summary
        self.ref = ref
        self.received = received
        self.status = status
        self.response = response
        self.responded = responded

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    def as_json(self, commits: list[str]) -> dict[str, object]:
        return {
            "id": self.id,
            "round": self.round,
            "from": self.source,
            "summary": self.summary,
            "ref": self.ref,
            "status": self.status,
            "response": self.response,
            "commits": commits,
            "received": self.received,
            "responded": self.responded,
        }


class Register:
    """The register's items by id; `exists` is False before the first item is recorded."""

    __slots__ = ("exists", "items")

    def __init__(self, items: dict[str, FeedbackItem], exists: bool = True) -> None:
        self.items = items
        self.exists = exists

    def get(self, item_id: str) -> FeedbackItem:
        key = item_id.strip().upper()
        if key not in self.items:
            raise UnknownId(
                f"unknown feedback id {item_id!r}",
                "see `draftctl feedback list`, or record it with `draftctl feedback add`",
            )
        return self.items[key]


def is_feedback_id(ref: str) -> bool:
    """Whether a `Feedback:` value names a register item (FB-0001) rather than a free reference."""
    return bool(FEEDBACK_ID.fullmatch(ref.strip().upper()))


def unknown_feedback(register: Register, refs: list[str]) -> list[str]:
    """The FB-… ids among `refs` that the register lacks (none while there is no register)."""
    if not register.exists:
        return []
    return [r for r in refs if is_feedback_id(r) and r.strip().upper() not in register.items]


def check_feedback_refs(ws: Workspace, refs: list[str]) -> None:
    """Refuse feedback ids that the register does not know, once a register exists."""
    missing = unknown_feedback(load_register(ws), refs)
    if missing:
        raise UnknownId(
            f"unknown feedback id {missing[0]!r}: it is not in {FEEDBACK_FILE}",
            "see `draftctl feedback list`, or record it first with `draftctl feedback add`",
        )


# -- the file --------------------------------------------------------------------------


def _day(value: object, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return value
    raise ConfigError(f"{FEEDBACK_FILE}: {where} must be a date, not {value!r}", _FIX_HINT)


def _text(raw: dict[str, object], key: str, where: str, required: bool = False) -> str | None:
    value = raw.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{FEEDBACK_FILE}: {where}.{key} must be a non-empty string", _FIX_HINT)
    return value


def _parse_item(item_id: str, raw: object) -> FeedbackItem:
    where = f"feedback.{item_id}"
    if not FEEDBACK_ID.fullmatch(item_id) or not isinstance(raw, dict):
        raise ConfigError(f"{FEEDBACK_FILE}: [{where}] is not a feedback item", _FIX_HINT)
    status = str(raw.get("status", OPEN))
    if status not in (OPEN, *STATUSES):
        raise ConfigError(f"{FEEDBACK_FILE}: {where} has unknown status {status!r}", _FIX_HINT)
    return FeedbackItem(
        id=item_id,
        round=str(_text(raw, "round", where, True)),
        source=str(_text(raw, "from", where, True)),
        summary=str(_text(raw, "summary", where, True)),
        ref=_text(raw, "ref", where),
        received=_day(raw.get("received"), f"{where}.received"),
        status=status,
        response=_text(raw, "response", where),
        responded=_day(raw.get("responded"), f"{where}.responded"),
    )


def parse_register(text: str) -> dict[str, FeedbackItem]:
    """Parse and validate the text of feedback.toml."""
    data = read_toml(text, FEEDBACK_FILE, _FIX_HINT)
    table = data.get("feedback", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{FEEDBACK_FILE}: [feedback] must be a table of items", _FIX_HINT)
    items = [_parse_item(key, raw) for key, raw in table.items()]
    return {item.id: item for item in sorted(items, key=_number)}


def _number(item: FeedbackItem) -> int:
    return int(item.id[3:])


def render_register(items: dict[str, FeedbackItem]) -> str:
    """The TOML text of the register, stable so that its diffs stay small."""
    lines = [
        "# draftctl feedback register: what stakeholders said in each round, and the response.",
        "# Edit with `draftctl feedback add` and `draftctl feedback respond`; plain TOML.",
    ]
    for item in items.values():
        lines += ["", f"[feedback.{item.id}]"]
        lines += [f"round = {toml_string(item.round)}", f"from = {toml_string(item.source)}"]
        lines.append(f"summary = {toml_string(item.summary)}")
        lines += [f"ref = {toml_string(item.ref)}"] if item.ref else []
        lines += [f"received = {item.received}"] if item.received else []
        lines.append(f"status = {toml_string(item.status)}")
        lines += [f"response = {toml_string(item.response)}"] if item.response else []
        lines += [f"responded = {item.responded}"] if item.responded else []
    return "\n".join(lines) + "\n"


def load_register(ws: Workspace) -> Register:
    """The register as it is on disk (empty, `exists=False`, before the first item)."""
    data = ws.worktree_bytes(FEEDBACK_FILE)
    if data is None:
        return Register({}, exists=False)
    return Register(parse_register(decode_draft(data, FEEDBACK_FILE)))


# -- changing it -----------------------------------------------------------------------


_HEADER = (
    "draftctl feedback register: what stakeholders said in each round, and the response.",
    "Edit with `draftctl feedback add` and `draftctl feedback respond`; plain TOML.",
)


def _edit_register(
    ws: Workspace,
    action: str,
    who: Identity | None,
    change: Callable[[Register, Any], tuple[T, str]],
) -> T:
    """Read feedback.toml inside the write lock, let `change` edit the document in place (so
    hand-written comments and keys stay), then commit the new text and write it to disk."""
    ws.repo.check_writable()
    with ws.repo.write_lock():
        data = ws.worktree_bytes(FEEDBACK_FILE)
        text = None if data is None else decode_draft(data, FEEDBACK_FILE)
        if text is None:
            register, doc = Register({}, exists=False), new_document(*_HEADER)
        else:
            register = Register(parse_register(text))
            doc = parse_document(text, FEEDBACK_FILE, _FIX_HINT)
        item, subject = change(register, doc)
        new_text = dump(doc)
        parse_register(new_text)
        out = new_text.encode("utf-8")
        message = format_message(subject, Attribution(action=action))
        # The new file is written beside the old one first (a full disk stops here, before the
        # commit), then renamed into place once committed. NothingToCommit: an interrupted
        # earlier run committed it; just bring the file up to date.
        with staged_write(ws.top / FEEDBACK_FILE, out), suppress(NothingToCommit):
            ws.repo.commit_files({FEEDBACK_FILE: out}, message, identity=who)
    return item


def _put_item(doc: Any, item: FeedbackItem) -> None:
    values = {
        "round": item.round,
        "from": item.source,
        "summary": item.summary,
        "ref": item.ref,
        "received": iso_day(item.received),
        "status": item.status,
        "response": item.response,
        "responded": iso_day(item.responded),
    }
    set_values(doc, "feedback", item.id, values)


def _today(identity: Identity | None) -> str:
    if identity and _ISO_DAY.match(identity.date):
        return identity.date[:10]
    return date.today().isoformat()


def _next_id(items: dict[str, FeedbackItem]) -> str:
    number = max((_number(i) for i in items.values()), default=0) + 1
    if number > FEEDBACK_MAX:
        raise ConfigError(
            f"the feedback register is full: FB-{FEEDBACK_MAX} is the last id draftctl can give",
            "record further feedback in a new drafts repository",
        )
    return f"FB-{number:04d}"


def _check_new(config: Config, round_id: str, source: str, summary: str, ref: str | None) -> None:
    """Refuse an unknown round or stakeholder, and texts that are empty or not one line."""
    config.round(check_slug(round_id, "round"))
    config.stakeholder(check_slug(source, "stakeholder"))
    check_text(summary, "feedback summary")
    if ref is not None:
        check_text(ref, "feedback reference")


def add_feedback(
    ws: Workspace,
    round_id: str,
    source: str,
    summary: str,
    ref: str | None = None,
    *,
    identity: Identity | None = None,
    expected_id: str | None = None,
) -> FeedbackItem:
    """Record a piece of feedback under the next free id and commit the register."""
    _check_new(ws.config, round_id, source, summary, ref)

    def change(register: Register, doc: Any) -> tuple[FeedbackItem, str]:
        day = _today(identity)
        item = FeedbackItem(_next_id(register.items), round_id, source, summary.strip(), ref, day)
        if expected_id and expected_id != item.id:
            raise DraftctlError(
                f"feedback would be recorded as {item.id}, not {expected_id}",
                f"check {FEEDBACK_FILE}: ids are given in order",
            )
        _put_item(doc, item)
        return item, f"Record feedback {item.id} from {source} ({round_id})"

    return _edit_register(ws, "feedback-add", identity, change)


def add_feedback_items(
    ws: Workspace,
    entries: list[tuple[str, str, str, str | None]],
    subject: str,
    *,
    identity: Identity | None = None,
) -> list[FeedbackItem]:
    """Record several (round, source, summary, ref) items in one register commit."""
    for round_id, source, summary, ref in entries:
        _check_new(ws.config, round_id, source, summary, ref)

    def change(register: Register, doc: Any) -> tuple[list[FeedbackItem], str]:
        items = dict(register.items)
        day = _today(identity)
        added = []
        for round_id, source, summary, ref in entries:
            item = FeedbackItem(_next_id(items), round_id, source, summary.strip(), ref, day)
            items[item.id] = item
            _put_item(doc, item)
            added.append(item)
        return added, subject

    return _edit_register(ws, "feedback-add", identity, change)


def respond_feedback(
    ws: Workspace,
    item_id: str,
    status: str,
    response: str,
    *,
    identity: Identity | None = None,
) -> FeedbackItem:
    """Record the drafting team's response to an item and commit the register."""
    if status not in STATUSES:
        raise DraftctlError(
            f"unknown feedback status {status!r}", f"use one of: {', '.join(STATUSES)}"
        )
    check_text(response, "response")

    def change(register: Register, doc: Any) -> tuple[FeedbackItem, str]:
        current = register.get(item_id)
        item = current.replace(status=status, response=response.strip(), responded=_today(identity))
        _put_item(doc, item)
        return item, f"Respond to feedback {item.id}: {status}"

    return _edit_register(ws, "feedback-respond", identity, change)


# -- reading it ------------------------------------------------------------------------


def citations(ws: Workspace) -> dict[str, list[str]]:
    """Feedback id → the commits (newest first) citing it in a `Feedback:` trailer or note."""
    from draftctl.consultation.history import read_log

    found: dict[str, list[str]] = {}
    for record in read_log(ws, words=False):
        for ref in record.attribution.feedback:
            if is_feedback_id(ref):
                found.setdefault(ref.strip().upper(), []).append(record.commit)
    return found


def list_feedback(
    ws: Workspace,
    round_id: str | None = None,
    source: str | None = None,
    open_only: bool = False,
) -> list[dict[str, object]]:
    """The register's items (the `feedback list --json` shape), filtered."""
    if round_id:
        ws.config.round(check_slug(round_id, "round"))
    if source:
        ws.config.stakeholder(check_slug(source, "stakeholder"))
    cited = citations(ws)
    return [
        item.as_json(cited.get(item.id, []))
        for item in load_register(ws).items.values()
        if (not round_id or item.round == round_id)
        and (not source or item.source == source)
        and (not open_only or item.is_open)
    ]
