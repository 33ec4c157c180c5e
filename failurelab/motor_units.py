"""Rested motor-unit pool: recruitment and rate coding.

The front end of Potvin & Fuglevand (2017, doi:10.1371/journal.pcbi.1005581), which modifies
Fuglevand, Winter & Patla (1993, J Neurophysiol 70:2470-2488) so that the ranges of thresholds
and twitch forces are exact. Equations follow the authors' MATLAB code
(JimPotvin/Potvin_Fuglevand_Muscle_Fatigue_Model @ 15462f8); symbols of that code are given in
parentheses. Force is the time average of the spike-based 1993 model (no ISI noise): each unit's
force is its peak twitch force times its position on the force-frequency ("fusion") curve.

Excitation is in the model's own units, the same scale as the thresholds (1 ... RR) and up to
``max_excitation`` (67 with the defaults).

Scope: one muscle at one length producing a steady (isometric) force. The model's firing rates
are higher than those typically recorded in human limb muscles at moderate forces (in slow ramp
contractions human units start at 5-15 Hz: Desmedt & Godaux 1977, J Physiol 264:673-693,
doi:10.1113/jphysiol.1977.sp011689).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from .validation import array, choice, fail, real, whole

#: Potvin & Fuglevand (2017) defaults, named as in the authors' code.
DEFAULTS = dict(
    n=120,  # nu: number of motor units
    recruitment_range=50.0,  # r (RR): range of recruitment thresholds
    min_rate=8.0,  # minfr (MFR), Hz
    peak_rate_first=35.0,  # pfr1 (PFR1), Hz
    peak_rate_last=25.0,  # pfrL, Hz
    rate_gain=1.0,  # mir (g_e), Hz per unit of excitation
    twitch_range=100.0,  # rp (RP): range of peak twitch forces
    contraction_time_range=3.0,  # rt (RT)
    longest_contraction_time=90.0,  # tL (T_L), ms
)

#: Normalised firing rate (contraction time x rate) where the fusion curve turns nonlinear.
FUSION_KNEE = 0.4
_KNEE_SLOPE = -np.expm1(-2.0 * FUSION_KNEE**3) / FUSION_KNEE  # S(0.4) / 0.4


def fusion(normalised_rate):
    """Force relative to full fusion (Pr) for a normalised rate x = CT * FR (CT in s).

    Fuglevand et al. (1993) eqs. 16-17 in the static form of the 2017 code:
    Pr = x / 0.4 * S(0.4) for x <= 0.4, else S(x), with S(x) = 1 - exp(-2 x^3).
    """
    x = normalised_rate
    if not (isinstance(x, np.ndarray) and x.dtype.kind == "f"):  # float arrays: the model's own
        x = array("normalised_rate", x, what="a number or an array of numbers (CT x rate)")
    return np.where(x <= FUSION_KNEE, x * _KNEE_SLOPE, -np.expm1(-2.0 * x * x * x))


#: Bisection steps of :meth:`MotorUnitPool.excitation_for_force` at most (float64 precision is
#: reached after about 60).
MAX_BISECTIONS = 200


def _positive(name, value, high, hint=""):
    return real(name, value, 0, high, open_low=True, hint=hint)


def _range(name, value, high, hint):
    return real(name, value, 1, high, open_low=True, hint=hint)


class MotorUnitPool:
    """A pool of motor units recruited in order of size (Henneman's size principle).

    Parameters (symbol in Potvin & Fuglevand's code / Fuglevand 1993 in parentheses)
    ----------
    n : number of motor units (nu, n). Default 120.
    recruitment_range : range of recruitment thresholds (r, RR); thresholds run from 1 to RR.
        Default 50.
    min_rate : firing rate at recruitment (minfr, MFR), Hz. Default 8.
    peak_rate_first, peak_rate_last : peak firing rates of the first and last unit (pfr1, pfrL;
        PFR1 and PFR1 - PFRD), Hz. Defaults 35 and 25.
    rate_gain : slope of firing rate vs excitation (mir, g_e), Hz per unit. Default 1.
    twitch_range : range of peak twitch forces (rp, RP); twitch forces run from 1 to RP. Default 100.
    contraction_time_range : range of contraction times (rt, RT). Default 3.
    longest_contraction_time : contraction time of the smallest unit (tL, T_L), ms. Default 90.
    """

    def __init__(self, n=DEFAULTS["n"], recruitment_range=DEFAULTS["recruitment_range"],
                 min_rate=DEFAULTS["min_rate"], peak_rate_first=DEFAULTS["peak_rate_first"],
                 peak_rate_last=DEFAULTS["peak_rate_last"], rate_gain=DEFAULTS["rate_gain"],
                 twitch_range=DEFAULTS["twitch_range"],
                 contraction_time_range=DEFAULTS["contraction_time_range"],
                 longest_contraction_time=DEFAULTS["longest_contraction_time"]):
        self.n = whole("n (number of motor units)", n, 2, 10_000, hint=" (e.g. 120)")
        self.recruitment_range = _range("recruitment_range", recruitment_range, 10_000,
                                        " (e.g. 50)")
        self.min_rate = _positive("min_rate", min_rate, 1000, " Hz (e.g. 8)")
        self.peak_rate_first = _positive("peak_rate_first", peak_rate_first, 1000, " Hz (e.g. 35)")
        self.peak_rate_last = _positive("peak_rate_last", peak_rate_last, 1000, " Hz (e.g. 25)")
        if min(self.peak_rate_first, self.peak_rate_last) <= self.min_rate:
            fail("peak firing rates must exceed min_rate "
                 f"({self.min_rate} Hz), got {peak_rate_first} and {peak_rate_last}")
        self.rate_gain = _positive("rate_gain", rate_gain, 1000, " Hz per unit (e.g. 1)")
        self.twitch_range = _range("twitch_range", twitch_range, 1e6, " (e.g. 100)")
        self.contraction_time_range = _range("contraction_time_range", contraction_time_range,
                                             1000, " (e.g. 3)")
        self.longest_contraction_time = _positive("longest_contraction_time",
                                                  longest_contraction_time, 10_000,
                                                  " ms (e.g. 90)")

        i = np.arange(self.n)  # (i - 1) of the paper
        # thr(i) = exp((i-1) b), b = ln(RR)/(n-1): 1 ... RR (2017 code, modified Fuglevand eq. 1)
        self.thresholds = np.exp(i * (np.log(self.recruitment_range) / (self.n - 1)))
        # frp(i) = pfr1 - (pfr1 - pfrL)(thr(i) - thr(1))/(RR - thr(1))  (modified eq. 5)
        self.peak_rates = self.peak_rate_first - (self.peak_rate_first - self.peak_rate_last) * (
            (self.thresholds - 1.0) / (self.recruitment_range - 1.0))
        # maxex = thr(n) + (pfrL - minfr) / mir: the excitation that drives the last unit to its peak
        self.max_excitation = self.recruitment_range + (
            (self.peak_rate_last - self.min_rate) / self.rate_gain)
        # P(i) = exp((i-1) ln(RP)/(n-1)): 1 ... RP  (modified eq. 13)
        self.twitch_forces = np.exp((np.log(self.twitch_range) / (self.n - 1)) * i)
        # ct(i) = tL (1/P(i))^(1/c), c = ln(RP)/ln(RT)  (eq. 14), ms
        c = np.log(self.twitch_range) / np.log(self.contraction_time_range)
        self.contraction_times = self.longest_contraction_time * (1.0 / self.twitch_forces) ** (1 / c)
        self.max_force = float(self._absolute_force(self.max_excitation))

    @property
    def params(self):
        """The constructor arguments, e.g. to rebuild or cache a pool."""
        return {k: getattr(self, k) for k in DEFAULTS}

    # -- helpers ---------------------------------------------------------------------------
    def _excitation(self, excitation):
        return array("excitation", excitation, 0, self.max_excitation + 1e-9,
                     what="a number or an array of numbers",
                     hint=" (0 to the pool's maximal excitation)")

    def _rates(self, e):
        e = np.asarray(e, dtype=float)[..., None]
        rates = np.minimum(self.rate_gain * (e - self.thresholds) + self.min_rate, self.peak_rates)
        return np.where(e >= self.thresholds, rates, 0.0)

    def _absolute_force(self, e):
        pr = fusion(self.contraction_times / 1000.0 * self._rates(e))
        return (pr * self.twitch_forces).sum(axis=-1)

    # -- public API ------------------------------------------------------------------------
    @property
    def last_recruitment_fraction(self):
        """Fraction of maximal excitation at which the last unit is recruited (``ulr``/100)."""
        return self.recruitment_range / self.max_excitation

    def firing_rates(self, excitation):
        """Firing rate of every unit (Hz) at ``excitation``: mir (E - thr) + minfr, capped at frp."""
        return self._rates(self._excitation(excitation))

    def recruited(self, excitation):
        """Boolean per unit: is the unit firing at ``excitation`` (E >= thr(i))?"""
        e = self._excitation(excitation)
        return e[..., None] >= self.thresholds

    def recruited_force_share(self, excitation):
        """Share of the pool's summed peak twitch force that belongs to recruited units (0..1).

        Large units are few but strong, so this share lags the share of units recruited.
        """
        return (self.recruited(excitation) * self.twitch_forces).sum(axis=-1) / self.twitch_forces.sum()

    def unit_forces(self, excitation):
        """Force of every unit (twitch units): Pr(CT x FR) x P(i)."""
        e = self._excitation(excitation)
        return fusion(self.contraction_times / 1000.0 * self._rates(e)) * self.twitch_forces

    def force(self, excitation):
        """Total force as a fraction of maximal force (the force at ``max_excitation``)."""
        return self._absolute_force(self._excitation(excitation)) / self.max_force

    def excitation_for_force(self, target_fraction, tol=1e-10):
        """Smallest excitation whose force reaches ``target_fraction`` of maximal force (0..1)."""
        t = array("target_fraction", target_fraction, 0, 1,
                  what="a fraction of maximal force (e.g. 0.3 for 30 %) or an array of them")
        tol = real("tol", tol, 0, 1, open_low=True, hint=" (in units of excitation, e.g. 1e-10)")
        lo = np.zeros_like(t)
        hi = np.full_like(t, self.max_excitation)
        for _ in range(MAX_BISECTIONS):  # force is monotonic in excitation: bisection
            if np.max(hi - lo) <= tol:
                break
            mid = (lo + hi) / 2
            below = self._absolute_force(mid) / self.max_force < t
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
        result = np.where(t <= 0, 0.0, hi)
        return float(result) if result.ndim == 0 else result


def recruitment_range_for_limit(limit_fraction):
    """Recruitment range RR whose last unit is recruited at ``limit_fraction`` of maximal force."""
    from scipy.optimize import brentq

    limit_fraction = real("limit_fraction", limit_fraction, 0.3, 0.95,
                          what="a fraction of maximal force")
    return brentq(lambda rr: MotorUnitPool(recruitment_range=rr).force(rr) - limit_fraction, 2, 1000,
                  xtol=1e-10)


#: Pools for the size-principle explorer. Their upper limits of recruitment follow the values
#: widely quoted for adductor pollicis (about 50 % of maximal force) and biceps brachii (about
#: 88 %) and attributed to Kukulka & Clamann (1981). The course found neither value in a source
#: it could check (data/recruitment_limits.csv), so the two pools are illustrations built on
#: unverified values, and their labels say so. The pool's range RR is chosen to match each limit.
MUSCLE_PRESETS = {
    "hand": dict(label="Illustrative hand-like pool (unverified limit: 50 %)",
                 short="Hand-like pool (ends at 50 %, unverified)", limit=0.50),
    "default": dict(label="Default pool of Potvin & Fuglevand 2017 (RR = 50)",
                    short="Model default (RR = 50)", recruitment_range=50.0),
    "limb": dict(label="Illustrative limb-like pool (unverified limit: 88 %)",
                 short="Limb-like pool (ends at 88 %, unverified)", limit=0.88),
}


def muscle_preset(name):
    """The MotorUnitPool of a MUSCLE_PRESETS entry (by key)."""
    return _preset(choice("muscle", name, MUSCLE_PRESETS))


@cache
def _preset(name):
    preset = MUSCLE_PRESETS[name]
    rr = preset.get("recruitment_range") or recruitment_range_for_limit(preset["limit"])
    return MotorUnitPool(recruitment_range=rr)


def force_increment_sources(pool, low=0.4, high=0.8):
    """Split the force added between ``low`` and ``high`` (fractions of maximal force).

    Returns the shares (summing to 1) coming from units newly recruited in between
    ("recruitment") and from units already firing at ``low`` that fire faster ("rate coding"),
    the contrast De Luca et al. (1982) drew between deltoid and first dorsal interosseous.
    """
    if not isinstance(pool, MotorUnitPool):
        fail(f"pool must be a MotorUnitPool, got {type(pool).__name__}")
    low = real("low", low, 0, 1, what="a fraction of maximal force")
    high = real("high", high, 0, 1, what="a fraction of maximal force")
    if not low < high:
        fail(f"low must be below high (fractions of maximal force), got {low!r} and {high!r}")
    e_low, e_high = pool.excitation_for_force([low, high])
    before, after = pool.unit_forces(e_low), pool.unit_forces(e_high)
    new = ~pool.recruited(e_low)
    total = after.sum() - before.sum()
    from_recruitment = after[new].sum() / total
    return {"recruitment": float(from_recruitment), "rate coding": float(1 - from_recruitment)}
