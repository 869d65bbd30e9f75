"""The embedded engine on the mini fixture: golden pages, site layout, CLI help."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from reportkit.cli import build_parser

from ..conftest import GOLDEN, Result, assert_golden

# the pages where both engines publish them: the home page is the language folder's index.html,
# the other chapters keep their source path (Quarto's layout)
PAGES = ("index.html", "chapters/zh-Hant/01-jobs.html", "chapters/zh-Hant/references.html")


@pytest.mark.parametrize("page", PAGES)
def test_page_matches_golden(rendered_mini: Path, page: str) -> None:
    html = (rendered_mini / "_site/zh-Hant" / page).read_text(encoding="utf-8")
    main = re.search(r"<main.*?</main>", html, re.S)
    assert main is not None
    assert_golden(main.group(0) + "\n", GOLDEN / "mini" / Path(page).name)


def test_site_layout(rendered_mini: Path) -> None:
    site = rendered_mini / "_site"
    assert (site / "index.html").is_file()
    assert (site / "assets/site.css").is_file()
    # the Vega runtime, with the licences of the npm packages in it beside it
    assert (site / "assets/vega.js").is_file() and (site / "assets/vega.js.LICENSE.txt").is_file()
    for page in PAGES:
        soup = BeautifulSoup((site / "zh-Hant" / page).read_text(encoding="utf-8"), "html.parser")
        assert soup.html is not None and soup.html["lang"] == "zh-Hant-TW"
        sidebar = [a["href"] for a in soup.select("nav.sidebar a")]
        assert [posixpath.normpath(posixpath.join(posixpath.dirname(page), href)) for href in sidebar] == list(PAGES)
        assert soup.select_one("a.book-title")["href"] in ("index.html", "../../index.html")
        assert (site / "zh-Hant" / posixpath.dirname(page) / soup.select_one("link[rel=icon]")["href"]).is_file()
        assert soup.select_one('link[rel=alternate][hreflang="zh-Hant-TW"]') is not None


def test_as_of_date_shown_on_home_page_footer_and_chooser(rendered_mini: Path) -> None:
    site = rendered_mini / "_site"
    as_of = "本版內容查核至 2026年11月30日"  # `as-of: 2026-11-30` in the fixture's _quarto.yml
    for page in PAGES:
        soup = BeautifulSoup((site / "zh-Hant" / page).read_text(encoding="utf-8"), "html.parser")
        footer = soup.select_one("footer.site-footer")
        assert footer is not None and as_of in footer.get_text()
        note = soup.select_one("main p.as-of-note")
        assert (note is not None and note.get_text() == as_of) == (page == "index.html")
    chooser = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert [c.get_text() for c in chooser.select(".choice-as-of")] == [as_of]


def test_previous_next_links(rendered_mini: Path) -> None:
    soup = BeautifulSoup((rendered_mini / "_site/zh-Hant" / PAGES[1]).read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("a[rel=prev]")["href"] == "../../index.html"
    assert soup.select_one("a[rel=next]")["href"] == "references.html"


def test_statistics_carry_identity_and_provenance(rendered_mini: Path) -> None:
    soup = BeautifulSoup((rendered_mini / "_site/zh-Hant" / PAGES[1]).read_text(encoding="utf-8"), "html.parser")
    spans = {s["data-stat"]: s for s in soup.select("span.stat")}
    assert set(spans) == {"gs-arts-exposed", "speedup"}
    assert spans["speedup"]["data-status"] == "unverified"
    assert "stat-unverified" in spans["speedup"]["class"]
    note = soup.find(id=spans["gs-arts-exposed"]["aria-describedby"])
    assert note is not None and "Exhibit 5, p. 7" in note.get_text()
    assert "The Potentially Large Effects" in note.get_text()


def test_references_page_lists_every_cited_work(rendered_mini: Path) -> None:
    soup = BeautifulSoup((rendered_mini / "_site/zh-Hant" / PAGES[2]).read_text(encoding="utf-8"), "html.parser")
    assert {e["id"] for e in soup.select("#refs .csl-entry")} == {"ref-wef2020jobs", "ref-gs2023"}


def test_rerender_replaces_the_site(mini_with_site: Path, run_cli: Callable[..., Result]) -> None:
    chapter = mini_with_site / "chapters/zh-Hant/01-jobs.qmd"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("## 自動化暴露", "## 自動化的暴露"), encoding="utf-8")
    stale = mini_with_site / "_site/zh-Hant/stale.html"
    stale.write_text("old", encoding="utf-8")
    assert run_cli("--project", mini_with_site, "render", "--quiet").code == 0
    assert "自動化的暴露" in (mini_with_site / "_site/zh-Hant" / PAGES[1]).read_text(encoding="utf-8")
    assert not stale.exists()
    assert [p.name for p in mini_with_site.iterdir() if p.name.startswith(".")] == []


def test_help_documents_every_command(run_cli: Callable[..., Result]) -> None:
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    with pytest.raises(SystemExit) as exit_info:
        run_cli("--help")
    assert exit_info.value.code == 0
    for name in commands:
        assert name in parser.format_help()
