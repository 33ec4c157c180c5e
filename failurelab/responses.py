"""Individual responses and confounding with volume: two seeded, vectorised trial simulators.

Everything simulated here is SYNTHETIC (teaching simulations, not data); every parameter is an
argument with a stated default, and the analytic values the simulations must reproduce are
separate functions, so tests and notebooks can compare the two.

1. Individual responses (notebook 4.3). A parallel-group trial: each person trains with one
   protocol only. The change score of person i is

       control arm (non-failure):  mean_control               + common_i + noise_i
       intervention arm (failure): mean_control + mean_effect + common_i + response_i + noise_i

   common_i ~ N(0, sd_common^2): how much a person responds to training in general (both arms);
   response_i ~ N(0, sd_response^2): the person's extra response to failure over non-failure;
   noise_i ~ N(0, sd_noise^2): measurement error of pre and post tests plus day-to-day variation.
   The SD of individual responses is then sqrt(SD_change_I^2 - SD_change_C^2) = sd_response
   (Atkinson & Batterham 2015, doi:10.1113/EP085070; Hopkins 2015, J Appl Physiol 118:1444-1446).

2. Volume confounding (notebook 4.4). Failure acts ONLY through volume unless ``direct_effect``
   is set: gain_i = gain_per_set * sets_i + direct_effect * [failure arm] + e_i, e_i ~ N(0, 1),
   sets_i ~ N(arm's weekly sets, sd_sets^2). The outcome unit is the SD of the gain among people
   with the same volume. The naive (volume not equated) comparison then has the population SMD
   (direct_effect + gain_per_set * (sets_failure - sets_nonfailure)) / sqrt(1 + gain_per_set^2 sd_sets^2).
   The linear dose-response and every default are assumptions of this teaching model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import stats

from . import effect_sizes as es
from .validation import array, choice, fail, fraction, real, whole

SYNTHETIC = "synthetic (simulated), not measured data"

#: Defaults of the individual-responses simulation (all assumptions except mean_control).
#: mean_control = 1.8 mm: quadriceps thickness grew 0.181 cm (FAIL) and 0.182 cm (RIR) in
#: Refalo et al. 2024 (doi:10.1080/02640414.2024.2321021, abstract-verified); mean_effect = 0
#: matches their near-zero difference. The three SDs (mm) are assumptions.
INDIVIDUAL_DEFAULTS = dict(n=15, mean_control=1.8, mean_effect=0.0, sd_response=0.5,
                           sd_common=1.0, sd_noise=1.0, threshold=3.0, trials=2000, seed=43)

#: Defaults of the volume-confounding simulation. All are assumptions of the teaching model:
#: weekly sets per muscle in each arm, the gain per weekly set (in outcome SDs), the
#: between-person SD of the sets completed, and no direct effect of failure.
VOLUME_DEFAULTS = dict(n=15, sets_nonfailure=12.0, sets_failure=9.0, gain_per_set=0.1,
                       direct_effect=0.0, sd_sets=1.0, trials=2000, seed=44, alpha=0.05)


#: Largest magnitude of a mean or a threshold (in the outcome's units).
MAX_VALUE = 1e6


def _param(name, value, low=-MAX_VALUE, high=MAX_VALUE, whole_number=False):
    """``value`` as a float (an int if ``whole_number``) from ``low`` to ``high``."""
    if whole_number:
        return whole(name, value, low, high)
    return real(name, value, low, high)


def _alpha(alpha):
    return fraction("alpha", alpha, hint=" (e.g. 0.05)")


#: people per arm drawn at once: a smaller n uses the first n of them (a larger n adds
#: people to the same trials), so changing n in an explorer needs no new draws
N_BLOCK = 100


@lru_cache(maxsize=16)
def _normal_block(seed, trials, n, k):
    z = np.random.default_rng(seed).standard_normal((k, trials, n))
    z.flags.writeable = False
    return z


def _normals(seed, trials, n, k):
    """Standard normal draws of shape (k, trials, n), read-only: every setting of the SDs and
    means rescales the same draws, so moving a slider changes the figure smoothly."""
    return _normal_block(seed, trials, max(n, N_BLOCK), k)[:, :, :n]


# -- 1. individual responses -------------------------------------------------------------------

def sd_individual_responses(sd_change_intervention, sd_change_control):
    """SD of true individual responses, sqrt(SD_I^2 - SD_C^2) (Atkinson & Batterham 2015;
    Hopkins 2015). When the control arm's SD is the larger one the result is reported as a
    negative SD, -sqrt(SD_C^2 - SD_I^2), as Hopkins 2015 recommends, instead of being dropped.

    Accepts numbers or arrays (same shape); both SDs must be finite and >= 0.
    """
    sds = [array(name, raw, 0, what="a finite SD or an array of them")
           for name, raw in (("sd_change_intervention", sd_change_intervention),
                             ("sd_change_control", sd_change_control))]
    try:
        sds = np.broadcast_arrays(*sds)
    except ValueError:
        fail("sd_change_intervention and sd_change_control must have the same shape, got "
             f"{sds[0].shape} and {sds[1].shape}")
    sd_i, sd_c = sds
    diff = sd_i**2 - sd_c**2
    out = np.sign(diff) * np.sqrt(np.abs(diff))
    return float(out) if out.ndim == 0 else out


def _individual_params(n, mean_control, mean_effect, sd_response, sd_common, sd_noise,
                       threshold):
    return dict(n=_param("n", n, 3, 10_000, whole_number=True),
                mean_control=_param("mean_control", mean_control),
                mean_effect=_param("mean_effect", mean_effect),
                sd_response=_param("sd_response", sd_response, 0, 1e6),
                sd_common=_param("sd_common", sd_common, 0, 1e6),
                sd_noise=_param("sd_noise", sd_noise, 0, 1e6),
                threshold=_param("threshold", threshold))


def expected_individual_responses(n=15, mean_control=1.8, mean_effect=0.0, sd_response=0.5,
                                  sd_common=1.0, sd_noise=1.0, threshold=3.0):
    """Analytic values of the individual-responses model (see the module doc).

    ``sd_change_intervention`` = sqrt(sd_common^2 + sd_response^2 + sd_noise^2) and
    ``sd_change_control`` = sqrt(sd_common^2 + sd_noise^2); ``sd_ir`` = sd_response;
    ``share_response`` = sd_response^2 / sd_change_intervention^2, the share of the spread of
    the failure arm's change scores that is individual response to failure (the squared
    correlation between observed change and the true individual effect);
    ``share_labelled_intervention`` / ``_control``: expected share of each arm whose observed
    change is at least ``threshold`` (normal tail); ``se_variance_difference``: SE of
    SD_I^2 - SD_C^2 from two independent samples of n, sqrt(2 s_I^4/(n-1) + 2 s_C^4/(n-1))
    (the variance of a normal sample variance is 2 sigma^4 / (n - 1)).
    """
    p = _individual_params(n, mean_control, mean_effect, sd_response, sd_common, sd_noise,
                           threshold)
    var_c = p["sd_common"] ** 2 + p["sd_noise"] ** 2
    var_i = var_c + p["sd_response"] ** 2
    if var_c == 0:
        fail("sd_common and sd_noise cannot both be 0: the control arm would have "
             "no spread at all")
    sd_i, sd_c = math.sqrt(var_i), math.sqrt(var_c)
    mean_i = p["mean_control"] + p["mean_effect"]
    n = p["n"]
    return dict(sd_change_intervention=sd_i, sd_change_control=sd_c, sd_ir=p["sd_response"],
                variance_difference=var_i - var_c, share_response=p["sd_response"] ** 2 / var_i,
                share_labelled_intervention=float(stats.norm.sf((p["threshold"] - mean_i) / sd_i)),
                share_labelled_control=float(stats.norm.sf((p["threshold"] - p["mean_control"])
                                                           / sd_c)),
                se_variance_difference=math.sqrt(2 * var_i**2 / (n - 1) + 2 * var_c**2 / (n - 1)),
                share_benefit=(float(stats.norm.sf(-p["mean_effect"] / p["sd_response"]))
                               if p["sd_response"] > 0 else float(p["mean_effect"] > 0)))


@dataclass(frozen=True)
class IndividualResponses:
    """Result of :func:`simulate_individual_responses` (synthetic). Arrays have shape
    (trials, n): ``change_intervention`` / ``change_control`` (observed change scores) and
    ``true_effect`` (each failure-arm person's true individual effect of failure over
    non-failure, mean_effect + response_i). Per trial: ``sd_intervention``, ``sd_control``
    (ddof = 1) and ``sd_ir`` (signed, :func:`sd_individual_responses`)."""

    change_intervention: np.ndarray
    change_control: np.ndarray
    true_effect: np.ndarray
    sd_intervention: np.ndarray
    sd_control: np.ndarray
    sd_ir: np.ndarray
    parameters: dict = field(default_factory=dict)
    label: str = SYNTHETIC

    @property
    def variance_difference(self):
        """SD_I^2 - SD_C^2 per trial: its mean estimates sd_response^2 without bias."""
        return self.sd_intervention**2 - self.sd_control**2

    def labelled(self, threshold=None):
        """Boolean arrays (intervention, control): observed change >= ``threshold``
        (default: the simulation's threshold), i.e. who would be called a "responder"."""
        t = self.parameters["threshold"] if threshold is None else _param("threshold",
                                                                          threshold)
        return self.change_intervention >= t, self.change_control >= t


def simulate_individual_responses(n=15, mean_control=1.8, mean_effect=0.0, sd_response=0.5,
                                  sd_common=1.0, sd_noise=1.0, threshold=3.0, trials=2000,
                                  seed=43):
    """``trials`` synthetic parallel-group trials with ``n`` people per arm (module doc, model 1).

    Seeded and vectorised: one array of standard normals of shape (5, trials, max(n, 100))
    from ``numpy.random.default_rng(seed)`` (the first n columns are used) gives common_i and noise_i of the control arm, the same
    of the intervention arm, then response_i (in that order), scaled by the SDs. Units are those of ``mean_control`` (mm of muscle
    thickness in the course). ``threshold`` is the change above which a person is "labelled a
    responder" (see :meth:`IndividualResponses.labelled`).
    """
    p = _individual_params(n, mean_control, mean_effect, sd_response, sd_common, sd_noise,
                           threshold)
    trials = _param("trials", trials, 2, 1_000_000, whole_number=True)
    seed = _param("seed", seed, 0, 2**32 - 1, whole_number=True)
    n = p["n"]
    if trials * n > 4_000_000:
        fail(f"trials x n must be at most 4,000,000 (memory), got {trials * n:,}")
    z = _normals(seed, trials, n, 5)
    base = p["mean_control"]
    control = base + p["sd_common"] * z[0] + p["sd_noise"] * z[1]
    true_effect = p["mean_effect"] + p["sd_response"] * z[4]
    intervention = base + p["sd_common"] * z[2] + p["sd_noise"] * z[3] + true_effect
    sd_i, sd_c = intervention.std(axis=1, ddof=1), control.std(axis=1, ddof=1)
    for arr in (control, true_effect, intervention, sd_i, sd_c):
        arr.flags.writeable = False
    sd_ir = sd_individual_responses(sd_i, sd_c)
    sd_ir.flags.writeable = False
    return IndividualResponses(intervention, control, true_effect, sd_i, sd_c, sd_ir,
                               parameters={**p, "trials": trials, "seed": seed})


# -- 2. confounding with volume -----------------------------------------------------------------

def _volume_params(n, sets_nonfailure, sets_failure, gain_per_set, direct_effect, sd_sets):
    return dict(n=_param("n", n, 3, 10_000, whole_number=True),
                sets_nonfailure=_param("sets_nonfailure", sets_nonfailure, 0, 100),
                sets_failure=_param("sets_failure", sets_failure, 0, 100),
                gain_per_set=_param("gain_per_set", gain_per_set, -5, 5),
                direct_effect=_param("direct_effect", direct_effect, -5, 5),
                sd_sets=_param("sd_sets", sd_sets, 0, 50))


def expected_volume_smd(sets_nonfailure=12.0, sets_failure=9.0, gain_per_set=0.1,
                        direct_effect=0.0, sd_sets=1.0):
    """Population SMD (positive favours failure) of the naive, volume-not-equated comparison:
    (direct_effect + gain_per_set (sets_failure - sets_nonfailure)) / sqrt(1 + gain^2 sd_sets^2).

    With equated volume (sets_failure = sets_nonfailure) only the direct effect remains.
    """
    p = _volume_params(3, sets_nonfailure, sets_failure, gain_per_set, direct_effect, sd_sets)
    sd = math.sqrt(1 + p["gain_per_set"] ** 2 * p["sd_sets"] ** 2)
    diff = p["direct_effect"] + p["gain_per_set"] * (p["sets_failure"] - p["sets_nonfailure"])
    return diff / sd


@dataclass(frozen=True)
class VolumeTrials:
    """Result of :func:`simulate_volume_confounding` (synthetic). Per trial (arrays of length
    ``trials``), for the comparison as designed (``naive``: volume not equated) and with the
    failure arm's volume set to the non-failure arm's (``equated``): Hedges' g (``*_g``,
    positive favours failure), the raw mean difference (``*_difference``) and the two-sided
    t-test p-value (``*_p``)."""

    naive_g: np.ndarray
    naive_difference: np.ndarray
    naive_p: np.ndarray
    equated_g: np.ndarray
    equated_difference: np.ndarray
    equated_p: np.ndarray
    parameters: dict = field(default_factory=dict)
    label: str = SYNTHETIC

    def share_significant(self, which="naive", direction=None):
        """Share of trials with p < alpha; ``direction`` "failure" / "nonfailure" keeps only
        those whose estimate favours that arm."""
        choice("which", which, ("naive", "equated"))
        if direction is not None:
            choice("direction", direction, ("failure", "nonfailure"),
                   what="None, 'failure' or 'nonfailure'")
        p, d = getattr(self, f"{which}_p"), getattr(self, f"{which}_difference")
        hit = p < self.parameters["alpha"]
        if direction == "failure":
            hit &= d > 0
        elif direction == "nonfailure":
            hit &= d < 0
        return float(hit.mean())


def _two_arm_tests(failure, nonfailure, J):
    """Hedges' g, mean difference and pooled-SD t-test p per trial (rows), n per arm."""
    n = failure.shape[1]
    diff = failure.mean(axis=1) - nonfailure.mean(axis=1)
    sd_pooled = np.sqrt((failure.var(axis=1, ddof=1) + nonfailure.var(axis=1, ddof=1)) / 2)
    t = diff / (sd_pooled * math.sqrt(2 / n))
    p = 2 * stats.t.sf(np.abs(t), 2 * n - 2)
    return J * diff / sd_pooled, diff, p


def simulate_volume_confounding(n=15, sets_nonfailure=12.0, sets_failure=9.0, gain_per_set=0.1,
                                direct_effect=0.0, sd_sets=1.0, trials=2000, seed=44,
                                alpha=0.05):
    """``trials`` synthetic failure vs non-failure trials, ``n`` per arm (module doc, model 2).

    Seeded and vectorised: standard normals of shape (4, trials, max(n, 100)) from
    ``numpy.random.default_rng(seed)`` (the first n columns are used) give the sets and the residual gain of each arm. The
    equated comparison reuses the same people, with the failure arm's sets moved to
    ``sets_nonfailure``. Hedges' g uses :func:`failurelab.effect_sizes.correction_factor`.
    """
    p = _volume_params(n, sets_nonfailure, sets_failure, gain_per_set, direct_effect, sd_sets)
    trials = _param("trials", trials, 2, 1_000_000, whole_number=True)
    seed = _param("seed", seed, 0, 2**32 - 1, whole_number=True)
    alpha = _alpha(alpha)
    n = p["n"]
    if trials * n > 4_000_000:
        fail(f"trials x n must be at most 4,000,000 (memory), got {trials * n:,}")
    z = _normals(seed, trials, n, 4)
    b, s = p["gain_per_set"], p["sd_sets"]
    nonfailure = b * (p["sets_nonfailure"] + s * z[0]) + z[1]
    person = b * s * z[2] + p["direct_effect"] + z[3]  # failure arm without the arm's mean sets
    naive = person + b * p["sets_failure"]
    equated = person + b * p["sets_nonfailure"]
    J = es.correction_factor(2 * n - 2)
    out = [*_two_arm_tests(naive, nonfailure, J), *_two_arm_tests(equated, nonfailure, J)]
    for arr in out:
        arr.flags.writeable = False
    return VolumeTrials(*out, parameters={**p, "trials": trials, "seed": seed, "alpha": alpha})
