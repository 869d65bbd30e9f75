"""Real Quarto renders the same project: the profiles' shape, the adapter's command line
(with a fake `quarto` that records its arguments), and, where Quarto is installed, a real render."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from reportkit.i18n import LANGUAGES
from reportkit.project import Project

from ..conftest import ROOT, Result, copy_report
from ..figures import close, parse_displayed

requires_quarto = pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto is not on PATH")


def _yaml(name: str) -> dict[str, object]:
    data = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _chapters(book: dict[str, object]) -> list[str]:
    out: list[str] = []
    for item in book["chapters"]:  # type: ignore[union-attr]
        out += item["chapters"] if isinstance(item, dict) else [item]
    return out + list(book.get("appendices", []))  # type: ignore[arg-type]


def test_shared_config_has_no_chapter_list_and_declares_the_profiles() -> None:
    config = _yaml("_quarto.yml")
    # Quarto appends a profile's arrays to _quarto.yml's, so chapters live only in profiles
    assert "book" not in config
    assert config["project"] == {"type": "book", "pre-render": "python -m reportkit pre-render"}
    languages = config["reportkit"]["languages"]  # type: ignore[index]
    assert config["profile"] == {"default": "zh-Hant", "group": [languages]}
    assert config["jupyter"] == "python3"
    assert set(config["format"]) == {"html", "typst"}  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["zh-Hant", "zh-Hans", "en"])
def test_each_language_is_a_profile(code: str) -> None:
    profile = _yaml(f"_quarto-{code}.yml")
    assert profile["lang"] == {"zh-Hant": "zh-TW", "zh-Hans": "zh-CN", "en": "en"}[code]
    assert profile["lang"] == LANGUAGES[code].csl
    assert profile["project"] == {"output-dir": f"_site/{code}"}
    source = [p.replace("/zh-Hant/", f"/{code}/") for p in _chapters(_yaml("_quarto-zh-Hant.yml")["book"])]  # type: ignore[arg-type]
    assert _chapters(profile["book"]) == source  # type: ignore[arg-type]
    assert _chapters(profile["book"])[0] == f"chapters/{code}/index.qmd"


@pytest.fixture
def fake_quarto(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `quarto` on PATH that records each call (arguments, folder, profile) and succeeds."""
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "quarto-calls.txt"
    script = folder / "quarto"
    script.write_text(f'#!/bin/sh\necho "$PWD|$*" >> {log}\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return log


def test_engine_quarto_renders_each_profile(tmp_path: Path, fake_quarto: Path,
                                            run_cli: Callable[..., Result]) -> None:
    root = copy_report(tmp_path / "report")
    assert run_cli("--project", root, "render", "--engine", "quarto").code == 0
    calls = fake_quarto.read_text(encoding="utf-8").splitlines()
    assert calls == [f"{root}|render --profile {code}" for code in ("zh-Hant", "zh-Hans", "en")]
    assert (root / "chapters/zh-Hans/05-economy.qmd").is_file()  # the pre-render step ran first


def test_engine_quarto_pdf_only(tmp_path: Path, fake_quarto: Path, run_cli: Callable[..., Result]) -> None:
    root = copy_report(tmp_path / "report")
    assert run_cli("--project", root, "render", "--engine", "quarto", "--to", "pdf").code == 0
    assert fake_quarto.read_text(encoding="utf-8").splitlines()[0] == f"{root}|render --profile zh-Hant --to typst"


def test_pre_render_writes_the_generated_language(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    root = copy_report(tmp_path / "report")
    result = run_cli("--project", root, "pre-render")
    assert result.code == 0
    assert "chapters/zh-Hans/index.qmd" in result.out
    assert "经济影响" in (root / "chapters/zh-Hans/05-economy.qmd").read_text(encoding="utf-8")


def test_missing_quarto_is_a_clear_error(tmp_path: Path, run_cli: Callable[..., Result],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    root = copy_report(tmp_path / "report")
    result = run_cli("--project", root, "render", "--quiet", "--engine", "quarto")
    assert result.code == 1
    assert result.err.startswith("reportkit: quarto not found on PATH: install Quarto")


@requires_quarto
@pytest.mark.requires_quarto
def test_real_quarto_renders_every_figure_as_the_registry_says(tmp_path: Path,
                                                                run_cli: Callable[..., Result]) -> None:
    root = copy_report(tmp_path / "report")
    assert run_cli("--project", root, "render", "--engine", "quarto", "--to", "html").code == 0
    project = Project(root)
    for lang in project.languages:
        spans = [span for page in sorted((project.output_dir / lang.code).rglob("*.html"))
                 for span in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select("span.stat")]
        assert spans, f"no statistics in Quarto's {lang.code} output"
        for span in spans:
            stat_ = project.registry[span["data-stat"]]
            low, _, _ = parse_displayed(span.get_text())
            assert close(low, stat_.value), (lang.code, span["data-stat"], span.get_text())
