"""`reportkit new`: a starter report in each source language that renders and passes its checks."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import yaml

from reportkit import __version__
from reportkit.config.project import Project

from ..conftest import GOLDEN, Result, assert_golden

CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
TEXT_SUFFIXES = {".yml", ".qmd", ".md", ".csv", ".bib", ".py", ".html", ".js", ".json", ".txt", ""}


def _text_files(folder: Path) -> list[Path]:
    return [p for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix in TEXT_SUFFIXES
            and "_cache" not in p.parts]


def test_new_writes_a_project_named_after_its_folder(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    target = tmp_path / "Annual Review 3"
    result = run_cli("new", target)
    assert result.code == 0, result.err
    config = yaml.safe_load((target / "_quarto.yml").read_text(encoding="utf-8"))["reportkit"]
    assert config["slug"] == "annual-review-3"
    assert config["source-language"] == "zh-Hant"
    assert config["generated"] == {"zh-Hans": "zh-Hant"}
    assert config["edition"] == date.today().year
    for name in ("README.md", "noxfile.py", ".gitignore", "data/statistics.csv", "data/README.md",
                 "bib/references.bib", "_quarto-zh-Hant.yml", "index.zh-Hant.qmd"):
        assert (target / name).is_file(), name
    for path in _text_files(target):
        assert "{{ " not in path.read_text(encoding="utf-8"), f"{path}: a placeholder is left"
    nox_default = re.search(r'os.environ.get\("REPORTKIT", "([^"]+)"\)', (target / "noxfile.py").read_text())
    assert nox_default, "the noxfile names the reportkit it installs"
    assert Path(nox_default.group(1)).exists() or nox_default.group(1) == f"reportkit=={__version__}"
    readme = (target / "README.md").read_text(encoding="utf-8")
    assert "reportkit render" in readme and "reportkit check" in readme and "## Adding a language" in readme
    project = Project(target)
    project.validate()
    assert [entry.name for entry in project.chapters] == ["index.qmd", "01-introduction.qmd", "references.qmd"]


def test_new_english_report_has_no_chinese(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    target = tmp_path / "report-en"
    assert run_cli("new", target, "--language", "en").code == 0
    project = Project(target)
    assert [lang.code for lang in project.languages] == ["en"]
    project.validate()
    for path in _text_files(target):
        assert not CJK.search(path.read_text(encoding="utf-8")), f"{path.relative_to(target)} has Chinese"


def test_new_into_an_empty_folder(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    assert run_cli("new", tmp_path, "--language", "en").code == 0
    assert (tmp_path / "_quarto-en.yml").is_file()


def test_new_refuses_a_folder_that_is_not_empty(run_cli: Callable[..., Result], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli("new", "mine")
    assert result.code == 1
    assert_golden(result.err, GOLDEN / "errors" / "new-not-empty.txt")
    assert [p.name for p in (tmp_path / "mine").iterdir()] == ["notes.txt"]


@pytest.mark.slow
@pytest.mark.parametrize("language", ["zh-Hant", "en"])
def test_new_report_renders_and_passes_check(run_cli: Callable[..., Result], tmp_path: Path, language: str) -> None:
    target = tmp_path / "demo"
    assert run_cli("new", target, "--language", language).code == 0
    rendered = run_cli("--project", target, "render", "--quiet")
    assert rendered.code == 0, rendered.err
    checked = run_cli("--project", target, "check", "--strict")
    assert checked.code == 0, checked.out
    project = Project(target)
    for lang in project.languages:
        assert (target / "_site" / lang.code / f"demo-{lang.code}.pdf").is_file()
    if language == "en":
        for path in [*_text_files(target / "_site" / "en"), target / "_site" / "index.html"]:
            found = CJK.search(path.read_text(encoding="utf-8"))
            assert not found, f"{path.relative_to(target)}: {found.group()!r}"
