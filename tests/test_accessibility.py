"""The pages draftctl publishes, checked by axe-core in headless Chromium, and looked at: the
redline at 1280 px and 400 px and printed on A4.

axe-core comes from npm (`npm install --prefix tests/a11y`, as .ci/run does); DRAFTCTL_SHOTS
names a folder to keep the screenshots and PDFs in for a person to look at."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser_tools import (
    axe_violations,
    chromium,
    full_screenshot,
    needs_chromium,
    print_pdf,
    set_width,
)
from tests.conftest import Cli

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """The demo repository's redline, consultation report and clean export as HTML files."""
    from draftctl.sample.demo import build_demo

    folder = tmp_path_factory.mktemp("pages")
    home = tmp_path_factory.mktemp("home")
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Test Writer\n\temail = writer@example.org\n[commit]\n\tgpgSign = false\n"
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        ws = build_demo(folder / "demo")
        cli = Cli(ws.top)
        out = {name: folder / f"{name}.html" for name in ("redline", "report", "export")}
        cli("diff", "v0.1-internal", "icm-2015", "--format", "html", "-o", str(out["redline"]))
        cli("report", "--format", "html", "-o", str(out["report"]))
        cli("export", "icm-2015", "--format", "html", "-o", str(out["export"]))
        yield out


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as driver:
        yield driver


@pytest.mark.parametrize("name", ["redline", "report", "export"])
def test_no_serious_or_critical_axe_violations(
    browser: object, pages: dict[str, Path], name: str
) -> None:
    browser.get(pages[name].as_uri())  # type: ignore[attr-defined]
    for width in (1280, 400):
        set_width(browser, width)
        problems = axe_violations(browser)
        assert not problems, f"{name} at {width} px:\n" + "\n".join(problems)


def test_redline_screenshots_and_a4_pdf(
    browser: object, pages: dict[str, Path], tmp_path: Path
) -> None:
    driver: object = browser
    driver.get(pages["redline"].as_uri())  # type: ignore[attr-defined]
    for width in (1280, 400):
        set_width(driver, width)
        wide = driver.execute_script(  # type: ignore[attr-defined]
            "return document.documentElement.scrollWidth"
        )
        assert wide <= width, f"the page scrolls sideways at {width} px ({wide} px wide)"
        full_screenshot(driver, tmp_path / f"redline-{width}.png")
        assert (tmp_path / f"redline-{width}.png").stat().st_size > 50_000
    set_width(driver, 1280)
    pdf = tmp_path / "redline.pdf"
    print_pdf(driver, pdf)
    data = pdf.read_bytes()
    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data))
    assert boxes and all(
        abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5 for w, h in boxes
    ), boxes
    keep = os.environ.get("DRAFTCTL_SHOTS")
    if keep:
        for file in tmp_path.iterdir():
            shutil.copy(file, Path(keep) / file.name)


def test_redline_prints_running_header_and_page_numbers(
    browser: object, pages: dict[str, Path], tmp_path: Path
) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("needs pdftotext (poppler-utils)")
    import subprocess

    browser.get(pages["redline"].as_uri())  # type: ignore[attr-defined]
    pdf = tmp_path / "redline.pdf"
    print_pdf(browser, pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages_text = text.split("\f")[:-1]
    assert len(pages_text) > 3
    for number, page in enumerate(pages_text, 1):
        assert "v0.1-internal → icm-2015" in page, f"page {number} has no running header"
        assert f"Page {number} of {len(pages_text)}" in page
    assert "…" not in pages_text[0].split("Consultation rounds".upper())[-1][:2000]
