"""``bootstrap``: the first code cell of every course notebook, so it also runs on Colab and JupyterLite.

On a machine set up with ``make lab`` (or Binder, which installs ``requirements.txt``) the cell
does nothing. On Google Colab it fetches one pinned release of the course repository, the tag or
commit ``course_release`` in ``_config.yml`` (never the default branch), and installs its package
(about a minute); in JupyterLite (``sys.platform == "emscripten"``) it installs the ``failurelab``
wheel that ``python -m tools lite`` put into the lite site, and points the package at the site's
``data/`` folder. The repository address is ``repository.url`` in ``_config.yml``; both settings
are read in ``tools/course.py``, the one place that knows them.

``bootstrap`` inserts the cell (or updates it) at the top of every chapter and exercise source
notebook; ``--check`` writes nothing and exits 1 if a notebook lacks the current cell. Learner
copies are never touched: they are generated from the exercise sources (``learner``).
"""

from __future__ import annotations

import sys

import nbformat

from .course import ROOT, course_notebooks, course_release, repository_url

CELL_ID = "course-bootstrap"
TAGS = ["remove-cell"]  # the book shows the code, not the installer

TEMPLATE = '''\
# Installs the course package only on Colab or JupyterLite; elsewhere this cell does nothing.
# Colab: release {release} of {repo} (about a minute).
# JupyterLite: the failurelab wheel and data/ that come with the lite site.
import os
import subprocess
import sys

COURSE_REPO = "{repo}"
COURSE_RELEASE = "{release}"  # a tag or commit (course_release in _config.yml)
COURSE_DIR = "/content/course"
if "google.colab" in sys.modules and not os.path.isfile(f"{{COURSE_DIR}}/pyproject.toml"):
    for git in (["init", "-q", COURSE_DIR],
                ["-C", COURSE_DIR, "fetch", "-q", "--depth", "1", COURSE_REPO, COURSE_RELEASE],
                ["-C", COURSE_DIR, "checkout", "-q", "FETCH_HEAD"]):
        subprocess.run(["git", *git], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", COURSE_DIR], check=True)
    sys.path.insert(0, COURSE_DIR)
elif sys.platform == "emscripten":  # JupyterLite
    import piplite
    await piplite.install(["failurelab"])
    os.environ.setdefault("FAILURELAB_DATA", "/drive/data")'''


def cell_source(root=ROOT):
    """The bootstrap cell for the configured repository and release."""
    return TEMPLATE.format(repo=repository_url(root), release=course_release(root))


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
    old = next((c for c in nb.cells if c.get("id") == CELL_ID), None)
    nb.cells = [c for c in nb.cells if c.get("id") != CELL_ID]
    first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
    cell = _cell(source)
    if old is not None:  # keep its place in the notebook's one top-to-bottom run
        cell.execution_count = old.get("execution_count")
    nb.cells.insert(first_code, cell)
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
