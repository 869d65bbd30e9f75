"""The site's Vega runtime (assets/vega.js) is shipped with the package, not bundled by each
build; it stays the script the pinned vl-convert bundles."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import vl_convert

from reportkit.config.project import Project
from reportkit.outputs.website import VEGA_BUNDLE, SiteWriter, vega_bundle

from ..conftest import FIXTURES, copy_project

SHIPPED = resources.files("reportkit").joinpath("assets", VEGA_BUNDLE)


def test_the_shipped_bundle_is_the_one_vl_convert_makes() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == vega_bundle(), (
        "assets/vega.js is not vl-convert's bundle: write it again (see reportkit.outputs.website.vega_bundle)")


def test_a_build_copies_the_bundle_without_making_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def bundle(*_: object) -> str:
        raise AssertionError("the build bundled the Vega runtime")

    monkeypatch.setattr(vl_convert, "javascript_bundle", bundle)
    project = Project(copy_project(FIXTURES / "mini", tmp_path / "mini"))
    staging = tmp_path / "site"
    SiteWriter(project, staging, {}, None, {}).write_common()
    assert (staging / "assets" / VEGA_BUNDLE).read_bytes() == SHIPPED.read_bytes()
