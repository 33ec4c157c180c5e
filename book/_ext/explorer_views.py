"""Sphinx extension: fail the book build when an explorer would silently vanish.

An explorer's saved output is its self-contained HTML view (``text/html``). An output that
holds only a live-widget view (``application/vnd.jupyter.widget-view+json``), as a notebook saved
from a running JupyterLab or RISE session can, shows nothing without a kernel; the page would
then build without the explorer and without a warning. This check makes that an error.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from sphinx.errors import ExtensionError

VIEW = "application/vnd.jupyter.widget-view+json"


def views_without_html(nb) -> list[str]:
    """``cell N: model_id`` for every widget view that has no HTML view beside it."""
    missing = []
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if VIEW in data and "text/html" not in data:
                missing.append(f"cell {i}: {data[VIEW].get('model_id')}")
    return missing


def _check(app, env, docnames):
    problems = []
    for docname in docnames:
        path = Path(env.doc2path(docname))
        if path.suffix != ".ipynb":
            continue
        missing = views_without_html(nbformat.read(path, as_version=4))
        if missing:
            problems.append(f"{path.relative_to(app.srcdir)}: {', '.join(missing)}")
    if problems:
        raise ExtensionError(
            "live-widget views without their HTML view (the explorer would not be shown); "
            "re-run `make execute` for: " + "; ".join(problems))


def setup(app):
    app.connect("env-before-read-docs", _check)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
