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

CORRECTIONS = ("exact", "approx", "none")
VTYPES = ("LS", "LS2", "UB")
CI_METHODS = ("normal", "exact")


def _number(name, value, minimum=None, integer=False):
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if integer and x != int(x):
        raise ValueError(f"{name} must be a whole number (a count of people), got {value!r}")
    if minimum is not None and x < minimum:
        raise ValueError(f"{name} must be >= {minimum:g}, got {value!r}")
    return x


def _positive(name, value):
    x = _number(name, value)
    if x <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return x


def _level(level):
    x = _number("level", level)
    if not 0 < x < 1:
        raise ValueError("level must be between 0 and 1 (e.g. 0.95 for a 95 % interval), "
                         f"got {level!r}")
    return x


def _choice(name, value, options):
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}, got {value!r}")
    return value


def correction_factor(df, correction="exact"):
    """Small-sample correction J for degrees of freedom ``df`` (= n1 + n2 - 2), see module doc."""
    _choice("correction", correction, CORRECTIONS)
    df = _number("df", df)
    if df <= 1:
        raise ValueError(f"df must be > 1 (at least 2 people per group), got {df!r}")
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
    _choice("correction", correction, CORRECTIONS)
    _choice("vtype", vtype, VTYPES)
    _choice("ci", ci, CI_METHODS)
    level = _level(level)
    m1, m2 = _number("m1", m1), _number("m2", m2)
    sd1, sd2 = _positive("sd1", sd1), _positive("sd2", sd2)
    n1, n2 = _number("n1", n1, 2, integer=True), _number("n2", n2, 2, integer=True)
    df, n_total = n1 + n2 - 2, n1 + n2
    sd_pooled = math.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / df)
    d = (m1 - m2) / sd_pooled
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
    return _number("g", g) * _positive("sd", sd)


# -- what a d means: overlap of two normal distributions with equal SDs -------------------------
def cohens_u3(d):
    """Cohen's U3 = Phi(d): share of group 1 above the mean of group 2.

    Cohen (1988, Statistical Power Analysis, 2nd ed.), assuming normal distributions with equal SDs.
    """
    return float(stats.norm.cdf(_number("d", d)))


def overlap(d):
    """Overlapping share of the two distributions, 2 Phi(-|d|/2) (rpsychologist.com/cohend)."""
    return float(2 * stats.norm.cdf(-abs(_number("d", d)) / 2))


def prob_superiority(d):
    """Probability of superiority (common-language effect size), Phi(d / sqrt 2).

    McGraw & Wong (1992, Psychol Bull 111:361-365).
    """
    return float(stats.norm.cdf(_number("d", d) / math.sqrt(2)))


def nnt(d, cer=0.2):
    """Number needed to treat, 1 / (Phi(d + Phi^-1(CER)) - CER).

    Furukawa's method (Furukawa & Leucht 2011, doi:10.1371/journal.pone.0019070).

    ``cer`` is the control event rate: the share of group 2 with a "favourable" outcome
    (rpsychologist.com/cohend uses 20 %). Negative for d < 0 (number needed to harm); inf at d = 0.
    """
    d = _number("d", d)
    cer = _number("cer", cer)
    if not 0 < cer < 1:
        raise ValueError("cer (control event rate) must be a fraction between 0 and 1, e.g. 0.2, "
                         f"got {cer!r}")
    gain = stats.norm.cdf(d + stats.norm.ppf(cer)) - cer
    return math.inf if abs(gain) < 1e-12 else float(1 / gain)


# -- precision and power of a two-group study with n per group ---------------------------------
def ci_half_width(n, d=0.0, level=0.95, exact=False):
    """Half-width of the CI of an SMD with ``n`` people per group.

    Default: z sqrt(2/n + d^2/(4n)), the normal interval from the large-sample variance
    (Hedges & Olkin 1985). ``exact=True``: half the width of the noncentral-t interval.
    """
    n = _number("n", n, 2, integer=True)
    d, level = _number("d", d), _level(level)
    if exact:
        low, high = _nct_ci(d, n, n, level)
        return (high - low) / 2
    return float(stats.norm.isf((1 - level) / 2) * math.sqrt(2 / n + d * d / (4 * n)))


def _alpha(alpha):
    a = _number("alpha", alpha)
    if not 0 < a < 1:
        raise ValueError(f"alpha must be between 0 and 1 (e.g. 0.05), got {alpha!r}")
    return a


def _power_solver():
    from statsmodels.stats.power import TTestIndPower

    return TTestIndPower()


def power(d, n, alpha=0.05):
    """Power of a two-sided independent t-test with ``n`` per group (statsmodels TTestIndPower)."""
    d = _number("d", d)
    n = _number("n", n, 2)
    value = float(_power_solver().power(effect_size=d, nobs1=n, alpha=_alpha(alpha), ratio=1.0,
                                        alternative="two-sided"))
    if math.isnan(value):  # scipy's noncentral t returns NaN for the negligible far tail
        from scipy import stats

        df, ncp = 2 * n - 2, abs(d) * math.sqrt(n / 2)
        crit = stats.t.isf(_alpha(alpha) / 2, df)
        value = float(stats.nct.sf(crit, df, ncp))  # the other tail is < 1e-15 here
    return value


def n_per_group(d, power=0.8, alpha=0.05):
    """People per group for the wanted power (two-sided t-test, Cohen 1988), rounded up."""
    d = _number("d", d)
    if d == 0:
        raise ValueError("d must not be 0: no sample size has power to detect a zero effect")
    pw = _number("power", power)
    if not 0 < pw < 1:
        raise ValueError(f"power must be between 0 and 1 (e.g. 0.8 for 80 %), got {power!r}")
    n = _power_solver().solve_power(effect_size=abs(d), nobs1=None, alpha=_alpha(alpha), power=pw,
                                    ratio=1.0, alternative="two-sided")
    return math.ceil(float(np.squeeze(n)) - 1e-9)


def detectable_d(n, power=0.8, alpha=0.05):
    """Smallest d that ``n`` people per group detect with the given power (two-sided t-test)."""
    n = _number("n", n, 2)
    pw = _number("power", power)
    if not 0 < pw < 1:
        raise ValueError(f"power must be between 0 and 1 (e.g. 0.8 for 80 %), got {power!r}")
    d = _power_solver().solve_power(effect_size=None, nobs1=n, alpha=_alpha(alpha), power=pw,
                                    ratio=1.0, alternative="two-sided")
    return float(np.squeeze(d))
