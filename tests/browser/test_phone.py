"""The site on a phone (Chromium with a touch screen at 320 and 390 CSS px): pages reflow
without sideways scrolling (WCAG 2.1, 1.4.10), the chapter list is one tap from the top of
every page, the provenance note stays on screen, and phone screenshots match reviewed ones."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image, ImageChops

from ..conftest import GOLDEN, UPDATE_GOLDEN
from .test_site import ARTIFACTS, PAGES, REPO, Page

WIDTHS = (320, 390)
SCREENSHOTS = GOLDEN / "screenshots"
# A pixel differs when a channel moves by more than this; a screenshot matches its reviewed
# image when at most this share of pixels differ (font hinting and antialiasing, not layout).
PIXEL_THRESHOLD = 48
MAX_DIFFERING = 0.01


@pytest.fixture
def phone(phone_context: Any, site_url: str) -> Iterator[Page]:
    page = Page(phone_context, site_url)
    yield page
    page.page.close()


def _open(phone: Page, path: str, width: int) -> Any:
    phone.page.set_viewport_size({"width": width, "height": 640})
    return phone.open(path, charts=True)  # measure the page as the reader finally sees it


VIEWS = [(width, lang, name) for width in WIDTHS for lang, name in [*PAGES, ("", "index.html")]]


@pytest.mark.parametrize(("width", "lang", "name"), VIEWS,
                         ids=[f"{w}px-{lang or 'chooser'}-{name}" for w, lang, name in VIEWS])
def test_page_reflows_without_sideways_scrolling(phone: Page, width: int, lang: str, name: str) -> None:
    page = _open(phone, f"{lang}/{name}" if lang else name, width)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        widest = page.evaluate(f"""Array.from(document.querySelectorAll('main *, header *'))
            .filter(e => e.getBoundingClientRect().right > {width} && !e.closest('.table-scroll'))
            .slice(-3).map(e => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 50))""")
        pytest.fail(f"page is {scroll_width} px wide at {width} px; widest: {widest}")
    assert phone.console == []


@pytest.mark.parametrize("lang", [lang.code for lang in REPO.languages])
def test_wide_tables_scroll_in_a_labelled_focusable_box(phone: Page, lang: str) -> None:
    appendix = next(name for code, name in PAGES if code == lang and "data-sources" in name)
    page = _open(phone, f"{lang}/{appendix}", 320)
    boxes = page.locator("main .table-scroll")
    assert boxes.count() >= 1
    for box in boxes.all():
        assert box.get_attribute("role") == "region" and box.get_attribute("tabindex") == "0"
        assert (box.get_attribute("aria-label") or "").strip()
    wide = page.evaluate("Array.from(document.querySelectorAll('main .table-scroll'))"
                         ".filter(b => b.scrollWidth > b.clientWidth).length")
    assert wide >= 1, "the data-sources table should be wider than a phone and scroll in its box"


@pytest.mark.parametrize("lang", [lang.code for lang in REPO.languages])
def test_chapter_list_is_one_tap_from_the_top(phone: Page, lang: str) -> None:
    chapter = next(name for code, name in PAGES if code == lang and "economy" in name)
    page = _open(phone, f"{lang}/{chapter}", 320)
    assert not page.locator("nav.sidebar").is_visible()
    menu = page.locator(".chapter-menu summary")
    box = menu.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 640, "the menu button is not on the first screen"
    links = page.locator(".chapter-menu .chapter-list a")
    assert not links.first.is_visible()
    menu.tap()
    assert links.count() == len(REPO.chapters) and links.last.is_visible()
    for selector in (".language-switcher a", "#search input", ".pdf-link"):
        target = page.locator(selector).first
        assert target.is_visible(), selector
        box = target.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320, selector
    with page.expect_navigation():
        links.first.tap()
    assert page.url.endswith(f"/{lang}/{PAGES[0][1]}")


def test_chapter_menu_opens_with_the_keyboard(phone: Page) -> None:
    lang, chapter = next((code, name) for code, name in PAGES if "economy" in name)
    page = _open(phone, f"{lang}/{chapter}", 390)
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.chapter-menu summary')"):
            break
    else:
        pytest.fail("the chapter menu is not among the first ten stops of the Tab key")
    page.keyboard.press("Enter")
    assert page.locator(".chapter-menu .chapter-list a").last.is_visible()


@pytest.mark.parametrize("lang", [lang.code for lang in REPO.languages])
def test_previous_and_next_chapter_at_the_end(phone: Page, lang: str) -> None:
    names = [name for code, name in PAGES if code == lang]
    for position, name in enumerate(names):
        page = _open(phone, f"{lang}/{name}", 320)
        nav = page.locator("main > nav.page-nav")
        assert nav.count() == 1
        assert page.evaluate("document.querySelector('main').lastElementChild.matches('.page-nav')")
        expected = {"prev": position > 0, "next": position + 1 < len(names)}
        for rel, present in expected.items():
            link = nav.locator(f'a[rel="{rel}"]')
            assert link.count() == int(present), (name, rel)
            if present:
                box = link.bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320


@pytest.mark.parametrize("width", WIDTHS)
def test_provenance_note_stays_on_screen(phone: Page, width: int) -> None:
    lang, chapter = next((code, name) for code, name in PAGES if "economy" in name)
    page = _open(phone, f"{lang}/{chapter}", width)
    refs = page.locator("main .stat-ref")
    assert refs.count() >= 10
    for ref in refs.all():
        link = ref.locator("a.stat-link")
        link.focus()
        note = ref.locator(".provenance")
        assert note.is_visible()
        box = note.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (
            link.get_attribute("href"), box)


def _differing_share(actual: Image.Image, expected: Image.Image) -> float:
    if actual.size != expected.size:
        return 1.0
    difference = ImageChops.difference(actual.convert("RGB"), expected.convert("RGB")).convert("L")
    differing = sum(difference.point(lambda v: 255 if v > PIXEL_THRESHOLD else 0).histogram()[255:])
    return differing / (actual.size[0] * actual.size[1])


SHOTS = [(lang.code, page) for lang in REPO.languages for page in ("index", "economy")]


@pytest.mark.parametrize(("lang", "page_name"), SHOTS, ids=[f"{lang}-{page}" for lang, page in SHOTS])
def test_phone_screenshot_matches_the_reviewed_one(phone: Page, lang: str, page_name: str) -> None:
    name = next(name for code, name in PAGES if code == lang and page_name in name)
    page = _open(phone, f"{lang}/{name}", 320)
    actual = Image.open(io.BytesIO(page.screenshot()))
    golden = SCREENSHOTS / f"{lang}-{page_name}-320.png"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    actual.save(ARTIFACTS / golden.name)
    if UPDATE_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        actual.save(golden)
    assert golden.is_file(), f"missing reviewed screenshot {golden}; review and create it"
    share = _differing_share(actual, Image.open(golden))
    assert share <= MAX_DIFFERING, f"{share:.1%} of pixels differ from {golden.name} (see {ARTIFACTS / golden.name})"
