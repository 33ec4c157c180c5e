"""``python -m tools alttext``: figure alt text from the "What the figure shows" lines."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from failurelab import plots
from tools import alttext

REPO_ROOT = Path(__file__).resolve().parents[1]
PNG = {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure size 900x320 with 2 Axes>"}


def figure(source="fig", printed=None):
    cell = new_code_cell(source, outputs=[new_output("execute_result", data=PNG, execution_count=1)])
    if printed:
        cell.outputs.insert(0, new_output("stream", name="stdout", text=printed))
    return cell


def printing(text):
    return new_code_cell("print(...)", outputs=[new_output("stream", name="stdout", text=text)])


def describing(text):
    """A cell as ``plots.describe`` leaves it: the sentence displayed as Markdown + plain text."""
    shown = plots.Described(text)
    return new_code_cell("plots.describe(...)", outputs=[new_output(
        "display_data", data={"text/markdown": shown._repr_markdown_(), "text/plain": repr(shown)})])


def test_describe_line_from_a_displayed_sentence():
    nb = new_notebook(cells=[figure(), describing("What the figure shows: 30 % of *units*.")])
    assert alttext.describe_line(nb, 0) == "What the figure shows: 30 % of *units*."


def test_describe_line_from_the_next_cell_unwrapped():
    nb = new_notebook(cells=[figure(), printing("What the figure shows: thresholds run\nfrom 1 to 50.\n")])
    assert alttext.describe_line(nb, 0) == "What the figure shows: thresholds run from 1 to 50."
    assert alttext.wanted_alt(nb, 0) == ("What the figure shows: thresholds run from 1 to 50.", "describe")


def test_describe_line_in_the_figure_cell_itself_and_text_before_the_marker_dropped():
    nb = new_notebook(cells=[figure(printed="n = 3\nWhat the figure shows: a line.\n")])
    assert alttext.describe_line(nb, 0) == "What the figure shows: a line."


@pytest.mark.parametrize("between", [new_markdown_cell("## Next section"), figure("fig2")])
def test_describe_line_does_not_cross_markdown_or_another_figure(between):
    nb = new_notebook(cells=[figure(), between, printing("What the figure shows: another figure.")])
    assert alttext.describe_line(nb, 0) is None


def test_plot_titles_plain_literals_in_source_order():
    source = ('ax.set(xlabel="x", title="Thresholds")\n'
              "ax2.set_title('Twitch forces')\n"
              'fig.suptitle(f"d = {d}")\n'
              'fig.suptitle("SYNTHETIC data")\n')
    assert alttext.plot_titles(source) == ["Thresholds", "Twitch forces", "SYNTHETIC data"]
    with pytest.raises(ValueError, match="source must be a string"):
        alttext.plot_titles(None)


def test_title_fallback_and_missing():
    nb = new_notebook(cells=[figure('ax.set(title="Excitation")\nax2.set_title("Capacity")'), figure("fig")])
    assert alttext.wanted_alt(nb, 0) == ("Figure: Excitation; Capacity.", "title")
    assert alttext.wanted_alt(nb, 1) == (None, "missing")


def test_shorten_cuts_at_a_sentence_end():
    text = "What the figure shows: first part is here. " + "x" * 30 + " end. " + "y" * 400
    assert alttext.shorten(text, 100) == "What the figure shows: first part is here. " + "x" * 30 + " end."
    assert alttext.shorten("short\u00a0text", 100) == "short text"
    cut = alttext.shorten("z" * 500, 50)
    assert len(cut) == 50 and cut.endswith("\u2026")
    with pytest.raises(ValueError, match="at least 20"):
        alttext.shorten("abc", 5)


def test_describe_line_rejects_a_bad_index():
    nb = new_notebook(cells=[figure()])
    with pytest.raises(ValueError, match="cell index"):
        alttext.describe_line(nb, 3)


def test_set_alt_texts_writes_metadata_only_and_is_idempotent():
    nb = new_notebook(cells=[figure(), printing("What the figure shows: a line.")])
    outputs_before = [dict(o) for o in nb.cells[0].outputs]
    assert alttext.set_alt_texts(nb) == 1
    assert nb.cells[0].metadata["mystnb"]["image"]["alt"] == "What the figure shows: a line."
    assert [dict(o) for o in nb.cells[0].outputs] == outputs_before
    assert alttext.set_alt_texts(nb) == 0
    assert all(item.ok for item in alttext.alt_texts(nb))


def test_run_check_then_apply(tmp_path):
    path = tmp_path / "nb.ipynb"
    nbformat.write(new_notebook(cells=[figure(), printing("What the figure shows: a line.")]), path)
    out = io.StringIO()
    assert alttext.run([path], check=True, out=out) == 1
    assert "cell 0: no alt text" in out.getvalue()
    assert alttext.run([path], out=io.StringIO()) == 0
    assert alttext.run([path], check=True, out=io.StringIO()) == 0
    # re-executed with a different number: the stored alt text is now stale
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].outputs[0].text = "What the figure shows: two lines."
    nbformat.write(nb, path)
    out = io.StringIO()
    assert alttext.run([path], check=True, out=out) == 1 and "stale alt text" in out.getvalue()


def test_run_reports_a_figure_without_any_text(tmp_path):
    path = tmp_path / "nb.ipynb"
    nbformat.write(new_notebook(cells=[figure("fig")]), path)
    out = io.StringIO()
    assert alttext.run([path], out=out) == 1
    assert "cell 0: figure has no 'What the figure shows' line" in out.getvalue()
    with pytest.raises(ValueError, match="not a notebook"):
        alttext.run([tmp_path / "notes.txt"])


def test_registered_subcommand(tmp_path):
    parser = argparse.ArgumentParser()
    alttext.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["alttext", "--check", str(tmp_path / "missing.ipynb")])
    assert args.check and args.func(args) == 2  # a clear message, not a traceback


def test_course_notebook_figure_gets_its_describe_line():
    """The first figure of notebook 1.1 is described by the committed output of the next cell."""
    nb = nbformat.read(REPO_ROOT / "chapters/01_mechanism/01_size_principle.ipynb", as_version=4)
    items = alttext.alt_texts(nb)
    assert len(items) >= 2 and all(item.wanted for item in items)
    assert items[0].wanted.startswith("What the figure shows: thresholds run from 1 to 50;")
    assert REPO_ROOT / "chapters/01_mechanism/01_size_principle.ipynb" in alttext.toc_notebooks()


def test_every_course_figure_has_current_alt_text():
    """`execute` writes alt text after each run; `alttext --check` must find nothing to do."""
    out = io.StringIO()
    assert alttext.run([], check=True, out=out) == 0, out.getvalue()
