"""Pagefind: its entry file is the same for the same site (languages in name order); the binary runs directly."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pagefind_bin_extended
import pytest

from reportkit.tools import pagefind
from reportkit.tools.pagefind import ordered_entry

UNORDERED = json.dumps({"version": "1.5.2", "languages": {
    "zh-hant-tw": {"hash": "zh-hant-tw_1", "wasm": None, "page_count": 12},
    "en": {"hash": "en_2", "wasm": "en", "page_count": 12},
    "zh-hans-cn": {"hash": "zh-hans-cn_3", "wasm": None, "page_count": 12}}, "include_characters": ["_", "＿"]},
    ensure_ascii=False)


def test_languages_are_listed_by_name_and_nothing_else_changes() -> None:
    ordered = json.loads(ordered_entry(UNORDERED))
    assert list(ordered["languages"]) == ["en", "zh-hans-cn", "zh-hant-tw"]
    assert ordered == json.loads(UNORDERED)  # the same content: only the order differs


def test_any_listing_order_gives_the_same_file() -> None:
    data = json.loads(UNORDERED)
    reversed_order = dict(data, languages=dict(reversed(list(data["languages"].items()))))
    assert ordered_entry(json.dumps(reversed_order)) == ordered_entry(UNORDERED)


def test_the_index_runs_the_pagefind_binary_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not `python -m pagefind`, a Python started only to find the binary and replace itself."""
    commands: list[list[str]] = []

    def run(command: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        commands.append(command)
        (tmp_path / "pagefind").mkdir()
        (tmp_path / "pagefind" / pagefind.ENTRY).write_text(UNORDERED, encoding="utf-8")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(subprocess, "run", run)
    pagefind.index(tmp_path)
    assert commands == [[str(pagefind_bin_extended.get_executable().absolute()), "--site", str(tmp_path), "--silent"]]
