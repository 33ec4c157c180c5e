"""Pooling against metafor's published output, statsmodels and closed forms.

Where each reference number was found:
- [README] metafor's README.md, "Example" (wviechtb/metafor @ 49fcd48): dat.bcg table, escalc
  measure="RR" yi/vi, ``rma(yi, vi, data=dat, test="knha")`` (REML) output and
  ``pre{res, "transf": exp, "digits": 2}``.
- [REML-z] The same model with test="z" (metafor's default) is not printed in metafor's own
  README; its output (estimate -0.7145, se 0.1798, z -3.9744, CI (-1.0669, -0.3622); confint:
  I^2 92.2214, H^2 12.8558) is a secondary source: metafor's printed output in the RoBMA
  package's vignette "02-bayesian-meta-analysis" (repo FBartos/RoBMA, found via the code index).
  Its tau^2, I^2, H^2 and Q lines are identical to [README].
- [metan] wviechtb/metafor tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r (metafor
  vs Stata's metan): EE and DL results on dat.bcg, measure "RR".
- [confint] wviechtb/metafor tests/testthat/test_misc_confint.r: DL H^2 = 12.6861.
- [DLIT] wviechtb/metafor tests/testthat/test_misc_rma_uni.r: method "DLIT" and "SJIT" give
  tau^2 = 0.3181 on dat.bcg; R/rma.uni.r notes that converged DLIT is the PM estimator (both
  solve Q(tau^2) = k - 1).
- [Kacker] metafor results on Kacker (2004) data (``rma(..., method="PM"/"DL"/"FE", tol=1e-9)``)
  stored in statsmodels 0.15.0 statsmodels/stats/tests/results/results_meta.py
  (exk1_metafor, exk1_dl, exk1_dl_hksj, exk1_fe, exk1_fe_hksj).
- [Normand] Normand (1999, Stat Med 18:321) Table IX, as checked in wviechtb/metafor
  tests/testthat/test_analysis_example_normand1999.r; data dat.normand1999 (same file's MD yi/vi).
"""

import warnings

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

from failurelab.meta import pool, tau2_reml

# dat.bcg [README]: tpos, tneg, cpos, cneg of the 13 BCG trials (Colditz et al. 1994)
BCG = np.array([
    (4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619),
    (33, 5036, 47, 5761), (180, 1361, 372, 1079), (8, 2537, 10, 619), (505, 87886, 499, 87892),
    (29, 7470, 45, 7232), (17, 1699, 65, 1600), (186, 50448, 141, 27197), (5, 2493, 3, 2338),
    (27, 16886, 29, 17825)], dtype=float)


@pytest.fixture(scope="module")
def bcg():
    """Log risk ratios and variances as escalc(measure="RR")."""
    a, b, c, d = BCG.T
    yi = np.log(a / (a + b)) - np.log(c / (c + d))
    vi = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    return yi, vi


def test_bcg_reml_default(bcg):
    # [README] tau^2 0.3132, tau 0.5597, I^2 92.22 %, H^2 12.86, Q(df = 12) = 152.2330;
    # [REML-z] estimate -0.7145, se 0.1798, z -3.9744, CI (-1.0669, -0.3622)
    r = pool(*bcg)
    assert (r.method, r.test, r.k, r.Q_df) == ("REML", "z", 13, 12)
    assert r.estimate == pytest.approx(-0.7145, abs=5e-5)
    assert r.se == pytest.approx(0.1798, abs=5e-5)
    assert r.stat == pytest.approx(-3.9744, abs=5e-5)
    assert (r.ci_low, r.ci_high) == pytest.approx((-1.0669, -0.3622), abs=5e-5)
    assert r.tau2 == pytest.approx(0.3132, abs=5e-5) and r.tau == pytest.approx(0.5597, abs=5e-5)
    assert r.I2 == pytest.approx(92.22, abs=5e-3) and r.H2 == pytest.approx(12.86, abs=5e-3)
    assert r.I2 == pytest.approx(92.2214, abs=5e-5) and r.H2 == pytest.approx(12.8558, abs=5e-5)
    assert r.Q == pytest.approx(152.2330, abs=5e-5) and r.Q_p < 1e-4
    assert sum(r.weights) == pytest.approx(100)


def test_bcg_reml_hartung_knapp_and_prediction_interval(bcg):
    # [README] rma(test="knha"): se 0.1808, t -3.9522, df 12, p 0.0019, CI (-1.1084, -0.3206);
    # predict(transf=exp, digits=2): 0.49 (0.33, 0.73), PI (0.14, 1.76) -- t with 12 df
    r = pool(*bcg, test="knha")
    assert r.estimate == pytest.approx(-0.7145, abs=5e-5)
    assert r.se == pytest.approx(0.1808, abs=5e-5) and r.stat == pytest.approx(-3.9522, abs=5e-5)
    assert r.p_value == pytest.approx(0.0019, abs=5e-5)
    assert (r.ci_low, r.ci_high) == pytest.approx((-1.1084, -0.3206), abs=5e-5)
    rr = np.exp([r.estimate, r.ci_low, r.ci_high, r.pi_low, r.pi_high])
    np.testing.assert_allclose(rr, [0.49, 0.33, 0.73, 0.14, 1.76], atol=5e-3)


def test_adhoc_hartung_knapp_truncates_the_scale_at_one(bcg):
    # metafor test="adhoc" (R/rma.uni.r: s2w[s2w < 1] <- 1; Röver et al. 2015,
    # doi:10.1186/s12874-015-0091-1). BCG: the HK scale is above 1, so adhoc = knha
    knha, adhoc = pool(*bcg, test="knha"), pool(*bcg, test="adhoc")
    assert adhoc.se == pytest.approx(knha.se) and adhoc.ci_low == pytest.approx(knha.ci_low)
    # two studies that nearly agree: HK shrinks the se below the z one, adhoc does not
    y, v = [0.20, 0.21], [0.05, 0.06]
    z, hk, ah = (pool(y, v, test=t) for t in ("z", "knha", "adhoc"))
    assert hk.se < z.se and ah.se == pytest.approx(z.se)
    t1 = stats.t.isf(0.025, 1)
    assert ah.ci_high - ah.ci_low == pytest.approx(2 * t1 * z.se)
    assert ah.ci_high - ah.ci_low > z.ci_high - z.ci_low > hk.ci_high - hk.ci_low
    assert ah.test == "adhoc"
    with pytest.warns(UserWarning, match="at least 2 studies"):
        assert pool([0.5], [0.04], test="adhoc").test == "z"


def test_bcg_equal_effects(bcg):
    # [metan] EE: -0.4303 (-0.5097, -0.3509), z -10.6247, QE 152.2330; exp: 0.6503 (0.6007, 0.7040)
    r = pool(*bcg, method="EE")
    assert r.tau2 == 0
    assert r.estimate == pytest.approx(-0.4303, abs=5e-5)
    assert (r.ci_low, r.ci_high) == pytest.approx((-0.5097, -0.3509), abs=5e-5)
    assert r.stat == pytest.approx(-10.6247, abs=5e-5) and r.Q == pytest.approx(152.2330, abs=5e-5)
    np.testing.assert_allclose(np.exp([r.estimate, r.ci_low, r.ci_high]), [0.6503, 0.6007, 0.7040],
                               atol=5e-5)
    assert (r.pi_low, r.pi_high) == (r.ci_low, r.ci_high)  # tau^2 = 0: PI = CI


def test_bcg_dersimonian_laird(bcg):
    # [metan] DL: -0.7141 (-1.0644, -0.3638), z -3.9952, tau^2 0.3088, I^2 92.1173;
    # exp: 0.4896 (0.3449, 0.6950); [confint] H^2 12.6861
    r = pool(*bcg, method="DL")
    assert r.estimate == pytest.approx(-0.7141, abs=5e-5)
    assert (r.ci_low, r.ci_high) == pytest.approx((-1.0644, -0.3638), abs=5e-5)
    assert r.stat == pytest.approx(-3.9952, abs=5e-5) and r.tau2 == pytest.approx(0.3088, abs=5e-5)
    assert r.I2 == pytest.approx(92.1173, abs=5e-5) and r.H2 == pytest.approx(12.6861, abs=5e-5)
    np.testing.assert_allclose(np.exp([r.estimate, r.ci_low, r.ci_high]), [0.4896, 0.3449, 0.6950],
                               atol=5e-5)


def test_bcg_paule_mandel_solves_q_equals_k_minus_1(bcg):
    # [DLIT] tau^2 = 0.3181; at the PM solution the Hartung-Knapp scale is exactly 1,
    # so test="knha" keeps the same se (closed form)
    r = pool(*bcg, method="PM")
    assert r.tau2 == pytest.approx(0.3181, abs=5e-5)
    assert pool(*bcg, method="PM", test="knha").se == pytest.approx(r.se, rel=1e-9)


def test_against_statsmodels_combine_effects(bcg):
    # statsmodels 0.15.0 combine_effects: random-effects mean and se (DL and PM), and its
    # HKSJ variance = our Hartung-Knapp variance
    yi, vi = bcg
    for method, sm_method in (("DL", "dl"), ("PM", "pm")):
        sm = combine_effects(yi, vi, method_re=sm_method, atol=1e-12, maxiter=200) \
            if sm_method == "pm" else combine_effects(yi, vi, method_re=sm_method)
        r, rk = pool(yi, vi, method=method), pool(yi, vi, method=method, test="knha")
        assert r.estimate == pytest.approx(sm.mean_effect_re, rel=1e-10)
        assert r.se == pytest.approx(sm.sd_eff_w_re, rel=1e-10)
        assert rk.se == pytest.approx(sm.sd_eff_w_re_hksj, rel=1e-10)
        assert r.Q == pytest.approx(sm.q, rel=1e-10)
    ee = pool(yi, vi, method="EE")
    assert ee.estimate == pytest.approx(sm.mean_effect_fe, rel=1e-10)
    assert ee.I2 == pytest.approx(100 * sm.i2, rel=1e-10)
    assert ee.H2 == pytest.approx(sm.h2, rel=1e-10)


# Kacker (2004) data as in statsmodels' results_meta.py
KACKER_Y = [61.0, 61.4, 62.21, 62.3, 62.34, 62.6, 62.7, 62.84, 65.9]
KACKER_V = [0.2025, 1.2100, 0.0900, 0.2025, 0.3844, 0.5625, 0.0676, 0.0225, 1.8225]


@pytest.mark.parametrize("method, test, ref", [
    ("PM", "z", {"estimate": 62.4076199113286, "se": 0.338030602684471, "ci_low": 61.7450921043947,
                 "ci_high": 63.0701477182625, "tau2": 0.705395309224248, "I2": 83.7218626490482,
                 "H2": 6.14320900751909}),
    ("DL", "z", {"estimate": 62.3901386044504, "se": 0.245749668040304, "ci_low": 61.9084781058787,
                 "ci_high": 62.8717991030221, "tau2": 0.288049246973751, "I2": 67.744403741711,
                 "H2": 3.10023721772938}),
    ("DL", "knha", {"se": 0.29477605699879, "ci_low": 61.710383798052,
                    "ci_high": 63.0698934108488}),
    ("EE", "z", {"estimate": 62.5833970939982, "se": 0.107845705498231, "ci_low": 62.3720233953344,
                 "ci_high": 62.7947707926621, "tau2": 0.0, "I2": 67.744403741711,
                 "H2": 3.10023721772938}),
    ("EE", "knha", {"se": 0.189889223522271, "ci_low": 62.1455117593252,
                    "ci_high": 63.0212824286713}),
])
def test_kacker_metafor_results(method, test, ref):
    # [Kacker] metafor values (15 digits; PM run with tol 1e-9), all with QE = 24.801897741835
    r = pool(KACKER_Y, KACKER_V, method=method, test=test)
    assert r.Q == pytest.approx(24.801897741835, rel=1e-9)
    for name, value in ref.items():
        assert getattr(r, name) == pytest.approx(value, rel=1e-8, abs=1e-9), name


def test_normand_1999_table_ix():
    # [Normand] mean differences (days) and vi from dat.normand1999; published FE -3.49
    # (-5.03, -1.96); DL -14.10 (-24.45, -3.75), tau^2 218.72; REML -15.12 (-32.67, 2.43),
    # tau^2 685.20
    n1 = np.array([155, 31, 75, 18, 8, 57, 34, 110, 60])
    m1 = np.array([55, 27, 64, 66, 14, 19, 52, 21, 30])
    s1 = np.array([47, 7, 17, 20, 8, 7, 45, 16, 27])
    n2 = np.array([156, 32, 71, 18, 13, 52, 33, 183, 52])
    m2 = np.array([75, 29, 119, 137, 18, 18, 41, 31, 23])
    s2 = np.array([64, 4, 29, 48, 11, 4, 34, 27, 20])
    vi = ((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (n1 + n2 - 2) * (1 / n1 + 1 / n2)
    yi = m1 - m2
    np.testing.assert_allclose(vi, [40.59, 2.05, 15.28, 150.22, 20.19, 1.22, 95.38, 8.03, 20.69],
                               atol=5e-3)  # the file's vi, 2 decimals
    for method, est, low, high, tau2 in (("EE", -3.49, -5.03, -1.96, 0.0),
                                         ("DL", -14.10, -24.45, -3.75, 218.72),
                                         ("REML", -15.12, -32.67, 2.43, 685.20)):
        r = pool(yi, vi, method=method)
        assert (r.estimate, r.ci_low, r.ci_high, r.tau2) == pytest.approx((est, low, high, tau2),
                                                                          abs=5e-3), method
    # REML score is zero at the estimate: y'PPy = tr(P) (Viechtbauer 2005)
    t2 = tau2_reml(yi, vi)
    w = 1 / (vi + t2)
    py = w * (yi - np.sum(w * yi) / w.sum())
    assert np.sum(py**2) == pytest.approx(w.sum() - np.sum(w**2) / w.sum(), rel=1e-9)


def test_two_studies_closed_form():
    # k = 2: DL, REML and PM all give tau^2 = ((y1 - y2)^2 - v1 - v2) / 2 (closed form);
    # Hartung-Knapp and the PI then use t with 1 df (t_0.975,1 = 12.706)
    y, v = [0.2, 0.8], [0.04, 0.05]
    for method in ("DL", "REML", "PM"):
        r = pool(y, v, method=method, test="knha")
        assert r.tau2 == pytest.approx((0.6**2 - 0.09) / 2, rel=1e-9), method
        assert r.ci_high - r.estimate == pytest.approx(12.7062 * r.se, rel=1e-5)
        assert r.I2 == pytest.approx(75.0)  # Q = 4 on 1 df
    ee = pool(y, v, method="EE")
    assert (ee.Q, ee.I2, ee.H2) == pytest.approx((4.0, 75.0, 4.0))
    riley = pool(y, v, pi_type="riley")
    half = 12.7062 * np.sqrt(riley.se**2 + riley.tau2)
    assert riley.pi_high - riley.estimate == pytest.approx(half, rel=1e-5)


def test_one_study_is_itself():
    # k = 1 (as metafor): the study's own estimate and normal CI, no heterogeneity
    r = pool([0.5], [0.04])
    assert (r.estimate, r.se, r.tau2, r.Q, r.Q_p, r.I2, r.H2) == (0.5, 0.2, 0.0, 0.0, 1.0, 0.0, 1.0)
    assert (r.ci_low, r.ci_high) == pytest.approx((0.5 - 1.959964 * 0.2, 0.5 + 1.959964 * 0.2),
                                                  abs=1e-6)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert pool([0.5], [0.04], test="knha").test == "z"
    assert "at least 2 studies" in str(caught[0].message)


def test_identical_studies_have_no_heterogeneity():
    # closed form: equal yi -> Q = 0, tau^2 = 0 for every estimator, I^2 = 0, the EE mean
    for method in ("EE", "DL", "REML", "PM"):
        r = pool([0.3, 0.3, 0.3], [0.01, 0.02, 0.04], method=method)
        assert (r.estimate, r.tau2, r.Q, r.I2) == pytest.approx((0.3, 0.0, 0.0, 0.0)), method
        assert r.se == pytest.approx(1 / np.sqrt(100 + 50 + 25))


def test_riley_prediction_interval_is_wider_for_few_studies(bcg):
    # IntHout et al. (2016): t with k - 2 df is wider than the normal-quantile PI
    yi, vi = bcg
    default, riley = pool(yi[:5], vi[:5]), pool(yi[:5], vi[:5], pi_type="riley")
    assert riley.pi_high - riley.pi_low > default.pi_high - default.pi_low
    assert (riley.ci_low, riley.ci_high) == (default.ci_low, default.ci_high)



def test_riley_prediction_interval_pinned_for_five_studies(bcg):
    # IntHout et al. (2016): mu +- t(k - 2) sqrt(tau^2 + se^2); with k = 5, t(3) = 3.18245
    yi, vi = bcg
    riley = pool(yi[:5], vi[:5], pi_type="riley")
    half = 3.182446 * np.sqrt(riley.tau2 + riley.se**2)
    assert riley.pi_low == pytest.approx(riley.estimate - half, rel=1e-6)
    assert riley.pi_high == pytest.approx(riley.estimate + half, rel=1e-6)


@pytest.mark.parametrize("yi, vi, message", [
    # variances 1e24 apart: tr(PP) cancels to 0
    ([0.1, 5, 0.9], [1e-12, 1e12, 1], "try method='DL'"),
    # an estimate whose square would overflow is refused before any arithmetic
    ([1e308, 0.5, 0.1], [0.04, 0.05, 0.03], r"from -1e\+12 to 1e\+12; study 1 is 1e\+308"),
])
def test_reml_on_extreme_values_stops_with_a_message(yi, vi, message):
    with pytest.raises(ValueError, match=message):
        pool(yi, vi)


@pytest.mark.parametrize("args, kwargs, message", [
    (([0.1, 0.2], [0.01]), {}, "same length"),
    (([], []), {}, "at least one study"),
    (([0.1, 0.2], [0.01, 0.0]), {}, r"vi \(sampling variances\) must be numbers \(one per study\) above 0 and at most 1e\+12; study 2 is 0"),
    (([0.1, float("nan")], [0.01, 0.02]), {}, r"yi \(effect sizes\) must be numbers \(one per study\) from -1e\+12 to 1e\+12; study 2 is nan"),
    (([0.1, 0.2], [0.01, -1]), {}, "above 0 and at most 1e.12; study 2 is -1"),
    (([[0.1], [0.2]], [0.01, 0.02]), {}, r"one per study\) from -1e\+12 to 1e\+12, got \[\[0.1\], \[0.2\]\]"),
    (([0.1, 0.2], [0.01, 0.02]), {"method": "ML"}, "method must be one of 'EE', 'DL', 'REML', 'PM', got 'ML'"),
    (([0.1, 0.2], [0.01, 0.02]), {"test": "t"}, "test must be 'z'"),
    (([0.1, 0.2], [0.01, 0.02]), {"level": 95}, "level must be a fraction between 0 and 1"),
    (([0.1, 0.2], [0.01, 0.02]), {"pi_type": "normal"}, "pi_type must be"),
])
def test_bad_input_is_explained(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        pool(*args, **kwargs)


@pytest.mark.parametrize("yi, vi, message", [
    (["0.1", "0.2"], ["1", "1"], r"yi \(effect sizes\) must be numbers"),
    ([True, False], [1, 1], r"yi \(effect sizes\) must be numbers"),
    ([0.1, 0.2], [1, 10**400], r"vi \(sampling variances\) must be numbers"),
])
def test_strings_booleans_and_huge_numbers_are_refused(yi, vi, message):
    with pytest.raises(ValueError, match=message):
        pool(yi, vi)


def test_convergence_error_is_an_input_error():
    from failurelab.meta import ConvergenceError
    from failurelab.validation import InputError

    assert issubclass(ConvergenceError, InputError) and issubclass(InputError, ValueError)
