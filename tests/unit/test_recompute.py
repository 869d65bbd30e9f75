"""A derived registry row is read again from its source table (one row, selected by its filter)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportkit.errors import RegistryError
from reportkit.evidence.registry import Registry, recompute

MINI_DATA = Path(__file__).parents[1] / "fixtures" / "mini" / "data"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return Path(shutil.copytree(MINI_DATA, tmp_path / "data"))


def _recompute(data: Path) -> float:
    return recompute(Registry.load(data)["gs-arts-exposed"], data)  # share_exposed where industry=Arts and media


def _table(data: Path, text: str) -> None:
    (data / "exposure.csv").write_text(text, encoding="utf-8")


def test_the_filtered_cell_is_the_value(data: Path) -> None:
    _table(data, "industry,share_exposed\nAll industries,0.25\n\nArts and media,0.31\n")
    assert _recompute(data) == pytest.approx(0.31)


@pytest.mark.parametrize(("table", "message"), [
    ("industry,share\nArts and media,0.26\n", "column 'share_exposed' not in exposure.csv"),
    ("sector,share_exposed\nArts and media,0.26\n", "filter column 'industry' not in exposure.csv"),
    ("industry,share_exposed\nArts and media,0.26\nArts and media,0.27\n",
     "filter 'industry=Arts and media' selects 2 rows of exposure.csv, not one"),
    ("industry,share_exposed\nArts,0.26\n", "filter 'industry=Arts and media' selects 0 rows of exposure.csv, not one"),
])
def test_a_table_that_does_not_give_one_value_is_an_error(data: Path, table: str, message: str) -> None:
    _table(data, table)
    with pytest.raises(RegistryError) as raised:
        _recompute(data)
    assert raised.value.message == f"[gs-arts-exposed] {message}"
