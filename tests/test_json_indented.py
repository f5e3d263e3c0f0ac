"""`render.json.indented` writes exactly what `json.dumps(indent=2, ensure_ascii=False)` does."""

from __future__ import annotations

import json
from enum import IntEnum, StrEnum
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from draftctl.render.json import indented


class Kind(StrEnum):
    insert = "insert"


class Level(IntEnum):
    two = 2


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from('\x00\x1f\x7f\x9b"\\\u2028'))
    | st.sampled_from([Kind.insert, Level.two])
)
_KEYS = st.text(max_size=8) | st.sampled_from([Kind.insert, 1, None])
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(_KEYS, inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(_VALUES)
def test_indented_is_json_dumps_byte_for_byte(value: Any) -> None:
    assert indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_a_diff_shaped_value() -> None:
    value = {
        "draft": "policy",
        "from": {"rev": "v0.1", "commit": None},
        "changes": [{"id": 1, "section": [], "old": "", "new": "é\n", "attribution": [{}]}],
        "stats": {"inserted_words": 3, "by_round": {"r": {"inserted": 1, "deleted": 0}}},
        "approximate": False,
    }
    assert indented(value) == json.dumps(value, indent=2, ensure_ascii=False)
    assert indented([]) == "[]" and indented({}) == "{}" and indented(0.5) == "0.5"
