"""Pooling effect sizes: equal- and random-effects models, heterogeneity, prediction interval.

Follows metafor's ``rma(yi, vi, method=..., test=...)`` (Viechtbauer 2010,
doi:10.18637/jss.v036.i03; code read in wviechtb/metafor R/rma.uni.r and R/predict.rma.r).

* tau^2 (between-study variance): "EE" sets it to 0 (equal effects); "DL" DerSimonian & Laird
  (1986, doi:10.1016/0197-2456(86)90046-2) and "PM" Paule & Mandel (1982, doi:10.6028/jres.087.022)
  come from statsmodels' ``combine_effects`` (truncated at 0); "REML" is Fisher scoring as in
  metafor (Viechtbauer 2005, J Educ Behav Stat 30:261-293).
* test="knha": Hartung & Knapp (2001, Stat Med 20:1771-1782) scale s^2 = sum w (y - mu)^2 / (k - 1)
  on the variance, t with k - 1 df. test="adhoc": the modified ("ad hoc") Knapp-Hartung method,
  the same with s^2 truncated at 1 (metafor's ``test="adhoc"``, R/rma.uni.r ``s2w[s2w < 1] <- 1``),
  so that its CI is never narrower than the one with the t quantile and the unscaled variance;
  recommended with few studies of unequal precision (Röver et al. 2015,
  doi:10.1186/s12874-015-0091-1).
* I^2 and H^2 as metafor (Higgins & Thompson 2002, doi:10.1002/sim.1186): from tau^2 and the
  "typical" sampling variance (k - 1) / (sum w - sum w^2 / sum w); for "EE" from Q.
* Prediction interval for the effect in a new study: estimate -/+ crit sqrt(se^2 + tau^2). With
  ``pi_type="default"`` crit is what metafor's ``predict()`` uses: the normal quantile when
  test="z", t with k - 1 df when test="knha" or "adhoc". That keeps the course's numbers identical
  to metafor.
  ``pi_type="riley"`` uses t with k - 2 df (at least 1), as recommended by Higgins et al. (2009,
  doi:10.1111/j.1467-985X.2008.00552.x) and IntHout et al. (2016, doi:10.1136/bmjopen-2015-010247);
  it is wider when k is small. With method "EE" tau^2 = 0, so the PI equals the CI.
* k = 1: tau^2 = 0, Q = 0, I^2 = 0, H^2 = 1 and test="knha" (or "adhoc") falls back to "z" (as
  metafor does).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .validation import InputError, array, choice, fail, fraction

METHODS = ("EE", "DL", "REML", "PM")
TESTS = ("z", "knha")  # the two tests the course's simulations compare
ALL_TESTS = TESTS + ("adhoc",)  # with the modified Knapp-Hartung method
PI_TYPES = ("default", "riley")
#: Largest |effect size| and sampling variance accepted (beyond them the arithmetic overflows).
MAX_VALUE = 1e12


class ConvergenceError(InputError):
    """An iterative tau^2 estimator did not converge (a ValueError, so explorers show it)."""


@dataclass(frozen=True)
class Pooled:
    """Result of :func:`pool` (names as in metafor; I2 in %, weights in % of the total)."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    stat: float  # z or t value of the estimate
    p_value: float
    tau2: float
    tau: float
    I2: float
    H2: float
    Q: float
    Q_df: int
    Q_p: float
    pi_low: float
    pi_high: float
    k: int
    method: str
    test: str
    level: float
    weights: tuple


def _check(yi, vi):
    y = array("yi (effect sizes)", yi, -MAX_VALUE, MAX_VALUE, ndim=1, item="study",
              what="numbers (one per study)")
    v = array("vi (sampling variances)", vi, 0, MAX_VALUE, open_low=True, ndim=1,
              item="study", what="numbers (one per study)")
    if len(y) != len(v):
        fail("yi and vi must have the same length (one of each per study), "
             f"got {len(y)} and {len(v)}")
    return y, v


def _q(y, v, tau2=0.0):
    """Generalized Q: sum w (y - mu_w)^2 with w = 1 / (v + tau2)."""
    w = 1 / (v + tau2)
    return float(np.sum(w * (y - np.sum(w * y) / np.sum(w)) ** 2))


def tau2_reml(yi, vi, tol=1e-10, maxiter=200):
    """REML tau^2 by Fisher scoring (Viechtbauer 2005; metafor's rma.uni).

    Start at the Hedges (HE) estimate; step (y'PPy - tr P) / tr(PP) with
    P = W - w w' / sum w, halving the step if it would go below 0.
    """
    y, v = _check(yi, vi)
    k = len(y)
    if k == 1:
        return 0.0
    with np.errstate(all="ignore"):  # overflow is caught below as a non-finite step
        tau2 = max(0.0, (np.sum((y - y.mean()) ** 2) - np.sum(v) * (k - 1) / k) / (k - 1))
        for _ in range(maxiter):
            w = 1 / (v + tau2)
            sw, sw2 = w.sum(), np.sum(w * w)
            py = w * (y - np.sum(w * y) / sw)  # P y
            tr_p = sw - sw2 / sw
            tr_pp = sw2 - 2 * np.sum(w**3) / sw + sw2**2 / sw**2
            step = (np.sum(py * py) - tr_p) / tr_pp
            if not np.isfinite(step):  # e.g. variances 1e12 apart: tr(PP) cancels to 0
                raise ConvergenceError("REML cannot be computed for these values (an estimate "
                                       "or variance so extreme, or variances so far apart, that "
                                       "the arithmetic overflows); try method='DL'")
            while tau2 + step < 0 and abs(step) > tol:  # step-halving keeps tau^2 >= 0
                step /= 2
            tau2 = max(0.0, tau2 + step)
            if abs(step) < tol:
                break
        else:
            raise ConvergenceError("REML did not converge; try method='DL' or 'PM'")
    if _reml_loglik(y, v, 0.0) > _reml_loglik(y, v, tau2) + 1e-10:  # stuck at a local maximum
        return 0.0
    return float(tau2)


def _reml_loglik(y, v, tau2):
    w = 1 / (v + tau2)
    return -0.5 * (np.sum(np.log(v + tau2)) + np.log(w.sum()) + _q(y, v, tau2))


def _tau2(y, v, method):
    k = len(y)
    if method == "EE" or k == 1:
        return 0.0
    if method == "REML":
        return tau2_reml(y, v)
    from statsmodels.stats.meta_analysis import combine_effects

    # statsmodels does not truncate DL at 0 and then weights with 1/(v + tau2): silence its
    # divide warnings, we keep only tau2 (truncated) and compute everything else below
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "DL":
            return max(0.0, float(combine_effects(y, v, method_re="dl").tau2))
        fit = combine_effects(y, v, method_re="pm", atol=1e-12, maxiter=200)
    tau2 = max(0.0, float(fit.tau2))
    if tau2 > 0 and abs(_q(y, v, tau2) - (k - 1)) > 1e-8 * k:  # PM solves Q(tau2) = k - 1
        raise ConvergenceError("Paule-Mandel iteration did not converge; try method='REML'")
    return tau2


def pool(yi, vi, method="REML", test="z", level=0.95, pi_type="default"):
    """Pool effect sizes ``yi`` with sampling variances ``vi`` (see the module doc for methods)."""
    y, v = _check(yi, vi)
    method = choice("method", method.upper() if isinstance(method, str) else method, METHODS)
    choice("test", test, ALL_TESTS, what="'z' (normal), 'knha' (Hartung-Knapp) or 'adhoc' "
           "(Hartung-Knapp with the scale truncated at 1)")
    choice("pi_type", pi_type, PI_TYPES, what="'default' (as metafor) or 'riley' (t with "
           "k - 2 df)")
    level = fraction("level", level, hint=" (e.g. 0.95 for 95 %)")
    k = len(y)
    if k == 1 and test in ("knha", "adhoc"):
        warnings.warn("Hartung-Knapp needs at least 2 studies; "
                      "with k = 1 the normal (z) test is used", stacklevel=2)
        test = "z"

    tau2 = _tau2(y, v, method)
    w = 1 / (v + tau2)
    estimate = float(np.sum(w * y) / np.sum(w))
    var = 1 / np.sum(w)
    tail = (1 - level) / 2
    if test in ("knha", "adhoc"):
        scale = np.sum(w * (y - estimate) ** 2) / (k - 1)
        var *= max(scale, 1.0) if test == "adhoc" else scale
        df = k - 1
        crit = stats.t.isf(tail, df)
    else:
        df = None
        crit = stats.norm.isf(tail)
    se = float(np.sqrt(var))
    if se > 0:
        stat = estimate / se
    else:  # all studies identical under Hartung-Knapp: no spread left to scale with
        stat = math.copysign(math.inf, estimate) if estimate else math.nan
    p_value = float(2 * (stats.t.sf(abs(stat), df) if df else stats.norm.sf(abs(stat))))

    # heterogeneity: Cochran's Q with equal-effects weights 1/vi
    w0 = 1 / v
    Q = _q(y, v) if k > 1 else 0.0
    Q_p = float(stats.chi2.sf(Q, k - 1)) if k > 1 else 1.0
    if k == 1:
        I2, H2 = 0.0, 1.0
    elif method == "EE":
        I2 = max(0.0, 100 * (Q - (k - 1)) / Q) if Q > 0 else 0.0
        H2 = Q / (k - 1)
    else:
        vt = (k - 1) / (w0.sum() - np.sum(w0**2) / w0.sum())
        I2, H2 = 100 * tau2 / (vt + tau2), tau2 / vt + 1

    if pi_type == "riley":
        pi_crit = stats.t.isf(tail, max(k - 2, 1))
    else:
        pi_crit = crit
    pi_se = math.sqrt(var + tau2)
    return Pooled(
        estimate=estimate, se=se,
        ci_low=float(estimate - crit * se), ci_high=float(estimate + crit * se),
        stat=float(stat), p_value=p_value, tau2=tau2, tau=math.sqrt(tau2), I2=float(I2),
        H2=float(H2), Q=Q, Q_df=k - 1, Q_p=Q_p, pi_low=float(estimate - pi_crit * pi_se),
        pi_high=float(estimate + pi_crit * pi_se), k=k, method=method, test=test,
        level=float(level),
        weights=tuple(float(x) for x in 100 * w / w.sum()),
    )
