"""Chart labels: every label the chapters' charts lack is reported at once, before any chapter
runs, with relative paths and the CSV rows to paste."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from reportkit.api import chartlabels
from reportkit.chapters.reader import parse
from reportkit.errors import ChartLabelsMissingError, RegistryError, describe

from ..conftest import GOLDEN, assert_golden

TABLE = "jobs,measure,edition\n85,displaced,2020\n97,created,2020\n83,eliminated,2023\n"
CHAPTER = """---
title: 經濟
---

## 就業 {#sec-jobs}

文字。

```{python}
#| label: fig-jobs
#| fig-cap: "工作"
bar_chart("new.csv", value="jobs", category="measure", group="edition", unit="count",
          where={"measure": ["displaced", "created"]})
```

```{python}
#| label: fig-computed
table = "new" + ".csv"
bar_chart(table, value="jobs", category="measure", unit="count")
```
"""


def _project(tmp_path: Path, labels: str) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data/new.csv").write_text(TABLE, encoding="utf-8")
    (tmp_path / "data/chart-labels.csv").write_text(labels, encoding="utf-8")
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters/05-economy.qmd").write_text(CHAPTER, encoding="utf-8")
    return tmp_path


def test_literal_chart_calls_are_found_at_their_line(tmp_path: Path) -> None:
    root = _project(tmp_path, "term,zh_hant,en\n")
    calls = list(chartlabels.chart_calls(parse(root / "chapters/05-economy.qmd")))
    assert [(c.line, c.arguments["table"], c.arguments["where"]) for c in calls] == [
        (12, "new.csv", {"measure": ["displaced", "created"]})]  # the computed call is left to run time


def test_chart_terms_are_columns_then_the_rows_it_draws(tmp_path: Path) -> None:
    root = _project(tmp_path, "term,zh_hant,en\n")
    terms = chartlabels.chart_terms(root / "data", "new.csv", "jobs", "measure", "edition",
                                    {"measure": ["displaced", "created"]})
    assert terms == ["jobs", "measure", "edition", "displaced", "2020", "created"]


def test_every_missing_label_is_reported_at_once(tmp_path: Path) -> None:
    root = _project(tmp_path, "term,zh_hant,en\njobs,工作崗位,Jobs\n")
    with pytest.raises(ChartLabelsMissingError) as caught:
        chartlabels.check_chapters(root / "data", root, [parse(root / "chapters/05-economy.qmd")])
    message = describe(caught.value, root)
    assert str(root) not in message and "Error" not in message
    assert_golden(message + "\n", GOLDEN / "errors" / "chart-labels-missing.txt")

    # the rows it offers, pasted and filled in, are all that was missing
    rows = message.splitlines()[1:]
    filled = "".join(f"{row.rstrip(',')},標籤,Label\n" for row in rows)
    labels = root / "data/chart-labels.csv"
    labels.write_text(labels.read_text(encoding="utf-8") + filled, encoding="utf-8")
    chartlabels.check_chapters(root / "data", root, [parse(root / "chapters/05-economy.qmd")])


def test_pasted_rows_left_empty_are_named(tmp_path: Path) -> None:
    root = _project(tmp_path, "term,zh_hant,en\njobs,工作崗位,Jobs\nmeasure,,\n\"a, b\",甲,\n")
    with pytest.raises(RegistryError) as caught:
        chartlabels.load(root / "data/chart-labels.csv")
    assert describe(caught.value, root) == (
        "data/chart-labels.csv:3: a label is empty on line(s) 3 ('measure'), 4 ('a, b'): write the term and "
        "both labels (zh_hant, en) readers see")


def test_the_offered_rows_are_valid_csv(tmp_path: Path) -> None:
    error = chartlabels.missing_error(tmp_path / "data/chart-labels.csv", tmp_path,
                                      {"Arts, design": ["chapters/x.qmd:3"], 'say "hi"': ["t.csv"]})
    rows = list(csv.reader(io.StringIO(error.message.split("\n", 1)[1])))
    assert rows == [["Arts, design", "", ""], ['say "hi"', "", ""]]


def test_the_table_may_be_positional_or_named(tmp_path: Path) -> None:
    root = _project(tmp_path, "term,zh_hant,en\n")
    chapter = root / "chapters/other.qmd"
    chapter.write_text('---\ntitle: 其他\n---\n\n```{python}\nbar_chart(table="new.csv", value="jobs", '
                       'category="measure", unit="count")\n'
                       'bar_chart("new.csv", "jobs", "measure", unit="count")\n```\n',
                       encoding="utf-8")
    calls = list(chartlabels.chart_calls(parse(chapter)))
    assert [(c.line, c.arguments["table"], c.arguments["category"]) for c in calls] == [
        (6, "new.csv", "measure"), (7, "new.csv", "measure")]
