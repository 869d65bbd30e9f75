"""Issue 14: the checks cannot be evaded and data never becomes markup.

Each evasion mutates a private copy of the rendered mini fixture (its built pages, its
chapter, or its data) and asserts the finding's file, line (page for a PDF) and rule; the
hostile-data test renders the mini fixture with markup in every kind of data field and reads
the built HTML and PDF back."""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pypdfium2
import pytest
from bs4 import BeautifulSoup

from reportkit.checks import Finding, run_checks
from reportkit.cli import main
from reportkit.config.project import Project
from reportkit.outputs.book import pdf_name

from ..conftest import FIXTURES, Result, copy_project


def _outputs(root: Path, chapter: str) -> tuple[str, str]:
    """A chapter's built page and its language's PDF, relative to the project (the layout is the engine's)."""
    project = Project(root)
    language = project.source_language
    folder = project.output_dir / language.code
    return ((folder / project.entry(chapter).page(language.code)).relative_to(root).as_posix(),
            (folder / pdf_name(project, language)).relative_to(root).as_posix())


PAGE, PDF = _outputs(FIXTURES / "mini", "01-jobs.qmd")
CHAPTER = "chapters/zh-Hant/01-jobs.qmd"  # where the mini chapter's typed text is reported
APPENDIX_PAGE = "appendix.qmd"


def _findings(root: Path) -> set[Finding]:
    return set(run_checks(Project(root)))


@pytest.fixture(scope="module")
def baseline(rendered_mini: Path) -> set[Finding]:
    """What the checks find on the rendered mini fixture, which `mini_with_site` copies."""
    return _findings(rendered_mini)


def _new_findings(root: Path, baseline: set[Finding]) -> set[tuple[str, int, str]]:
    return {(f.path, f.line, f.rule) for f in _findings(root) - baseline}


def _inject(root: Path, fragment: str) -> int:
    """Put `fragment` on a line of its own at the end of the page's main content; its line."""
    path = root / PAGE
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith('<nav class="page-nav"'))
    lines.insert(index, fragment)
    path.write_text("\n".join(lines), encoding="utf-8")
    return index + 1


EVASIONS = {
    "class citation": '<p><span class="citation">8,500萬</span></p>',
    "citation with data-cites": '<p><span class="citation" data-cites="gs2023">8,500萬</span></p>',
    "class xref": '<p><span class="xref">三分之二</span></p>',
    "link to a section": '<p><a class="xref" href="#sec-jobs-sub">三分之二</a></p>',
    "name holding a figure": '<p><span class="name">42%</span></p>',
    "section-number class": '<p><span class="header-section-number">42%</span></p>',
    "bibliography div": '<div id="refs" class="references"><p>42%</p></div>',
    "img alt (fig-alt)": '<p><img src="figures/x.svg" alt="42% 的工作"></p>',
    "aria-label (chart fig-alt)": '<div class="vega-chart" role="img" aria-label="42% 的工作"></div>',
    "title attribute": '<p><abbr title="約 42%">x</abbr></p>',
    "table cell": "<table><tbody><tr><td>42%</td></tr></tbody></table>",
    "caption": '<div class="float-caption"><span class="float-label">圖 1.1：</span>42% 的工作</div>',
}


ALLOWED = {
    "cross reference": '<p>見 <a class="xref" href="01-jobs.html#sec-jobs-sub">第 1.1 節</a>。</p>',
    "figure reference": '<p>見 <a href="#fig-x">圖 1.2</a>。</p>',
    "name": '<p><span class="name">GPT-4o</span> 與 <span class="name">No. 23-5233</span></p>',
    "citation": '<p><span class="citation" data-cites="gs2023">(Briggs 與 Kodnani 2023年)</span></p>',
    "bibliography entry": '<div id="refs"><div class="csl-entry">Briggs (2023). Vol. 12, pp. 3–4.</div></div>',
    "alt with a year": '<p><img src="figures/x.svg" alt="2023 年版的預測"></p>',
    "table label": '<div class="table-scroll" role="region" tabindex="0" aria-label="表 3"><table></table></div>',
}


@pytest.mark.parametrize(("fragment", "caught"), [*((f, True) for f in EVASIONS.values()),
                                                  *((f, False) for f in ALLOWED.values())],
                         ids=[*(f"evasion: {k}" for k in EVASIONS), *(f"allowed: {k}" for k in ALLOWED)])
def test_evasion_in_the_built_html_is_caught(mini_with_site: Path, baseline: set[Finding], fragment: str,
                                            caught: bool) -> None:
    """Each evasion is a typed-number finding on its own line; what the engine writes is none."""
    line = _inject(mini_with_site, fragment)
    assert _new_findings(mini_with_site, baseline) == ({(PAGE, line, "typed-number")} if caught else set())


def test_missing_pdf_is_site_missing(mini_with_site: Path, baseline: set[Finding],
                                     run_cli: Callable[..., Result]) -> None:
    (mini_with_site / PDF).unlink()
    assert _new_findings(mini_with_site, baseline) == {(PDF, 0, "site-missing")}
    result = run_cli("--project", mini_with_site, "check")
    assert result.code == 1 and "all checks passed" not in result.out


def _rewrite_row(root: Path, stat_id: str, **cells: str) -> int:
    path = root / "data" / "statistics.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    index = next(i for i, row in enumerate(rows) if row["id"] == stat_id)
    rows[index].update(cells)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return index + 2


@pytest.mark.parametrize(("cells", "rule"), [
    ({"value": "0.305"}, "registry-precision"),
    ({"note": "來源數字為 30%"}, "registry-text"),
    ({"locator": "Exhibit 5：三分之二"}, "registry-text"),
    ({"measure_en": "speed-up of 30%"}, "registry-text"),
    ({"draft": "生產速度提高 35%"}, "registry-text"),  # unverified: the draft's figure is the value
])
def test_figures_typed_in_registry_text_are_caught(mini_with_site: Path, baseline: set[Finding],
                                                  cells: dict[str, str], rule: str) -> None:
    line = _rewrite_row(mini_with_site, "speedup", **cells)
    assert (("data/statistics.csv", line, rule)) in _new_findings(mini_with_site, baseline)


@pytest.fixture(scope="module")
def mini_with_links(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini fixture with figures typed as link texts and a typed percentage, rendered."""
    root = copy_project(FIXTURES / "mini", tmp_path_factory.mktemp("links") / "mini")
    chapter = root / "chapters" / "zh-Hant" / "01-jobs.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        "更多內容見 [摘要](../../index.zh-Hant.qmd)。",
        "更多內容見 [摘要](../../index.zh-Hant.qmd)。另有 [三分之二](#sec-jobs-exposure) 的受訪者引用 "
        "[8,500萬](#ref-gs2023)，"
        "以及 42% 的工作。"), encoding="utf-8")
    assert main(["--project", str(root), "render", "--quiet", "--allow-findings"]) == 0  # a draft: the checks object
    return root


def _pdf_page_with(root: Path, text: str) -> int:
    document = pypdfium2.PdfDocument(root / PDF)
    try:
        for number, page in enumerate(document, 1):
            if text in page.get_textpage().get_text_range().replace("\r\n", ""):
                return number
    finally:
        document.close()
    raise AssertionError(f"{text!r} is not in the PDF")


def test_figures_as_link_texts_are_caught_in_html_and_pdf(mini_with_links: Path) -> None:
    findings = [f for f in _findings(mini_with_links) if f.rule == "typed-number"]
    page = _pdf_page_with(mini_with_links, "三分之二")
    for token in ("'三分之二'", "'8,500萬'", "'42%'"):  # text extraction may space a figure out
        flagged = [f for f in findings if token in f.message.replace(" ", "")]
        # caught in both outputs: reported at the chapter line, naming both (or at the PDF page
        # when the PDF's text of it cannot be found in the chapter)
        shown = {f.path for f in flagged} | {p for f in flagged for p in (PAGE, PDF) if p in f.message}
        assert {PAGE, PDF} <= shown, token
        assert {f.path for f in flagged} <= {CHAPTER, PDF}, token
        assert {f.line for f in flagged if f.path == PDF} <= {page}


def test_figure_in_a_name_span_is_caught_in_html_and_pdf(mini_with_links: Path, tmp_path: Path) -> None:
    """A figure marked as a name in the HTML (the PDF check learns names from the HTML)."""
    root = Path(shutil.copytree(mini_with_links, tmp_path / "mini"))
    page = root / PAGE
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace("以及 42% 的工作", '以及 <span class="name">42%</span> 的工作'), encoding="utf-8")
    findings = [f for f in _findings(root) if "'42%'" in f.message]
    assert [(f.path, f.rule) for f in findings] == [(CHAPTER, "typed-number")]  # once, at the chapter line
    assert PAGE in findings[0].message and PDF in findings[0].message


# -- data never becomes markup -------------------------------------------------------------------

HOSTILE = "[x](https://evil.example) <img src=x onerror=alert(1)> *emph* $math$ @gs2023 {.cls}"
BIB_HOSTILE = "[x](https://evil.example) <img src=x onerror=alert(1)> *emph*"
APPENDIX = """---
title: "附錄"
---

```{python}
from reportkit import corrections_table, draft_differences, statistics_table
from reportkit import bar_chart
```

```{python}
statistics_table()
```

```{python}
draft_differences()
```

```{python}
corrections_table()
```

```{python}
#| label: fig-hostile
#| fig-cap: "暴露比例 [@gs2023]"
#| fig-alt: "橫條圖"
bar_chart("exposure.csv", value="share_exposed", category="industry", unit="percent")
```
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini fixture with markup in every kind of data field, rendered (HTML and PDF)."""
    root = copy_project(FIXTURES / "mini", tmp_path_factory.mktemp("hostile") / "mini")
    for field in ("measure", "population", "locator", "draft", "note"):
        _rewrite_row(root, "speedup", **{field: f"{field} {HOSTILE}"})
    _rewrite_row(root, "gs-arts-exposed", measure=f"measure {HOSTILE}", locator=f"locator {HOSTILE}")
    data = root / "data"
    with (data / "corrections.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["id", "section", "draft", "corrected", "source", "note_en"])
        writer.writerow(["hostile", f"section {HOSTILE}", f"draft {HOSTILE}", f"corrected {HOSTILE}", "gs2023",
                         f"note_en {HOSTILE}"])
    with (data / "chart-labels.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["term", "zh_hant", "en"])
        for term in ("Arts and media", "All industries", "share_exposed", "industry"):
            writer.writerow([term, f"label {HOSTILE}", f"label {HOSTILE}"])
    with (data / "README.md").open("a", encoding="utf-8") as fh:
        for name, columns in (("corrections.csv", ("id", "section", "draft", "corrected", "source", "note_en")),
                              ("chart-labels.csv", ("term", "zh_hant", "en"))):
            fh.write(f"\n## `{name}`\n\n| column | type | unit | meaning |\n|---|---|---|---|\n")
            fh.writelines(f"| `{column}` | string | — | {column} |\n" for column in columns)
    bib = root / "bib" / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("The Potentially Large Effects", BIB_HOSTILE),
                   encoding="utf-8")
    (root / "chapters" / "zh-Hant" / "appendix.qmd").write_text(APPENDIX, encoding="utf-8")
    profile = root / "_quarto-zh-Hant.yml"
    references = "    - chapters/zh-Hant/references.qmd"
    profile.write_text(profile.read_text(encoding="utf-8").replace(
        references, f"    - chapters/zh-Hant/appendix.qmd\n{references}"), encoding="utf-8")
    assert main(["--project", str(root), "render", "--quiet", "--allow-findings"]) == 0  # a draft: the checks object
    return root


def _text(soup: BeautifulSoup) -> str:
    return " ".join(soup.get_text().split())


def test_hostile_data_is_text_in_every_page(hostile_site: Path) -> None:
    pages = sorted((hostile_site / "_site").rglob("*.html"))
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        assert not soup.select('img[src="x"], [onerror], a[href^="https://evil.example"], .cls, .math'), path
        assert not [em for em in soup.find_all("em") if em.get_text() == "emph"], path
    appendix_page, _ = _outputs(hostile_site, APPENDIX_PAGE)
    appendix = BeautifulSoup((hostile_site / appendix_page).read_text(encoding="utf-8"), "html.parser")
    shown = _text(appendix)
    for field in ("measure", "population", "locator", "draft", "note", "section", "corrected"):
        assert f"{field} {HOSTILE}" in shown, field
    assert BIB_HOSTILE in shown  # the bibliography entry
    chart = appendix.select_one(".vega-static svg")
    assert chart is not None and f"label {HOSTILE}" in _text(chart)
    # the provenance tooltip of a statistic in prose
    tooltip = BeautifulSoup((hostile_site / PAGE).read_text(encoding="utf-8"), "html.parser").select_one(".provenance")
    assert tooltip is not None
    assert f"measure {HOSTILE}" in _text(tooltip) and f"locator {HOSTILE}" in _text(tooltip)
    assert BIB_HOSTILE in _text(tooltip)


def test_hostile_data_is_text_in_the_pdf(hostile_site: Path) -> None:
    document = pypdfium2.PdfDocument(hostile_site / PDF)
    try:
        text = " ".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    flat = re.sub(r"\s+", "", text)
    for field in ("measure", "note", "corrected"):
        assert re.sub(r"\s+", "", f"{field} {HOSTILE}") in flat, field
