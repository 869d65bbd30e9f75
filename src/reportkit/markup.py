"""Strings from `data/` and `bib/` reach the page as text, never as markup.

Generated Markdown (appendix tables, statistics) interpolates data: every such
string goes through :func:`escape_markdown` first, so pandoc reads it as plain
text in every output (HTML and typst). Where HTML is built directly, ``html.escape``
does the same job.
"""

from __future__ import annotations

import re
import string

# pandoc's Markdown lets a backslash escape any ASCII punctuation (all_symbols_escapable)
ASCII_PUNCTUATION = re.compile(f"([{re.escape(string.punctuation)}])")


def escape_markdown(text: str) -> str:
    """`text` as pandoc Markdown that reads back as exactly this text, on one line."""
    return ASCII_PUNCTUATION.sub(r"\\\1", re.sub(r"\s*[\r\n]\s*", " ", text))
