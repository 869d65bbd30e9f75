"""filters/html.lua: the HTML pages' fix-ups on pandoc's AST (tables without inline styles,
provenance around statistics and after claims), read back with BeautifulSoup."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from reportkit.tools import pandoc

from ..conftest import ROOT

BIB = ROOT / "bib/references.bib"
METADATA = '{"lang": "en", "pagetitle": "-"}'
TABLE = """\
| left | right | centre | default |
|:-----|------:|:------:|---------|
| a | 1 | x | y |

| a wide first column, wider than pandoc's line width, so pandoc gives the columns relative widths | b |
|:-------------------------------------------------------------------------------------------------|---|
| 1 | 2 |
"""
PROVENANCE = {
    "stats": {"s-one": {"open": '<a class="stat-link" href="#row-s-one" aria-describedby="note-@N@">',
                        "close": '</a><span id="note-@N@">NOTE one</span>'}},
    "claims": {"c-one": {"after": '<span class="claim-ref" id="claim-note-@N@">checked</span>'}},
}
PROSE = """\
First [12 %]{.stat data-stat="s-one"} and again [12 %]{.stat data-stat="s-one"}.

A [claim with [12 %]{.stat data-stat="s-one"} *inside*]{.claim data-claim="c-one"} ends here.

Not registered: [3]{.stat data-stat="s-unknown"}; not only a statistic: [4]{.stat .big data-stat="s-one"}.
"""


def _body(markdown: str, provenance: dict[str, dict[str, dict[str, str]]] | None = None) -> BeautifulSoup:
    (output,) = pandoc.convert([pandoc.html_page(markdown, METADATA, BIB, Path("test.qmd"), provenance)])
    _, body = pandoc.fragment(output)
    return BeautifulSoup(body, "html.parser")


def test_tables_have_alignment_classes_and_no_inline_style() -> None:
    soup = _body(TABLE)
    first, second = soup.find_all("table")
    assert [cell.get("class") for cell in first.find_all(["th", "td"])] == \
        [["align-left"], ["align-right"], ["align-center"], None] * 2
    assert second.find("th").get("class") == ["align-left"]
    assert soup.find("colgroup") is None and soup.find(style=True) is None


def test_statistics_get_their_provenance_numbered_in_page_order() -> None:
    soup = _body(PROSE, PROVENANCE)
    links = soup.find_all("a", class_="stat-link")
    assert [(a.get_text(), a["aria-describedby"]) for a in links] == [("12 %", f"note-{n}") for n in (1, 2, 3)]
    assert [n["id"] for n in soup.find_all(id=lambda i: bool(i) and i.startswith("note-"))] == \
        ["note-1", "note-2", "note-3"]
    # the statistic inside the claim keeps its place inside it; the claim's note follows the claim
    claim = soup.find("span", class_="claim")
    assert claim.find("a", class_="stat-link") is not None and claim.find("em").get_text() == "inside"
    assert claim.find_next_sibling("span")["id"] == "claim-note-1"
    # a span the site writer gave nothing for, or that is more than a statistic, is left alone
    assert [s.get_text() for s in soup.find_all("span", class_="stat")] == ["3", "4"]


def test_without_provenance_spans_are_left_alone() -> None:
    soup = _body(PROSE)
    assert len(soup.find_all("span", class_="stat")) == 5 and soup.find("a") is None
