"""YAML loading that remembers where each key was written, for `file:line` errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from reportkit.errors import ReportkitError
from reportkit.textfile import read_text

Lines = dict[tuple[Any, ...], int]


def _value(node: yaml.Node) -> Any:
    """A scalar's (or a key's) value, as `yaml.safe_load` builds it."""
    return SafeConstructor().construct_object(node, deep=True)  # a fresh one: no state from a failed node


def _walk(node: yaml.Node, path: tuple[Any, ...], lines: Lines) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _value(key_node)
            lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = _walk(value_node, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, (*path, i), lines) for i, item in enumerate(node.value)]
    try:
        return _value(node)
    except ValueError:  # a scalar YAML resolves to a type it cannot build (2026-11-31 as a date):
        return node.value  # keep the text, so the typed model reports it with its line


def load_text(text: str) -> tuple[Any, Lines]:
    """Parse YAML text; return the data and a map from key path to 1-based line.

    Raises yaml.YAMLError (with a problem_mark) on malformed input.
    """
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: Lines = {}
    if node is None:
        return {}, lines
    return _walk(node, (), lines), lines


def line_of(lines: Lines, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest known prefix of `loc`."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def error_line(err: yaml.YAMLError) -> int | None:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    return mark.line + 1 if mark is not None else None


def load_file(path: Path, error: type[ReportkitError] = ReportkitError) -> tuple[Any, Lines]:
    return load_text(read_text(path, error))
