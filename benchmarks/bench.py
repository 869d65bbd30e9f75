"""`nox -s bench`: build-time figures of the real report, measured in one run.

Prints: cold full build (3 languages, HTML + PDF) with the time of each stage of the
flow, the cold build of the baseline commit (BASELINE, built by its own code), no-op
rebuild, rebuild after a one-paragraph edit, rebuild after one data value change (and
which chapters ran), `reportkit check`, an edit reaching the page `reportkit preview`
serves, PDF time per language, a 10x report (the chapters repeated under new
names): time ratio and peak memory (the whole process tree), and the whole test suite as
`nox -s tests` runs it, in cold builds. Targets from issue #18 are shown beside each ratio, and
under the cold build and the edit the floor each meets on these cores: the cold build's CPU (its
process tree) over the cores, and typst on each book the edit made again plus pagefind, each run
alone on the build's own inputs (`tools_alone`), over the cores.
The builds run in temporary copies; the repository is never touched (the suite runs on it,
without pytest's cache). `--skip-tenfold`, `--skip-suite`: leave those out.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from reportkit.config.typefaces import TYPEFACES
from reportkit.execution.cache import BuildCache
from reportkit.i18n import LANGUAGES
from reportkit.outputs.book import fonts_for
from reportkit.preview import BUILD_PATH
from reportkit.tools import pagefind
from reportkit.tools.typst import compile_pdf
from reportkit.workers import usable_cores

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(r"\((\d+) chapter\(s\) executed, (\d+) from the cache\)")
EXECUTED_LINE = re.compile(r"✓ ([\w-]+/[\w.-]+\.qmd) executed")
PDF_LINE = re.compile(r"✓ ([\w-]+)/\S+\.pdf pdf ([\d.]+) s")
STAGE_LINE = re.compile(r"^stage (.+?)\s+([\d.]+) s$", re.M)
COPIES = 10
BASELINE = "b0c4be8"
SUITE_SUMMARY = re.compile(r"\b\d+ (?:passed|failed|errors?)\b.* in [\d.]+s")
EDIT_MARK = "本段為效能測試所加的一句話。"
PREVIEW_MARK = "本段為預覽測試所加的一句話。"  # the cold build the target is relative to


def copy_project(target: Path) -> Path:
    target.mkdir(parents=True)
    for name in ("chapters", "data", "bib"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("zh-Hans"))
    for pattern in ("_quarto*.yml", "index.*.qmd", "_pre-render.py"):  # home pages sit at the root
        for path in ROOT.glob(pattern):
            shutil.copy2(path, target / path.name)
    return target


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        ppid = int(fields.get("PPid", "0").strip())
        children.setdefault(ppid, []).append(int(entry.name))
        rss[int(entry.name)] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Run `reportkit ARGS` in `cwd`: seconds, peak memory of the process tree, output."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "reportkit", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, _ = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode not in (0, 1) or (proc.returncode == 1 and args[0] == "render"):
        raise SystemExit(f"reportkit {' '.join(args)} failed:\n{out}")
    return seconds, peak, out


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children and of what they waited
    for: a build's whole process tree (its kernels, pandoc, typst, pagefind)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tools_alone(root: Path, scratch: Path) -> dict[str, float]:
    """CPU seconds of the two tools no rebuild can skip for a language whose pages changed, each
    run alone as the build runs it on the cold build's own inputs: typst on each book's source
    (the build cache's "typst" entries, told apart by the language and region the book sets)
    and pagefind on a copy of the site. Keys: "typst <language>", "pagefind"."""
    shutil.copytree(root / "_site", scratch)
    shutil.rmtree(scratch / "pagefind")
    cpu: dict[str, float] = {}
    for entry in sorted((BuildCache(root).folder / "typst").rglob("*.json")):
        source = json.loads(entry.read_text(encoding="utf-8"))
        code = next(code for code, language in LANGUAGES.items()
                    if f'lang: "{language.csl.split("-")[0]}", region: "{TYPEFACES[code].region}"' in source)
        typ = scratch / code / ".bench-book.typ"  # beside the figures the book shows
        typ.write_text(source, encoding="utf-8")
        before = children_cpu()
        compile_pdf(typ, scratch / code / "bench.pdf", fonts_for(LANGUAGES[code]), 0)
        cpu[f"typst {code}"] = children_cpu() - before
    before = children_cpu()
    pagefind.index(scratch)
    cpu["pagefind"] = children_cpu() - before
    return cpu


def executed(out: str) -> tuple[int, int]:
    match = SUMMARY.search(out)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def edit_paragraph(root: Path, mark: str = EDIT_MARK) -> str:
    chapter = root / "chapters/zh-Hant/03-ethics.qmd"
    text = chapter.read_text(encoding="utf-8")
    paragraph = next(p for p in text.split("\n\n") if p and not p.startswith(("-", "#", "`", ":")))
    chapter.write_text(text.replace(paragraph, paragraph + mark, 1), encoding="utf-8")
    return chapter.name


def change_data_value(root: Path) -> tuple[str, set[str]]:
    """Change one value of a source table (its derived registry row then fails the check: the
    build is published as a draft); return the table and the chapters whose source reads it
    (what should run again)."""
    table = root / "data/upwork-2024-postings.csv"
    table.write_text(table.read_text(encoding="utf-8").replace(",-0.16,", ",-0.17,"), encoding="utf-8")
    readers = {f"{p.parent.name}/{p.name}" for p in (root / "chapters").rglob("*.qmd")
               if table.name in p.read_text(encoding="utf-8")}
    return table.name, readers


def make_tenfold(root: Path) -> Path:
    """The report with chapters 1-8 repeated COPIES times under new names (ids suffixed)."""
    chapters = sorted(p.name for p in (root / "chapters/zh-Hant").glob("0*.qmd"))
    for lang in ("zh-Hant", "en"):
        folder = root / "chapters" / lang
        for copy in range(2, COPIES + 1):
            for name in chapters:
                text = (folder / name).read_text(encoding="utf-8")
                text = re.sub(r"(?<=[#@])(sec|fig|tbl)-|(?<=label: )(fig|tbl)-",
                              lambda m, c=copy: f"{m.group(1) or m.group(2)}-r{c}-", text)
                (folder / name.replace(".qmd", f"-r{copy}.qmd")).write_text(text, encoding="utf-8")
    for profile in ("_quarto-zh-Hant.yml", "_quarto-en.yml"):
        path = root / profile
        lines = path.read_text(encoding="utf-8").split("\n")
        out = []
        for line in lines:
            out.append(line)
            match = re.match(r"^(\s*- chapters/[\w-]+/)(08-conclusions)\.qmd$", line)
            if match:
                for copy in range(2, COPIES + 1):
                    out += [f"{match.group(1)}{name.replace('.qmd', f'-r{copy}.qmd')}" for name in chapters]
        path.write_text("\n".join(out), encoding="utf-8")
    # translations record the source hash of their original; the copies are new chapters
    subprocess.run([sys.executable, "-m", "reportkit", "stamp", "--all"], cwd=root, check=True, capture_output=True)
    return root


def baseline_cold(target: Path) -> float | None:
    """Seconds of the cold build of commit BASELINE (its report, by its own code); None when
    this checkout does not have the commit."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", BASELINE], capture_output=True)
    if archive.returncode != 0:
        return None
    target.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    subprocess.run(["git", "init", "-q", "."], cwd=target, check=True)  # a build reads the commit's time
    seconds, _, _ = run(["render"], target, dict(os.environ, PYTHONPATH=str(target / "src")))
    return seconds


def suite_run() -> tuple[float, str]:
    """Seconds of the whole test suite as `nox -s tests` runs it (a worker per core this process
    may use, a test file per worker) and pytest's summary, which names any failure."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "auto",
                           "--dist", "loadfile"], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    summaries = SUITE_SUMMARY.findall(proc.stdout)
    return seconds, summaries[-1] if summaries else f"no summary, exit status {proc.returncode}"


def preview_edit(root: Path) -> float:
    """Seconds from saving a one-paragraph edit to `reportkit preview` serving the edited page."""
    proc = subprocess.Popen([sys.executable, "-m", "reportkit", "preview", "--port", "0"], cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        url = next(m.group(0) for line in proc.stderr if (m := re.search(r"http://\S+/", line)))

        def get(path: str) -> str:
            with urllib.request.urlopen(url + path.lstrip("/"), timeout=30) as response:
                return str(response.read().decode("utf-8"))

        while get(BUILD_PATH) in ("0", "0+"):  # the first build ("+": its pages are served, it goes on)
            time.sleep(0.05)
        time.sleep(5)  # the kernels for the next build start after a build (an author reads the page)
        edit_paragraph(root, PREVIEW_MARK)
        start = time.perf_counter()
        page = "zh-Hant/chapters/zh-Hant/03-ethics.html"
        while PREVIEW_MARK not in get(page):
            time.sleep(0.05)
        return time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def main() -> None:
    rows: list[tuple[str, str, str]] = []
    try:
        measure(rows)
    finally:  # what was measured before a failure is still shown
        width = max((len(r[0]) for r in rows), default=0)
        print(f"\nreportkit bench — {os.cpu_count()} cores, Python {sys.version.split()[0]}\n")
        for label, value, target in rows:
            print(f"{label:<{width}}  {value:<45} {target}")


def measure(rows: list[tuple[str, str, str]]) -> None:
    with tempfile.TemporaryDirectory(prefix="reportkit-bench-") as tmp:
        root = copy_project(Path(tmp) / "report")
        before = children_cpu()
        cold, cold_peak, out = run(["render", "--timings"], root)
        cold_cpu = children_cpu() - before
        pdf_times = {lang: float(s) for lang, s in PDF_LINE.findall(out)}
        rows.append(("cold full build (3 languages, HTML + PDF)", f"{cold:.1f} s", "< 25 s"))
        for stage, seconds in STAGE_LINE.findall(out):
            rows.append((f"  stage: {stage}", f"{float(seconds):.1f} s (summed over workers)", ""))
        for lang, seconds in sorted(pdf_times.items()):
            rows.append((f"  PDF {lang} (pandoc + typst)", f"{seconds:.1f} s", ""))
        alone = tools_alone(root, Path(tmp) / "alone")
        rows.append(("  alone, as the build runs them (CPU)", ", ".join(f"{tool} {seconds:.1f} s"
                                                                       for tool, seconds in alone.items()), ""))
        baseline = baseline_cold(Path(tmp) / "baseline")
        rows.append((f"cold build of {BASELINE} (its own code)",
                     f"{baseline:.1f} s; this cold = {cold / baseline:.2f}x" if baseline else "commit not found",
                     "≤ 0.6x"))
        # a floor: no schedule on these cores finishes the build's work in less time
        cores = usable_cores()
        share = f" = {cold_cpu / cores / baseline:.2f}x {BASELINE}" if baseline else ""
        rows.append((f"  floor: its CPU ÷ {cores} cores",
                     f"{cold_cpu:.1f} s ÷ {cores} = {cold_cpu / cores:.1f} s{share}", "≤ 0.6x"))
        noop, _, out = run(["render"], root)
        rows.append(("no-op rebuild", f"{noop:.2f} s = {noop / cold:.1%} of cold", "≤ 5 %"))
        name = edit_paragraph(root)
        edit, _, out = run(["render"], root)
        ran, _ = executed(out)
        rows.append((f"one-paragraph edit ({name})", f"{edit:.1f} s = {edit / cold:.1%} of cold; "
                     f"{ran} chapter(s) ran", "≤ 15 %"))
        # the books it made again (their languages' pages changed: the search index too), alone
        tools = [f"typst {lang}" for lang, _ in PDF_LINE.findall(out)] + ["pagefind"]
        floor = sum(alone[tool] for tool in tools) / cores
        rows.append((f"  floor: {', '.join(tools)} ÷ {cores} cores",
                     f"{floor:.1f} s = {floor / cold:.1%} of cold", "≤ 15 %"))
        # before the data change: that one publishes a draft, which preview (checks on) would not
        reload = preview_edit(root)
        rows.append(("preview: edit saved → edited page served", f"{reload:.1f} s = {reload / cold:.1%} of cold",
                     "≤ 8 %"))
        table, readers = change_data_value(root)
        # the registry row derived from the table no longer recomputes: a finding, published as a draft
        data, _, out = run(["render", "--allow-findings"], root)
        ran = set(EXECUTED_LINE.findall(out))
        verdict = "only its readers" if ran == readers else f"expected {sorted(readers)}"
        rows.append((f"one value changed in {table}", f"{data:.1f} s = {data / cold:.1%} of cold; "
                     f"{len(ran)} chapter(s) ran: {verdict}", "only the chapters that read it"))
        check, _, out = run(["check"], root)
        rows.append(("reportkit check (HTML + PDF, 3 languages)", f"{check:.1f} s = {check / cold:.1%} of cold",
                     "≤ 15 %"))
        if "--skip-tenfold" in sys.argv:
            rows.append((f"{COPIES}x report cold build", "skipped (--skip-tenfold)", "≤ 10x"))
        else:
            tenfold = make_tenfold(copy_project(Path(tmp) / "tenfold"))
            big, big_peak, out = run(["render"], tenfold)
            rows.append((f"{COPIES}x report cold build", f"{big:.1f} s = {big / cold:.1f}x the 1x build", "≤ 10x"))
            rows.append(("peak memory, 1x / 10x (process tree)",
                         f"{cold_peak / 2**20:.0f} MiB / {big_peak / 2**20:.0f} MiB", "< 2 GB"))
        if "--skip-suite" in sys.argv:
            rows.append(("test suite (nox -s tests)", "skipped (--skip-suite)", "≤ 12 cold builds"))
        else:  # last, alone on the machine
            suite, summary = suite_run()
            rows.append(("test suite (nox -s tests)", f"{suite:.0f} s = {suite / cold:.1f} cold builds; {summary}",
                         "≤ 12 cold builds"))


if __name__ == "__main__":
    main()
