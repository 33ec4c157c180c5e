"""Sphinx extension: fail the book build when an explorer would silently vanish.

A notebook output of type ``application/vnd.jupyter.widget-view+json`` is drawn only if its
``model_id`` is in the notebook's saved widget state (``metadata.widgets``). A notebook saved by a
live session (JupyterLab, RISE) can hold views of models that were never stored; the page would
then build without the explorer and without a warning. This check makes that an error.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from sphinx.errors import ExtensionError

VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"


def missing_widget_models(nb) -> list[str]:
    """``cell N: model_id`` for every widget view whose model is not in the saved state."""
    saved = nb.metadata.get("widgets", {}).get(STATE, {}).get("state", {})
    missing = []
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(VIEW)
            if view and view.get("model_id") not in saved:
                missing.append(f"cell {i}: {view.get('model_id')}")
    return missing


def _check(app, env, docnames):
    problems = []
    for docname in docnames:
        path = Path(env.doc2path(docname))
        if path.suffix != ".ipynb":
            continue
        missing = missing_widget_models(nbformat.read(path, as_version=4))
        if missing:
            problems.append(f"{path.relative_to(app.srcdir)}: {', '.join(missing)}")
    if problems:
        raise ExtensionError(
            "widget views without saved state (the explorer would not be shown); re-run "
            "`make execute` for: " + "; ".join(problems))


def setup(app):
    app.connect("env-before-read-docs", _check)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
