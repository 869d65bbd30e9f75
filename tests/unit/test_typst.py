"""The typst adapter: a compile in a child process that loads typst alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportkit.errors import ToolFailedError
from reportkit.tools.typst import Font, compile_pdf, locate_fonts

LATIN = [Font("Noto Serif", "NotoSerif-Regular.ttf", "fonts-noto-core")]


def test_a_source_compiles_to_the_same_pdf_each_time(tmp_path: Path) -> None:
    source = tmp_path / "book.typ"
    source.write_text('#set text(font: "Noto Serif")\nHello, world.\n', encoding="utf-8")
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    compile_pdf(source, first, locate_fonts(LATIN), timestamp=1_700_000_000)
    compile_pdf(source, second, locate_fonts(LATIN), timestamp=1_700_000_000)
    assert first.read_bytes().startswith(b"%PDF-")
    assert first.read_bytes() == second.read_bytes()


def test_a_typst_error_names_the_source_and_gives_typsts_message(tmp_path: Path) -> None:
    source = tmp_path / "book.typ"
    source.write_text("#image(\"missing-figure.svg\")\n", encoding="utf-8")
    with pytest.raises(ToolFailedError) as raised:
        compile_pdf(source, tmp_path / "book.pdf", locate_fonts(LATIN), timestamp=0)
    assert raised.value.path == source
    assert "typst: " in str(raised.value) and "missing-figure.svg" in str(raised.value)
    assert "\n" not in str(raised.value)
    assert not (tmp_path / "book.pdf").exists()


def test_the_child_does_not_import_reportkit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # reportkit's import costs more than laying out a small book: the child loads typst alone
    # (a reportkit that cannot be imported, first on the child's path, would fail it otherwise;
    # on the parent's path too, which a multiprocessing child inherits)
    shadow = tmp_path / "shadow" / "reportkit"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('the typst child imported reportkit')\n")
    monkeypatch.setenv("PYTHONPATH", str(shadow.parent))
    monkeypatch.syspath_prepend(str(shadow.parent))
    source = tmp_path / "book.typ"
    source.write_text('#set text(font: "Noto Serif")\nHello.\n', encoding="utf-8")
    compile_pdf(source, tmp_path / "book.pdf", locate_fonts(LATIN), timestamp=0)
    assert (tmp_path / "book.pdf").read_bytes().startswith(b"%PDF-")
