"""The PDF edition: one per language, real CJK fonts embedded, no empty boxes, reproducible."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from bs4 import BeautifulSoup

from reportkit.config.project import Project
from reportkit.engine import embedded
from reportkit.outputs.book import pdf_name

from ..conftest import ROOT, Result, copy_report
from ..pdfs import font_names, notdef_glyphs

ARTIFACTS = ROOT / "test-artifacts" / "pdf"
EXPECTED_FONTS = {"zh-Hant": "NotoSerifCJKtc", "zh-Hans": "NotoSerifCJKsc", "en": "NotoSerif-"}


def _pdf(project: Project, code: str) -> Path:
    language = next(lang for lang in project.languages if lang.code == code)
    return project.output_dir / code / pdf_name(project, language)


@pytest.mark.parametrize("code", list(EXPECTED_FONTS))
def test_pdf_metadata_and_outline(rendered_report: Project, code: str) -> None:
    reader = pypdf.PdfReader(_pdf(rendered_report, code))
    book = rendered_report.book(next(lang for lang in rendered_report.languages if lang.code == code))
    assert reader.metadata is not None
    assert reader.metadata.title == book.title
    assert reader.metadata.author == ", ".join(book.authors)
    assert str(reader.trailer["/Root"]["/Lang"]).startswith(code.split("-")[0])
    top_level = [item.title for item in reader.outline if not isinstance(item, list)]
    assert len(top_level) == len(rendered_report.chapters)


@pytest.mark.parametrize("code", list(EXPECTED_FONTS))
def test_pdf_embeds_the_language_fonts_and_draws_every_glyph(rendered_report: Project, code: str) -> None:
    path = _pdf(rendered_report, code)
    reader = pypdf.PdfReader(path)
    body = next(i for i, page in enumerate(reader.pages) if "%" in page.extract_text())  # a page with figures
    for index in (0, body):
        assert any(EXPECTED_FONTS[code] in name for name in font_names(reader, index)), font_names(reader, index)
    for index in range(len(reader.pages)):
        assert notdef_glyphs(reader, index) == 0, f"page {index + 1} draws missing glyphs"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(path)
    for index in (0, body):
        image = document[index].render(scale=1).to_pil()
        image.save(ARTIFACTS / f"{code}-page{index + 1}.png")
        dark = sum(image.convert("L").histogram()[:128])
        assert dark > 500, f"page {index + 1} renders (almost) blank"
    document.close()


def test_missing_glyph_detector_can_fail(tmp_path: Path) -> None:
    import typst

    source = tmp_path / "tofu.typ"
    source.write_text('#set text(font: "Noto Serif")\nLatin and 中文', encoding="utf-8")
    latin_only = [str(p.parent) for p in Path("/usr/share/fonts").rglob("NotoSerif-Regular.ttf")]
    typst.compile(str(source), output=str(tmp_path / "tofu.pdf"), font_paths=latin_only, ignore_system_fonts=True)
    assert notdef_glyphs(tmp_path / "tofu.pdf", 0) == 2


def test_every_page_links_its_languages_pdf(rendered_report: Project) -> None:
    for lang in rendered_report.languages:
        for entry in rendered_report.chapters:
            page = rendered_report.output_dir / lang.code / entry.page(lang.code)
            link = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("a.pdf-link")
            assert link is not None
            assert (page.parent / link["href"]).resolve() == (
                rendered_report.output_dir / lang.code / pdf_name(rendered_report, lang)).resolve()


def test_same_commit_gives_identical_pdfs_in_two_folders(
    rendered_report: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same sources give the same PDF bytes in any folder. The first folder is the sources
    with the session build's cache: its chapters ran in a third folder and are reused, and so
    are its books' typst sources; its PDFs are compiled here (the PDF's cache key holds the
    timestamp, which the session's build did not have). The second folder is built cold, so
    every step that could see the folder runs in two other places. Neither has HTML pages, so
    neither build reads its PDFs back against them."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    first = copy_report(tmp_path / "first")
    shutil.copytree(rendered_report.root / "_cache", first / "_cache")
    second = copy_report(tmp_path / "second" / "nested")
    events: dict[Path, list[str]] = {first: [], second: []}
    for root, seen in events.items():
        embedded.render(Project(root), lambda _lang, name, event, seen=seen: seen.append(f"{name}: {event}"),
                        frozenset({"pdf"}))
    pdfs = {root: [e for e in seen if ".pdf: pdf " in e] for root, seen in events.items()}
    assert all(len(built) == len(rendered_report.languages) and not any(e.endswith("cached") for e in built)
               for built in pdfs.values()), pdfs
    assert [e for e in events[first] if e.endswith(": executed")] == []
    assert [e for e in events[second] if e.endswith(": cached")] == []
    digests = [{lang.code: hashlib.sha256(_pdf(Project(root), lang.code).read_bytes()).hexdigest()
                for lang in rendered_report.languages} for root in events]
    assert digests[0] == digests[1]


def test_missing_font_stops_the_build_with_the_package_to_install(
    rendered_report: Project, tmp_path: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = Path(shutil.copytree(rendered_report.root, tmp_path / "report"))
    before = {p: p.read_bytes() for p in (root / "_site").rglob("*.pdf")}
    monkeypatch.setenv("REPORTKIT_FONT_PATH", str(tmp_path / "no-fonts"))
    result = run_cli("--project", root, "render", "--quiet", "--to", "pdf")
    assert result.code == 1
    assert result.err.startswith("reportkit: font 'Noto Serif CJK TC' (NotoSerifCJK-Regular.ttc) not found")
    assert "sudo apt-get install fonts-noto-cjk" in result.err
    assert {p: p.read_bytes() for p in (root / "_site").rglob("*.pdf")} == before
