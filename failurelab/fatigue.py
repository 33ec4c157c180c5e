"""Potvin & Fuglevand (2017) motor-unit fatigue model, and sets of repetitions built on it.

Potvin JR, Fuglevand AJ (2017). A motor unit-based model of muscle fatigue. PLoS Comput Biol
13(6):e1005581, doi:10.1371/journal.pcbi.1005581. The simulation follows the authors' MATLAB
code (JimPotvin/Potvin_Fuglevand_Muscle_Fatigue_Model @ 15462f8) sample by sample; symbols of
that code are given in parentheses. At every sample the model finds the smallest excitation (on a
grid of 1/res) whose fatigued, rate-adapted force meets the target; the remaining capacity is the
force the pool could make at maximal excitation. Task failure (the endurance time) is the first
sample where capacity falls below the target. This version of the model has no recovery.

The code evaluates a small window of candidate excitations in one vectorised call, starting from
the previous sample's excitation, instead of the authors' hop-and-step search; both return the
smallest grid excitation that meets the target, because force rises monotonically with excitation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .motor_units import MotorUnitPool, fusion

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
        grid = np.arange(1, self.n_act + 1) / RESOLUTION  # acti = act / res
        self.grid = grid
        self.rate_table = pool._rates(grid)  # mufr(mu, act), one row per grid point
        self.rate_max = self.rate_table[-1]
        self.rested_force = (fusion(pool.contraction_times / 1000 * self.rate_table)
                             * pool.twitch_forces).sum(axis=1)  # totalP
        self.max_force = self.rested_force[-1]  # maxP
        n = pool.n
        # fatigue(i) = exp(ln(fat)(i-1)/(n-1)) (FatFac / fat) P(i)
        rates = np.exp((np.log(fatigue_range) / (n - 1)) * np.arange(n))
        self.fatigue = rates * (fatigue_factor / fatigue_range) * pool.twitch_forces
        # adaptFR coefficient: (thr(i) - 1)/(thr(n) - 1) adaptSF
        self.adapt_coef = (pool.thresholds - 1) / (pool.thresholds[-1] - 1) * adaptation_scale
        self.rate_offset = pool.min_rate - 2  # adaptFR uses (mufr - minfr + 2)
        self.tau = adaptation_tau
        self.ct_scale = contraction_time_scale
        # capacity without adaptation: muP(mu, maxact) / P(mu)
        self.rested_fusion_max = fusion(pool.contraction_times / 1000 * self.rate_max)

    def rested_act(self, targets):
        """Index (0-based) of the smallest grid excitation whose rested force meets each target."""
        idx = np.searchsorted(self.rested_force / self.max_force, targets, side="left")
        return np.minimum(idx, self.n_act - 1)

    def _forces(self, acts, ctn, p_now, rfac_coef):
        """Force (fraction of maxP, TPt) at candidate grid indices acts (B x W), with PrFAT and
        adaptFR per candidate and unit."""
        rates = self.rate_table[acts]  # mufr, B x W x n
        adapt = np.maximum(rfac_coef[:, None, :] * (rates - self.rate_offset), 0.0)  # adaptFR
        pr = fusion(ctn[:, None, :] * (rates - adapt))  # PrFAT at the adapted rate (mufrFAT)
        return np.einsum("bwn,bn->bw", pr, p_now) / self.max_force, pr, adapt

    def _capacity(self, ctn, p_now, adapt):
        """Force at maximal excitation (TPtMAX) with the adaptation of the chosen excitation."""
        pr_max = fusion(ctn * (self.rate_max - adapt))  # at mufrMAX
        return np.einsum("bn,bn->b", pr_max, p_now) / self.max_force

    def run(self, targets, dt, max_time, stop_at_failure=True, record_units=False):
        """Simulate sustained contractions at several targets at once (B targets).

        Returns per-sample arrays (samples x B) of grid index, force and capacity, with ``record_units``
        Pnow / P per unit (samples x B x n), and the sample (1-based) of task failure per
        target (0 = none). Rows that failed are dropped when ``stop_at_failure``.
        """
        targets = np.asarray(targets, dtype=float)
        pool, b, n = self.pool, len(targets), self.pool.n
        samprate = 1.0 / dt
        n_samples = round(max_time / dt)
        p0 = pool.twitch_forces
        p_now = np.tile(p0, (b, 1))
        # adaptation factor 1 - e^(-Rdur/tau), Rdur = (i - muON + 1)/samprate: kept as the decaying
        # e^(-Rdur/tau) ("decay", 1 until a unit is first recruited at sample muON)
        decay = np.ones((b, n))
        q = np.exp(-dt / self.tau)
        # ctFAT / 1000 = ct (1 + ctSF (1 - Pnow/P)) / 1000 = ct_a - ct_b Pnow
        ct_a = pool.contraction_times / 1000 * (1 + self.ct_scale)
        ct_b = pool.contraction_times / 1000 * self.ct_scale / p0
        fatigue_step = self.fatigue / samprate
        act = self.rested_act(targets)
        peak = np.full(b, -1)  # highest grid index used so far: recruitment only happens above it
        step = np.zeros(b, dtype=int)
        out = {k: np.full((n_samples, b), np.nan) for k in ("act", "force", "capacity")}
        units = np.full((n_samples, b, n), np.nan) if record_units else None
        fail_sample = np.zeros(b, dtype=int)
        r = np.arange(b)  # rows still simulated; failed rows are dropped when stopping at failure
        last = 0
        for i in range(1, n_samples + 1):  # the authors' 1-based sample index
            coef = self.adapt_coef - self.adapt_coef * decay
            ctn = ct_a - ct_b * p_now
            chosen, force, capacity, pr = self._search(act, step, targets[r], ctn, p_now, coef)
            if i > 1:
                step = chosen - act  # extrapolate the last change of excitation
            act = chosen
            out["act"][i - 1, r] = chosen
            out["force"][i - 1, r] = force
            out["capacity"][i - 1, r] = capacity
            if record_units:
                units[i - 1, r] = p_now / p0
            decay[decay < 1] *= q
            if (chosen > peak).any():  # muON: units first recruited at this sample
                new = (decay == 1) & (self.grid[chosen][:, None] >= pool.thresholds)
                decay[new] = q * q  # e^(-Rdur/tau) at the next sample, Rdur = 2 samples
                peak = np.maximum(peak, chosen)
            if i >= 2:  # the authors' code leaves the second sample unfatigued too
                p_now = np.minimum(np.maximum(p_now - fatigue_step * pr, 0.0), p0)
            failing = capacity < targets[r]
            if failing.any():
                fail_sample[r[failing & (fail_sample[r] == 0)]] = i
                if stop_at_failure:
                    keep = ~failing
                    r, act, step, p_now = r[keep], act[keep], step[keep], p_now[keep]
                    decay, peak = decay[keep], peak[keep]
                    if r.size == 0:
                        last = i
                        break
            last = i
        out = {k: v[:last] for k, v in out.items()}
        return out, (units[:last] if record_units else None), fail_sample

    def _search(self, prev, step, targets, ctn, p_now, coef):
        """Smallest grid index whose force meets each target, with its force, capacity and PrFAT.

        Candidates: a few grid steps around the previous excitation moved by the last change; a
        row whose candidates do not bracket the answer is walked to it.
        """
        top = self.n_act - 1
        base = prev + np.maximum(step - 1, 0)
        acts = np.minimum(np.maximum(base[:, None] + _OFFSETS, 0), top)
        force, pr, adapt = self._forces(acts, ctn, p_now, coef)
        ok = force >= targets[:, None]
        any_ok = ok.any(axis=1)
        rows = np.arange(len(targets))
        pick = np.where(any_ok, ok.argmax(axis=1), acts.shape[1] - 1)  # none: maximal excitation
        chosen = acts[rows, pick]
        bracketed = np.where(any_ok, (pick > 0) | (chosen == 0), acts[:, -1] == top)
        if bracketed.all():
            force, pr, adapt = force[rows, pick], pr[rows, pick], adapt[rows, pick]
        else:
            for row in np.flatnonzero(~bracketed):  # rare: walk this row to the answer
                chosen[row] = self._walk(base[row], targets[row], ctn[row], p_now[row], coef[row])
            force, pr, adapt = (a[:, 0] for a in self._forces(chosen[:, None], ctn, p_now, coef))
        return chosen, force, self._capacity(ctn, p_now, adapt), pr

    def _walk(self, base, target, ctn, p_now, coef):
        top, width = self.n_act - 1, len(_OFFSETS) - 1
        while True:
            acts = np.minimum(np.maximum(base + _OFFSETS, 0), top)[None]
            ok = self._forces(acts, ctn[None], p_now[None], coef[None])[0][0] >= target
            if ok[0] and acts[0, 0] > 0:
                base -= width
            elif not ok.any() and acts[0, -1] < top:
                base += width
            else:
                return acts[0, ok.argmax()] if ok.any() else top


_OFFSETS = np.arange(-1, 3)  # candidate grid steps around the extrapolated excitation


@lru_cache(maxsize=8)
def _engine(pool_key, fatigue_key):
    return _Engine(MotorUnitPool(**dict(pool_key)), **dict(fatigue_key))


def _engine_for(pool, fatigue_params):
    params = dict(FATIGUE_DEFAULTS)
    for k, v in (fatigue_params or {}).items():
        if k not in params:
            raise ValueError(f"unknown fatigue parameter {k!r}; known: {', '.join(params)}")
        params[k] = float(v)
    return _engine(tuple(sorted(pool.params.items())), tuple(sorted(params.items())))


def _check_target(target_fraction):
    try:
        t = float(target_fraction)
    except (TypeError, ValueError):
        raise ValueError(f"target_fraction must be a number, got {target_fraction!r}") from None
    if not 0 < t <= 1:
        raise ValueError("target_fraction must be a fraction of maximal force above 0 and at most 1 "
                         f"(e.g. 0.3 for 30 % MVC), got {target_fraction!r}")
    return t


def _check_dt(dt):
    if not (isinstance(dt, (int, float)) and 0 < dt <= 1):
        raise ValueError(f"dt must be a time step in seconds between 0 and 1, got {dt!r}")
    return float(dt)


def simulate_sustained(target_fraction, pool=None, dt=0.1, max_time=None, fatigue_params=None):
    """Sustained isometric contraction at ``target_fraction`` of maximal force (Potvin & Fuglevand 2017).

    By default the simulation stops at task failure; with ``max_time`` (s) it runs that long,
    going on past failure at maximal excitation. ``fatigue_params`` overrides FATIGUE_DEFAULTS.
    """
    target = _check_target(target_fraction)
    dt = _check_dt(dt)
    if max_time is not None and not (isinstance(max_time, (int, float)) and 0 < max_time <= 4 * SAFETY_LIMIT_S):
        raise ValueError(f"max_time must be a positive number of seconds up to {4 * SAFETY_LIMIT_S:g}, "
                         f"got {max_time!r}")
    pool = pool or MotorUnitPool()
    eng = _engine_for(pool, fatigue_params)
    out, units, fail = eng.run([target], dt, max_time or SAFETY_LIMIT_S,
                               stop_at_failure=max_time is None, record_units=True)
    return _result(eng, target, dt, out, units[:, 0], fail[0])


def _result(eng, target, dt, out, unit_cap, fail_sample, col=0):
    n = len(out["act"])
    grid_exc = eng.grid[out["act"][:, col].astype(int)]
    return SustainedResult(
        time=np.arange(1, n + 1) / (1 / dt),  # i / samprate, as in the authors' output
        target=target,
        excitation=grid_exc,
        excitation_fraction=grid_exc / eng.pool.max_excitation,
        force=out["force"][:, col],
        capacity=out["capacity"][:, col],
        strength_no_adaptation=np.nansum(unit_cap * eng.rested_fusion_max * eng.pool.twitch_forces,
                                         axis=1) / eng.max_force,
        n_recruited=(grid_exc[:, None] >= eng.pool.thresholds).sum(axis=1),
        recruited_share=eng.pool.recruited_force_share(grid_exc),
        unit_capacity=unit_cap,
        endurance_time=fail_sample / (1 / dt) if fail_sample else float("nan"),
        pool=eng.pool,
    )


def endurance_curve(targets=None, pool=None, dt=0.1, fatigue_params=None):
    """Endurance time (s) at each target fraction, all contractions simulated together.

    Default targets: 0.1, 0.2, ..., 1.0 of maximal force.
    """
    targets = np.round(np.arange(0.1, 1.0001, 0.1), 1) if targets is None else targets
    targets = np.array([_check_target(t) for t in np.atleast_1d(targets)])
    pool = pool or MotorUnitPool()
    eng = _engine_for(pool, fatigue_params)
    _, _, fail = eng.run(targets, _check_dt(dt), SAFETY_LIMIT_S)
    return targets, np.where(fail > 0, fail / (1 / dt), np.nan)


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
    return _sustained_cached(round(target, 6), tuple(sorted((pool or MotorUnitPool()).params.items())))


def seconds_per_rep(pool=None):
    """Time under load per repetition (s) that maps the model onto sets (calibrated, see above)."""
    return _to_failure(CALIBRATION_LOAD, pool).endurance_time / CALIBRATION_REPS


def _check_load(load_fraction):
    try:
        p = float(load_fraction)
    except (TypeError, ValueError):
        raise ValueError(f"load must be a number, got {load_fraction!r}") from None
    if not 0.05 <= p <= 1:
        raise ValueError("load must be a fraction of 1RM between 0.05 and 1 "
                         f"(e.g. 0.75 for 75 % 1RM), got {load_fraction!r}")
    return p


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
    if isinstance(rir, bool) or not isinstance(rir, (int, np.integer)) or rir < 0:
        raise ValueError(f"rir (repetitions in reserve) must be a whole number >= 0, got {rir!r}")
    full = _to_failure(p, pool)
    per_rep = seconds_per_rep(pool)
    possible = int(np.floor(full.endurance_time / per_rep + 1e-9))
    if rir >= possible:
        raise ValueError(f"at {100 * p:.0f} % of 1RM the model reaches failure after {possible} "
                         f"repetition{'s' if possible != 1 else ''}: choose fewer than {possible} reps in reserve")
    done = possible - int(rir)
    stop_time = done * per_rep
    stop_index = int(min(np.searchsorted(full.time, stop_time - 1e-9), len(full.time) - 1))
    return SetResult(load=p, rir=int(rir), reps_done=done, reps_possible=possible,
                     seconds_per_rep=per_rep, stop_time=stop_time, stop_index=stop_index,
                     sustained=full)
