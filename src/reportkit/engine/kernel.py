"""Executing chapters in Jupyter kernels (nbclient + ipykernel), with a pool of warm kernels.

Each worker thread owns one kernel and runs chapters one after another in it; before
each chapter the namespace is reset (``%reset -f``), so every chapter starts fresh,
as under Quarto, without paying for a kernel start (~0.7 s) each time. Cells run in
order; inline expressions are then evaluated together in one silent request
(``user_expressions``), so each returns its MIME bundle (``text/markdown`` included,
which is how ``stat()`` reaches the page). The project files a chapter read are
recorded in the kernel (see tracking.py) and returned with its outputs.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
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
# Run once in every kernel, like Quarto's setup: DataFrames as Markdown tables
# (so they reach HTML and PDF alike).
KERNEL_SETUP = """\
def _reportkit_setup():
    ip = get_ipython()
    ip.display_formatter.formatters["text/markdown"].for_type_by_name(
        "pandas", "DataFrame", lambda df: df.to_markdown(index=False))
_reportkit_setup()
del _reportkit_setup
"""
# Run before each chapter: a fresh namespace, the chapter's folder and language.
CHAPTER_START = """\
get_ipython().run_line_magic("reset", "-f")
from reportkit.engine import tracking as _reportkit_tracking
_reportkit_tracking.start({root!r}, {folder!r}, {language!r})
del _reportkit_tracking
"""
READS_EXPRESSION = "__import__('reportkit.engine.tracking', fromlist=['reads']).reads()"
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]  # no transport banner on the progress display


@dataclass
class Executed:
    """What running a chapter produced."""

    outputs: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # cell index -> outputs
    inline: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> MIME bundle
    reads: list[str] = field(default_factory=list)  # project files read, relative to the root


def _error_line(traceback: list[str], first_code_line: int) -> int:
    text = ANSI.sub("", "\n".join(traceback))
    for match in re.finditer(r"Cell In\[\d+\], line (\d+)", text):
        return first_code_line + int(match.group(1)) - 1
    return first_code_line


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


class Kernel:
    """One warm kernel, used by one thread."""

    def __init__(self, root: Path, env: dict[str, str] | None = None):
        self.root = root
        self.sockets = Path(tempfile.mkdtemp(prefix="reportkit-kernel-"))
        config = Config()
        # IPC sockets in a private folder: TCP ports picked by concurrent starts can collide
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(self.sockets / "kernel")
        self.client = NotebookClient(
            nbformat.v4.new_notebook(),  # type: ignore[no-untyped-call]
            config=config, kernel_name="python3", timeout=TIMEOUT, allow_errors=False,
            extra_arguments=KERNEL_ARGS,
        )
        env = dict(os.environ, REPORTKIT_ROOT=str(root), PYTHONHASHSEED="0", MPLBACKEND="agg", **(env or {}))
        self.client.km = self.client.create_kernel_manager()
        self.client.start_new_kernel(env=env, cwd=str(root))
        self.client.start_new_kernel_client()
        self._run_code(KERNEL_SETUP)

    def _run_code(self, code: str) -> None:
        self.client.nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])  # type: ignore[no-untyped-call]
        self.client.execute_cell(self.client.nb.cells[0], 0)

    def _request(self, expressions: dict[str, str]) -> dict[str, Any]:
        kc = self.client.kc
        assert kc is not None
        msg_id = kc.execute("", silent=True, user_expressions=expressions)
        while True:
            reply = run_sync(kc._async_get_shell_msg)(timeout=TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg_id:
                return dict(reply["content"].get("user_expressions", {}))

    def run(self, chapter: Chapter, language: Language) -> Executed:
        """Run `chapter`'s cells then its inline expressions in a fresh namespace."""
        result = Executed()
        self._run_code(CHAPTER_START.format(root=str(self.root), folder=str(chapter.path.parent),
                                            language=language.code))
        nb = nbformat.v4.new_notebook(cells=[  # type: ignore[no-untyped-call]
            nbformat.v4.new_code_cell(cell.code) for cell in chapter.cells])  # type: ignore[no-untyped-call]
        self.client.nb = nb
        for cell, nb_cell in zip(chapter.cells, nb.cells, strict=True):
            try:
                self.client.execute_cell(nb_cell, cell.index)
            except CellExecutionError as err:
                tb = [str(err.traceback)] if isinstance(err.traceback, str) else list(err.traceback or [])
                raise ChapterExecutionError(
                    f"{err.ename}: {one_line(err.evalue)}" if err.ename else one_line(tb[-1] if tb else ""),
                    chapter.path, _error_line(tb, cell.code_line),
                ) from None
            result.outputs[cell.index] = list(nb.cells[cell.index].outputs)
        expressions = {item.key: item.expr for item in chapter.inline}
        values = self._request({**expressions, "__reads__": READS_EXPRESSION})
        for item in chapter.inline:
            value = values.get(item.key, {})
            if value.get("status") != "ok":
                error = f"{value.get('ename', 'Error')}: {one_line(str(value.get('evalue', '')))}"
                raise ChapterExecutionError(
                    f"inline expression `{item.expr}` failed: {error}", chapter.path, item.line
                )
            result.inline[item.key] = value.get("data", {})
        reads = values.get("__reads__", {}).get("data", {}).get("text/plain", "[]")
        result.reads = list(ast.literal_eval(reads))
        return result

    def close(self) -> None:
        try:
            if self.client.kc is not None:
                self.client.kc.stop_channels()
            if self.client.km is not None:
                run_sync(self.client.km._async_shutdown_kernel)(now=True)
        finally:
            shutil.rmtree(self.sockets, ignore_errors=True)


def execute_all(
    jobs: Sequence[tuple[Chapter, Language]], root: Path, workers: int,
    done: Callable[[int, Executed], None], env: dict[str, str] | None = None,
) -> None:
    """Run every job on a pool of `workers` warm kernels, calling `done(index, result)` as
    each finishes. The first failure (in job order) is raised once all workers stop."""
    lock = threading.Lock()
    pending = list(range(len(jobs)))[::-1]
    errors: dict[int, BaseException] = {}

    def worker() -> None:
        kernel: Kernel | None = None
        try:
            while True:
                with lock:
                    if errors or not pending:
                        return
                    index = pending.pop()
                try:
                    kernel = kernel or Kernel(root, env)
                    done(index, kernel.run(*jobs[index]))
                except Exception as err:
                    with lock:
                        errors[index] = err
        finally:
            if kernel is not None:
                kernel.close()
            ensure_event_loop().close()  # nbclient's run_sync leaves one loop per thread open

    threads = [threading.Thread(target=worker, name=f"reportkit-kernel-{i}")
               for i in range(max(1, min(workers, len(jobs))))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[min(errors)]
