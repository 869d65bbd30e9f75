"""A second report: English source (`reportkit new --language en`) with a Traditional Chinese
translation added the way the starter's README says. It renders, passes `reportkit check`, and
every statistic passes the per-figure test in every language and format."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reportkit.cli import main
from reportkit.config.project import Project
from reportkit.evidence.registry import Registry
from reportkit.starter import STARTERS, create

from .test_figures import FORMATS, assert_figure_matches_source

pytestmark = pytest.mark.slow
SOURCE, TRANSLATION = "en", "zh-Hant"
LANGUAGES = (SOURCE, TRANSLATION)
CASES = [(stat.id, code, fmt) for stat in Registry.load(Path(str(STARTERS / SOURCE / "data")))
         for code in LANGUAGES for fmt in FORMATS]


def add_translation(root: Path, code: str, translated: Path) -> None:
    """The README's step for a translation: the language in `_quarto.yml`, its profile, its
    chapters (here taken from the starter written in that language) recording their source."""
    config_path = root / "_quarto.yml"
    config = config_path.read_text(encoding="utf-8")
    source = yaml.safe_load(config)["reportkit"]["source-language"]
    config = config.replace(f"  languages: [{source}]", f"  languages: [{source}, {code}]")
    config = config.replace(f"    - [{source}]", f"    - [{source}, {code}]")
    config_path.write_text(config, encoding="utf-8")
    (root / f"_quarto-{code}.yml").write_text((translated / f"_quarto-{code}.yml").read_text(encoding="utf-8"),
                                              encoding="utf-8")
    (root / "chapters" / code).mkdir()
    for chapter in [translated / f"index.{code}.qmd", *(translated / "chapters" / code).iterdir()]:
        text = chapter.read_text(encoding="utf-8").replace(
            "---\n", f"---\ntranslation:\n  source: {source}\n  source-hash: none\n", 1)
        (root / chapter.relative_to(translated)).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def second_report(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("second") / "second"
    translated = tmp_path_factory.mktemp("translated") / "second"  # the same folder name: the same slug
    create(root, SOURCE)
    create(translated, TRANSLATION)
    add_translation(root, TRANSLATION, translated)
    assert main(["--project", str(root), "stamp", "--all", "--quiet"]) == 0
    assert main(["--project", str(root), "render", "--quiet"]) == 0
    return Project(root)


def test_second_report_languages(second_report: Project) -> None:
    assert second_report.source_language.code == SOURCE
    assert [lang.code for lang in second_report.languages] == list(LANGUAGES)
    assert not any(second_report.is_generated(lang) for lang in second_report.languages)


def test_second_report_passes_check(second_report: Project, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--project", str(second_report.root), "check", "--strict"])
    assert code == 0, capsys.readouterr().out


@pytest.mark.parametrize(("stat_id", "lang", "fmt"), CASES, ids=["-".join(c) for c in CASES])
def test_second_report_figure_matches_source(second_report: Project, stat_id: str, lang: str, fmt: str) -> None:
    assert_figure_matches_source(second_report, stat_id, lang, fmt)
