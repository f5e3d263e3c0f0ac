"""Results never depend on the clock: the same repository gives the same bytes on any day.

The repository's commits carry fixed dates (GIT_COMMITTER_DATE); the "other day" is faked
in-process by moving `time.time` (which `date.today()` and zip member stamps read), so a
result that reads the clock differs between the two runs.
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.test_diff_command import BASE, add_rounds, edit, record, write

DAY = 86_400


@pytest.fixture
def dated(drafts_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Two versions committed in 2014, with a round of edits between them."""
    cli = Cli(drafts_repo)
    add_rounds(cli)
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2014-03-02T10:00:00+00:00")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2014-03-02T10:00:00+00:00")
    write(drafts_repo, BASE)
    record(cli, "evidence", "Base text")
    cli("tag", "v1")
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2014-04-05T23:30:00+00:00")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2014-04-05T23:30:00+00:00")
    edit(drafts_repo, "covers adults", "covers consenting adults")
    record(cli, "field", "Consent", why="Field reports")
    cli("tag", "v2")
    monkeypatch.delenv("GIT_AUTHOR_DATE")
    monkeypatch.delenv("GIT_COMMITTER_DATE")
    return cli


def _outputs(cli: Cli, tmp: Path) -> dict[str, bytes]:
    """Every generated output whose bytes could carry a date."""
    found = {
        "diff": cli("diff", "v1", "v2", "--format", "json").out.encode(),
        "report": cli("report", "v1", "v2", "--format", "json").out.encode(),
        "report-rounds": cli("report", "--format", "json").out.encode(),
        "markdown": cli("diff", "v1", "v2", "--format", "markdown").out.encode(),
        "html": cli("diff", "v1", "v2", "--format", "html").out.encode(),
    }
    for name, args in (
        ("redline.docx", ["diff", "v1", "v2", "--format", "docx"]),
        ("clean.docx", ["export", "v2", "--format", "docx"]),
    ):
        target = tmp / name
        target.unlink(missing_ok=True)
        cli(*args, "-o", str(target))
        found[name] = target.read_bytes()
    return found


def _on_another_day(monkeypatch: pytest.MonkeyPatch, days: int) -> None:
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + days * DAY)


def test_two_days_give_identical_bytes(
    dated: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    today = _outputs(dated, tmp_path)
    _on_another_day(monkeypatch, 400)
    later = _outputs(dated, tmp_path)
    assert [name for name in today if today[name] != later[name]] == []
    assert json.loads(today["report"])["generated"] == "2014-04-05"  # TO's committer date


def test_a_rounds_report_is_dated_by_head(dated: Cli) -> None:
    report = json.loads(dated("report", "--format", "json").out)
    assert report["generated"] == "2014-04-05"


def test_source_date_epoch_sets_the_stated_date(
    dated: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(20_000 * DAY))  # 2024-10-04
    report = json.loads(dated("report", "v1", "v2", "--format", "json").out)
    assert report["generated"] == "2024-10-04"
    target = tmp_path / "redline.docx"
    dated("diff", "v1", "v2", "--format", "docx", "-o", str(target))
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as package:
        core = package.read("docProps/core.xml").decode()
        stamps = {info.date_time for info in package.infolist()}
    assert "2024-10-04T00:00:00Z" in core
    assert stamps == {(1980, 1, 1, 0, 0, 0)}


def test_the_annotated_diff_is_dated_by_its_to_side(dated: Cli, drafts_repo: Path) -> None:
    from draftctl.consultation.workspace import open_workspace
    from draftctl.review.annotate import annotated_diff

    ws = open_workspace(drafts_repo)
    assert annotated_diff(ws, None, "v1", "v2").date == "2014-04-05"
    assert annotated_diff(ws, None, "v1", "v1").date == "2014-03-02"
    assert annotated_diff(ws, None, "v1", None).date == "2014-04-05"  # work tree: HEAD's date
