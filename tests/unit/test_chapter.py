"""Parsing chapters: cells, options, inline expressions, citations, cross references."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportkit.chapter import parse
from reportkit.errors import ChapterSyntaxError

CHAPTER = """---
title: 測試
---

```{python}
#| label: fig-chart
#| fig-cap: "圖說"
x = 1
```

## 一節 {#sec-one}

數字 `{python} stat("a-b")` 與 [@key1; @key2, p. 3]，見 @fig-chart 與 @sec-one；郵件 a@b.org；`@notakey`。

```
plain code block @nokey
```
"""


def test_parse_blocks_and_references() -> None:
    chapter = parse(Path("ch.qmd"), CHAPTER)
    assert chapter.title == "測試"
    [cell] = chapter.cells
    assert cell.options == {"label": "fig-chart", "fig-cap": "圖說"}
    assert (cell.line, cell.code_line, cell.code) == (5, 8, "x = 1")
    assert [(i.expr, i.line) for i in chapter.inline] == [('stat("a-b")', 13)]
    assert chapter.citations == {"key1": 13, "key2": 13}
    assert chapter.xrefs == [("fig-chart", 13), ("sec-one", 13)]
    assert chapter.labels() == [("sec-one", 11), ("fig-chart", 5)]


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("```{python}\n#| fig-width: 3\nx\n```\n", 5, "unsupported cell option 'fig-width'"),
        ("```{python}\n#| label: chart\nx\n```\n", 5, "must start with fig- or tbl-"),
        ("```{ojs}\nx\n```\n", 4, "unsupported cell language {ojs}"),
        ("```{=html}\n<b>x</b>\n```\n", 4, "raw block"),
        ("```{python}\nx\n", 4, "never closed"),
        ("text `{r} 1+1`\n", 4, "inline expression language {r}"),
        ("# Title\n", 4, "use `##` for sections"),
        ("::: {.column-margin}\nx\n:::\n", 4, "unsupported div"),
        ("`x`{=html}\n", 4, "raw inline"),
        # authors cannot choose which text the checks read: only [name]{.name}, never a figure
        ("[8,500萬]{.citation}\n", 4, r"unsupported inline attributes \{\.citation\}"),
        ("見 [三分之二]{.xref}\n", 4, r"unsupported inline attributes \{\.xref\}"),
        ("[26%]{.stat data-stat=\"a\"}\n", 4, "unsupported inline attributes"),
        ("[x]{.generated}\n", 4, "unsupported inline attributes"),
        ("[x]{#anchor}\n", 4, "unsupported inline attributes"),
        ("[x]{data-cites=\"key\"}\n", 4, "unsupported inline attributes"),
        ("[x](https://example.org){.name}\n", 4, "unsupported inline attributes"),  # links carry none
        ("[x]{.name .citation}\n", 4, "unsupported inline attributes"),
        ("[42%]{.name}\n", 4, r"\[42%\]\{\.name\} holds a figure"),
        ("[三分之二]{.name}\n", 4, "holds a figure"),
        ("[8,500萬]{.name}\n", 4, "holds a figure"),
        ("[1,234]{.name}\n", 4, "holds a figure"),
        ("## 標題 [42%]{.name} {#sec-x}\n", 4, "holds a figure"),
        ('約 <span class="generated">42%</span>\n', 4, r'raw HTML <span class="generated"> is not supported'),
        ("約 <b>42%</b>\n", 4, "raw HTML <b> is not supported"),
        ('```{python}\n#| label: fig-a\n#| fig-cap: "約 [42%]{.name}"\nx\n```\n', 6, "holds a figure"),
        ('```{python}\n#| label: tbl-a\n#| tbl-cap: "<span class=\'stat\'>42%</span>"\nx\n```\n', 6, "raw HTML"),
    ],
)
def test_unsupported_constructs_are_rejected(source: str, line: int, message: str) -> None:
    with pytest.raises(ChapterSyntaxError, match=message) as info:
        parse(Path("ch.qmd"), "---\ntitle: t\n---\n" + source)
    assert info.value.line == line


def test_front_matter_is_strict() -> None:
    with pytest.raises(ChapterSyntaxError, match="unsupported front matter key 'format'") as info:
        parse(Path("ch.qmd"), "---\ntitle: t\nformat: html\n---\n")
    assert info.value.line == 3
    with pytest.raises(ChapterSyntaxError, match="title"):
        parse(Path("ch.qmd"), "no front matter\n")


def test_name_spans_hold_names_and_identifiers() -> None:
    text = ("---\ntitle: t\n---\n[GPT-4o]{.name}、[No. 23-5233]{.name}、[(2024)粤0192民初113号]{.name}、"
            "[Regulation (EU) 2024/1689]{.name}、[S&P 500]{.name}、<https://example.org>、<a@b.org>、"
            "`<b>code</b>`\n\n## 一節 {#sec-one .unnumbered}\n")
    assert parse(Path("ch.qmd"), text).headings[0].classes == ["unnumbered"]


COMMENTED = """---
title: 測試
---

一 `{python} stat("a")` <!-- 舊的 `{python} stat("b")` [@old] --> 二 `{python} stat("c")`。

<!--
`{python} open("x", "w")` {{< pagebreak >}} [@older]
-->

`<!--` 不是註解：`{python} stat("d")` [@key]

```
<!-- `{python} stat("e")` -->
```

<!-- a cell put aside:
```{python}
open("x", "w")
```
-->
"""


def test_html_comments_are_neither_run_nor_read() -> None:
    """A CommonMark tokenizer finds the comments: what is in one is not executed, cited or
    checked, and the comment stays as written; `<!--` in code is not a comment."""
    chapter = parse(Path("ch.qmd"), COMMENTED)
    assert [(i.expr, i.line) for i in chapter.inline] == [('stat("a")', 5), ('stat("c")', 5), ('stat("d")', 11)]
    assert chapter.citations == {"key": 11}
    markdown = "\n".join(b.text for b in chapter.blocks if not hasattr(b, "code"))
    assert '<!-- 舊的 `{python} stat("b")` [@old] -->' in markdown
    assert '`{python} open("x", "w")`' in markdown
    assert chapter.cells == [] and '```{python}\nopen("x", "w")\n```' in markdown
