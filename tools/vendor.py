"""``vendor``: copy the browser libraries from npm into ``book/_vendor/{vendor,slides}/``.

The online book and the exported slides must not depend on a CDN at read time, so the libraries are fetched from the npm registry at pinned versions
(``npm pack``), only the files a page actually loads are kept, and a ``checksums.json``
(sha256 per file, plus the package versions) is written next to them. Two bundles:
``book`` (require.js, the ipywidgets HTML manager, MathJax 3) and ``slides`` (reveal.js,
jQuery and MathJax 2, which nbconvert's reveal template needs; the decks reuse require.js and
the HTML manager of the book bundle, see ``slides.py``).

``vendor --check`` verifies the committed files against ``checksums.json`` without network.

Pitfalls: the html-manager's Font Awesome stylesheet resolves its fonts against the page, so
``widgets-assets-path.js`` points it at the vendored fonts; and the folder must not be called
``_static`` (Jupyter Book 1 then adds every .js/.css under it to every page).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from .course import ROOT

DEFAULT_DEST = ROOT / "book" / "_vendor" / "vendor"
SLIDES_DEST = ROOT / "book" / "_vendor" / "slides"
CHECKSUMS = "checksums.json"

# name, version, and the files to keep: (path inside the npm tarball, destination folder or
# file relative to the vendor folder). A source ending in "/*.ext" copies every match.
PACKAGES = (
    {
        "name": "requirejs",
        "version": "2.3.8",
        "files": [("require.js", "require.js")],
    },
    {
        # html-manager 1.x renders ipywidgets 8 state (state version 2.0). Its FontAwesome CSS
        # lists woff2 first; every current browser takes woff2, so the older formats
        # (woff/ttf/eot/svg, 2.7 MB) are left out.
        "name": "@jupyter-widgets/html-manager",
        "version": "1.0.15",
        "files": [
            ("dist/embed-amd.js", "html-manager/embed-amd.js"),
            ("dist/*.woff2", "html-manager/"),
        ],
    },
    {
        # The combined TeX+MathML component plus the CHTML fonts it loads relative to itself.
        "name": "mathjax",
        "version": "3.2.2",
        "files": [
            ("es5/tex-mml-chtml.js", "mathjax/tex-mml-chtml.js"),
            ("es5/output/chtml/fonts/woff-v2/*.woff", "mathjax/output/chtml/fonts/woff-v2/"),
            ("LICENSE", "mathjax/LICENSE"),
        ],
    },
)

# Loaded before require.js and embed-amd.js (see nb_ipywidgets_js in _config.yml).
# 1. Makes the html-manager's font files resolve next to embed-amd.js instead of page-relative
#    (404). 2. ipywidgets' label typesetting still calls the MathJax 2 API
#    (`MathJax.Hub.Queue`), which MathJax 3 lacks: on a page with both math and widgets that
#    throws "Cannot read properties of undefined (reading 'Queue')". A small `Hub.Queue` shim,
#    installed on "load" just before the html-manager renders, forwards to MathJax 3.
ASSETS_PATH_JS = """\
// Written by `python -m tools vendor`; loaded before require.js and embed-amd.js.
(function () {
  // 1. Where the ipywidgets html-manager finds its font files (next to embed-amd.js).
  var base = new URL("html-manager/", document.currentScript.src).href;
  window.__jupyter_widgets_assets_path__ = base;
  window.require = { paths: { "@jupyter-widgets/html-manager/dist": base.replace(/\\/$/, "") } };

  // 2. ipywidgets typesets widget labels with the MathJax 2 API (MathJax.Hub.Queue); this
  //    book loads MathJax 3. Forward those calls to MathJax 3, one typeset after another.
  var queue = null;
  function typeset(element) {
    var M = window.MathJax;
    queue = (queue || M.startup.promise)
      .then(function () { return M.typesetPromise(element ? [element] : undefined); })
      .catch(function (err) { console.warn("MathJax could not typeset a widget label", err); });
  }
  // Registered now, so it runs before the html-manager's own "load" handler renders widgets.
  window.addEventListener("load", function () {
    var M = window.MathJax;
    if (M && M.version && M.startup && !M.Hub) {
      M.Hub = {
        Queue: function () {
          Array.prototype.forEach.call(arguments, function (job) {
            if (Array.isArray(job) && job[0] === "Typeset") { typeset(job[2]); }
          });
        },
      };
    }
  });

  // 3. The bundle holds a second copy of Font Awesome's CSS whose font URLs are resolved against
  //    the page (".../<page folder>/@jupyter-widgets/<hash>.woff2", 404 on pages without MathJax,
  //    where it is injected first). Point them at the vendored fonts as soon as the style appears.
  var wrong = /url\\((["']?)[^"')]*?@jupyter-widgets\\//g;
  new MutationObserver(function () {
    document.querySelectorAll("style").forEach(function (style) {
      if (style.textContent.indexOf("@jupyter-widgets/") >= 0) {
        style.textContent = style.textContent.replace(wrong, "url($1" + base);
      }
    });
  }).observe(document.head, { childList: true, subtree: true, characterData: true });
})();
"""
ASSETS_PATH_NAME = "widgets-assets-path.js"

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
SLIDES_PACKAGES = (
    {
        "name": "reveal.js",
        "version": "4.0.2",
        "files": [
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
    },
    {
        "name": "jquery",
        "version": "3.7.1",
        "files": [
            ("dist/jquery.min.js", "jquery/jquery.min.js"),
            ("LICENSE.txt", "jquery/LICENSE.txt"),
        ],
    },
    {
        "name": "mathjax",
        "version": "2.7.9",
        "files": MATHJAX2_FILES,
    },
)

# The decks also load these files of the book bundle (copied next to them by `slides`).
BOOK_FOR_SLIDES = ("require.js", "html-manager/", ASSETS_PATH_NAME)


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def npm_pack(packages, workdir: Path) -> dict:
    """Download ``name@version`` tarballs with ``npm pack``; return {name: npm's json record}."""
    if shutil.which("npm") is None:
        raise RuntimeError(
            "npm is not installed; install Node.js/npm (Debian: apt-get install npm)"
        )
    specs = [f"{p['name']}@{p['version']}" for p in packages]
    proc = subprocess.run(
        ["npm", "pack", "--json", "--pack-destination", str(workdir), *specs],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"npm pack {' '.join(specs)} failed:\n{proc.stderr.strip()}")
    records = {r["name"]: r for r in json.loads(proc.stdout)}
    for p in packages:
        got = records.get(p["name"], {}).get("version")
        if got != p["version"]:
            raise RuntimeError(f"npm returned {p['name']}@{got}, expected {p['version']}")
    return records


def _extract(tgz: Path, into: Path) -> Path:
    with tarfile.open(tgz) as tar:
        tar.extractall(into, filter="data")
    return into / "package"


def _copy_selected(pkg_root: Path, files, dest: Path) -> list[Path]:
    copied = []
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
            copied.append(d)
    return copied


# bundle name -> (default folder, npm packages, extra generated files {name: text})
BUNDLES = {
    "book": (DEFAULT_DEST, PACKAGES, {ASSETS_PATH_NAME: ASSETS_PATH_JS}),
    "slides": (SLIDES_DEST, SLIDES_PACKAGES, {}),
}


def vendor(dest: Path | None = None, bundle: str = "book") -> dict:
    """Fetch a bundle's pinned packages into ``dest`` (replaced); write its checksums."""
    if bundle not in BUNDLES:
        raise ValueError(f"bundle must be one of {', '.join(BUNDLES)}, got {bundle!r}")
    default_dest, package_list, generated = BUNDLES[bundle]
    dest = Path(default_dest if dest is None else dest)
    if dest.name in ("_static", "") or "_static" in dest.parts:
        raise ValueError(
            f"dest must not be inside a folder named _static (JB1 would inject "
            f"every .js of it into every page), got {dest}"
        )
    with tempfile.TemporaryDirectory(prefix="failurelab-vendor-") as tmp:
        tmp = Path(tmp)
        records = npm_pack(package_list, tmp)
        staging = tmp / "staging"
        staging.mkdir()
        packages = {}
        for p in package_list:
            rec = records[p["name"]]
            root = _extract(tmp / rec["filename"], tmp / f"x-{rec['filename']}")
            meta = json.loads((root / "package.json").read_text())
            _copy_selected(root, p["files"], staging)
            packages[p["name"]] = {
                "version": p["version"],
                "license": meta.get("license"),
                "integrity": rec.get("integrity"),
            }
        for name, text in generated.items():
            (staging / name).write_text(text)
        files = {
            f.relative_to(staging).as_posix(): sha256(f)
            for f in sorted(staging.rglob("*"))
            if f.is_file()
        }
        manifest = {
            "generated_by": "python -m tools vendor"
            + ("" if bundle == "book" else f" --bundle {bundle}"),
            "packages": packages,
            "files": files,
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
    """Compare ``dest`` with its ``checksums.json``; return a list of problems (empty = OK)."""
    dest = Path(dest)
    manifest_path = dest / CHECKSUMS
    if not manifest_path.is_file():
        return [f"{manifest_path} is missing"]
    try:
        expected = json.loads(manifest_path.read_text())["files"]
    except (json.JSONDecodeError, KeyError) as exc:
        return [f"{manifest_path} is not a valid checksum file ({exc})"]
    problems = []
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
    status = 0
    for bundle, dest in targets:
        if args.check:
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
            continue
        try:
            manifest = vendor(dest, bundle)
        except (RuntimeError, ValueError) as exc:
            print(f"vendor: {exc}", file=sys.stderr)
            return 1
        versions = ", ".join(f"{k}@{v['version']}" for k, v in manifest["packages"].items())
        print(
            f"vendor: {len(manifest['files'])} files from {versions} -> {dest} "
            f"({size_bytes(dest) / 1e6:.2f} MB)"
        )
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
        help="verify the vendored files against checksums.json (no network)",
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
