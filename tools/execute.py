"""``execute``: run course notebooks top to bottom in a fresh kernel and save their outputs.

nbclient's ``NotebookClient`` (the engine of ``jupyter execute``) runs the notebook; nbval later
proves the saved outputs are reproducible. An explorer's output carries a live widget (for a
running kernel) and its self-contained HTML view; only the HTML is saved (a widget view without
a kernel or saved model shows nothing), so the book, the decks, RISE and a trusted notebook show
a live explorer with no kernel. Beyond ``jupyter execute --inplace`` this command writes the installed kernel's
``kernelspec`` (opening the notebook in JupyterLab then changes nothing), refreshes the figures'
alt text from their new describe lines (``alttext``), refuses learner copies (``exercises/learner``
belongs to the learner) and, with ``write=False``, times a run without touching the file (``bench``).
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

from .alttext import set_alt_texts
from .course import course_notebooks


def installed_kernelspec(name="python3"):
    """The notebook ``kernelspec`` entry JupyterLab writes for the installed kernel ``name``."""
    spec = KernelSpecManager().get_kernel_spec(name)
    return {"display_name": spec.display_name, "language": spec.language, "name": name}


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def drop_widget_views(nb):
    """Remove live-widget views from saved outputs (and any saved widget state): each explorer
    output keeps its self-contained HTML view. Returns the number of views removed."""
    removed = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if WIDGET_VIEW in output.get("data", {}):
                del output["data"][WIDGET_VIEW]
                removed += 1
    nb.metadata.pop("widgets", None)
    return removed


def execute(path, timeout=120, write=True):
    """Execute ``path`` (in place unless ``write`` is False); returns the wall time in seconds."""
    path = Path(path).resolve()
    if "learner" in path.parts:
        raise ValueError(f"{path} is a learner copy: it is never executed or overwritten by tools")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=False,
                            record_timing=False, resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    drop_widget_views(nb)
    nb.metadata["kernelspec"] = installed_kernelspec()  # so opening it in JupyterLab changes nothing
    if write:
        set_alt_texts(nb)  # figures' alt text follows their new describe lines
        nbformat.write(nb, path)
    return elapsed


def register(sub):
    p = sub.add_parser("execute", help="execute chapter/exercise notebooks in place")
    p.add_argument("paths", nargs="*", help="notebooks (default: every chapter and exercise notebook)")
    p.add_argument("--timeout", type=int, default=120, help="per-cell timeout in seconds")
    p.set_defaults(func=_run)


def _run(args):
    paths = [Path(p) for p in args.paths] or course_notebooks()
    for path in paths:
        print(f"{path}: {execute(path, args.timeout):.1f} s", flush=True)
