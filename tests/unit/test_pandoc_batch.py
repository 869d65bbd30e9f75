"""tools/pandoc.py `convert`: many pages in one pandoc process give, page by page, what pandoc's
command line gives for each (citations resolved per page, filter state per page), and a
failure names the page that failed."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from reportkit.errors import ToolFailedError
from reportkit.tools import pandoc

BIB = """\
@book{doe2020first, author = {Doe, Jane}, title = {First Book}, year = {2020}, publisher = {Press}}
@book{doe2020second, author = {Doe, Jane}, title = {Second Book}, year = {2020}, publisher = {Press}}
@article{roe2019, author = {Roe, Richard}, title = {An Article}, journal = {Journal}, year = {2019}}
"""
METADATA = '{"lang": "en", "link-citations": true, "pagetitle": "-", "reportkit-table-label": "Table"}'
# both of Doe's books: citeproc tells them apart by a year suffix, on this page only
PAGE_BOTH = """\
## Both {#sec-both}

Doe wrote two [@doe2020first; @doe2020second], see No. 23-5233 and [12 %]{.stat data-stat="s-one"}.

| left | right |
|:-----|------:|
| a | [3]{.stat data-stat="s-one"} |

## References {.unnumbered}

::: {#refs}
:::
"""
PAGE_ONE = """\
## One {#sec-one}

Only one [@doe2020second, p. 4] and an article [@roe2019], with [12 %]{.stat data-stat="s-one"}.
"""
PROVENANCE = {"stats": {"s-one": {"open": '<a href="#s-one" aria-describedby="note-@N@">',
                                  "close": '</a><span id="note-@N@">note</span>'}}, "claims": {}}


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    path = tmp_path / "references.bib"
    path.write_text(BIB, encoding="utf-8")
    return path


def _command_line(markdown: str, bib: Path) -> str:
    """What `pandoc` gives for one page, on the command line (without provenance)."""
    package = resources.files("reportkit")
    return pandoc.run(["-f", "markdown-implicit_figures", "-t", "html5", "--standalone",
                       f"--template={package / 'templates' / 'fragment.html'}", "--toc", "--toc-depth=3",
                       "--wrap=none", f"--lua-filter={package / 'filters' / 'html.lua'}", "--citeproc",
                       f"--bibliography={bib}"], stdin=f"---\n{METADATA}\n---\n\n{markdown}")


def test_batch_gives_what_the_command_line_gives_for_each_page(bib: Path) -> None:
    pages = [pandoc.html_page(markdown, METADATA, bib, Path(f"{n}.qmd")) for n, markdown in
             enumerate([PAGE_BOTH, PAGE_ONE])]
    assert pandoc.convert(pages) == [_command_line(PAGE_BOTH, bib), _command_line(PAGE_ONE, bib)]


def test_each_page_has_its_own_citations_bibliography_and_notes(bib: Path) -> None:
    pages = [pandoc.html_page(markdown, METADATA, bib, Path(f"{n}.qmd"), PROVENANCE) for n, markdown in
             enumerate([PAGE_BOTH, PAGE_ONE, PAGE_BOTH])]
    together = pandoc.convert(pages)
    assert together == [pandoc.convert([page])[0] for page in pages]
    both, one = (BeautifulSoup(pandoc.fragment(html)[1], "html.parser") for html in together[:2])
    assert [e["id"] for e in both.select(".csl-entry")] == ["ref-doe2020first", "ref-doe2020second"]
    assert [e["id"] for e in one.select(".csl-entry")] == ["ref-doe2020second", "ref-roe2019"]
    # the year suffix that tells Doe's books apart exists only where both are cited
    assert "2020a" in both.select_one(".citation").get_text() and "2020a" not in one.get_text()
    # the filter's numbering starts again on each page
    assert [n["id"] for n in both.find_all(id=lambda i: bool(i) and i.startswith("note-"))] == ["note-1", "note-2"]
    assert [n["id"] for n in one.find_all(id=lambda i: bool(i) and i.startswith("note-"))] == ["note-1"]
    # as on the command line, an abbreviation keeps a no-break space after it
    assert "No.\u00a023-5233" in both.get_text()


def test_a_failing_page_is_named(bib: Path, tmp_path: Path) -> None:
    pages = [pandoc.html_page(PAGE_ONE, METADATA, bib, Path("good.qmd")),
             pandoc.html_page(PAGE_ONE, METADATA, tmp_path / "missing.bib", Path("bad.qmd")),
             pandoc.html_page(PAGE_ONE, METADATA, bib, Path("after.qmd"))]
    with pytest.raises(ToolFailedError) as failed:
        pandoc.convert(pages)
    assert failed.value.path == Path("bad.qmd")
    assert failed.value.message.startswith("pandoc failed: ") and "missing.bib" in failed.value.message


def test_pandoc_dying_names_the_page_it_was_converting(bib: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "pandoc"
    # one page converted, then a death in colour after a warning; "No." for the abbreviations
    fake.write_text('#!/bin/sh\nif [ "$1" = lua ]; then cat >/dev/null; echo \'{"output": "one"}\'; '
                    "printf '[WARNING] a warning\\n  its detail\\n\\033[91mout of memory\\033[0m\\n' >&2; "
                    'exit 251; fi\necho "No."\n')
    fake.chmod(0o755)
    monkeypatch.setattr(pandoc, "executable", lambda: str(fake))
    pages = [pandoc.html_page(PAGE_ONE, METADATA, bib, Path(f"{name}.qmd")) for name in ("first", "second", "third")]
    with pytest.raises(ToolFailedError) as failed:
        pandoc.convert(pages)
    assert (failed.value.path, failed.value.message) == (Path("second.qmd"), "pandoc failed: out of memory")


def test_nothing_to_convert_starts_no_pandoc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pandoc, "executable", lambda: "/nonexistent/pandoc")
    assert pandoc.convert([]) == []
