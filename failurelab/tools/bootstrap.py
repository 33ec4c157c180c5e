"""``bootstrap``: the first code cell of every course notebook, so it also runs on Colab and JupyterLite.

On a machine set up with ``make lab`` (or Binder, which installs ``requirements.txt``) the cell
does nothing. On Google Colab it clones the course repository and installs its package (about a
minute); in JupyterLite (``sys.platform == "emscripten"``) it installs the ``failurelab`` wheel
that ``python -m failurelab.tools lite`` put into the lite site, and points the package at the
site's ``data/`` folder. The repository address comes from ``_config.yml`` (``repository.url``),
the one place it is written.

``bootstrap`` inserts the cell (or updates it) at the top of every chapter and exercise source
notebook; ``--check`` writes nothing and exits 1 if a notebook lacks the current cell. Learner
copies are never touched: they are generated from the exercise sources (``learner``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import yaml

from .execute import ROOT, course_notebooks

CELL_ID = "course-bootstrap"
TAGS = ["remove-cell"]  # the book shows the code, not the installer

TEMPLATE = '''\
# Only on Colab or JupyterLite: install the course package (Colab: about a minute). Elsewhere: nothing.
import os, subprocess, sys
COURSE_REPO, COURSE_DIR = "{repo}", "/content/course"
if "google.colab" in sys.modules and not os.path.isdir(COURSE_DIR):
    subprocess.run(["git", "clone", "-q", "--depth", "1", COURSE_REPO, COURSE_DIR], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", COURSE_DIR], check=True)
    sys.path.insert(0, COURSE_DIR)
elif sys.platform == "emscripten":  # JupyterLite: the wheel and data/ come with the lite site
    import piplite
    await piplite.install(["failurelab"])
    os.environ.setdefault("FAILURELAB_DATA", "/drive/data")'''


def repository_url(root=ROOT):
    """``repository.url`` from ``_config.yml`` (used by the launch buttons too)."""
    config = yaml.safe_load((Path(root) / "_config.yml").read_text(encoding="utf-8"))
    url = (config.get("repository") or {}).get("url", "")
    if not url.startswith("https://"):
        raise ValueError(f"_config.yml: repository.url must be an https:// address, got {url!r}")
    return url


def cell_source(root=ROOT):
    return TEMPLATE.format(repo=repository_url(root))


def _cell(source):
    cell = nbformat.v4.new_code_cell(source)
    cell.id = CELL_ID
    cell.metadata = {"tags": list(TAGS), "slideshow": {"slide_type": "skip"}}
    return cell


def is_current(nb, source):
    """True when the notebook's first code cell is the current bootstrap cell."""
    first = next((c for c in nb.cells if c.cell_type == "code"), None)
    return (first is not None and first.get("id") == CELL_ID and first.source == source
            and first.metadata.get("tags") == TAGS)


def apply(nb, source):
    """Insert the bootstrap cell before the first code cell (or refresh it); returns ``nb``."""
    nb.cells = [c for c in nb.cells if c.get("id") != CELL_ID]
    first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
    nb.cells.insert(first_code, _cell(source))
    return nb


def register(sub):
    p = sub.add_parser("bootstrap", help="put the Colab/JupyterLite install cell into every course notebook")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if a notebook is stale")
    p.set_defaults(func=_run)


def _run(args):
    source = cell_source()
    stale = []
    for path in course_notebooks():
        nb = nbformat.read(path, as_version=4)
        if is_current(nb, source):
            continue
        stale.append(path.relative_to(ROOT))
        if not args.check:
            nbformat.write(apply(nb, source), path)
    verb = "lack the current bootstrap cell" if args.check else "updated"
    for path in stale:
        print(f"{path}: {verb}", file=sys.stderr if args.check else sys.stdout)
    return 1 if (args.check and stale) else 0
