"""Quarto's `pre-render` hook: writes the generated languages (zh-Hans) from their source."""

from reportkit.cli import main

raise SystemExit(main(["pre-render"]))
