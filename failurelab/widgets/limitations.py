"""Chapter 4 explorers of notebooks 4.1-4.2: study design and measurement error.

Pure compute functions (``design_state``, ``measurement_state``: the reference) + browser views
(``js/study_design.js``, ``js/measurement_error.js``). Everything shown is SIMULATED (seeded,
:mod:`failurelab.studies`) and labelled so.

The views draw from grids computed here (:func:`design_grid`, :func:`measurement_grid`): the
simulated numbers for every control setting a view offers, from the same draws and arithmetic
as the state functions (tests compare them), and statsmodels' analytic power (noncentral t, via
:mod:`failurelab.effect_sizes`) at those settings; the browser computes only closed forms
(reliability, attenuation, normal densities). To keep a view small, some controls move in
coarser steps than a free simulation would allow (see the ``DESIGN_*`` and ``MEASUREMENT_*``
values).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy import stats

from .. import effect_sizes as es
from .. import studies as st
from .base import (
    Explorer,
    _check_controls,
    _num,
    _pct,
    _value,
    check_steps,
    digits_for,
    dropdown,
    pack_digits,
    pack_histogram,
    shortest,
    slider,
)

SYNTHETIC = "synthetic studies, simulated \u2014 not data"


@lru_cache(maxsize=1024)
def _n_for_80(d):
    """n per group for 80 % power at SMD ``d`` (None for d = 0): the same number as
    :func:`failurelab.effect_sizes.n_per_group` (a test checks), found fast enough for a slider by
    evaluating the exact power on the integers just above the normal approximation
    2 (z_0.975 + z_0.8)^2 / d^2 (Cohen 1988), which the exact n always exceeds."""
    if d == 0:
        return None
    approx = 2 * (stats.norm.isf(0.025) + stats.norm.isf(0.2)) ** 2 / d**2
    start = max(2, int(approx) - 1)
    candidates = np.arange(start, int(1.02 * approx) + 6)
    ok = np.flatnonzero(es.power(abs(d), candidates) >= 0.8)
    return int(candidates[ok[0]]) if ok.size else es.n_per_group(d, power=0.8)


def _curve(d, grid):
    """Analytic power (statsmodels TTestIndPower) of d over an n grid, read-only."""
    p = es.power(d, np.array(grid, dtype=float))
    p.flags.writeable = False
    return p


def _article(number):
    return "an" if str(number).startswith("8") or number in (11, 18) else "a"


def _need_text(n80):
    return "no n (true effect 0)" if n80 is None else f"{n80:,} per group"


# -- grids for the views ----------------------------------------------------------------------

CURVE_TOP = 4095  # analytic power curves travel as whole numbers 0..4095 (two base-64 digits)


def _replicate(n, error_sds, effects, replications, seed, alpha=0.05, full=True):
    """:func:`failurelab.studies.simulate_studies` for every error SD x true SMD at once: the
    same cached draws and the same arithmetic, broadcast over (error SD, SMD, replication).
    Returns g, the CI widths (None unless ``full``) and significance (p < alpha, tested on |t|
    against the critical t; values within 1e-9 of it get the exact p)."""
    mean, var, cov = st._draws(n, replications, seed)
    sd_e = np.asarray(error_sds, dtype=float)[:, None, None]
    arm_mean = mean[0] + sd_e * mean[1]  # (error SD, arm, replication)
    arm_var = var[0] + sd_e**2 * var[1] + 2 * sd_e * cov
    d = np.asarray(effects, dtype=float)[None, :, None]
    diff = d + arm_mean[:, None, 0] - arm_mean[:, None, 1]
    # as studies.smd_tests
    df = 2 * n - 2
    sp = np.sqrt((arm_var[:, None, 0] + arm_var[:, None, 1]) / 2)
    dd = diff / sp
    t = np.abs(dd * math.sqrt(n / 2))
    crit = stats.t.isf(alpha / 2, df)
    sig = t > crit
    near = np.abs(t - crit) <= 1e-9 * crit
    if near.any():
        sig[near] = 2 * stats.t.sf(t[near], df) < alpha
    if not full:
        return None, None, sig
    g = es.correction_factor(df) * dd
    vi = 2 / n + g**2 / (4 * n)
    half = stats.norm.isf(alpha / 2) * np.sqrt(vi)
    return g, (g + half) - (g - half), sig


# == 4.1 short studies, few participants: the study-design simulator (helper D) ==================

N_GRID = tuple(range(4, 101))  # n per group on the power curve
G_BINS = np.arange(-2.0, 3.01, 0.1)  # estimates axis of the histogram (fixed)
# what the view offers (a full simulation grid at the old steps would be ~2 million settings)
DESIGN_WEEKS = tuple(range(4, 25, 4))
DESIGN_ERRORS = (0.0, 0.5, 1.0, 1.5)
EFFECTS = tuple(round(0.1 * i, 1) for i in range(16))
DESIGN_NS = (5, 10, 15, 20, 30, 40, 50, 70, 100)
# points of the drawn power curves (each n of the view among them)
N_CURVE = tuple(sorted({*range(4, 11), *range(12, 21, 2), *range(25, 101, 5), *DESIGN_NS}))


def design_state(weeks=8, n=15, true_effect=0.2, error_ratio=0.5, replications=2000, seed=41):
    """Simulated replications of one design: ``weeks``, ``n`` per group, true SMD, error.

    ``error_ratio`` = SD of the measurement error of a change score / between-person SD of the
    true 8-week change. TEACHING ASSUMPTION (:func:`failurelab.studies.change_reliability`): gains
    grow steadily with the weeks, the measurement error does not, so longer studies have more
    reliable change scores and estimate true_effect x sqrt(reliability). Simulated power, the
    estimates and their CIs come from :func:`failurelab.studies.simulate_studies`; analytic power
    and n for 80 % power from statsmodels via :mod:`failurelab.effect_sizes`.
    """
    weeks = _value("weeks", weeks, 1, 104, integer=True, what="a whole number of weeks")
    n = _value("n", n, 2, 500, integer=True, what="a whole number of people per group")
    true_effect = _value("true_effect", true_effect, -3, 3, what="a standardized mean difference")
    error_ratio = _value("error_ratio", error_ratio, 0, 5, what="a ratio of SDs from 0")
    rel = st.change_reliability(weeks, error_ratio)
    sim = st.simulate_studies(n, true_effect, rel, replications=replications, seed=seed)
    sig = sim.significant
    same_sign = sig & (np.sign(sim.g) == np.sign(true_effect))
    mean_sig = float(sim.g[same_sign].mean()) if same_sign.any() else None
    return dict(weeks=weeks, n=n, true_effect=true_effect, error_ratio=error_ratio,
                reliability=rel, observed_d=sim.observed_d, sim=sim,
                replications=sim.replications, seed=sim.seed, power=sim.power,
                power_analytic=sim.analytic_power, power_mc_se=sim.power_mc_se,
                mean_ci_width=sim.mean_ci_width, share_significant=sim.power,
                n_significant=int(sig.sum()), n_same_sign=int(same_sign.sum()),
                mean_significant=mean_sig,
                exaggeration=(mean_sig / true_effect if mean_sig is not None and true_effect
                              else None),
                n_for_80=_n_for_80(sim.observed_d), n_for_80_perfect=_n_for_80(true_effect),
                hist_significant=np.histogram(np.clip(sim.g[sig], G_BINS[0], G_BINS[-1]),
                                              G_BINS)[0],
                hist_not_significant=np.histogram(np.clip(sim.g[~sig], G_BINS[0], G_BINS[-1]),
                                                  G_BINS)[0],
                power_curve=(np.array(N_GRID), _curve(sim.observed_d, N_GRID)),
                power_curve_perfect=(np.array(N_GRID), _curve(true_effect, N_GRID)))


@lru_cache(maxsize=4)
def design_grid(replications=2000, seed=41):
    """Everything the study-design view shows, for each setting it offers (JSON-able).

    ``sims[(n index x error SDs + error SD index) x effects + effect index]`` = [histogram of g
    (packed), significant studies in the two bins that hold the critical g, mean g of the
    significant ones with the right sign, mean CI width]; bins below ``mixed[n][0]`` and above
    ``mixed[n][1]`` are all significant, those between none. ``analytic[error SD index x effects
    + effect index]`` = [n for 80 % power, power curve over N_CURVE (packed, x 4095), power at
    DESIGN_NS]. Weeks x error ratio map to an error SD by ``s_index`` (they act only through
    it)."""
    sds, rels, s_index = [], [], []
    for w in DESIGN_WEEKS:
        row = []
        for e in DESIGN_ERRORS:
            rel = st.change_reliability(w, e)
            sd = st.error_sd_for(rel)
            if sd not in sds:
                sds.append(sd)
                rels.append(rel)
            row.append(sds.index(sd))
        s_index.append(row)
    width = digits_for(replications)
    lo, hi = G_BINS[0], G_BINS[-1]
    sims, mixed = [], []
    for n in DESIGN_NS:
        g, ci_width, sig = _replicate(n, sds, EFFECTS, replications, seed)
        crit = (es.correction_factor(2 * n - 2) * stats.t.isf(0.025, 2 * n - 2)
                * math.sqrt(2 / n))
        edges = [int(np.searchsorted(G_BINS, x, side="right")) - 1 for x in (-crit, crit)]
        mixed.append(edges)
        for si in range(len(sds)):
            for di, d in enumerate(EFFECTS):
                gs, ss = g[si, di], sig[si, di]
                total = np.histogram(np.clip(gs, lo, hi), G_BINS)[0]
                hist_sig = np.histogram(np.clip(gs[ss], lo, hi), G_BINS)[0]
                rebuilt = total.copy()
                rebuilt[edges[0] + 1:edges[1]] = 0
                rebuilt[edges] = hist_sig[edges]
                if not np.array_equal(rebuilt, hist_sig):
                    raise RuntimeError(f"significance is not a band of g at n = {n}")
                same = ss & (np.sign(gs) == np.sign(d))
                mean_sig = float(gs[same].mean()) if same.any() else None
                sims.append([pack_histogram(total, width), int(hist_sig[edges[0]]),
                             int(hist_sig[edges[1]]),
                             shortest(mean_sig, _num, lambda m, d=d: f"{m / d:.1f}" if d else ""),
                             shortest(float(np.mean(ci_width[si, di])), _num)])
    analytic = []
    for si, rel in enumerate(rels):
        for d in EFFECTS:
            observed = d * math.sqrt(rel)
            power = es.power(observed, np.array(DESIGN_NS, dtype=float))
            curve = es.power(observed, np.array(N_CURVE, dtype=float))
            analytic.append([
                _n_for_80(observed), pack_digits(np.round(curve * CURVE_TOP)),
                [shortest(float(p), _pct,
                        lambda p: f"{100 * math.sqrt(p * (1 - p) / replications):.1f}")
                 for p in power]])
    return dict(label=SYNTHETIC, replications=replications, reference_weeks=st.REFERENCE_WEEKS,
                weeks=DESIGN_WEEKS, errors=DESIGN_ERRORS, effects=EFFECTS, ns=DESIGN_NS, n_curve=N_CURVE,
                bins=[float(lo), 0.1, len(G_BINS) - 1], digits=width, curve_top=CURVE_TOP,
                s_index=s_index, mixed=mixed, sims=sims, analytic=analytic)


class StudyDesignExplorer(Explorer):
    """Weeks, n per group, true effect and measurement error -> the estimates of synthetic
    studies, their power and CI width (simulated) and the analytic power curves."""

    js = "study_design"
    title = "Study-design simulator"

    def __init__(self, weeks=8, n=15, true_effect=0.2, error_ratio=0.5, replications=2000,
                 seed=41):
        self.replications, self.seed = int(replications), int(seed)
        self.controls = dict(
            weeks=slider("weeks", "Study length (weeks)", weeks, 4, 24, 4),
            n=dropdown("n", "n per group", n, list(DESIGN_NS)),
            true_effect=slider("true_effect", "True effect (SMD)", true_effect, 0, 1.5, 0.1,
                               places=2),
            error_ratio=slider("error_ratio", "Error (\u00d7 SD of 8-week gains)", error_ratio,
                               0, 1.5, 0.5, places=2),
        )
        super().__init__()

    def compute(self, weeks, n, true_effect, error_ratio):
        check_steps(self, _check_controls(self, dict(weeks=weeks, true_effect=true_effect,
                                                   error_ratio=error_ratio)))
        return design_state(weeks, n, true_effect, error_ratio, self.replications, self.seed)

    def data(self):
        return design_grid(self.replications, self.seed)

    def describe(self, s):
        text = (f"<b>What the figure shows</b> ({s['replications']:,} {SYNTHETIC}): "
                f"{_article(s['weeks'])} {s['weeks']}-week study with {s['n']} people per group "
                f"and a true effect of {_num(s['true_effect'])}. Under the assumption that gains "
                f"grow steadily while the measurement error (ratio {_num(s['error_ratio'])}) "
                f"stays the same, the "
                f"change scores have a reliability of {s['reliability']:.2f}, so the studies "
                f"estimate {_num(s['observed_d'])} (true effect \u00d7 \u221areliability). "
                f"<b>Power:</b> {_pct(s['power'])} of the simulated studies reach p &lt; 0.05; "
                f"statsmodels' analytic power is {_pct(s['power_analytic'])} (Monte-Carlo SE "
                f"{100 * s['power_mc_se']:.1f} points). A typical 95 % CI is "
                f"{_num(s['mean_ci_width'])} wide. 80 % power would need "
                f"{_need_text(s['n_for_80'])} ({_need_text(s['n_for_80_perfect'])} with a "
                f"perfect measurement). ")
        if s["exaggeration"] is not None and s["true_effect"] > 0:
            text += (f"The {s['n_same_sign']:,} significant studies with the right sign "
                     f"estimate {_num(s['mean_significant'])} on average, "
                     f"{s['exaggeration']:.1f}\u00d7 the true effect: a small study that "
                     f"\u201cfinds\u201d an effect tends to overstate it.")
        return text


# == 4.2 what failure means: measurement error -> power (helper D) ===============================

REL_GRID = tuple(np.round(np.linspace(0.2, 1.0, 81), 3))
MEASUREMENT_N_MAX = 150  # 80 % power at reliability 0.6 and d = 0.5 needs 106 per group
# what the view offers: reliability in steps of 0.05, true effect 0.1, n 5
MEASUREMENT_RELS = tuple(round(0.3 + 0.05 * i, 2) for i in range(15))
CURVE_RELS = (0.2, 0.25, *MEASUREMENT_RELS)  # points of the drawn power curve
MEASUREMENT_NS = tuple(range(5, MEASUREMENT_N_MAX + 1, 5))


def measurement_state(reliability=0.8, true_effect=0.5, n=15, replications=2000, seed=42):
    """Measurement error of the outcome -> the measured effect and power (simulated + analytic).

    Measured SMD = true SMD x sqrt(reliability) (:func:`failurelab.studies.attenuated_d`): the
    raw difference stays, the SD of measured changes grows to 1 / sqrt(reliability) true SDs.
    Simulated power from :func:`failurelab.studies.simulate_studies`; the analytic curve over
    reliability from statsmodels' TTestIndPower.
    """
    reliability = _value("reliability", reliability, 0.01, 1,
                         what="a reliability (fraction of measured variance that is real)")
    true_effect = _value("true_effect", true_effect, -3, 3, what="a standardized mean difference")
    n = _value("n", n, 2, 500, integer=True, what="a whole number of people per group")
    sim = st.simulate_studies(n, true_effect, reliability, replications=replications, seed=seed)
    grid = np.array(REL_GRID)
    curve = _reliability_curve(true_effect, n)
    return dict(reliability=reliability, true_effect=true_effect, n=n,
                observed_d=sim.observed_d, measured_sd=1 / np.sqrt(reliability),
                error_sd=st.error_sd_for(reliability), sim=sim,
                replications=sim.replications, seed=sim.seed, power=sim.power,
                power_analytic=sim.analytic_power, power_mc_se=sim.power_mc_se,
                power_perfect=float(curve[-1]), n_for_80=_n_for_80(sim.observed_d),
                n_for_80_perfect=_n_for_80(true_effect), power_curve=(grid, curve))


@lru_cache(maxsize=512)
def _reliability_curve(true_effect, n):
    """Analytic power over REL_GRID at measured SMD true_effect x sqrt(reliability)."""
    p = es.power(true_effect * np.sqrt(np.array(REL_GRID)), n)
    p.flags.writeable = False
    return p


@lru_cache(maxsize=4)
def measurement_grid(replications=2000, seed=42):
    """Everything the measurement-error view shows, for each setting it offers (JSON-able).

    ``significant[effect index][n index]``: how many simulated studies reach p < 0.05 at each
    reliability of MEASUREMENT_RELS (packed); ``power[effect index][n index]``: analytic power
    at each reliability of CURVE_RELS (the curve; its last value is a perfect measurement);
    ``n_for_80[effect index]``: n per group for 80 % power at each reliability."""
    sds = [st.error_sd_for(r) for r in MEASUREMENT_RELS]
    width = digits_for(replications)
    significant = [[] for _ in EFFECTS]
    for n in MEASUREMENT_NS:
        _, _, sig = _replicate(n, sds, EFFECTS, replications, seed, full=False)
        counts = sig.sum(axis=-1)  # (reliability, effect)
        for di in range(len(EFFECTS)):
            significant[di].append(pack_digits(counts[:, di], width))
    observed = np.array([[d * math.sqrt(r) for r in CURVE_RELS] for d in EFFECTS])
    power = es.power(observed[:, None, :], np.array(MEASUREMENT_NS, dtype=float)[None, :, None])
    power = [[[shortest(float(p), _pct) for p in row] for row in rows] for rows in power]
    n_for_80 = [[_n_for_80(d * math.sqrt(r)) for r in MEASUREMENT_RELS] for d in EFFECTS]
    return dict(label=SYNTHETIC, replications=replications, reliabilities=MEASUREMENT_RELS,
                curve_reliabilities=CURVE_RELS, effects=EFFECTS, ns=MEASUREMENT_NS,
                digits=width, significant=significant, power=power, n_for_80=n_for_80)


class MeasurementErrorExplorer(Explorer):
    """Reliability of the outcome, true effect and n -> measured effect and power (simulated)."""

    js = "measurement_error"
    title = "Measurement error and power"

    def __init__(self, reliability=0.8, true_effect=0.5, n=15, replications=2000, seed=42):
        self.replications, self.seed = int(replications), int(seed)
        self.controls = dict(
            reliability=slider("reliability", "Reliability of the outcome", reliability, 0.3,
                               1.0, 0.05),
            true_effect=slider("true_effect", "True effect (SMD)", true_effect, 0, 1.5, 0.1,
                               places=2),
            n=slider("n", "n per group", n, 5, MEASUREMENT_N_MAX, 5),
        )
        super().__init__()

    def compute(self, reliability, true_effect, n):
        check_steps(self, _check_controls(self, dict(reliability=reliability,
                                                   true_effect=true_effect, n=n)))
        return measurement_state(reliability, true_effect, n, self.replications, self.seed)

    def data(self):
        return measurement_grid(self.replications, self.seed)

    def describe(self, s):
        return (f"<b>What the figure shows</b> ({s['replications']:,} {SYNTHETIC}): with a "
                f"reliability of {s['reliability']:.2f}, measured changes spread "
                f"{s['measured_sd']:.2f}\u00d7 as widely as the true changes while the difference "
                f"between the groups stays {_num(s['true_effect'])}, so the measured effect is "
                f"{_num(s['observed_d'])} (true effect \u00d7 \u221areliability). "
                f"<b>Power</b> with {s['n']} per group: {_pct(s['power'])} simulated, "
                f"{_pct(s['power_analytic'])} analytic (statsmodels), "
                f"{_pct(s['power_perfect'])} with a perfect measurement. 80 % power needs "
                f"{_need_text(s['n_for_80'])} instead of {_need_text(s['n_for_80_perfect'])}: "
                f"about 1/reliability times as many people.")
