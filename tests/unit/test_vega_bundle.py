"""The site's Vega runtime (assets/vega.js) is shipped with the package, not bundled by each
build; it stays the script the pinned vl-convert bundles, and the licence notices of the npm
packages in it (assets/vega.js.LICENSE.txt) stay those of that script and are published beside it."""

from __future__ import annotations

import importlib.util
import re
import sys
from importlib import metadata, resources
from pathlib import Path
from types import ModuleType

import pytest
import vl_convert

from reportkit.config.project import Project
from reportkit.outputs.website import VEGA_BUNDLE, VEGA_NOTICES, SiteWriter, vega_bundle

from ..conftest import FIXTURES, copy_project

SHIPPED = resources.files("reportkit").joinpath("assets", VEGA_BUNDLE)
NOTICES = resources.files("reportkit").joinpath("assets", VEGA_NOTICES)
TOOL = Path(__file__).resolve().parents[2] / "tools" / "vega_notices.py"  # writes NOTICES
STALE = "assets/vega.js.LICENSE.txt is not the bundle's: write it again with `python tools/vega_notices.py`"
RULE = "-" * 80 + "\n"
# what each licence's text says, whatever its copyright line
LICENCE_WORDS = {
    "BSD-3-Clause": ("Redistribution and use in source and binary forms", "THIS SOFTWARE IS PROVIDED"),
    "ISC": ("Permission to use, copy, modify, and/or distribute this software",),
    "MIT": ("Permission is hereby granted, free of charge",),
    "Unlicense": ("This is free and unencumbered software released into the public domain",),
}


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vega_notices", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _listed() -> dict[str, tuple[str, str]]:
    """The notices' table of packages: name -> (version, licence)."""
    table = NOTICES.read_text(encoding="utf-8").split("\nPackages (", 1)[1].split("\n\n", 1)[0]
    count, *rows = table.splitlines()
    listed = {}
    for row in rows:
        match = re.fullmatch(r"  (\S+) (\S+)  (.+)", row)
        assert match is not None, row
        listed[match[1]] = (match[2], match[3])
    assert count == f"{len(listed)}):"
    return listed


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
    assert (staging / "assets" / VEGA_NOTICES).read_bytes() == NOTICES.read_bytes()


def test_the_notices_are_written_for_the_pinned_vl_convert() -> None:
    head = NOTICES.read_text(encoding="utf-8").split("\n\n", 2)[1]
    assert f"vl-convert-python {metadata.version('vl-convert-python')} " in head, STALE


def test_the_notices_list_the_versions_the_bundle_carries() -> None:
    listed, bundle = _listed(), SHIPPED.read_text(encoding="utf-8")
    assert listed["vega"][0] == vl_convert.get_vega_version(), STALE
    assert listed["vega-embed"][0] == vl_convert.get_vega_embed_version(), STALE
    assert listed["vega-themes"][0] == vl_convert.get_vega_themes_version(), STALE
    assert listed["vega-lite"][0].startswith(vl_convert.get_vegalite_versions()[-1] + "."), STALE  # the default
    for name in ("vega", "vega-lite", "vega-themes"):  # each keeps its version in a constant
        assert f'="{listed[name][0]}"' in bundle, f"{name} {listed[name][0]}: {STALE}"
    # code inlined by vega-embed's build and by jsDelivr's, which no import names
    assert ("SEMVER_SPEC_VERSION" in bundle) == ("semver" in listed), STALE
    assert ("JsonPatchError" in bundle) == ("fast-json-patch" in listed), STALE
    assert ("process.binding is not supported" in bundle) == ("process-es6" in listed), STALE


def test_the_notices_list_every_package_vl_convert_bundles() -> None:
    bundled = {p.name: p.version for p in _tool().bundled_packages()}
    assert "d3-array" in bundled and "vega-tooltip" in bundled  # the reading found the dependencies
    assert {name: version for name, (version, _) in _listed().items()} == bundled, STALE


def test_every_listed_package_has_its_licence_text() -> None:
    listed = _listed()
    sections = NOTICES.read_text(encoding="utf-8").split(RULE)[1:]
    assert [s.split(" ", 1)[0] for s in sections] == list(listed)
    for section, (name, (version, licence)) in zip(sections, listed.items(), strict=True):
        assert section.startswith(f"{name} {version}  ({licence})\n")
        assert " of the npm tarball " in section
        for words in LICENCE_WORDS[licence]:
            assert words in section, f"{name}: no {licence} text"
