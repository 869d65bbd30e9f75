"""Quarto's `pre-render` hook: writes the generated languages (zh-Hans) from their source.

Quarto runs a `.py` hook with its own Python (QUARTO_PYTHON when set), the one that has
reportkit installed, rather than whatever `python` is first on PATH.
"""

from reportkit.cli import main

raise SystemExit(main(["pre-render"]))
