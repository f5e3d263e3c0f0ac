"""Reading draftctl.toml and feedback.toml: the plain TOML draftctl writes is read here, line by
line; anything else goes to the standard `tomllib`, whose import (with `typing` and `string`)
costs a listing more than reading its registry.

A line is read here only when it is blank or a comment, a table header of bare keys, or a key
(bare or a simple quoted string) set to a string with no escapes but `\\"` and `\\\\`, a date
(YYYY-MM-DD), or a one-line array of such strings; a header or key seen twice, or a key that
is both a table and a value, sends the whole text to tomllib too (which reports the error).
For every text read here, tomllib reads the same tables in the same order (a property test
checks it).
"""

from __future__ import annotations

import re
from datetime import date

from draftctl.errors import ConfigError

TYPE_CHECKING = False  # typing's flag, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

_BARE = r"[A-Za-z0-9_-]+"
_STRING = r'"(?:[^"\\\x00-\x1f\x7f\ud800-\udfff]|\\["\\])*"'
_END = r"[ \t]*(?:#[^\x00-\x08\x0a-\x1f\x7f\ud800-\udfff]*)?"  # spaces, then a comment
_SKIP = re.compile(_END)
_HEADER = re.compile(rf"[ \t]*\[({_BARE}(?:\.{_BARE})*)\]{_END}")
_ARRAY = rf"\[((?:[ \t]*{_STRING}[ \t]*,)*(?:[ \t]*{_STRING})?[ \t]*)\]"
_PAIR = re.compile(
    rf"[ \t]*({_BARE}|{_STRING})[ \t]*=[ \t]*"
    rf"(?:({_STRING})|(\d{{4}})-(\d{{2}})-(\d{{2}})|{_ARRAY}){_END}"
)
_ITEM = re.compile(_STRING)
_ESCAPE = re.compile(r"\\([\"\\])")


def read_toml(text: str, name: str, hint: str | None = None) -> dict[str, Any]:
    """The tables of `text` (the file `name`); invalid TOML is a ConfigError with `hint`."""
    data = plain_toml(text)
    if data is not None:
        return data
    import tomllib

    try:
        return tomllib.loads(text)
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise ConfigError(f"{name} nests arrays or tables too deeply to read", hint) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{name} is not valid TOML: {error}", hint) from None


def plain_toml(text: str) -> dict[str, Any] | None:
    """The tables of `text` when every line is plain (see above), else None."""
    if "\r" in text:
        return None
    root: dict[str, Any] = {}
    table = root
    headers: set[str] = set()
    for line in text.split("\n"):
        if _SKIP.fullmatch(line):
            continue
        header = _HEADER.fullmatch(line)
        if header:
            found = _table(root, header.group(1), headers)
            if found is None:
                return None
            table = found
            continue
        pair = _PAIR.fullmatch(line)
        if pair is None or not _set(table, pair):
            return None
    return root


def _table(root: dict[str, Any], path: str, headers: set[str]) -> dict[str, Any] | None:
    """The table a header opens (made on the way); None if it was opened before or a value
    stands in its path."""
    if path in headers:
        return None
    headers.add(path)
    table = root
    for key in path.split("."):
        table = table.setdefault(key, {})
        if not isinstance(table, dict):
            return None
    return table


def _set(table: dict[str, Any], pair: re.Match[str]) -> bool:
    """Set the pair's key in `table`; False if the key is there already, or a date is none."""
    key, string, year, month, day, items = pair.groups()
    key = _unquote(key) if key.startswith('"') else key
    if key in table:
        return False
    if string is not None:
        table[key] = _unquote(string)
    elif year is not None:
        try:
            table[key] = date(int(year), int(month), int(day))
        except ValueError:
            return False
    else:
        table[key] = [_unquote(item) for item in _ITEM.findall(items)]
    return True


def _unquote(string: str) -> str:
    return _ESCAPE.sub(r"\1", string[1:-1])
