"""Chapter 1 explorers in the browser: the view agrees with the Python reference, responds to
every control with no kernel, and refuses bad input without losing its figure."""

from __future__ import annotations

import pytest
from helpers import explorer_page, text_of

from failurelab.motor_units import MUSCLE_PRESETS
from failurelab.widgets import SizePrincipleExplorer


@pytest.fixture(scope="module")
def size_page(browser, tmp_path_factory):
    explorer = SizePrincipleExplorer()
    with explorer_page(browser, [explorer], tmp_path_factory.mktemp("size")) as (_page, views, errors):
        yield explorer, views[0], errors


@pytest.mark.parametrize("muscle", list(MUSCLE_PRESETS))
def test_size_principle_view_matches_python(size_page, muscle):
    reference, view, errors = size_page
    for effort in [0, 1, 5, 10, 20, 30, 37, 50, 64, 75, 88, 95, 100]:
        assert reference.update(effort=effort, muscle=muscle) is not None
        assert view.set(effort=effort, muscle=muscle) == text_of(reference.readout), (effort, muscle)
    assert errors == []


def test_size_principle_controls_move_by_keyboard(size_page):
    _, view, errors = size_page
    view.set(effort=30, muscle="default")
    before = (view.sentence(), view.figure())
    view.locator("input[type=range]").focus()
    view.page.keyboard.press("ArrowRight")
    assert view.params()["effort"] == 31
    assert view.sentence() != before[0] and view.figure() != before[1]
    assert "31 % of maximal force" in view.sentence()
    select = view.locator("select")
    select.select_option("limb")
    assert view.params()["muscle"] == "limb" and "Limb-like" in view.figure()
    assert errors == []


@pytest.mark.parametrize("typed, words", [("101", "between 0 and 100"), ("abc", "type a number"),
                                          ("2.5", "steps of 1")])
def test_size_principle_box_refuses_bad_input_and_keeps_the_figure(size_page, typed, words):
    _, view, _ = size_page
    view.set(effort=40, muscle="default")
    before = (view.sentence(), view.figure())
    box = view.locator("input.fl-box")
    box.fill(typed)
    assert words in view.message() and view.message().startswith("Not shown")
    assert (view.sentence(), view.figure()) == before
    assert view.params()["effort"] == 40
    box.fill("45")
    assert view.message() == "" and view.params()["effort"] == 45


def test_markup_in_a_spec_stays_text_in_the_page(browser, tmp_path):
    hostile = '<img src=x onerror="window.__xss = 1">'
    explorer = SizePrincipleExplorer()
    explorer.controls["muscle"].options[0] = (hostile, "hand")
    with explorer_page(browser, [explorer], tmp_path) as (page, views, errors):
        labels = views[0].locator("select option").all_inner_texts()
        assert labels[0] == hostile
        assert page.evaluate("window.__xss") is None and errors == []
