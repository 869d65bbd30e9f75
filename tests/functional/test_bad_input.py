"""Bad input: one line `file:line: message` (golden), exit 1, and the last site intact."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from ..conftest import GOLDEN, Result, assert_golden, snapshot


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


CHAPTER = "chapters/zh-Hant/01-jobs.qmd"
REGISTRY = "data/statistics.csv"
MUTATIONS: dict[str, Callable[[Path], None]] = {
    "cell-exception": lambda p: _append(p / CHAPTER, "\n```{python}\nratio = 1 / 0\n```\n"),
    "unknown-stat": lambda p: _append(p / CHAPTER, '\n另一個數字 `{python} stat("no-such-stat")`。\n'),
    "inline-exception": lambda p: _append(p / CHAPTER, "\n錯誤 `{python} undefined_name`。\n"),
    "config-malformed-yaml": lambda p: _edit(p / "_quarto-zh-Hant.yml", "  title: \"迷你報告\"", "  title: [迷你報告"),
    "config-unknown-top-level-key": lambda p: _edit(p / "_quarto.yml", "execute:", "freeze: auto\nexecute:"),
    "config-as-of-invalid": lambda p: _edit(p / "_quarto.yml", "  as-of: 2026-11-30", "  as-of: 2026-11-31"),
    "config-as-of-far-from-edition": lambda p: _edit(p / "_quarto.yml", "  as-of: 2026-11-30", "  as-of: 2028-01-05"),
    "config-site-url-invalid": lambda p: _edit(p / "_quarto.yml", "  slug: mini",
                                               "  slug: mini\n  site-url: example.org"),
    "config-unknown-key": lambda p: _edit(p / "_quarto-zh-Hant.yml", "  author:", "  colour: blue\n  author:"),
    "chapter-missing": lambda p: (p / CHAPTER).unlink(),
    "registry-non-numeric": lambda p: _edit(p / REGISTRY, ",85000000,", ",eighty-five million,"),
    "registry-unknown-source": lambda p: _edit(p / REGISTRY, ",count,0,wef2020jobs,", ",count,0,wef2021jobs,"),
    "registry-unknown-unit": lambda p: _edit(p / REGISTRY, ",count,0,wef2020jobs,", ",jobs,0,wef2020jobs,"),
    "registry-bad-quote-url": lambda p: _edit(p / REGISTRY, ",https://www.livemint.com/", ",www.livemint.com/"),
    "registry-bad-accessed": lambda p: _edit(p / REGISTRY, ",en,2026-11-30", ",en,30/11/2026"),
    "registry-quote-without-url": lambda p: _edit(
        p / REGISTRY, ",https://www.livemint.com/opinion/columns/data-science-and-digital-coding-could-soon-be-the-new-english"
                      "/amp-11629389140424.html,", ",,"),
    "registry-duplicate-id": lambda p: _append(p / REGISTRY, _lines(p / REGISTRY)[1] + "\n"),
    "unsupported-cell-language": lambda p: _append(p / CHAPTER, "\n```{r}\nx <- 1\n```\n"),
    "unsupported-shortcode": lambda p: _append(p / CHAPTER, "\n{{< pagebreak >}}\n"),
    "unsupported-cell-option": lambda p: _edit(p / CHAPTER, "#| label: tbl-exposure", "#| column: page"),
    "unsupported-div": lambda p: _append(p / CHAPTER, "\n::: {.panel-tabset}\nx\n:::\n"),
    "unsupported-inline-attributes": lambda p: _append(p / CHAPTER, "\n約 [8,500萬]{.citation} 個工作。\n"),
    "name-holds-figure": lambda p: _append(p / CHAPTER, "\n約 [42%]{.name} 的工作。\n"),
    "missing-citation": lambda p: _append(p / CHAPTER, "\n另見 [@nobody2024]。\n"),
    # a near miss gets a suggestion
    "missing-citation-typo": lambda p: _append(p / CHAPTER, "\n另見 [@gs2032]。\n"),
    "unknown-stat-typo": lambda p: _append(p / CHAPTER, '\n另一個數字 `{python} stat("gs-arts-exposd")`。\n'),
    "registry-source-typo": lambda p: _edit(p / REGISTRY, ",count,0,wef2020jobs,", ",count,0,wef2020job,"),
    "dangling-cross-reference": lambda p: _append(p / CHAPTER, "\n見 @fig-nowhere。\n"),
    "malformed-bib": lambda p: _edit(p / "bib/references.bib", "  year = {2020},", "  year = {2020}"),
}


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_bad_input_fails_cleanly(case: str, mini_with_site: Path, run_cli: Callable[..., Result]) -> None:
    before = snapshot(mini_with_site / "_site")
    MUTATIONS[case](mini_with_site)

    result = run_cli("--project", mini_with_site, "render", "--quiet")

    assert result.code == 1
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert re.match(r"^[\w./-]+(:\d+)?: \S", lines[0]), lines[0]
    assert_golden(result.err, GOLDEN / "errors" / f"{case}.txt")
    assert snapshot(mini_with_site / "_site") == before
    assert not list(mini_with_site.glob(".*build-*")), "staging folder left behind"
