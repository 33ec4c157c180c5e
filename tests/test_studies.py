"""failurelab.studies: simulated power vs statsmodels, the attenuation formulas, k = 2 pooling."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.power import TTestIndPower

from failurelab import effect_sizes as es
from failurelab import meta
from failurelab import studies as st


def statsmodels_power(d, n, alpha=0.05):
    return float(TTestIndPower().power(effect_size=d, nobs1=n, alpha=alpha, ratio=1.0,
                                       alternative="two-sided"))


@pytest.mark.parametrize("n, true_d, reliability", [
    (10, 0.5, 1.0), (15, 0.8, 1.0), (20, 0.2, 1.0), (15, 0.8, 0.5), (12, 1.2, 0.7),
    (20, 0.0, 0.9), (40, -0.6, 0.8)])
def test_simulated_power_agrees_with_statsmodels(n, true_d, reliability):
    sim = st.simulate_studies(n, true_d, reliability, replications=4000, seed=11)
    observed = true_d * math.sqrt(reliability)
    expected = statsmodels_power(observed, n)
    mc_se = math.sqrt(expected * (1 - expected) / sim.replications)
    assert abs(sim.power - expected) <= 3 * mc_se
    assert sim.analytic_power == pytest.approx(expected, rel=1e-9)
    assert sim.power_mc_se == pytest.approx(mc_se)


def test_published_power_values_of_models_md():
    # computed with statsmodels 0.15: power for d = 0.5 at n = 10 / 15 / 20
    for n, published in ((10, 0.185), (15, 0.262), (20, 0.338)):
        sim = st.simulate_studies(n, 0.5, 1.0, replications=4000, seed=5)
        assert sim.analytic_power == pytest.approx(published, abs=5e-4)
        assert abs(sim.power - published) <= 3 * math.sqrt(published * (1 - published) / 4000)


def test_each_simulated_study_is_analysed_like_a_real_one():
    """g, CI and p of the cached fast path equal scipy's t-test and failurelab's smd on the raw
    synthetic data of the same seed."""
    n, d, rel = 12, 0.6, 0.7
    sim = st.simulate_studies(n, d, rel, replications=50, seed=4)
    failure, control = st.simulate_measurements(n, d, rel, replications=50, seed=4)
    for r in (0, 17, 49):
        ref = es.smd(failure[r].mean(), failure[r].std(ddof=1), n, control[r].mean(),
                     control[r].std(ddof=1), n)
        assert sim.g[r] == pytest.approx(ref.g, rel=1e-10)
        assert (sim.ci_low[r], sim.ci_high[r]) == pytest.approx((ref.ci_low, ref.ci_high),
                                                                rel=1e-10)
        assert sim.p[r] == pytest.approx(stats.ttest_ind(failure[r], control[r]).pvalue,
                                         rel=1e-8)


def test_attenuation_formulas():
    assert st.attenuated_d(0.5, 0.64) == pytest.approx(0.4)
    assert st.attenuated_d(-0.3, 1.0) == pytest.approx(-0.3)
    assert st.reliability_from_sds(1.0, 1.0) == pytest.approx(0.5)
    assert st.reliability_from_sds(3.0, 4.0) == pytest.approx(9 / 25)  # 1 - error var / total
    for r in (0.3, 0.64, 0.9, 1.0):
        assert st.reliability_from_sds(1.0, st.error_sd_for(r)) == pytest.approx(r)
    # the n needed for 80 % power grows by about 1 / reliability (normal approximation)
    n_true = es.n_per_group(0.5)
    for r in (0.5, 0.8):
        n_measured = es.n_per_group(st.attenuated_d(0.5, r))
        assert abs(n_measured - n_true / r) <= 2


def test_attenuation_holds_in_the_simulated_data():
    """Measured changes: SD grows by 1 / sqrt(reliability), the raw difference does not change,
    and the average g is the attenuated d (within Monte-Carlo error)."""
    d, rel, n = 0.8, 0.6, 2000
    failure, control = st.simulate_measurements(n, d, rel, replications=3, seed=8)
    sd = np.sqrt((failure.var(1, ddof=1) + control.var(1, ddof=1)) / 2)
    assert np.all(np.abs(sd - 1 / math.sqrt(rel)) < 0.05)
    assert np.all(np.abs(failure.mean(1) - control.mean(1) - d) < 4 * math.sqrt(2 / rel / n))
    sim = st.simulate_studies(15, d, rel, replications=4000, seed=9)
    mc_se = sim.g.std(ddof=1) / math.sqrt(sim.replications)
    assert abs(sim.g.mean() - d * math.sqrt(rel)) < 3 * mc_se  # g is (nearly) unbiased
    assert abs(sim.g.mean() - d) > 10 * mc_se  # ... for the attenuated d, not the true one
    cover = sim.coverage(sim.observed_d)
    assert abs(cover - 0.95) < 3 * math.sqrt(0.95 * 0.05 / sim.replications) + 0.01
    assert sim.coverage(d) < cover


def test_change_reliability_teaching_assumption():
    assert st.change_reliability(8, 0.5) == pytest.approx(0.8)  # 1 / (1 + 0.25)
    assert st.change_reliability(16, 0.5) == pytest.approx(4 / 4.25)
    assert st.change_reliability(4, 0.5) == pytest.approx(0.25 / 0.5)
    assert st.change_reliability(6, 0.0) == 1.0
    weeks = [4, 6, 8, 10, 12]
    values = [st.change_reliability(w, 0.7) for w in weeks]
    assert values == sorted(values) and len(set(values)) == len(values)


def test_seeds_and_cache():
    a = st.simulate_studies(10, 0.5, 0.8, replications=200, seed=3)
    b = st.simulate_studies(10, 0.5, 0.8, replications=200, seed=3)
    c = st.simulate_studies(10, 0.5, 0.8, replications=200, seed=4)
    assert np.array_equal(a.g, b.g) and not np.array_equal(a.g, c.g)
    mean, var, cov = st._draws(10, 200, 3)
    assert not (mean.flags.writeable or var.flags.writeable or cov.flags.writeable)
    # changing the effect only shifts the same synthetic people
    e = st.simulate_studies(10, 0.9, 0.8, replications=200, seed=3)
    assert np.all(e.g > a.g)


def test_two_studies_pooled_with_failurelab_meta():
    yi, vi, theta = st.synthetic_study_pair(0.2, 0.1, 15, seed=6)
    assert len(yi) == len(vi) == len(theta) == 2
    z = meta.pool(yi, vi, method="REML", test="z")
    hk = meta.pool(yi, vi, method="REML", test="knha")
    assert z.estimate == pytest.approx(hk.estimate)
    # Hartung-Knapp with k = 2: t with 1 df (12.71) on a rescaled variance
    w = 1 / (np.asarray(vi) + hk.tau2)
    scale = np.sum(w * (yi - hk.estimate) ** 2) / (2 - 1)
    assert hk.se == pytest.approx(math.sqrt(scale / w.sum()))
    assert (hk.ci_high - hk.estimate) == pytest.approx(stats.t.isf(0.025, 1) * hk.se)
    assert stats.t.isf(0.025, 1) == pytest.approx(12.706, abs=1e-3)


def test_two_study_coverage_z_too_narrow_hartung_knapp_honest():
    cov = st.two_study_coverage(0.2, 0.5, 15, replications=400, seed=2)
    assert cov.k == 2 and cov.replications == 400
    mc = 3 * math.sqrt(0.95 * 0.05 / 400)
    assert cov.coverage_z < 0.95 - mc  # normal-theory CI too narrow with real heterogeneity
    assert cov.coverage_knha >= 0.95 - mc
    assert cov.median_width_knha > 4 * cov.median_width_z
    again = st.two_study_coverage(0.2, 0.5, 15, replications=400, seed=2)
    assert again == cov


@pytest.mark.parametrize("call, word", [
    (lambda: st.simulate_studies(1, 0.5), "n"),
    (lambda: st.simulate_studies(2.5, 0.5), "n"),
    (lambda: st.simulate_studies(10, "0.5"), "true_d"),
    (lambda: st.simulate_studies(10, float("nan")), "true_d"),
    (lambda: st.simulate_studies(10, 0.5, reliability=0), "reliability"),
    (lambda: st.simulate_studies(10, 0.5, reliability=1.2), "reliability"),
    (lambda: st.simulate_studies(10, 0.5, replications=5), "replications"),
    (lambda: st.simulate_studies(10, 0.5, seed=-1), "seed"),
    (lambda: st.simulate_studies(10, 0.5, alpha=0), "alpha"),
    (lambda: st.attenuated_d(0.5, -0.1), "reliability"),
    (lambda: st.attenuated_d(None, 0.8), "true_d"),
    (lambda: st.reliability_from_sds(0, 1), "true_sd"),
    (lambda: st.reliability_from_sds(1, -1), "error_sd"),
    (lambda: st.change_reliability(0, 0.5), "weeks"),
    (lambda: st.change_reliability(8, -0.5), "error_ratio"),
    (lambda: st.two_study_coverage(tau=-0.1), "tau"),
    (lambda: st.two_study_coverage(k=1), "k"),
    (lambda: st.two_study_coverage(method="XX"), "method"),
])
def test_bad_input_is_refused_with_a_message(call, word):
    with pytest.raises(ValueError, match=word):
        call()


@pytest.mark.parametrize("call, word", [
    (lambda: st.simulate_studies(True, 0.2), "n must be a whole number"),
    (lambda: st.attenuated_d("0.5", 0.8), "true_d must be a standardized mean difference"),
    (lambda: st.change_reliability(10**400, 0.5), "weeks must be .*, got an integer with about"),
    (lambda: st.two_study_coverage(method=None), "method must be one of"),
])
def test_booleans_strings_and_huge_numbers_are_refused(call, word):
    with pytest.raises(ValueError, match=word):
        call()
