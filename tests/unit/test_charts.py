"""A chart's static SVG is drawn once, though the page's HTML and the PDF's image both carry it."""

from __future__ import annotations

from typing import Any

import pytest
import vl_convert

from reportkit.api.charts import ENGINE_ENV, Chart
from reportkit.i18n import LANGUAGES

SPEC = {"mark": "bar", "data": {"values": [{"a": 1}]}, "encoding": {"x": {"field": "a", "type": "quantitative"}}}


def test_the_svg_is_drawn_once_for_both_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[dict[str, Any]] = []

    def draw(spec: dict[str, Any]) -> str:
        drawn.append(spec)
        return "<svg>drawn</svg>"

    monkeypatch.setattr(vl_convert, "vegalite_to_svg", draw)
    monkeypatch.setenv(ENGINE_ENV, "embedded")
    bundle, metadata = Chart(SPEC, "table.csv", LANGUAGES["en"])._repr_mimebundle_()
    assert bundle["image/svg+xml"] == "<svg>drawn</svg>"
    assert '<div class="vega-static"><svg>drawn</svg></div>' in bundle["text/html"]
    assert metadata == {"reportkit": {"table": "table.csv"}}
    assert drawn == [SPEC]
