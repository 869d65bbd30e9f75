"""pandoc's reading of the bibliography is kept between runs, by content."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportkit.errors import BibliographyError
from reportkit.evidence import bibliography
from reportkit.execution.cache import BuildCache
from reportkit.tools import pandoc

ENTRY = "@book{k1, title = {A title}, author = {Doe, Jane}, year = {2024}}\n"


def test_an_unchanged_bibliography_is_read_by_pandoc_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    run = pandoc.run

    def counted(args: list[str], *rest: object, **kwargs: object) -> str:
        calls.append(args)
        return run(args, *rest, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pandoc, "run", counted)
    bib, memo = tmp_path / "references.bib", BuildCache(tmp_path)
    bib.write_text(ENTRY, encoding="utf-8")
    first = bibliography.check_with_pandoc(bib, memo)
    assert [item["id"] for item in first] == ["k1"]
    bibliography._csl_json.cache_clear()  # another process: its memo of the reading is empty
    assert bibliography.check_with_pandoc(bib, memo) == first
    assert len(calls) == 1
    bib.write_text(ENTRY.replace("k1", "k2"), encoding="utf-8")  # changed: read again
    assert [item["id"] for item in bibliography.check_with_pandoc(bib, memo)] == ["k2"]
    assert len(calls) == 2


def test_a_malformed_bibliography_is_not_kept(tmp_path: Path) -> None:
    bib, memo = tmp_path / "references.bib", BuildCache(tmp_path)
    bib.write_text(ENTRY + "@book{k3, title = {unclosed\n", encoding="utf-8")
    for _ in range(2):
        bibliography._csl_json.cache_clear()
        with pytest.raises(BibliographyError):
            bibliography.check_with_pandoc(bib, memo)
    assert not any(memo.folder.rglob("*.json"))
