"""A real browser (Debian's Chromium driven by Playwright) on the built site, served on localhost."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from reportkit.config.project import Project

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(rendered_report: Project) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(rendered_report.output_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


def _launch(playwright: Any, profile: Path, **options: Any) -> Any:
    executable = shutil.which("chromium") or CHROMIUM
    assert Path(executable).exists(), "Chromium is missing: `sudo apt-get install chromium` (nox installs it)"
    return playwright.chromium.launch_persistent_context(str(profile), executable_path=executable,
                                                         args=CHROMIUM_ARGS, **options)


@pytest.fixture(scope="session")
def browser_context(playwright_driver: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A desktop window."""
    context = _launch(playwright_driver, tmp_path_factory.mktemp("chromium-profile"),
                      viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture(scope="session")
def phone_context(playwright_driver: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A phone: a touch screen 320 CSS px wide (tests may widen it)."""
    context = _launch(playwright_driver, tmp_path_factory.mktemp("chromium-phone-profile"),
                      viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True,
                      device_scale_factor=1)
    yield context
    context.close()
