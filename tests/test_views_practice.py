"""The set-to-failure explorer (chapter 1) and the chapter-3 explorers (how close was I?, the
set planner) in the browser: each view agrees with its Python reference, responds to every
control with no kernel, and refuses bad input without losing its figure."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from helpers import VIEWPORTS, explorer_page, text_of

from failurelab import data, practice
from failurelab.fatigue import simulate_set
from failurelab.widgets import HowCloseExplorer, SetExplorer, SetPlannerExplorer
from failurelab.widgets.mechanism import LOADS, RIR_MAX, set_grid, set_state
from failurelab.widgets.practice import (
    BIASES,
    PLAN_LOADS,
    PUBLISHED_BIAS,
    RIR_MISJUDGEMENT,
    how_close_grid,
    how_close_state,
    set_plan_state,
)

PAGE_BUDGET = 300_000  # characters of a view's self-contained HTML (spec + code)
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"


def extra(view):
    return view._call("el.querySelector('.fl-extra').textContent")


def figure_text(view):
    return view._call("el.querySelector('.fl-figure').textContent")


def assert_box_refuses(view, box, typed, words):
    """A typed value the control cannot take: "Not shown: ..." naming the control; the figure,
    the sentence and the control values are kept."""
    before = (view.sentence(), view.figure(), view.params())
    box.fill(typed)
    assert view.message().startswith("Not shown"), view.message()
    for word in words:
        assert word in view.message(), (word, view.message())
    assert (view.sentence(), view.figure(), view.params()) == before


# -- 1.2 set to failure ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def set_page(browser, tmp_path_factory):
    explorer = SetExplorer(load=30, rir=2)
    with explorer_page(browser, [explorer], tmp_path_factory.mktemp("set")) as (_page, views, errors):
        yield explorer, views[0], errors


def test_set_grid_holds_every_stop_of_set_state():
    grid = set_grid()["sets"]
    assert sorted(map(int, grid)) == list(LOADS)
    for load in (30, 60, 90):
        g = grid[str(load)]
        possible = set_state(load, 0)["set"].reps_possible
        assert g["reps_possible"] == possible
        assert len(g["share_at_stop"]) == min(RIR_MAX, possible - 1) + 1
        for rir in range(len(g["share_at_stop"])):
            s = simulate_set(load / 100, rir)
            assert g["share_at_stop"][rir] == s.share_at_stop
            assert g["capacity_at_stop"][rir] == s.capacity_at_stop
        series = g["series"]
        assert len(series["rep"]) <= 140 and series["rep"][-1] == pytest.approx(
            set_state(load, 0)["reps"][-1], abs=1e-4)


def test_set_view_matches_python_at_every_load_and_rir(set_page):
    reference, view, errors = set_page
    for load in LOADS:
        for rir in range(RIR_MAX + 1):
            if reference.update(load=load, rir=rir) is None:  # more RIR than reps to failure
                assert view.set(load=load, rir=rir) is None, (load, rir)
                assert view.message() == reference.message, (load, rir)
            else:
                assert view.set(load=load, rir=rir) == text_of(reference.readout), (load, rir)
                assert view.message() == ""
    assert errors == []


def test_set_view_stops_the_set_at_the_rir(set_page):
    _, view, errors = set_page
    view.set(load=80, rir=3)
    three = view.figure()
    assert "80\u00a0% 1RM: stop after 4 of 7 reps" in figure_text(view)
    assert "3 in reserve" in figure_text(view)
    view.set(rir=0)
    assert "stop after 7 of 7 reps" in figure_text(view) and view.figure() != three
    assert "Stopping at 0 RIR" in view.sentence()
    assert errors == []


def test_set_controls_move_by_keyboard(set_page):
    _, view, errors = set_page
    view.set(load=30, rir=2)
    sliders = view.locator("input[type=range]")
    for index, name, key, expected in [(0, "load", "ArrowRight", 35), (1, "rir", "ArrowRight", 3),
                                       (1, "rir", "ArrowLeft", 2), (0, "load", "ArrowLeft", 30)]:
        before = (view.sentence(), view.figure())
        sliders.nth(index).focus()
        view.page.keyboard.press(key)
        assert view.params()[name] == expected
        assert view.sentence() != before[0] and view.figure() != before[1], name
    assert errors == []


@pytest.mark.parametrize("index, typed, words", [
    (0, "33", ["Load (% 1RM)", "steps of 5"]), (0, "95", ["Load (% 1RM)", "between 30 and 90"]),
    (0, "abc", ["Load (% 1RM)", "type a number"]), (1, "11", ["Stop at RIR", "between 0 and 10"]),
    (1, "1.5", ["Stop at RIR", "steps of 1"]),
])
def test_set_box_refuses_bad_input_and_keeps_the_figure(set_page, index, typed, words):
    _, view, errors = set_page
    view.set(load=50, rir=2)
    assert_box_refuses(view, view.locator("input.fl-box").nth(index), typed, words)
    view.locator("input.fl-box").nth(index).fill("2" if index else "55")
    assert view.message() == ""
    assert errors == []


def test_set_view_explains_a_set_it_cannot_draw(set_page):
    """Try this, step 4 of notebook 1.2: 90 % 1RM with RIR 5."""
    reference, view, errors = set_page
    view.set(load=90, rir=2)
    reference.update(load=90, rir=2)
    assert reference.update(rir=5) is None
    assert_box_refuses(view, view.locator("input.fl-box").nth(1), "5",
                       ["choose fewer than 3 reps in reserve"])
    assert view.message() == reference.message
    assert errors == []


def test_set_view_is_small():
    assert len(SetExplorer(warm=False).html()) < PAGE_BUDGET


# -- 3.1 how close was I? -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def how_page(browser, tmp_path_factory):
    explorer = HowCloseExplorer()
    with explorer_page(browser, [explorer], tmp_path_factory.mktemp("how")) as (_page, views, errors):
        yield explorer, views[0], errors


def test_how_close_grid_is_how_close_state():
    grid = how_close_grid(200, 4)["grid"]
    assert len(grid) == 7 and all(len(row) == len(BIASES) == 201 for row in grid)
    for reported in range(7):
        for i in [*range(0, 201, 20), 17, 95, 173, 199]:
            s = how_close_state(reported, 200, 4, BIASES[i])
            _first, counts, mean, sd, further, closer, at_failure = grid[reported][i]
            assert (mean, sd) == (s["mean_true"], s["sd_true"])
            assert (further / 200, closer / 200, at_failure / 200) == (
                s["share_further"], s["share_closer"], s["share_at_failure"])
            assert sum(counts) == 200 and counts[0] > 0 and counts[-1] > 0
            _x, means, _sds = s["curve"]
            assert [row[i][2] for row in grid] == pytest.approx(list(means), abs=1e-12)


def test_how_close_view_matches_python(how_page):
    reference, view, errors = how_page
    for reported in range(7):
        for bias in (0, 0.01, 0.17, 0.5, 0.95, 1.42, 1.73, 1.99, 2):
            assert reference.update(reported_rir=reported, bias=bias) is not None
            shown = view.set(reported_rir=reported, bias=bias)
            assert shown == text_of(reference.readout), (reported, bias)
    assert errors == []


def test_how_close_view_is_labelled_simulated(how_page):
    _, view, errors = how_page
    view.set(reported_rir=2, bias=0.95)
    assert "simulated sets, not data" in figure_text(view)
    assert "teaching simulation \u2014 bias from Halperin 2022, spread assumed" in view.sentence()
    assert "Simulated, not data: bias 0.95 reps" in extra(view)
    view.set(bias=1.73)
    assert "Simulated, not data: bias 1.73 reps" in extra(view)
    view.set(reported_rir=0, bias=0)  # more than half the sets at 0 RIR: the bar is cut
    assert "(bar cut)" in figure_text(view)
    assert errors == []


def test_how_close_controls_move_by_keyboard(how_page):
    _, view, errors = how_page
    view.set(reported_rir=2, bias=0.95)
    sliders = view.locator("input[type=range]")
    for index, name, key, expected in [(0, "reported_rir", "ArrowRight", 3),
                                       (1, "bias", "ArrowRight", 0.96),
                                       (1, "bias", "ArrowLeft", 0.95),
                                       (0, "reported_rir", "ArrowLeft", 2)]:
        before = (view.sentence(), view.figure())
        sliders.nth(index).focus()
        view.page.keyboard.press(key)
        assert view.params()[name] == expected
        assert view.sentence() != before[0] and view.figure() != before[1], name
    assert errors == []


def test_how_close_takes_the_ends_of_halperins_ci_by_typing(how_page):
    """Try this, step 5 of notebook 3.1: the bias at 0.17 and at 1.73 reps."""
    reference, view, errors = how_page
    view.set(reported_rir=2, bias=0.95)
    box = view.locator("input.fl-box").nth(1)
    for typed in ("0.17", "1.73"):
        box.fill(typed)
        assert view.message() == "" and view.params()["bias"] == float(typed)
        reference.update(reported_rir=2, bias=float(typed))
        assert view.sentence() == text_of(reference.readout)
    assert errors == []


@pytest.mark.parametrize("index, typed, words", [
    (0, "7", ["Reported RIR", "between 0 and 6"]), (0, "2.5", ["Reported RIR", "steps of 1"]),
    (1, "0.173", ["Bias (reps under-predicted)", "steps of 0.01"]),
    (1, "2.5", ["Bias (reps under-predicted)", "between 0.00 and 2.00"]),
    (1, "", ["Bias (reps under-predicted)", "type a number"]),
])
def test_how_close_box_refuses_bad_input_and_keeps_the_figure(how_page, index, typed, words):
    _, view, errors = how_page
    view.set(reported_rir=3, bias=0.95)
    assert_box_refuses(view, view.locator("input.fl-box").nth(index), typed, words)
    view.locator("input.fl-box").nth(index).fill("0.95" if index else "3")
    assert view.message() == ""
    assert errors == []


def test_how_close_refuses_a_bias_off_its_steps_in_python():
    ex = HowCloseExplorer()
    assert ex.update(bias=0.173) is None and "steps of 0.01" in ex.error
    assert ex.update(bias=0.17) is not None


def test_how_close_view_is_small():
    assert len(HowCloseExplorer().html()) < PAGE_BUDGET


# -- 3.2 set planner ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def plan_page(browser, tmp_path_factory):
    explorer = SetPlannerExplorer()
    with explorer_page(browser, [explorer], tmp_path_factory.mktemp("plan")) as (_page, views, errors):
        yield explorer, views[0], errors


def test_the_misjudgement_is_halperins_bias():
    h22 = data.load("rir_accuracy").set_index("fact_id").loc["halperin2022-underprediction"]
    assert RIR_MISJUDGEMENT == PUBLISHED_BIAS == h22.value
    assert practice.simulate_rir_error(2, n=2, seed=0).parameters["bias"] == PUBLISHED_BIAS


def test_set_plan_state_misjudgement_band():
    s = set_plan_state(75, 2)  # 10 reps to failure (Epley, Brzycki), 10.44 (modified Epley)
    assert s["misjudged"] == {"Epley": (7, 8), "Brzycki": (7, 8), "Modified Epley": (7, 9)}
    assert s["misjudged_range"] == (7, 9)
    for load in PLAN_LOADS:
        for rir in range(6):
            s = set_plan_state(load, rir)
            for name, r in s["to_failure"].items():
                band, plan = s["misjudged"][name], s["planned"][name]
                if plan is None:
                    assert band is None
                    continue
                assert 1 <= band[0] <= plan <= band[1] <= math.floor(r + 1e-9)  # never past failure
                assert band[0] == max(1, math.floor(r - rir - RIR_MISJUDGEMENT + 1e-9))
    assert set_plan_state(75, 0)["misjudged_range"] == (9, 10)  # 0 RIR: nothing past failure
    assert set_plan_state(95, 3)["misjudged_range"] is None


def test_set_planner_card_says_the_plan_in_big_numbers():
    ex = SetPlannerExplorer()
    text = text_of(ex.card(ex.state))
    assert text.startswith("Plan 8 reps(7\u20139 if your RIR judgement is off by the typical "
                           "amount)")
    assert "0.95 reps either way" in text and "Halperin et al. 2022" in text
    ex.update(load=95, target_rir=1)
    assert text_of(ex.card(ex.state)).startswith("Plan 1 rep(1\u20132 if")
    ex.update(load=50, target_rir=2)
    assert "a range because the formulas disagree" in ex.card(ex.state)
    ex.update(load=95, target_rir=3)
    assert text_of(ex.card(ex.state)).startswith("No planNo plan: at 95 % 1RM")


def test_set_planner_view_matches_python(plan_page):
    reference, view, errors = plan_page
    for load in PLAN_LOADS:
        for rir in range(6):
            assert reference.update(load=load, target_rir=rir) is not None
            assert view.set(load=load, target_rir=rir) == text_of(reference.readout), (load, rir)
            assert extra(view) == text_of(reference.card(reference.state)), (load, rir)
    assert errors == []


def test_set_planner_figure_shows_the_plan_and_the_band(plan_page):
    _, view, errors = plan_page
    view.set(load=75, target_rir=2)
    figure, text = view.figure(), figure_text(view)
    assert "Epley: 8 reps, 2.0 left" in text and "if RIR misjudged \u00b10.95" in text
    assert "Ch.-1 model (teaching)" in text
    view.set(load=95, target_rir=3)
    assert figure != view.figure() and "Brzycki: no plan (2.8 to failure)" in figure_text(view)
    assert "No plan" in extra(view)
    assert errors == []


def test_set_planner_controls_move_by_keyboard(plan_page):
    _, view, errors = plan_page
    view.set(load=75, target_rir=2)
    sliders = view.locator("input[type=range]")
    for index, name, key, expected in [(0, "load", "ArrowRight", 80),
                                       (1, "target_rir", "ArrowRight", 3),
                                       (1, "target_rir", "ArrowLeft", 2),
                                       (0, "load", "ArrowLeft", 75)]:
        before = (view.sentence(), view.figure(), extra(view))
        sliders.nth(index).focus()
        view.page.keyboard.press(key)
        assert view.params()[name] == expected
        assert view.sentence() != before[0] and view.figure() != before[1], name
        assert extra(view) != before[2], name
    assert errors == []


@pytest.mark.parametrize("index, typed, words", [
    (0, "42", ["Load (% 1RM)", "steps of 5"]), (0, "100", ["Load (% 1RM)", "between 40 and 95"]),
    (0, "x", ["Load (% 1RM)", "type a number"]), (1, "6", ["Target RIR", "between 0 and 5"]),
    (1, "1.5", ["Target RIR", "steps of 1"]),
])
def test_set_planner_box_refuses_bad_input_and_keeps_the_figure(plan_page, index, typed, words):
    _, view, errors = plan_page
    view.set(load=70, target_rir=1)
    before = extra(view)
    assert_box_refuses(view, view.locator("input.fl-box").nth(index), typed, words)
    assert extra(view) == before
    view.locator("input.fl-box").nth(index).fill("1" if index else "70")
    assert view.message() == ""
    assert errors == []


def test_set_planner_refuses_a_load_it_does_not_offer_in_python():
    ex = SetPlannerExplorer(warm=False)
    assert ex.update(load=42) is None and "one of the loads this explorer offers" in ex.error
    assert ex.update(load=45) is not None


def test_set_planner_works_as_a_phone_calculator(browser, tmp_path_factory):
    """At 390 px: the big plan fits the screen, nothing scrolls sideways, the panels stack."""
    phone = VIEWPORTS["phone"]
    explorer = SetPlannerExplorer(load=80, target_rir=2)
    with explorer_page(browser, [explorer], tmp_path_factory.mktemp("phone"),
                       viewport=phone) as (page, views, errors):
        view = views[0]
        big = view.locator(".fl-extra div").first
        assert big.inner_text() == "Plan 5\u20136 reps"  # the formulas give 5 and 6
        box = big.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= phone["width"]
        assert box["y"] + box["height"] <= phone["height"]  # on the first screen, above the figure
        assert box["y"] < view.locator(".fl-figure").bounding_box()["y"]
        assert float(big.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")) >= 28
        assert page.evaluate("document.documentElement.scrollWidth") <= phone["width"]
        svg = view.locator(".fl-figure svg")
        assert float(svg.get_attribute("width")) <= phone["width"]
        assert float(svg.get_attribute("height")) > 400  # two panels, one above the other
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "set_planner_phone.png"), full_page=True)
        assert errors == []


def test_set_planner_view_is_small():
    assert len(SetPlannerExplorer(warm=False).html()) < PAGE_BUDGET
