"""Potvin & Fuglevand (2017) motor-unit fatigue model, and sets of repetitions built on it.

Potvin JR, Fuglevand AJ (2017). A motor unit-based model of muscle fatigue. PLoS Comput Biol
13(6):e1005581, doi:10.1371/journal.pcbi.1005581. The simulation follows the authors' MATLAB
code (JimPotvin/Potvin_Fuglevand_Muscle_Fatigue_Model @ 15462f8) sample by sample; symbols of
that code are given in parentheses. At every sample the model finds the smallest excitation (on a
grid of 1/res) whose fatigued, rate-adapted force meets the target; the remaining capacity is the
force the pool could make at maximal excitation. Task failure (the endurance time) is the first
sample where capacity falls below the target. This version of the model has no recovery.

The code evaluates a window of four neighbouring grid excitations in one vectorised call,
placed by the previous sample's excitation and its last change and moved until it brackets the
answer, instead of the authors' hop-and-step search; both return the smallest grid excitation
that meets the target, because force rises monotonically with excitation. Simulations run one
target at a time (an endurance curve is a loop over targets).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .motor_units import MotorUnitPool, fusion
from .validation import array, fail, real, shown, whole

#: Fatigue parameters of Potvin & Fuglevand (2017), named as in the authors' code.
FATIGUE_DEFAULTS = dict(
    fatigue_range=180.0,  # fat: range of fatigue rates across the units
    fatigue_factor=0.0225,  # FatFac: fraction of a unit's peak force lost per second at full fusion
    adaptation_tau=22.0,  # tau, s: time constant of firing-rate adaptation (Revill & Fuglevand 2011)
    adaptation_scale=0.67,  # adaptSF (Revill & Fuglevand 2011)
    contraction_time_scale=0.379,  # ctSF: contraction-time slowing (Shields et al. 1997)
)
RESOLUTION = 100  # res: excitation grid of 1/100 of a unit
SAFETY_LIMIT_S = 3600.0  # a sustained contraction is never simulated longer than this


@dataclass(frozen=True)
class SustainedResult:
    """Time series of a sustained isometric contraction (one row per sample).

    time (s, the end of each sample as in the authors' output), target (fraction of maximal
    force), excitation (model units) and excitation_fraction (of maximal excitation), force
    (produced, fraction of rested maximum), capacity (force at maximal excitation, TPtMAX),
    strength_no_adaptation (Tstrength), n_recruited (units firing), recruited_share (share of
    the pool's summed twitch force in recruited units), unit_capacity
    (samples x units: Pnow / P), endurance_time (s; NaN if capacity never fell below target).
    """

    time: np.ndarray
    target: float
    excitation: np.ndarray
    excitation_fraction: np.ndarray
    force: np.ndarray
    capacity: np.ndarray
    strength_no_adaptation: np.ndarray
    n_recruited: np.ndarray
    recruited_share: np.ndarray
    unit_capacity: np.ndarray
    endurance_time: float
    pool: MotorUnitPool

    @property
    def failed(self):
        """Did the contraction reach task failure within the simulated time?"""
        return bool(np.isfinite(self.endurance_time))


class _Engine:
    """Per-pool tables of the 2017 model, shared by every simulation on that pool."""

    def __init__(self, pool, fatigue_range, fatigue_factor, adaptation_tau, adaptation_scale,
                 contraction_time_scale):
        self.pool = pool
        self.n_act = round(pool.max_excitation * RESOLUTION)  # maxact
        self.grid = np.arange(1, self.n_act + 1) / RESOLUTION  # acti = act / res
        # mufr(mu, act) = min(mir (acti - thr) + minfr, frp) once acti >= thr, one row per grid
        # point (MotorUnitPool.firing_rates, built in place: the tables are large)
        mufr = np.subtract.outer(self.grid, pool.thresholds)
        off = mufr < 0
        mufr *= pool.rate_gain
        mufr += pool.min_rate
        np.minimum(mufr, pool.peak_rates, out=mufr)
        mufr[off] = 0.0
        self.rate_table, self.rate_max = mufr, mufr[-1]
        # adaptFR uses (mufr - minfr + 2), and is 0 for a unit that is not firing (mufr = 0)
        self.adapt_table = mufr - (pool.min_rate - 2)
        np.maximum(self.adapt_table, 0.0, out=self.adapt_table)
        self.max_force = self._rested_force(self.n_act - 1)  # maxP
        n = pool.n
        # fatigue(i) = exp(ln(fat)(i-1)/(n-1)) (FatFac / fat) P(i)
        rates = np.exp((np.log(fatigue_range) / (n - 1)) * np.arange(n))
        self.fatigue = rates * (fatigue_factor / fatigue_range) * pool.twitch_forces
        # adaptFR coefficient: (thr(i) - 1)/(thr(n) - 1) adaptSF
        self.adapt_coef = (pool.thresholds - 1) / (pool.thresholds[-1] - 1) * adaptation_scale
        self.tau = adaptation_tau
        self.ct_scale = contraction_time_scale
        # capacity without adaptation: muP(mu, maxact) / P(mu)
        self.rested_fusion_max = fusion(pool.contraction_times / 1000 * self.rate_max)
        # MotorUnitPool.recruited_force_share by number of units recruited (the smallest first)
        first = np.arange(n) < np.arange(n + 1)[:, None]
        self.share_by_count = (first * pool.twitch_forces).sum(axis=-1) / pool.twitch_forces.sum()

    def _rested_force(self, act):
        """Rested force at grid index act (totalP(act))."""
        pool = self.pool
        return (fusion(pool.contraction_times / 1000 * self.rate_table[act]) * pool.twitch_forces).sum()

    def rested_act(self, target):
        """Index (0-based) of the smallest grid excitation whose rested force meets the target
        (bisection: rested force rises with excitation)."""
        lo, hi = 0, self.n_act - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if self._rested_force(mid) / self.max_force >= target:
                hi = mid
            else:
                lo = mid + 1
        return lo

    def _evaluate(self, lo, ctn, p_now, coef):
        """Force and capacity (fractions of maxP: TPt, TPtMAX) at the grid indices lo, lo + 1, ...
        (a window of _WINDOW), and PrFAT per candidate and unit.

        adaptFR = coef (mufr - minfr + 2) lowers both the candidate's rate (mufrFAT) and the
        maximal rate (mufrMAX); both are evaluated in one array, candidates first.
        """
        adapt = coef * self.adapt_table[lo:lo + _WINDOW]  # adaptFR
        x = np.empty((2 * _WINDOW, self.pool.n))
        np.subtract(self.rate_table[lo:lo + _WINDOW], adapt, out=x[:_WINDOW])  # mufrFAT
        np.subtract(self.rate_max, adapt, out=x[_WINDOW:])  # mufrMAX
        x *= ctn  # ctFAT / 1000 * rate
        pr = fusion(x)
        tp = (np.einsum("wn,n->w", pr, p_now) / self.max_force).tolist()
        return tp[:_WINDOW], tp[_WINDOW:], pr

    def _search(self, start, target, ctn, p_now, coef):
        """Smallest grid index whose force meets the target (the maximal one if none does), with
        its force, capacity and PrFAT. The window starts at ``start`` and is moved until it
        brackets the answer; force rises with excitation, so the first index that meets the
        target is the answer."""
        top = self.n_act - 1
        lo = min(max(start, 0), top - _WINDOW + 1)
        while True:
            force, capacity, pr = self._evaluate(lo, ctn, p_now, coef)
            k = next((j for j, f in enumerate(force) if f >= target), _WINDOW)
            if k == 0 and lo > 0:  # the answer may lie lower
                lo = max(lo - _WINDOW + 1, 0)
            elif k == _WINDOW and lo < top - _WINDOW + 1:  # higher
                lo = min(lo + _WINDOW - 1, top - _WINDOW + 1)
            else:
                k = min(k, _WINDOW - 1)  # none meets the target: maximal excitation
                return lo + k, force[k], capacity[k], pr[k]

    def run(self, target, dt, n_samples, stop_at_failure=True, record_units=False):
        """Simulate a sustained contraction at ``target`` (fraction of maxP) for n_samples of dt.

        Returns per-sample arrays of grid index, force and capacity, Pnow / P per unit
        (samples x n, with ``record_units``, else None) and the sample (1-based) of task
        failure (0 = none). With ``stop_at_failure`` the run ends at that sample.
        """
        pool, n = self.pool, self.pool.n
        p0 = pool.twitch_forces
        p_now = p0  # Pnow: replaced at every sample, never changed in place
        # adaptation factor 1 - e^(-Rdur/tau), Rdur = (i - muON + 1)/samprate: kept as the decaying
        # e^(-Rdur/tau) ("decay", 1 until a unit is first recruited at sample muON)
        decay = np.ones(n)
        n_on = 0  # units recruited so far (muON > 0): the first n_on, as thresholds rise
        thresholds, grid = pool.thresholds.tolist(), self.grid.tolist()
        q = np.exp(-dt / self.tau)
        # ctFAT / 1000 = ct (1 + ctSF (1 - Pnow/P)) / 1000 = ct_a - ct_b Pnow
        ct_a = pool.contraction_times / 1000 * (1 + self.ct_scale)
        ct_b = pool.contraction_times / 1000 * self.ct_scale / p0
        fatigue_step = self.fatigue / (1.0 / dt)  # fatigue / samprate
        act, step, fail_sample = self.rested_act(target), 0, 0
        acts, forces, capacities = [], [], []
        units = np.empty((n_samples, n)) if record_units else None  # Pnow per sample
        for i in range(1, n_samples + 1):  # the authors' 1-based sample index
            coef = self.adapt_coef - self.adapt_coef * decay
            ctn = ct_a - ct_b * p_now
            # candidates from one step below the previous excitation moved by its last change
            chosen, force, capacity, pr = self._search(act + max(step - 1, 0) - 1, target, ctn,
                                                       p_now, coef)
            if i > 1:
                step = chosen - act  # extrapolate the last change of excitation
            act = chosen
            acts.append(chosen)
            forces.append(force)
            capacities.append(capacity)
            if record_units:
                units[i - 1] = p_now
            decay[:n_on] *= q
            if n_on < n and grid[chosen] >= thresholds[n_on]:  # muON: first recruited now
                new_on = bisect_right(thresholds, grid[chosen])
                decay[n_on:new_on] = q * q  # e^(-Rdur/tau) at the next sample, Rdur = 2 samples
                n_on = new_on
            if i >= 2:  # the authors' code leaves the second sample unfatigued too
                p_now = np.minimum(np.maximum(p_now - fatigue_step * pr, 0.0), p0)
            if capacity < target and not fail_sample:
                fail_sample = i
                if stop_at_failure:
                    break
        if record_units:
            units = units[:len(acts)]
            units /= p0
        return np.array(acts), np.array(forces), np.array(capacities), units, fail_sample


_WINDOW = 4  # candidate grid indices evaluated at once


@lru_cache(maxsize=8)
def _engine(pool_key, fatigue_key):
    return _Engine(MotorUnitPool(**dict(pool_key)), **dict(fatigue_key))


#: Allowed range of each fatigue parameter: (low, high, low excluded); None = unbounded.
FATIGUE_LIMITS = dict(
    fatigue_range=(1.0, None, False),  # fat >= 1: the last unit fatigues fat times faster
    fatigue_factor=(0.0, 1.0, True),  # a fraction of peak force lost per second
    adaptation_tau=(0.0, None, True),  # a time constant, s
    adaptation_scale=(0.0, 1.0, False),  # adaptSF: a fraction of (mufr - minfr + 2)
    contraction_time_scale=(0.0, 10.0, False),  # ctSF: fatigued units up to 1 + ctSF times slower
)


def _check_pool(pool):
    if pool is None:
        return MotorUnitPool()
    if not isinstance(pool, MotorUnitPool):
        fail(f"pool must be a MotorUnitPool (or None for the default pool), got {shown(pool)}")
    return pool


def _engine_for(pool, fatigue_params):
    params = dict(FATIGUE_DEFAULTS)
    if fatigue_params is not None and not isinstance(fatigue_params, Mapping):
        fail("fatigue_params must be a dict such as {'fatigue_factor': 0.03} (or None for the "
             f"defaults), got {shown(fatigue_params)}")
    for k, v in (fatigue_params or {}).items():
        if k not in params:
            fail(f"unknown fatigue parameter {shown(k)}; known: {', '.join(params)}")
        low, high, open_low = FATIGUE_LIMITS[k]
        params[k] = real(k, v, low, high, open_low=open_low,
                         hint=f" (default {FATIGUE_DEFAULTS[k]:g})")
    return _engine(tuple(sorted(pool.params.items())), tuple(sorted(params.items())))


def _check_target(target_fraction):
    return real("target_fraction", target_fraction, 0, 1, open_low=True, what="a fraction of maximal force",
                hint=" (e.g. 0.3 for 30 % MVC)")


MIN_DT, MAX_SAMPLES = 0.001, 150_000  # time step (s) and samples a simulation may take


def _samples(dt, duration, shorter="max_time"):
    """Number of samples of ``dt`` in ``duration`` s, within MAX_SAMPLES (or an InputError that
    suggests a larger dt or, if ``shorter`` names it, a shorter duration)."""
    dt = real("dt", dt, MIN_DT, 1, what="a time step in seconds")
    n = round(duration / dt)
    if n > MAX_SAMPLES:
        fail(f"dt = {dt:g} s over {duration:g} s needs {n:,} samples; at most {MAX_SAMPLES:,} are "
             f"allowed: use dt >= {math.ceil(duration / MAX_SAMPLES / MIN_DT - 1e-9) * MIN_DT:g} s"
             + (f" or {shorter} <= {MAX_SAMPLES * dt:g} s" if shorter else ""))
    return dt, n


def simulate_sustained(target_fraction, pool=None, dt=0.1, max_time=None, fatigue_params=None):
    """Sustained isometric contraction at ``target_fraction`` of maximal force (Potvin & Fuglevand 2017).

    By default the simulation stops at task failure, or after SAFETY_LIMIT_S (3600 s) if the
    target is so low that the pool does not fail by then (below about 0.044 with the default
    pool and parameters: ``failed`` is False and ``endurance_time`` NaN). With ``max_time`` (s)
    it runs that long, going on past failure at maximal excitation. ``dt`` is the time step (s,
    0.001 to 1; at most MAX_SAMPLES samples). ``fatigue_params`` overrides FATIGUE_DEFAULTS
    (ranges: FATIGUE_LIMITS).
    """
    target = _check_target(target_fraction)
    if max_time is not None:
        max_time = real("max_time", max_time, 0, 4 * SAFETY_LIMIT_S, open_low=True,
                        what="a duration in seconds")
    dt, n_samples = _samples(dt, max_time or SAFETY_LIMIT_S)
    eng = _engine_for(_check_pool(pool), fatigue_params)
    acts, force, capacity, unit_cap, fail_sample = eng.run(
        target, dt, n_samples, stop_at_failure=max_time is None, record_units=True)
    excitation = eng.grid[acts]
    n_recruited = np.searchsorted(eng.pool.thresholds, excitation, side="right")  # thr <= E
    return SustainedResult(
        time=np.arange(1, len(acts) + 1) / (1 / dt),  # i / samprate, as in the authors' output
        target=target,
        excitation=excitation,
        excitation_fraction=excitation / eng.pool.max_excitation,
        force=force,
        capacity=capacity,
        strength_no_adaptation=(unit_cap * eng.rested_fusion_max * eng.pool.twitch_forces).sum(axis=1)
        / eng.max_force,
        n_recruited=n_recruited,
        recruited_share=eng.share_by_count[n_recruited],
        unit_capacity=unit_cap,
        endurance_time=fail_sample / (1 / dt) if fail_sample else float("nan"),
        pool=eng.pool,
    )


MAX_TARGETS = 20  # target fractions one endurance curve may simulate


def endurance_curve(targets=None, pool=None, dt=0.1, fatigue_params=None):
    """Endurance time (s) at each target fraction (NaN where the pool does not fail within
    SAFETY_LIMIT_S, see simulate_sustained).

    Default targets: 0.1, 0.2, ..., 1.0 of maximal force; at most MAX_TARGETS of them.
    """
    targets = np.round(np.arange(0.1, 1.0001, 0.1), 1) if targets is None else targets
    targets = array("targets", targets, 0, 1, open_low=True, what="fractions of maximal force",
                    ndim=(0, 1), item="target").reshape(-1)
    if len(targets) > MAX_TARGETS:
        fail(f"targets must hold at most {MAX_TARGETS} fractions, got {len(targets)}")
    dt, n_samples = _samples(dt, SAFETY_LIMIT_S, shorter=None)
    eng = _engine_for(_check_pool(pool), fatigue_params)
    fail_samples = np.array([eng.run(t, dt, n_samples)[-1] for t in targets])
    return targets, np.where(fail_samples > 0, fail_samples / (1 / dt), np.nan)


# -- Sets of repetitions on the sustained-contraction model ------------------------------------
#
# Teaching mapping (an assumption of this course, not part of Potvin & Fuglevand 2017): a set at
# a load of p x 1RM is treated as a sustained contraction at p x maximal force, and every
# repetition takes the same time under load. That time is calibrated once, so that a set at
# 75 % 1RM reaches failure after 10 repetitions, the value on which the Epley and Brzycki
# equations agree (Epley: 1 + 10/30 = 4/3; Brzycki: 36 / (37 - 10) = 4/3).
# Why the mapping overestimates repetitions at light loads: not missing physiology. The
# paper's fatigue parameters give endurance times for sustained isometric contractions that
# match human data over 15-90 % MVC (Potvin & Fuglevand 2017, Fig. 6), so whatever limits a
# held contraction in people is already in the model's time course. The gap comes from the
# mapping itself: % 1RM is read as % of maximal isometric force, and every repetition gets the
# same time under load whatever the load or speed, with no force-velocity effect, no change of
# force over the range of motion and no eccentric phase. The model has no recovery between
# repetitions either; recovery would make a set last longer, so it cannot explain the gap.

CALIBRATION_LOAD = 0.75  # fraction of 1RM where the mapping is pinned
CALIBRATION_REPS = 10  # repetitions to failure there (Epley and Brzycki agree, see above)


@lru_cache(maxsize=256)
def _sustained_cached(target, pool_key):
    return simulate_sustained(target, pool=MotorUnitPool(**dict(pool_key)))


def _to_failure(target, pool):
    result = _sustained_cached(round(target, 6), tuple(sorted(_check_pool(pool).params.items())))
    if not result.failed:
        fail(f"at {100 * target:g} % of 1RM this pool does not reach task failure within "
             f"{SAFETY_LIMIT_S:g} s: choose a heavier load")
    return result


def seconds_per_rep(pool=None):
    """Time under load per repetition (s) that maps the model onto sets (calibrated, see above)."""
    return _to_failure(CALIBRATION_LOAD, pool).endurance_time / CALIBRATION_REPS


def _check_load(load_fraction):
    return real("load_fraction", load_fraction, 0.05, 1, what="a fraction of 1RM",
                hint=" (e.g. 0.75 for 75 % 1RM)")


def reps_to_failure(load_fraction, pool=None):
    """Repetitions the model completes before task failure at ``load_fraction`` of 1RM.

    Continuous (endurance time / seconds per rep); whole repetitions completed = floor.
    """
    p = _check_load(load_fraction)
    return _to_failure(p, pool).endurance_time / seconds_per_rep(pool)


@dataclass(frozen=True)
class SetResult:
    """A set stopped ``rir`` repetitions short of failure (see the mapping above).

    ``sustained`` is the whole contraction to failure; ``stop_index`` is the sample where the set
    ends. Fractions are of the pool's units (recruited) or of rested maximal force (capacity).
    """

    load: float
    rir: int
    reps_done: int
    reps_possible: int
    seconds_per_rep: float
    stop_time: float
    stop_index: int
    sustained: SustainedResult

    @property
    def recruited_at_start(self):
        return self.sustained.n_recruited[0] / self.sustained.pool.n

    @property
    def recruited_at_stop(self):
        return self.sustained.n_recruited[self.stop_index] / self.sustained.pool.n

    @property
    def share_at_start(self):
        return float(self.sustained.recruited_share[0])

    @property
    def share_at_stop(self):
        return float(self.sustained.recruited_share[self.stop_index])

    @property
    def capacity_at_stop(self):
        return float(self.sustained.capacity[self.stop_index])

    @property
    def excitation_at_stop(self):
        return float(self.sustained.excitation_fraction[self.stop_index])


def simulate_set(load_fraction, rir, pool=None):
    """A set at ``load_fraction`` of 1RM ended with ``rir`` repetitions in reserve (0 = failure)."""
    p = _check_load(load_fraction)
    rir = whole("rir (repetitions in reserve)", rir, 0)
    full = _to_failure(p, pool)
    per_rep = seconds_per_rep(pool)
    possible = int(np.floor(full.endurance_time / per_rep + 1e-9))
    if rir >= possible:
        fail(f"at {100 * p:.0f} % of 1RM the model reaches failure after {possible} "
             f"repetition{'s' if possible != 1 else ''}: choose fewer than {possible} reps in reserve")
    done = possible - int(rir)
    stop_time = done * per_rep
    stop_index = int(min(np.searchsorted(full.time, stop_time - 1e-9), len(full.time) - 1))
    return SetResult(load=p, rir=int(rir), reps_done=done, reps_possible=possible,
                     seconds_per_rep=per_rep, stop_time=stop_time, stop_index=stop_index,
                     sustained=full)
