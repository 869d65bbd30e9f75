"""Pagefind (PyPI `pagefind[extended]`): the static search index, with CJK segmentation."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from reportkit.errors import ToolFailedError, ToolMissingError
from reportkit.tools import strip_ansi

ENTRY = "pagefind-entry.json"  # the index's table of contents, one index per language
INSTALL_HINT = "install it with `pip install 'pagefind[extended]'` (pinned in pyproject.toml)"


def is_available() -> bool:
    try:
        import pagefind_bin_extended  # noqa: F401
    except ImportError:
        return False
    return True


def executable() -> str:
    """The pagefind binary itself (`python -m pagefind` only starts a Python that finds it and
    replaces itself with it: ~0.15 s of CPU each build)."""
    import pagefind_bin_extended

    return str(pagefind_bin_extended.get_executable().absolute())


def index(site: Path) -> None:
    """Index every page of `site` that marks its content with data-pagefind-body; one index
    per `<html lang>`, written to `site/pagefind/`."""
    if not is_available():
        raise ToolMissingError(f"pagefind (extended) not found: {INSTALL_HINT}")
    proc = subprocess.run([executable(), "--site", str(site), "--silent"], capture_output=True, text=True)
    if proc.returncode != 0:
        message = strip_ansi(proc.stderr or proc.stdout).strip().splitlines()
        raise ToolFailedError(f"pagefind failed: {message[0] if message else proc.returncode}", site)
    entry = site / "pagefind" / ENTRY
    entry.write_text(ordered_entry(entry.read_text(encoding="utf-8")), encoding="utf-8")


def ordered_entry(text: str) -> str:
    """Pagefind's entry file with its languages in the order of their names. Pagefind writes them
    in hash-map order, which differs between two builds of the same site; its script looks a
    language up by name, and for a page in no indexed language takes the one with the most pages,
    the first listed among equals: sorted, that is the same language in every build."""
    data = json.loads(text)
    data["languages"] = dict(sorted(data["languages"].items()))
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
