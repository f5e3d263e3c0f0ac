"""Headless Chromium for the browser tests, and axe-core run inside it."""

from __future__ import annotations

import base64
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
DRIVER = Path("/usr/bin/chromedriver")
AXE = Path(
    os.environ.get(
        "DRAFTCTL_AXE",
        Path(__file__).parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js",
    )
)
needs_chromium = pytest.mark.skipif(
    not (CHROMIUM.exists() and DRIVER.exists()), reason="needs chromium and chromium-driver"
)


@contextmanager
def chromium(width: int = 1280, height: int = 1400) -> Iterator[Any]:
    """A headless Chromium that loads nothing from the network."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    with tempfile.TemporaryDirectory() as profile:
        for flag in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
        ):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
        try:
            yield driver
        finally:
            driver.quit()


def set_width(driver: Any, width: int, height: int = 1400) -> None:
    """Lay the page out at exactly `width` CSS pixels (windows have a minimum size)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def axe_violations(driver: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's violations of the loaded page at these impacts, one line each."""
    if not AXE.exists():
        pytest.skip(f"needs axe-core: npm install --prefix tests/a11y (looked for {AXE})")
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    driver.set_script_timeout(120)
    found = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(function (r) { done(r.violations); })"
        ".catch(function (e) { done([{id: 'axe-error', impact: 'critical', help: String(e),"
        " nodes: []}]); });"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(str(n.get("target")) for n in v["nodes"][:4])
        for v in found
        if v.get("impact") in impacts
    ]


def full_screenshot(driver: Any, target: Path) -> None:
    """The whole page, not only the window, as a PNG."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.execute_script("return document.documentElement.clientWidth")
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": min(height, 16000), "scale": 1},
        },
    )
    target.write_bytes(base64.b64decode(shot["data"]))


def print_pdf(driver: Any, target: Path) -> None:
    """The page printed as the page's own CSS asks (A4 for draftctl's pages)."""
    pdf = driver.execute_cdp_cmd(
        "Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True}
    )
    target.write_bytes(base64.b64decode(pdf["data"]))
