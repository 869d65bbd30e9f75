"""pandoc, from the pypandoc-binary wheel (pandoc 3.x)."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
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


def _failure(message: str, what: Path | None) -> ToolFailedError:
    """pandoc's error `message` as a ToolFailedError naming `what` (the document converted),
    or the file and line pandoc names."""
    match = re.search(r'Error at "([^"]*)" \(line (\d+), column \d+\):\s*(.*)', message)
    if match:
        first = message.splitlines()[1] if len(message.splitlines()) > 1 else message
        return ToolFailedError(f"pandoc: {first.strip()}", match.group(1), int(match.group(2)))
    return ToolFailedError(f"pandoc failed: {message.splitlines()[0]}", what)


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
        raise _failure(strip_ansi(proc.stderr).strip() or f"exit status {proc.returncode}", what)
    return proc.stdout


@dataclass(frozen=True)
class Document:
    """One document for `convert`: what `pandoc -f FROM -t TO --wrap=none [--template=T]
    [--toc --toc-depth=N] [--metadata K=V...] [--lua-filter=F] [--citeproc]` does with `text`
    (given on stdin, its YAML metadata block included). `metadata` is set after reading, as
    `--metadata`/`--bibliography` do (values: strings, booleans, lists and maps of them)."""

    text: str
    source: Path  # what an error names
    to: str
    reader: str = "markdown"
    metadata: dict[str, object] = field(default_factory=dict)
    template: Path | None = None
    toc_depth: int | None = None
    lua_filter: Path | None = None  # run before citeproc
    citeproc: bool = False


@cache
def _abbreviations() -> list[str]:
    """The abbreviations pandoc's command line reads ("No." keeps a no-break space after it)."""
    return run(["--print-default-data-file", "abbreviations"]).split()


def convert(documents: list[Document]) -> list[str]:
    """Each document converted, in order, by one pandoc process (pandoc_batch.lua): the same
    output as one command line per document, without paying pandoc's start and citeproc's setup
    for each. The first document that fails raises a ToolFailedError naming it (or the file
    and line pandoc names)."""
    if not documents:
        return []
    request = {"abbreviations": _abbreviations(), "documents": [
        {"text": d.text, "from": d.reader, "to": d.to, "metadata": d.metadata, "citeproc": d.citeproc}
        | ({"template": str(d.template)} if d.template else {})
        | ({"toc_depth": d.toc_depth} if d.toc_depth else {})
        | ({"filter": str(d.lua_filter)} if d.lua_filter else {})
        for d in documents]}
    with resources.as_file(resources.files("reportkit").joinpath("tools", "pandoc_batch.lua")) as script:
        proc = subprocess.run([executable(), "lua", str(script)], input=json.dumps(request, ensure_ascii=False),
                              capture_output=True, text=True, encoding="utf-8")
    outputs: list[str] = []
    for line, document in zip(proc.stdout.splitlines(), documents, strict=False):
        result = json.loads(line)
        if "error" in result:
            raise _failure(strip_ansi(str(result["error"])).strip() or "no message", document.source)
        outputs.append(str(result["output"]))
    if len(outputs) < len(documents):  # pandoc itself failed, while converting the next document
        lines = [line for line in strip_ansi(proc.stderr).splitlines() if line.strip() and not line.startswith(
            ("[WARNING]", " "))]
        raise _failure(lines[0] if lines else f"exit status {proc.returncode}", documents[len(outputs)].source)
    return outputs


def html_page(markdown: str, metadata_yaml: str, bibliography: Path, source: Path,
              provenance: dict[str, Any] | None = None) -> Document:
    """A chapter's Markdown as an HTML fragment (templates/fragment.html, split by `fragment`).
    `provenance` is what filters/html.lua puts around statistics and after claims (see there)."""
    package = resources.files("reportkit")
    return Document(
        text=f"---\n{metadata_yaml}\n---\n\n{markdown}", source=source, to="html5",
        reader="markdown-implicit_figures",
        metadata={"reportkit-provenance": provenance or {"stats": {}, "claims": {}},
                  "bibliography": str(bibliography)},
        template=Path(str(package.joinpath("templates", "fragment.html"))), toc_depth=3,
        lua_filter=Path(str(package.joinpath("filters", "html.lua"))), citeproc=True,
    )


def fragment(output: str) -> tuple[str, str]:
    """An HTML page's (table of contents, body) from its converted `html_page`."""
    toc, _, body = output.partition("<!--reportkit:body-->")
    return toc.strip(), body.strip()
