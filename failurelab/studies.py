"""What a short, small study can detect: simulated replications, measurement error, k = 2 pooling.

Everything here is SIMULATED (seeded numpy draws); nothing is study data.

* Two-group study, ``n`` people per group. Each person's true change (e.g. in muscle thickness)
  is Normal(mean, 1) in units of the between-person SD of the true change; the failure group's
  mean is ``true_d`` higher. The outcome is measured with error: measured change = true change
  + Normal(0, error_sd^2).
* Reliability of the measured change (classical test theory, Spearman 1904,
  doi:10.2307/1412159): reliability = true variance / (true + error variance)
  = 1 - error variance / total variance.
* Attenuation: the measured SMD is the true SMD times sqrt(reliability), because the raw mean
  difference is unchanged while the SD grows by 1 / sqrt(reliability) (Hunter & Schmidt's
  correction for measurement error in the outcome; Wiernik & Dahlke 2020,
  doi:10.1177/2515245919885611). So the n needed for a given power grows by about 1 / reliability.
* Study length (a TEACHING ASSUMPTION, stated wherever it is used): each person gains at their own
  steady rate, so true gains and their between-person SD grow in proportion to the weeks, while
  the measurement error does not. Then the true SMD does not depend on the weeks, but the
  reliability of the change score does (:func:`change_reliability`).
* Each simulated study is analysed as a real one would be: Hedges' g with metafor's default
  variance and normal 95 % CI (as :func:`failurelab.effect_sizes.smd`) and a two-sided Student
  t-test; power = share of replications with p < alpha. The analytic reference is statsmodels'
  ``TTestIndPower`` via :func:`failurelab.effect_sizes.power`.
* k = 2 pooling (:func:`two_study_coverage`): random effects with normal-theory (z) vs
  Hartung-Knapp (knha) intervals, via :func:`failurelab.meta.pool`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import stats

from . import effect_sizes as es
from . import meta
from .validation import choice, real, whole

#: Duration at which the error ratio of :func:`change_reliability` is stated (a unit, not data).
REFERENCE_WEEKS = 8


def _reliability(value):
    return real("reliability", value, 0, 1, open_low=True, what="a fraction",
                hint=" (e.g. 0.8: 80 % of the measured variance is real)")


# -- measurement error ---------------------------------------------------------------------------

def reliability_from_sds(true_sd, error_sd):
    """Reliability = true variance / (true variance + error variance) (Spearman 1904)."""
    t = real("true_sd", true_sd, 0, 1e150, open_low=True, what="an SD")
    e = real("error_sd", error_sd, 0, 1e150, what="an SD")
    return t * t / (t * t + e * e)


def error_sd_for(reliability):
    """Error SD, in units of the true SD, that gives ``reliability``: sqrt((1 - r) / r)."""
    r = _reliability(reliability)
    return math.sqrt((1 - r) / r)


def attenuated_d(true_d, reliability):
    """Measured SMD = true SMD x sqrt(reliability of the outcome) (see the module doc)."""
    return real("true_d", true_d, -10, 10, what="a standardized mean difference") \
        * math.sqrt(_reliability(reliability))


def change_reliability(weeks, error_ratio, reference_weeks=REFERENCE_WEEKS):
    """Reliability of a change score after ``weeks`` (TEACHING ASSUMPTION: steady gains).

    ``error_ratio`` = SD of the measurement error of a change score / between-person SD of the
    true change over ``reference_weeks``. With gains proportional to time the true SD after
    ``weeks`` is (weeks / reference_weeks) times that, so
    reliability = (w / w_ref)^2 / ((w / w_ref)^2 + error_ratio^2).
    """
    w = real("weeks", weeks, 0, 520, open_low=True, what="a positive number of weeks")
    ref = real("reference_weeks", reference_weeks, 0, 520, open_low=True,
                what="a positive number of weeks")
    e = real("error_ratio", error_ratio, 0, 100, what="a ratio of SDs")
    return reliability_from_sds(w / ref, e)


# -- simulated replications of one design ------------------------------------------------------

@lru_cache(maxsize=32)
def _draws(n, replications, seed):
    """Sufficient statistics of standard-normal draws, shape (component, arm, replication).

    Components: true change z and measurement error u of each person (both N(0, 1)); arms:
    failure, non-failure. Returns means of z and u, sample variances of z and u (ddof 1) and their
    sample covariance, so that any true_d and error SD is a cheap linear combination. Read-only.
    """
    x = np.random.default_rng(seed).standard_normal((2, 2, replications, n))
    mean = x.mean(-1)
    dev = x - mean[..., None]
    var = (dev**2).sum(-1) / (n - 1)
    cov = (dev[0] * dev[1]).sum(-1) / (n - 1)
    for a in (mean, var, cov):
        a.flags.writeable = False
    return mean, var, cov


def simulate_measurements(n, true_d, reliability=1.0, replications=1, seed=1):
    """The raw synthetic data behind :func:`simulate_studies`: measured changes of each person.

    Returns (failure, non_failure), arrays of shape (replications, n), in units of the
    between-person SD of the TRUE change. Same seed, same people as :func:`simulate_studies`.
    """
    n = whole("n", n, 2, 2000, what="a whole number (people per group)")
    true_d = real("true_d", true_d, -10, 10, what="a standardized mean difference")
    sd_e = error_sd_for(reliability)
    replications = whole("replications", replications, 1, 100_000,
                         what="a whole number (simulated studies)")
    x = np.random.default_rng(_seed(seed)).standard_normal((2, 2, replications, n))
    measured = x[0] + sd_e * x[1]
    return measured[0] + true_d, measured[1]


def _seed(seed):
    return whole("seed", seed, 0, 2**32 - 1, what="a whole number (a random seed)")


def smd_tests(mean_diff, var1, var2, n, alpha=0.05):
    """Hedges' g, its normal CI and the two-sided Student t-test p for many two-group studies.

    Vectorised over arrays of mean differences and group variances (n per group in each arm);
    g and vi are those of :func:`failurelab.effect_sizes.smd` (exact J, metafor's "LS"
    variance). Returns dict(g, vi, ci_low, ci_high, p).
    """
    df = 2 * n - 2
    sp = np.sqrt((np.asarray(var1) + np.asarray(var2)) / 2)
    d = np.asarray(mean_diff) / sp
    g = es.correction_factor(df) * d
    vi = 2 / n + g**2 / (4 * n)
    half = stats.norm.isf(alpha / 2) * np.sqrt(vi)
    t = d * math.sqrt(n / 2)
    p = 2 * stats.t.sf(np.abs(t), df)
    return dict(g=g, vi=vi, ci_low=g - half, ci_high=g + half, p=p)


@dataclass(frozen=True)
class StudySimulation:
    """Result of :func:`simulate_studies` (synthetic replications of one design)."""

    n: int
    true_d: float
    reliability: float
    observed_d: float  # true_d x sqrt(reliability): what the studies estimate
    replications: int
    seed: int
    alpha: float
    g: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    p: np.ndarray
    analytic_power: float  # statsmodels TTestIndPower at observed_d

    @property
    def significant(self):
        return self.p < self.alpha

    @property
    def power(self):
        """Share of replications with p < alpha (simulated power)."""
        return float(self.significant.mean())

    @property
    def power_mc_se(self):
        """Monte-Carlo standard error of :attr:`power` (from the analytic power)."""
        p = self.analytic_power
        return math.sqrt(p * (1 - p) / self.replications)

    @property
    def mean_ci_width(self):
        return float(np.mean(self.ci_high - self.ci_low))

    def coverage(self, value):
        """Share of the 95 % CIs that contain ``value`` (e.g. observed_d or true_d)."""
        return float(np.mean((self.ci_low <= value) & (value <= self.ci_high)))


def simulate_studies(n, true_d, reliability=1.0, replications=2000, seed=1, alpha=0.05):
    """Simulate ``replications`` two-group studies with ``n`` people per group (see module doc).

    Vectorised: the draws are made once per (n, replications, seed) and cached, so changing
    ``true_d`` or ``reliability`` costs only arithmetic. Returns a :class:`StudySimulation`.
    """
    n = whole("n", n, 2, 2000, what="a whole number (people per group)")
    true_d = real("true_d", true_d, -10, 10, what="a standardized mean difference")
    reliability = _reliability(reliability)
    replications = whole("replications", replications, 10, 100_000,
                         what="a whole number (simulated studies)")
    seed = _seed(seed)
    alpha = real("alpha", alpha, 0, 0.5, open_low=True, what="a significance level",
                 hint=" (e.g. 0.05)")
    sd_e = error_sd_for(reliability)
    mean, var, cov = _draws(n, replications, seed)
    arm_mean = mean[0] + sd_e * mean[1]  # per arm, before the failure group's shift
    arm_var = var[0] + sd_e**2 * var[1] + 2 * sd_e * cov
    res = smd_tests(true_d + arm_mean[0] - arm_mean[1], arm_var[0], arm_var[1], n, alpha)
    observed = true_d * math.sqrt(reliability)
    return StudySimulation(n=n, true_d=true_d, reliability=reliability, observed_d=observed,
                           replications=replications, seed=seed, alpha=alpha, g=res["g"],
                           ci_low=res["ci_low"], ci_high=res["ci_high"], p=res["p"],
                           analytic_power=es.power(observed, n, alpha))


# -- two studies pooled: how wide should the interval be? ----------------------------------------

@dataclass(frozen=True)
class TwoStudyCoverage:
    """Result of :func:`two_study_coverage`: how often each 95 % CI contains the true mean."""

    true_effect: float
    tau: float
    n: int
    k: int
    replications: int
    coverage_z: float
    coverage_knha: float
    median_width_z: float
    median_width_knha: float


def synthetic_study_pair(true_effect, tau, n, k=2, seed=1):
    """``k`` synthetic studies (g, vi) with true SMDs ~ Normal(true_effect, tau^2), n per group.

    Each study's data are summarised exactly as :func:`simulate_studies` does (normal data, no
    measurement error). Returns (yi, vi, true_smds).
    """
    res, theta = _study_sets(true_effect, tau, n, k, 1, _seed(seed))
    return res["g"][0], res["vi"][0], theta[0]


def _study_sets(true_effect, tau, n, k, replications, seed):
    true_effect = real("true_effect", true_effect, -10, 10, what="a standardized mean difference")
    tau = real("tau", tau, 0, 5, what="a between-study SD")
    n = whole("n", n, 2, 2000, what="a whole number (people per group)")
    k = whole("k", k, 2, 100, what="a whole number (studies)")
    rng = np.random.default_rng(seed)
    theta = true_effect + tau * rng.standard_normal((replications, k))
    # exact sampling distributions of the summary statistics of normal data (SD 1 per arm)
    diff = theta + math.sqrt(2 / n) * rng.standard_normal((replications, k))
    var1, var2 = rng.chisquare(n - 1, (2, replications, k)) / (n - 1)
    return smd_tests(diff, var1, var2, n), theta


def two_study_coverage(true_effect=0.2, tau=0.1, n=15, k=2, replications=1000, seed=1,
                       method="REML"):
    """Coverage of the pooled 95 % CI for ``k`` synthetic studies: normal (z) vs Hartung-Knapp.

    Each replication pools k studies with :func:`failurelab.meta.pool` (``method``) twice, with
    test="z" and test="knha" (Hartung & Knapp 2001), and checks whether each CI contains
    ``true_effect`` (the mean of the studies' true SMDs). Returns a :class:`TwoStudyCoverage`.
    """
    replications = whole("replications", replications, 10, 20_000,
                         what="a whole number (simulated meta-analyses)")
    method = choice("method", method.upper() if isinstance(method, str) else method,
                    meta.METHODS)
    res, _ = _study_sets(true_effect, tau, n, k, replications, _seed(seed))
    hits = np.zeros((2, replications), dtype=bool)
    widths = np.zeros((2, replications))
    for r in range(replications):
        for i, test in enumerate(meta.TESTS):  # ("z", "knha")
            p = meta.pool(res["g"][r], res["vi"][r], method=method, test=test)
            hits[i, r] = p.ci_low <= true_effect <= p.ci_high
            widths[i, r] = p.ci_high - p.ci_low
    return TwoStudyCoverage(true_effect=float(true_effect), tau=float(tau), n=int(n), k=int(k),
                            replications=replications, coverage_z=float(hits[0].mean()),
                            coverage_knha=float(hits[1].mean()),
                            median_width_z=float(np.median(widths[0])),
                            median_width_knha=float(np.median(widths[1])))
