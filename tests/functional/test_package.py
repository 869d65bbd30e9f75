"""A real package: the wheel `python -m build` makes carries every file reportkit reads at run
time, and, installed into a clean virtualenv, writes, renders and checks a new report."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from uv import find_uv_bin

from ..conftest import ROOT

pytestmark = pytest.mark.slow
PACKAGE = ROOT / "src" / "reportkit"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the sources (the worktree gets no build/ folder)."""
    work = tmp_path_factory.mktemp("package")
    source = work / "source"
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(work / "dist"), str(source)],
                   check=True, capture_output=True)
    (built,) = (work / "dist").glob("reportkit-*.whl")
    return built


def test_wheel_carries_every_package_file(wheel: Path) -> None:
    expected = {p.relative_to(PACKAGE.parent).as_posix() for p in PACKAGE.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert expected - names == set()
    assert {"reportkit/starters/en/_quarto.yml", "reportkit/templates/page.html",
            "reportkit/filters/html.lua", "reportkit/assets/site.css", "reportkit/assets/vega.js",
            "reportkit/assets/vega.js.LICENSE.txt"} <= names


def test_new_render_check_from_the_wheel_in_a_clean_virtualenv(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    start = time.perf_counter()
    # a virtualenv with nothing installed, not even pip and setuptools (ensurepip installing and
    # compiling them cost ~6 s of CPU, and Python 3.11's setuptools there would hide a missing
    # dependency on it), nor the system's site-packages; uv installs into it (`--python`)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    bin_dir = venv / "bin"
    # the wheel and its declared dependencies, from the package index with nothing cached, as in a
    # user's first install. uv, not pip: the same packages at the same versions here, for ~5 s of
    # CPU where pip took ~38 s
    subprocess.run([find_uv_bin(), "pip", "install", "--no-cache", "--quiet", "--python", str(bin_dir / "python"),
                    str(wheel)], check=True, capture_output=True)
    installed = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "REPORTKIT_ROOT")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    timings = [f"install {installed - start:.0f} s"]
    for name, language in (("demo", "zh-Hant"), ("demo-en", "en")):
        begin = time.perf_counter()
        for args in (["new", name, "--language", language], ["--project", name, "render", "--quiet"],
                     ["--project", name, "check"]):
            run = subprocess.run([str(bin_dir / "reportkit"), *args], cwd=tmp_path, env=env,
                                 capture_output=True, text=True)
            assert run.returncode == 0, f"reportkit {' '.join(args)}:\n{run.stdout}\n{run.stderr}"
        assert (tmp_path / name / "_site" / language / f"{name}-{language}.pdf").is_file()
        timings.append(f"{name}: new+render+check {time.perf_counter() - begin:.0f} s")
    print("clean virtualenv: " + ", ".join(timings))
