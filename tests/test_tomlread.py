"""The plain TOML reader: whatever it reads, tomllib reads alike; the rest goes to tomllib."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from draftctl.consultation.config import Config, Round, Stakeholder, render_config
from draftctl.consultation.feedback import FeedbackItem, render_register
from draftctl.consultation.tomlread import plain_toml, read_toml
from draftctl.errors import ConfigError

HEADERS = ["[a]", "[a.b]", "[b]", "[a.b.c]", "[ a ]", "[a . b]", "[[a]]", '["q"]', "[a-b_9]"]
KEYS = ["a", "b", "c", '"a"', '"x y"', '""', "a.b", "é", '"é"']
VALUES = ['"v"', '"v\\"q"', '"\\\\"', '"\\u0041"', '"\\n"', '"tab\there"', '"\x7f"', '""']
VALUES += ["2014-01-10", "2014-02-30", "0000-01-01", "2014-1-10", "2014-01-10T10:00:00"]
VALUES += ["2014-01-10 10:00", '["a", "b",]', "[]", "[ ]", "[,]", '["a" "b"]', '[\n"a"]']
VALUES += ["1", "true", "{}", "'lit'", '"""x"""']
EQUALS = [" = ", "=", " =\t", " == "]
ENDS = ["", "  # note", "#", "# \x01", " # é", "\t", " ; not a comment"]

line = st.one_of(
    st.tuples(st.sampled_from(HEADERS), st.sampled_from(ENDS)).map("".join),
    st.tuples(*(st.sampled_from(x) for x in (KEYS, EQUALS, VALUES, ENDS))).map("".join),
    st.sampled_from(["", "   ", "# comment", "\t# x", "\r", "\ufeff", "; x"]),
    st.text(max_size=8),
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(line, max_size=12), st.booleans())
def test_what_the_plain_reader_reads_tomllib_reads_alike(lines: list[str], end: bool) -> None:
    text = "\n".join(lines) + ("\n" if end else "")
    data = plain_toml(text)
    if data is not None:
        assert repr(data) == repr(tomllib.loads(text))  # the same tables, keys in the same order


text_value = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=20)
slug = st.from_regex(r"[a-z0-9][a-z0-9-]{0,10}", fullmatch=True)
day = st.dates().map(lambda d: d.isoformat())


@st.composite
def configs(draw: st.DrawFn) -> Config:
    people = {s: Stakeholder(s, draw(text_value), draw(st.none() | text_value)) for s in
              draw(st.lists(slug, max_size=3, unique=True))}  # fmt: skip
    rounds = {
        r: Round(r, draw(text_value), draw(st.sampled_from(["open", "planned"])), draw(
            st.none() | day), draw(st.none() | day), tuple(people), draw(st.none() | text_value))
        for r in draw(st.lists(slug, max_size=3, unique=True))
    }  # fmt: skip
    authors = draw(st.dictionaries(text_value, slug, max_size=2))
    return Config(draw(text_value), "drafts", rounds, people, "en-GB", authors)


@settings(max_examples=200, deadline=None)
@given(configs())
def test_a_written_registry_is_read_without_tomllib(config: Config) -> None:
    text = render_config(config)
    data = plain_toml(text)
    assert data is not None or "\\u" in text  # a control character, escaped: for tomllib
    assert repr(read_toml(text, "draftctl.toml")) == repr(tomllib.loads(text))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(slug, text_value, st.none() | text_value, st.none() | day), max_size=4))
def test_a_written_register_is_read_without_tomllib(
    rows: list[tuple[str, str, str | None, str | None]],
) -> None:
    items = {
        f"FB-{n:04d}": FeedbackItem(f"FB-{n:04d}", r, "who", summary, ref, received)
        for n, (r, summary, ref, received) in enumerate(rows, 1)
    }
    text = render_register(items)
    data = plain_toml(text)
    assert data is not None or "\\u" in text
    assert repr(read_toml(text, "feedback.toml")) == repr(tomllib.loads(text))


@pytest.mark.parametrize(
    "text",
    [
        "[a]\n[a]\n",
        "a = 1\n",
        'a = "x"\na = "y"\n',
        'a = "x"\n"a" = "y"\n',
        '[a]\nb = "x"\n[a.b]\n',
        '[a.b]\n[a]\nb = "x"\n',
        "[[a]]\n",
        'a = "\\u0041"\n',
        'a = [\n  "x",\n]\n',
        'a = "x"\r\n',
        "a = 2014-02-30\n",
        "a = 2014-01-10T10:00:00\n",
        "a = {}\n",
        "a.b = 'x'\n",
    ],
)
def test_anything_else_goes_to_tomllib(text: str) -> None:
    assert plain_toml(text) is None


def test_invalid_toml_is_a_config_error_from_tomllib() -> None:
    with pytest.raises(ConfigError, match=r"^x.toml is not valid TOML: .*line 2") as raised:
        read_toml('a = "x"\na = "y"\n', "x.toml", "fix it")
    assert raised.value.hint == "fix it"
    with pytest.raises(ConfigError, match="nests arrays or tables too deeply"):
        read_toml("a = " + "[" * 5000 + "]" * 5000 + "\n", "x.toml")
