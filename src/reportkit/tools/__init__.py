"""Thin adapters around the external tools reportkit drives."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import ToolMissingError


def available(find: Callable[[], object]) -> bool:
    """Whether `find` (an adapter's lookup of its tool) succeeds."""
    try:
        find()
    except ToolMissingError:
        return False
    return True
