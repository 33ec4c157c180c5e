"""Load-repetition relations, the RIR-based RPE scale and RIR prediction error.

Formulas as in data/load_rep_equations.csv: Epley and Brzycki (1993), two classic equations,
and modified Epley, Jovanovic's re-anchored Epley from the STMr R package (Epley's form shifted
so that r = 1 gives 1RM; not an independent third estimate). All were built for sets of about
10 repetitions to failure or fewer (Reynolds et al. 2006, J Strength Cond Res 20(3):584-592;
Mayhew et al. 2008, doi:10.1519/JSC.0b013e31817b02ad); beyond that they are extrapolations.
p is the load as a fraction of 1RM; r the repetitions to failure.
RPE scale: Zourdos et al. 2016 (doi:10.1519/JSC.0000000000001049). RIR accuracy: Halperin et al.
2022 (doi:10.1007/s40279-021-01559-x), Hackett et al. 2017 (doi:10.1519/JSC.0000000000001683),
Steele et al. 2017 (doi:10.7717/peerj.4105); values in data/rir_accuracy.csv.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .validation import array, fail, real, shown, whole

#: repetitions to failure at a fraction p of 1RM
REPS_AT_LOAD = {
    "Epley": lambda p: 30 * (1 / p - 1),
    "Brzycki": lambda p: 37 - 36 * p,
    "Modified Epley": lambda p: (1 / p - 1) / 0.0353 + 1,
}
#: fraction of 1RM that allows r repetitions to failure (inverse of REPS_AT_LOAD)
LOAD_FOR_REPS = {
    "Epley": lambda r: 1 / (1 + r / 30),
    "Brzycki": lambda r: (37 - r) / 36,
    "Modified Epley": lambda r: 1 / (0.0353 * (r - 1) + 1),
}
#: repetitions to failure each formula accepts: (lowest, highest or None); Brzycki excludes 37
REPS_RANGE = {"Epley": (0, None), "Brzycki": (1, 37), "Modified Epley": (1, None)}


#: Largest weight (kg), repetitions and repetitions in reserve a set may have here.
MAX_WEIGHT_KG, MAX_REPS, MAX_RIR = 10_000, 1000, 100
#: Most simulated sets :func:`simulate_rir_error` draws at once (memory and time).
MAX_SIMULATED_SETS = 1_000_000


def _formula(formula):
    if not (isinstance(formula, str) and formula in REPS_AT_LOAD):
        fail(f"unknown formula {shown(formula)}; formula must be one of "
             f"{', '.join(REPS_AT_LOAD)}")
    return formula


def _load(load_fraction, ndim=None):
    what = "a fraction of 1RM or " + ("a flat list of them" if ndim else "an array of them")
    return array("load_fraction", load_fraction, 0, 1, open_low=True, ndim=ndim, what=what,
                 hint=" (e.g. 0.75)")


def _rir(rir):
    return real("rir (repetitions in reserve)", rir, 0, MAX_RIR)


def reps_at_load(load_fraction, formula="Epley"):
    """Repetitions to failure predicted by ``formula`` at ``load_fraction`` of 1RM."""
    _formula(formula)
    p = _load(load_fraction)
    r = REPS_AT_LOAD[formula](p)
    return float(r) if r.ndim == 0 else r


def _check_reps_to_failure(r, formula, what):
    low, high = REPS_RANGE[formula]
    if np.any(r < low):
        fail(f"{what} must be at least {low} for {formula}, got {shown(r.tolist())}")
    if high is not None and np.any(r >= high):
        fail(f"{what} must be below {high} for {formula} (its 1RM estimate "
             f"divides by 37 - reps), got {shown(r.tolist())}")


def load_for_reps(reps, formula="Epley"):
    """Fraction of 1RM at which ``reps`` repetitions reach failure (inverse of reps_at_load)."""
    _formula(formula)
    r = array("reps", reps, high=MAX_REPS + MAX_RIR, what="a finite number or an array of them")
    _check_reps_to_failure(r, formula, "reps")
    p = LOAD_FOR_REPS[formula](r)
    return float(p) if p.ndim == 0 else p


def one_rm(weight, reps, rir=0, formula="Epley"):
    """Estimated 1RM (e1RM) from a set of ``reps`` with ``weight`` stopped ``rir`` reps short.

    The reps to failure are reps + rir. Epley gives 1.033 x weight for one rep
    to failure; Brzycki and modified Epley give exactly the weight.
    """
    _formula(formula)
    w = real("weight", weight, 0, MAX_WEIGHT_KG, open_low=True,
             hint=" kg (an e1RM needs a loaded set)")
    n = whole("reps", reps, 1, MAX_REPS)
    extra = _rir(rir)
    r = np.asarray(n + extra, dtype=float)
    _check_reps_to_failure(r, formula, "reps + rir (repetitions to failure)")
    return w / float(LOAD_FOR_REPS[formula](r))


def formula_spread(load_fraction):
    """Reps to failure of every formula at ``load_fraction`` and their disagreement.

    A scalar gives a dict (one entry per formula, then ``min``, ``max`` and ``spread`` =
    max - min); an array gives a DataFrame with those columns plus ``load_fraction``.
    The spread grows at light loads, beyond the about 10 reps the formulas were built for: there
    Brzycki's straight line (never above 37 reps) falls far below Epley's curve.
    """
    _load(load_fraction, ndim=(0, 1))
    reps = {name: reps_at_load(load_fraction, name) for name in REPS_AT_LOAD}
    stacked = np.vstack([np.atleast_1d(v) for v in reps.values()])
    low, high = stacked.min(axis=0), stacked.max(axis=0)
    if np.ndim(load_fraction) == 0:
        return {**reps, "min": float(low[0]), "max": float(high[0]),
                "spread": float(high[0] - low[0])}
    table = pd.DataFrame({"load_fraction": np.asarray(load_fraction, dtype=float), **reps})
    table["min"], table["max"], table["spread"] = low, high, high - low
    return table


# ----------------------------------------------------------------------------- RIR-based RPE
#: Zourdos et al. 2016 RIR-based RPE scale: RPE -> (RIR low, RIR high, description).
#: Only "RPE-10 0-RIR, RPE-9 1-RIR, and so forth" is in the abstract; the full scale below is
#: from secondary sources (verify before quoting). RPE 9.5 and 10 are both 0 RIR in
#: repetitions; 9.5 means the load could still be raised. RPE 1-4 describe effort, not RIR.
RPE_SCALE = {
    10.0: (0, 0, "maximal effort"),
    9.5: (0, 0, "no further repetitions, but could increase load"),
    9.0: (1, 1, "1 repetition remaining"),
    8.5: (1, 2, "1-2 repetitions remaining"),
    8.0: (2, 2, "2 repetitions remaining"),
    7.5: (2, 3, "2-3 repetitions remaining"),
    7.0: (3, 3, "3 repetitions remaining"),
    6.0: (4, 6, "4-6 repetitions remaining"),
    5.5: (4, 6, "4-6 repetitions remaining"),
    5.0: (4, 6, "4-6 repetitions remaining"),
}


def rir_from_rpe(rpe):
    """RIR range ``(low, high)`` for an RPE of the Zourdos 2016 scale (e.g. 8.5 -> (1, 2))."""
    value = real("RPE", rpe, 1)
    if value in RPE_SCALE:
        low, high, _ = RPE_SCALE[value]
        return (low, high)
    if 1 <= value < 5:
        fail(f"RPE {value:g} describes effort only (1-2 little to no effort, 3-4 "
                         f"light effort); the scale gives repetitions in reserve from RPE 5")
    fail(f"RPE {value:g} is not on the scale; use 5, 5.5, 6, 7, 7.5, 8, 8.5, 9, "
                     f"9.5 or 10")


def rpe_from_rir(rir):
    """RPE range ``(low, high)`` of the Zourdos 2016 scale for ``rir`` repetitions in reserve.

    0 RIR -> (9.5, 10) because both RPEs mean no further repetition; 1.5 -> (8.5, 8.5);
    4, 5 or 6 -> (5, 6). Other values (0.5, 3.5, above 6) have no RPE on the scale.
    """
    value = _rir(rir)
    if value > 6:
        fail(f"the RPE scale stops at 6 repetitions in reserve (RPE 5), got {value:g}")
    matches = [rpe for rpe, (low, high, _) in RPE_SCALE.items()
               if (low == high == value) or (low < high and (low + high) / 2 == value)
               or (high - low > 1 and low <= value <= high and value.is_integer())]
    if not matches:
        fail(f"{value:g} RIR has no RPE on the scale; use 0, 1, 1.5, 2, 2.5, 3 or a "
                         f"whole number from 4 to 6 (RPE 9.5 means 0 RIR but a heavier load "
                         f"was possible)")
    return (min(matches), max(matches))


# ----------------------------------------------------------------------------- RIR error
@dataclass(frozen=True)
class RIRSimulation:
    """Result of :func:`simulate_rir_error`: one simulated set per entry of ``true_rir``."""

    reported_rir: float
    true_rir: np.ndarray = field(repr=False)
    parameters: dict

    @property
    def error(self):
        """True minus reported RIR (positive = the lifter under-predicted)."""
        return self.true_rir - self.reported_rir

    @property
    def mean_error(self):
        return float(self.error.mean())

    def share_beyond(self, reps):
        """Share of sets that were more than ``reps`` repetitions further from failure than reported."""
        extra = real("reps", reps, 0, MAX_REPS)
        return float(np.mean(self.error > extra))


def simulate_rir_error(reported_rir, n=10_000, seed=0, bias=0.95, bias_slope=0.15, sd=1.0,
                       sd_slope=0.2):
    """TEACHING SIMULATION of how far a reported RIR may be from the true RIR.

    true RIR = reported + bias + bias_slope * reported + Normal(0, sd + sd_slope * reported),
    cut at 0 (a set cannot end beyond failure). Only ``bias`` is published: the pooled
    under-prediction of 0.95 reps (95 % CI 0.17-1.73) of Halperin et al. 2022, with I² = 97.9 %.
    That is an average over predictions made at all distances from failure; applied here already
    at a reported 0 RIR and increased further out, it makes the simulated mean error larger than
    0.95 at every reported RIR (1.03, 1.24 and 1.68 at 0, 2 and 5 RIR with n = 20 000, seed 1):
    the simulation overstates the bias. A reported 0 RIR is a judgement; a set taken to failure
    is observed and is not simulated here.
    ``bias_slope`` and ``sd_slope`` are assumptions that make the error grow far from failure as
    reported (Hackett et al. 2017: about 1 rep with 0-5 reps left, over 2 reps with 7-10 left);
    ``sd`` is an assumption, kept below Steele et al. 2017's SEM of 2.64-3.38 reps, which was
    measured at the start of sets taken to failure (far from failure). Not a measurement.
    """
    rep = real("reported_rir", reported_rir, 0, MAX_RIR)
    count = whole("n (number of simulated sets)", n, 1, MAX_SIMULATED_SETS)
    rng_seed = whole("seed", seed, 0, 2**32 - 1)
    b = real("bias", bias, -MAX_RIR, MAX_RIR)
    b_slope = real("bias_slope", bias_slope, -10, 10)
    spread = real("sd", sd, 0, MAX_RIR)
    s_slope = real("sd_slope", sd_slope, 0, 10)
    rng = np.random.default_rng(rng_seed)
    mean = rep + b + b_slope * rep
    true = np.clip(rng.normal(mean, spread + s_slope * rep, size=count), 0, None)
    params = {"bias": b, "bias_slope": b_slope, "sd": spread, "sd_slope": s_slope,
              "n": count, "seed": rng_seed}
    return RIRSimulation(reported_rir=rep, true_rir=true, parameters=params)
