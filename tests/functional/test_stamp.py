"""Stale translations: translators see what changed in the source since each translation's stamp
(`reportkit translation-diff`, and `reportkit stamp` as it stamps); only the files named are
stamped, every stale one only with `--all`; a bare `reportkit stamp` lists them and fails."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from reportkit.chapters.translation import stale
from reportkit.config.project import Project

from ..conftest import GOLDEN, Result, assert_golden, copy_report

SOURCE = "chapters/zh-Hant/01-introduction.qmd"
ADDED = "這是新增的一句話。"


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=root,
                   check=True, capture_output=True)


def _edit_source(root: Path, name: str) -> None:
    path = root / "chapters/zh-Hant" / name
    text = path.read_text(encoding="utf-8")
    paragraph = next(p for p in text.split("\n\n") if p and not p.startswith(("-", "#", "`")))
    path.write_text(text.replace(paragraph, paragraph + ADDED, 1), encoding="utf-8")


@pytest.fixture
def two_stale(tmp_path: Path) -> Path:
    """The report in git, then two source chapters edited: their English translations are stale."""
    root = copy_report(tmp_path / "report")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "edition")
    assert stale(Project(root)) == []
    for name in ("01-introduction.qmd", "02-technology.qmd"):
        _edit_source(root, name)
    return root


def _stale(root: Path) -> list[str]:
    return [item.path.relative_to(root).as_posix() for item in stale(Project(root))]


def test_bare_stamp_lists_the_stale_files_and_stamps_nothing(two_stale: Path,
                                                             run_cli: Callable[..., Result]) -> None:
    result = run_cli("--project", two_stale, "stamp")
    assert result.code == 1
    assert result.out.splitlines() == ["chapters/en/01-introduction.qmd", "chapters/en/02-technology.qmd"]
    assert_golden(result.err, GOLDEN / "errors" / "stamp-without-files.txt")
    assert _stale(two_stale) == ["chapters/en/01-introduction.qmd", "chapters/en/02-technology.qmd"]


def test_translation_diff_shows_what_changed_since_the_stamp(two_stale: Path,
                                                             run_cli: Callable[..., Result]) -> None:
    result = run_cli("--project", two_stale, "translation-diff", "01-introduction.qmd")
    assert result.code == 0, result.err
    assert result.out.startswith("# chapters/en/01-introduction.qmd: its source changed since it was stamped\n")
    added = [line for line in result.out.splitlines() if line.startswith("+") and not line.startswith("+++")]
    removed = [line for line in result.out.splitlines() if line.startswith("-") and not line.startswith("---")]
    assert len(added) == len(removed) == 1 and added[0].endswith(ADDED)
    assert f"--- {SOURCE} (stamped " in result.out

    every = run_cli("--project", two_stale, "translation-diff")
    assert every.out.count("# chapters/en/") == 2

    typo = run_cli("--project", two_stale, "translation-diff", "01-introduction")
    assert typo.code == 1
    assert typo.err == "reportkit: no chapter '01-introduction' in this report (did you mean '01-introduction.qmd'?)\n"


def test_stamp_stamps_only_the_files_named_and_shows_their_changes(two_stale: Path,
                                                                   run_cli: Callable[..., Result]) -> None:
    result = run_cli("--project", two_stale, "stamp", "chapters/en/01-introduction.qmd")
    assert result.code == 0, result.err
    assert ADDED in result.out and result.out.endswith("stamped chapters/en/01-introduction.qmd\n")
    assert _stale(two_stale) == ["chapters/en/02-technology.qmd"]

    assert run_cli("--project", two_stale, "stamp", "--all", "--quiet").out == "stamped chapters/en/02-technology.qmd\n"
    assert _stale(two_stale) == []
    assert run_cli("--project", two_stale, "stamp").code == 0  # nothing stale: nothing to do


def test_a_stamp_not_in_git_says_the_changes_cannot_be_shown(tmp_path: Path,
                                                             run_cli: Callable[..., Result]) -> None:
    root = copy_report(tmp_path / "report")  # not a git repository
    _edit_source(root, "01-introduction.qmd")
    result = run_cli("--project", root, "translation-diff")
    assert result.code == 0, result.err
    assert f"{SOURCE}: the stamped source (version " in result.out
    assert "is not in the project's git history, so what changed cannot be shown" in result.out
