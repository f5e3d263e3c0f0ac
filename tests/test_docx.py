"""Word output: the clean copy's styles, lists and TOC, and the redline's tracked changes."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from draftctl.consultation.config import Config, Round, Stakeholder
from draftctl.release.export import CleanCopy, TitlePage, parse_body
from draftctl.render.docx import render_clean_docx, render_docx, split_paragraphs, word_date
from draftctl.review.result import (
    AnnotatedChange,
    AnnotatedDiff,
    Credit,
    Piece,
    ShownBlock,
    compute_stats,
)
from tests.conftest import Cli

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
EVIDENCE = "Evidence review"
NATIONAL = "Consultation by national offices"

DRAFT = """# Policy on sex work

## Purpose

Text with **bold**, *italic*, `code` and a [link](https://example.org).

## Scope

### Who

- first bullet
- second bullet
  - nested bullet

1. one
2. two

Between the lists.

3. three restarts at three
4. four

> A quoted submission.

| Round | Year |
|---|---|
| Evidence | 2014 |
"""


def _xml(data: bytes, part: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(part))


def _attr(element: etree._Element, name: str) -> str:
    return element.get(f"{{{W}}}{name}") or ""


def _clean_copy() -> CleanCopy:
    title, body, tokens, headings = parse_body(DRAFT)
    page = TitlePage(
        "Rights policy",
        title or "",
        "drafts/policy.md",
        "icm-2015",
        version="icm-2015",
        commit="c" * 40,
        status="submitted",
        outcome="adopted on 2015-08-11",
        meeting="ICM, Dublin",
        digest="sha256:" + "d" * 64,
        date="2015-07-27T10:00:00+01:00",
    )
    return CleanCopy(page, body, tokens, headings)


# -- the clean copy --------------------------------------------------------------------------


def test_clean_copy_uses_words_own_styles() -> None:
    document = docx.Document(io.BytesIO(render_clean_docx(_clean_copy())))
    styled = [(p.style.name if p.style else "", p.text) for p in document.paragraphs if p.text]
    assert ("Title", "Policy on sex work") in styled
    assert ("Heading 1", "Purpose") in styled and ("Heading 2", "Who") in styled
    assert ("List Bullet", "first bullet") in styled
    assert ("List Bullet 2", "nested bullet") in styled
    assert ("List Number", "one") in styled and ("List Number", "three restarts at three") in styled
    assert ("Quote", "A quoted submission.") in styled
    assert ("TOC 1", "Purpose") in styled and ("TOC 2", "Who") in styled
    facts = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert ["Content-Digest", "sha256:" + "d" * 64] in facts
    assert ["Status", "submitted — adopted on 2015-08-11"] in facts
    assert [c.text for c in document.tables[1].rows[1].cells] == ["Evidence", "2014"]
    assert document.core_properties.title == "Policy on sex work"
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_clean_copy_inline_formatting_and_links() -> None:
    data = render_clean_docx(_clean_copy())
    document = docx.Document(io.BytesIO(data))
    runs = next(p for p in document.paragraphs if p.text.startswith("Text with")).runs
    assert any(r.bold and r.text == "bold" for r in runs)
    assert any(r.italic and r.text == "italic" for r in runs)
    assert any(r.font.name == "Consolas" and r.text == "code" for r in runs)
    link = _xml(data).find(".//w:hyperlink[@r:id]", {**NS, "r": _R})
    assert link is not None and "".join(link.itertext()) == "link"
    assert (
        "https://example.org"
        in zipfile.ZipFile(io.BytesIO(data)).read("word/_rels/document.xml.rels").decode()
    )


_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def test_clean_copy_toc_field_links_to_heading_bookmarks() -> None:
    root = _xml(render_clean_docx(_clean_copy()))
    instructions = [t.text for t in root.iter(f"{{{W}}}instrText")]
    assert any('TOC \\o "1-3" \\h \\z \\u' in (text or "") for text in instructions)
    anchors = {_attr(h, "anchor") for h in root.iter(f"{{{W}}}hyperlink") if _attr(h, "anchor")}
    bookmarks = {_attr(b, "name") for b in root.iter(f"{{{W}}}bookmarkStart")}
    assert anchors and anchors <= bookmarks
    footer = _xml(render_clean_docx(_clean_copy()), "word/footer1.xml")
    assert any("PAGE" in (t.text or "") for t in footer.iter(f"{{{W}}}instrText"))


def test_clean_copy_numbered_lists_restart() -> None:
    data = render_clean_docx(_clean_copy())
    root = _xml(data)
    numbering = _xml(data, "word/numbering.xml")
    ids = []
    for paragraph in root.iter(f"{{{W}}}p"):
        style = paragraph.find("w:pPr/w:pStyle", NS)
        num = paragraph.find("w:pPr/w:numPr/w:numId", NS)
        if style is not None and _attr(style, "val") == "ListNumber" and num is not None:
            ids.append(_attr(num, "val"))
    assert len(ids) == 4 and ids[0] == ids[1] and ids[2] == ids[3] and ids[0] != ids[2]
    starts = {
        _attr(num, "numId"): _attr(num.find(".//w:startOverride", NS), "val")
        for num in numbering.findall("w:num", NS)
        if num.find(".//w:startOverride", NS) is not None
    }
    assert starts[ids[0]] == "1" and starts[ids[2]] == "3"


# -- the redline -----------------------------------------------------------------------------


def _config() -> Config:
    people = {
        "who": Stakeholder("who", "World Health Organization"),
        "unaids": Stakeholder("unaids", "UNAIDS"),
        "swl": Stakeholder("swl", "Sex worker-led groups"),
    }
    rounds = {
        "evidence": Round("evidence", "Evidence review", "closed", stakeholders=("who", "unaids")),
        "national": Round(
            "national", "Consultation by national offices", "closed", stakeholders=("swl",)
        ),
    }
    return Config("Sex work policy", rounds=rounds, stakeholders=people)


def _diff() -> AnnotatedDiff:
    first = Credit(
        "c1", "a" * 40, "evidence", ("who", "unaids"), "WHO 2012 guidance", "Ann",
        "2014-02-03T10:00:00+01:00", "Cite WHO 2012",
    )  # fmt: skip
    second = Credit(
        "c2", "b" * 40, "national", ("swl",), "Labour protections", "Ben",
        "2015-03-04T09:30:00-05:00", "Add labour rights",
    )  # fmt: skip
    purpose, crimes = ("Policy", "Purpose"), ("Policy", "Crimes")
    blocks = [
        ShownBlock("heading", ("Policy",), [Piece("equal", "# Policy on sex work\n")], level=1),
        ShownBlock("heading", ("Policy", "Purpose"), [Piece("equal", "## Purpose\n")], level=2),
        ShownBlock(
            "paragraph",
            ("Policy", "Purpose"),
            [
                Piece("equal", "States have duties\n"),
                Piece("delete", "towards", 1, "c1"),
                Piece("insert", "to respect the rights of", 1, "c1"),
                Piece("equal", " sex workers, to guide research"),
                Piece("insert", ", advocacy and campaigning", 2, "c2"),
                Piece("equal", ".\n"),
            ],
        ),
        ShownBlock("paragraph", purpose, [Piece("insert", "A new paragraph.\n", 3, "c1")]),
        ShownBlock("paragraph", purpose, [Piece("delete", "An old paragraph.\n", 4, "c2")]),
        ShownBlock("heading", ("Policy", "Scope"), [Piece("equal", "## Scope\n")], level=2),
        ShownBlock(
            "paragraph", ("Policy", "Scope"), [Piece("equal", "Trafficking remains a crime.\n")],
            move="from", change=5,
        ),
        ShownBlock("item", ("Policy", "Scope"), [Piece("equal", "1. First.\n")]),
        ShownBlock(
            "item",
            ("Policy", "Scope"),
            [
                Piece("equal", "2. Second "),
                Piece("insert", "and better ", 6, "c2"),
                Piece("equal", "one.\n"),
            ],
        ),
        ShownBlock("heading", crimes, [Piece("insert", "## Crimes\n", 7, "c1")], level=2),
        ShownBlock(
            "paragraph",
            ("Policy", "Crimes"),
            [
                Piece("equal", "Trafficking remains a "),
                Piece("insert", "serious ", 5, "c2"),
                Piece("equal", "crime.\n"),
            ],
            move="to",
            change=5,
        ),
    ]  # fmt: skip
    changes = [
        AnnotatedChange(1, "replace", ("Policy", "Purpose"), "towards", "to respect", ["c1"]),
        AnnotatedChange(2, "insert", ("Policy", "Purpose"), "", ", advocacy", ["c2"]),
        AnnotatedChange(3, "insert", ("Policy", "Purpose"), "", "A new paragraph.", ["c1"]),
        AnnotatedChange(4, "delete", ("Policy", "Purpose"), "An old paragraph.", "", ["c2"]),
        AnnotatedChange(
            5,
            "move",
            ("Policy", "Crimes"),
            "Trafficking",
            "Trafficking",
            ["c2"],
            section_from=("Policy", "Scope"),
        ),
        AnnotatedChange(6, "insert", ("Policy", "Scope"), "", "and better", ["c2"]),
        AnnotatedChange(7, "insert", ("Policy", "Crimes"), "", "Crimes", ["c1"]),
    ]
    credits = {"c1": first, "c2": second}
    return AnnotatedDiff(
        "drafts/policy.md", "v0.1", "1" * 40, "icm-2015", "2" * 40, blocks, changes, credits,
        stats=compute_stats(blocks, credits),
    )  # fmt: skip


def _paragraphs(root: etree._Element, keep: str) -> list[str]:
    """The body's paragraphs after accepting (keep='new') or rejecting (keep='old') all changes."""
    gone_mark = ("del", "moveFrom") if keep == "new" else ("ins", "moveTo")
    gone_text = {f"{{{W}}}{t}" for t in gone_mark}
    out = []
    for paragraph in root.find("w:body", NS).iter(f"{{{W}}}p"):
        mark = paragraph.find("w:pPr/w:rPr", NS)
        texts = []
        for node in paragraph.iter(f"{{{W}}}t", f"{{{W}}}delText"):
            if not any(a.tag in gone_text for a in node.iterancestors()):
                texts.append(node.text or "")
        if mark is not None and any(child.tag in gone_text for child in mark):
            continue
        out.append("".join(texts))
    return [text for text in out if text]


def test_redline_accepts_to_the_new_text_and_rejects_to_the_old() -> None:
    root = _xml(render_docx(_diff(), _config()))
    body = _paragraphs(root, "new")
    start = body.index("Policy on sex work")
    assert body[start:] == [
        "Policy on sex work",
        "Purpose",
        "States have duties to respect the rights of sex workers, to guide research, advocacy "
        "and campaigning.",
        "A new paragraph.",
        "Scope",
        "First.",
        "Second and better one.",
        "Crimes",
        "Trafficking remains a serious crime.",
    ]
    old = _paragraphs(root, "old")
    assert old[old.index("Policy on sex work") :] == [
        "Policy on sex work",
        "Purpose",
        "States have duties towards sex workers, to guide research.",
        "An old paragraph.",
        "Scope",
        "Trafficking remains a crime.",
        "First.",
        "Second one.",
    ]


def test_redline_authors_are_rounds_and_dates_are_utc() -> None:
    root = _xml(render_docx(_diff(), _config()))
    inserted = root.findall(".//w:ins", NS)
    deleted = root.findall(".//w:del", NS)
    assert {_attr(m, "author") for m in inserted} == {EVIDENCE, NATIONAL}
    assert {_attr(m, "date") for m in inserted} == {"2014-02-03T09:00:00Z", "2015-03-04T14:30:00Z"}
    assert all(m.find("w:r/w:delText", NS) is not None for m in deleted if len(m))
    ids = [_attr(m, "id") for m in root.iter() if m.tag in (f"{{{W}}}ins", f"{{{W}}}del")]
    assert len(ids) == len(set(ids))
    settings = _xml(render_docx(_diff(), _config()), "word/settings.xml")
    assert settings.find("w:trackRevisions", NS) is not None


def test_redline_author_is_the_round_title_only() -> None:
    config = _config()
    long_title = "A consultation round " + "with a very long title " * 5
    item = config.rounds["evidence"]
    config = config.replace(rounds={**config.rounds, "evidence": item.replace(title=long_title)})
    root = _xml(render_docx(_diff(), config))
    authors = {_attr(m, "author") for m in root.iter(f"{{{W}}}ins", f"{{{W}}}del")}
    assert NATIONAL in authors
    assert all(len(a) <= 60 for a in authors), authors
    assert not any("Sex worker-led groups" in a or "UNAIDS" in a for a in authors)


@pytest.mark.parametrize("language", ["en-GB", "fr-CA"])
def test_word_documents_carry_the_language_and_update_fields(language: str) -> None:
    redline = render_docx(_diff(), _config().replace(language=language))
    copy = _clean_copy()
    copy.page.language = language
    for data in (redline, render_clean_docx(copy)):
        styles = _xml(data, "word/styles.xml")
        lang = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
        assert lang is not None and _attr(lang, "val") == language
        settings = _xml(data, "word/settings.xml")
        update = settings.find("w:updateFields", NS)
        assert update is not None and _attr(update, "val") == "true"
        names = [child.tag.split("}")[1] for child in settings]
        assert names.index("updateFields") < names.index("compat"), "schema order"


def test_redline_moves_are_paired_ranges() -> None:
    root = _xml(render_docx(_diff(), _config()))
    start_from = root.find(".//w:moveFromRangeStart", NS)
    start_to = root.find(".//w:moveToRangeStart", NS)
    assert start_from is not None and start_to is not None
    assert _attr(start_from, "name") == _attr(start_to, "name") == "move5"
    assert _attr(start_from, "author") == NATIONAL
    for side in ("From", "To"):
        begin = root.find(f".//w:move{side}RangeStart", NS)
        end = root.find(f".//w:move{side}RangeEnd", NS)
        assert begin is not None and end is not None and _attr(begin, "id") == _attr(end, "id")
    moved = root.find(".//w:moveTo[w:r]", NS)
    assert moved is not None and "".join(moved.itertext()) == "Trafficking remains a "


def test_redline_rationale_is_a_comment_anchored_on_the_change() -> None:
    data = render_docx(_diff(), _config())
    root, comments = _xml(data), _xml(data, "word/comments.xml")
    by_id = {_attr(c, "id"): c for c in comments.findall("w:comment", NS)}
    texts = {
        key: "\n".join(p.xpath("string()") for p in c.findall("w:p", NS))
        for key, c in by_id.items()
    }
    first = next(key for key, text in texts.items() if "WHO 2012 guidance" in text)
    assert _attr(by_id[first], "author") == EVIDENCE
    assert "Prompted by: World Health Organization, UNAIDS" in texts[first]
    assert "aaaaaaaa · 2014-02-03 · Cite WHO 2012" in texts[first]
    starts = {_attr(e, "id") for e in root.iter(f"{{{W}}}commentRangeStart")}
    ends = {_attr(e, "id") for e in root.iter(f"{{{W}}}commentRangeEnd")}
    refs = {_attr(e, "id") for e in root.iter(f"{{{W}}}commentReference")}
    assert starts == ends == refs == set(by_id)
    start = next(e for e in root.iter(f"{{{W}}}commentRangeStart") if _attr(e, "id") == first)
    assert start.getnext().tag == f"{{{W}}}del"  # the change it comments on follows
    moves = [t for t in texts.values() if "Moved" in t]
    assert any("Moved to: Policy › Crimes" in t for t in moves)
    assert any("Moved from: Policy › Scope" in t for t in moves)


def test_paragraph_marks_of_whole_paragraphs_are_tracked() -> None:
    root = _xml(render_docx(_diff(), _config()))
    marks = {}
    for paragraph in root.iter(f"{{{W}}}p"):
        rpr = paragraph.find("w:pPr/w:rPr", NS)
        if rpr is not None and len(rpr):
            marks["".join(paragraph.itertext())] = etree.QName(rpr[0]).localname
    assert marks["A new paragraph."] == "ins"
    assert marks["An old paragraph."] == "del"
    assert marks["Crimes"] == "ins"
    assert marks["Trafficking remains a crime."] == "moveFrom"


def test_a_change_across_paragraphs_is_split_into_word_paragraphs() -> None:
    block = ShownBlock(
        "heading",
        ("T",),
        [
            Piece("equal", "# "),
            Piece("delete", "Old title", 1, "c1"),
            Piece("insert", "New title\n\n*A subtitle*\n\n- an item", 1, "c1"),
            Piece("equal", "\n"),
        ],
        level=1,
    )
    paras = split_paragraphs(block)
    assert [(p.kind, [t for _, t in p.parts]) for p in paras] == [
        ("heading", ["", "Old title", "New title"]),
        ("paragraph", ["A subtitle"]),
        ("item", ["an item", ""]),
    ]
    assert [p.break_piece.op if p.break_piece else None for p in paras] == [
        "insert",
        "insert",
        None,
    ]


def test_word_dates() -> None:
    assert word_date("2015-08-07T12:00:00+01:00") == "2015-08-07T11:00:00Z"
    assert word_date("2015-08-07T12:00:00Z") == "2015-08-07T12:00:00Z"
    assert word_date(None) is None and word_date("yesterday") is None


# -- end to end and through LibreOffice ------------------------------------------------------


@pytest.fixture
def history(drafts_repo: Path) -> Path:
    cli = Cli(drafts_repo)
    path = drafts_repo / "drafts" / "policy.md"
    cli("tag", "v1")
    path.write_text(path.read_text().replace("State what", "Say plainly what"))
    cli("commit", "--round", "evidence", "--by", "who", "-m", "Plainer", "--why", "WHO asked")
    return drafts_repo


def test_diff_command_writes_the_redline(history: Path) -> None:
    target = history.parent / "redline.docx"
    Cli(history)("diff", "v1", "HEAD", "--format", "docx", "-o", str(target))
    data = target.read_bytes()
    root, comments = _xml(data), _xml(data, "word/comments.xml")
    authors = {_attr(m, "author") for m in root.iter(f"{{{W}}}ins", f"{{{W}}}del")}
    assert authors == {"Evidence review"}
    said = "".join(comments.itertext())
    assert "Rationale: WHO asked" in said and "Prompted by: World Health Organization" in said
    inserted = "".join("".join(m.itertext()) for m in root.iter(f"{{{W}}}ins"))
    assert "Say plainly" in inserted


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def _to_pdf_text(soffice: str, files: list[Path], work: Path) -> dict[str, str]:
    profile = (work / "lo-profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(work), *map(str, files)],
        capture_output=True, timeout=240, check=True,
    )  # fmt: skip
    texts = {}
    for file in files:
        pdf = work / f"{file.stem}.pdf"
        done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True)
        texts[file.stem] = " ".join(done.stdout.split())
    return texts


@pytest.mark.libreoffice
def test_libreoffice_renders_both_documents(tmp_path: Path) -> None:
    soffice = _soffice()
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    clean, redline = tmp_path / "clean.docx", tmp_path / "redline.docx"
    clean.write_bytes(render_clean_docx(_clean_copy()))
    redline.write_bytes(render_docx(_diff(), _config()))
    texts = _to_pdf_text(soffice, [clean, redline], tmp_path)
    assert "Policy on sex work" in texts["clean"] and "Contents" in texts["clean"]
    assert "sha256:" in texts["clean"] and "A quoted submission." in texts["clean"]
    assert "three restarts at three" in texts["clean"]
    red = texts["redline"]
    assert "towards" in red and "to respect the rights of" in red  # both sides are shown
    assert "An old paragraph." in red and "A new paragraph." in red
    assert "Trafficking remains a serious crime." in red


def test_table_rows_become_a_word_table_with_tracked_rows() -> None:
    rows = ShownBlock(
        "row",
        ("T",),
        [Piece("equal", "| Round | Period |\n|---|---|\n| Evidence | 2014 |\n")],
    )
    added = ShownBlock("row", ("T",), [Piece("insert", "| Final \\| review | 2015 |\n", 1, "c1")])
    result = _diff()
    result.blocks = [*result.blocks[:2], rows, added]
    root = _xml(render_docx(result, _config()))
    table = root.findall(".//w:body/w:tbl", NS)[-1]
    cells = [
        ["".join(c.itertext()) for c in tr.findall("w:tc", NS)] for tr in table.findall("w:tr", NS)
    ]
    assert cells == [["Round", "Period"], ["Evidence", "2014"], ["Final | review", "2015"]]
    last = table.findall("w:tr", NS)[-1]
    assert _attr(last.find("w:trPr/w:ins", NS), "author") == EVIDENCE
    assert table.find("w:tr/w:tc/w:p/w:r/w:rPr/w:b", NS) is not None  # header row in bold


def test_a_paragraph_wholly_in_emphasis_is_italic_without_its_markers() -> None:
    block = ShownBlock(
        "paragraph",
        ("T",),
        [
            Piece("equal", "*Draft "),
            Piece("insert", "for decision", 1, "c1"),
            Piece("equal", ".*\n"),
        ],
    )
    (para,) = split_paragraphs(block)
    assert para.italic and [t for _, t in para.parts] == ["Draft ", "for decision", "."]


def test_redline_cover_lists_rounds_apart_from_who_was_consulted() -> None:
    root = _xml(render_docx(_diff(), _config()))
    table = root.find(".//w:tbl", NS)
    assert table is not None
    rows = [
        ["".join(c.itertext()) for c in row.findall("w:tc", NS)]
        for row in table.findall("w:tr", NS)
    ]
    assert rows[0] == ["Round", "Consulted", "Added", "Removed"]
    assert [row[0] for row in rows[1:]] == ["Evidence review", "Consultation by national offices"]
    assert "UNAIDS" in rows[1][1]
