"""pandoc, from the pypandoc-binary wheel (pandoc 3.x)."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from reportkit.errors import ToolFailedError, ToolMissingError
from reportkit.tools import available, strip_ansi

INSTALL_HINT = "install it with `pip install pypandoc-binary` (pinned in pyproject.toml)"


@cache
def executable() -> str:
    try:
        import pypandoc

        path = pypandoc.get_pandoc_path()
    except (ImportError, OSError) as err:
        raise ToolMissingError(f"pandoc not found: {INSTALL_HINT} ({err})") from None
    return str(path)


def is_available() -> bool:
    return available(executable)


def run(args: list[str], stdin: str = "", cwd: Path | None = None, what: Path | None = None) -> str:
    """Run pandoc with `args`, feeding `stdin`; return stdout.

    A failure becomes a ToolFailedError naming `what` (the document converted)
    and, when pandoc reports one, the line.
    """
    proc = subprocess.run(
        [executable(), *args], input=stdin, capture_output=True, text=True, cwd=cwd,
        encoding="utf-8",
    )
    if proc.returncode != 0:
        message = strip_ansi(proc.stderr).strip() or f"exit status {proc.returncode}"
        match = re.search(r'Error at "([^"]*)" \(line (\d+), column \d+\):\s*(.*)', message)
        if match:
            first = message.splitlines()[1] if len(message.splitlines()) > 1 else message
            raise ToolFailedError(f"pandoc: {first.strip()}", match.group(1), int(match.group(2)))
        raise ToolFailedError(f"pandoc failed: {message.splitlines()[0]}", what)
    return proc.stdout



def to_html(markdown: str, metadata_yaml: str, bibliography: Path, what: Path,
            provenance: dict[str, Any] | None = None) -> tuple[str, str]:
    """Convert a chapter's Markdown to an HTML fragment; return (toc, body). `provenance` is
    what filters/html.lua puts around statistics and after claims (see there)."""
    from importlib import resources

    package = resources.files("reportkit")
    with (resources.as_file(package.joinpath("templates", "fragment.html")) as template,
          resources.as_file(package.joinpath("filters", "html.lua")) as lua,
          tempfile.TemporaryDirectory(prefix="reportkit-pandoc-") as scratch):
        data = Path(scratch) / "provenance.json"
        data.write_text(json.dumps(provenance or {"stats": {}, "claims": {}}, ensure_ascii=False), encoding="utf-8")
        out = run(
            ["-f", "markdown-implicit_figures", "-t", "html5", "--standalone", f"--template={template}", "--toc",
             "--toc-depth=3", "--wrap=none", f"--lua-filter={lua}", f"--metadata=reportkit-provenance:{data}",
             "--citeproc", f"--bibliography={bibliography}"],
            stdin=f"---\n{metadata_yaml}\n---\n\n{markdown}", what=what,
        )
    toc, _, body = out.partition("<!--reportkit:body-->")
    return toc.strip(), body.strip()
