"""Quarto, when it is installed: a `quarto` binary on PATH, else the one the optional
PyPI `quarto-cli` package (`pip install -e .[quarto]`) puts beside itself."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from reportkit.errors import ToolFailedError, ToolMissingError
from reportkit.tools import available, strip_ansi

INSTALL_HINT = ("install Quarto (https://quarto.org/docs/get-started/) or `pip install -e .[quarto]` "
                "on a machine that can download it; the default embedded engine needs neither")


def executable() -> str:
    found = shutil.which("quarto")
    if found:
        return found
    try:
        import quarto_cli  # type: ignore[import-not-found]
    except ImportError:
        raise ToolMissingError(f"quarto not found on PATH: {INSTALL_HINT}") from None
    for candidate in Path(quarto_cli.__file__).parent.rglob("quarto"):
        if candidate.is_file() and candidate.stat().st_mode & 0o111:
            return str(candidate)
    raise ToolMissingError(f"quarto not found on PATH nor in the quarto-cli package: {INSTALL_HINT}")


def is_available() -> bool:
    return available(executable)


def render(root: Path, profile: str, to: str | None, output_dir: Path) -> None:
    """`quarto render --profile <profile> [--to <format>] --output-dir <output_dir>` in the
    project root (the folder given relative to it, as Quarto reads it)."""
    args = [executable(), "render", "--profile", profile]
    if to:
        args += ["--to", to]
    args += ["--output-dir", os.path.relpath(output_dir, root)]
    proc = subprocess.run(args, cwd=root, capture_output=True, text=True)
    if proc.returncode != 0:
        lines = [line for line in strip_ansi(proc.stderr or proc.stdout).splitlines() if line.strip()]
        error = next((line for line in lines if "ERROR" in line), lines[-1] if lines else "")
        raise ToolFailedError(f"quarto render --profile {profile} failed: {error.strip()}", root / "_quarto.yml")
