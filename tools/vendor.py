"""``vendor``: copy the browser libraries from npm into ``book/_vendor/{vendor,slides}/``.

The online book and the exported slides must not depend on a CDN at read time. The packages
and their exact versions are named once, in ``package.json`` (``mathjax2`` is MathJax 2 under
an npm alias), and locked with npm's integrity hashes in ``package-lock.json``. ``vendor`` runs
``npm ci --ignore-scripts`` in a scratch folder, copies only the files a page loads (the lists
below), and writes a ``checksums.json`` next to them: the sha256 of every file, and the lock's
integrity hash of each package they come from. Two bundles: ``book`` (MathJax 3) and ``slides``
(reveal.js, require.js, jQuery and MathJax 2, which nbconvert's reveal template needs). The
explorers need no library: their views are self-contained (``failurelab/widgets/js``).

``vendor --check`` verifies the committed files against ``checksums.json`` and
``package-lock.json`` without network. To change a version: edit ``package.json``, run
``npm install --package-lock-only --ignore-scripts``, then ``python -m tools vendor``.

Pitfall: the folder must not be called ``_static`` (Jupyter Book 1 then adds every .js/.css
under it to every page).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path, PurePosixPath

from .course import ROOT

DEFAULT_DEST = ROOT / "book" / "_vendor" / "vendor"
SLIDES_DEST = ROOT / "book" / "_vendor" / "slides"
PACKAGE_JSON = ROOT / "package.json"
PACKAGE_LOCK = ROOT / "package-lock.json"
CHECKSUMS = "checksums.json"
NPM_TIMEOUT_S = 600

# package.json dependency -> the files to keep: (path inside the package, destination folder
# or file relative to the vendor folder). A source ending in "/*.ext" copies every match.
PACKAGES = {
    # The combined TeX+MathML component plus the CHTML fonts it loads relative to itself.
    "mathjax": [
        ("es5/tex-mml-chtml.js", "mathjax/tex-mml-chtml.js"),
        ("es5/output/chtml/fonts/woff-v2/*.woff", "mathjax/output/chtml/fonts/woff-v2/"),
        ("LICENSE", "mathjax/LICENSE"),
    ],
}

# MathJax 2: the entry point, its combined configuration, the Safe configuration + extension,
# the TeX input and CommonHTML output jax with the operator tables and font data they load on
# demand, the TeX extensions the input may autoload, the menu/zoom extensions (loaded on a
# right-click / zoom), and the woff web fonts.
MATHJAX2_FILES = [
    ("MathJax.js", "mathjax/MathJax.js"),
    ("LICENSE", "mathjax/LICENSE"),
    ("config/TeX-AMS_CHTML-full.js", "mathjax/config/TeX-AMS_CHTML-full.js"),
    ("config/Safe.js", "mathjax/config/Safe.js"),
    ("extensions/Safe.js", "mathjax/extensions/Safe.js"),
    ("extensions/MathMenu.js", "mathjax/extensions/MathMenu.js"),
    ("extensions/MathZoom.js", "mathjax/extensions/MathZoom.js"),
    ("extensions/TeX/*.js", "mathjax/extensions/TeX/"),
    ("jax/input/TeX/*.js", "mathjax/jax/input/TeX/"),
    ("jax/element/mml/optable/*.js", "mathjax/jax/element/mml/optable/"),
    ("jax/output/CommonHTML/*.js", "mathjax/jax/output/CommonHTML/"),
    ("jax/output/CommonHTML/autoload/*.js", "mathjax/jax/output/CommonHTML/autoload/"),
    ("jax/output/CommonHTML/fonts/TeX/*.js", "mathjax/jax/output/CommonHTML/fonts/TeX/"),
    ("fonts/HTML-CSS/TeX/woff/*.woff", "mathjax/fonts/HTML-CSS/TeX/woff/"),
]

# nbconvert's reveal template (nbconvert 7.17) loads reveal.js 4.0.2 with its notes plugin, jQuery
# (its own CDN default, 2.0.3, is not on npm) and MathJax 2 (it calls the MathJax 2 API:
# `MathJax.Hub.Queue`, `Hub.Rerender`). MathJax is loaded as
# `MathJax.js?config=TeX-AMS_CHTML-full,Safe`; kept are the files that configuration loads
# (seen in Chromium while stepping through every deck) plus the CHTML fonts and the TeX
# extensions it may autoload.
_SANS = "reveal.js/dist/theme/fonts/source-sans-pro"
SLIDES_PACKAGES = {
    "reveal.js": [
        ("dist/reveal.js", "reveal.js/dist/reveal.js"),
        ("dist/reveal.css", "reveal.js/dist/reveal.css"),
        ("dist/theme/white.css", "reveal.js/dist/theme/white.css"),
        # the white theme's own font (woff only: every current browser takes it)
        ("dist/theme/fonts/source-sans-pro/*.css", f"{_SANS}/"),
        ("dist/theme/fonts/source-sans-pro/*.woff", f"{_SANS}/"),
        ("dist/theme/fonts/source-sans-pro/LICENSE", f"{_SANS}/LICENSE"),
        ("plugin/notes/notes.js", "reveal.js/plugin/notes/notes.js"),
        ("LICENSE", "reveal.js/LICENSE"),
    ],
    "jquery": [
        ("dist/jquery.min.js", "jquery/jquery.min.js"),
        ("LICENSE.txt", "jquery/LICENSE.txt"),
    ],
    "requirejs": [("require.js", "require.js")],
    "mathjax2": MATHJAX2_FILES,
}


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def locked() -> dict[str, dict]:
    """package-lock.json's record (version, integrity, ...) of each dependency in package.json."""
    try:
        wanted = json.loads(PACKAGE_JSON.read_text())["dependencies"]
        lock = json.loads(PACKAGE_LOCK.read_text())["packages"]
    except (OSError, json.JSONDecodeError, KeyError) as exc:
        raise ValueError(f"package.json / package-lock.json cannot be read ({exc})") from exc
    if lock.get("", {}).get("dependencies") != wanted or any(
        f"node_modules/{key}" not in lock for key in wanted
    ):
        raise ValueError(
            "package-lock.json does not match package.json; "
            "run `npm install --package-lock-only --ignore-scripts`"
        )
    return {key: lock[f"node_modules/{key}"] for key in wanted}


def versions(bundle: str = "book") -> dict[str, str]:
    """{npm package name: locked version} of a bundle's packages (an alias gives its real name)."""
    if bundle not in BUNDLES:
        raise ValueError(f"bundle must be one of {', '.join(BUNDLES)}, got {bundle!r}")
    lock = locked()
    return {lock[key].get("name", key): lock[key]["version"] for key in BUNDLES[bundle][1]}


def npm_ci(workdir: Path) -> Path:
    """Install package-lock.json with ``npm ci --ignore-scripts`` in ``workdir``; its node_modules."""
    if shutil.which("npm") is None:
        raise RuntimeError(
            "npm is not installed; install Node.js/npm (Debian: apt-get install npm)"
        )
    locked()  # fail early, with the fix, if the lock is stale
    for f in (PACKAGE_JSON, PACKAGE_LOCK):
        shutil.copyfile(f, Path(workdir) / f.name)
    cmd = ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"]
    try:
        proc = subprocess.run(
            cmd, cwd=workdir, capture_output=True, text=True, check=False, timeout=NPM_TIMEOUT_S
        )
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(
            f"{' '.join(cmd)} took over {NPM_TIMEOUT_S} s (registry reachable?)"
        ) from exc
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr.strip()}")
    return Path(workdir) / "node_modules"


def _copy_selected(pkg_root: Path, files, dest: Path) -> None:
    for src, target in files:
        src_path = PurePosixPath(src)
        if "*" in src_path.name:
            matches = sorted((pkg_root / src_path.parent).glob(src_path.name))
            if not matches:
                raise RuntimeError(f"no file matches {src} in {pkg_root.name}")
            pairs = [(m, dest / target / m.name) for m in matches]
        else:
            if not (pkg_root / src).is_file():
                raise RuntimeError(f"{src} is missing from the npm package")
            pairs = [(pkg_root / src, dest / target)]
        for s, d in pairs:
            d.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(s, d)


# bundle name -> (default folder, {package.json dependency: files}, {copied repository file: name})
BUNDLES = {
    "book": (DEFAULT_DEST, PACKAGES),
    "slides": (SLIDES_DEST, SLIDES_PACKAGES),
}


def vendor(
    dest: Path | None = None, bundle: str = "book", node_modules: Path | None = None
) -> dict:
    """Copy a bundle's files into ``dest`` (replaced) and write its checksums.json.

    The files come from ``node_modules`` (an ``npm_ci`` result); without it, npm ci runs first.
    """
    if bundle not in BUNDLES:
        raise ValueError(f"bundle must be one of {', '.join(BUNDLES)}, got {bundle!r}")
    default_dest, package_files = BUNDLES[bundle]
    dest = Path(default_dest if dest is None else dest)
    if dest.name in ("_static", "") or "_static" in dest.parts:
        raise ValueError(
            f"dest must not be inside a folder named _static (JB1 would inject "
            f"every .js of it into every page), got {dest}"
        )
    if node_modules is None:
        with tempfile.TemporaryDirectory(prefix="failurelab-npm-") as tmp:
            return vendor(dest, bundle, npm_ci(Path(tmp)))
    lock = locked()
    if unknown := sorted(set(package_files) - set(lock)):
        raise ValueError(f"not in package.json: {', '.join(unknown)}")
    with tempfile.TemporaryDirectory(prefix="failurelab-vendor-") as tmp:
        staging = Path(tmp)
        for key, files in package_files.items():
            _copy_selected(Path(node_modules) / key, files, staging)
        manifest = {
            "generated_by": "python -m tools vendor"
            + ("" if bundle == "book" else f" --bundle {bundle}"),
            "packages": {key: lock[key]["integrity"] for key in package_files},
            "files": {
                f.relative_to(staging).as_posix(): sha256(f)
                for f in sorted(staging.rglob("*"))
                if f.is_file()
            },
        }
        (staging / CHECKSUMS).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        if dest.exists():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staging, dest)
    return manifest


def manifest_files(dest: Path = DEFAULT_DEST) -> list[str]:
    """The relative paths listed in ``dest/checksums.json``."""
    path = Path(dest) / CHECKSUMS
    if not path.is_file():
        raise ValueError(f"{path} is missing; run `python -m tools vendor`")
    return sorted(json.loads(path.read_text())["files"])


def check(dest: Path = DEFAULT_DEST) -> list[str]:
    """Compare ``dest`` with its ``checksums.json`` and package-lock.json; list the problems."""
    dest = Path(dest)
    manifest_path = dest / CHECKSUMS
    if not manifest_path.is_file():
        return [f"{manifest_path} is missing"]
    try:
        manifest = json.loads(manifest_path.read_text())
        expected, sources = manifest["files"], manifest["packages"]
    except (json.JSONDecodeError, KeyError) as exc:
        return [f"{manifest_path} is not a valid checksum file ({exc})"]
    try:
        lock = locked()
    except ValueError as exc:
        return [str(exc)]
    problems = []
    for key, integrity in sorted(sources.items()):
        if key not in lock:
            problems.append(f"not in package.json: {key}")
        elif lock[key]["integrity"] != integrity:
            rec = lock[key]
            problems.append(
                f"stale: {key} (package-lock.json has {rec.get('name', key)}@{rec['version']})"
            )
    for rel, digest in sorted(expected.items()):
        path = dest / rel
        if not path.is_file():
            problems.append(f"missing: {rel}")
        elif sha256(path) != digest:
            problems.append(f"changed: {rel}")
    present = {f.relative_to(dest).as_posix() for f in dest.rglob("*") if f.is_file()}
    for rel in sorted(present - set(expected) - {CHECKSUMS}):
        problems.append(f"not in {CHECKSUMS}: {rel}")
    return problems


def size_bytes(dest: Path = DEFAULT_DEST) -> int:
    """Total size of the vendored files."""
    return sum(f.stat().st_size for f in Path(dest).rglob("*") if f.is_file())


def _targets(args) -> list[tuple[str, Path]]:
    """(bundle, folder) pairs the command acts on: --bundle, else all (only book with --dest)."""
    if args.bundle == "all" or (args.bundle is None and args.dest is None):
        if args.dest is not None:
            raise ValueError("--dest needs a single --bundle (book or slides)")
        return [(name, BUNDLES[name][0]) for name in BUNDLES]
    name = args.bundle or "book"
    return [(name, Path(args.dest) if args.dest else BUNDLES[name][0])]


def _run(args) -> int:
    try:
        targets = _targets(args)
    except ValueError as exc:
        print(f"vendor: {exc}", file=sys.stderr)
        return 2
    if not args.check:
        try:
            with tempfile.TemporaryDirectory(prefix="failurelab-npm-") as tmp:
                node_modules = npm_ci(Path(tmp))
                for bundle, dest in targets:
                    manifest = vendor(dest, bundle, node_modules)
                    found = ", ".join(f"{k}@{v}" for k, v in versions(bundle).items())
                    print(
                        f"vendor: {len(manifest['files'])} files from {found} -> {dest} "
                        f"({size_bytes(dest) / 1e6:.2f} MB)"
                    )
        except (RuntimeError, ValueError) as exc:
            print(f"vendor: {exc}", file=sys.stderr)
            return 1
        return 0
    status = 0
    for bundle, dest in targets:
        problems = check(dest)
        if problems:
            print(f"vendor --check: {len(problems)} problem(s) in {dest}:", file=sys.stderr)
            for p in problems:
                print(f"  {p}", file=sys.stderr)
            fix = f"python -m tools vendor --bundle {bundle}"
            print(f"Re-create the files with `{fix}`.", file=sys.stderr)
            status = 1
            continue
        n = len(manifest_files(dest))
        print(f"vendor --check: {n} files match {CHECKSUMS} ({size_bytes(dest) / 1e6:.2f} MB)")
    return status


def register(subparsers) -> None:
    """Add the ``vendor`` command."""
    p = subparsers.add_parser(
        "vendor",
        help="fetch the book's and the slides' browser libraries into book/_vendor",
        description=__doc__.split("\n\n")[0],
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="verify the vendored files against checksums.json and package-lock.json (no network)",
    )
    p.add_argument(
        "--bundle",
        choices=[*BUNDLES, "all"],
        default=None,
        help="which bundle (default: all; book when --dest is given)",
    )
    p.add_argument(
        "--dest",
        default=None,
        help=f"vendor folder of a single bundle (default: {DEFAULT_DEST} / {SLIDES_DEST})",
    )
    p.set_defaults(func=_run)
