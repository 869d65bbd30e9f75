"""The datapackage checks each CSV cell against the type data/README.md declares for its column."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportkit.errors import RegistryError
from reportkit.evidence.bibliography import Bibliography
from reportkit.evidence.datapackage import datapackage

README = """# Data

## `forecasts.csv`

Forecasts.

| column | type | unit | meaning |
|---|---|---|---|
| `label` | string | — | what is forecast |
| `horizon` | integer | year | forecast year |
| `share` | number | fraction | the forecast share |
| `published` | date | YYYY-MM-DD | when it was published |
"""


def _descriptor(tmp_path: Path, rows: str) -> dict[str, object]:
    (tmp_path / "README.md").write_text(README, encoding="utf-8")
    (tmp_path / "forecasts.csv").write_text("label,horizon,share,published\n" + rows, encoding="utf-8")
    return datapackage(tmp_path, Bibliography(tmp_path / "references.bib", {}, {}), "x", "X")


def test_values_of_their_declared_types_pass(tmp_path: Path) -> None:
    descriptor = _descriptor(tmp_path, "a,2030,0.25,2025-03-01\nb,,-1e-3,\n")
    assert [r["name"] for r in descriptor["resources"]] == ["forecasts"]  # type: ignore[index]


@pytest.mark.parametrize(("row", "column"), [
    ("a,2030.5,0.25,2025-03-01", "horizon"),
    ("a,2030,25%,2025-03-01", "share"),
    ("a,2030,0.25,2025-02-30", "published"),
])
def test_a_value_not_of_its_declared_type_is_an_error_at_its_line(tmp_path: Path, row: str, column: str) -> None:
    with pytest.raises(RegistryError) as raised:
        _descriptor(tmp_path, "b,2031,0.5,2025-01-01\n" + row + "\n")
    assert (raised.value.path, raised.value.line) == (tmp_path / "forecasts.csv", 3)
    assert f"`{column}`" in raised.value.message
