"""Chapter 4 explorers in the browser (study design, measurement error, individual responses,
volume confounding): each view agrees with its Python reference on a grid of settings, responds
to every control with no kernel, refuses bad input without losing its figure, lets every "Try
this" step of notebooks 4.1-4.4 be done, and stays small."""

from __future__ import annotations

import itertools
import random

import pytest
from helpers import VIEWPORTS, explorer_page, text_of

from failurelab.widgets.limitations import MeasurementErrorExplorer, StudyDesignExplorer
from failurelab.widgets.responses import IndividualResponsesExplorer, VolumeConfoundingExplorer

CLASSES = (StudyDesignExplorer, MeasurementErrorExplorer, IndividualResponsesExplorer,
           VolumeConfoundingExplorer)
NAMES = [cls.__name__ for cls in CLASSES]


@pytest.fixture(scope="module")
def chapter4(browser, tmp_path_factory):
    explorers = [cls() for cls in CLASSES]
    with explorer_page(browser, explorers, tmp_path_factory.mktemp("ch4")) as (_, views, errors):
        yield dict(zip(NAMES, zip(explorers, views))), errors


def values_of(control):
    """Every value a control offers, as the view sends it."""
    if control.kind == "select":
        return [value for _, value in control.options]
    count = round((control.max - control.min) / control.step)
    if float(control.step).is_integer() and float(control.min).is_integer():
        return [int(control.min + k * control.step) for k in range(count + 1)]
    return [round(control.min + k * control.step, 6) for k in range(count + 1)]


def settings(explorer, sample=60, seed=4):
    """Every value of each control with the others at their first values, the all-lowest and
    all-highest corners, and a seeded sample of the full product."""
    controls = explorer.controls
    first = explorer.params()
    out = [dict(first, **{name: v}) for name, c in controls.items() for v in values_of(c)]
    out += [{name: values_of(c)[0] for name, c in controls.items()},
            {name: values_of(c)[-1] for name, c in controls.items()}]
    product = list(itertools.product(*(values_of(c) for c in controls.values())))
    out += [dict(zip(controls, p)) for p in random.Random(seed).sample(product, sample)]
    return out


def shown_for(view, params_list):
    """The sentence the view shows after each setting (None where it refuses one)."""
    return view._call("arg.map((p) => (el.failurelab.set(p) ? el.failurelab.sentence() : null))",
                      params_list)


@pytest.mark.parametrize("name", NAMES)
def test_view_matches_python_on_a_grid_of_settings(chapter4, name):
    views, errors = chapter4
    reference, view = views[name]
    start = reference.params()
    grid = settings(reference)
    shown = shown_for(view, grid)
    for params, sentence in zip(grid, shown):
        assert reference.update(**params) is not None, params
        assert sentence == text_of(reference.readout), params
    reference.update(**start)
    view.set(**start)
    assert errors == []


@pytest.mark.parametrize("name", NAMES)
def test_every_control_moves_by_keyboard_or_select(chapter4, name):
    views, errors = chapter4
    reference, view = views[name]
    start = reference.params()
    view.set(**start)
    for i, (key, control) in enumerate(reference.controls.items()):
        before = (view.sentence(), view.figure())
        wrap = view.locator(f'.fl-control[data-name="{key}"]')
        if control.kind == "select":
            options = [value for _, value in control.options]
            target = options[(options.index(start[key]) + 1) % len(options)]
            wrap.locator("select").select_option(str(target))
        else:
            at_max = start[key] >= control.max - 1e-9
            wrap.locator("input[type=range]").focus()
            view.page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
            target = round(start[key] + (-1 if at_max else 1) * control.step, 6)
        moved = view.params()[key]
        assert abs(moved - target) < 1e-9, (key, moved, target)
        assert view.sentence() != before[0] and view.figure() != before[1], key
        assert reference.update(**{key: moved}) is not None
        assert view.sentence() == text_of(reference.readout), key
        view.set(**start)
        reference.update(**start)
    assert errors == []


BAD_TYPING = {
    "StudyDesignExplorer": ("weeks", [("6", "moves in steps of 4"), ("28", "between 4 and 24"),
                                      ("abc", "type a number")]),
    "MeasurementErrorExplorer": ("n", [("12", "moves in steps of 5"),
                                       ("155", "between 5 and 150"), ("", "type a number")]),
    "IndividualResponsesExplorer": ("threshold", [("3.1", "moves in steps of 0.25"),
                                                  ("7", "between"), ("three", "type a number")]),
    "VolumeConfoundingExplorer": ("gain_per_set", [("0.12", "moves in steps of 0.05"),
                                                   ("\u22120.05", "between"), ("x", "type a number")]),
}


@pytest.mark.parametrize("name", NAMES)
def test_a_bad_typed_value_names_the_control_and_keeps_the_figure(chapter4, name):
    views, errors = chapter4
    reference, view = views[name]
    key, cases = BAD_TYPING[name]
    label = reference.controls[key].label
    view.set(**reference.params())
    before = (view.sentence(), view.figure(), view.params())
    box = view.locator(f'.fl-control[data-name="{key}"] input.fl-box')
    for typed, words in cases:
        box.fill(typed)
        message = view.message()
        assert message.startswith("Not shown") and label in message and words in message, message
        assert (view.sentence(), view.figure(), view.params()) == before
    box.fill(str(reference.params()[key]))
    assert view.message() == "" and view.sentence() == before[0]
    assert errors == []


# -- every "Try this" step of notebooks 4.1-4.4, in order, on the view ---------------------------

TRY_THIS = {
    "StudyDesignExplorer": [  # 4.1
        dict(weeks=8, n=15, true_effect=0.2, error_ratio=0.5), dict(true_effect=0.5),
        dict(true_effect=0.8), dict(true_effect=0.2, n=100), dict(true_effect=0.5, n=15, weeks=4),
        *[dict(weeks=w) for w in range(8, 25, 4)], dict(error_ratio=0.0), dict(weeks=4),
        dict(weeks=24)],
    "MeasurementErrorExplorer": [  # 4.2
        dict(reliability=0.8, true_effect=0.5, n=15), dict(reliability=0.5),
        dict(reliability=1.0), dict(reliability=0.8),
        *[dict(reliability=0.6, n=n) for n in range(15, 151, 5)], dict(reliability=1.0, n=15)],
    "IndividualResponsesExplorer": [  # 4.3
        dict(sd_response=0.5, sd_noise=1.0, n=15, threshold=3.0), dict(sd_response=0.0),
        dict(n=100), dict(sd_noise=0.2), dict(sd_response=2.0)],
    "VolumeConfoundingExplorer": [  # 4.4
        dict(sets_failure=9, gain_per_set=0.1, direct_effect=0.0, n=15), dict(sets_failure=12),
        dict(sets_failure=16), dict(direct_effect=0.2, sets_failure=9), dict(gain_per_set=0.0)],
}


@pytest.mark.parametrize("name", NAMES)
def test_every_try_this_step_can_be_done_in_the_view(chapter4, name):
    views, errors = chapter4
    reference, view = views[name]
    start = reference.params()
    view.set(**start)
    for step in TRY_THIS[name]:
        sentence = view.set(**step)
        assert sentence is not None, step
        assert reference.update(**step) is not None and sentence == text_of(reference.readout)
    if name == "MeasurementErrorExplorer":  # "at 0.6 raise n until the power reaches 80 %"
        reference.update(reliability=0.6, true_effect=0.5, n=110)
        assert reference.state["power_analytic"] >= 0.8 and "106 per group" in reference.readout
    reference.update(**start)
    view.set(**start)
    assert errors == []


def test_views_say_the_studies_are_synthetic(chapter4):
    views, _ = chapter4
    for reference, view in views.values():
        assert "synthetic" in view.sentence() and "synthetic" in view.locator(".fl-extra").inner_text()
        assert "synthetic" in view.figure().lower() or "Synthetic" in view.figure()


@pytest.mark.parametrize("cls", CLASSES, ids=NAMES)
def test_view_is_small(cls):
    assert len(cls().html()) < 300_000


def test_views_fit_a_phone(browser, tmp_path):
    explorers = [cls() for cls in CLASSES]
    with explorer_page(browser, explorers, tmp_path, VIEWPORTS["phone"]) as (page, views, errors):
        for view in views:
            width = view.locator(".fl-figure svg").evaluate("(svg) => svg.getBoundingClientRect().width")
            assert 280 <= width <= VIEWPORTS["phone"]["width"]
            page_width = page.evaluate("document.documentElement.scrollWidth")
            assert page_width <= VIEWPORTS["phone"]["width"]
        assert errors == []
