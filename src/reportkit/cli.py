"""The `reportkit` command line."""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType

from rich.console import Console

from reportkit import __version__
from reportkit.checks.findings import Finding, Severity
from reportkit.checks.origin import describe
from reportkit.config.project import Project, find_root
from reportkit.errors import ReportkitError, debugging, did_you_mean

err_console = Console(stderr=True, highlight=False)


def _project(args: argparse.Namespace) -> Project:
    return Project(find_root(Path(args.project) if args.project else None))


def cmd_render(args: argparse.Namespace) -> int:
    from reportkit.engine import embedded

    project = _project(args)
    start = time.perf_counter()
    quiet = args.quiet

    def progress(language: str, chapter: str, event: str) -> None:
        if not quiet:
            err_console.print(f"  [green]✓[/green] {language}/{chapter} [dim]{event}[/dim]")

    if not quiet:
        err_console.print(f"Rendering {project.book(project.source_language).title} "
                          f"({', '.join(lang.code for lang in project.languages)})")
    formats = embedded.FORMATS if args.to == "all" else frozenset({args.to})
    if args.engine == "quarto":
        from reportkit.engine import quarto

        out = quarto.render(project, formats)
        if not quiet:
            err_console.print(f"Quarto rendered {out.relative_to(project.root)}/ in "
                              f"{time.perf_counter() - start:.1f} s")
        return 0
    report = embedded.render(project, progress, formats, force=args.force, allow_findings=args.allow_findings)
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    if errors:
        for finding in errors:
            err_console.print(finding.format(), markup=False, highlight=False)
        err_console.print(f"[bold red]published with {len(errors)} check error(s) (--allow-findings): "
                          "a draft, not an edition[/bold red]")
    if report.up_to_date:
        if not quiet:
            err_console.print(f"{report.output.relative_to(project.root)}/ is up to date")
        return 0
    if not quiet:
        err_console.print(f"Published {report.output.relative_to(project.root)}/ in "
                          f"{time.perf_counter() - start:.1f} s ({len(report.executed)} chapter(s) "
                          f"executed, {len(report.reused)} from the cache)")
    if args.timings:
        err_console.print("\n".join(f"stage {line}" for line in report.stages.lines()), markup=False,
                          highlight=False)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from rich.table import Table

    from reportkit.i18n import LANGUAGES
    from reportkit.outputs.changes import to_markdown
    from reportkit.outputs.editions import compare

    project = _project(args)
    diff = compare(project, args.ref)
    if args.format == "json":
        print(diff.to_json())
        return 0
    if args.format == "md":
        print(f"### {project.book(project.source_language).title}: {diff.base} → edition {diff.edition}\n")
        print(to_markdown(diff))
        return 0
    console = Console(highlight=False)
    english = LANGUAGES["en"]
    table = Table(title=f"Statistics: {diff.base} (edition {diff.base_edition}) → working tree "
                        f"(edition {diff.edition})", title_justify="left")
    table.add_column("statistic", overflow="fold", min_width=12)  # an id is never cut
    for column in ("change", "before", "after", "change (pp for %)", "relative", "source changed"):
        table.add_column(column, justify="left" if column in ("change", "source changed") else "right")
    for c in diff.statistics:
        table.add_row(c.id, c.change, c.shown(c.old, english), c.shown(c.new, english), c.shown_change(english),
                      c.shown_relative(), {None: "—", True: "yes", False: "no"}[c.source_changed])
    console.print(table)
    for key in diff.citations_added:
        console.print(f"[green]+ cites[/green] {key}")
    for key in diff.citations_removed:
        console.print(f"[red]- cites[/red] {key}")
    for claim in diff.claims:
        sign = {"added": "[green]+ claim[/green]", "removed": "[red]- claim[/red]"}.get(
            claim.change, "[yellow]~ claim[/yellow]")
        what = f" ({', '.join(claim.fields)})" if claim.fields else ""
        console.print(f"{sign} {claim.id}{what}: {claim.statement}")
    for s in diff.sentences:
        console.print(f"\n[bold]{s.language}/{s.chapter}[/bold] ({', '.join(s.statistics)})")
        console.print(f"  [red]- {s.before or '(none)'}[/red]")
        console.print(f"  [green]+ {s.after or '(none)'}[/green]")
    if diff.empty:
        console.print("no statistics, citations or claims changed")
    return 0


def cmd_pre_render(args: argparse.Namespace) -> int:
    from reportkit.chapters.generated import generate

    project = _project(args)
    for path in generate(project):
        print(f"generated {path.relative_to(project.root)}")
    return 0


def cmd_citation(args: argparse.Namespace) -> int:
    from reportkit.outputs.citation import CFF_FILE, cff_text

    project = _project(args)
    path, text = project.root / CFF_FILE, cff_text(project)
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    if args.check:
        if current != text:
            raise ReportkitError(f"{CFF_FILE} does not match the configuration: run `reportkit citation`", path)
        print(f"{CFF_FILE} matches the configuration")
    elif current != text:
        path.write_text(text, encoding="utf-8")
        print(f"wrote {CFF_FILE}")
    else:
        print(f"{CFF_FILE} is up to date")
    return 0


def cmd_clean(args: argparse.Namespace) -> int:
    from reportkit.execution.cache import CACHE_DIR

    project = _project(args)
    folder = project.root / CACHE_DIR
    if folder.is_dir():
        shutil.rmtree(folder)
        print(f"removed {CACHE_DIR}/")
    else:
        print(f"no {CACHE_DIR}/ to remove")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    import json
    from dataclasses import replace

    from rich.table import Table

    from reportkit.checks import RULES, Severity, quote_coverage, run_checks
    from reportkit.execution.cache import BuildCache

    project = _project(args)
    findings = run_checks(project, cache=BuildCache(project.root))
    if args.strict:
        findings = [replace(f, severity=Severity.ERROR) for f in findings]
    errors = [f for f in findings if f.severity is Severity.ERROR]
    failed = bool(errors)
    try:
        quoted, needing = quote_coverage(project.registry)
    except ReportkitError:  # reported as registry-invalid
        quoted = needing = 0
    if args.format == "json":
        print(json.dumps({"findings": [f.to_json() for f in findings], "failed": failed,
                          "quotes": {"quoted": quoted, "rows": needing}},
                         ensure_ascii=False, indent=2))
        return 1 if failed else 0
    for finding in findings:
        print(finding.format())
    table = Table(title="reportkit check", title_justify="left")
    table.add_column("rule")
    table.add_column("errors", justify="right")
    table.add_column("warnings", justify="right")
    for rule in RULES:
        n_err = sum(f.rule == rule for f in errors)
        n_warn = sum(f.rule == rule and f.severity is Severity.WARNING for f in findings)
        table.add_row(rule, f"[red]{n_err}[/red]" if n_err else "0",
                      f"[yellow]{n_warn}[/yellow]" if n_warn else "0")
    console = Console(highlight=False)
    console.print(table)
    if needing:
        console.print(f"quotes: {quoted} of {needing} statistics that rest on a source quote it "
                      f"({quoted / needing:.0%})")
    warnings = len(findings) - len(errors)
    if failed:
        console.print(f"{len(errors)} error(s), {warnings} warning(s)")
    else:
        console.print("all checks passed" + (f" ({warnings} warning(s))" if warnings else ""))
    return 1 if failed else 0


def cmd_trace(args: argparse.Namespace) -> int:
    import json
    from dataclasses import asdict

    from reportkit.trace import to_text, trace

    if not args.ids and not args.all:
        raise ReportkitError("trace needs a statistic id (or --all)")

    items = trace(_project(args), [] if args.all else args.ids)
    if args.format == "json":
        print(json.dumps([asdict(item) for item in items], ensure_ascii=False, indent=2)
              if args.all or len(items) > 1 else items[0].to_json())
    else:
        print("\n\n".join(to_text(item) for item in items))
    return 0


def _named_files(project: Project, names: list[str]) -> list[Path]:
    """Files named on the command line: relative to the working folder inside the project, else
    to the project."""
    here = Path.cwd().resolve()
    base = here if here.is_relative_to(project.root.resolve()) else project.root
    return [base / name for name in names]


def cmd_stamp(args: argparse.Namespace) -> int:
    from reportkit.chapters.translation import source_changes, stale, stamp

    project = _project(args)
    pending = stale(project)
    if args.all and args.files:
        raise ReportkitError("name the files to stamp, or --all, not both")
    if not args.files and not args.all:
        if not pending:
            print("every translation already records its current source")
            return 0
        for item in pending:
            print(item.path.relative_to(project.root).as_posix())
        print(f"reportkit: {len(pending)} stale translation(s), listed above: stamp the ones you updated "
              "(`reportkit stamp FILE…`), or every one with `--all`; `reportkit translation-diff` shows what "
              "changed in their sources", file=sys.stderr)
        return 1
    paths = [item.path for item in pending] if args.all else _named_files(project, args.files)
    by_path = {item.path.resolve(): item for item in pending}
    changed = stamp(project, paths)
    for path in changed:
        if not args.quiet:
            print(source_changes(project, by_path[path.resolve()]), end="")
        print(f"stamped {path.relative_to(project.root).as_posix()}")
    if not changed:
        print("every named translation already records its current source")
    return 0


def cmd_translation_diff(args: argparse.Namespace) -> int:
    from reportkit.chapters.translation import source_changes, stale

    project = _project(args)
    pending = stale(project)
    if args.chapter:
        known = {e.name for e in project.chapters}
        name = Path(args.chapter).name
        if name not in known:
            raise ReportkitError(f"no chapter {args.chapter!r} in this report{did_you_mean(name, known)}")
        pending = [item for item in pending if item.entry.name == name]
    if not pending:
        print("no stale translation" + (f" of {args.chapter}" if args.chapter else ""))
        return 0
    for item in pending:
        print(f"# {item.path.relative_to(project.root).as_posix()}: its source changed since it was stamped")
        print(source_changes(project, item))
    return 0


def cmd_notebook(args: argparse.Namespace) -> int:
    from reportkit.outputs.notebooks import sync

    project = _project(args)
    chapter = Path(args.chapter).resolve()
    notebook, done = sync(project, chapter)
    print(f"{notebook.relative_to(project.root).as_posix()}: {done}")
    if done in ("created", "updated", "unchanged"):
        print(f"Open it in JupyterLab or VS Code; after saving, run `reportkit notebook {args.chapter}` again "
              f"to write your edits back to {chapter.name} (the source the build reads).")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from reportkit.starter import create

    target = Path(args.dir)
    files = create(target, args.language)
    print(f"wrote a report with source language {args.language} to {target} ({len(files)} files); "
          f"next: cd {target} && reportkit render && reportkit check")
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    from reportkit.preview import DraftBuilds, PagesReady, serve, watch

    project = _project(args)
    builds = DraftBuilds(project.root)

    def rebuild(pages_ready: PagesReady) -> list[Finding]:
        start = time.perf_counter()
        up_to_date, executed, findings = builds.build(pages_ready)
        if not up_to_date:
            err_console.print(f"rebuilt in {time.perf_counter() - start:.1f} s "
                              f"({executed} chapter(s) executed, {len(findings)} finding(s))")
        return findings

    try:
        serve(project, args.host, args.port, rebuild, lambda: watch(project),
              ready=lambda url: err_console.print(f"Serving {project.output_dir.name}/ at {url} "
                                                  "(HTML only; Ctrl-C to stop)"))
    finally:
        builds.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    from reportkit.starter import DEFAULT_LANGUAGE, starter_languages

    parser = argparse.ArgumentParser(
        prog="reportkit",
        description="Render and check literate, multilingual reports whose every "
                    "statistic comes from data/statistics.csv.",
    )
    parser.add_argument("--version", action="version", version=f"reportkit {__version__}")
    parser.add_argument("--project", metavar="DIR",
                        help="the report project (default: the folder with _quarto.yml "
                             "at or above the current one)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    new = sub.add_parser(
        "new", help="write a small working report into a new folder",
        description="Write a starter report into DIR (which must be missing or empty): one chapter with "
                    "a statistic and a citation, data/statistics.csv and its README, bib/references.bib, "
                    "_quarto.yml with the language profiles, a noxfile and a README. It renders and passes "
                    "`reportkit check` as it is.",
    )
    new.add_argument("dir", metavar="DIR", help="the folder to create")
    new.add_argument("--language", default=DEFAULT_LANGUAGE, choices=starter_languages(),
                     help=f"the source language (default {DEFAULT_LANGUAGE}; zh-Hant comes with "
                          "zh-Hans generated from it)")
    new.set_defaults(func=cmd_new)

    render = sub.add_parser("render", help="build the site into the output folder (_site/)",
                            description="Execute the chapters that changed (the build cache keeps the "
                                        "rest) and build the HTML site and the PDFs of every language. "
                                        "Every check of `reportkit check` then runs on the new build, "
                                        "and the previous site is replaced only if the build succeeds "
                                        "and no check finds an error.")
    render.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    render.add_argument("--to", choices=("all", "html", "pdf"), default="all",
                        help="build the HTML site, the PDFs, or both (default); a format not "
                             "built keeps its last good output")
    render.add_argument("--engine", choices=("auto", "embedded", "quarto"), default="auto",
                        help="auto (default) and embedded use the built-in engine, which needs only "
                             "registry packages; quarto runs `quarto render --profile <lang>` per language")
    render.add_argument("--force", action="store_true",
                        help="ignore the build cache (_cache/) and execute every chapter")
    render.add_argument("--allow-findings", action="store_true",
                        help="publish even when the checks find errors (a draft; the errors are printed)")
    render.add_argument("--timings", action="store_true",
                        help="print the seconds spent in each stage of the build (summed over parallel workers)")
    render.set_defaults(func=cmd_render)

    preview = sub.add_parser(
        "preview", help="serve the site on localhost and rebuild it when sources change",
        description="Build the HTML site, serve it on localhost, and rebuild it whenever a chapter, "
                    "data file, the bibliography or the configuration changes; open pages reload "
                    "themselves, listing the checks' findings in an overlay and highlighting the text they are "
                    "about. A failed rebuild prints its error and keeps serving the last good site.",
    )
    preview.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    preview.add_argument("--port", type=int, default=4242, help="port (default 4242; 0 picks a free one)")
    preview.set_defaults(func=cmd_preview)

    diff = sub.add_parser(
        "diff", help="what changed since another edition (a git tag, branch or commit)",
        description="Compare the working tree's edition with REF, read from git without a checkout: "
                    "statistics added, removed and changed (before → after, absolute and relative change, "
                    "source changed or not), citations added and removed, and per language the sentences "
                    "whose figures changed.",
    )
    diff.add_argument("ref", help="a git revision, e.g. the previous edition's tag edition-2025")
    diff.add_argument("--format", choices=("table", "json", "md"), default="table",
                      help="a table for the terminal (default), json, or md for a pull-request comment")
    diff.set_defaults(func=cmd_diff)

    pre_render = sub.add_parser(
        "pre-render", help="write the generated languages (zh-Hans) for Quarto",
        description="Write the chapters and Quarto profile of every generated language (Simplified "
                    "Chinese, from Traditional Chinese with OpenCC). Quarto runs this as the project's "
                    "pre-render script; the embedded engine does it by itself.",
    )
    pre_render.set_defaults(func=cmd_pre_render)

    citation = sub.add_parser(
        "citation", help="write CITATION.cff from the configuration",
        description="Write CITATION.cff (Citation File Format 1.2.0) from _quarto.yml and the source "
                    "language's profile: title, authors, edition, as-of date and reportkit: site-url.")
    citation.add_argument("--check", action="store_true",
                          help="write nothing; exit 1 when CITATION.cff does not match the configuration")
    citation.set_defaults(func=cmd_citation)

    clean = sub.add_parser("clean", help="remove the build cache (_cache/)",
                           description="Remove the build cache. It is safe to delete at any time; "
                                       "the next render executes every chapter again.")
    clean.set_defaults(func=cmd_clean)

    check = sub.add_parser(
        "check", help="verify every figure of the built site against data/ (exit 1 on findings)",
        description="Check the sources (registry, source tables, bibliography, chapters) and the "
                    "built site of every language: each finding is printed as "
                    "`path:line: [rule] message`, then a summary per rule.",
    )
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="text for people (default) or json for machines")
    check.add_argument("--strict", action="store_true",
                       help="treat warnings (stale translations, expired forecasts) as errors")
    check.set_defaults(func=cmd_check)

    trace = sub.add_parser(
        "trace", help="the evidence chain of one statistic, source to page",
        description="Print the chain of one statistic: its source entry and link, the source's own words "
                    "and where they were read, the registry row, the derivation from a source table "
                    "(recomputed), every place it is shown (language, page, section, sentence; PDF page) "
                    "and the result of every check rule on it. Reads the built site (`reportkit render`).",
    )
    trace.add_argument("ids", nargs="*", metavar="ID", help="statistic ids of data/statistics.csv")
    trace.add_argument("--all", action="store_true", help="every statistic of the registry")
    trace.add_argument("--format", choices=("text", "json"), default="text",
                       help="text for people (default) or json for machines")
    trace.set_defaults(func=cmd_trace)

    stamp = sub.add_parser(
        "stamp", help="record that translated chapters match their current source",
        description="After updating a translation, record the content hash of the source-language "
                    "chapter it now matches (front matter `translation: source-hash:`), and show what "
                    "changed in that source since the previous stamp. Only the files named are stamped "
                    "(`--all`: every stale translation); with neither, the stale translations are listed "
                    "and the command fails.",
    )
    stamp.add_argument("files", nargs="*", metavar="FILE", help="translated chapter files")
    stamp.add_argument("--all", action="store_true", help="stamp every stale translation")
    stamp.add_argument("-q", "--quiet", action="store_true", help="do not show the source changes")
    stamp.set_defaults(func=cmd_stamp)

    notebook = sub.add_parser(
        "notebook", help="open a chapter as a Jupyter notebook paired with its .qmd",
        description="Create <chapter>.ipynb beside the chapter (jupytext), or synchronise the pair the way "
                    "`jupytext --sync` does: the more recently modified file wins, and edits made in the "
                    "notebook are validated and written back to the .qmd, which stays the source the build "
                    "reads. Generated (zh-Hans) chapters cannot be opened.",
    )
    notebook.add_argument("chapter", metavar="CHAPTER", help="a chapter file, e.g. chapters/en/05-economy.qmd")
    notebook.set_defaults(func=cmd_notebook)

    translation_diff = sub.add_parser(
        "translation-diff", help="what changed in the source of each stale translation since its stamp",
        description="For each stale translation (or those of CHAPTER), a unified diff of its source-language "
                    "chapter between the version the translation was stamped against (found in git) and now.",
    )
    translation_diff.add_argument("chapter", nargs="?", metavar="CHAPTER",
                                  help="a chapter file name, e.g. 05-economy.qmd (default: every chapter)")
    translation_diff.set_defaults(func=cmd_translation_diff)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM (`kill`, `timeout`, a CI job cancelled): stopped the way Ctrl-C stops a build, so
    its kernels (in their own process group) and its staging folder do not outlive it."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handles_signals = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGTERM)
    if handles_signals:
        signal.signal(signal.SIGTERM, _terminate)
    try:
        code: int = args.func(args)
        return code
    except Terminated:
        print("reportkit: stopped (SIGTERM); the previous output is unchanged", file=sys.stderr)
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        print("reportkit: interrupted; the previous output is unchanged", file=sys.stderr)
        return 130
    except Exception as error:
        if debugging():
            raise
        print(describe(error, _root(args)), file=sys.stderr)
        return 1 if isinstance(error, (ReportkitError, OSError)) else 70
    finally:
        if handles_signals:
            signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def _root(args: argparse.Namespace) -> Path:
    """The project root errors are relative to (the working folder when there is none)."""
    try:
        return find_root(Path(args.project) if args.project else None)
    except ReportkitError:
        return Path.cwd()


if __name__ == "__main__":
    sys.exit(main())
