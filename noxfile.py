"""Sessions: render, tests, lint, check (and later bench, preview).

`nox -s render` and `nox -s tests` are the README quick start: each installs
every Python package into its own virtualenv and, when run as root with
apt-get available, the Debian packages the build needs. Elsewhere it stops with
the exact install command.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import nox

nox.options.reuse_venv = "yes"
nox.options.sessions = ["render", "tests"]

# Debian packages the build and the tests need, and a file each one installs.
SYSTEM_PACKAGES = {
    "fonts-noto-cjk": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # PDF: Chinese
    "fonts-noto-core": "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",  # PDF: English
}
# The browser tests drive Debian's Chromium (never a downloaded browser).
TEST_PACKAGES = {**SYSTEM_PACKAGES, "chromium": "/usr/bin/chromium"}


def ensure_system_packages(session: nox.Session, packages: dict[str, str]) -> None:
    missing = [name for name, probe in packages.items() if not os.path.exists(probe)]
    if not missing:
        return
    command = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        session.error(
            f"missing system packages {', '.join(missing)}: run `sudo apt-get update && "
            f"sudo {' '.join(command)}` (or your platform's equivalent) and try again"
        )
    session.log(f"installing system packages: {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*command, "-qq"], check=True, env=env)


@nox.session
def render(session: nox.Session) -> None:
    """Build the site into _site/ (all languages)."""
    session.install("-e", ".")
    ensure_system_packages(session, SYSTEM_PACKAGES)
    session.run("reportkit", "render", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """The full test suite: unit, functional (CLI), output (the real report), browser.

    One worker per core this process may use (`-n auto`, counted by tests/conftest.py; a third
    worker on two cores was slower). A test file's tests stay together on one worker, so a
    file's fixtures are made once; each worker builds the session's report once.
    `nox -s tests -- -n 0` runs the suite in one process."""
    session.install("-e", ".[test]")
    ensure_system_packages(session, TEST_PACKAGES)
    session.run("pytest", "-n", "auto", "--dist", "loadfile", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Build-time figures of the real report and the test suite's time (ratios from one run;
    see benchmarks/bench.py)."""
    session.install("-e", ".[test]")
    ensure_system_packages(session, TEST_PACKAGES)
    session.run("python", "benchmarks/bench.py", *session.posargs)


@nox.session
def check(session: nox.Session) -> None:
    """Render, then `reportkit check` on the built site (exit 1 on any finding)."""
    session.install("-e", ".")
    ensure_system_packages(session, SYSTEM_PACKAGES)
    session.run("reportkit", "render", "--quiet")
    session.run("reportkit", "check", *session.posargs)


@nox.session
def prepublish(session: nox.Session) -> None:
    """Before publishing an edition: render (which runs every check), `reportkit check` (its warnings too),
    and the per-figure and per-quote tests a reviewer reads."""
    session.install("-e", ".[test]")
    ensure_system_packages(session, SYSTEM_PACKAGES)
    session.run("reportkit", "render", "--quiet")
    session.run("reportkit", "check")
    session.run("pytest", "-q", "tests/output/test_figures.py", "tests/output/test_evidence.py", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint) and mypy (strict) on the package and the development tools."""
    session.install("-e", ".[lint]")
    session.run("ruff", "check", "src", "tests", "tools", "benchmarks", "noxfile.py")
    session.run("mypy")
    session.run("mypy", "tools")
