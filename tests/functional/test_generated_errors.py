"""An error in a generated chapter (zh-Hans, converted from zh-Hant) is reported at the zh-Hant
chapter and line, the file authors edit: here a cell that fails only when run as zh-Hans."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..conftest import FIXTURES, GOLDEN, Result, assert_golden, copy_project
from .test_bad_input import CHAPTER, _append, _edit

ONLY_IN_ZH_HANS = ('\n```{python}\nfrom reportkit.api.stats import current_language\n'
                   'if current_language().code == "zh-Hans":\n'
                   '    raise ValueError("only in the generated language")\n```\n')


def test_a_cell_failing_in_generated_zh_hans_names_the_zh_hant_line(tmp_path: Path,
                                                                     run_cli: Callable[..., Result]) -> None:
    root = copy_project(FIXTURES / "mini", tmp_path / "mini")
    _edit(root / "_quarto.yml", "  languages: [zh-Hant]\n", "  languages: [zh-Hant, zh-Hans]\n"
                                                           "  generated:\n    zh-Hans: zh-Hant\n")
    _edit(root / "_quarto.yml", "    - [zh-Hant]\n", "    - [zh-Hant, zh-Hans]\n")
    _append(root / CHAPTER, ONLY_IN_ZH_HANS)

    result = run_cli("--project", root, "render", "--quiet", "--to", "html")

    assert result.code == 1
    assert result.err.startswith(f"{CHAPTER}:")
    assert_golden(result.err, GOLDEN / "errors" / "generated-cell-error.txt")
