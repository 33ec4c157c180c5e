"""``lite``: build a JupyterLite site of the course (zero install: Python runs in the reader's browser).

The site holds ``chapters/``, ``exercises/`` (with the learner copies), ``data/`` and the
answer page (``book/answer.ipynb``) at the same paths as the repository, so the book's JupyterLite launch button (``launch_buttons.jupyterlite_url``
in ``_config.yml``) opens the page's own notebook, plus a ``failurelab`` wheel built from this
checkout, which each notebook's bootstrap cell installs with ``piplite``.

The build tools (:func:`lite_requirements`) live in their own virtual environment,
``_build/lite-venv``, created on first use from the package registry: installed next to
JupyterLab, the pyodide kernel's extension breaks JupyterLab ("Shared module @jupyterlite/services
doesn't exist"). The build itself then works offline, but at run time **the reader's browser
fetches Pyodide and numpy/pandas/matplotlib/scipy/statsmodels from the jsDelivr CDN** (no package
registry ships them). A reader without internet access uses
the notebooks locally (``make lab``) or the book's kernel-free figures.

Default output: ``_build/html/lite`` (next to the built book; publish both together).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .course import LITE_PACKAGES, ROOT, course_notebooks, pinned_versions

CONTENT_DIRS = ("chapters", "exercises", "data")
DEFAULT_OUTPUT = ROOT / "_build" / "html" / "lite"
LITE_VENV = ROOT / "_build" / "lite-venv"
_IGNORE = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.new.ipynb")


def lite_requirements(root=ROOT):
    """The lite build's pins: :data:`LITE_PACKAGES`, plus as pinned for the course the ipywidgets
    JupyterLab extension (widgets in JupyterLite) and jupyter_server (indexes the contents)."""
    course = pinned_versions(root, ("jupyterlab-widgets", "jupyter-server"))
    return [*LITE_PACKAGES, *(f"{name}=={version}" for name, version in course.items())]


def lite_venv(venv=LITE_VENV):
    """The build tools' venv (created, or updated when the pins change); returns its python."""
    python = Path(venv) / "bin" / "python"
    stamp = Path(venv) / "requirements.txt"
    wanted = "\n".join(lite_requirements()) + "\n"
    if not (python.exists() and stamp.is_file() and stamp.read_text() == wanted):
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                        *lite_requirements()], check=True)
        stamp.write_text(wanted)
    return python


def build(output=DEFAULT_OUTPUT, root=ROOT):
    """Build the lite site into ``output`` (replaced); returns the wall time in seconds."""
    output, root = Path(output).resolve(), Path(root)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="failurelab-lite-") as tmp:
        tmp = Path(tmp)
        content = tmp / "content"
        for name in CONTENT_DIRS:
            shutil.copytree(root / name, content / name, ignore=_IGNORE)
        for path in course_notebooks(root):  # notebooks outside those folders: the answer page
            target = content / path.relative_to(root)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
        source = tmp / "source"  # build from a copy: setuptools writes build/ into the source
        shutil.copytree(root / "failurelab", source / "failurelab", ignore=_IGNORE)
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            shutil.copy2(root / name, source / name)
        wheels = tmp / "wheels"
        subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                        "--disable-pip-version-check", "-w", str(wheels), str(source)], check=True)
        (wheel,) = wheels.glob("failurelab-*.whl")
        shutil.rmtree(output, ignore_errors=True)
        subprocess.run([str(lite_venv()), "-m", "jupyterlite_core", "build", "--contents", str(content),
                        "--piplite-wheels", str(wheel), "--output-dir", str(output),
                        "--lite-dir", str(tmp)], check=True, cwd=tmp, capture_output=True, text=True)
    return time.perf_counter() - start


def register(sub):
    p = sub.add_parser("lite", help="build the JupyterLite site (default: _build/html/lite)")
    p.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="output folder (replaced)")
    p.set_defaults(func=_run)


def _run(args):
    try:
        seconds = build(args.output)
    except subprocess.CalledProcessError as err:
        print(f"lite: {' '.join(err.cmd[:3])} failed:\n{err.stderr or ''}", file=sys.stderr)
        return 1
    size = sum(f.stat().st_size for f in args.output.rglob("*") if f.is_file()) / 1e6
    print(f"wrote {args.output} ({size:.0f} MB) in {seconds:.1f} s; readers' browsers fetch "
          "Pyodide from the jsDelivr CDN at run time")
    return 0
