"""git, which reads earlier revisions of a report (editions, the archive, the source a
translation was stamped against, the build's date). Nothing is ever checked out."""

from __future__ import annotations

import subprocess
from pathlib import Path

from reportkit.errors import ReportkitError, ToolFailedError, ToolMissingError

INSTALL_HINT = "install it with `apt-get install git`"


def _run(root: Path, args: tuple[str, ...]) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True)
    except FileNotFoundError:
        raise ToolMissingError(f"git not found: {INSTALL_HINT}") from None


def output(root: Path, *args: str, error: type[ReportkitError] = ToolFailedError) -> str:
    """What `git ARGS` prints, run in `root`; `error` (naming `root`) when git fails."""
    return raw(root, *args, error=error).decode("utf-8")


def raw(root: Path, *args: str, error: type[ReportkitError] = ToolFailedError) -> bytes:
    """What `git ARGS` prints, as bytes (an archive, say)."""
    proc = _run(root, args)
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise error(f"git {' '.join(args)}: {lines[-1] if lines else f'exit {proc.returncode}'}", root)
    return proc.stdout


def answer(root: Path, *args: str) -> str | None:
    """What `git ARGS` prints, or None when there is no answer: git is not installed, `root`
    is not a repository, or the revision or path does not exist."""
    try:
        return output(root, *args)
    except (ToolMissingError, ToolFailedError):
        return None
