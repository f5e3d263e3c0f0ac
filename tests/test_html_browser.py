"""The HTML redline in a real headless Chromium: round toggles work, draft scripts never run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from draftctl.render.html import render_html
from tests.browser_tools import chromium, needs_chromium
from tests.test_render import CONFIG, sample

EVIL = (
    ' <script>document.title="pwned"; window.pwned = 1;</script>'
    ' <img src="x" onerror="window.pwned = 2"> <b onmouseover="window.pwned = 3">x</b>'
)

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as driver:
        yield driver


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Any:
    target = tmp_path / "redline.html"
    target.write_text(render_html(sample(extra=EVIL), CONFIG), encoding="utf-8")
    browser.get(target.as_uri())
    return browser


def shown(driver: Any, selector: str) -> list[bool]:
    from selenium.webdriver.common.by import By

    return [el.is_displayed() for el in driver.find_elements(By.CSS_SELECTOR, selector)]


def styled(driver: Any, selector: str, prop: str) -> str:
    script = "return getComputedStyle(document.querySelector(arguments[0]))[arguments[1]];"
    return str(driver.execute_script(script, selector, prop))


def toggle(driver: Any, round_class: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, f'input[data-round="{round_class}"]').click()


def test_draft_script_never_runs(page: Any) -> None:
    assert page.title == "Redline: Policy"
    assert page.execute_script("return typeof window.pwned") == "undefined"
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    ActionChains(page).move_to_element(page.find_element(By.CSS_SELECTOR, "main")).perform()
    assert page.execute_script("return typeof window.pwned") == "undefined"
    assert '<script>document.title="pwned"' in page.find_element(By.CSS_SELECTOR, "main").text


def test_round_checkbox_hides_and_shows_its_changes(page: Any) -> None:
    # r0 is the evidence round: it deleted "freely" (change 1) and inserted change 2
    assert shown(page, "del.r0") == [True]
    assert "underline" in styled(page, "ins.r0", "textDecorationLine")
    assert shown(page, ".note.r0") == [True, True]
    toggle(page, "r0")
    assert shown(page, "del.r0") == [False]
    assert styled(page, "ins.r0", "textDecorationLine") == "none"
    assert "A new paragraph." in page.find_element("css selector", "main").text
    assert shown(page, ".note.r0") == [False, False]
    assert all(shown(page, ".note.r1")), "change 1 also has the field round's note"
    assert all(shown(page, "del.r1, ins.r1"))
    toggle(page, "r0")
    assert shown(page, "del.r0") == [True]
    assert "underline" in styled(page, "ins.r0", "textDecorationLine")
    assert shown(page, ".note.r0") == [True, True]


def test_unticking_a_round_accepts_its_moves(page: Any) -> None:
    assert shown(page, ".move-from") == [True]
    toggle(page, "r1")  # the field round made the move
    assert shown(page, ".move-from") == [False]
    assert shown(page, ".move-to") == [True]
    assert shown(page, ".movelabel") == [False, False]
    assert shown(page, ".note.r0") == [True, True], "the evidence round's notes stay"
    toggle(page, "r1")
    assert shown(page, ".move-from") == [True]


def test_note_markers_are_links_reached_by_keyboard(page: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    body = page.find_element(By.TAG_NAME, "body")
    reached = []
    for _ in range(40):
        body.send_keys(Keys.TAB)
        reached.append(page.execute_script("return document.activeElement.getAttribute('href')"))
    assert "#note-1" in reached and "#ref-1" in reached
    page.find_element(By.CSS_SELECTOR, 'a[href="#note-1"]').send_keys(Keys.ENTER)
    assert page.execute_script("return location.hash") == "#note-1"
    page.find_element(By.CSS_SELECTOR, '#note-1 a[href="#ref-1"]').send_keys(Keys.ENTER)
    assert page.execute_script("return location.hash") == "#ref-1"


def test_screenshot(page: Any, tmp_path: Path) -> None:
    page.save_screenshot(str(tmp_path / "redline.png"))
    assert (tmp_path / "redline.png").stat().st_size > 10_000
