"""Simplified Chinese, generated from the Traditional Chinese source at build time.

OpenCC ``tw2sp`` converts phrase by phrase (軟體→软件, 人工智慧→人工智能); the
glossary ``chapters/zh-Hans.glossary.csv`` overrides the terms OpenCC gets wrong
(applied before OpenCC, so a glossary term is never converted twice). Code
cells, inline expressions, ids and citation keys are left as they are; cell
captions (``fig-cap``, ``tbl-cap``, ``fig-alt``) are prose and are converted.
Nobody edits zh-Hans by hand: the chapters are written to `chapters/zh-Hans/`
(ignored by git) and the Quarto profile (`profiles.py`) is checked to be the
conversion of the source profile.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from reportkit.config.model import DEFAULT_CONVERSION
from reportkit.errors import ConfigError
from reportkit.textfile import csv_rows

if TYPE_CHECKING:
    import opencc


GLOSSARY_FILE = "chapters/zh-Hans.glossary.csv"
CAPTION_OPTION = re.compile(r"^#\|\s*(fig-cap|tbl-cap|fig-alt)\s*:")
INLINE_CODE = re.compile(r"`\{python\}[^`]*`")
Glossary = tuple[tuple[str, str], ...]  # (zh-Hant term, zh-Hans term), longest term first


@cache
def _converter(conversion: str) -> opencc.OpenCC:
    import opencc  # only a zh-Hans build converts: chapters' kernels need not load it

    return opencc.OpenCC(conversion)


def read_glossary(path: Path) -> Glossary:
    """The glossary file's overrides (none when there is no file)."""
    if not path.is_file():
        return ()
    pairs = [(row["zh_hant"], row["zh_hans"]) for row in csv_rows(path, ConfigError)]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def to_hans(text: str, glossary: Glossary = (), conversion: str = DEFAULT_CONVERSION) -> str:
    """Convert Traditional Chinese prose to Simplified Chinese (mainland usage), or whatever the
    OpenCC `conversion` makes, the glossary's terms first (so a glossary term is never converted
    twice)."""
    kept: list[str] = []

    def keep(value: str) -> str:
        kept.append(value)
        return f"\x02{len(kept) - 1}\x03"

    for hant, hans in glossary:
        text = text.replace(hant, keep(hans))
    converted = str(_converter(conversion).convert(text))
    return re.sub(r"\x02(\d+)\x03", lambda m: kept[int(m.group(1))], converted)


def convert_chapter(text: str, glossary: Glossary = (), conversion: str = DEFAULT_CONVERSION) -> str:
    """A chapter's source converted line by line; code and inline expressions untouched."""
    out = []
    in_cell = False
    for line in text.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            in_cell = not in_cell and stripped.startswith(("```{python", "~~~{python"))
            out.append(line)
        elif in_cell:
            out.append(to_hans(line, glossary, conversion) if CAPTION_OPTION.match(line) else line)
        else:
            codes = iter(INLINE_CODE.findall(line))
            converted = to_hans(INLINE_CODE.sub("\x04", line), glossary, conversion)
            out.append("".join(next(codes) if part == "\x04" else part
                               for part in re.split("(\x04)", converted)))
    return "\n".join(out)
