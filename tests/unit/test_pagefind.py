"""Pagefind's entry file is the same for the same site: its languages are put in name order."""

from __future__ import annotations

import json

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
