"""Standardized mean difference (Hedges' g), what it means, and how precise a study can be.

Symbols follow metafor's ``escalc(measure="SMD")`` (Viechtbauer 2010, doi:10.18637/jss.v036.i03):
``d`` is Cohen's d with the pooled SD, ``J`` the small-sample correction, ``yi = g = J d`` and
``vi`` its sampling variance. Sign convention: ``m1 - m2`` (group 1 minus group 2).

* Correction J (Hedges 1981, J Educ Stat 6:107-128), df = n1 + n2 - 2:
  exact J = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2)), as metafor 5.1-12 computes it;
  approximate J = 1 - 3 / (4 df - 1) (Hedges & Olkin 1985; Borenstein et al. 2009,
  Introduction to Meta-Analysis, Wiley).
* Variance ``vtype`` (metafor's names and citations, wviechtb/metafor R/escalc.r): "LS" (default)
  vi = 1/n1 + 1/n2 + g^2 / (2 (n1 + n2)) (Hedges & Olkin 1985, eq. 15); "LS2"
  vi = J^2 (1/n1 + 1/n2 + d^2 / (2N)) (Borenstein et al. 2009, eq. 12.17); "UB"
  vi = 1/n1 + 1/n2 + (1 - (df - 2) / (df J^2)) g^2 (unbiased; Hedges 1983).
* statsmodels' ``effectsize_smd`` differs: it always uses the approximate J (as 1 - 3/(4N - 9))
  and vi = N/(n1 n2) + g^2 / (2 (N - 3.94)), so for n1 = n2 = 10, d = 1 it gives g = 0.95775,
  vi = 0.22856 where metafor's defaults give g = 0.95765, vi = 0.22293.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats

from .validation import array, choice, fail, fraction, real, whole

CORRECTIONS = ("exact", "approx", "none")
VTYPES = ("LS", "LS2", "UB")
CI_METHODS = ("normal", "exact")


#: Largest mean or SD (in the outcome's units) and group size the functions accept.
MAX_VALUE = 1e12
MAX_N_PER_GROUP = 10_000_000
#: Largest |d| the power and precision functions (and the solvers' search) accept.
MAX_D = 100.0


def _number(name, value):
    return real(name, value, -MAX_VALUE, MAX_VALUE)


def _positive(name, value):
    return real(name, value, 0, MAX_VALUE, open_low=True, what="a number")


def _group(name, value):
    return whole(name, value, 2, MAX_N_PER_GROUP, what="a whole number of people")


def _effect(name, value):
    return real(name, value, -MAX_D, MAX_D, what="an effect size (SMD)")


def _level(level):
    return fraction("level", level, hint=" (e.g. 0.95 for a 95 % interval)")


def correction_factor(df, correction="exact"):
    """Small-sample correction J for degrees of freedom ``df`` (= n1 + n2 - 2), see module doc."""
    choice("correction", correction, CORRECTIONS)
    df = real("df", df, 1, 2 * MAX_N_PER_GROUP, open_low=True,
              hint=" (n1 + n2 - 2, at least 2 people per group)")
    if correction == "none":
        return 1.0
    if correction == "approx":
        return 1.0 - 3.0 / (4.0 * df - 1.0)
    # log form avoids overflow of Gamma for large df (metafor's .cmicalc does the same)
    log_j = special.gammaln(df / 2) - 0.5 * np.log(df / 2) - special.gammaln((df - 1) / 2)
    return float(np.exp(log_j))


@dataclass(frozen=True)
class SMD:
    """Result of :func:`smd`: ``g`` (metafor's ``yi``), ``d``, ``J``, ``vi``, ``se``, the CI."""

    g: float
    d: float
    J: float
    vi: float
    se: float
    ci_low: float
    ci_high: float
    level: float

    @property
    def yi(self):
        """metafor's name for the corrected effect size ``g``."""
        return self.g


def _nct_ci(d, n1, n2, level):
    """CI for the population SMD by inverting the noncentral t (Cumming & Finch 2001)."""
    scale = math.sqrt(n1 * n2 / (n1 + n2))
    df, t = n1 + n2 - 2, d * scale
    # stay within a few SDs of t: scipy's nct.cdf is unreliable for noncentralities far away
    half = (stats.norm.isf((1 - level) / 2) + 4) * math.sqrt(1 + t * t / (2 * df))

    def bound(p):
        return optimize.brentq(lambda ncp: stats.nct.cdf(t, df, ncp) - p, t - half, t + half,
                               xtol=1e-12) / scale

    tail = (1 - level) / 2
    return bound(1 - tail), bound(tail)


def smd(m1, sd1, n1, m2, sd2, n2, correction="exact", vtype="LS", level=0.95, ci="normal"):
    """Hedges' g for two independent groups from their means, SDs and sizes.

    ``ci="normal"`` gives g -/+ z se with se = sqrt(vi) (metafor's default); ``ci="exact"`` inverts
    the noncentral t of d (Cumming & Finch 2001, doi:10.1177/0013164401614002): an interval for the
    population SMD that does not use J or vi.
    """
    choice("correction", correction, CORRECTIONS)
    choice("vtype", vtype, VTYPES)
    choice("ci", ci, CI_METHODS)
    level = _level(level)
    m1, m2 = _number("m1", m1), _number("m2", m2)
    sd1, sd2 = _positive("sd1", sd1), _positive("sd2", sd2)
    n1, n2 = _group("n1", n1), _group("n2", n2)
    df, n_total = n1 + n2 - 2, n1 + n2
    sd_pooled = math.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / df)
    if sd_pooled == 0:  # tiny SDs whose squares underflow: the same, scaled by the larger SD
        top = max(sd1, sd2)
        sd_pooled = top * math.sqrt(((n1 - 1) * (sd1 / top) ** 2
                                     + (n2 - 1) * (sd2 / top) ** 2) / df)
    d = (m1 - m2) / sd_pooled
    if not abs(d) <= 1e6:
        fail(f"(m1 - m2) / pooled SD must be from -1e+06 to 1e+06 (a standardized mean "
             f"difference), got {d:g}: check that the means and SDs are in the same units")
    if ci == "exact" and abs(d) > MAX_D:
        fail(f"ci='exact' needs |d| <= {MAX_D:g}, got d = {d:g}; use ci='normal'")
    J = correction_factor(df, correction)
    g = J * d
    if vtype == "LS":
        vi = 1 / n1 + 1 / n2 + g**2 / (2 * n_total)
    elif vtype == "LS2":
        vi = J**2 * (1 / n1 + 1 / n2 + d**2 / (2 * n_total))
    else:  # "UB"
        vi = 1 / n1 + 1 / n2 + (1 - (df - 2) / (df * J**2)) * g**2
    se = math.sqrt(vi)
    if ci == "normal":
        z = stats.norm.isf((1 - level) / 2)
        low, high = g - z * se, g + z * se
    else:
        low, high = _nct_ci(d, n1, n2, level)
    return SMD(g=g, d=d, J=J, vi=vi, se=se, ci_low=low, ci_high=high, level=level)


def to_raw_units(g, sd):
    """An SMD back in the outcome's units (e.g. kg or repetitions): g times the stated SD."""
    return _effect("g", g) * _positive("sd", sd)


# -- what a d means: overlap of two normal distributions with equal SDs -------------------------
def cohens_u3(d):
    """Cohen's U3 = Phi(d): share of group 1 above the mean of group 2.

    Cohen (1988, Statistical Power Analysis, 2nd ed.), assuming normal distributions with equal SDs.
    """
    return float(stats.norm.cdf(_effect("d", d)))


def overlap(d):
    """Overlapping share of the two distributions, 2 Phi(-|d|/2) (rpsychologist.com/cohend)."""
    return float(2 * stats.norm.cdf(-abs(_effect("d", d)) / 2))


def prob_superiority(d):
    """Probability of superiority (common-language effect size), Phi(d / sqrt 2).

    McGraw & Wong (1992, Psychol Bull 111:361-365).
    """
    return float(stats.norm.cdf(_effect("d", d) / math.sqrt(2)))


def nnt(d, cer=0.2):
    """Number needed to treat, 1 / (Phi(d + Phi^-1(CER)) - CER).

    Furukawa's method (Furukawa & Leucht 2011, doi:10.1371/journal.pone.0019070).

    ``cer`` is the control event rate: the share of group 2 with a "favourable" outcome
    (rpsychologist.com/cohend uses 20 %). Negative for d < 0 (number needed to harm); inf at d = 0.
    """
    d = _effect("d", d)
    cer = fraction("cer (control event rate)", cer, hint=" (e.g. 0.2)")
    gain = stats.norm.cdf(d + stats.norm.ppf(cer)) - cer
    return math.inf if abs(gain) < 1e-12 else float(1 / gain)


# -- precision and power of a two-group study with n per group ---------------------------------
def ci_half_width(n, d=0.0, level=0.95, exact=False):
    """Half-width of the CI of an SMD with ``n`` people per group.

    Default: z sqrt(2/n + d^2/(4n)), the normal interval from the large-sample variance
    (Hedges & Olkin 1985). ``exact=True``: half the width of the noncentral-t interval.
    """
    n = _group("n", n)
    d, level = _effect("d", d), _level(level)
    if exact:
        low, high = _nct_ci(d, n, n, level)
        return (high - low) / 2
    return float(stats.norm.isf((1 - level) / 2) * math.sqrt(2 / n + d * d / (4 * n)))


def _alpha(alpha):
    return fraction("alpha", alpha, hint=" (e.g. 0.05)")


def _power_solver():
    from statsmodels.stats.power import TTestIndPower

    return TTestIndPower()


def power(d, n, alpha=0.05):
    """Power of a two-sided independent t-test with ``n`` per group (statsmodels TTestIndPower).

    ``d`` and ``n`` may be numbers or arrays (broadcast together, e.g. a grid of n for a power
    curve): a number for numbers, an array otherwise.
    """
    d = array("d", d, -MAX_D, MAX_D, what="an effect size (SMD) or an array of them")
    n = array("n", n, 2, MAX_N_PER_GROUP, what="people per group (a number or an array)")
    try:
        d, n = np.broadcast_arrays(d, n)
    except ValueError:
        fail(f"d and n must have shapes that broadcast together, got {d.shape} and {n.shape}")
    p = _power(d, n, _alpha(alpha))
    return float(p) if p.ndim == 0 else p


def _power(d, n, alpha):
    """Power for arrays (or numbers) d and n that are already checked."""
    d, n = np.asarray(d, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(all="ignore"):
        p = np.array(_power_solver().power(effect_size=d, nobs1=n, alpha=alpha, ratio=1.0,
                                           alternative="two-sided"), dtype=float)
    bad = ~np.isfinite(p)
    if bad.any():  # scipy's noncentral t returns NaN for the negligible far tail
        n_bad = np.broadcast_to(n, p.shape)[bad]
        d_bad = np.broadcast_to(d, p.shape)[bad]
        df = 2 * n_bad - 2
        # the other tail is < 1e-15 here
        p[bad] = stats.nct.sf(stats.t.isf(alpha / 2, df), df, np.abs(d_bad) * np.sqrt(n_bad / 2))
    return p


def _power_scalar(d, n, alpha):
    return float(_power(d, n, alpha))


def _power_target(power, alpha):
    a = _alpha(alpha)
    pw = fraction("power", power, hint=" (e.g. 0.8 for 80 %)")
    if pw <= a:
        fail(f"power must be above alpha = {a:g} (e.g. 0.8 for 80 %), got {power!r}")
    return pw, a


def n_per_group(d, power=0.8, alpha=0.05):
    """People per group for the wanted power (two-sided t-test, Cohen 1988), rounded up.

    Solves ``power(d, n) = power`` for n by Brent's method between 2 and ``MAX_N_PER_GROUP``;
    an effect so large that 2 per group already reach the power gives 2.
    """
    d = _effect("d", d)
    if d == 0:
        fail("d must not be 0: no sample size has power to detect a zero effect")
    pw, a = _power_target(power, alpha)

    def gap(n):
        return _power_scalar(d, n, a) - pw

    if gap(2) >= 0:
        return 2
    if gap(MAX_N_PER_GROUP) < 0:
        fail(f"d = {d} is too small: more than {MAX_N_PER_GROUP:,} per group would "
                         f"be needed for {pw:.0%} power")
    n = math.ceil(optimize.brentq(gap, 2, MAX_N_PER_GROUP, xtol=1e-9) - 1e-9)
    while gap(n) < 0:  # guard the rounding: the returned n must reach the power
        n += 1
    return n


def detectable_d(n, power=0.8, alpha=0.05):
    """Smallest d that ``n`` people per group detect with the given power (two-sided t-test).

    Solves ``power(d, n) = power`` for d by Brent's method between 0 and ``MAX_D``, and checks
    the answer, so a search edge is never returned as a result.
    """
    n = real("n", n, 2, MAX_N_PER_GROUP, what="a number of people per group")
    pw, a = _power_target(power, alpha)

    def gap(d):
        return _power_scalar(d, n, a) - pw

    if gap(MAX_D) < 0:
        fail(f"with n = {n:g} per group no d up to {MAX_D:g} reaches {pw:.1%} power")
    d = float(optimize.brentq(gap, 0.0, MAX_D, xtol=1e-12))
    if abs(gap(d)) > 1e-6:
        fail(f"the power equation did not converge for n = {n:g}, power = {pw}")
    return d


# -- what a published CI rules out ---------------------------------------------------------------
VERDICTS = {
    "benefit": "rules out zero and trivial effects: a worthwhile benefit",
    "harm": "rules out zero and trivial effects: a worthwhile harm",
    "equivalent": "rules out worthwhile effects either way: practically equivalent",
    "nonzero": "rules out zero, not trivial effects",
    "inconclusive": "rules out neither zero nor worthwhile effects: inconclusive",
}


def _given(name, x):
    """``x`` as a float, or None when it is missing (None or NaN)."""
    if x is None or (isinstance(x, float | np.floating) and math.isnan(x)):
        return None
    return real(name, x, -MAX_VALUE, MAX_VALUE)


def se_from_p(estimate, p):
    """Standard error implied by an estimate and its two-sided p-value (normal test).

    se = |estimate| / z_(1 - p/2). It recovers the precision that a CI printed to two decimals
    hides, e.g. Refalo et al. 2023's 0.19 (0.00 to 0.37), p = 0.045: se = 0.0949, so the
    unrounded lower bound is 0.19 - 1.96 x 0.0949 = 0.004, just above zero.
    """
    est, p = _number("estimate", estimate), fraction("p", p, what="a p-value")
    return abs(est) / float(stats.norm.isf(p / 2))


def excludes_zero(low, high, estimate=None, p=None, level=0.95):
    """Whether a published CI (low, high) excludes zero, robust to rounded bounds.

    Where the two-sided p-value of the same estimate is known, the bound is back-computed
    unrounded from it (``se_from_p``): estimate -/+ z se excludes zero exactly when
    p < 1 - level, so the decision follows p. Without p the printed bounds decide, strictly: a
    bound printed as 0.00 does not count as excluding zero. A p reported as "p < x" can be passed
    as x when x <= 1 - level.
    """
    est, p = _given("estimate", estimate), _given("p", p)
    if est is not None and p is not None and est != 0:
        z = float(stats.norm.isf((1 - _level(level)) / 2))
        se = se_from_p(est, p)
        return est - z * se > 0 or est + z * se < 0
    return _number("low", low) > 0 or _number("high", high) < 0


def ci_verdict(low, high, smallest_effect, estimate=None, p=None, level=0.95):
    """What a CI (low, high) rules out, relative to zero and to +/- ``smallest_effect``.

    One of the :data:`VERDICTS` texts. The comparisons with the band use the printed bounds;
    whether zero is ruled out uses :func:`excludes_zero`, which decides from ``p`` (with
    ``estimate``) where it is known, so that a lower bound printed as 0.00 with p = 0.045 counts
    as excluding zero.
    """
    low, high = _number("low", low), _number("high", high)
    band = real("smallest_effect", smallest_effect, 0, MAX_VALUE)
    if low > band:
        return VERDICTS["benefit"]
    if high < -band:
        return VERDICTS["harm"]
    if -band < low and high < band:
        return VERDICTS["equivalent"]
    if excludes_zero(low, high, estimate, p, level):
        return VERDICTS["nonzero"]
    return VERDICTS["inconclusive"]
