"""draftctl.toml: the consultation registry (rounds, stakeholders): load, validate, write."""

from __future__ import annotations

import re
from datetime import date

from draftctl.consultation.tomlread import read_toml
from draftctl.errors import ConfigError, UnknownId
from draftctl.names import check_date, check_slug, check_text
from draftctl.values import Frozen, Value

CONFIG_FILE = "draftctl.toml"
ROUND_STATES = ("planned", "open", "closed")
DEFAULT_LANGUAGE = "en-GB"

TYPE_CHECKING = False  # typing's flag, without importing typing at run time
if TYPE_CHECKING:
    pass

# The registry's records are plain classes, not dataclasses: a listing reads them on every
# run, and importing dataclasses (with inspect) and generating their methods costs more than
# the rest of reading the registry. They are values (`draftctl.values`): compared and hashed by
# their fields.


class Stakeholder(Frozen):
    __slots__ = ("id", "kind", "name")

    def __init__(self, id: str, name: str, kind: str | None = None) -> None:
        self.id = id
        self.name = name
        self.kind = kind

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "kind": self.kind}


class Round(Frozen):
    __slots__ = ("closes", "id", "method", "opens", "stakeholders", "state", "title")

    def __init__(
        self,
        id: str,
        title: str,
        state: str = "planned",
        opens: str | None = None,
        closes: str | None = None,
        stakeholders: tuple[str, ...] = (),
        method: str | None = None,  # how the round ran, in words (e.g. "written submissions")
    ) -> None:
        self.id = id
        self.title = title
        self.state = state
        self.opens = opens
        self.closes = closes
        self.stakeholders = stakeholders
        self.method = method

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "state": self.state,
            "opens": self.opens,
            "closes": self.closes,
            "stakeholders": list(self.stakeholders),
            "method": self.method,
        }


class Config(Value):
    __slots__ = ("drafts", "language", "name", "rounds", "stakeholders", "word_authors")

    def __init__(
        self,
        name: str,
        drafts: str = "drafts",
        rounds: dict[str, Round] | None = None,
        stakeholders: dict[str, Stakeholder] | None = None,
        language: str | None = None,  # BCP 47 tag for HTML `lang` and Word documents
        word_authors: dict[str, str] | None = None,  # Word author → stakeholder
    ) -> None:
        self.name = name
        self.drafts = drafts
        self.rounds: dict[str, Round] = {} if rounds is None else rounds
        self.stakeholders: dict[str, Stakeholder] = {} if stakeholders is None else stakeholders
        self.language = language
        self.word_authors: dict[str, str] = {} if word_authors is None else word_authors

    @property
    def lang(self) -> str:
        """The drafts' language as a BCP 47 tag (British English unless the file says)."""
        return self.language or DEFAULT_LANGUAGE

    def round(self, round_id: str) -> Round:
        if round_id not in self.rounds:
            raise UnknownId(
                f"unknown round {round_id!r}",
                "see `draftctl round list`, or register it with `draftctl round add`",
            )
        return self.rounds[round_id]

    def stakeholder(self, stakeholder_id: str) -> Stakeholder:
        if stakeholder_id not in self.stakeholders:
            raise UnknownId(
                f"unknown stakeholder {stakeholder_id!r}",
                "see `draftctl stakeholder list`, or register it with `draftctl stakeholder add`",
            )
        return self.stakeholders[stakeholder_id]

    def with_round(self, item: Round) -> Config:
        return self.replace(rounds={**self.rounds, item.id: item})

    def with_stakeholder(self, item: Stakeholder) -> Config:
        return self.replace(stakeholders={**self.stakeholders, item.id: item})

    def round_label(self, round_id: str | None) -> str:
        """A round's title with its stakeholders' names, e.g. for a Word author."""
        if not round_id or round_id not in self.rounds:
            return round_id or "unattributed"
        item = self.rounds[round_id]
        names = [self.stakeholders[s].name for s in item.stakeholders if s in self.stakeholders]
        return f"{item.title} — {', '.join(names)}" if names else item.title


def _date(value: object, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return check_date(value, where)
    raise ConfigError(f"{CONFIG_FILE}: {where} must be a date, not {value!r}")


def _table(data: dict[str, object], key: str) -> dict[str, dict[str, object]]:
    value = data.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ConfigError(f"{CONFIG_FILE}: [{key}] must be a table of tables")
    return value


def _parse_round(round_id: str, raw: dict[str, object]) -> Round:
    check_slug(round_id, "round")
    state = str(raw.get("state", "planned"))
    if state not in ROUND_STATES:
        raise ConfigError(f"{CONFIG_FILE}: round {round_id!r} has unknown state {state!r}")
    people = raw.get("stakeholders", [])
    if not isinstance(people, list):
        raise ConfigError(f"{CONFIG_FILE}: rounds.{round_id}.stakeholders must be a list")
    return Round(
        id=round_id,
        title=str(raw.get("title", round_id)),
        state=state,
        opens=_date(raw.get("opens"), f"rounds.{round_id}.opens"),
        closes=_date(raw.get("closes"), f"rounds.{round_id}.closes"),
        stakeholders=tuple(check_slug(str(s), "stakeholder") for s in people),
        method=_opt(raw.get("method")),
    )


def parse_config(text: str) -> Config:
    """Parse and validate the text of draftctl.toml."""
    data = read_toml(text, CONFIG_FILE)
    head = data.get("draftctl", {})
    if not isinstance(head, dict):
        raise ConfigError(f"{CONFIG_FILE}: [draftctl] must be a table")
    stakeholders = {
        key: Stakeholder(
            check_slug(key, "stakeholder"), str(raw.get("name", key)), _opt(raw.get("kind"))
        )
        for key, raw in _table(data, "stakeholders").items()
    }
    rounds = {key: _parse_round(key, raw) for key, raw in _table(data, "rounds").items()}
    drafts = str(head.get("drafts", "drafts")).strip("/")
    if not drafts or ".." in drafts.split("/") or drafts.startswith(".git"):
        raise ConfigError(
            f"{CONFIG_FILE}: drafts folder {drafts!r} is not a folder of the repository"
        )
    language = _language(head.get("language"))
    authors = {str(k): str(v) for k, v in _word_authors(data).items()}
    return Config(str(head.get("name", "")), drafts, rounds, stakeholders, language, authors)


def _word_authors(data: dict[str, object]) -> dict[str, object]:
    """`[word-authors]`: names of Word authors → stakeholder ids (for `draftctl import`)."""
    table = data.get("word-authors", {})
    if not isinstance(table, dict) or any(isinstance(v, dict | list) for v in table.values()):
        raise ConfigError(
            f'{CONFIG_FILE}: [word-authors] must map names to stakeholder ids, "Jane Doe" = "id"'
        )
    return table


_BCP47 = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def _language(value: object) -> str | None:
    """The `language` key: a BCP 47 tag such as "en-GB", "fr" or "es-419"."""
    if value is None:
        return None
    if not isinstance(value, str) or not _BCP47.fullmatch(value):
        raise ConfigError(
            f"{CONFIG_FILE}: language {value!r} is not a BCP 47 language tag",
            'write it like "en-GB", "fr" or "es-419"',
        )
    return value


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _quote(value: str) -> str:
    out = ['"']
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def render_config(config: Config) -> str:
    """The TOML text for `config`, stable so that diffs of the registry stay small."""
    lines = [
        "# draftctl consultation registry: rounds and stakeholders.",
        "# Edit with `draftctl round …` and `draftctl stakeholder …`; plain TOML.",
        "",
        "[draftctl]",
        f"name = {_quote(config.name)}",
        f"drafts = {_quote(config.drafts)}",
    ]
    if config.language:
        lines.append(f"language = {_quote(config.language)}")
    for item in config.stakeholders.values():
        lines += ["", f"[stakeholders.{item.id}]", f"name = {_quote(item.name)}"]
        if item.kind:
            lines.append(f"kind = {_quote(item.kind)}")
    for rnd in config.rounds.values():
        lines += ["", f"[rounds.{rnd.id}]", f"title = {_quote(rnd.title)}"]
        lines.append(f"state = {_quote(rnd.state)}")
        lines += [f"{k} = {v}" for k, v in (("opens", rnd.opens), ("closes", rnd.closes)) if v]
        if rnd.method:
            lines.append(f"method = {_quote(rnd.method)}")
        people = ", ".join(_quote(s) for s in rnd.stakeholders)
        lines.append(f"stakeholders = [{people}]")
    if config.word_authors:
        lines += ["", "[word-authors]"]
        lines += [f"{_quote(k)} = {_quote(v)}" for k, v in config.word_authors.items()]
    return "\n".join(lines) + "\n"


def new_round(
    round_id: str,
    title: str,
    opens: str | None,
    closes: str | None,
    people: list[str],
    method: str | None = None,
) -> Round:
    """A validated planned round."""
    check_slug(round_id, "round")
    check_text(title, "round title")
    opens = check_date(opens, "opening date") if opens else None
    closes = check_date(closes, "closing date") if closes else None
    if opens and closes and closes < opens:
        raise ConfigError(
            f"round {round_id!r} closes ({closes}) before it opens ({opens})",
            "give a closing date on or after the opening date",
        )
    if method is not None:
        check_text(method, "round method")
    return Round(round_id, title, "planned", opens, closes, tuple(people), method)
