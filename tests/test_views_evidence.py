"""Chapter 2 explorers in the browser: each view agrees with its Python reference, responds to
every control with no kernel, refuses bad input without losing its figure, and its new
capabilities (the guess-the-d game, studies run in the browser, pooling in JS) are checked
against Python on fixed inputs."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from helpers import explorer_page, text_of
from scipy import stats

from failurelab import effect_sizes as es
from failurelab import meta
from failurelab.widgets import CIExplorer, EffectSizeExplorer, MetaExplorer
from failurelab.widgets.evidence import N_GRID

BLUE, VERMILLION = "#0072B2", "#D55E00"
# a Lehmer generator in place of Math.random, so that Python can replay the browser's draws
STUB_RANDOM = """(el, seed) => { let s = seed;
  Math.random = () => { s = (s * 48271) % 2147483647; return s / 2147483647; }; }"""


def lehmer(seed):
    s = seed
    while True:
        s = (s * 48271) % 2147483647
        yield s / 2147483647


def shown(view, settings):
    """The sentence the view shows after each of ``settings`` (set one after the other)."""
    return view.locator().evaluate(
        "(el, all) => all.map((p) => el.failurelab.set(p) ? el.failurelab.sentence() : null)",
        settings)


def maths(view, expression, arg=None):
    """Evaluate ``expression`` with ``m`` = the view's statistics (el.failurelabMaths)."""
    return view.locator().evaluate(f"(el, arg) => {{ const m = el.failurelabMaths; return {expression}; }}",
                                   arg)


def assert_agrees(reference, view, settings):
    texts = shown(view, settings)
    for params, text in zip(settings, texts, strict=True):
        assert reference.update(**params) is not None, params
        assert text == text_of(reference.readout), params


def without_ids(svg):
    return re.sub(r"fl-clip-\d+", "", svg)


def click(view, name):
    view.locator(f'.fl-control[data-name="{name}"] button').click()


def extra(view):
    return view.locator(".fl-extra").inner_text()


def figure_texts(view):
    return view.locator(".fl-figure svg text").all_text_contents()


def refuses_typed(view, control, typed, words, keep):
    """A bad value typed in a number box: "Not shown", the figure and sentence kept."""
    view.set(**keep)
    before = (view.sentence(), view.figure())
    box = view.locator(f'.fl-control[data-name="{control}"] input.fl-box')
    box.fill(typed)
    label = view.locator(f'.fl-control[data-name="{control}"] label').first.inner_text()
    assert view.message().startswith(f"Not shown: {label}") and words in view.message()
    assert (view.sentence(), view.figure()) == before
    assert view.params()[control] == keep[control]


@pytest.fixture(scope="module")
def effect_page(browser, tmp_path_factory):
    explorer = EffectSizeExplorer()
    with explorer_page(browser, [explorer], tmp_path_factory.mktemp("effect")) as (_p, views, errors):
        yield explorer, views[0], errors


@pytest.fixture(scope="module")
def ci_page(browser, tmp_path_factory):
    explorer = CIExplorer()
    with explorer_page(browser, [explorer], tmp_path_factory.mktemp("ci")) as (_p, views, errors):
        yield explorer, views[0], errors


@pytest.fixture(scope="module")
def meta_page(browser, tmp_path_factory):
    explorer = MetaExplorer()
    with explorer_page(browser, [explorer], tmp_path_factory.mktemp("meta")) as (_p, views, errors):
        yield explorer, views[0], errors


# -- 2.1 effect sizes -------------------------------------------------------------------------

D_STEPS = [round(-1 + 0.05 * i, 2) for i in range(61)]


@pytest.mark.parametrize("sds", [(2.0, 10.0), (0.1, 0.5), (100.0, 1000.0), (3.3, 12.5)])
def test_effect_size_view_matches_python(effect_page, sds):
    reference, view, errors = effect_page
    settings = [dict(d=d, cer=cer, sd_thickness=sds[0], sd_1rm=sds[1])
                for cer in (1, 7, 20, 50, 99) for d in D_STEPS]
    assert_agrees(reference, view, settings)
    assert errors == []


def test_effect_size_normal_distribution_matches_scipy(effect_page):
    _, view, errors = effect_page
    x = np.concatenate([np.linspace(-12, 12, 4801), [-38.5, -8.2, 8.2, 0.0]])
    cdf = np.array(maths(view, "arg.map(m.normalCdf)", x.tolist()))
    assert np.abs(cdf - stats.norm.cdf(x)).max() < 1e-15
    low = (x < -3) & (x > -37)
    assert (np.abs(cdf[low] - stats.norm.cdf(x[low])) / stats.norm.cdf(x[low])).max() < 1e-10
    p = np.concatenate([np.arange(1, 100) / 100, [1e-10, 1e-4, 0.5, 0.999]])
    quantile = np.array(maths(view, "arg.map(m.normalQuantile)", p.tolist()))
    assert np.abs(quantile - stats.norm.ppf(p)).max() < 1e-12
    # NNT as the browser computes it, against failurelab.effect_sizes.nnt (Furukawa & Leucht)
    pairs = [(d, cer) for d in (-1, -0.35, 0.05, 0.8, 2) for cer in (0.01, 0.2, 0.5, 0.99)]
    nnt = maths(view, "arg.map(([d, c]) => 1 / (m.normalCdf(d + m.normalQuantile(c)) - c))", pairs)
    assert nnt == pytest.approx([es.nnt(d, cer) for d, cer in pairs], rel=1e-11)
    assert errors == []


def test_effect_size_controls_move_by_keyboard_and_typing(effect_page):
    reference, view, errors = effect_page
    view.set(d=0.15, cer=50, sd_thickness=2.0, sd_1rm=10.0)
    for control, key, expected in [("d", "ArrowRight", 0.2), ("cer", "ArrowLeft", 49)]:
        before = (view.sentence(), view.figure())
        view.locator(f'.fl-control[data-name="{control}"] input[type=range]').focus()
        view.page.keyboard.press(key)
        assert view.params()[control] == expected
        assert view.sentence() != before[0] and view.figure() != before[1], control
    assert "If 49\u00a0% of the non-failure group count as responders" in view.sentence()
    for control, typed in [("sd_thickness", "4"), ("sd_1rm", "20")]:
        before = (view.sentence(), view.figure())
        view.locator(f'.fl-control[data-name="{control}"] input.fl-box').fill(typed)
        assert view.params()[control] == float(typed)
        assert view.sentence() != before[0] and view.figure() != before[1], control
    assert reference.update(**view.params()) is not None
    assert view.sentence() == text_of(reference.readout)
    assert "your SDs" in view.sentence() and "+0.80 mm" in view.sentence()
    assert errors == []


@pytest.mark.parametrize("control, typed, words", [
    ("d", "2.5", "between \u22121.00 and 2.00"), ("d", "abc", "type a number"),
    ("d", "0.12", "steps of 0.05"), ("sd_thickness", "0", "between 0.1 and 100.0"),
    ("sd_1rm", "-5", "between 0.5 and 1000.0"), ("cer", "50.5", "steps of 1"),
    ("cer", "100", "between 1 and 99"), ("guess", "3", "between \u22121.00 and 2.00")])
def test_effect_size_box_refuses_bad_input(effect_page, control, typed, words):
    _, view, _ = effect_page
    refuses_typed(view, control, typed, words,
                  dict(d=0.4, cer=20, sd_thickness=2.0, sd_1rm=10.0, guess=0.5))


def test_effect_size_guessing_game(effect_page):
    """A right and a wrong guess give the expected feedback; the score accumulates; the
    figure hides d while a round is open."""
    reference, view, errors = effect_page
    view.set(d=0.15, cer=50, sd_thickness=2.0, sd_1rm=10.0)
    view.locator().evaluate(STUB_RANDOM, 7)
    draws = lehmer(7)
    target = round(next(draws) * 40) / 20  # the view's 0 to 2 in steps of 0.05
    click(view, "new_d")
    assert view.sentence().startswith("Guess the d")
    assert not any(re.search(r"\d", t) for t in figure_texts(view)), "no number gives d away"
    assert "Guess the d:" in extra(view)
    view.set(guess=target)
    click(view, "check")
    assert f"Spot on: the true d was {target:.2f}, and you guessed {target:.2f}." in extra(view)
    assert "Score: 1 of 1 guess within 0.10" in extra(view)
    assert view.params()["d"] == target  # revealed: the d control, figure and sentence
    assert float(view.locator('.fl-control[data-name="d"] input.fl-box').input_value()) == target
    assert reference.update(**view.params()) is not None
    assert view.sentence() == text_of(reference.readout)
    assert "Your guess" in view.figure()

    [next(draws) for _ in range(2)]  # the round's SD scale and position
    click(view, "new_d")
    second = round(next(draws) * 40) / 20
    wrong = round(second + 0.75, 2) if second <= 1.25 else round(second - 0.75, 2)
    view.set(guess=wrong)
    click(view, "check")
    words = "high" if wrong > second else "low"
    assert (f"The true d was {second:.2f}; your guess, {wrong:.2f}, was 0.75 too {words}."
            in extra(view))
    assert "Score: 1 of 2 guesses within 0.10 of the true d (mean miss 0.38)." in extra(view)

    click(view, "new_d")  # moving d during a round ends it, unscored
    view.set(d=0.35 if view.params()["d"] != 0.35 else 0.4)
    assert "Round over, not scored: you moved d" in extra(view)
    assert "1 of 2 guesses" in extra(view)
    click(view, "check")  # no round open
    assert "first" in extra(view) and "1 of 2 guesses" in extra(view)
    assert errors == []


# -- 2.2 CIs and power ----------------------------------------------------------------------

CI_D = [round(-0.5 + 0.05 * i, 2) for i in range(41)]


@pytest.mark.parametrize("sweep", ["every d", "every n"])
def test_ci_view_matches_python(ci_page, sweep):
    reference, view, errors = ci_page
    if sweep == "every d":
        settings = [dict(d=d, n=n) for n in (5, 6, 15, 50, 199, 200) for d in CI_D]
    else:
        settings = [dict(d=d, n=n) for d in (-0.5, 0.0, 0.15, 1.5) for n in range(5, 201)]
    assert_agrees(reference, view, settings)
    assert errors == []


def test_ci_statistics_match_python_on_fixed_inputs(ci_page):
    reference, view, errors = ci_page
    for d, n in [(0.15, 15), (-0.5, 5), (1.5, 200), (0.0, 37)]:
        studies = maths(view, "m.seededStudies(arg[0], arg[1])", [d, n])
        s = reference.compute(d=d, n=n)
        assert [x["g"] for x in studies] == pytest.approx(s["estimates"], rel=1e-12, abs=1e-14)
        assert [b for x in studies for b in (x["lo"], x["hi"])] == pytest.approx(
            s["cis"].ravel(), abs=1e-12)
    # power of the t-test (noncentral t by quadrature) against statsmodels, every d and n shown
    pairs = [(d, int(n)) for d in CI_D for n in [*range(5, 201, 3), *N_GRID]]
    power = np.array(maths(view, "arg.map(([d, n]) => m.power(d, n))", pairs))
    assert np.abs(power - np.array([es.power(d, n) for d, n in pairs])).max() < 1e-12
    # the t interval of a study run in the browser, against scipy
    a, b = [0.3, 1.2, -0.4, 0.8, 2.1], [0.1, -0.9, 0.4, -0.2, 0.0, 0.7]
    crit = stats.t.isf(0.025, len(a) + len(b) - 2)
    got = maths(view, "m.tInterval(arg[0], arg[1], arg[2])", [a, b, crit])
    ci = stats.ttest_ind(a, b).confidence_interval(0.95)
    assert (got["lo"], got["hi"]) == pytest.approx((ci.low, ci.high), abs=1e-12)
    assert got["diff"] == pytest.approx(np.mean(a) - np.mean(b))
    assert errors == []


def replay_study(draws, d, n):
    """The browser's runStudy: Box-Muller (cosine half) on its uniforms, failure group first."""
    def normal():
        u1, u2 = 1 - next(draws), next(draws)
        return math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)
    failure = [d + normal() for _ in range(n)]
    control = [normal() for _ in range(n)]
    ci = stats.ttest_ind(failure, control).confidence_interval(0.95)
    return np.mean(failure) - np.mean(control), ci.low, ci.high


def run_counts(view):
    p = view.locator(".fl-runs")
    svg = view.locator(".fl-runs-figure svg g[clip-path]")
    drawn = {colour: svg.locator(f'line[stroke="{colour}"]').count() for colour in (BLUE, VERMILLION)}
    return int(p.get_attribute("data-count")), int(p.get_attribute("data-missed") or 0), drawn


def test_ci_run_another_study_accumulates(ci_page):
    """Clicks add simulated studies; the count, the coverage text and the drawn intervals
    agree; each study is the t interval Python computes from the same draws."""
    reference, view, errors = ci_page
    view.set(d=0.3, n=12)
    reference.update(d=0.3, n=12)
    seeded = view.sentence()
    click(view, "clear")
    assert run_counts(view)[0] == 0 and not view.locator(".fl-runs-figure").count()
    view.locator().evaluate(STUB_RANDOM, 20240101)
    draws = lehmer(20240101)
    expected = []
    for name, count in [("run", 1), ("run", 1), ("run20", 20), ("run", 1)]:
        click(view, name)
        expected += [replay_study(draws, 0.3, 12) for _ in range(count)]
        total, missed, drawn = run_counts(view)
        covers = [lo <= 0.3 <= hi for _, lo, hi in expected]
        assert total == len(expected) and missed == covers.count(False)
        assert drawn == {BLUE: covers.count(True), VERMILLION: covers.count(False)}
        text = extra(view)
        assert (f"{total} {'study' if total == 1 else 'studies'} with 12 people per group; "
                f"{missed} missed the true d = 0.30 and {total - missed} covered it "
                f"({100 * (total - missed) / total:.0f}\u00a0%;") in text
        p = view.locator(".fl-runs")
        last = [float(p.get_attribute(f"data-{k}")) for k in ("diff", "lo", "hi")]
        assert last == pytest.approx(expected[-1], abs=1e-10)
        assert f"Your studies: {missed} of {total} miss the true d" in view.locator(".fl-runs-figure").inner_text()
        assert view.sentence() == seeded == text_of(reference.readout)  # the seeded reference stays
    assert "\u00b1 2.074 (t with 22 df)" in extra(view)
    view.set(n=13)  # another n: the old studies are cleared, and the view says so
    assert "were cleared" in extra(view) and run_counts(view)[0] == 0
    click(view, "run")
    assert run_counts(view)[0] == 1
    click(view, "clear")
    assert run_counts(view)[0] == 0
    assert errors == []


def test_ci_controls_move_by_keyboard(ci_page):
    _, view, errors = ci_page
    view.set(d=0.15, n=15)
    for control, expected in [("d", 0.2), ("n", 16)]:
        before = (view.sentence(), view.figure())
        view.locator(f'.fl-control[data-name="{control}"] input[type=range]').focus()
        view.page.keyboard.press("ArrowRight")
        assert view.params()[control] == expected
        assert view.sentence() != before[0] and view.figure() != before[1], control
    assert "with 16 people per group" in view.sentence()
    before = (view.sentence(), without_ids(view.figure()))
    click(view, "run")  # a study of one's own: drawn under the sentence; the reference stays
    assert "Your studies" in view.locator(".fl-extra").inner_html()
    assert (view.sentence(), without_ids(view.figure())) == before
    click(view, "clear")
    assert errors == []


@pytest.mark.parametrize("control, typed, words", [
    ("n", "201", "between 5 and 200"), ("n", "abc", "type a number"), ("n", "15.5", "steps of 1"),
    ("d", "1.12", "steps of 0.05"), ("d", "-1", "between \u22120.50 and 1.50")])
def test_ci_box_refuses_bad_input(ci_page, control, typed, words):
    _, view, _ = ci_page
    refuses_typed(view, control, typed, words, dict(d=0.5, n=20))


# -- 2.3 pooling ------------------------------------------------------------------------------

METHODS = ("EE", "DL", "REML")


def meta_settings():
    out = [dict(k=k, n=15, true_effect=0.2, tau=0.1, method=m) for m in METHODS for k in range(2, 31)]
    out += [dict(k=k, n=n, true_effect=0.2, tau=0.2, method=m)
            for m in METHODS for k in (7, 30) for n in range(5, 101, 5)]
    out += [dict(k=7, n=15, true_effect=round(-0.5 + 0.05 * i, 2), tau=0.3, method="REML")
            for i in range(31)]
    out += [dict(k=k, n=15, true_effect=0.2, tau=round(0.05 * i, 2), method=m)
            for m in METHODS for k in (2, 7, 30) for i in range(13)]
    rng = np.random.default_rng(23)  # and a sample of the whole space
    out += [dict(k=int(rng.integers(2, 31)), n=int(5 * rng.integers(1, 21)),
                 true_effect=round(-0.5 + 0.05 * int(rng.integers(0, 31)), 2),
                 tau=round(0.05 * int(rng.integers(0, 13)), 2), method=str(rng.choice(METHODS)))
            for _ in range(150)]
    return out


def test_meta_view_matches_python(meta_page):
    reference, view, errors = meta_page
    assert_agrees(reference, view, meta_settings())
    assert errors == []


STUDY_SETS = {
    "three": ([0.1, 0.3, 0.5], [0.04, 0.05, 0.06]),
    "two": ([0.2, 0.9], [0.1, 0.12]),
    "homogeneous": ([0.21, 0.2, 0.19, 0.2], [0.2, 0.25, 0.3, 0.18]),
    "heterogeneous": ([-0.4, 0.1, 0.9, 1.4, 0.2, 0.05, 0.6, -0.1],
                      [0.05, 0.08, 0.1, 0.2, 0.04, 0.3, 0.06, 0.09]),
    "one": ([0.3], [0.05]),
    "unequal": ([0.0, 0.5, 1.0, 0.25, 0.75], [0.001, 0.5, 0.02, 0.3, 0.08]),
}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", list(STUDY_SETS))
def test_meta_js_pooling_matches_failurelab_meta(meta_page, name, method):
    _, view, errors = meta_page
    y, v = STUDY_SETS[name]
    got = maths(view, "m.pool(arg[0], arg[1], arg[2])", [y, v, method])
    ref = meta.pool(y, v, method=method)
    for js, py in [("estimate", "estimate"), ("se", "se"), ("ciLow", "ci_low"), ("ciHigh", "ci_high"),
                   ("tau2", "tau2"), ("I2", "I2"), ("Q", "Q"), ("piLow", "pi_low"),
                   ("piHigh", "pi_high")]:
        assert got[js] == pytest.approx(getattr(ref, py), rel=1e-9, abs=1e-12), (js, name, method)
    assert got["weights"] == pytest.approx(ref.weights, rel=1e-9)
    assert errors == []


def test_meta_controls_move_by_keyboard_and_select(meta_page):
    _, view, errors = meta_page
    view.set(k=7, n=15, true_effect=0.2, tau=0.1, method="REML")
    for control, expected in [("k", 8), ("n", 20), ("true_effect", 0.25), ("tau", 0.15)]:
        before = (view.sentence(), view.figure())
        view.locator(f'.fl-control[data-name="{control}"] input[type=range]').focus()
        view.page.keyboard.press("ArrowRight")
        assert view.params()[control] == expected
        assert view.sentence() != before[0] and view.figure() != before[1], control
    before = (view.sentence(), view.figure())
    view.locator("select").select_option("EE")
    assert view.params()["method"] == "EE" and "equal-effects model" in view.sentence()
    assert view.sentence() != before[0] and view.figure() != before[1]
    assert errors == []


@pytest.mark.parametrize("control, typed, words", [
    ("k", "31", "between 2 and 30"), ("k", "7.5", "steps of 1"), ("n", "17", "steps of 5"),
    ("tau", "0.7", "between 0.00 and 0.60"), ("true_effect", "x", "type a number")])
def test_meta_box_refuses_bad_input(meta_page, control, typed, words):
    _, view, _ = meta_page
    refuses_typed(view, control, typed, words, dict(k=7, n=15, true_effect=0.2, tau=0.1,
                                                    method="REML"))
