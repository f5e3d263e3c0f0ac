"""`draftctl export`: the clean copy's title page, contents and text in Markdown and HTML."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from draftctl.consultation.workspace import open_workspace
from draftctl.release.export import build_clean_copy, parse_body, slugify
from tests.conftest import Cli, git, snapshot
from tests.release_helpers import copied

DRAFT = """# Policy on the rights of sex workers

*Draft for decision. Not an adopted position.*

## Purpose

This policy sets out the position of the Organisation, with a <script>alert(1)</script> tag
and a [link](https://example.org/report).

## Scope

### Who it covers

- adults who sell sex
- and *their* organisations

### Who it does not cover

1. children
2. trafficked persons

## Scope

| Round | Period |
|---|---|
| Evidence | 2014 |

> A quoted submission.
"""


def _build(base: Path) -> Path:
    Cli(base)("init", "repo", "--name", "Rights policy")
    cli = Cli(base / "repo")
    cli("round", "add", "final", "--title", "Final review")
    cli("round", "open", "final", "--on", "2015-05-01")
    cli("new", "policy", "--title", "Placeholder")
    (base / "repo" / "drafts" / "policy.md").write_text(DRAFT, encoding="utf-8")
    cli("commit", "--round", "final", "-m", "Final text")
    cli("tag", "icm-2015", "--status", "submitted", "--meeting", "ICM, Dublin, 7–11 August 2015")
    cli("outcome", "icm-2015", "--status", "adopted", "--date", "2015-08-11")
    return base / "repo"


@pytest.fixture
def repo(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = copied("export", _build, tmp_path, tmp_path_factory)
    return target


def test_title_becomes_the_title_page_and_sections_move_up() -> None:
    title, body, tokens, headings = parse_body(DRAFT)
    assert title == "Policy on the rights of sex workers"
    assert not body.startswith("# ")
    assert [(h.level, h.text, h.anchor) for h in headings] == [
        (1, "Purpose", "purpose"),
        (1, "Scope", "scope"),
        (2, "Who it covers", "who-it-covers"),
        (2, "Who it does not cover", "who-it-does-not-cover"),
        (1, "Scope", "scope-2"),
    ]
    ids = [t.attrGet("id") for t in tokens if t.type == "heading_open"]
    assert ids == [h.anchor for h in headings]


def test_a_paragraph_beyond_the_inline_limit_stays_plain_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from draftctl.release import export

    monkeypatch.setattr(export, "INLINE_LIMIT", 60)
    short = "A [link](https://example.org) and *stress*."
    long = "Many [brackets] and (parens [nested (deep] and *stars* " * 3
    _, _, tokens, _ = parse_body(f"{short}\n\n{long.strip()}\n")
    inlines = [t for t in tokens if t.type == "inline"]
    assert {c.type for c in inlines[0].children or []} >= {"link_open", "em_open"}
    assert [(c.type, c.content) for c in inlines[1].children or []] == [("text", long.strip())]


def test_slugs_are_unique_and_safe() -> None:
    taken: set[str] = set()
    assert (
        slugify("Trafficking, forced labour & crimes!", taken)
        == "trafficking-forced-labour--crimes"
    )
    assert slugify("Trafficking, forced labour & crimes!", taken).endswith("-2")
    assert slugify("???", taken) == "section"


def test_title_page_facts_come_from_the_version(repo: Path) -> None:
    copy = build_clean_copy(open_workspace(repo), "icm-2015", None)
    facts = dict(copy.page.facts())
    assert facts["Version"] == "icm-2015"
    assert facts["Status"] == "submitted — adopted on 2015-08-11"
    assert facts["Meeting"] == "ICM, Dublin, 7–11 August 2015"
    digest = git(repo, "cat-file", "tag", "icm-2015").split("Content-Digest: ")[1].split()[0]
    assert facts["Content-Digest"] == digest
    assert facts["Commit"] == git(repo, "rev-parse", "icm-2015^{commit}").strip()


def test_markdown_export(repo: Path) -> None:
    out = Cli(repo)("export", "icm-2015", "--format", "markdown").out
    assert out.startswith("# Policy on the rights of sex workers\n\n**Rights policy**\n")
    assert "| Status | submitted — adopted on 2015-08-11 |" in out
    assert "- [Purpose](#purpose)\n- [Scope](#scope)\n  - [Who it covers](#who-it-covers)" in out
    assert out.rstrip().endswith("> A quoted submission.")
    assert "## Purpose\n\nThis policy sets out" in out


def test_html_export_is_self_contained_printable_and_escaped(repo: Path) -> None:
    target = repo.parent / "copy.html"
    result = Cli(repo)("export", "icm-2015", "-o", str(target))
    assert f"wrote {target}" in result.err
    page = target.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//(?!example\.org/report)""", page)
    assert "<link" not in page and "@import" not in page
    assert "size: A4" in page and "@media print" in page
    assert '<h2 id="scope-2">Scope</h2>' in page
    assert '<a href="#who-it-covers">Who it covers</a>' in page
    assert "submitted — adopted on 2015-08-11" in page
    assert "draftctl verify icm-2015" in page
    assert page.count('<html lang="en-GB">') == 1, "init writes en-GB; the page declares it"


def test_export_of_a_commit_and_of_the_work_tree(repo: Path) -> None:
    out = Cli(repo)("export", "HEAD~1", "--format", "markdown").out
    assert "| Status | not a tagged version |" in out
    (repo / "drafts" / "policy.md").write_text("# Fresh\n\n## One\n\nText.\n")
    out = Cli(repo)("export", "WORKTREE", "--format", "markdown").out
    assert out.startswith("# Fresh\n") and "working copy (uncommitted)" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["icm-2015", "--format", "pdf"], "unknown export format 'pdf'"),
        (["icm-2015", "--format", "docx"], "a Word file cannot be printed"),
        (["nope"], "unknown revision 'nope'"),
        (["icm-2015", "--draft", "missing"], "drafts/missing.md does not exist at icm-2015"),
    ],
)
def test_export_refusals(repo: Path, args: list[str], message: str) -> None:
    before = snapshot(repo)
    result = Cli(repo)("export", *args, ok=False)
    assert result.code == 1 and message in result.err
    assert snapshot(repo) == before


def test_export_refuses_a_tampered_version(repo: Path) -> None:
    git(repo, "update-ref", "refs/tags/icm-2015", git(repo, "rev-parse", "icm-2015").strip())
    message = git(repo, "cat-file", "tag", "icm-2015").split("\n\n", 1)[1]
    forged_text = message.replace("Content-Digest: sha256:", "Content-Digest: sha256:f")
    head = git(repo, "rev-parse", "HEAD").strip()
    forged = git(
        repo,
        "mktag",
        input=f"object {head}\ntype commit\ntag icm-2015\ntagger T <t@e> 0 +0000\n\n{forged_text}",
    ).strip()
    git(repo, "update-ref", "refs/tags/icm-2015", forged)
    result = Cli(repo)("export", "icm-2015", "--format", "markdown", ok=False)
    assert "does not match its tag" in result.err and "draftctl verify icm-2015" in result.err


@pytest.mark.browser
def test_html_prints_as_a4_pages(repo: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None or shutil.which("pdfinfo") is None:
        pytest.skip("chromium or poppler-utils is not installed")
    page, pdf = repo.parent / "copy.html", repo.parent / "copy.pdf"
    Cli(repo)("export", "icm-2015", "-o", str(page))
    subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "(A4)" in info
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 3  # type: ignore[union-attr]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Clean copy for delegates" in text and "A quoted submission." in text
