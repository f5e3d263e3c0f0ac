"""`draftctl report` on the sample consultation reads as a consultation response."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, git

SECTIONS = [
    "1 Introduction",
    "2 How the consultation ran",
    "3 Who responded",
    "4 What changed and why",
    "5 You said, we did",
    "6 Points that led to no change",
    "7 Decision and next steps",
    "Annex A: Revisions recorded",
]
CHROMIUM = shutil.which("chromium")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The sample consultation built once, with its report in the three formats."""
    from draftctl.sample.demo import build_demo

    home = tmp_path_factory.mktemp("home")
    config = home / ".gitconfig"
    config.write_text("[init]\n\tdefaultBranch = main\n[commit]\n\tgpgSign = false\n")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in (("HOME", home), ("GIT_CONFIG_GLOBAL", config)):
            patch.setenv(key, str(value))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        ws = build_demo(tmp_path_factory.mktemp("demo") / "sample")
        cli = Cli(ws.top)
        commits = git(ws.top, "log", "--format=%H").split()
        yield {
            "repo": ws.top,
            "markdown": cli("report").out,
            "html": cli("report", "--format", "html").out,
            "json": json.loads(cli("report", "--format", "json").out),
            "commits": commits,
        }


class Page(HTMLParser):
    """Headings, contents links, text by section and table rows of the report's HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.headings: list[tuple[str, str, str]] = []  # (tag, id, text)
        self.links: list[tuple[str, str]] = []
        self.text: dict[str, list[str]] = {}
        self.section = "top"
        self.h1 = 0
        self.lang = ""
        self._heading: list[str] | None = None
        self._link: list[str] | None = None
        self._where: tuple[str, str] = ("", "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = found.get("lang") or ""
        if tag == "h1":
            self.h1 += 1
        if tag in ("h2", "h3") and "nav" not in self.tags:
            self._heading, self._where = [], (tag, found.get("id") or "")
            if tag == "h2":
                self.section = found.get("id") or ""
        if tag == "a" and "nav" in self.tags:
            self._link, self._href = [], found.get("href") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h2", "h3") and self._heading is not None:
            self.headings.append((*self._where, " ".join("".join(self._heading).split())))
            self._heading = None
        if tag == "a" and self._link is not None:
            self.links.append((self._href, " ".join("".join(self._link).split())))
            self._link = None
        if self.tags:
            self.tags.pop()

    def handle_data(self, data: str) -> None:
        for sink in (self._heading, self._link):
            if sink is not None:
                sink.append(data)
        if "style" not in self.tags and "title" not in self.tags:
            self.text.setdefault(self.section, []).append(data)

    def body(self, *skip: str) -> str:
        return " ".join(" ".join(v) for k, v in self.text.items() if k not in skip)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def sections_of(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in document["sections"]}


def cells_text(cell: list[dict[str, str]]) -> str:
    return " ".join(f"{p['lead']} {p['text']}".strip() for p in cell)


def test_sections_are_in_order_in_every_format(demo: dict[str, Any]) -> None:
    page = parse(demo["html"])
    assert [text for tag, _, text in page.headings if tag == "h2"] == SECTIONS
    markdown = [line[3:] for line in demo["markdown"].splitlines() if line.startswith("## ")]
    assert markdown == ["Contents", *SECTIONS]
    document = demo["json"]["document"]
    assert [
        f"{s['number']}{':' if 'Annex' in s['number'] else ''} {s['title']}"
        for s in document["sections"]
    ] == SECTIONS
    rounds = [r["title"] for r in demo["json"]["rounds"]]
    changes = [s["title"] for s in sections_of(document)["changes"]["sections"]]
    assert changes == rounds and len(rounds) == 5


def test_contents_numbering_equals_the_headings(demo: dict[str, Any]) -> None:
    page = parse(demo["html"])
    headings = [(f"#{ident}", text) for _, ident, text in page.headings]
    assert page.links == headings
    assert ("#changes-evidence-review", "4.2 Evidence review with UN agencies") in headings
    markdown = demo["markdown"]
    listed = re.findall(r"^ *- \[(.+?)\]\(#([a-z-]+)\)$", markdown, flags=re.M)
    shown = re.findall(r'^<a id="([a-z-]+)"></a>\n\n#{2,3} (.+)$', markdown, flags=re.M)
    assert [(ident, text) for text, ident in listed] == shown


def test_one_h1_language_and_no_outside_resources(demo: dict[str, Any]) -> None:
    html = demo["html"]
    page = parse(html)
    assert page.h1 == 1 and page.lang == "en-GB"
    assert "<script" not in html and not re.search(r"(?:src|href)=\"(?:https?:)?//", html)
    assert "@page { size: A4" in html and "counter(page)" in html
    assert "thead { display: table-header-group; }" in html


def test_language_comes_from_the_registry(cli: Cli, drafts_repo: Path) -> None:
    config = drafts_repo / "draftctl.toml"
    text = re.sub(r'(?m)^language = ".*"\n', "", config.read_text())
    config.write_text(text.replace("[draftctl]\n", '[draftctl]\nlanguage = "fr-CA"\n'))
    git(drafts_repo, "commit", "-qam", "French", "--trailer", "Consultation-Round: evidence")
    assert parse(cli("report", "--format", "html").out).lang == "fr-CA"


def body_problems(text: str, commits: list[str]) -> list[str]:
    """Raw Markdown, command hints, commit ids and lazy plurals found in a report's body."""
    found = []
    patterns = {
        "heading": r"(?:^|\s)#{1,6} \w",
        "pipe row": r"\|\s*-{3}|\S \| \S",
        "emphasis": r"(?<![\w\\])\*[^*\s][^*]*\*(?!\*)",
        "code": r"`",
        "hint": r"draftctl \w|\bsee `",
        "plural": r"\w\(s\)|\b1 (?:changes|words|points|revisions|sections|commits)\b",
    }
    for name, pattern in patterns.items():
        if re.search(pattern, text, flags=re.M):
            found.append(name)
    found += [c[:7] for c in commits if c[:7] in text]
    return found


def test_html_body_has_no_raw_markdown_hints_hashes_or_plural_slips(demo: dict[str, Any]) -> None:
    page = parse(demo["html"])
    body = page.body("annex-revisions", "top")
    assert body_problems(body, demo["commits"]) == []
    annex = " ".join(page.text["annex-revisions"])
    assert any(c[:10] in annex for c in demo["commits"])


def test_markdown_body_and_extracts_are_plain(demo: dict[str, Any]) -> None:
    text = demo["markdown"].split('<a id="annex-revisions">')[0]
    assert (
        body_problems(
            re.sub(r"\*\*[^*]+\*\*|^\*.*\*$|^#+ |^\|.*\|$", "", text, flags=re.M), demo["commits"]
        )
        == []
    )
    extracts = [line for line in text.splitlines() if line.startswith("> ")]
    assert len(extracts) > 40
    for line in extracts:
        assert not re.search(r"(?<!\\)[*#|`_]", line), line
    assert "> 6\\. Address the poverty, <ins>gender inequality,</ins> discrimination" in text


def test_you_said_we_did_gives_each_response_in_words(demo: dict[str, Any]) -> None:
    said = sections_of(demo["json"]["document"])["you-said-we-did"]
    rows = [
        row
        for part in said["sections"]
        for node in part["body"]
        if node["type"] == "table"
        for row in node["rows"]
    ]
    register = {f["id"]: f for part in demo["json"]["rounds"] for f in part["feedback"]}
    changed = [f for f in register.values() if f["led_to_change"]]
    assert len(rows) == len(changed) >= 20
    by_id = {re.search(r"FB-\d{4}", cells_text(r[0])).group(0): r for r in rows}  # type: ignore[union-attr]
    for ident, row in by_id.items():
        you, did, where = (cells_text(c) for c in row)
        assert register[ident]["summary"] in you
        assert not re.search(r"\bchange \d|\b[0-9a-f]{8}\b", did)
        assert did.count("Accepted") <= 1 and where
    assert "Health, HIV and access to services" in cells_text(by_id["FB-0001"][2])
    assert "Trafficking, forced labour" in cells_text(by_id["FB-0015"][2])
    assert cells_text(by_id["FB-0001"][1]).startswith("Accepted. The health section now")
    html = demo["html"]
    assert html.count('<table class="reflow said">') == 4
    assert "The section has been moved to follow the Principles." in html


def test_points_with_no_change_are_listed_with_reasons(demo: dict[str, Any]) -> None:
    section = sections_of(demo["json"]["document"])["no-change"]
    [table] = [n for n in section["body"] if n["type"] == "table"]
    found = re.compile(r"FB-\d{4}")
    ids = [found.search(cells_text(r[0])).group(0) for r in table["rows"]]  # type: ignore[union-attr]
    register = [f for part in demo["json"]["rounds"] for f in part["feedback"]]
    assert ids == [f["id"] for f in register if not f["led_to_change"]] and len(ids) >= 6
    by_summary = {cells_text(r[0]): cells_text(r[1]) for r in table["rows"]}

    def reason(summary: str) -> str:
        [text] = [v for k, v in by_summary.items() if summary in k]
        return text

    assert reason("remain a criminal offence, on the model").startswith(
        "Declined. The Organisation considered the request"
    )
    assert reason("pornography").startswith("Declined as outside the scope")
    assert reason("two-page summary").startswith("Noted. The secretariat will prepare")
    assert (
        f"{len(ids)} points raised in the consultation led to no change" in demo["markdown"]
        or "points raised in the consultation led to no change" in demo["markdown"]
    )


def test_decision_and_next_steps_do_not_repeat_the_outcome(demo: dict[str, Any]) -> None:
    text = demo["markdown"].split("## 7 Decision and next steps")[1].split("## Annex")[0]
    assert (
        "submitted to the International Council Meeting, Dublin, 7–11 August 2015, as "
        "version icm-2015, dated 27 July 2015" in text
    )
    assert "the policy was adopted on 11 August 2015" in text
    assert "asked the International Board to issue implementation guidance" in text
    assert "Adopted by the International Council Meeting" not in text
    decision = demo["json"]["decision"]
    assert decision["version"] == "icm-2015" and decision["outcome"] == "adopted"


def test_rounds_respondents_and_changes_read_as_prose(demo: dict[str, Any]) -> None:
    text = demo["markdown"]
    assert "The consultation ran in five rounds, from 4 March 2013 to 24 July 2015." in text
    assert "Written comments and meetings with UN agencies on the first internal draft." in text
    assert "| UN agencies | 4 | 4 | 7 |" in text
    assert "**UN agencies:** World Health Organization; Joint United Nations" in text
    led = r"It led to \w+ changes in \w+ sections of the draft, adding [\d,]+ words and removing"
    assert len(re.findall(led, text)) >= 4
    assert "**Definitions.** Legal advisers asked that each defined term" in text
    kinds = {k["kind"]: k for k in demo["json"]["respondents"]}
    assert kinds["un-agency"]["points"] == 7 and len(kinds["civil-society"]["consulted"]) == 6


def test_annex_lists_every_revision(demo: dict[str, Any]) -> None:
    annex = demo["markdown"].split("## Annex A: Revisions recorded")[1]
    recorded = [c for part in demo["json"]["rounds"] for c in part["commits"]]
    assert len(recorded) >= 29
    for commit in recorded:
        assert f"| {commit[:10]} |" in annex
    assert "| 4 November 2013 |" in annex and "FB-0001, FB-0002, FB-0003" in annex
    assert '<a id="annex-revisions">' in demo["markdown"]


def test_json_keeps_its_keys_and_adds_the_document(demo: dict[str, Any]) -> None:
    report = demo["json"]
    for key in ("name", "draft", "title", "scope", "generated", "totals", "rounds"):
        assert key in report
    part = report["rounds"][1]
    for key in ("changes_count", "inserted_words", "feedback", "no_change", "commits"):
        assert key in part
    assert part["revisions"][0]["sections"]
    extracts = [
        n
        for s in report["document"]["sections"]
        for c in s["sections"]
        for n in c["body"]
        if n["type"] == "excerpt"
    ]
    assert extracts and all("#" not in b["text"][:2] for e in extracts for b in e["blocks"])


@pytest.mark.skipif(CHROMIUM is None or not shutil.which("pdftoppm"), reason="needs chromium")
def test_prints_on_a4_and_shows_at_phone_and_desktop_width(
    demo: dict[str, Any], tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    page.write_text(demo["html"], encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    chromium = [str(CHROMIUM), "--headless=new", "--no-sandbox", "--disable-gpu"]
    subprocess.run(
        [*chromium, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
        capture_output=True,
        timeout=180,
        check=True,
    )
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "(A4)" in info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True
    ).stdout.split("\f")
    assert f"Page 2 of {pages}" in text[1]
    sheets = [sheet for sheet in text if sheet.strip()]
    assert len(sheets) == pages
    for number, sheet in enumerate(sheets, 1):
        lines = [line.strip() for line in sheet.splitlines() if line.strip()]
        assert number == pages or len(lines) > 12, f"page {number} is nearly empty"
        body = [line for line in lines if not line.startswith("Page ")]
        assert not body[-1].startswith(("You said", "Point raised", "Date ")), number
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    for width in (1280, 400):
        shot = tmp_path / f"report-{width}.png"
        subprocess.run(
            [
                *chromium,
                "--hide-scrollbars",
                f"--window-size={width},1600",
                f"--screenshot={shot}",
                page.as_uri(),
            ],
            capture_output=True,
            timeout=180,
            check=True,
        )
        assert shot.stat().st_size > 10_000
    assert sorted(p.name for p in tmp_path.glob("page-*.png")) == ["page-01.png", "page-02.png"]


@pytest.mark.skipif(CHROMIUM is None or not shutil.which("chromedriver"), reason="needs chromium")
def test_nothing_is_wider_than_a_phone_screen(demo: dict[str, Any], tmp_path: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    page = tmp_path / "report.html"
    page.write_text(demo["html"], encoding="utf-8")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(shutil.which("chromedriver"))), options=options)
    try:
        metrics = {"width": 400, "height": 900, "deviceScaleFactor": 1, "mobile": True}
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        driver.get(page.as_uri())
        widths = driver.execute_script("return [innerWidth, document.documentElement.scrollWidth]")
        assert widths == [400, 400]
        script = (
            "return [...document.querySelectorAll('table, figure, p, li, h1, h2, h3')]"
            ".filter(e => !e.closest('.scroll'))"
            ".map(e => e.getBoundingClientRect())"
            ".map(box => [box.left, box.right])"
        )
        boxes = driver.execute_script(script)
        assert boxes and all(left >= 8 and right <= 392 for left, right in boxes)
    finally:
        driver.quit()
