"""`stat()` as chapters see it: the Markdown span and language selection."""

from __future__ import annotations

from pathlib import Path

import pytest
import typst

from reportkit import stat, statistics_table
from reportkit.errors import UnknownStatisticError
from reportkit.tools import pandoc

from ..conftest import FIXTURES


@pytest.fixture
def mini(monkeypatch: pytest.MonkeyPatch) -> Path:
    root = FIXTURES / "mini"
    monkeypatch.setenv("REPORTKIT_ROOT", str(root))
    monkeypatch.delenv("REPORTKIT_LANG", raising=False)
    monkeypatch.delenv("QUARTO_PROFILE", raising=False)
    return root


def test_markdown_form_carries_identity(mini: Path) -> None:
    assert stat("gs-arts-exposed")._repr_markdown_() == r'[26\%]{.stat data-stat="gs-arts-exposed"}'


@pytest.mark.parametrize(
    ("env", "value", "expected"),
    [("REPORTKIT_LANG", "en", "85 million"), ("REPORTKIT_LANG", "zh-Hans", "8,500万"),
     ("QUARTO_PROFILE", "en", "85 million"), ("QUARTO_PROFILE", "", "8,500萬")],
)
def test_language_from_environment(mini: Path, monkeypatch: pytest.MonkeyPatch,
                                   env: str, value: str, expected: str) -> None:
    monkeypatch.setenv(env, value)
    assert str(stat("wef-jobs-displaced")) == expected


def test_unknown_id(mini: Path) -> None:
    with pytest.raises(UnknownStatisticError, match="unknown statistic id 'nope'"):
        stat("nope")


def test_statistics_table_anchors_are_labels_typst_can_attach(mini: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The data & sources table through pandoc's typst writer, as Quarto's PDF gets it: each
    `#stat-<id>` anchor must label the value (else typst warns "label is not attached to
    anything", once per statistic)."""
    monkeypatch.setenv("REPORTKIT_LANG", "zh-Hant")
    markdown = statistics_table()._repr_markdown_()
    source = pandoc.run(["-f", "markdown-citations", "-t", "typst"], stdin=markdown)
    assert "<stat-gs-arts-exposed>" in source
    (tmp_path / "table.typ").write_text(source, encoding="utf-8")
    _, warnings = typst.compile_with_warnings(str(tmp_path / "table.typ"), ignore_system_fonts=True)
    assert [str(w.message) for w in warnings] == []
