"""Every `REPORTKIT_*` environment variable the package reads is in the README's table."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import reportkit
from reportkit import errors

PACKAGE = Path(reportkit.__file__).parent
README = PACKAGE.parents[1] / "README.md"
VARIABLE = re.compile(r"\bREPORTKIT_[A-Z][A-Z_]*\b")


def _variables_in_code() -> set[str]:
    """`REPORTKIT_*` names written in the package's strings (docstrings included) or passed as
    keyword arguments (`dict(os.environ, REPORTKIT_ROOT=...)`); a Python identifier such as a
    constant's name is not a variable."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found |= set(VARIABLE.findall(node.value))
            elif isinstance(node, ast.keyword) and node.arg:
                found |= set(VARIABLE.findall(node.arg))
    return found


def _documented() -> set[str]:
    return set(re.findall(r"^\| `(REPORTKIT_\w+)` \|", README.read_text(encoding="utf-8"), re.M))


def test_every_environment_variable_is_documented() -> None:
    used = _variables_in_code()
    assert errors.DEBUG_ENV in used  # the scan does see the package's variables
    assert sorted(used - _documented()) == []
