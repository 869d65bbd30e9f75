"""Parsing chapters: cells, options, inline expressions, citations, cross references."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportkit.chapters.reader import parse
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


TOKENIZED = """---
title: 測試
---

## 標題 `{python} stat("a")` {#sec-a}

<!--
## 舊的一節 {#sec-old}
-->

    `{python} stat("indented")` @sec-missing [@indented]

  ```
  `{python} stat("fence-indented")`
  ```

- 清單：

  ```
  `{python} stat("in-list")` [@in-list]
  ```

````
```
`{python} stat("longer-fence")`
```
````

文字 `` `{python} stat("double")` `` 和 `{python} stat("b")` [@key]，\\`{python} stat("escaped")\\`。
"""


def test_the_tokenizer_decides_what_is_code_and_what_is_a_heading() -> None:
    """Code blocks (indented, fenced with an indent, in a list, fenced with a longer fence), code
    spans with two backticks are code, escaped backticks are text: nothing in them runs or is cited;
    a heading in a comment is not one; a heading's inline expression runs, on its line."""
    chapter = parse(Path("ch.qmd"), TOKENIZED)
    assert [(i.expr, i.line) for i in chapter.inline] == [('stat("a")', 5), ('stat("b")', 29)]
    assert [(h.ident, h.line) for h in chapter.headings] == [("sec-a", 5)]
    assert chapter.citations == {"key": 29}
    assert chapter.xrefs == []
    [block] = chapter.blocks
    rows = block.text.split("\n")
    code = {line for line in range(block.line, block.line + len(rows)) if "stat(" in rows[line - block.line]
            and line not in (5, 29)}
    assert code and code <= block.code_lines  # left as written by the Markdown stage
    assert not {5, 29} & block.code_lines


@pytest.mark.parametrize("source", ["  ```{python}\n  x\n  ```\n", "- item\n\n  ```{python}\n  x\n  ```\n",
                                    "> ```{python}\n> x\n> ```\n"])
def test_a_cell_not_at_the_start_of_a_line_is_rejected(source: str) -> None:
    """Not silently shown as code: a cell must start at the beginning of a line, as at the top level."""
    with pytest.raises(ChapterSyntaxError, match=r"a \{python\} block must start at the beginning of a line") as info:
        parse(Path("ch.qmd"), "---\ntitle: t\n---\n" + source)
    assert info.value.line == 4 + source.split("\n").index(next(r for r in source.split("\n") if "{python}" in r))


def test_inline_expressions_keep_their_lines_after_spans_over_several_lines() -> None:
    """A code span or a comment over two lines, a list item's lazy line: each expression is
    reported at its own line."""
    text = ("---\ntitle: t\n---\n\n一 `程式\n碼` 二\n三 <!-- 註\n解 --> 四\n五 `{python} s(1)` 六 `{python} s(2)`\n\n"
            "- 項 `{python} s(3)`\n  續 `{python} s(4)`\n")
    chapter = parse(Path("ch.qmd"), text)
    assert [(i.expr, i.line) for i in chapter.inline] == [("s(1)", 9), ("s(2)", 9), ("s(3)", 11), ("s(4)", 12)]
