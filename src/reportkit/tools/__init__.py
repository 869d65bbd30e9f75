"""Thin adapters around the external tools reportkit drives."""

from __future__ import annotations

import re
from collections.abc import Callable

from reportkit.errors import ToolMissingError

# CSI sequences (colours, cursor moves) and OSC sequences (titles, hyperlinks)
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


def strip_ansi(text: str) -> str:
    """`text` as a terminal would show it, without colour and other escape codes: what external
    tools (and Jupyter tracebacks) print reaches reportkit's one-line errors as plain text."""
    return ANSI.sub("", text)


def available(find: Callable[[], object]) -> bool:
    """Whether `find` (an adapter's lookup of its tool) succeeds."""
    try:
        find()
    except ToolMissingError:
        return False
    return True
