"""Charts for chapters: altair bar charts drawn from the tidy tables in ``data/``.

One theme (the language's Noto face), category and axis labels from
``data/chart-labels.csv`` (never typed in code), value labels formatted like
``stat()``. A chart shows in two forms: HTML gets the Vega-Lite spec, drawn by the
site's own Vega runtime (interactive, with tooltips) over a static SVG; PDF gets
the static SVG from vl-convert. Both carry the table the chart draws, so the page
links its data (CSV) and the PDF figure links to it.
"""

from __future__ import annotations

import html
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportkit.api import chartlabels
from reportkit.api.chartlabels import LABELS_FILE
from reportkit.api.stats import current_data_dir, current_language, current_registry, localize, project_if_any
from reportkit.errors import ChartError, RegistryError
from reportkit.evidence.numbers import format_value
from reportkit.evidence.registry import fill_placeholders
from reportkit.i18n import Language
from reportkit.textfile import read_text

FONTS = {"zh-Hant": "Noto Sans CJK TC", "zh-Hans": "Noto Sans CJK SC", "en": "Noto Sans"}
AXIS_FORMATS = {"percent": ".0%"}
DATA_HREF = "../data/"  # the datasets, from a page in a language's folder (the engine adjusts it per page)
ENGINE_ENV = "REPORTKIT_ENGINE"  # "embedded" in the embedded engine's kernels
WIDTH = 440
BAR = 26  # height per bar, px


def _labels_file() -> tuple[Path, Path]:
    """The labels file, and the folder its messages are relative to (the project, else the data's)."""
    project = project_if_any()
    data_dir = current_data_dir()
    return data_dir / LABELS_FILE, project.root if project is not None else data_dir.parent


def label(term: str, language: Language) -> str:
    """A chart label (a category of a table, or a column name) in `language`."""
    path, root = _labels_file()
    labels = chartlabels.load(path)
    if term not in labels:
        raise chartlabels.missing_in_chart(path, root, None, [term])
    row = labels[term]
    text = row["en"] if language.code == "en" else localize(row["zh_hant"], language, project_if_any())
    return fill_placeholders(text, current_registry(), language)


def _theme(language: Language) -> dict[str, Any]:
    font = FONTS[language.code]
    return {
        "font": font,
        "background": "transparent",
        "view": {"stroke": None},
        "axis": {"labelFont": font, "titleFont": font, "labelFontSize": 11, "titleFontSize": 11,
                 "gridColor": "#e3e5e8", "domainColor": "#8a8f98", "tickColor": "#8a8f98"},
        "legend": {"labelFont": font, "titleFont": font, "orient": "bottom"},
        "text": {"font": font, "fontSize": 11},
        "range": {"category": ["#0b5cad", "#e07b24", "#4c9a5a", "#8f5ab8"]},
    }


@dataclass
class Chart:
    """A chart ready for both formats; what a chapter cell returns."""

    spec: dict[str, Any]
    table: str
    language: Language
    _svg: str | None = field(default=None, init=False, repr=False, compare=False)

    def svg(self) -> str:
        """The static SVG, drawn once (the page's HTML and the PDF's image both carry it; a
        drawing costs ~0.1 s of CPU)."""
        if self._svg is None:
            import vl_convert

            self._svg = str(vl_convert.vegalite_to_svg(self.spec))
        return self._svg

    def html(self) -> str:
        spec = json.dumps(self.spec, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
        data = f"{DATA_HREF}{self.table}"
        link_text = self.language.t("data-csv")
        return (
            f'<div class="vega-chart" role="img" aria-label="">'
            f'<script type="application/json" class="vega-spec">{spec}</script>'
            f'<div class="vega-static">{self.svg()}</div></div>\n'
            f'<p class="chart-data"><a href="{html.escape(data)}" download>{link_text}</a></p>'
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
        """The embedded engine shows the interactive HTML (and puts the cell's fig-alt on it);
        elsewhere (Quarto) the chart is only the static SVG, so the renderer makes it an image
        that carries the cell's fig-alt."""
        metadata = {"reportkit": {"table": self.table}}
        if os.environ.get(ENGINE_ENV) != "embedded":
            return {"image/svg+xml": self.svg()}, metadata
        return {"text/html": self.html(), "image/svg+xml": self.svg()}, metadata


def _decimals(value: float, unit: str) -> int:
    """Decimals a bar's label needs to show its value exactly (21.4% -> 1)."""
    shown = value * 100 if unit == "percent" else value
    return next(d for d in range(4) if abs(round(shown, d) - shown) < 1e-9) if shown == shown else 0


BASE_COLUMN = "base"  # in a table of shares: the population each row's share is a share of


def one_base(bases: list[object], table: Path) -> None:
    """A chart's value axis must have one base population: shares of different populations
    (all respondents, and the quarter of them already using a tool) side by side on one
    axis read as if they were comparable."""
    distinct = list(dict.fromkeys(str(b) for b in bases))
    if len(distinct) > 1:
        raise ChartError(f"one axis would mix base populations ({'; '.join(distinct)}): draw one chart per "
                         f"`{BASE_COLUMN}` (where={{\"{BASE_COLUMN}\": ...}}) and name the base in its caption", table)


def bar_chart(table: str, value: str, category: str, *, unit: str, group: str | None = None,
              where: dict[str, str | list[str]] | None = None) -> Chart:
    """Horizontal bars of `value` per `category` (grouped by `group`) from `data/<table>`.

    `where` keeps the rows whose column equals a value (or one of a list of values);
    rows stay in the table's order. Values are labelled at the bar ends as `stat()`
    would format them, and in the tooltip.
    """
    import altair as alt
    import pandas as pd

    language = current_language()
    path = current_data_dir() / table
    frame = pd.read_csv(io.StringIO(read_text(path, RegistryError)))
    for column, wanted in (where or {}).items():
        values = [wanted] if isinstance(wanted, str) else wanted
        frame = frame[frame[column].astype(str).isin(values)]
    if frame.empty:
        raise RegistryError(f"no rows of {table} match {where}", current_data_dir() / table)
    one_base(list(frame[BASE_COLUMN]) if BASE_COLUMN in frame.columns else [], current_data_dir() / table)
    labels_path, root = _labels_file()
    absent = chartlabels.missing(chartlabels.load(labels_path),
                                 chartlabels.chart_terms(current_data_dir(), table, value, category, group, where))
    if absent:  # every label this chart lacks, at once
        raise chartlabels.missing_in_chart(labels_path, root, f"data/{table}", absent)
    order = list(dict.fromkeys(label(str(v), language) for v in frame[category]))
    rows = pd.DataFrame({
        "category": [label(str(v), language) for v in frame[category]],
        "value": frame[value].astype(float),
        "text": [format_value(float(v), unit, _decimals(float(v), unit), language) for v in frame[value]],
    })
    encoding: dict[str, Any] = {
        "y": alt.Y("category:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
        "x": alt.X("value:Q", title=label(value, language),
                   axis=alt.Axis(format=AXIS_FORMATS.get(unit, "~s"), tickCount=5)),
        "tooltip": [alt.Tooltip("category:N", title=label(category, language)),
                    alt.Tooltip("text:N", title=label(value, language))],
    }
    if group is not None:
        rows["group"] = [label(str(v), language) for v in frame[group]]
        groups = list(dict.fromkeys(rows["group"]))
        encoding["color"] = alt.Color("group:N", sort=groups, title=label(group, language))
        encoding["yOffset"] = alt.YOffset("group:N", sort=groups)
        encoding["tooltip"].insert(1, alt.Tooltip("group:N", title=label(group, language)))
    bars = alt.Chart(rows).mark_bar().encode(**encoding)
    text = bars.mark_text(align="left", baseline="middle", dx=4).encode(text="text:N")
    height = BAR * len(rows) if group else BAR * len(order)
    chart = alt.layer(bars, text).properties(width=WIDTH, height=height).configure(**_theme(language))
    return Chart(chart.to_dict(), table, language)
