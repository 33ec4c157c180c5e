"""Hedges' g, overlap measures, precision and power against published values and statsmodels.

Sources of the reference numbers (each test says which one it uses):
- ref D.1, D.3: reference values computed for the course (D.1: exact J from metafor 5.1-12's
  ``.cmicalc`` in wviechtb/metafor R/misc.func.hidden.escalc.r; D.3: the power and precision
  tables, computed with statsmodels 0.15.0).
- metafor escalc values stored in statsmodels 0.15.0, statsmodels/stats/tests/test_meta.py,
  ``TestEffSmdMeta.test_smd`` ("compare with metafor"; data of Chen & Peace 2013).
- rpsychologist.com/cohend (Magnusson), formulas in rpsychologist/cohend src/App.js @ 55791e3.
"""

import math

import numpy as np
import pytest
from statsmodels.stats.meta_analysis import effectsize_smd

from failurelab import effect_sizes as es


@pytest.mark.parametrize("df, exact, approx", [
    (8, 0.902703, 0.903226), (18, 0.957646, 0.957746),
    (28, 0.972932, 0.972973), (38, 0.980110, 0.980132),
])
def test_correction_factor_exact_and_approximate(df, exact, approx):
    # ref D.1: exact (metafor 5.1-12) vs approximate J, printed to 6 decimals
    assert es.correction_factor(df) == pytest.approx(exact, abs=5e-7)
    assert es.correction_factor(df, "approx") == pytest.approx(approx, abs=5e-7)
    assert es.correction_factor(df, "none") == 1.0


def test_d_equals_one_with_ten_per_group_metafor_and_statsmodels():
    # ref D.1: n1 = n2 = 10, means 1 vs 0, SDs 1 -> metafor (exact J, LS) g = 0.95765,
    # vi = 0.22293; statsmodels effectsize_smd g = 0.95775, vi = 0.22856
    r = es.smd(1, 1, 10, 0, 1, 10)
    assert r.d == pytest.approx(1.0)
    assert r.g == pytest.approx(0.95765, abs=5e-6) and r.yi == r.g
    assert r.vi == pytest.approx(0.22293, abs=5e-6)
    assert r.se == pytest.approx(math.sqrt(r.vi))
    # the statsmodels numbers, recomputed live: same g as our approximate J, a larger vi
    g_sm, vi_sm = effectsize_smd(1, 1, 10, 0, 1, 10)
    assert g_sm == pytest.approx(0.95775, abs=5e-6) and vi_sm == pytest.approx(0.22856, abs=5e-6)
    assert es.smd(1, 1, 10, 0, 1, 10, correction="approx").g == pytest.approx(g_sm, rel=1e-12)


# Chen & Peace (2013) data as in statsmodels' TestEffSmdMeta: m1, sd1, n1, m2, sd2, n2
CHEN_PEACE = [(94, 22, 60, 92, 20, 60), (98, 21, 65, 92, 22, 65), (98, 28, 40, 88, 26, 40),
              (94, 19, 200, 82, 17, 200), (98, 21, 50, 88, 22, 45), (96, 21, 85, 92, 22, 85)]
METAFOR_YI = [0.09452415852032972, 0.27735586626551018, 0.36654442951591998,
              0.66438496832691396, 0.46180628128769841, 0.18516443739910043]
METAFOR_VI_LS = [0.03337056173559990, 0.03106510106366112, 0.05083971761755720,
                 0.01055175923267344, 0.04334466980873156, 0.02363025255552155]
METAFOR_VI_UB = [0.03337176211751222, 0.03107388569950075, 0.05088098670518214,
                 0.01055698026322296, 0.04339077140867459, 0.02363252645927709]


def test_matches_metafor_escalc_to_machine_precision():
    # metafor escalc(measure="SMD") yi and vi (vtype "LS" and "UB") as stored in statsmodels
    # 0.15.0 stats/tests/test_meta.py (TestEffSmdMeta.test_smd)
    for row, yi, ls, ub in zip(CHEN_PEACE, METAFOR_YI, METAFOR_VI_LS, METAFOR_VI_UB):
        assert es.smd(*row).g == pytest.approx(yi, rel=1e-12)
        assert es.smd(*row).vi == pytest.approx(ls, rel=1e-12)
        assert es.smd(*row, vtype="UB").vi == pytest.approx(ub, rel=1e-12)


def test_normand_smd_small_groups_need_the_exact_correction():
    # metafor escalc(measure="SMD") on dat.normand1999 as printed (7 decimals) in van Lissa,
    # "Doing Meta-Analysis in R", cjvanlissa.github.io/Doing-Meta-Analysis-in-R/fixed.html
    # (a third-party print of metafor output). Montreal-Home (n = 8 vs 13) and
    # Orpington-Severe (18 vs 18): the approximate J misses the 5th decimal.
    home = es.smd(14, 8, 8, 18, 11, 13)
    assert home.g == pytest.approx(-0.3839641, abs=5e-8)
    assert home.vi == pytest.approx(0.2054333, abs=5e-8)
    severe = es.smd(66, 20, 18, 137, 48, 18)
    assert severe.g == pytest.approx(-1.8879823, abs=5e-8)
    assert severe.vi == pytest.approx(0.1606177, abs=5e-8)
    assert abs(es.smd(66, 20, 18, 137, 48, 18, correction="approx").g - severe.g) > 1e-5


def test_ls2_variance_is_j_squared_times_the_d_variance():
    # closed form (Borenstein et al. 2009): V(g) = J^2 V(d), V(d) = 1/n1 + 1/n2 + d^2/(2N)
    r = es.smd(103, 5.5, 50, 100, 4.5, 50, vtype="LS2")
    assert r.vi == pytest.approx(r.J**2 * (2 / 50 + r.d**2 / 200), rel=1e-12)


def test_normal_ci_is_g_plus_minus_z_se():
    # closed form: yi -/+ qnorm(0.975) sqrt(vi), as metafor's summary(escalc)
    r = es.smd(1, 1, 10, 0, 1, 10)
    assert (r.ci_low, r.ci_high) == pytest.approx((r.g - 1.959964 * r.se, r.g + 1.959964 * r.se),
                                                  abs=1e-6)
    r90 = es.smd(1, 1, 10, 0, 1, 10, level=0.90)
    assert r90.ci_high - r90.ci_low == pytest.approx(2 * 1.644854 * r.se, abs=1e-6)


def test_exact_ci_inverts_the_noncentral_t():
    # ref D.3: n = 10 per group, d = 0.5 -> exact CI (-0.398, 1.385)
    r = es.smd(0.5, 1, 10, 0, 1, 10, ci="exact")
    assert (r.ci_low, r.ci_high) == pytest.approx((-0.398, 1.385), abs=5e-4)
    assert es.ci_half_width(10, 0.5, exact=True) == pytest.approx((1.385 + 0.398) / 2, abs=1e-3)


@pytest.mark.parametrize("n, hw0, hw05",
                         [(10, 0.877, 0.890), (15, 0.716, 0.727), (20, 0.620, 0.629)])
def test_ci_half_width_table(n, hw0, hw05):
    # ref D.3: approximate 95 % half-width 1.96 sqrt(2/n + d^2/(4n)) at d = 0 and d = 0.5
    assert es.ci_half_width(n) == pytest.approx(hw0, abs=5e-4)
    assert es.ci_half_width(n, d=0.5) == pytest.approx(hw05, abs=5e-4)


@pytest.mark.parametrize("d, n", [(0.15, 699), (0.2, 394), (0.3, 176), (0.5, 64), (0.8, 26)])
def test_n_per_group_table(d, n):
    # ref D.3: statsmodels 0.15.0 TTestIndPower, alpha 0.05, power 0.8, rounded up
    # (Cohen 1988 tables 393 / 64 / 26 for d = .2 / .5 / .8 differ by rounding)
    assert es.n_per_group(d) == n
    assert es.power(d, n) >= 0.8 > es.power(d, n - 1)


@pytest.mark.parametrize("n, pw, d80", [(10, 0.185, 1.325), (15, 0.262, 1.060), (20, 0.338, 0.909)])
def test_power_and_detectable_effect(n, pw, d80):
    # ref D.3: power for d = 0.5 and the smallest d with 80 % power at n per group
    assert es.power(0.5, n) == pytest.approx(pw, abs=5e-4)
    assert es.detectable_d(n) == pytest.approx(d80, abs=5e-4)


def test_overlap_measures_match_rpsychologist_at_d_08():
    # rpsychologist.com/cohend, "A Common Language Explanation" for d = 0.8 with CER 20 %:
    # U3 78.8 %, overlap 68.9 %, probability of superiority 71.4 %, NNT 3.5, 20 + 28.3 per 100
    assert es.cohens_u3(0.8) == pytest.approx(0.788, abs=5e-4)
    assert es.overlap(0.8) == pytest.approx(0.689, abs=5e-4)
    assert es.prob_superiority(0.8) == pytest.approx(0.714, abs=5e-4)
    assert es.nnt(0.8, cer=0.2) == pytest.approx(3.5, abs=0.05)
    assert 100 / es.nnt(0.8) == pytest.approx(28.3, abs=0.05)


def test_overlap_measures_at_zero_and_symmetry():
    # closed forms: no difference -> U3 = CL = 0.5, full overlap, NNT infinite
    assert es.cohens_u3(0) == 0.5 and es.prob_superiority(0) == 0.5 and es.overlap(0) == 1.0
    assert es.nnt(0) == math.inf
    assert es.overlap(-0.5) == es.overlap(0.5)
    assert es.nnt(-0.5) < 0  # a number needed to harm


def test_to_raw_units():
    # closed form: g x SD, e.g. d = 0.8 on an IQ-like scale (SD 15) is 12 points
    assert es.to_raw_units(0.8, 15) == pytest.approx(12.0)
    assert np.isclose(es.to_raw_units(-0.25, 4.0), -1.0)


@pytest.mark.parametrize("call, message", [
    (lambda: es.smd(1, 0, 10, 0, 1, 10), "sd1 must be a number above 0 and at most 1e[+]12, got 0"),
    (lambda: es.smd(1, 1, 1, 0, 1, 10), "n1 must be a whole number of people from 2 to 10,000,000, got 1"),
    (lambda: es.smd(1, 1, 10, 0, 1, 10.5), "n2 must be a whole number"),
    (lambda: es.smd(float("nan"), 1, 10, 0, 1, 10), "m1 must be a number from -1e[+]12 to 1e[+]12, got nan"),
    (lambda: es.smd(1, 1, 10, 0, 1, 10, level=95), "level must be a fraction between 0 and 1"),
    (lambda: es.smd(1, 1, 10, 0, 1, 10, vtype="AV"), "vtype must be one of"),
    (lambda: es.smd(1, 1, 10, 0, 1, 10, correction="hedges"), "correction must be one of"),
    (lambda: es.to_raw_units(0.5, -2), "sd must be a number above 0"),
    (lambda: es.nnt(0.5, cer=20), "control event rate"),
    (lambda: es.n_per_group(0), "d must not be 0"),
    (lambda: es.n_per_group(0.5, power=80), "power must be a fraction between 0 and 1"),
    (lambda: es.power(0.5, 1), "n must be people per group .a number or an array. from 2 to 10,000,000, got 1"),
    (lambda: es.ci_half_width(10, level=1.5), "level must be a fraction between 0 and 1"),
])
def test_bad_input_is_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_power_is_finite_where_scipy_loses_the_far_tail():
    # statsmodels adds the lower tail nct.cdf(-crit), which scipy 1.17 returns as NaN for large
    # noncentrality; the upper tail alone is then the power (compared with 1 - beta ~ 1)
    from failurelab.effect_sizes import power

    for d, n in [(2.0, 50), (1.0, 143), (1.5, 65), (0.5, 585)]:
        p = power(d, n)
        assert 0.9999 < p <= 1.0
    grid = [power(d, n) for d in (0.1, 0.5, 1.0, 2.0) for n in (5, 20, 100, 200)]
    assert all(0 < p <= 1 for p in grid)


def test_se_from_p_recovers_the_unrounded_bound():
    # Refalo et al. 2023 (doi:10.1007/s40279-022-01784-y): ES 0.19 (95 % CI 0.00 to 0.37),
    # p = 0.045 -> se = 0.19 / z(0.9775) = 0.0948; unrounded lower bound 0.004 > 0
    se = es.se_from_p(0.19, 0.045)
    assert se == pytest.approx(0.19 / 2.004654, rel=1e-5)
    assert 0.19 - 1.959964 * se == pytest.approx(0.00423, abs=5e-5)
    with pytest.raises(ValueError, match="p must be a p-value between 0 and 1, got 1.2"):
        es.se_from_p(0.19, 1.2)


def test_ci_verdict_reads_a_bound_printed_as_zero_from_p():
    # the old rule (printed lower bound > 0) called Refalo 2023's interval inconclusive
    assert es.ci_verdict(0.0, 0.37, 0.1) == es.VERDICTS["inconclusive"]
    assert es.ci_verdict(0.0, 0.37, 0.1, estimate=0.19, p=0.045) == es.VERDICTS["nonzero"]
    assert es.excludes_zero(0.0, 0.37, 0.19, 0.045)
    # p > 0.05 with the same printed bound: zero stays compatible
    assert es.ci_verdict(0.0, 0.37, 0.1, estimate=0.19, p=0.06) == es.VERDICTS["inconclusive"]
    # missing p (None or NaN) falls back to the printed bounds
    assert not es.excludes_zero(0.0, 0.37, 0.19, float("nan"))
    assert es.ci_verdict(-0.11, 0.55, 0.1, estimate=0.22, p=0.152) == es.VERDICTS["inconclusive"]
    assert es.ci_verdict(0.12, 0.5, 0.1) == es.VERDICTS["benefit"]
    assert es.ci_verdict(-0.5, -0.2, 0.1) == es.VERDICTS["harm"]
    assert es.ci_verdict(-0.05, 0.08, 0.1) == es.VERDICTS["equivalent"]
    assert es.ci_verdict(-0.57, -0.07, 0.1, estimate=-0.32, p=0.025) == es.VERDICTS["nonzero"]


def test_power_solvers_never_return_a_search_edge():
    assert es.n_per_group(6) == 2  # 2 per group already have the power
    d = es.detectable_d(2, power=0.999)
    assert es.power(d, 2) == pytest.approx(0.999, abs=1e-9)
    assert es.power(es.detectable_d(20), 20) == pytest.approx(0.8, abs=1e-9)
    n = es.n_per_group(0.15)
    assert es.power(0.15, n) >= 0.8 > es.power(0.15, n - 1)


@pytest.mark.parametrize("call, message", [
    (lambda: es.n_per_group(1e-5), "too small: more than 10,000,000 per group"),
    (lambda: es.n_per_group(0.5, power=0.01), "above alpha"),
])
def test_power_solvers_refuse_what_they_cannot_answer(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("call, message", [
    (lambda: es.smd(1, 1, 1e308, 0, 1, 10), "n1 must be a whole number of people from 2 to 10,000,000"),
    (lambda: es.smd(1e308, 2, 10, 8, 2, 10), r"m1 must be a number from -1e\+12 to 1e\+12"),
    (lambda: es.smd(1e12, 1e-300, 10, 0, 1e-300, 10), r"\(m1 - m2\) / pooled SD must be from"),
    (lambda: es.smd(10**400, 2, 10, 8, 2, 10), "m1 .*, got an integer with about 400 digits"),
    (lambda: es.smd(10, 2, "5", 8, 2, 10), "n1 must be a whole number"),
    (lambda: es.smd(10, 2, True, 8, 2, 10), "n1 must be a whole number"),
    (lambda: es.power(True, 10), "d must be an effect size"),
    (lambda: es.power(0.5, 10**400), "n must be people per group"),
    (lambda: es.n_per_group(1e308), r"d must be an effect size \(SMD\) from -100 to 100"),
    (lambda: es.ci_half_width(20, 1e308, exact=True), "d must be an effect size"),
    (lambda: es.excludes_zero(0, 1, "0.2", 0.04), "estimate must be a number"),
])
def test_edge_values_strings_and_booleans_raise_a_value_error_with_the_range(call, message):
    """Never NaN, OverflowError, ZeroDivisionError or a library's own message."""
    with pytest.raises(ValueError, match=message) as info:
        call()
    assert "could not convert" not in str(info.value)


def test_power_is_vectorised_and_equals_the_scalar_values():
    n = np.array([2, 5, 15, 50, 585])
    curve = es.power(0.5, n)
    assert isinstance(curve, np.ndarray) and curve.shape == n.shape
    assert curve.tolist() == [es.power(0.5, int(k)) for k in n]
    d = np.array([-1.0, 0.0, 0.2, 2.0])
    assert es.power(d, 15).tolist() == [es.power(float(x), 15) for x in d]
    assert isinstance(es.power(0.5, 15), float) and 0.99 < es.power(2.0, 50) <= 1
