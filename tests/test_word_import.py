"""`draftctl import FILE.docx`: a reviewed Word file comes back as one attributed commit."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from draftctl.release.word_props import stamp_docx
from draftctl.sample.word_review import WordEditor
from tests.conftest import Cli, git
from tests.release_helpers import copied

DRAFT = """# Policy on migrant workers' rights

## Purpose

This policy sets out the *position* of the Organisation on migrant workers. See the
[report](https://example.org/report).

Workers must be able to report abuse without fear of deportation.

## Principles

- Everyone has the right to **safe** work.
- States must not punish workers for their status.
- Employers are accountable for abuse.

## Steps

1. Repeal exit bans.
2. Consult workers.

## Evidence

| Country | Finding |
|---|---|
| Kenya | Arrests rose in 2014 |
| Norway | Evictions rose |

## Scope

The policy applies to all adults.
"""

REVIEWED = """# Policy on migrant workers' rights

## Purpose

This policy sets out the *position* of the Organisation on migrant workers and
their families. See the [report](https://example.org/report).

## Principles

- Everyone has the right to **safe** work.
- States must not punish workers for their migration status.
- Employers are accountable for abuse.

## Steps

1. Repeal exit bans and sponsorship rules.
2. Consult workers.

## Evidence

| Country | Finding |
|---|---|
| Kenya | Arrests rose in 2014 |
| Norway | Evictions rose sharply |

## Scope

The policy applies to adults.

Workers must be able to report abuse without fear of deportation.
"""

AUTHORS = '\n[word-authors]\n"Jane Doe" = "kenya-office"\n'


def _build(base: Path) -> Path:
    Cli(base)("init", "repo", "--name", "Rights")
    repo = base / "repo"
    cli = Cli(repo)
    cli("stakeholder", "add", "kenya-office", "--name", "Kenya national office")
    cli("round", "add", "national", "--title", "National consultation")
    cli("round", "open", "national")
    cli("new", "policy", "--title", "Placeholder")
    (repo / "drafts" / "policy.md").write_text(DRAFT, encoding="utf-8")
    cli("commit", "--round", "national", "-m", "First full text")
    with (repo / "draftctl.toml").open("a", encoding="utf-8") as config:
        config.write(AUTHORS)
    git(repo, "commit", "-q", "-am", "Map Word authors to stakeholders")
    # A registry change afterwards keeps the table (the round trip below relies on it).
    cli("stakeholder", "add", "legal", "--name", "Legal advisers")
    cli("tag", "v1", "--status", "consultation")
    cli("export", "v1", "--format", "docx", "-o", str(base / "v1.docx"))
    return repo


@pytest.fixture
def repo(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copied("word-import", _build, tmp_path, tmp_path_factory)


def _export(repo: Path) -> bytes:
    target = repo.parent / "export.docx"
    Cli(repo)("export", "v1", "--format", "docx", "-o", str(target))
    return target.read_bytes()


def _reviewed_by_word(repo: Path) -> Path:
    """The v1 copy edited as Word writes a review: every kind of change the issue names."""
    editor = WordEditor(_export(repo))
    jane = "Jane Doe"
    editor.insert_after("This policy sets out", "on migrant workers", " and their families", jane)
    editor.delete("The policy applies", "all ", jane)
    editor.move_after("Workers must be able", "The policy applies", jane)
    editor.comment("Arrests rose", "Arrests rose in 2014", "Please cite the 2014 survey.", jane)
    editor.insert_after("Evictions rose", "Evictions rose", " sharply", jane)
    editor.insert_after("States must not punish", "their ", "migration ", jane)
    editor.untracked("Repeal exit bans.", "Repeal exit bans and sponsorship rules.")
    target = repo.parent / "kenya-review.docx"
    target.write_bytes(editor.save())
    return target


def _trailers(repo: Path, rev: str = "HEAD") -> list[str]:
    return git(repo, "log", "-1", "--format=%(trailers:only,unfold)", rev).strip().splitlines()


def _diff_changes(repo: Path, rev: str = "HEAD") -> list[dict[str, object]]:
    out = Cli(repo)("diff", "v1", rev, "--format", "json").out
    return json.loads(out)["changes"]


def _shape(change: dict[str, object]) -> tuple[str, str, str]:
    """A diff change as (kind, old, new), line breaks inside the words read as spaces."""
    old, new = str(change["old"]), str(change["new"])
    return str(change["kind"]), " ".join(old.split()), " ".join(new.split())


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_export_stamps_the_version_in_custom_properties(repo: Path) -> None:
    data = _export(repo)
    with zipfile.ZipFile(repo.parent / "export.docx") as package:
        custom = package.read("docProps/custom.xml").decode()
        types = package.read("[Content_Types].xml").decode()
    commit = git(repo, "rev-parse", "v1^{commit}").strip()
    digest = git(repo, "tag", "-l", "--format=%(contents)", "v1").split("Content-Digest: ")[1]
    assert data and f"<vt:lpwstr>{commit}</vt:lpwstr>" in custom
    assert f"<vt:lpwstr>{digest.split()[0]}</vt:lpwstr>" in custom
    assert 'name="Draftctl-Version"' in custom and "drafts/policy.md" in custom
    assert "/docProps/custom.xml" in types


def test_word_review_round_trip(repo: Path) -> None:
    review = _reviewed_by_word(repo)
    before = git(repo, "rev-parse", "HEAD").strip()
    result = Cli(repo)("import", str(review), "--round", "national")
    assert (repo / "drafts" / "policy.md").read_text(encoding="utf-8") == REVIEWED
    assert "untracked edit in Steps" in result.err
    # One commit for the text (with the trailers), then one for the feedback register.
    commits = git(repo, "rev-list", f"{before}..HEAD").split()
    assert len(commits) == 2
    text_commit = commits[1]
    assert git(repo, "show", "--format=", "--name-only", text_commit).split() == [
        "drafts/policy.md"
    ]
    trailers = _trailers(repo, text_commit)
    assert "Consultation-Round: national" in trailers
    assert "Prompted-By: kenya-office" in trailers
    assert "Untracked-Edits: 1" in trailers
    rationale = next(t for t in trailers if t.startswith("Rationale: "))
    assert "kenya-review.docx" in rationale and "3 insertions, 1 deletion, 1 move" in rationale
    message = git(repo, "log", "-1", "--format=%B", text_commit)
    assert "untracked replace in Steps" in message and "sponsorship rules" in message
    # The comment is a feedback item citing the text it was anchored to.
    items = json.loads(Cli(repo)("feedback", "list", "--json").out)
    assert [(i["id"], i["from"], i["round"], i["ref"]) for i in items] == [
        ("FB-0001", "kenya-office", "national", "kenya-review.docx comment 0")
    ]
    assert items[0]["summary"] == "Please cite the 2014 survey. (on “Arrests rose in 2014”)"
    # The annotated diff shows exactly those edits, each credited to the round and office.
    changes = _diff_changes(repo)
    assert sorted(_shape(c) for c in changes) == sorted(
        [
            ("insert", "", "and their families"),
            ("insert", "", "migration"),
            ("insert", "", "and sponsorship rules"),
            ("insert", "", "sharply"),
            ("delete", "all", ""),
            (
                "move",
                "Workers must be able to report abuse without fear of deportation.",
                "Workers must be able to report abuse without fear of deportation.",
            ),
        ]
    )
    for change in changes:
        assert [(a["commit"], a["round"], a["prompted_by"]) for a in change["attribution"]] == [
            (text_commit, "national", ["kenya-office"])
        ]


def test_refuses_a_file_that_matches_no_version(repo: Path) -> None:
    props = {
        "Draftctl-Commit": "1234567890abcdef1234567890abcdef12345678",
        "Draftctl-Content-Digest": "sha256:" + "0" * 64,
        "Draftctl-Draft": "drafts/policy.md",
    }
    stranger = repo.parent / "stranger.docx"
    stranger.write_bytes(stamp_docx(_export(repo), props))
    head = git(repo, "rev-parse", "HEAD")
    result = Cli(repo)("import", str(stranger), "--round", "national", ok=False)
    assert result.code == 1
    assert "error: stranger.docx matches no version of this repository" in result.err
    assert "--base REV" in result.err and "Traceback" not in result.err
    assert git(repo, "rev-parse", "HEAD") == head
    # A file draftctl did not make needs its base named; with it, it imports.
    editor = WordEditor(stamp_docx(_export(repo), {}))
    editor.insert_after("Consult workers", "Consult", " and pay", "Legal Team")
    plain = repo.parent / "plain.docx"
    plain.write_bytes(editor.save())
    refused = Cli(repo)("import", str(plain), "--round", "national", "--from", "legal", ok=False)
    assert "was not exported by draftctl" in refused.err and "--base REV" in refused.err
    Cli(repo)("import", str(plain), "--round", "national", "--from", "legal", "--base", "v1")
    assert "2. Consult and pay workers." in (repo / "drafts" / "policy.md").read_text()
    assert "Prompted-By: legal" in _trailers(repo)


def test_conflict_leaves_the_repository_byte_identical(repo: Path) -> None:
    review = _reviewed_by_word(repo)
    policy = repo / "drafts" / "policy.md"
    policy.write_text(DRAFT.replace("all adults.", "all adult workers."), encoding="utf-8")
    Cli(repo)("commit", "--round", "national", "--by", "legal", "-m", "Narrow the scope")
    before = _snapshot(repo)
    result = Cli(repo)("import", str(review), "--round", "national", ok=False)
    assert result.code == 1
    assert (
        "1 change in the review conflicts with edits made to drafts/policy.md since v1"
        in result.err
    )
    assert _snapshot(repo) == before
    report = (repo.parent / "kenya-review.import-report.md").read_text(encoding="utf-8")
    assert "## 1. Policy on migrant workers' rights › Scope" in report
    assert "> The policy applies to all adult workers." in report
    assert "> The policy applies to adults." in report


def test_refuses_when_the_draft_has_uncommitted_text(repo: Path) -> None:
    review = _reviewed_by_word(repo)
    policy = repo / "drafts" / "policy.md"
    policy.write_text(DRAFT + "\nA sentence not yet recorded.\n", encoding="utf-8")
    before = _snapshot(repo)
    result = Cli(repo)("import", str(review), "--round", "national", ok=False)
    assert result.code == 1 and "drafts/policy.md has uncommitted changes" in result.err
    assert _snapshot(repo) == before


def test_draft_moved_on_elsewhere_merges_block_by_block(repo: Path) -> None:
    review = _reviewed_by_word(repo)
    policy = repo / "drafts" / "policy.md"
    policy.write_text(DRAFT.replace("2. Consult workers.", "2. Consult workers' groups."))
    Cli(repo)("commit", "--round", "national", "--by", "legal", "-m", "Name the groups")
    writer = git(repo, "rev-parse", "HEAD").strip()
    result = Cli(repo)("import", str(review), "--round", "national")
    assert "applied on top of edits made since v1" in result.err
    assert policy.read_text() == REVIEWED.replace(
        "2. Consult workers.", "2. Consult workers' groups."
    )
    by_commit = {(c["kind"], c["new"]): c["attribution"][0]["commit"] for c in _diff_changes(repo)}
    assert by_commit[("insert", "' groups")] == writer
    assert by_commit[("insert", "sharply")] == git(repo, "rev-parse", "HEAD~1").strip()


# -- LibreOffice ---------------------------------------------------------------------------

_INFO = (
    "<office:change-info><dc:creator>Amina Otieno</dc:creator>"
    "<dc:date>2026-11-02T09:30:00</dc:date></office:change-info>"
)


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def _convert(soffice: str, source: Path, fmt: str, work: Path) -> Path:
    profile = (work / "lo-profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(work / fmt.split(":")[0]),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return work / fmt.split(":")[0] / f"{source.stem}.{fmt.split(':')[0]}"


def _record_changes_in_odt(odt: Path, target: Path) -> None:
    """Tracked changes as LibreOffice stores them: changed regions and change marks."""
    with zipfile.ZipFile(odt) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    content = parts["content.xml"].decode("utf-8")
    regions = (
        '<text:tracked-changes text:track-changes="true">'
        f'<text:changed-region xml:id="ct1" text:id="ct1"><text:insertion>{_INFO}'
        "</text:insertion></text:changed-region>"
        f'<text:changed-region xml:id="ct2" text:id="ct2"><text:deletion>{_INFO}'
        "<text:p>all </text:p></text:deletion></text:changed-region></text:tracked-changes>"
    )
    content = re.sub(
        r"(<office:text(?: [^>]*)?>)", lambda m: m.group(1) + regions, content, count=1
    )
    content = content.replace(
        "on migrant workers.",
        'on migrant workers<text:change-start text:change-id="ct1"/> and their families'
        '<text:change-end text:change-id="ct1"/>.',
        1,
    )
    content = content.replace(
        "applies to all adults", 'applies to <text:change text:change-id="ct2"/>adults', 1
    )
    note = (
        '<office:annotation office:name="c1"><dc:creator>Amina Otieno</dc:creator>'
        "<text:p>Please cite the survey.</text:p></office:annotation>"
    )
    content = content.replace(
        "Arrests rose in 2014",
        note + 'Arrests rose in 2014<office:annotation-end office:name="c1"/>',
        1,
    )
    assert (
        content.count("text:change-id") == 3
        and "ct2" in content
        and "office:annotation-end" in content
    )
    parts["content.xml"] = content.encode("utf-8")
    with zipfile.ZipFile(target, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), parts.pop("mimetype"))
        for name, data in parts.items():
            package.writestr(name, data, zipfile.ZIP_DEFLATED)


@pytest.mark.libreoffice
def test_tracked_changes_made_by_libreoffice(repo: Path, tmp_path: Path) -> None:
    soffice = _soffice()
    exported = repo.parent / "v1-copy.docx"
    exported.write_bytes(_export(repo))
    odt = _convert(soffice, exported, "odt", tmp_path)
    edited = tmp_path / "amina-review.odt"
    _record_changes_in_odt(odt, edited)
    returned = _convert(soffice, edited, "docx:MS Word 2007 XML", tmp_path)
    assert b'w:author="Amina Otieno"' in zipfile.ZipFile(returned).read("word/document.xml")
    result = Cli(repo)("import", str(returned), "--round", "national", "--from", "kenya-office")
    expected = DRAFT.replace(
        "on migrant workers. See the\n[report](https://example.org/report).",
        "on migrant workers and\ntheir families. See the [report](https://example.org/report).",
    ).replace("all adults", "adults")
    assert (repo / "drafts" / "policy.md").read_text(encoding="utf-8") == expected
    assert "untracked" not in result.err
    trailers = _trailers(repo, "HEAD~1")
    assert "Prompted-By: kenya-office" in trailers and "Consultation-Round: national" in trailers
    assert not any(t.startswith("Untracked-Edits") for t in trailers)
    items = json.loads(Cli(repo)("feedback", "list", "--json").out)
    assert items[0]["summary"] == "Please cite the survey. (on “Arrests rose in 2014”)"
    assert sorted(_shape(c) for c in _diff_changes(repo)) == [
        ("delete", "all", ""),
        ("insert", "", "and their families"),
    ]


# -- starting a draft from an existing Word policy -----------------------------------------

AS_NEW = """# Policy on housing rights

## Purpose

The Organisation **opposes** forced *evictions*. See the [guidance](https://example.org/guide).[^1]

## Steps

- Stop evictions.
- Provide shelter.

1. Consult residents.
2. Publish plans.

| Country | Finding |
|---|---|
| Kenya | Evictions rose |

[^1]: UN Doc A/HRC/4/18.
"""

_FOOTNOTES = (
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:id="1"><w:p><w:r><w:t>UN Doc A/HRC/4/18.</w:t></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


def _word_policy(target: Path) -> None:
    """A policy as an organisation keeps it in Word: styles, lists, a table, a footnote."""
    from docx import Document

    from draftctl.render.docx import add_hyperlink

    doc = Document()
    doc.add_heading("Policy on housing rights", level=0)
    doc.add_heading("Purpose", level=1)
    para = doc.add_paragraph("The Organisation ")
    para.add_run("opposes").bold = True
    para.add_run(" forced ")
    para.add_run("evictions").italic = True
    para.add_run(". See the ")
    link = add_hyperlink(para, "https://example.org/guide")
    link.append(para.add_run("guidance")._r)
    para.add_run(".FOOTNOTE")
    doc.add_heading("Steps", level=1)
    doc.add_paragraph("Stop evictions.", style="List Bullet")
    doc.add_paragraph("Provide shelter.", style="List Bullet")
    doc.add_paragraph("Consult residents.", style="List Number")
    doc.add_paragraph("Publish plans.", style="List Number")
    table = doc.add_table(rows=2, cols=2)
    for row, cells in enumerate([("Country", "Finding"), ("Kenya", "Evictions rose")]):
        for col, text in enumerate(cells):
            table.cell(row, col).text = text
    doc.save(str(target))
    _add_footnote(target)


def _add_footnote(target: Path) -> None:
    with zipfile.ZipFile(target) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    reference = '</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r><w:r><w:t>'
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"FOOTNOTE", reference.encode())
    parts["word/footnotes.xml"] = _FOOTNOTES.encode()
    rels = parts["word/_rels/document.xml.rels"].decode()
    rel = (
        '<Relationship Id="rIdNotes" Target="footnotes.xml" Type="http://schemas.openxmlformats'
        '.org/officeDocument/2006/relationships/footnotes"/>'
    )
    parts["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>", rel + "</Relationships>"
    ).encode()
    types = parts["[Content_Types].xml"].decode()
    override = (
        '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.footnotes+xml"/>'
    )
    parts["[Content_Types].xml"] = types.replace("</Types>", override + "</Types>").encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)


def test_as_new_starts_a_draft_from_a_word_policy(repo: Path) -> None:
    source = repo.parent / "housing.docx"
    _word_policy(source)
    result = Cli(repo)("import", str(source), "--as-new", "housing")
    assert "started drafts/housing.md from housing.docx" in result.err
    assert (repo / "drafts" / "housing.md").read_text(encoding="utf-8") == AS_NEW
    assert "Draftctl-Action: new" in _trailers(repo)
    assert git(repo, "status", "--porcelain") == ""
    again = Cli(repo)("import", str(source), "--as-new", "housing", ok=False)
    assert again.code == 1 and "already exists" in again.err


def test_demo_imports_the_norwegian_office_return(tmp_path: Path) -> None:
    from draftctl.sample.demo import build_demo, sample_dir

    ws = build_demo(tmp_path / "demo")
    repo = ws.top
    commit = git(repo, "log", "--format=%H", "--grep=Let national offices judge").strip()
    trailers = _trailers(repo, commit)
    assert "Prompted-By: office-norway" in trailers and "Feedback: FB-0023" in trailers
    assert any("office-norway-scope-review.docx" in t for t in trailers if "Rationale" in t)
    state = (sample_dir() / "states" / "22-national-office-discretion.md").read_text()
    assert git(repo, "show", f"{commit}:drafts/policy.md") == state
    assert (repo / ".git" / "draftctl" / "returns" / "office-norway-scope-review.docx").is_file()
    report = json.loads(Cli(repo)("report", "--format", "json").out)
    items = {f["id"]: f for part in report["rounds"] for f in part["feedback"]}
    assert items["FB-0026"]["from"] == "office-norway"
    assert "(on “The policy does not take a position" in items["FB-0026"]["summary"]
