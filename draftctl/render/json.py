"""The annotated diff as the contract's JSON object (`diff --format json`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import encode_basestring  # the C encoder's string escaping, when built
from typing import Any

from draftctl.review.result import AnnotatedChange, AnnotatedDiff


def diff_json(result: AnnotatedDiff) -> dict[str, Any]:
    """The DESIGN.md shape: draft, from, to, changes, stats (plus `approximate`)."""
    stats = result.stats
    return {
        "draft": result.draft,
        "from": {"rev": result.from_rev, "commit": result.from_commit},
        "to": {"rev": result.to_rev, "commit": result.to_commit},
        "changes": [_change(result, change) for change in result.changes],
        "stats": {
            "inserted_words": stats.inserted_words,
            "deleted_words": stats.deleted_words,
            "by_round": stats.by_round,
        },
        "approximate": result.approximate,
    }


def _change(result: AnnotatedDiff, change: AnnotatedChange) -> dict[str, Any]:
    return {
        "id": change.id,
        "kind": change.kind,
        "section": list(change.section),
        "old": change.old,
        "new": change.new,
        "attribution": [result.credits[key].as_json() for key in change.credits],
    }


def render_json(result: AnnotatedDiff) -> str:
    """One JSON document, indented, UTF-8 text kept as is."""
    return indented(diff_json(result)) + "\n"


class _Unusual(Exception):
    """A value `indented` leaves to the json module."""


def indented(value: Any) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, byte for byte, several times faster:
    with an indent the json module encodes in Python, one generator per container, while here
    one function walks the value and strings are escaped by the same function json uses.
    Anything beyond str keys, strings, ints, finite floats, bools, None, lists, tuples and dicts
    goes to the json module."""
    parts: list[str] = []
    try:
        _put(value, parts, "\n")
    except (_Unusual, RecursionError):
        return json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(parts)


def _put(value: Any, parts: list[str], newline: str) -> None:
    scalar = _SCALARS.get(type(value))
    if scalar is not None:
        parts.append(scalar(value))
    elif isinstance(value, dict):
        _put_dict(value, parts, newline)
    elif isinstance(value, list | tuple):
        _put_list(value, parts, newline)
    elif isinstance(value, str):  # a subclass (an enum's value): as json writes it
        parts.append(encode_basestring(value))
    elif isinstance(value, int) and not isinstance(value, bool):
        parts.append(int.__repr__(value))
    else:
        raise _Unusual


def _float(value: float) -> str:
    if value - value != 0.0:  # NaN and ±inf: json's own spelling
        raise _Unusual
    return float.__repr__(value)


_SCALARS: dict[type, Callable[[Any], str]] = {
    str: encode_basestring,
    int: int.__repr__,
    float: _float,
    bool: {True: "true", False: "false"}.__getitem__,
    type(None): lambda _: "null",
}


def _put_dict(value: dict[Any, Any], parts: list[str], newline: str) -> None:
    if not value:
        parts.append("{}")
        return
    inner = newline + "  "
    lead = "{" + inner
    for key, item in value.items():
        if type(key) is not str:
            raise _Unusual
        scalar = _SCALARS.get(type(item))
        if scalar is not None:
            parts.append(lead + encode_basestring(key) + ": " + scalar(item))
        else:
            parts.append(lead + encode_basestring(key) + ": ")
            _put(item, parts, inner)
        lead = "," + inner
    parts.append(newline + "}")


def _put_list(value: list[Any] | tuple[Any, ...], parts: list[str], newline: str) -> None:
    if not value:
        parts.append("[]")
        return
    inner = newline + "  "
    lead = "[" + inner
    for item in value:
        scalar = _SCALARS.get(type(item))
        if scalar is not None:
            parts.append(lead + scalar(item))
        else:
            parts.append(lead)
            _put(item, parts, inner)
        lead = "," + inner
    parts.append(newline + "]")
