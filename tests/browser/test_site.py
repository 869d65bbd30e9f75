"""The site as readers use it, in Chromium: clean loads, offline, switcher, search,
provenance on hover and focus, charts, accessibility (axe-core), screenshots."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from reportkit.config.project import Project

from ..conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
SCREENSHOTS_FOR_README = ROOT / "docs" / "screenshots"
CHARTS_DRAWN = "document.querySelectorAll('.vega-ready').length === document.querySelectorAll('.vega-chart').length"
REPO = Project(ROOT)
PAGES = [(lang.code, entry.page(lang.code)) for lang in REPO.languages for entry in REPO.chapters]
ANY_PAGE = "**/*.html"


class Page:
    """A browser tab that records console messages, failed requests, the requests that
    leave the site (aborted: the site must work offline) and the requests still in flight."""

    def __init__(self, context: Any, base: str):
        self.page = context.new_page()
        self.base = base
        self.console: list[str] = []
        self.failed: list[str] = []
        self.outside: list[str] = []
        self.in_flight: set[Any] = set()
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.in_flight.add(r))
        self.page.on("requestfinished", lambda r: self.in_flight.discard(r))
        self.page.on("requestfailed", self._failed)
        # matched by Playwright's driver: the site's own requests never wait for this process
        self.page.route(re.compile(f"^(?!{re.escape(base)})"), self._abort_outside)

    def _failed(self, request: Any) -> None:
        self.failed.append(request.url)
        self.in_flight.discard(request)

    def _abort_outside(self, route: Any) -> None:
        self.outside.append(route.request.url)
        route.abort()

    def forget(self) -> None:
        """Forget what earlier pages of this tab logged and requested."""
        self.console.clear()
        self.failed.clear()
        self.outside.clear()

    def open(self, path: str, charts: bool = False) -> Any:
        """Load a page; `charts`: and wait until every chart is drawn (charts.js draws them
        after the load)."""
        self.page.goto(self.base + path)
        if charts:
            self.page.wait_for_function(CHARTS_DRAWN)
        return self.page

    def settle(self, timeout: float = 30) -> None:
        """Wait until every request the page has made is answered or has failed (the tab's
        events are delivered while Playwright waits)."""
        deadline = time.monotonic() + timeout
        while self.in_flight:
            assert time.monotonic() < deadline, f"requests still in flight: {[r.url for r in self.in_flight]}"
            self.page.wait_for_timeout(10)


@pytest.fixture
def tab(browser_context: Any, site_url: str) -> Iterator[Page]:
    page = Page(browser_context, site_url)
    yield page
    page.page.close()


@pytest.fixture(scope="module")
def reading_tab(browser_context: Any, site_url: str) -> Iterator[Page]:
    page = Page(browser_context, site_url)
    yield page
    page.page.close()


@pytest.fixture
def reader(reading_tab: Page) -> Page:
    """One tab for the page-by-page test (a new tab costs more CPU than a page): each of its
    pages ends with no request in flight, so the next page starts with a clean record."""
    reading_tab.forget()
    return reading_tab


def _switcher_targets(tab: Page) -> list[tuple[str, str]]:
    """Each link of the page's language switcher (its language) and the page a reader's click on
    it asks for: Playwright clicks the link as a reader would (once it is visible, steady and the
    element a click there hits), and the request is answered with 204 No Content, on which the
    browser stays on the page (the page asked for is opened by its own test)."""
    page = tab.page
    targets = []

    def stop(route: Any) -> None:
        route.fulfill(status=204)

    page.route(ANY_PAGE, stop)
    try:
        for link in page.locator(".language-switcher a").all():
            with page.expect_event("requestfailed", lambda request: request.is_navigation_request()) as stopped:
                link.click()
            targets.append((link.get_attribute("data-code"), stopped.value.url))
    finally:
        page.unroute(ANY_PAGE, stop)
    return targets


@pytest.mark.parametrize(("lang", "name"), PAGES, ids=[f"{lang}-{name}" for lang, name in PAGES])
def test_page_loads_cleanly_offline_and_accessibly_and_switches_language(reader: Page, lang: str, name: str) -> None:
    page = reader.open(f"{lang}/{name}")
    # every chart drawn, or left static after a failure (which charts.js logs), then every
    # request the page made by itself answered
    page.wait_for_function("""() => [...document.querySelectorAll(".vega-chart")].every(
        chart => chart.classList.contains("vega-ready") || !chart.querySelector(".vega-interactive"))""")
    reader.settle()
    assert reader.console == [] and reader.failed == [] and reader.outside == []
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert serious == [], [(v["id"], v["help"], len(v["nodes"])) for v in serious]
    entry = next(entry for entry in REPO.chapters if entry.page(lang) == name)
    # every other language's page of the same chapter, one click away
    assert sorted(_switcher_targets(reader)) == sorted(
        (other.code, f"{reader.base}{other.code}/{entry.page(other.code)}") for other in REPO.languages
        if other.code != lang)


@pytest.mark.parametrize(("preferred", "lang"), [(["zh-TW", "zh"], "zh-Hant"), (["zh-CN"], "zh-Hans"),
                                                (["en-GB", "en"], "en"), (["fr-FR", "zh-HK"], "zh-Hant")])
def test_language_chooser_follows_the_browser(tab: Page, preferred: list[str], lang: str) -> None:
    tab.page.add_init_script(f"Object.defineProperty(navigator, 'languages', {{get: () => {preferred!r}}});")
    page = tab.open("index.html")
    page.wait_for_url(f"**/{lang}/index.html")
    assert tab.outside == [] and tab.console == []


@pytest.mark.parametrize("lang", [lang.code for lang in REPO.languages])
def test_switcher_lands_on_the_same_chapter(tab: Page, lang: str) -> None:
    """The way there and back, pages loaded (every page's switcher links, clicked: the test above)."""
    entry = REPO.entry("03-ethics.qmd")
    page = tab.open(f"{lang}/{entry.page(lang)}")
    other = page.locator(".language-switcher a").first
    code = other.get_attribute("data-code")
    with page.expect_navigation():
        other.click()
    assert page.url == f"{tab.base}{code}/{entry.page(code)}"
    back = page.locator(f'.language-switcher a[data-code="{lang}"]')
    with page.expect_navigation():
        back.click()
    assert page.url == f"{tab.base}{lang}/{entry.page(lang)}"


@pytest.mark.parametrize(
    ("lang", "query", "chapter"),
    [("zh-Hant", "版權", "04-copyright.qmd"), ("zh-Hant", "深度偽造", "03-ethics.qmd"),
     ("zh-Hans", "版权", "04-copyright.qmd"), ("en", "copyright", "04-copyright.qmd")],
)
def test_search_finds_the_chapter(tab: Page, lang: str, query: str, chapter: str) -> None:
    page = tab.open(f"{lang}/index.html")
    box = page.locator("#search input")
    box.fill(query)
    page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
    links = [a.get_attribute("href") for a in page.locator(".pagefind-ui__result-link").all()]
    assert any(href.split("#")[0].endswith(f"/{lang}/{REPO.entry(chapter).page(lang)}") for href in links), links
    assert tab.console == [] and tab.outside == []


def test_provenance_shows_on_hover_and_on_keyboard_focus(tab: Page) -> None:
    page = tab.open("zh-Hant/chapters/zh-Hant/05-economy.html")
    ref = page.locator("main .stat-ref").first
    note = ref.locator(".provenance")
    assert not note.is_visible()
    ref.locator("a.stat-link").hover()
    assert note.is_visible()
    assert "Exhibit" in note.inner_text() or note.inner_text().strip()
    page.mouse.move(0, 0)
    page.locator("main h1").click()
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('stat-link')"):
            break
    focused = page.locator(".stat-ref:focus-within .provenance")
    assert focused.count() == 1 and focused.is_visible()


def test_provenance_quotes_the_source_with_its_language_and_link(tab: Page) -> None:
    page = tab.open(f"en/{REPO.entry('06-perspectives.qmd').page('en')}")
    ref = page.locator("main .stat-ref:has(.provenance q.quote)").first
    ref.locator("a.stat-link").hover()
    quote = ref.locator(".provenance q.quote")
    assert quote.is_visible() and quote.get_attribute("lang")
    link = ref.locator(".provenance a.quote-link")
    assert (link.get_attribute("href") or "").startswith("http")
    link.hover()  # the note stays open while the reader moves to its link
    assert link.is_visible()


@pytest.mark.parametrize("lang", [lang.code for lang in REPO.languages])
def test_charts_render_with_the_site_runtime(tab: Page, lang: str) -> None:
    for name in ("05-economy.qmd", "06-perspectives.qmd"):
        page = tab.open(f"{lang}/{REPO.entry(name).page(lang)}", charts=True)
        charts = page.locator(".vega-chart")
        assert charts.count() >= 3
        assert page.locator(".vega-ready .vega-interactive svg").count() == charts.count()
        assert tab.console == [] and tab.outside == []


@pytest.mark.parametrize("lang", [lang.code for lang in REPO.languages])
@pytest.mark.parametrize(("device", "width"), [("desktop", 1280), ("mobile", 390)])
def test_screenshots(tab: Page, lang: str, device: str, width: int) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.page.set_viewport_size({"width": width, "height": 900})
    for name in ("index.qmd", "05-economy.qmd"):
        page = tab.open(f"{lang}/{REPO.entry(name).page(lang)}", charts=True)
        path = ARTIFACTS / f"{lang}-{name.removesuffix('.qmd')}-{device}.png"
        page.screenshot(path=str(path))
        assert path.stat().st_size > 10_000
        if os.environ.get("REPORTKIT_UPDATE_SCREENSHOTS") == "1" and lang == "zh-Hant" and device == "desktop":
            SCREENSHOTS_FOR_README.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, SCREENSHOTS_FOR_README / path.name)
