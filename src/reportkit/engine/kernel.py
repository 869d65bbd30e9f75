"""Executing a chapter's code in a Jupyter kernel (nbclient + ipykernel).

Each chapter runs in a fresh kernel namespace (Quarto semantics). Cells run in
order; inline expressions are then evaluated together in one silent request
(``user_expressions``), so each returns its MIME bundle (``text/markdown``
included, which is how ``stat()`` reaches the page).
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from jupyter_core.utils import ensure_event_loop
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbclient.util import run_sync
from traitlets.config import Config

from ..chapter import Chapter
from ..errors import ChapterExecutionError
from ..i18n import Language

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
TIMEOUT = 120
# Run first in every kernel, like Quarto's setup: DataFrames as Markdown tables
# (so they reach HTML and PDF alike), no interactive matplotlib.
SETUP = """\
def _reportkit_setup():
    ip = get_ipython()
    ip.display_formatter.formatters["text/markdown"].for_type_by_name(
        "pandas", "DataFrame", lambda df: df.to_markdown(index=False))
_reportkit_setup()
del _reportkit_setup
"""
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]  # no transport banner on the progress display


@dataclass
class Executed:
    """What running a chapter produced."""

    outputs: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # cell index -> outputs
    inline: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> MIME bundle


def _error_line(traceback: list[str], first_code_line: int) -> int:
    text = ANSI.sub("", "\n".join(traceback))
    for match in re.finditer(r"Cell In\[\d+\], line (\d+)", text):
        return first_code_line + int(match.group(1)) - 1
    return first_code_line


def _last_error_line(traceback: list[str]) -> str:
    lines = [ln for ln in ANSI.sub("", "\n".join(traceback)).splitlines() if ln.strip()]
    return lines[-1].strip() if lines else "error"


def one_line(message: str, limit: int = 300) -> str:
    """An exception message as one line (its first non-empty one), for `file:line: message`."""
    first = next((line.strip() for line in ANSI.sub("", message).splitlines() if line.strip()), "")
    return first if len(first) <= limit else first[: limit - 1] + "…"


def plain_value(bundle: dict[str, Any]) -> str:
    """An inline value as Markdown: `text/markdown` if offered, else the plain text
    (a string's repr unquoted, as Quarto does)."""
    if "text/markdown" in bundle:
        return str(bundle["text/markdown"])
    text = str(bundle.get("text/plain", ""))
    if text[:1] in "'\"":
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text
        if isinstance(value, str):
            return value
    return text


def execute(chapter: Chapter, language: Language, root: Path) -> Executed:
    """Run `chapter`'s cells and inline expressions in a fresh kernel."""
    try:
        return _execute(chapter, language, root)
    finally:
        if threading.current_thread() is not threading.main_thread():
            # nbclient's run_sync leaves one event loop per worker thread open
            ensure_event_loop().close()


def _execute(chapter: Chapter, language: Language, root: Path) -> Executed:
    result = Executed()
    if not chapter.cells and not chapter.inline:
        return result
    nb = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
    nb.cells = [nbformat.v4.new_code_cell(SETUP)]  # type: ignore[no-untyped-call]
    nb.cells += [nbformat.v4.new_code_cell(cell.code) for cell in chapter.cells]  # type: ignore[no-untyped-call]
    # IPC sockets in a private folder: TCP ports picked by concurrent kernel starts can collide
    sockets = Path(tempfile.mkdtemp(prefix="reportkit-kernel-"))
    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(sockets / "kernel")
    client = NotebookClient(
        nb, config=config, kernel_name="python3", timeout=TIMEOUT, allow_errors=False,
        extra_arguments=KERNEL_ARGS,
        resources={"metadata": {"path": str(chapter.path.parent)}},
    )
    env = dict(os.environ, REPORTKIT_LANG=language.code, REPORTKIT_ROOT=str(root),
               PYTHONHASHSEED="0", MPLBACKEND="agg")
    try:
        with client.setup_kernel(env=env, cwd=str(chapter.path.parent)):
            _run(client, nb, chapter, result)
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    return result


def _run(client: NotebookClient, nb: Any, chapter: Chapter, result: Executed) -> None:
    """Run the setup cell, the chapter's cells, then its inline expressions, into `result`."""
    client.execute_cell(nb.cells[0], 0)
    for cell, nb_cell in zip(chapter.cells, nb.cells[1:], strict=True):
        try:
            client.execute_cell(nb_cell, cell.index + 1)
        except CellExecutionError as err:
            tb = [str(err.traceback)] if isinstance(err.traceback, str) else list(err.traceback or [])
            raise ChapterExecutionError(
                f"{err.ename}: {one_line(err.evalue)}" if err.ename else _last_error_line(tb),
                chapter.path, _error_line(tb, cell.code_line),
            ) from None
        result.outputs[cell.index] = list(nb.cells[cell.index + 1].outputs)
    if chapter.inline:
        kc = client.kc
        assert kc is not None
        expressions = {item.key: item.expr for item in chapter.inline}
        msg_id = kc.execute("", silent=True, user_expressions=expressions)
        while True:
            reply = run_sync(kc._async_get_shell_msg)(timeout=TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        values = reply["content"].get("user_expressions", {})
        for item in chapter.inline:
            value = values.get(item.key, {})
            if value.get("status") != "ok":
                error = f"{value.get('ename', 'Error')}: {one_line(str(value.get('evalue', '')))}".strip()
                raise ChapterExecutionError(
                    f"inline expression `{item.expr}` failed: {error}", chapter.path, item.line
                )
            result.inline[item.key] = value.get("data", {})
