"""The `reportkit:` section of `_quarto.yml`: what a report configures instead of code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reportkit.config.hans import to_hans
from reportkit.config.model import load_config
from reportkit.config.project import Project
from reportkit.errors import ConfigError
from reportkit.starter import create


@pytest.fixture
def starter(tmp_path: Path) -> Path:
    create(tmp_path / "demo", "zh-Hant")
    return tmp_path / "demo"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_generated_language_takes_its_origin_alone_or_with_a_conversion(starter: Path) -> None:
    short = Project(starter)
    assert short.origin(short.languages[1]).code == "zh-Hant"
    assert short.conversion(short.languages[1]) == "tw2sp"  # the default
    _edit(starter / "_quarto.yml", "    zh-Hans: zh-Hant", "    zh-Hans: {from: zh-Hant, opencc: tw2s}")
    long = Project(starter)
    assert long.origin(long.languages[1]).code == "zh-Hant"
    assert long.conversion(long.languages[1]) == "tw2s"


def test_the_conversion_is_the_configured_one(starter: Path) -> None:
    _edit(starter / "_quarto.yml", "    zh-Hans: zh-Hant", "    zh-Hans: {from: zh-Hant, opencc: tw2s}")
    project = Project(starter)
    text = project.generated_profile_text(project.languages[1]) or ""
    assert "新报告" in text
    # tw2s converts characters only; tw2sp (the default) also converts Taiwanese phrases
    assert to_hans("軟體", conversion="tw2s") == "软体"
    assert to_hans("軟體") == "软件"


def _rejection(starter: Path, old: str, new: str) -> tuple[int, str]:
    """The line of `_quarto.yml` that `new` (in place of `old`) starts on, and the error it gets."""
    _edit(starter / "_quarto.yml", old, new)
    lines = (starter / "_quarto.yml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if new.strip().split("\n")[-1] in text)
    with pytest.raises(ConfigError) as caught:
        load_config(starter)
    return line, caught.value.format(starter)


def test_an_unknown_conversion_is_rejected_with_its_line(starter: Path) -> None:
    line, message = _rejection(starter, "    zh-Hans: zh-Hant", "    zh-Hans: {from: zh-Hant, opencc: tw2xx}")
    assert message == f"_quarto.yml:{line}: unknown OpenCC conversion 'tw2xx'"


def test_an_unknown_key_of_a_generated_language_is_rejected(starter: Path) -> None:
    _edit(starter / "_quarto.yml", "    zh-Hans: zh-Hant", "    zh-Hans: {from: zh-Hant, via: tw2sp}")
    with pytest.raises(ConfigError, match=re.escape("unknown key 'reportkit.generated.zh-Hans.via'")):
        load_config(starter)


def test_a_negative_cache_size_is_rejected_with_its_line(starter: Path) -> None:
    line, message = _rejection(starter, "reportkit:\n", "reportkit:\n  cache-size: -5\n")
    assert message == f"_quarto.yml:{line}: reportkit.cache-size: Input should be greater than or equal to 0"
