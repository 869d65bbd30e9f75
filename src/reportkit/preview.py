"""`reportkit preview`: serve the site on localhost, rebuild on changes, reload the page.

The server serves the output folder as built; into HTML responses only (never into
the files) it adds one same-origin script that reloads the page when a rebuild
finishes. Chapters, data, the bibliography and the configuration are watched; a
failed rebuild prints its one-line error and keeps the last good site.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .errors import ReportkitError
from .project import Project

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
WATCHED = ("chapters", "data", "bib")


class PreviewState:
    def __init__(self) -> None:
        self.build = 0
        self.lock = threading.Lock()

    def bump(self) -> None:
        with self.lock:
            self.build += 1


def _handler(site: Path, state: PreviewState) -> type[SimpleHTTPRequestHandler]:
    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(self, body: bytes, content_type: str) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == RELOAD_PATH:
                return self._send(RELOAD_SCRIPT.encode(), "text/javascript; charset=utf-8")
            if path == BUILD_PATH:
                return self._send(str(state.build).encode(), "text/plain; charset=utf-8")
            file = Path(self.translate_path(path))
            if file.is_dir():
                file = file / "index.html"
            if file.suffix == ".html" and file.is_file():
                html = file.read_text(encoding="utf-8")
                html = html.replace("</body>", f'<script src="{RELOAD_PATH}"></script>\n</body>', 1)
                return self._send(html.encode("utf-8"), "text/html; charset=utf-8")
            return super().do_GET()

    return functools.partial(Handler, directory=str(site))  # type: ignore[return-value]


def serve(project: Project, host: str, port: int, rebuild: Callable[[], None],
          changes: Callable[[], Iterator[object]], ready: Callable[[str], None] = print) -> None:
    """Serve until interrupted; after each batch of `changes`, `rebuild` and bump the build."""
    state = PreviewState()
    server = ThreadingHTTPServer((host, port), _handler(project.output_dir, state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ready(f"http://{host}:{server.server_address[1]}/")
    try:
        for _ in changes():
            try:
                rebuild()
            except ReportkitError as error:
                print(error.format(project.root))
                continue
            state.bump()
    finally:
        server.shutdown()
        server.server_close()


def watch(project: Project, stop: threading.Event | None = None) -> Iterator[object]:
    """Batches of changed source files (watchfiles)."""
    import watchfiles

    paths = [project.root / name for name in WATCHED if (project.root / name).is_dir()]
    paths += sorted(project.root.glob("_quarto*.yml"))
    generated = [project.chapter_dir(lang) for lang in project.languages if project.is_generated(lang)]

    def relevant(change: watchfiles.Change, path: str) -> bool:
        return not any(Path(path).is_relative_to(folder) for folder in generated)

    yield from watchfiles.watch(*paths, watch_filter=relevant, stop_event=stop, debounce=300)
