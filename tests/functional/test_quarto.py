"""Real Quarto renders the same project: the profiles' shape, the adapter's command line
(with a fake `quarto` that records its arguments), and, where Quarto is installed, a real render."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from reportkit.chapters.generated import generate
from reportkit.chapters.reader import parse
from reportkit.config.project import Project
from reportkit.config.typefaces import typst_header
from reportkit.i18n import LANGUAGES
from reportkit.markdown.assembler import section_numbers
from reportkit.outputs.book import pdf_name

from ..conftest import ROOT, TESTS, Result, copy_report, snapshot
from ..figures import close, parse_displayed
from ..pdfs import font_names

FAKE = TESTS / "fake_quarto.py"

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
    # a .py hook: Quarto runs it with its own Python (QUARTO_PYTHON), not the `python` on PATH
    assert config["project"] == {"type": "book", "pre-render": "_pre-render.py"}
    assert (ROOT / "_pre-render.py").is_file()
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
    source = [p.replace("zh-Hant", code) for p in _chapters(_yaml("_quarto-zh-Hant.yml")["book"])]  # type: ignore[arg-type]
    assert _chapters(profile["book"]) == source  # type: ignore[arg-type]
    # Quarto's home page rule: a project-relative path starting with "index."
    assert _chapters(profile["book"])[0] == f"index.{code}.qmd"
    assert profile["book"]["author"]  # type: ignore[index]  # Quarto's typst book needs one
    assert profile["format"]["typst"]["include-in-header"]["text"] == typst_header(LANGUAGES[code])  # type: ignore[index]


@pytest.fixture
def fake_quarto(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tests/fake_quarto.py as `quarto` on PATH; it logs each call (folder and arguments)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "quarto-calls.txt"
    script = folder / "quarto"
    script.write_text(f"#!{sys.executable}\nimport runpy\nrunpy.run_path({str(FAKE)!r}, run_name='__main__')\n",
                      encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_QUARTO_LOG", str(log))
    monkeypatch.setenv("QUARTO_PYTHON", sys.executable)
    return log


def _quarto(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["quarto", "render", *args], cwd=root, capture_output=True, text=True)


def _numbers(page: Path) -> tuple[str | None, list[str]]:
    """The chapter number and section numbers a page shows."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    title = soup.select_one("h1.title .chapter-number")
    return (title.get_text() if title else None,
            [s.get_text() for s in soup.select("h2 .header-section-number, h3 .header-section-number")])


@pytest.mark.parametrize("code", ["zh-Hant", "zh-Hans", "en"])
def test_quarto_alone_renders_each_profile_where_reportkit_publishes_it(
        tmp_path: Path, fake_quarto: Path, code: str) -> None:
    root = copy_report(tmp_path / "report")
    result = _quarto(root, "--profile", code)
    assert result.returncode == 0, result.stderr
    project = Project(root)
    language = LANGUAGES[code]
    site = project.output_dir / code
    assert (site / "index.html").is_file()
    for entry in project.chapters:
        page = site / entry.page(code)
        assert page.is_file(), page
        number, sections = _numbers(page)
        assert number == entry.number, (entry.name, number)  # the same numbering as the embedded engine
        chapter = parse(project.chapter_path(entry, language))
        assert sections == [n for n in section_numbers(chapter, entry).values()]
    assert (site / pdf_name(project, language)).is_file()
    assert typst_header(language) in (site / pdf_name(project, language)).read_text(encoding="utf-8")


def test_quarto_rejects_a_home_page_outside_the_root_as_reportkit_does(
        tmp_path: Path, fake_quarto: Path, run_cli: Callable[..., Result]) -> None:
    root = copy_report(tmp_path / "report")
    (root / "chapters/zh-Hant/index.qmd").write_bytes((root / "index.zh-Hant.qmd").read_bytes())
    profile = root / "_quarto-zh-Hant.yml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("- index.zh-Hant.qmd", "- chapters/zh-Hant/index.qmd"), encoding="utf-8")
    result = _quarto(root, "--profile", "zh-Hant")
    assert result.returncode == 1
    assert "ERROR: Book contents must include a home page (e.g. index.md)" in result.stderr
    assert run_cli("--project", root, "render", "--quiet").err.startswith(
        "_quarto-zh-Hant.yml:21: the first chapter must be the home page index.zh-Hant.qmd")


def test_generated_chapters_are_committed_because_quarto_checks_them_before_any_hook(
        tmp_path: Path, fake_quarto: Path) -> None:
    root = copy_report(tmp_path / "report")
    shutil.rmtree(root / "chapters/zh-Hans")
    result = _quarto(root, "--profile", "zh-Hans")
    assert result.returncode == 1
    assert "Book chapter 'chapters/zh-Hans/01-introduction.qmd' not found" in result.stderr
    committed = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8")
                 for p in [ROOT / "index.zh-Hans.qmd", *sorted((ROOT / "chapters/zh-Hans").glob("*.qmd"))]}
    project = Project(root)
    generate(project)
    hans = LANGUAGES["zh-Hans"]
    regenerated = {entry.source("zh-Hans"): project.chapter_path(entry, hans).read_text(encoding="utf-8")
                   for entry in project.chapters}
    assert committed == regenerated, "chapters/zh-Hans is stale: run `reportkit pre-render` and commit it"


def test_pre_render_hook_runs_with_quartos_python(tmp_path: Path, fake_quarto: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_report(tmp_path / "report")
    source = root / "chapters/zh-Hant/05-economy.qmd"
    source.write_text(source.read_text(encoding="utf-8").replace("經濟影響", "經濟的影響", 1), encoding="utf-8")
    # only the system's folders and Quarto on PATH: no `python` with reportkit there
    monkeypatch.setenv("PATH", f"{fake_quarto.parent / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin")
    result = _quarto(root, "--profile", "zh-Hans", "--to", "html")
    assert result.returncode == 0, result.stderr
    assert "经济的影响" in (root / "chapters/zh-Hans/05-economy.qmd").read_text(encoding="utf-8")
    assert "经济的影响" in (root / "_site/zh-Hans/chapters/zh-Hans/05-economy.html").read_text(encoding="utf-8")


def test_engine_quarto_renders_each_profile_and_publishes_the_site(
        tmp_path: Path, fake_quarto: Path, run_cli: Callable[..., Result]) -> None:
    root = copy_report(tmp_path / "report")
    assert run_cli("--project", root, "render", "--engine", "quarto").code == 0
    calls = fake_quarto.read_text(encoding="utf-8").splitlines()
    assert [c.split("|")[1].split(" --output-dir ")[0] for c in calls] == [
        f"render --profile {code}" for code in ("zh-Hant", "zh-Hans", "en")]
    site = root / "_site"
    assert (site / "index.html").is_file()  # the language chooser
    for code in ("zh-Hant", "zh-Hans", "en"):
        assert (site / code / "index.html").is_file()
        assert (site / code / f"chapters/{code}/05-economy.html").is_file()
        assert (site / code / f"genai-creative-industries-{code}.pdf").is_file()
    assert [p.name for p in root.iterdir() if p.name.startswith(".")] == []  # no staging left


def test_engine_quarto_pdf_only_keeps_the_html(tmp_path: Path, fake_quarto: Path,
                                               run_cli: Callable[..., Result]) -> None:
    root = copy_report(tmp_path / "report")
    assert run_cli("--project", root, "render", "--engine", "quarto", "--to", "html").code == 0
    page = root / "_site/en/chapters/en/05-economy.html"
    html = page.read_bytes()
    assert not (root / "_site/en/genai-creative-industries-en.pdf").exists()
    assert run_cli("--project", root, "render", "--engine", "quarto", "--to", "pdf").code == 0
    assert fake_quarto.read_text(encoding="utf-8").splitlines()[-1].split("|")[1].startswith(
        "render --profile en --to typst --output-dir ")
    assert page.read_bytes() == html  # Quarto's --to typst emptied its folder; the site kept the page
    assert (root / "_site/en/genai-creative-industries-en.pdf").is_file()
    assert run_cli("--project", root, "render", "--engine", "quarto", "--to", "html").code == 0
    assert (root / "_site/en/genai-creative-industries-en.pdf").is_file()  # and the PDF its own


def test_quarto_failure_is_one_plain_line_and_keeps_the_site(
        tmp_path: Path, fake_quarto: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_report(tmp_path / "report")
    assert run_cli("--project", root, "render", "--engine", "quarto", "--to", "html").code == 0
    before = snapshot(root / "_site")
    monkeypatch.setenv("FAKE_QUARTO_FAIL", "Jupyter kernel died")
    result = run_cli("--project", root, "render", "--quiet", "--engine", "quarto")
    assert result.code == 1
    assert result.err == "_quarto.yml: quarto render --profile zh-Hant failed: ERROR: Jupyter kernel died\n"
    assert snapshot(root / "_site") == before


def test_pre_render_writes_the_generated_language(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    root = copy_report(tmp_path / "report")
    shutil.rmtree(root / "chapters/zh-Hans")
    (root / "index.zh-Hans.qmd").unlink()
    result = run_cli("--project", root, "pre-render")
    assert result.code == 0
    assert "index.zh-Hans.qmd" in result.out
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
def test_real_quarto_renders_as_the_embedded_engine_does(tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    """What issue #15 asks of a real Quarto: every language in HTML and PDF, every statistic as
    the registry says, the embedded engine's chapter and section numbers, TC fonts for zh-Hant."""
    root = copy_report(tmp_path / "report")
    assert run_cli("--project", root, "render", "--engine", "quarto").code == 0
    project = Project(root)
    for lang in project.languages:
        site = project.output_dir / lang.code
        spans = [span for page in sorted(site.rglob("*.html"))
                 for span in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select("span.stat")]
        assert spans, f"no statistics in Quarto's {lang.code} output"
        for span in spans:
            stat_ = project.registry[span["data-stat"]]
            low, _, _ = parse_displayed(span.get_text())
            assert close(low, stat_.value), (lang.code, span["data-stat"], span.get_text())
        for entry in project.chapters:
            number, sections = _numbers(site / entry.page(lang.code))
            chapter = parse(project.chapter_path(entry, lang))
            assert (number, sections) == (entry.number, list(section_numbers(chapter, entry).values())), entry.name
        assert (site / pdf_name(project, lang)).is_file()
    fonts = {name for page in range(3) for name in font_names(project.output_dir / "zh-Hant" / pdf_name(
        project, LANGUAGES["zh-Hant"]), page)}
    assert any("CJKtc" in name or "CJK TC" in name for name in fonts), fonts
    assert not any("JP" in name for name in fonts), fonts
