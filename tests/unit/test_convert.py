"""Simplified Chinese generated from the Traditional Chinese source (OpenCC tw2sp + glossary)."""

from __future__ import annotations

import pytest

from reportkit.config.hans import convert_chapter, read_glossary, to_hans
from reportkit.config.project import Project

from ..conftest import ROOT

GLOSSARY = read_glossary(ROOT / "chapters/zh-Hans.glossary.csv")


@pytest.mark.parametrize(
    ("hant", "hans"),
    [
        ("軟體", "软件"),  # phrase-level conversion, not character by character
        ("人工智慧", "人工智能"),
        ("網路資料", "网络数据"),
        ("數位浮水印", "数字水印"),  # glossary: OpenCC keeps 浮水印
        ("核心議題", "核心议题"),  # glossary: OpenCC would give 内核
        ("作者身分", "作者身份"),  # glossary
    ],
)
def test_conversion_with_glossary(hant: str, hans: str) -> None:
    assert to_hans(hant, GLOSSARY) == hans


def test_without_glossary_opencc_alone_gets_these_wrong() -> None:
    assert to_hans("核心議題") == "内核议题"
    assert to_hans("數位浮水印") == "数字浮水印"


def test_code_and_ids_are_not_converted() -> None:
    source = (
        "---\ntitle: 經濟影響\n---\n\n```{python}\n#| fig-cap: 各產業的自動化暴露\nlabel = '軟體'\n```\n\n"
        '## 軟體 {#sec-軟體-x}\n\n約 `{python} stat("gs-軟體")` 的網路 [@key]。\n'
    )
    converted = convert_chapter(source, GLOSSARY)
    assert "title: 经济影响" in converted
    assert "#| fig-cap: 各产业的自动化暴露" in converted  # captions are prose
    assert "label = '軟體'" in converted  # code is not
    assert '`{python} stat("gs-軟體")`' in converted  # inline expressions are not
    assert "的网络 [@key]。" in converted
    assert converted.count("\n") == source.count("\n")  # lines stay aligned with the source


def test_committed_zh_hans_profile_is_the_generated_one() -> None:
    project = Project(ROOT)
    hans = next(lang for lang in project.languages if project.is_generated(lang))
    committed = (ROOT / f"_quarto-{hans.code}.yml").read_text(encoding="utf-8")
    assert committed == project.generated_profile_text(hans), (
        "_quarto-zh-Hans.yml is out of date: run `reportkit render` and commit it"
    )


def test_generated_profile_lists_the_generated_chapters() -> None:
    source = [str(p) for p in (ROOT / "_quarto-zh-Hant.yml").read_text(encoding="utf-8").split()
              if p.startswith("chapters/")]
    generated = [str(p) for p in (ROOT / "_quarto-zh-Hans.yml").read_text(encoding="utf-8").split()
                 if p.startswith("chapters/")]
    assert generated == [p.replace("/zh-Hant/", "/zh-Hans/") for p in source]
