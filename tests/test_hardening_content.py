"""Hardening, content: encodings, binary files, line endings, size and hostile Markdown."""

from __future__ import annotations

import json
import random
import re
import time
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from draftctl.consultation.workspace import MAX_DRAFT_BYTES
from draftctl.engine.diff import diff_texts
from tests.conftest import Cli, git
from tests.hardening_helpers import assert_refused, blob, drafts_repo, fsck, refuses, unchanged

__all__ = ["drafts_repo"]  # the fast copy overrides conftest's fixture in this module

POLICY = "drafts/policy.md"
COMMIT = ("commit", "--round", "evidence", "-m", "Record")


def _write(repo: Path, data: bytes) -> Path:
    path = repo / POLICY
    path.write_bytes(data)
    return path


# -- 5. encodings ----------------------------------------------------------------------------

NOT_UTF8 = [
    (b"# Caf\xe9 policy\n", 5),  # Latin-1
    (b"# Title\n\nOK \xc3\x28 here\n", 12),  # a lead byte without its continuation
    (b"# Title\n\nEnds mid-character \xe2\x82", 28),  # truncated at the end
    (b"# Title\n\n\xc0\xaf overlong\n", 9),  # overlong encoding of '/'
    (b"# Title\n\n\xed\xa0\x80 surrogate\n", 9),  # an encoded surrogate
]


@pytest.mark.parametrize(("data", "offset"), NOT_UTF8)
def test_non_utf8_drafts_are_refused_with_the_byte_offset(
    cli: Cli, drafts_repo: Path, data: bytes, offset: int
) -> None:
    _write(drafts_repo, data)
    for args in (COMMIT, ("status",), ("diff", "HEAD"), ("blame",)):
        line = refuses(cli, drafts_repo, args, POLICY, f"byte {offset}")
        assert "\ufffd" not in line


UTF16 = "# Titre\n\nUne politique.\n"


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe" + UTF16.encode("utf-16-le"),
        b"\xfe\xff" + UTF16.encode("utf-16-be"),
        b"# Title\n\nA NUL\0 in the middle.\n",
        bytes(range(256)) * 4,
    ],
    ids=["utf16-le", "utf16-be", "nul", "bytes"],
)
def test_binary_drafts_are_not_diffed(cli: Cli, drafts_repo: Path, data: bytes) -> None:
    _write(drafts_repo, data)
    for args in (COMMIT, ("status",), ("diff", "HEAD", "--format", "json"), ("blame",)):
        refuses(cli, drafts_repo, args, POLICY, "binary file, not diffed")


def test_utf8_bom_is_kept_through_commit_and_diff(cli: Cli, drafts_repo: Path) -> None:
    data = "\ufeff# Test policy\n\nA draft saved by an editor that writes a BOM.\n".encode()
    _write(drafts_repo, data)
    cli(*COMMIT)
    assert blob(drafts_repo, "HEAD", POLICY) == data
    _write(drafts_repo, data + b"\nOne more paragraph.\n")
    out = json.loads(cli("diff", "HEAD", "--format", "json").out)
    assert [c["new"] for c in out["changes"]] == ["One more paragraph."]
    assert git(drafts_repo, "status", "--porcelain") == " M drafts/policy.md\n"
    fsck(drafts_repo)


# -- 7. line endings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"# Title\r\n\r\nWindows line endings.\r\n",
        b"# Title\n\r\nMixed\r\nendings\nand a lone\rCR.\n",
        b"# Title\n\nNo final newline.",
        b"# Title\r\n\r\nCRLF and no final newline.",
        b"# Title\n\nTrailing spaces   \n\n\n\n",
    ],
    ids=["crlf", "mixed", "no-final-newline", "crlf-no-final", "trailing-blank-lines"],
)
def test_line_endings_survive_commit_byte_for_byte(
    cli: Cli, drafts_repo: Path, data: bytes
) -> None:
    _write(drafts_repo, data)
    cli(*COMMIT)
    assert blob(drafts_repo, "HEAD", POLICY) == data
    assert (drafts_repo / POLICY).read_bytes() == data
    assert git(drafts_repo, "status", "--porcelain") == ""
    fsck(drafts_repo)


def test_line_ending_only_change_is_not_a_rewrite(cli: Cli, drafts_repo: Path) -> None:
    text = "# Test policy\n\n## Scope\n\nThe policy covers adults.\n\n- One.\n- Two.\n"
    _write(drafts_repo, text.encode())
    cli(*COMMIT)
    _write(drafts_repo, text.replace("\n", "\r\n").encode())
    status = json.loads(cli("status", "--json").out)
    (draft,) = status["drafts"]
    assert (draft["inserted_words"], draft["deleted_words"]) == (0, 0)
    out = json.loads(cli("diff", "HEAD", "--format", "json").out)
    assert (out["stats"]["inserted_words"], out["stats"]["deleted_words"]) == (0, 0)
    assert all(not c["old"].strip() and not c["new"].strip() for c in out["changes"]), out
    # Recording it keeps the new bytes exactly.
    cli(*COMMIT)
    assert blob(drafts_repo, "HEAD", POLICY) == text.replace("\n", "\r\n").encode()


# -- 8. size ---------------------------------------------------------------------------------


def test_draft_over_the_size_limit_is_refused_clearly(cli: Cli, drafts_repo: Path) -> None:
    """The documented limit is workspace.MAX_DRAFT_BYTES = 20 MiB per draft."""
    assert MAX_DRAFT_BYTES == 20 * 1024 * 1024
    line = b"A sentence of an enormous draft that goes on and on. " * 20 + b"\n\n"
    data = b"# Huge\n\n" + line * (MAX_DRAFT_BYTES // len(line) + 1)
    _write(drafts_repo, data)
    for args in (COMMIT, ("status",)):
        message = refuses(cli, drafts_repo, args, POLICY, "20 MiB")
        assert f"{len(data):,}" in message


def test_draft_at_the_size_limit_is_accepted(cli: Cli, drafts_repo: Path) -> None:
    head = b"# At the limit\n\n"
    data = head + b"x" * (MAX_DRAFT_BYTES - len(head) - 1) + b"\n"
    assert len(data) == MAX_DRAFT_BYTES
    _write(drafts_repo, data)
    cli(*COMMIT)
    assert blob(drafts_repo, "HEAD", POLICY) == data


def _paragraphs(rng: random.Random, count: int) -> list[str]:
    words = "rights health law sex work council policy evidence round state harm people".split()
    return [" ".join(rng.choice(words) for _ in range(rng.randint(20, 80))) for _ in range(count)]


def test_diff_of_a_large_draft_finishes_and_says_when_it_is_approximate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Under the limit diffs finish exactly; a gap beyond the work bound (a measure of input
    size, never the clock) is replaced whole and the result says so."""
    from draftctl.engine import tokendiff

    rng = random.Random(6)
    old = _paragraphs(rng, 4000)
    new = [p if rng.random() < 0.7 else " ".join(reversed(p.split())) for p in old]
    old_text, new_text = "\n\n".join(old) + "\n", "\n\n".join(new) + "\n"
    started = time.monotonic()
    diff = diff_texts(old_text, new_text)
    assert time.monotonic() - started < 30
    assert diff.rebuild_old() == old_text and diff.rebuild_new() == new_text
    assert not diff.approximate
    monkeypatch.setattr(tokendiff, "MAX_GAP_WORK", 100)
    coarse = diff_texts("\n\n".join(old[:50]) + "\n", "\n\n".join(new[:50]) + "\n")
    assert coarse.approximate
    assert coarse.rebuild_new() == "\n\n".join(new[:50]) + "\n"


@pytest.mark.slow
def test_large_draft_diff_through_the_cli(cli: Cli, drafts_repo: Path) -> None:
    rng = random.Random(8)
    old = _paragraphs(rng, 3000)  # about 1.3 MB
    _write(drafts_repo, ("# Large\n\n" + "\n\n".join(old) + "\n").encode())
    cli(*COMMIT)
    new = [p.replace("law", "statute", 1) if i % 10 == 0 else p for i, p in enumerate(old)]
    _write(drafts_repo, ("# Large\n\n" + "\n\n".join(new) + "\n").encode())
    started = time.monotonic()
    out = json.loads(cli("diff", "HEAD", "--format", "json").out)
    assert time.monotonic() - started < 60
    assert out["changes"]
    if out.get("approximate"):
        assert "approximate" in cli("diff", "HEAD", "--format", "markdown").out


# -- 9. hostile Markdown ---------------------------------------------------------------------

HOSTILE = """# Policy <script>alert("h1")</script>

Paragraph with <script>alert("x")</script>, <img src=x onerror="alert(1)"> and a
[link](javascript:alert(1)) and <a href="javascript:alert(2)">another</a>.

## Scope & <b>bold</b> </h2><h1>fake</h1>

Fake CriticMarkup: {++fake insertion++} {--fake deletion--} {~~a~>b~~} {>>fake comment<<}
{==highlight==} a lone ~> arrow, a {++ that never closes and a closer --} alone.

Rich markup [red]red[/red], [link=http://evil.example]click[/link], [/] and [bold]
plus terminal escapes \x1b[31mred\x1b[0m and \x1b]0;title\x07 and a bell \x07.

| a | <td>b</td> |
|---|---|
| ]]> | --> <!-- |

<!-- an HTML comment that never closes

```python
an unclosed fence {++inside++} <script>x</script>
"""
NEW_WORDS = "Brand new words here."
# Inserted text that must come out literally: markup, tags, CriticMarkup and escapes.
INSERTED = (
    f"{NEW_WORDS} [red]red[/red] [link=http://evil.example]x[/link] "
    '<script>alert("i")</script> {++fake++} {~~a~>b~~} a~>b \x1b[2J end.'
)


class _Tags(HTMLParser):
    """Start tags with their attributes, and the text inside <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def _check_html(page: str) -> None:
    """No element, attribute or script from the draft: only the renderer's own (pinned) script."""
    parser = _Tags()
    parser.feed(page)
    parser.close()
    assert len(parser.scripts) <= 1 and not any("alert(" in s for s in parser.scripts)
    for tag, attrs in parser.tags:
        assert tag not in ("iframe", "object", "embed", "img"), tag
        for key, value in attrs:
            assert not key.startswith("on"), (tag, key)
            assert not (value or "").lower().startswith("javascript:"), (tag, key, value)
    assert '<script>alert("x")' not in page and "<h1>fake" not in page


_CRITIC = r"\{\+\+(.*?)\+\+\}|\{--(.*?)--\}|\{~~(.*?)~>(.*?)~~\}|\{>>(.*?)<<\}|\{==(.*?)==\}"


def _uncritic(text: str) -> str:
    return text.replace("&#123;", "{").replace("&#125;", "}").replace("&gt;", ">")


def _check_critic(text: str, inserted: str = NEW_WORDS) -> None:
    """Hostile text never forms or breaks a mark, and the only insertion is the text really
    inserted (marks may hold a line break: they carry exactly the text that changed)."""
    found = []
    for match in re.finditer(_CRITIC, text, re.S):
        if match.group(1) is not None:
            found.append(match.group(1))
        assert match.group(2) is None and match.group(3) is None, match.group(0)
    rest = re.sub(_CRITIC, "", text, flags=re.S)
    assert not re.search(r"\{(\+\+|--|~~|>>|==)|(\+\+|--|~~|<<|==)\}", rest), rest
    assert _uncritic(" ".join(found)).strip().startswith(inserted), found


def _check_terminal(text: str, shown: str = "[red]red[/red]") -> None:
    assert "\x1b" not in text and "\x07" not in text
    assert shown in text


def _check_json(text: str, inserted: str = NEW_WORDS) -> None:
    data = json.loads(text)
    assert [c["new"].strip() for c in data["changes"]] == [inserted]


def _check_docx(path: Path) -> None:
    from xml.etree import ElementTree

    with zipfile.ZipFile(path) as package:
        ElementTree.fromstring(package.read("word/document.xml"))
    import docx

    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "<script>" in text and "{++fake insertion++}" in text


def _hostile_pair(cli: Cli, repo: Path, old: str, new: str) -> None:
    _write(repo, old.encode())
    cli(*COMMIT)
    _write(repo, new.encode())


def test_hostile_draft_keeps_every_diff_format_valid_and_escaped(
    cli: Cli, drafts_repo: Path, tmp_path: Path
) -> None:
    new = HOSTILE.replace("## Scope", f"{INSERTED}\n\n## Scope")
    _hostile_pair(cli, drafts_repo, HOSTILE, new)
    with unchanged(drafts_repo):
        _check_terminal(cli("diff", "HEAD", "--format", "terminal").out)
        _check_critic(cli("diff", "HEAD", "--format", "markdown").out, INSERTED)
        _check_html(cli("diff", "HEAD", "--format", "html").out)
        _check_json(cli("diff", "HEAD", "--format", "json").out, INSERTED)
        _check_terminal(cli("diff", "HEAD", "--stat").out, "Policy <script>")
        _check_terminal(cli("show", "HEAD").out, "Record")


_CONTROLS = "draft text holding C0 control characters (ESC U+001B, BEL U+0007)"


def test_hostile_draft_diff_docx_is_valid(cli: Cli, drafts_repo: Path, tmp_path: Path) -> None:
    _hostile_pair(cli, drafts_repo, HOSTILE, HOSTILE.replace("## Scope", f"{INSERTED}\n\n## Scope"))
    cli("diff", "HEAD", "--format", "docx", "-o", str(tmp_path / "diff.docx"))
    _check_docx(tmp_path / "diff.docx")


def test_hostile_draft_keeps_blame_and_log_valid(cli: Cli, drafts_repo: Path) -> None:
    _hostile_pair(cli, drafts_repo, HOSTILE, HOSTILE)
    with unchanged(drafts_repo):
        _check_terminal(cli("log").out, "Record")
        json.loads(cli("blame", "--json").out)


def test_hostile_draft_blame_terminal_is_escaped(cli: Cli, drafts_repo: Path) -> None:
    _hostile_pair(cli, drafts_repo, HOSTILE, HOSTILE)
    _check_terminal(cli("blame").out)


def test_hostile_draft_keeps_report_valid(cli: Cli, drafts_repo: Path) -> None:
    _hostile_pair(cli, drafts_repo, HOSTILE, HOSTILE.replace("## Scope", f"{INSERTED}\n\n## Scope"))
    cli(*COMMIT)
    with unchanged(drafts_repo):
        _check_html(cli("report", "--format", "html").out)
        json.loads(cli("report", "--format", "json").out)
        assert '<script>alert("i")' not in cli("report").out  # Markdown may hold raw HTML


def test_hostile_draft_keeps_export_valid(cli: Cli, drafts_repo: Path) -> None:
    _hostile_pair(cli, drafts_repo, HOSTILE, HOSTILE)
    with unchanged(drafts_repo):
        _check_html(cli("export", "HEAD", "--format", "html").out)
        assert "<script>" in cli("export", "HEAD", "--format", "markdown").out


def test_hostile_draft_export_docx_is_valid(cli: Cli, drafts_repo: Path, tmp_path: Path) -> None:
    _hostile_pair(cli, drafts_repo, HOSTILE, HOSTILE)
    cli("export", "HEAD", "--format", "docx", "-o", str(tmp_path / "export.docx"))
    with zipfile.ZipFile(tmp_path / "export.docx") as package:
        assert package.testzip() is None


DEEP = {
    "quotes": "> " * 10_000 + "deep quote\n",
    "bullets": "- " * 10_000 + "deep item\n",
    "ordered": "1. " * 5_000 + "deep number\n",
    "brackets": "[" * 10_000 + "x" + "]" * 10_000 + "\n",
    "emphasis": "*" * 10_000 + "x" + "*" * 10_000 + "\n",
    "html": "<div>\n" * 5_000,
    "fence": "````\nunclosed fence to the end\n\n# not a heading\n",
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_parser_breaking_markdown_keeps_outputs_valid(
    cli: Cli, drafts_repo: Path, name: str
) -> None:
    old = f"# Deep\n\n{DEEP[name]}"
    new = f"# Deep\n\n{NEW_WORDS}\n\n{DEEP[name]}"
    _hostile_pair(cli, drafts_repo, old, new)
    with unchanged(drafts_repo):
        data = json.loads(cli("diff", "HEAD", "--format", "json").out)
        assert any(NEW_WORDS in c["new"] for c in data["changes"])
        _check_html(cli("diff", "HEAD", "--format", "html").out)
        markdown = cli("diff", "HEAD", "--format", "markdown").out
        assert "{++" + NEW_WORDS in markdown
        assert cli("diff", "HEAD").code == 0
        json.loads(cli("blame", "--json").out)


@pytest.mark.parametrize("name", sorted(DEEP))
def test_parser_breaking_markdown_keeps_paragraphs_apart(name: str) -> None:
    """A paragraph before pathological Markdown stays its own block, so the diff stays exact."""
    from draftctl.engine.blocks import parse_blocks

    text = f"# Deep\n\n{NEW_WORDS}\n\n{DEEP[name]}"
    blocks = parse_blocks(text)
    assert "".join(b.raw for b in blocks) == text
    assert NEW_WORDS in [b.key for b in blocks], [b.raw[:40] for b in blocks]


def test_conflict_markers_in_a_draft_are_refused(cli: Cli, drafts_repo: Path) -> None:
    text = "# Test policy\n\n<<<<<<< HEAD\nOurs.\n=======\nTheirs.\n>>>>>>> other\n"
    _write(drafts_repo, text.encode())
    refuses(cli, drafts_repo, COMMIT, POLICY, "conflict markers")


def test_failed_refusal_output_is_one_line_even_with_hostile_names(
    cli: Cli, drafts_repo: Path
) -> None:
    """An error line quoting a hostile name stays one line, with no markup or escape applied."""
    result = cli("log", "--draft", "[red]x\x1b[2J", ok=False)
    line = assert_refused(result, "[red]x")
    assert "\x1b" not in result.err
    assert line.count("\n") == 0
