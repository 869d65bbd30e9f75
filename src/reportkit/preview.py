"""`reportkit preview`: serve the site on localhost, rebuild on changes, reload the page.

The server serves the output folder as built; into HTML responses only (never into
the files) it adds same-origin scripts: one reloads the page when a rebuild finishes,
the other shows the check findings of the last build in an overlay (`file:line [rule]
message`) and highlights, on the page a finding is about, the text it is about. A
rebuild publishes even with findings (a draft, so the page shows what was typed).
Chapters, data, the bibliography and the configuration are watched. A failed rebuild,
whatever the error, prints its one-line message, keeps serving the last good site and
shows the message at the top of every page (or, with no site yet, as the page) until a
rebuild succeeds.

A rebuild serves its pages as soon as they are built, from the build's staging folder,
before the notebooks, the search index and the checks (open pages reload then, and again
when the build is published with its findings); a build that fails afterwards goes back
to the last good site. Kernels for the next rebuild are started (fresh: a kernel that ran
a chapter is never reused) while the author reads, so an edit does not wait for one.
"""

from __future__ import annotations

import functools
import html
import json
import os
import queue
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from html.parser import HTMLParser
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

from reportkit.checks.findings import Finding
from reportkit.checks.origin import describe
from reportkit.config.project import HOME, ChapterEntry, Project
from reportkit.execution.kernel import KernelPool
from reportkit.workers import workers

RELOAD_PATH = "/__reportkit__/reload.js"
BUILD_PATH = "/__reportkit__/build"
RELOAD_SCRIPT = f"""(function () {{
  var seen = null;
  function poll() {{
    fetch("{BUILD_PATH}", {{ cache: "no-store" }}).then(function (r) {{ return r.text(); }}).then(function (build) {{
      if (seen !== null && build !== seen) window.location.reload();
      seen = build;
    }}).catch(function () {{}}).finally(function () {{ setTimeout(poll, 1000); }});
  }}
  poll();
}})();
"""
ERROR_PATH = "/__reportkit__/error"
STYLE_PATH = "/__reportkit__/preview.css"
STYLE = """#reportkit-build-error { position: sticky; top: 0; z-index: 1000; margin: 0; padding: .75em 1em;
  background: #8b0000; color: #fff; font: 14px/1.4 monospace; white-space: pre-wrap; }
"""
FINDINGS_PATH = "/__reportkit__/findings"
FINDINGS_SCRIPT_PATH = "/__reportkit__/findings.js"
CHECKING_HEADER = "X-Reportkit-Checking"  # on the findings while the pages served are newer than them
FINDINGS_SCRIPT = "preview.js"  # in reportkit/assets; served only by the preview
WATCHED = ("chapters", "data", "bib")


class PreviewState:
    """The build counter pages poll, the error of the last build (None when it succeeded), and
    the staging folder of the build under way once its pages are built (served before the
    published site)."""

    def __init__(self) -> None:
        self.build = 0
        self.error: str | None = None
        self.findings: list[dict[str, object]] = []
        self.staged: Path | None = None
        self.lock = threading.Lock()

    def pages_ready(self, staging: Path) -> None:
        """Serve the pages of the build under way (open pages reload) until it ends."""
        with self.lock:
            self.staged = staging

    def counter(self) -> str:
        """What pages poll: the number of builds finished, followed by "+" while the pages of
        the next one are served before it finishes."""
        with self.lock:
            return f"{self.build}+" if self.staged is not None else str(self.build)

    def finished(self, error: str | None, findings: Sequence[Finding] = ()) -> None:
        with self.lock:
            self.build += 1
            self.staged = None
            self.error = error
            self.findings = [{"text": f.format(), "page": _page_of(f.path), "subject": f.subject.splitlines()}
                             for f in findings]


def _page_of(source: str) -> str:
    """The HTML file name (in any language's folder) of the chapter `source` (a path relative
    to the project root), or "" when the finding is not about a chapter."""
    name = source.rsplit("/", 1)[-1]
    if not name.endswith(".qmd"):
        return ""
    return "index.html" if name.startswith("index.") else name.removesuffix(".qmd") + ".html"


class _Landmarks(HTMLParser):
    """Where a page's head ends and its body's content starts and ends (offsets into the text),
    found by an HTML tokenizer: a `</body>` inside a script or a comment is not the body's end."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.line_starts = [0]
        for line in text.splitlines(keepends=True):
            self.line_starts.append(self.line_starts[-1] + len(line))
        self.at: dict[str, int] = {}
        self.feed(text)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.at.setdefault("<body>", self._offset() + len(self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("head", "body"):
            self.at.setdefault(f"</{tag}>", self._offset())


def _decorate(html_text: str, error: str | None) -> str:
    """An HTML response as served: the reload script, and the build error if there is one."""
    head = f'<link rel="stylesheet" href="{STYLE_PATH}">' if error else ""
    banner = f'<pre id="reportkit-build-error" role="alert">{html.escape(error)}</pre>' if error else ""
    scripts = f'<script src="{RELOAD_PATH}"></script>\n<script src="{FINDINGS_SCRIPT_PATH}"></script>\n'
    inserts = {"</head>": head, "<body>": banner, "</body>": scripts}
    found = _Landmarks(html_text).at
    for offset, text in sorted(((found[name], text) for name, text in inserts.items() if name in found),
                               reverse=True):
        html_text = html_text[:offset] + text + html_text[offset:]
    return html_text


ERROR_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>reportkit preview: build failed</title></head>
<body></body></html>
"""


def _handler(site: Path, state: PreviewState) -> type[SimpleHTTPRequestHandler]:
    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(self, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def translate_path(self, path: str) -> str:
            """The file in the staging folder of the build under way if it has it, else in the site."""
            served = super().translate_path(path)
            staged = state.staged
            if staged is not None:
                candidate = staged / os.path.relpath(served, site)
                if candidate.exists():
                    return str(candidate)
            return served

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == RELOAD_PATH:
                return self._send(RELOAD_SCRIPT.encode(), "text/javascript; charset=utf-8")
            if path == BUILD_PATH:
                return self._send(state.counter().encode(), "text/plain; charset=utf-8")
            if path == ERROR_PATH:
                return self._send((state.error or "").encode("utf-8"), "text/plain; charset=utf-8")
            if path == FINDINGS_PATH:  # the last finished build's; marked while the next one's are due
                with state.lock:
                    body = json.dumps(state.findings, ensure_ascii=False)
                    checking = state.staged is not None
                return self._send(body.encode("utf-8"), "application/json; charset=utf-8",
                                  {CHECKING_HEADER: "1"} if checking else {})
            if path == FINDINGS_SCRIPT_PATH:
                script = resources.files("reportkit").joinpath("assets", FINDINGS_SCRIPT).read_bytes()
                return self._send(script, "text/javascript; charset=utf-8")
            if path == STYLE_PATH:
                return self._send(STYLE.encode(), "text/css; charset=utf-8")
            file = Path(self.translate_path(path))
            if file.is_dir():
                file = file / "index.html"
            if file.suffix == ".html" and file.is_file():
                try:
                    text = file.read_text(encoding="utf-8", errors="replace")
                except FileNotFoundError:  # the staging folder was published or removed meanwhile
                    return self.do_GET()
                return self._send(_decorate(text, state.error).encode("utf-8"), "text/html; charset=utf-8")
            if state.error and (file.suffix == ".html" or path.endswith("/")):  # no site to show yet
                return self._send(_decorate(ERROR_PAGE, state.error).encode("utf-8"), "text/html; charset=utf-8")
            return super().do_GET()

    return functools.partial(Handler, directory=str(site))  # type: ignore[return-value]


PagesReady = Callable[[Path], None]


class DraftBuilds:
    """The preview's builds of the project at `root`: the HTML site, published even with
    findings (a draft: the page shows what the author typed), with fresh kernels started
    ahead for the next build. :meth:`close` stops them."""

    def __init__(self, root: Path):
        self.root = root
        self.kernels: KernelPool | None = None

    def build(self, pages_ready: PagesReady | None = None) -> tuple[bool, int, list[Finding]]:
        """Build; returns whether it was up to date, how many chapters ran, and the findings (not
        the missing PDFs: the preview does not build them). `pages_ready` as in `render`."""
        from reportkit.engine import embedded

        project = Project(self.root)
        fresh = embedded.kernel_pool(project)
        if self.kernels is None or self.kernels.spec != fresh.spec:  # first build, or `jupyter:` changed
            self.close()
            self.kernels = fresh
        kernels = self.kernels

        def ready(staging: Path) -> None:
            if pages_ready is not None:
                pages_ready(staging)
            kernels.prepare(workers())  # the next build's, while this one goes on

        try:
            report = embedded.render(project, formats=frozenset({"html"}), allow_findings=True, kernels=kernels,
                                     pages_ready=ready)
        finally:
            kernels.prepare(workers())
        return report.up_to_date, len(report.executed), [f for f in report.findings if f.rule != "site-missing"]

    def close(self) -> None:
        if self.kernels is not None:
            self.kernels.close()


def serve(project: Project, host: str, port: int, rebuild: Callable[[PagesReady], Sequence[Finding] | None],
          changes: Callable[[], Iterator[object]], ready: Callable[[str], None] = print) -> None:
    """Serve until interrupted: build once, then after each batch of `changes`; every build
    (failed or not) bumps the counter open pages poll. `rebuild(pages_ready)` returns the
    findings of the checks on what it built; it may call `pages_ready(staging)` once its pages
    are in `staging`, to have them served while it goes on."""
    state = PreviewState()
    server = ThreadingHTTPServer((host, port), _handler(project.output_dir, state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ready(f"http://{host}:{server.server_address[1]}/")

    def build() -> None:
        try:
            findings = rebuild(state.pages_ready)
        except Exception as error:  # any failure: keep serving, show it
            message = describe(error, project.root)
            print(message, file=sys.stderr)
            state.finished(message)
        else:
            state.finished(None, findings or ())

    # Watch from before the first build: an edit saved while a build runs starts the next one.
    batches: queue.SimpleQueue[object] = queue.SimpleQueue()
    ended = object()

    def pump() -> None:
        try:
            for batch in changes():
                batches.put(batch)
        finally:
            batches.put(ended)

    threading.Thread(target=pump, name="reportkit-watch", daemon=True).start()
    try:
        build()
        while (batch := batches.get()) is not ended:
            while batch is not ended and not batches.empty():  # saved during the build: one rebuild
                batch = batches.get()
            build()
            if batch is ended:
                break
    finally:
        server.shutdown()
        server.server_close()


def watch(project: Project, stop: threading.Event | None = None) -> Iterator[object]:
    """Batches of changed source files (watchfiles)."""
    import watchfiles

    paths = [project.root / name for name in WATCHED if (project.root / name).is_dir()]
    paths += sorted(project.root.glob("_quarto*.yml")) + sorted(project.root.glob("index.*.qmd"))
    home = ChapterEntry(HOME, None, False)
    generated = [path for lang in project.languages if project.is_generated(lang)
                 for path in (project.chapter_dir(lang), project.root / home.source(lang.code))]

    def relevant(change: watchfiles.Change, path: str) -> bool:
        return not any(Path(path).is_relative_to(folder) for folder in generated)

    yield from watchfiles.watch(*paths, watch_filter=relevant, stop_event=stop, debounce=300)
