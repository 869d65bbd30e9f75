"""A new chart whose labels are missing fails the render once, naming every missing label with
the rows to paste, before any chapter runs; the last site is kept. A chart whose table is
computed is checked when drawn, and says the same without an exception class or an absolute
path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..conftest import GOLDEN, Result, assert_golden, snapshot
from .test_bad_input import CHAPTER, _append

CHART = ('\n```{python}\n#| label: fig-exposure\n#| fig-cap: "暴露"\n#| fig-alt: "橫條圖"\n'
         'from reportkit import bar_chart\n'
         'bar_chart(TABLE, value="share_exposed", category="industry", unit="percent")\n```\n')


def _add_labels(root: Path) -> None:
    """A labels file (documented, as every data file must be) with one of the chart's labels."""
    (root / "data/chart-labels.csv").write_text("term,zh_hant,en\nindustry,產業,Industry\n", encoding="utf-8")
    with (root / "data/README.md").open("a", encoding="utf-8") as readme:
        readme.write("\n## `chart-labels.csv`\n\n| column | type | unit | meaning |\n|---|---|---|---|\n"
                     "| `term` | string | — | a category or column name |\n| `zh_hant` | string | — | label |\n"
                     "| `en` | string | — | label |\n")


def test_a_new_chart_reports_every_missing_label_at_once(mini_with_site: Path,
                                                         run_cli: Callable[..., Result]) -> None:
    before = snapshot(mini_with_site / "_site")
    _add_labels(mini_with_site)
    _append(mini_with_site / CHAPTER, CHART.replace("TABLE", '"exposure.csv"'))

    result = run_cli("--project", mini_with_site, "render", "--quiet")

    assert result.code == 1
    assert_golden(result.err, GOLDEN / "errors" / "render-chart-labels-missing.txt")
    assert snapshot(mini_with_site / "_site") == before

    rows = result.err.splitlines()[1:]
    labels = mini_with_site / "data/chart-labels.csv"
    labels.write_text(labels.read_text(encoding="utf-8") + "".join(f"{row.rstrip(',')},標籤,Label\n" for row in rows),
                      encoding="utf-8")
    assert run_cli("--project", mini_with_site, "render", "--quiet", "--to", "html").code == 0


def test_a_computed_chart_reports_its_missing_labels_when_drawn(mini_with_site: Path,
                                                                run_cli: Callable[..., Result]) -> None:
    _add_labels(mini_with_site)
    _append(mini_with_site / CHAPTER, CHART.replace("TABLE", '"exposure" + ".csv"'))

    result = run_cli("--project", mini_with_site, "render", "--quiet", "--to", "html")

    assert result.code == 1
    assert str(mini_with_site) not in result.err and "Error" not in result.err
    assert_golden(result.err, GOLDEN / "errors" / "cell-chart-labels-missing.txt")
