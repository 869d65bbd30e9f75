"""The site on a phone (Chromium with a touch screen at 320 and 390 CSS px): pages reflow
without sideways scrolling (WCAG 2.1, 1.4.10), the chapter list is one tap from the top of
every page, the provenance note stays on screen, and phone screenshots match reviewed ones.

The tests that only look at a page read what one load of it at one width shows (`View`): one
tab loads each (width, page) once, with its charts drawn, and measures in one evaluate all
that these tests ask of it. The tests that tap and type open their own tab."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from PIL import Image, ImageChops

from ..conftest import GOLDEN, UPDATE_GOLDEN
from .test_site import ARTIFACTS, PAGES, REPO, Page

WIDTHS = (320, 390)
HEIGHT = 640
SCREENSHOTS = GOLDEN / "screenshots"
# A pixel differs when a channel moves by more than this; a screenshot matches its reviewed
# image when at most this share of pixels differ (font hinting and antialiasing, not layout).
PIXEL_THRESHOLD = 48
MAX_DIFFERING = 0.01


def _path(lang: str, word: str) -> str:
    """The first of `lang`'s pages whose name holds `word`."""
    return f"{lang}/" + next(name for code, name in PAGES if code == lang and word in name)


SHOT_WIDTH = 320
SHOTS = [(lang.code, page) for lang in REPO.languages for page in ("index", "economy")]
SHOT_PATHS = {_path(lang, page) for lang, page in SHOTS}
ECONOMY = _path(REPO.languages[0].code, "economy")  # charts, and figures with provenance notes
# The chooser sends a reader who has not chosen yet to their language's home page: marked as
# chosen, the tab stays on the chooser, which these tests then measure.
STAY_ON_THE_CHOOSER = "sessionStorage.setItem('reportkit-chosen', '1')"

# Everything the view tests read, measured in one go after the load (nothing before the
# provenance notes changes the page; focusing each note's link is last).
MEASURE = """([width, withNotes]) => {
  const box = e => {
    if (e.getClientRects().length === 0) return null;  // no layout box: Playwright's bounding_box() is None
    const r = e.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  };
  const shown = r => r.width > 0 && r.height > 0;
  const visible = e => {  // Playwright's is_visible()
    const style = getComputedStyle(e);
    if (style.display === "contents") {
      return Array.from(e.childNodes).some(child => {
        if (child.nodeType === Node.ELEMENT_NODE) return visible(child);
        if (child.nodeType !== Node.TEXT_NODE) return false;
        const range = document.createRange();
        range.selectNode(child);
        return shown(range.getBoundingClientRect());
      });
    }
    return e.checkVisibility() && style.visibility === "visible" && shown(e.getBoundingClientRect());
  };
  const scrollWidth = document.documentElement.scrollWidth;
  const widest = scrollWidth <= width ? [] : Array.from(document.querySelectorAll("main *, header *"))
    .filter(e => e.getBoundingClientRect().right > width && !e.closest(".table-scroll"))
    .slice(-3).map(e => e.tagName + " " + (e.textContent || "").trim().slice(0, 50));
  const navLinks = rel => Array.from(document.querySelectorAll(`main > nav.page-nav a[rel="${rel}"]`)).map(box);
  const pageNav = {
    count: document.querySelectorAll("main > nav.page-nav").length,
    last: document.querySelector("main")?.lastElementChild?.matches(".page-nav") === true,
    prev: navLinks("prev"), next: navLinks("next"),
  };
  const tables = Array.from(document.querySelectorAll("main .table-scroll")).map(b => ({
    role: b.getAttribute("role"), tabindex: b.getAttribute("tabindex"), label: b.getAttribute("aria-label"),
    wide: b.scrollWidth > b.clientWidth }));
  const notes = !withNotes ? null : Array.from(document.querySelectorAll("main .stat-ref")).map(ref => {
    const links = ref.querySelectorAll("a.stat-link"), notes = ref.querySelectorAll(".provenance");
    if (links.length !== 1 || notes.length !== 1) return { links: links.length, notes: notes.length };
    links[0].focus();
    return { links: 1, notes: 1, href: links[0].getAttribute("href"), visible: visible(notes[0]), box: box(notes[0]) };
  });
  return { scrollWidth, widest, pageNav, tables, notes };
}"""


@pytest.fixture
def phone(phone_context: Any, site_url: str) -> Iterator[Page]:
    page = Page(phone_context, site_url)
    yield page
    page.page.close()


def _open(phone: Page, path: str, width: int) -> Any:
    if phone.page.viewport_size != {"width": width, "height": HEIGHT}:
        phone.page.set_viewport_size({"width": width, "height": HEIGHT})
    return phone.open(path, charts=True)  # measure the page as the reader finally sees it


@dataclass(frozen=True)
class View:
    """A page loaded at one width with its charts drawn: what the tests below read of it."""

    console: list[str]
    scroll_width: int
    widest: list[str]  # the last three elements past the window's edge, when the page is wider
    page_nav: dict[str, Any]  # count, last (it ends <main>), prev and next (their links' boxes)
    tables: list[dict[str, Any]]  # each wide-table box: role, tabindex, label, wide
    notes: list[dict[str, Any]] | None  # each figure's provenance with its link focused (ECONOMY only)
    screenshot: bytes | None  # SHOT_PATHS at SHOT_WIDTH only


@pytest.fixture(scope="module")
def views(phone_context: Any, site_url: str) -> Iterator[Callable[[int, str], View]]:
    """The view of a page at a width, loaded once for this module's tests, in one tab that is
    never tapped or hovered (a pointer left over a page would open notes in the next one)."""
    tab = Page(phone_context, site_url)
    tab.page.add_init_script(STAY_ON_THE_CHOOSER)
    loaded: dict[tuple[int, str], View] = {}

    def view(width: int, path: str) -> View:
        if (width, path) not in loaded:
            tab.console.clear()
            page = _open(tab, path, width)
            assert page.url == site_url + path, f"{path} at {width} px went to {page.url}"
            # the screenshot as loaded, then the measures (the notes' links focused last)
            shot = page.screenshot() if width == SHOT_WIDTH and path in SHOT_PATHS else None
            facts = page.evaluate(MEASURE, [width, path == ECONOMY])
            loaded[width, path] = View(list(tab.console), facts["scrollWidth"], facts["widest"], facts["pageNav"],
                                       facts["tables"], facts["notes"], shot)
        return loaded[width, path]

    yield view
    tab.page.close()


VIEWS = [(width, lang, name) for width in WIDTHS for lang, name in [*PAGES, ("", "index.html")]]


@pytest.mark.parametrize(("width", "lang", "name"), VIEWS,
                         ids=[f"{w}px-{lang or 'chooser'}-{name}" for w, lang, name in VIEWS])
def test_page_reflows_without_sideways_scrolling(views: Callable[[int, str], View], width: int, lang: str,
                                                 name: str) -> None:
    view = views(width, f"{lang}/{name}" if lang else name)
    if view.scroll_width > width:
        pytest.fail(f"page is {view.scroll_width} px wide at {width} px; widest: {view.widest}")
    assert view.console == []


@pytest.mark.parametrize("lang", [lang.code for lang in REPO.languages])
def test_wide_tables_scroll_in_a_labelled_focusable_box(views: Callable[[int, str], View], lang: str) -> None:
    boxes = views(320, _path(lang, "data-sources")).tables
    assert len(boxes) >= 1
    for box in boxes:
        assert box["role"] == "region" and box["tabindex"] == "0"
        assert (box["label"] or "").strip()
    wide = sum(box["wide"] for box in boxes)
    assert wide >= 1, "the data-sources table should be wider than a phone and scroll in its box"


@pytest.mark.parametrize("lang", [lang.code for lang in REPO.languages])
def test_chapter_list_is_one_tap_from_the_top(phone: Page, lang: str) -> None:
    page = _open(phone, _path(lang, "economy"), 320)
    assert not page.locator("nav.sidebar").is_visible()
    menu = page.locator(".chapter-menu summary")
    box = menu.bounding_box()
    assert box is not None and box["y"] + box["height"] <= HEIGHT, "the menu button is not on the first screen"
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
    page = _open(phone, ECONOMY, 390)
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.chapter-menu summary')"):
            break
    else:
        pytest.fail("the chapter menu is not among the first ten stops of the Tab key")
    page.keyboard.press("Enter")
    assert page.locator(".chapter-menu .chapter-list a").last.is_visible()


@pytest.mark.parametrize("lang", [lang.code for lang in REPO.languages])
def test_previous_and_next_chapter_at_the_end(views: Callable[[int, str], View], lang: str) -> None:
    names = [name for code, name in PAGES if code == lang]
    for position, name in enumerate(names):
        nav = views(320, f"{lang}/{name}").page_nav
        assert nav["count"] == 1, name
        assert nav["last"], name
        expected = {"prev": position > 0, "next": position + 1 < len(names)}
        for rel, present in expected.items():
            boxes = nav[rel]
            assert len(boxes) == int(present), (name, rel)
            if present:
                box = boxes[0]
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320, (name, rel, box)


@pytest.mark.parametrize("width", WIDTHS)
def test_provenance_note_stays_on_screen(views: Callable[[int, str], View], width: int) -> None:
    notes = views(width, ECONOMY).notes
    assert notes is not None and len(notes) >= 10
    for note in notes:
        assert note["links"] == 1 and note["notes"] == 1, note  # one link and one note per figure
        assert note["visible"], note["href"]
        box = note["box"]
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (note["href"], box)


def _differing_share(actual: Image.Image, expected: Image.Image) -> float:
    if actual.size != expected.size:
        return 1.0
    difference = ImageChops.difference(actual.convert("RGB"), expected.convert("RGB")).convert("L")
    differing = sum(difference.point(lambda v: 255 if v > PIXEL_THRESHOLD else 0).histogram()[255:])
    return differing / (actual.size[0] * actual.size[1])


@pytest.mark.parametrize(("lang", "page_name"), SHOTS, ids=[f"{lang}-{page}" for lang, page in SHOTS])
def test_phone_screenshot_matches_the_reviewed_one(views: Callable[[int, str], View], lang: str,
                                                   page_name: str) -> None:
    shot = views(SHOT_WIDTH, _path(lang, page_name)).screenshot
    assert shot is not None
    actual = Image.open(io.BytesIO(shot))
    golden = SCREENSHOTS / f"{lang}-{page_name}-{SHOT_WIDTH}.png"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    actual.save(ARTIFACTS / golden.name)
    if UPDATE_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        actual.save(golden)
    assert golden.is_file(), f"missing reviewed screenshot {golden}; review and create it"
    share = _differing_share(actual, Image.open(golden))
    assert share <= MAX_DIFFERING, f"{share:.1%} of pixels differ from {golden.name} (see {ARTIFACTS / golden.name})"
