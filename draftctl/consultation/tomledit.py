"""Round-trip edits of draftctl.toml and feedback.toml: comments, key order and unknown keys kept.

People edit these files by hand. Reading is `tomlread` (its plain TOML, else `tomllib`); a
command that changes the file parses it with `tomlkit` (imported only then), sets the few keys
it means to change in place, and writes everything else back exactly as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from draftctl.errors import ConfigError

TYPE_CHECKING = False  # typing's flag, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

Value = str | date | list[str] | None


def parse_document(text: str, name: str, hint: str | None = None) -> Any:
    """The file as an editable tomlkit document; invalid TOML is a ConfigError."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        return tomlkit.parse(text)
    except (TOMLKitError, RecursionError) as error:
        raise ConfigError(f"{name} is not valid TOML: {error}", hint) from None


def new_document(*comments: str) -> Any:
    """An empty document that opens with `comments`."""
    import tomlkit

    doc = tomlkit.document()
    for line in comments:
        doc.add(tomlkit.comment(line))
    return doc


def set_values(doc: Any, section: str, key: str, values: Mapping[str, Value]) -> None:
    """Set keys of the table `[section.key]` in place (None removes one), creating the table
    at the end of `[section]`. Its other keys, their order and comments stay; a new key goes
    after the last key that precedes it in `values`, so fresh files keep one tidy order."""
    import tomlkit

    parent: Any = doc.get(section)
    if parent is None:
        parent = tomlkit.table(is_super_table=True)
        doc.append(section, parent)
    _require_table(parent, f"[{section}]")
    table: Any = parent.get(key)
    created = table is None
    if created:
        table = tomlkit.table()
    else:
        _require_table(table, f"{section}.{key}")
    earlier: list[str] = []
    for name, value in values.items():
        if value is None:
            if name in table:
                del table[name]
        elif name in table or created:
            table[name] = value
        else:
            _insert(table, [k for k in earlier if k in table], name, value)
        earlier.append(name)
    if created:
        table.add(tomlkit.nl())
        parent.append(key, table)


def _require_table(value: object, where: str) -> None:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where} must be a table", "fix the file by hand (plain TOML)")


def _insert(table: Any, before: list[str], name: str, value: Value) -> None:
    """Add `name` right after the last of `before` (else at the end of the table), with
    tomlkit's public API only: the keys after it are taken out and put back, comments kept."""
    keys = list(table.keys())
    if not before or before[-1] not in keys:
        table[name] = value
        return
    tail = [(key, table.value.item(key)) for key in keys[keys.index(before[-1]) + 1 :]]
    for key, _ in tail:
        del table[key]
    table[name] = value
    for key, item in tail:
        table[key] = item


def dump(doc: Any) -> str:
    """The document's text, ending in exactly one newline."""
    import tomlkit

    return tomlkit.dumps(doc).rstrip("\n") + "\n"


def iso_day(value: str | None) -> date | None:
    """A YYYY-MM-DD string as a TOML date (written bare, `opens = 2014-01-10`)."""
    return date.fromisoformat(value) if value else None
