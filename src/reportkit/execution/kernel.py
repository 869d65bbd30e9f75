"""Executing chapters in Jupyter kernels (nbclient + ipykernel), with a pool of warm kernels.

Each worker thread owns one kernel and runs chapters one after another in it; before
each chapter the namespace is reset (``%reset -f``), so every chapter starts fresh,
as under Quarto, without paying for a kernel start (~0.7 s) each time. Cells run in
order; inline expressions are then evaluated together in one silent request
(``user_expressions``), so each returns its MIME bundle (``text/markdown`` included,
which is how ``stat()`` reaches the page). The project files a chapter read are
recorded in the kernel (see tracking.py) and returned with its outputs.

Kernels are started ahead of need by a :class:`KernelPool` (while the build validates the
project, and in `reportkit preview` between rebuilds), each in the thread that will use it.
A pooled kernel is fresh: it has run only the setup (which imports reportkit); once a
worker has run chapters in it, it is shut down, never handed out again.
"""

from __future__ import annotations

import ast
import json
import os
import queue
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import ensure_event_loop, run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from traitlets.config import Config

from reportkit.api.charts import ENGINE_ENV
from reportkit.chapters.reader import Chapter
from reportkit.config.model import DEFAULT_CELL_TIMEOUT
from reportkit.errors import ChapterExecutionError, raised_in_code
from reportkit.execution.results import Executed
from reportkit.i18n import Language
from reportkit.tools import strip_ansi

# Run once in every kernel, like Quarto's setup: DataFrames as Markdown tables
# (so they reach HTML and PDF alike).
KERNEL_SETUP = """\
def _reportkit_setup():
    __import__("reportkit.execution.tracking")  # what every chapter imports, loaded before it is needed
    ip = get_ipython()
    ip.display_formatter.formatters["text/markdown"].for_type_by_name(
        "pandas", "DataFrame", lambda df: df.to_markdown(index=False))
_reportkit_setup()
del _reportkit_setup
"""
# Run before each chapter: a fresh namespace, the chapter's folder and language.
CHAPTER_START = """\
get_ipython().run_line_magic("reset", "-f")
from reportkit.execution import tracking as _reportkit_tracking
_reportkit_tracking.start({root!r}, {folder!r}, {language!r})
del _reportkit_tracking
"""
READS_EXPRESSION = "__import__('reportkit.execution.tracking', fromlist=['reads']).reads()"
# no transport banner on the progress display; no input history: IPython writes every cell to
# an SQLite file in the home folder (shared by every kernel of every build), and nothing reads it
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.enabled=False"]
SYNTAX_LOCATION = re.compile(r" \([^()]+\.py, line (\d+)\)$")  # "(1850221797.py, line 2)"
DEFAULT_KERNEL = "python3"  # when _quarto.yml has no `jupyter:` key
STARTUP_TIMEOUT = 60  # seconds a kernel may take to answer its first request (nbclient's default)
OUTPUT_LIMIT = 10_000_000  # characters of output one cell may put on a page (its JSON form)


def _error_line(traceback: list[str], first_code_line: int) -> int:
    text = strip_ansi("\n".join(traceback))
    for match in re.finditer(r"Cell In\[\d+\], line (\d+)", text):
        return first_code_line + int(match.group(1)) - 1
    return first_code_line


def one_line(message: str, limit: int = 300) -> str:
    """An exception message as one line (its first non-empty one), for `file:line: message`."""
    first = next((line.strip() for line in strip_ansi(message).splitlines() if line.strip()), "")
    return first if len(first) <= limit else first[: limit - 1] + "…"


class Kernel:
    """One warm kernel, used by one thread.

    Only public API: jupyter_client's ``AsyncKernelManager`` owns the kernel process; one
    ``NotebookClient`` on that kernel (``km=``) runs every chapter, each chapter's cells
    appended to its notebook. (A client per chapter cost ~0.2 s of waiting each: connecting
    and waiting for the kernel to be ready and its output to go quiet.)"""

    def __init__(self, root: Path, env: dict[str, str] | None = None, kernel_name: str = DEFAULT_KERNEL):
        """A kernel for `root`'s chapters, not started yet (`start`)."""
        self.root = root
        self.timeout = DEFAULT_CELL_TIMEOUT
        self._where, self._line = "the kernel's setup", 1  # what runs now, for errors
        self.sockets = Path(tempfile.mkdtemp(prefix="reportkit-kernel-"))
        config = Config()
        # IPC sockets in a private folder: TCP ports picked by concurrent starts can collide
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(self.sockets / "kernel")
        self.km = AsyncKernelManager(kernel_name=kernel_name, config=config)
        self._env = dict(os.environ, REPORTKIT_ROOT=str(root), PYTHONHASHSEED="0", MPLBACKEND="agg",
                         **{ENGINE_ENV: "embedded"}, **(env or {}))
        self.notebook: _Notebook | None = None
        self._killed = False

    def start(self) -> None:
        """Start the kernel's process and run the setup in it. A kernel killed before or while it
        starts fails to start (`kill` stops its process whatever it is doing)."""
        try:
            if not self._killed:
                run_sync(self.km.start_kernel)(env=self._env, cwd=str(self.root), extra_arguments=KERNEL_ARGS)
            if self._killed:  # before, or while its process was launched (before `kill` could see the process)
                raise DeadKernelError("the kernel was stopped while it started")
            self.notebook = _Notebook(self.km, self.timeout)
            self.notebook.run(self.notebook.append([KERNEL_SETUP])[0])
        except Exception:
            self.close()
            raise

    def _request(self, kc: Any, expressions: dict[str, str], code: str = "",
                 timeout: float | None = None) -> dict[str, Any]:
        """Run `code` silently (no output, no history), then evaluate `expressions`; the reply's
        content. Only the shell reply is awaited, not the kernel's output going quiet."""
        msg_id = kc.execute(code, silent=True, user_expressions=expressions)
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            try:
                reply = run_sync(kc.get_shell_msg)(timeout=1)
            except queue.Empty:
                if not self.alive():
                    raise DeadKernelError("Kernel died") from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                return dict(reply["content"])
        raise CellTimeoutError(f"no reply within {timeout or self.timeout} s")

    def alive(self) -> bool:
        return bool(run_sync(self.km.is_alive)())

    def run(self, chapter: Chapter, language: Language, timeout: int = DEFAULT_CELL_TIMEOUT) -> Executed:
        """Run `chapter`'s cells then its inline expressions in a fresh namespace; a cell (or the
        inline expressions together) may take at most `timeout` seconds."""
        self.timeout = timeout
        try:
            return self._run(chapter, language)
        except CellTimeoutError:
            raise ChapterExecutionError(
                f"{self._where} did not finish within {timeout} s (the limit is `reportkit: cell-timeout:` "
                "in _quarto.yml or in the chapter's front matter)", chapter.path, self._line) from None
        except DeadKernelError:
            raise ChapterExecutionError(
                f"the Python kernel died while running {self._where} (the code exited the process, "
                "crashed or ran out of memory)", chapter.path, self._line) from None

    def _run(self, chapter: Chapter, language: Language) -> Executed:
        result = Executed()
        start = CHAPTER_START.format(root=str(self.root), folder=str(chapter.path.parent), language=language.code)
        self._where, self._line = "the chapter's setup", 1
        notebook = self.notebook
        assert notebook is not None, "the kernel is closed"
        # the chapter's setup (a fresh namespace, importing reportkit; not the chapter's code, so
        # not its limit), then its cells
        reply = self._request(notebook.client.kc, {}, start, max(self.timeout, DEFAULT_CELL_TIMEOUT))
        if reply.get("status") != "ok":
            raise ChapterExecutionError(f"the chapter's setup failed: {reply.get('ename')}: "
                                        f"{one_line(str(reply.get('evalue', '')))}", chapter.path, 1)
        indices = notebook.append([cell.code for cell in chapter.cells])
        try:
            for cell, index in zip(chapter.cells, indices, strict=True):
                self._where, self._line = "this cell", cell.line
                try:
                    outputs = notebook.run(index, self.timeout)
                except CellExecutionError as err:
                    tb = [str(err.traceback)] if isinstance(err.traceback, str) else list(err.traceback or [])
                    line, evalue = _error_line(tb, cell.code_line), one_line(err.evalue)
                    compiled = SYNTAX_LOCATION.search(evalue)  # a SyntaxError names the cell's line itself
                    if compiled:
                        line, evalue = cell.code_line + int(compiled.group(1)) - 1, SYNTAX_LOCATION.sub("", evalue)
                    raise ChapterExecutionError(
                        raised_in_code(err.ename, evalue, self.root) if err.ename else one_line(tb[-1] if tb else ""),
                        chapter.path, line,
                    ) from None
                result.outputs[cell.index] = outputs
                size = len(json.dumps(outputs))
                if size > OUTPUT_LIMIT:
                    raise ChapterExecutionError(
                        f"this cell's output is {size / 1e6:.1f} MB, more than a page can carry (limit "
                        f"{OUTPUT_LIMIT / 1e6:.0f} MB): write large results to a file and show a summary",
                        chapter.path, cell.line)
            expressions = {item.key: item.expr for item in chapter.inline}
            if chapter.inline:
                first, last = chapter.inline[0].line, chapter.inline[-1].line
                self._where = "the inline expressions" + (f" of lines {first}-{last}" if last != first else "")
                self._line = first
            values = self._request(notebook.client.kc, {**expressions, "__reads__": READS_EXPRESSION}
                                   ).get("user_expressions", {})
        finally:
            notebook.forget(indices)
        for item in chapter.inline:
            value = values.get(item.key, {})
            if value.get("status") != "ok":
                error = raised_in_code(str(value.get("ename", "Error")), one_line(str(value.get("evalue", ""))),
                                       self.root)
                raise ChapterExecutionError(
                    f"inline expression `{item.expr}` failed: {error}", chapter.path, item.line
                )
            result.inline[item.key] = value.get("data", {})
        reads = values.get("__reads__", {}).get("data", {}).get("text/plain", "[]")
        result.reads = list(ast.literal_eval(reads))
        return result

    def kill(self) -> None:
        """Stop the kernel process at once (from another thread); its cell fails as a dead kernel,
        its start (if it is starting) fails."""
        self._killed = True
        process = getattr(self.km.provisioner, "process", None)
        if process is not None:
            process.kill()

    def close(self) -> None:
        try:
            if self.notebook is not None:
                self.notebook.close()
            if self.km.has_kernel:
                run_sync(self.km.shutdown_kernel)(now=True)
        finally:
            shutil.rmtree(self.sockets, ignore_errors=True)


class _Notebook:
    """Code cells run in order by one `NotebookClient` on a running kernel it does not own;
    each chapter appends its cells."""

    def __init__(self, km: AsyncKernelManager, timeout: int):
        self.nb = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
        self.client = NotebookClient(self.nb, km=km, timeout=timeout, allow_errors=False,
                                     startup_timeout=STARTUP_TIMEOUT)
        self.client.start_new_kernel_client()

    def append(self, sources: list[str]) -> list[int]:
        """Add code cells; their indices."""
        start = len(self.nb.cells)
        self.nb.cells.extend(nbformat.v4.new_code_cell(source) for source in sources)  # type: ignore[no-untyped-call]
        return list(range(start, len(self.nb.cells)))

    def forget(self, indices: list[int]) -> None:
        """Drop the outputs of these cells (they were returned): memory stays that of one chapter."""
        for index in indices:
            self.nb.cells[index].outputs = []

    def run(self, index: int, timeout: int = DEFAULT_CELL_TIMEOUT) -> list[dict[str, Any]]:
        """Run cell `index` within `timeout` seconds; its outputs."""
        self.client.timeout = timeout
        self.client.execute_cell(self.nb.cells[index], index)
        return list(self.nb.cells[index].outputs)

    def close(self) -> None:
        if self.client.kc is not None:
            self.client.kc.stop_channels()


class _Spare:
    """A thread that starts one kernel at once, then waits for the one piece of work to run on
    it (in this thread: a kernel's client belongs to the thread that made it); afterwards, or
    when discarded, the kernel is shut down. Killed, it stops its kernel at once, even one still
    starting."""

    def __init__(self, root: Path, env: dict[str, str] | None, kernel_name: str):
        self.started: Future[Kernel] = Future()
        self.finished = threading.Event()
        self._work: queue.SimpleQueue[Callable[[Kernel], None] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._kernel: Kernel | None = None  # once made (it may still be starting)
        self._killed = False
        self._thread = threading.Thread(target=self._main, args=(root, env, kernel_name),
                                        name="reportkit-kernel", daemon=True)
        self._thread.start()

    def _main(self, root: Path, env: dict[str, str] | None, kernel_name: str) -> None:
        try:
            try:
                with self._lock:
                    kernel = self._kernel = Kernel(root, env, kernel_name)
                    if self._killed:
                        kernel.kill()
                kernel.start()
            except Exception as err:
                self.started.set_exception(err)
                return
            self.started.set_result(kernel)
            try:
                work = self._work.get()
                if work is not None:
                    work(kernel)
            finally:
                kernel.close()
        finally:
            ensure_event_loop().close()  # nbclient's run_sync leaves one loop per thread open
            self.finished.set()

    def run(self, work: Callable[[Kernel], None]) -> None:
        """Run `work(kernel)` in this spare's thread, then shut the kernel down."""
        self._work.put(work)

    def discard(self) -> None:
        self._work.put(None)

    def kill(self) -> None:
        with self._lock:
            self._killed = True
            kernel = self._kernel
        if kernel is not None:
            kernel.kill()


class KernelPool:
    """Fresh kernels started ahead of need for one project (root, environment, kernel name).
    Each is handed out once, to one worker; a kernel that ran a chapter is never handed out
    again, so no state passes from one build to the next."""

    def __init__(self, root: Path, env: dict[str, str] | None = None, kernel_name: str = DEFAULT_KERNEL):
        self.spec = (root, dict(env or {}), kernel_name)
        self._spares: list[_Spare] = []
        self._lock = threading.Lock()

    def prepare(self, count: int) -> None:
        """Start kernels in the background until `count` fresh ones are ready or starting."""
        with self._lock:
            self._spares = [s for s in self._spares if not s.finished.is_set()]
            while len(self._spares) < count:
                self._spares.append(_Spare(*self.spec))

    def take(self) -> _Spare:
        """A fresh kernel's thread (started now if none is waiting); it is no longer the pool's."""
        with self._lock:
            spare = self._spares.pop(0) if self._spares else None
        return spare or _Spare(*self.spec)

    def spare_count(self) -> int:
        with self._lock:
            return len(self._spares)

    def close(self, wait: float = 30) -> None:
        """Stop every waiting kernel at once, those still starting too: a build that fails before
        its chapters run (validating) does not wait for its kernels to start, nor pay for it."""
        with self._lock:
            spares, self._spares = self._spares, []
        for spare in spares:
            spare.discard()
            spare.kill()
        for spare in spares:
            spare.finished.wait(wait)


def execute_all(
    jobs: Sequence[tuple[Chapter, Language]], root: Path, workers: int,
    done: Callable[[int, Executed], None], env: dict[str, str] | None = None,
    timeout: int = DEFAULT_CELL_TIMEOUT, kernel_name: str = DEFAULT_KERNEL, pool: KernelPool | None = None,
) -> None:
    """Run every job on `workers` warm kernels, calling `done(index, result)` as each
    finishes. The first failure (in job order) is raised once all workers stop. A cell
    runs at most its chapter's `cell-timeout`, else `timeout` seconds, in the Jupyter kernel
    `kernel_name` (the `jupyter:` key of _quarto.yml). The kernels come from `pool` when
    given (started ahead, for the same root, environment and kernel), else are started now.
    Interrupted (Ctrl-C), every kernel is stopped before the interruption goes on."""
    lock = threading.Lock()
    pending = list(range(len(jobs)))[::-1]
    errors: dict[int, BaseException] = {}
    if pool is None or pool.spec != (root, dict(env or {}), kernel_name):
        pool = KernelPool(root, env, kernel_name)

    def work(kernel: Kernel) -> None:
        while True:
            with lock:
                if errors or not pending or interrupted.is_set():
                    return
                index = pending.pop()
            chapter, language = jobs[index]
            try:
                done(index, kernel.run(chapter, language, chapter.cell_timeout or timeout))
            except Exception as err:
                with lock:
                    errors[index] = err

    def failed_start(spare: _Spare) -> None:
        """A kernel that did not start fails the first job waiting for it."""
        err = spare.started.exception()
        with lock:
            if err is None or errors or not pending:
                return
            index = pending.pop()
        chapter = jobs[index][0]
        reason = one_line(str(err)) or type(err).__name__
        with lock:
            errors[index] = ChapterExecutionError(f"the Python kernel failed to start: {reason}", chapter.path,
                                                  chapter.cells[0].line if chapter.cells else 1)

    interrupted = threading.Event()
    spares = [pool.take() for _ in range(max(1, min(workers, len(jobs))))] if jobs else []
    try:
        for spare in spares:
            spare.run(work)
        for spare in spares:
            spare.finished.wait()
            failed_start(spare)
    except BaseException:  # Ctrl-C: kernels run in their own process group and go on otherwise
        with lock:
            interrupted.set()
            pending.clear()
        for spare in spares:
            spare.discard()  # one not yet given its work
            spare.kill()
        for spare in spares:
            spare.finished.wait()
        raise
    if errors:
        raise errors[min(errors)]
