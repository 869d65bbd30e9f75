"""`stat()` as chapters see it: the Markdown span and language selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportkit import stat
from reportkit.errors import UnknownStatisticError

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
