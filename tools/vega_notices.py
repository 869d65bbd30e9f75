"""Write `src/reportkit/assets/vega.js.LICENSE.txt`: the licence notices of every npm package
whose code is in `assets/vega.js` (vl-convert's JavaScript bundle), so that the package and every
published site carry them beside the script (the minified bundle keeps no comments).

A development tool, never run by a build: it needs npm and the network.
After upgrading vl-convert-python and writing `assets/vega.js` again
(`reportkit.outputs.website.write_vega_bundle`), run, in the project's virtualenv:

    python tools/vega_notices.py

It reads which packages are in the bundle from the installed vl-convert (see `bundled_packages`),
downloads each package's tarball of that exact version with `npm pack` and copies its licence
file(s). `tests/unit/test_vega_bundle.py` fails while the notice does not match the installed
vl-convert. When this script stops with a question (a vega-embed it does not know, a dependency
it cannot place), answer it in the tables below and run it again.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "src" / "reportkit" / "assets"
NOTICE = ASSETS / "vega.js.LICENSE.txt"  # the name webpack's terser plugin gives a bundle's extracted notices

# What vl-convert's javascript_bundle() bundles: bundle_vega_snippet (vl-convert-rs/src/html.rs)
# imports vega-embed, vega, the default Vega-Lite and lodash.debounce from its vendored jsDelivr
# modules (`https://cdn.jsdelivr.net/npm/<name>@<version>/+esm`); the bundler follows their imports.
ENTRY = ("vega-embed", "vega", "vega-lite", "lodash.debounce")

# Packages a bundled package's own published build carries inside it (no import to follow).
# vega-embed 7.0.2's build/embed.js (its package.json: semver ^7.7.1, fast-json-patch ^3.1.1):
# semver 7.7.1 (its prerelease check builds `new RegExp` from `safeSrc`, which 7.7.2 replaced),
# fast-json-patch 3.1.1 (the only 3.x release >= 3.1.1). Checked by reading the code; a new
# vega-embed stops this script until its build is read again.
INLINED: dict[str, tuple[tuple[str, str], ...]] = {
    "vega-embed@7.0.2": (("semver", "7.7.1"), ("fast-json-patch", "3.1.1")),
}
# Dependencies a bundled module declares but does not import, and whose code its build does not
# carry either (command-line tools, types, helpers the build does not use).
UNUSED: dict[str, frozenset[str]] = {
    "d3-dsv": frozenset({"commander", "iconv-lite", "rw"}),  # bin/ only
    "d3-geo-projection": frozenset({"commander"}),  # bin/ only
    "topojson-client": frozenset({"commander"}),  # bin/ only
    "vega": frozenset({"vega-typings"}),  # types
    "vega-expression": frozenset({"@types/estree"}),  # types
    "vega-embed": frozenset({"tslib"}),  # no tslib helper in build/embed.js
    "vega-lite": frozenset({"json-stringify-pretty-compact", "tslib", "yargs"}),  # bin/ only
    "vega-regression": frozenset({"d3-array"}),  # not imported by its build
}
# Code jsDelivr's own build adds to a module: its browser shim of Node's `process` (the
# process-es6 polyfill of rollup's node-polyfills plugin, which names process-es6 0.11.6).
SHIMS = {"process.binding is not supported": ("process-es6", "0.11.6")}
# Versions jsDelivr served that the npm registry no longer has: the licence comes from the next one.
UNPUBLISHED = {"robust-predicates@3.0.0": "3.0.1"}

# comment blocks of a package's bundled file that carry notices of code it adapted
NOTICE_COMMENT = re.compile(r"copyright|licen[cs]e|(?:adapted|ported) from|based on https?://", re.I)
LICENCE_FILE = re.compile(r"^(?:licen[cs]e|copying|notice)(?:[.-].*)?$", re.I)
HEADER = re.compile(rb"/\*\*\n \* Bundled by jsDelivr using [^\n]*\n \* Original file: /npm/(\S+)\n")
IMPORT = re.compile(r"""(?:from|import)\s*"/npm/((?:@[^/"]+/)?[^@/"]+)@([^/"]+)/\+esm\"""")


@dataclass(frozen=True)
class Module:
    name: str
    version: str
    path: str  # the file of the npm package jsDelivr built the module from
    source: str


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    inside: str | None = None  # the bundled package or build whose code carries it
    file: str | None = None  # the bundled file, for its notice comments


def _extension() -> Path:
    import vl_convert

    (binary,) = [p for p in Path(vl_convert.__file__).parent.iterdir() if p.name.startswith("vl_convert.")
                 and p.suffix in (".so", ".pyd")]
    return binary


def vendored_modules(binary: Path | None = None) -> dict[str, Module]:
    """The jsDelivr modules vl-convert vendors (each `include_str!`-ed into its binary with
    jsDelivr's header naming the npm file it was built from), by `name@version`."""
    data = (binary or _extension()).read_bytes()
    starts = list(HEADER.finditer(data))
    modules = {}
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(data)
        chunk = data[match.start():end]
        nul = chunk.find(b"\0")
        source = (chunk[:nul] if nul >= 0 else chunk).decode("utf-8", "replace")
        spec = match.group(1).decode()
        at = spec.index("@", 1)
        name, rest = spec[:at], spec[at + 1:]
        version, path = rest.split("/", 1)
        modules[f"{name}@{version}"] = Module(name, version, path, source)
    return modules


def bundled_packages(binary: Path | None = None) -> list[Package]:
    """Every npm package whose code is in vl-convert's javascript_bundle(): the modules its entry
    imports, followed import by import (with vl-convert's loader: every vega-lite import is the
    default Vega-Lite), plus the packages their builds inline and jsDelivr's shims."""
    import vl_convert

    modules = vendored_modules(binary)
    by_name: dict[str, list[str]] = {}
    for key, module in modules.items():
        by_name.setdefault(module.name, []).append(key)
    default_vl = vl_convert.get_vegalite_versions()[-1]  # VlVersion::default(): the newest
    (vega_lite,) = [k for k in by_name["vega-lite"] if modules[k].version.startswith(default_vl + ".")]

    def resolve(name: str, version: str) -> str:
        return vega_lite if name == "vega-lite" else f"{name}@{version}"

    pinned = {"vega": vl_convert.get_vega_version(), "vega-embed": vl_convert.get_vega_embed_version()}
    todo = [vega_lite if name == "vega-lite" else f"{name}@{pinned[name]}" if name in pinned
            else max(by_name[name], key=lambda k: _semver(modules[k].version)) for name in ENTRY]
    seen: dict[str, Package] = {}
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        module = modules[key]
        seen[key] = Package(module.name, module.version, file=module.path)
        todo.extend(resolve(name, version) for name, version in IMPORT.findall(module.source))
        for marker, (name, version) in SHIMS.items():
            if marker in module.source:
                seen.setdefault(f"{name}@{version}", Package(name, version, inside=f"jsDelivr's build of {key}"))
        for name, version in INLINED.get(key, ()):
            seen.setdefault(f"{name}@{version}", Package(name, version, inside=f"{key}/{module.path}"))
    return sorted(seen.values(), key=lambda p: (p.name, _semver(p.version)))


def _semver(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])


def _pack(name: str, version: str, work: Path) -> Path:
    """The extracted npm tarball of name@version (its `package/` folder)."""
    out = subprocess.run(["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", str(work)],
                         check=True, capture_output=True, text=True)
    (info,) = json.loads(out.stdout)
    folder = work / f"{name.replace('/', '_')}-{version}"
    with tarfile.open(work / info["filename"]) as archive:
        archive.extractall(folder, filter="data")
    (root,) = [p for p in folder.iterdir() if p.is_dir()]  # "package" in nearly every tarball
    return root


def _comments(text: str) -> list[str]:
    """The comment blocks of `text` that carry a copyright, a licence or an attribution."""
    blocks = [m.group(0) for m in re.finditer(r"/\*.*?\*/", text, re.S)]
    group: list[str] = []
    for line in [*text.split("\n"), ""]:
        if line.strip().startswith("//"):
            group.append(line.strip())
        elif group:
            blocks.append("\n".join(group))
            group = []
    return [b for b in blocks if NOTICE_COMMENT.search(b)]


def _check_dependencies(package: Package, root: Path, modules: dict[str, Module]) -> None:
    """Stop when the bundled module of `package` neither imports nor is known to inline or
    not use one of its declared dependencies: its build may carry code this notice misses."""
    declared = set(json.loads((root / "package.json").read_text(encoding="utf-8")).get("dependencies", {}))
    key = f"{package.name}@{package.version}"
    imported = {name for name, _ in IMPORT.findall(modules[key].source)}
    inlined = {name for name, _ in INLINED.get(key, ())}
    unknown = declared - imported - inlined - UNUSED.get(package.name, frozenset())
    if unknown:
        sys.exit(f"{key} declares {sorted(unknown)} but its bundled module does not import them: read its "
                 f"{modules[key].path} and add them to INLINED (with their versions) or UNUSED in {__file__}")
    if package.name == "vega-embed" and key not in INLINED:
        sys.exit(f"{key}: read its build/embed.js for the packages it inlines and add them to INLINED")


def render(packages: list[Package], work: Path) -> str:
    import vl_convert

    modules = vendored_modules()
    rows = []
    sections = []
    for package in packages:
        version = UNPUBLISHED.get(f"{package.name}@{package.version}", package.version)
        root = _pack(package.name, version, work)
        manifest = json.loads((root / "package.json").read_text(encoding="utf-8"))
        licence = manifest.get("license") or "see the text below"
        if package.inside is None:
            _check_dependencies(package, root, modules)
        files = sorted(p for p in root.iterdir() if p.is_file() and LICENCE_FILE.match(p.name))
        if not files:
            sys.exit(f"{package.name}@{version}: no licence file in its npm tarball")
        rows.append(f"  {package.name} {package.version}  {licence}")
        lines = ["-" * 80, f"{package.name} {package.version}  ({licence})",
                 f"https://www.npmjs.com/package/{package.name}/v/{version}"]
        if package.inside:
            lines.append(f"Its code is inside {package.inside}.")
        if version != package.version:
            lines.append(f"jsDelivr built {package.version}, which the npm registry no longer has; "
                         f"the licence text is {version}'s.")
        for file in files:
            lines += ["", f"{file.name} of the npm tarball {package.name}-{version}.tgz:", "",
                      file.read_text(encoding="utf-8").strip("\n")]
        comments = _comments((root / package.file).read_text(encoding="utf-8")) if package.file else []
        if comments:
            lines += ["", f"Notices in its {package.file} (the bundled file):", ""]
            lines += [c + "\n" for c in dict.fromkeys(comments)]
        sections.append("\n".join(lines).rstrip("\n") + "\n")
    head = (
        "Third-party software in vega.js\n"
        "===============================\n\n"
        f"vega.js is the JavaScript bundle of vl-convert-python {metadata.version('vl-convert-python')}"
        " (vl_convert.javascript_bundle()):\n"
        f"Vega {vl_convert.get_vega_version()}, Vega-Lite {_version(packages, 'vega-lite')}, "
        f"Vega-Embed {vl_convert.get_vega_embed_version()} and the npm packages they use, each as jsDelivr\n"
        "built it (https://cdn.jsdelivr.net/npm/<package>@<version>/+esm). Its minified code keeps no\n"
        "comments: this file gives, for every package in it, its version, its licence (package.json)\n"
        "and the licence text of its npm tarball, with the notices its bundled file carries.\n"
        "Written by tools/vega_notices.py of reportkit; do not edit by hand.\n\n"
        f"Packages ({len(packages)}):\n"
    )
    return head + "\n".join(rows) + "\n\n" + "\n".join(sections)


def _version(packages: list[Package], name: str) -> str:
    (version,) = [p.version for p in packages if p.name == name]
    return version


def main() -> None:
    packages = bundled_packages()
    with tempfile.TemporaryDirectory(prefix="vega-notices-") as work:
        text = render(packages, Path(work))
    NOTICE.write_text(text, encoding="utf-8")
    print(f"wrote {NOTICE.relative_to(ROOT)}: {len(packages)} packages, {len(text.encode())} bytes")


if __name__ == "__main__":
    main()
