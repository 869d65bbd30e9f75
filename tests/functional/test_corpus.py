"""A corpus of bad, hostile and unusual inputs, as authors (careless or not) and machines produce
them: each fails with one golden line `file:line: message`, its exit code, and the previous
`_site/` byte for byte; ordinary editor files (BOM, CRLF) are accepted.

Each case is one test id; the golden line is tests/golden/errors/<case>.txt.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from reportkit.config.project import Project
from reportkit.execution.cache import CACHE_DIR, BuildCache

from ..conftest import GOLDEN, Result, assert_golden, snapshot
from .test_bad_input import CHAPTER, REGISTRY, _append, _edit

TABLE = "data/exposure.csv"
BIB = "bib/references.bib"
CONFIG = "_quarto.yml"
PROFILE = "_quarto-zh-Hant.yml"
LATIN1 = "Café".encode("latin-1")  # b"Caf\xe9": not UTF-8


def _insert_bytes(path: Path, after: bytes, data: bytes) -> None:
    raw = path.read_bytes()
    assert after in raw, f"fixture changed: {after!r} not in {path}"
    path.write_bytes(raw.replace(after, after + data, 1))


def _cell(code: str) -> Callable[[Path], None]:
    return lambda p: _append(p / CHAPTER, f"\n```{{python}}\n{code}\n```\n")


def _symlink_out(p: Path) -> None:
    outside = p.parent / "elsewhere.qmd"
    outside.write_text((p / CHAPTER).read_text(encoding="utf-8") + "\n外面的內容。\n", encoding="utf-8")
    (p / CHAPTER).unlink()
    (p / CHAPTER).symlink_to(outside)


def _dangling(relative: str) -> Callable[[Path], None]:
    def mutate(p: Path) -> None:
        (p / relative).unlink()
        (p / relative).symlink_to(p / "no-such-file")
    return mutate


def _colour_pandoc(p: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pandoc that fails in colour, as tools do on a terminal."""
    from reportkit.tools import pandoc

    fake = p.parent / "pandoc"
    fake.write_text("#!/bin/sh\nprintf '\\033[91mERROR\\033[0m: \\033[1mout of cheese\\033[0m\\n' >&2\nexit 83\n")
    fake.chmod(0o755)
    monkeypatch.setattr(pandoc, "executable", lambda: str(fake))


def _kernel_cannot_start(p: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kernel's interpreter exits on start (a broken environment, here a sitecustomize)."""
    broken = p.parent / "broken-site"
    broken.mkdir()
    (broken / "sitecustomize.py").write_text("raise SystemExit(3)\n")
    monkeypatch.setenv("PYTHONPATH", str(broken))
    monkeypatch.setenv("REPORTKIT_WORKERS", "1")


def _imports_at_kernel_start(p: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kernels import what the mini chapters' cells import (pandas, reportkit, tabulate) as they
    start (an IPython startup file), not in the chapters' first cells: a 2 s cell limit then times
    out only the cell that never ends, however busy the machine (an import of pandas alone takes
    0.7 s of CPU; under pytest-xdist other workers render at the same time)."""
    startup = p.parent / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-imports.py").write_text("import pandas\nimport tabulate\nfrom reportkit import stat\n")
    monkeypatch.setenv("IPYTHONDIR", str(p.parent / "ipython"))


@dataclass(frozen=True)
class Case:
    mutate: Callable[[Path], None]
    environment: Callable[[Path, pytest.MonkeyPatch], None] | None = None  # tools, variables


CORPUS: dict[str, Case] = {
    # the bibliography
    "bib-unclosed-brace-runs-into-next-entry": Case(lambda p: _edit(p / BIB, "{The Future of Jobs Report 2020}",
                                                                    "{The Future {of Jobs Report 2020}")),
    "bib-unclosed-brace-at-end": Case(lambda p: _append(p / BIB, "\n@misc{late,\n  title = {Never closed\n")),
    "bib-not-utf8": Case(lambda p: _insert_bytes(p / BIB, b"institution = {Goldman Sachs", b" " + LATIN1)),
    "bib-empty": Case(lambda p: (p / BIB).write_bytes(b"")),
    "bib-duplicate-key": Case(lambda p: _append(p / BIB, "\n@misc{gs2023,\n  title = {Again},\n}\n")),
    "bib-entry-without-title": Case(lambda p: _append(p / BIB, "\n@misc{untitled,\n  year = {2024},\n}\n")),
    "bib-missing": Case(lambda p: (p / BIB).unlink()),
    "bib-nul-byte": Case(lambda p: _insert_bytes(p / BIB, b"year = {2023}", b"\x00")),
    # the registry and source tables
    "registry-not-utf8": Case(lambda p: _insert_bytes(p / REGISTRY, "可能被取代的工作".encode(), LATIN1)),
    "registry-empty": Case(lambda p: (p / REGISTRY).write_bytes(b"")),
    "registry-header-only": Case(lambda p: (p / REGISTRY).write_text(
        (p / REGISTRY).read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")),
    "registry-missing": Case(lambda p: (p / REGISTRY).unlink()),
    "registry-unclosed-quote": Case(lambda p: _edit(p / REGISTRY, '"Exhibit 5, p. 7"', '"Exhibit 5, p. 7')),
    "registry-extra-cell": Case(lambda p: _edit(p / REGISTRY, "found,,,,,,,,\n", "found,,,,,,,,,x\n")),
    "registry-unknown-column": Case(lambda p: _edit(p / REGISTRY, ",horizon_acknowledged\n",
                                                    ",horizon_acknowledged,colour\n")),
    "registry-missing-column": Case(lambda p: _edit(p / REGISTRY, ",decimals,", ",")),
    "registry-value-nan": Case(lambda p: _edit(p / REGISTRY, ",85000000,", ",nan,")),
    "registry-value-infinite": Case(lambda p: _edit(p / REGISTRY, ",85000000,", ",inf,")),
    "registry-decimals-out-of-range": Case(lambda p: _edit(p / REGISTRY, ",count,0,", ",count,9,")),
    "registry-empty-source": Case(lambda p: _edit(p / REGISTRY, ",count,0,wef2020jobs,", ",count,0,,")),
    "registry-id-not-kebab-case": Case(lambda p: _edit(p / REGISTRY, "wef-jobs-displaced,", "WEF_jobs,")),
    "registry-unknown-status": Case(lambda p: _edit(p / REGISTRY, ",2025,secondary,", ",2025,maybe,")),
    "registry-half-derivation": Case(lambda p: _edit(p / REGISTRY, ",share_exposed,industry=Arts and media",
                                                     ",share_exposed,")),
    "registry-dangling-symlink": Case(_dangling(REGISTRY)),
    "source-table-not-utf8": Case(lambda p: _insert_bytes(p / TABLE, b"All industries", LATIN1)),
    "registry-value-with-thousands-separators": Case(lambda p: _edit(p / REGISTRY, ",85000000,", ',"85,000,000",')),
    # chapters: files
    "chapter-not-utf8": Case(lambda p: _insert_bytes(p / CHAPTER, "## 自動化暴露".encode(), LATIN1)),
    "chapter-empty": Case(lambda p: (p / CHAPTER).write_bytes(b"")),
    "chapter-nul-byte": Case(lambda p: _append(p / CHAPTER, "\n\x00rk0\x00\n")),
    "chapter-symlink-out-of-project": Case(_symlink_out),
    "chapter-dangling-symlink": Case(_dangling(CHAPTER)),
    "chapter-is-a-folder": Case(lambda p: ((p / CHAPTER).unlink(), (p / CHAPTER).mkdir())),
    # chapters: syntax
    "front-matter-unclosed": Case(lambda p: _edit(p / CHAPTER, 'title: "就業"\n---\n', 'title: "就業"\n\n')),
    "front-matter-malformed-yaml": Case(lambda p: _edit(p / CHAPTER, 'title: "就業"', 'title: [就業')),
    "front-matter-unknown-key": Case(lambda p: _edit(p / CHAPTER, 'title: "就業"', 'title: "就業"\nformat: pdf')),
    "front-matter-unknown-reportkit-key": Case(lambda p: _edit(p / CHAPTER, 'title: "就業"',
                                                                'title: "就業"\nreportkit:\n  timeout: 5')),
    "front-matter-cell-timeout-not-a-number": Case(lambda p: _edit(p / CHAPTER, 'title: "就業"',
                                                                    'title: "就業"\nreportkit:\n  cell-timeout: soon')),
    "code-fence-never-closed": Case(lambda p: _append(p / CHAPTER, "\n```{python}\nx = 1\n")),
    "level-one-heading": Case(lambda p: _append(p / CHAPTER, "\n# 另一章\n")),
    "cell-options-in-fence": Case(lambda p: _append(p / CHAPTER, "\n```{python echo=false}\nx = 1\n```\n")),
    "raw-block": Case(lambda p: _append(p / CHAPTER, "\n```{=html}\n<script>alert(1)</script>\n```\n")),
    "inline-other-language": Case(lambda p: _append(p / CHAPTER, "\n數字 `{r} 1 + 1`。\n")),
    "duplicate-cell-label": Case(_cell("#| label: tbl-exposure\n#| tbl-cap: \"again\"\n1")),
    "duplicate-section-id": Case(lambda p: _append(p / CHAPTER, "\n## 又一節 {#sec-jobs-exposure}\n")),
    # chapters: execution
    "cell-syntax-error": Case(_cell("def broken(:\n    pass")),
    "cell-kills-its-kernel": Case(_cell("import os\nos._exit(1)")),
    "inline-kills-its-kernel": Case(lambda p: _append(p / CHAPTER, "\n結束 `{python} __import__('os')._exit(1)`。\n")),
    "cell-never-ends-project-timeout": Case(lambda p: (
        _edit(p / CONFIG, "  edition: 2026", "  edition: 2026\n  cell-timeout: 2"),
        _cell("import time\ntime.sleep(600)")(p)), _imports_at_kernel_start),
    "cell-never-ends-chapter-timeout": Case(lambda p: (
        _edit(p / CHAPTER, 'title: "就業"', 'title: "就業"\nreportkit:\n  cell-timeout: 2'),
        _cell("while True:\n    pass")(p)), _imports_at_kernel_start),
    "cell-prints-50-mb": Case(_cell('print("x" * 50_000_000)')),
    # configuration
    "config-not-utf8": Case(lambda p: _insert_bytes(p / CONFIG, b"slug: mini", b" # " + LATIN1)),
    "profile-not-utf8": Case(lambda p: _insert_bytes(p / PROFILE, "迷你報告".encode(), LATIN1)),
    "config-empty": Case(lambda p: (p / CONFIG).write_bytes(b"")),
    "profile-empty": Case(lambda p: (p / PROFILE).write_bytes(b"")),
    "config-tab-indented": Case(lambda p: _edit(p / CONFIG, "  echo: false", "\techo: false")),
    "config-cell-timeout-zero": Case(lambda p: _edit(p / CONFIG, "  edition: 2026",
                                                     "  edition: 2026\n  cell-timeout: 0")),
    "config-bibliography-missing": Case(lambda p: _edit(p / CONFIG, "bibliography: bib/references.bib",
                                                        "bibliography: bib/nowhere.bib")),
    "profile-chapter-listed-twice": Case(lambda p: _edit(p / PROFILE, "    - chapters/zh-Hant/references.qmd",
                                                         "    - chapters/zh-Hant/01-jobs.qmd\n"
                                                         "    - chapters/zh-Hant/references.qmd")),
    "profile-chapter-outside-chapters": Case(lambda p: _edit(p / PROFILE, "    - chapters/zh-Hant/references.qmd",
                                                             "    - chapters/zh-Hant/../../../etc/passwd")),
    "profile-wrong-lang": Case(lambda p: _edit(p / PROFILE, "lang: zh-TW", "lang: en")),
    "profile-wrong-output-dir": Case(lambda p: _edit(p / PROFILE, "output-dir: _site/zh-Hant", "output-dir: /tmp")),
    "kernel-fails-to-start": Case(_cell("x = 1"), _kernel_cannot_start),
    # the kernel comes from the `jupyter:` key, as under Quarto
    "kernel-not-installed": Case(lambda p: _edit(p / CONFIG, "execute:", "jupyter: no-such-kernel\nexecute:")),
    # external tools
    "pandoc-fails-in-colour": Case(lambda p: _append(p / CHAPTER, "\n更多。\n"), _colour_pandoc),
}


def _no_staging_left(root: Path) -> None:
    assert not list(root.glob(".*build-*")), "staging folder left behind"


def _assert_failed_cleanly(result: Result, case: str, root: Path, before: dict[str, bytes], code: int = 1) -> None:
    assert result.code == code, result.err
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert "\x1b" not in lines[0]
    assert_golden(result.err, GOLDEN / "errors" / f"{case}.txt")
    assert snapshot(root / "_site") == before
    _no_staging_left(root)


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_corpus_fails_cleanly(case: str, mini_with_site: Path, run_cli: Callable[..., Result],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(mini_with_site / "_site")
    CORPUS[case].mutate(mini_with_site)
    if CORPUS[case].environment:
        CORPUS[case].environment(mini_with_site, monkeypatch)

    result = run_cli("--project", mini_with_site, "render", "--quiet")

    _assert_failed_cleanly(result, case, mini_with_site, before)


def test_check_reports_a_broken_bibliography(mini_with_site: Path, run_cli: Callable[..., Result]) -> None:
    """`reportkit check` on a bib entry that runs into the next one: a finding, not a traceback."""
    CORPUS["bib-unclosed-brace-runs-into-next-entry"].mutate(mini_with_site)

    result = run_cli("--project", mini_with_site, "check")

    assert result.code == 1
    assert result.err == ""
    findings = [line for line in result.out.splitlines() if "[bib-malformed]" in line]
    assert_golden("\n".join(findings) + "\n", GOLDEN / "errors" / "check-bib-unclosed-brace.txt")


def test_read_only_output(mini_with_site: Path, run_cli: Callable[..., Result]) -> None:
    """An output folder that cannot be replaced (immutable: even root cannot rename it)."""
    if os.geteuid() != 0 or not shutil.which("chattr"):
        pytest.skip("needs root and chattr to make a folder immutable")
    before = snapshot(mini_with_site / "_site")
    _append(mini_with_site / CHAPTER, "\n更多。\n")
    subprocess.run(["chattr", "+i", str(mini_with_site / "_site")], check=True)
    try:
        result = run_cli("--project", mini_with_site, "render", "--quiet", "--to", "html")
    finally:
        subprocess.run(["chattr", "-i", str(mini_with_site / "_site")], check=True)
    _assert_failed_cleanly(result, "output-read-only", mini_with_site, before)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Path:
    """A small tmpfs (needs root and mount; skipped where the machine does not allow it)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a tmpfs needs root (mount -t tmpfs)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_full(tiny_disk: Path, rendered_mini: Path, run_cli: Callable[..., Result]) -> None:
    """The disk fills up while the site is built: one line, the last good site intact."""
    project = Path(shutil.copytree(rendered_mini, tiny_disk / "mini", symlinks=True))
    before = snapshot(project / "_site")
    _append(project / CHAPTER, "\n更多。\n")
    free = shutil.disk_usage(tiny_disk).free
    (tiny_disk / "filler").write_bytes(b"\0" * (free - 300_000))  # ~300 kB left: less than a site

    result = run_cli("--project", project, "render", "--quiet", "--to", "html")

    _assert_failed_cleanly(result, "disk-full", project, before)


def _reportkit(*args: str | Path) -> subprocess.Popen[str]:
    """`reportkit` as a terminal's foreground command starts: with SIGINT at its default action.
    A command started with `&` by a script (a CI job, `nox … &`) ignores SIGINT, an ignored signal
    stays ignored in every child (POSIX), and Python then never raises KeyboardInterrupt: pytest
    started so would hand the render a Ctrl-C it cannot receive. Handling SIGINT here while
    starting it makes the child start with the default, whatever pytest inherited."""
    env = {**os.environ, "REPORTKIT_WORKERS": "1"}
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen([sys.executable, "-m", "reportkit", *map(str, args)], text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    finally:
        signal.signal(signal.SIGINT, previous)


def _ignores_sigint(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    ignored = next(int(line.split()[1], 16) for line in status if line.startswith("SigIgn:"))
    return bool(ignored & 1 << (signal.SIGINT - 1))


def _sleeping_cell(root: Path, marker: Path) -> None:
    _cell(f"open({str(marker)!r}, 'w').close()\nimport time\ntime.sleep(600)")(root)


def _wait_for(marker: Path, proc: subprocess.Popen[str]) -> None:
    for _ in range(600):
        if marker.exists():
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    raise AssertionError("the cell never started")


@pytest.mark.parametrize(("stop", "exit_code", "golden"), [
    (signal.SIGINT, 130, "interrupted.txt"),  # Ctrl-C
    (signal.SIGTERM, 128 + signal.SIGTERM, "terminated.txt"),  # `kill`, `timeout`, a cancelled CI job
], ids=["ctrl-c", "sigterm"])
def test_stopping_a_render(mini_with_site: Path, tmp_path: Path, stop: signal.Signals, exit_code: int,
                           golden: str) -> None:
    """Ctrl-C or SIGTERM while a cell runs: its exit code, one line, the old site, no staging
    folder, no kernel left running (kernels have their own process group, so reportkit stops them)."""
    before = snapshot(mini_with_site / "_site")
    marker = tmp_path / "started"
    _sleeping_cell(mini_with_site, marker)
    proc = _reportkit("--project", mini_with_site, "render", "--quiet")
    _wait_for(marker, proc)
    kernels = _kernel_pids(mini_with_site.resolve())

    try:
        assert not _ignores_sigint(proc.pid), "the render ignores SIGINT: it cannot be interrupted"
        proc.send_signal(stop)
        _, err = proc.communicate(timeout=60)
    except (AssertionError, subprocess.TimeoutExpired):  # stop it all, so no process outlives the test
        proc.kill()
        proc.communicate()
        for pid in _kernel_pids(mini_with_site.resolve()):
            os.kill(pid, signal.SIGKILL)
        raise

    assert proc.returncode == exit_code
    assert_golden(err, GOLDEN / "errors" / golden)
    assert snapshot(mini_with_site / "_site") == before
    _no_staging_left(mini_with_site)
    assert kernels and not any(_alive(pid) for pid in kernels)


def _kernel_pids(root: Path) -> list[int]:
    """The ipykernel processes running with `root` as their project."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and b"ipykernel_launcher" in (proc / "cmdline").read_bytes() \
                    and f"REPORTKIT_ROOT={root}".encode() in (proc / "environ").read_bytes().split(b"\0"):
                pids.append(int(proc.name))
        except OSError:
            continue
    return pids


def _alive(pid: int) -> bool:
    for _ in range(50):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split()[2]
        except OSError:
            return False
        if state == "Z":
            return False
        time.sleep(0.1)
    return True


def test_killed_build_leaves_the_old_site_and_the_next_build_works(mini_with_site: Path, tmp_path: Path) -> None:
    """SIGKILL mid-build (no chance to clean up): the old site stays; the next build tidies the
    staging folder the dead build left and publishes."""
    before = snapshot(mini_with_site / "_site")
    marker = tmp_path / "started"
    chapter = (mini_with_site / CHAPTER).read_text(encoding="utf-8")
    _sleeping_cell(mini_with_site, marker)
    proc = _reportkit("--project", mini_with_site, "render", "--quiet")
    _wait_for(marker, proc)
    # what a build killed while writing the site leaves (this one was killed before that)
    shutil.copytree(mini_with_site / "_site", mini_with_site / f"._site.build-{_dead_pid()}-abc")

    proc.kill()
    proc.communicate(timeout=60)
    assert snapshot(mini_with_site / "_site") == before

    (mini_with_site / CHAPTER).write_text(chapter + "\n再一段。\n", encoding="utf-8")
    proc = _reportkit("--project", mini_with_site, "render", "--quiet", "--to", "html")
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert "再一段" in (mini_with_site / "_site/zh-Hant/chapters/zh-Hant/01-jobs.html").read_text(encoding="utf-8")
    _no_staging_left(mini_with_site)


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


# --- valid input accepted ----------------------------------------------------------------------

def _bom_crlf(relative: str) -> Callable[[Path], None]:
    """Save a file as Excel and Notepad do: UTF-8 with a byte-order mark, CRLF line ends."""
    def mutate(p: Path) -> None:
        text = (p / relative).read_text(encoding="utf-8")
        (p / relative).write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    return mutate


ACCEPTED = {
    "registry-bom-crlf": REGISTRY,
    "source-table-bom-crlf": TABLE,
    "chapter-bom-crlf": CHAPTER,
    "bib-bom-crlf": BIB,
    "config-bom-crlf": CONFIG,
    "profile-bom-crlf": PROFILE,
    "data-readme-bom-crlf": "data/README.md",
}


def _pages(site: Path) -> dict[str, bytes]:
    """The site as readers see it, but the downloadable copies of the data files (published as saved)."""
    return {name: data for name, data in snapshot(site).items() if not name.startswith("data/")}


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_editor_files_are_accepted(case: str, mini_with_site: Path, run_cli: Callable[..., Result]) -> None:
    """A file saved with a BOM and CRLF line ends builds the same site as the plain file."""
    expected = _pages(mini_with_site / "_site")
    _bom_crlf(ACCEPTED[case])(mini_with_site)

    result = run_cli("--project", mini_with_site, "render", "--quiet", "--force")

    assert result.code == 0, result.err
    assert _pages(mini_with_site / "_site") == expected


def test_errors_in_a_bom_crlf_chapter_keep_their_lines(mini_with_site: Path, run_cli: Callable[..., Result]) -> None:
    """The line of an error in a BOM + CRLF chapter is the line an editor shows (the same golden
    line as for the plain file)."""
    _append(mini_with_site / CHAPTER, "\n```{python}\nratio = 1 / 0\n```\n")
    _bom_crlf(CHAPTER)(mini_with_site)

    result = run_cli("--project", mini_with_site, "render", "--quiet")

    assert result.code == 1
    assert_golden(result.err, GOLDEN / "errors" / "cell-exception.txt")


# --- stale output, cache, project selection ----------------------------------------------------

def test_deleted_output_is_rebuilt(mini_with_site: Path, run_cli: Callable[..., Result]) -> None:
    """The manifest of the published site, not index.html alone, decides "up to date"."""
    expected = snapshot(mini_with_site / "_site")
    assert run_cli("--project", mini_with_site, "render").err.strip().endswith("_site/ is up to date")
    shutil.rmtree(mini_with_site / "_site" / "zh-Hant")

    result = run_cli("--project", mini_with_site, "render")

    assert result.code == 0
    assert "Published _site/" in result.err
    assert snapshot(mini_with_site / "_site") == expected


def test_changed_output_file_is_rebuilt(mini_with_site: Path, run_cli: Callable[..., Result]) -> None:
    page = mini_with_site / "_site/zh-Hant/chapters/zh-Hant/01-jobs.html"
    good = page.read_bytes()
    page.write_bytes(good.replace(b"</body>", b"<script>tampered()</script></body>"))

    result = run_cli("--project", mini_with_site, "render", "--quiet")

    assert result.code == 0
    assert page.read_bytes() == good


def test_poisoned_cache_is_never_unpickled(mini_with_site: Path, tmp_path: Path,
                                           run_cli: Callable[..., Result]) -> None:
    """Every cache entry replaced by a pickle that would run code when loaded, and unknown files
    added: the build ignores them, runs again, and nothing is executed."""
    import pickle

    proof = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {proof}",))

    payload = pickle.dumps(Exploit())
    cache = mini_with_site / CACHE_DIR
    entries = [p for p in cache.rglob("*") if p.is_file()]
    assert any(p.suffix == ".json" for p in entries) and not any(p.suffix == ".pickle" for p in entries)
    for path in entries:
        path.write_bytes(payload)
        path.with_suffix(".pickle").write_bytes(payload)
    before = snapshot(mini_with_site / "_site")

    result = run_cli("--project", mini_with_site, "render", "--quiet")

    assert result.code == 0, result.err
    assert not proof.exists()
    assert snapshot(mini_with_site / "_site") == before  # rebuilt from the sources, same bytes
    assert BuildCache(mini_with_site).published() is not None


def test_cache_entry_of_the_wrong_shape_is_rebuilt(mini_with_site: Path) -> None:
    cache = BuildCache(mini_with_site)
    cache.put_json("chapter", "ab" * 32, {"reads": {}, "executed": {"outputs": "nonsense"}})
    from reportkit.engine.embedded import _cached_execution

    assert _cached_execution(Project(mini_with_site), cache, "ab" * 32) is None


def test_explicit_project_beats_the_environment(mini_with_site: Path, tmp_path: Path,
                                                run_cli: Callable[..., Result],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """With $REPORTKIT_ROOT naming another project, `--project` still decides what renders and
    what `clean` deletes."""
    other = Path(shutil.copytree(mini_with_site, tmp_path / "other", symlinks=True))
    monkeypatch.setenv("REPORTKIT_ROOT", str(other))
    (mini_with_site / CHAPTER).write_text(
        (mini_with_site / CHAPTER).read_text(encoding="utf-8") + "\n只在這個專案。\n", encoding="utf-8")

    assert run_cli("--project", mini_with_site, "render", "--quiet", "--to", "html").code == 0
    page = "_site/zh-Hant/chapters/zh-Hant/01-jobs.html"
    assert "只在這個專案" in (mini_with_site / page).read_text(encoding="utf-8")
    assert "只在這個專案" not in (other / page).read_text(encoding="utf-8")

    assert run_cli("--project", mini_with_site, "clean").code == 0
    assert not (mini_with_site / CACHE_DIR).exists()
    assert (other / CACHE_DIR).is_dir()
