"""The git adapter: answers outside a repository, errors naming the project, a missing git."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from reportkit.errors import EditionError, ToolMissingError
from reportkit.tools import git


def _repository(root: Path) -> Path:
    root.mkdir()
    subprocess.run(["git", "init", "-q", "."], cwd=root, check=True)
    (root / "a.txt").write_text("one\n", encoding="utf-8")
    subprocess.run(["git", "add", "a.txt"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "a"],
                   cwd=root, check=True)
    return root


def test_output_reads_a_revision(tmp_path: Path) -> None:
    root = _repository(tmp_path / "repo")
    assert git.output(root, "show", "HEAD:a.txt") == "one\n"
    assert git.raw(root, "show", "HEAD:a.txt") == b"one\n"


def test_a_failure_is_the_given_error_naming_the_project_and_git_s_reason(tmp_path: Path) -> None:
    root = _repository(tmp_path / "repo")
    with pytest.raises(EditionError) as caught:
        git.output(root, "show", "HEAD:missing.txt", error=EditionError)
    assert caught.value.path == root
    assert caught.value.message.startswith("git show HEAD:missing.txt: fatal: ")
    assert "missing.txt" in caught.value.message.partition(": ")[2]


def test_answer_is_none_outside_a_repository(tmp_path: Path) -> None:
    assert git.answer(tmp_path, "tag", "--list") is None
    assert git.answer(_repository(tmp_path / "repo"), "rev-parse", "--is-inside-work-tree") == "true\n"


def test_a_missing_git_is_named_with_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repository(tmp_path / "repo")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ToolMissingError, match=r"^git not found: install it with `apt-get install git`$"):
        git.output(root, "status")
    assert git.answer(root, "status") is None
