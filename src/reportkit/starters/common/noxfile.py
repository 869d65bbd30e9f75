"""Sessions: `nox -s render` builds the site into _site/, `nox -s check` verifies it.

Each session installs reportkit (the release that wrote this project; set REPORTKIT to
another pip requirement, e.g. a wheel's path, to change it) into its own virtualenv.
The PDFs need the Noto fonts: on Debian, `apt-get install fonts-noto-cjk fonts-noto-core`.
"""

from __future__ import annotations

import os

import nox

nox.options.reuse_venv = "yes"
nox.options.sessions = ["render", "check"]
REPORTKIT = os.environ.get("REPORTKIT", "{{ requirement }}")


@nox.session
def render(session: nox.Session) -> None:
    """Build the site and the PDFs of every language into _site/."""
    session.install(REPORTKIT)
    session.run("reportkit", "render", *session.posargs)


@nox.session
def check(session: nox.Session) -> None:
    """Check every figure of the built site against data/statistics.csv."""
    session.install(REPORTKIT)
    session.run("reportkit", "check", *session.posargs)
