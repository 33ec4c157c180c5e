"""Chapter 2 explorers: what an effect size means, how precise one study is, and pooling.

Pure compute functions (``effect_size_state``, ``ci_state``, ``meta_state``) are the reference;
each explorer's browser view (``js/effect_size.js``, ``js/ci_dance.js``, ``js/meta.js``)
recomputes the same numbers from closed forms and from the seeded draws shipped in ``data()``
and is tested against them. The numbers come from :mod:`failurelab.effect_sizes` (Hedges' g,
U3, overlap, probability of superiority, NNT, power) and :mod:`failurelab.meta` (pooling);
simulated studies are seeded and labelled synthetic. Sign convention: positive favours failure.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats

from .. import effect_sizes as es
from .. import meta
from ..synthetic import synthetic_trials
from .base import (
    Explorer,
    _check_controls,
    _num,
    _pct,
    _signed,
    _value,
    button,
    check_steps,
    dropdown,
    pack_f64,
    slider,
)

#: Illustrative SDs for the "in your units" panel (not data: learners type theirs).
EXAMPLE_SD_THICKNESS_MM = 2.0
EXAMPLE_SD_1RM_KG = 10.0


# -- 2.1 what a d looks like ---------------------------------------------------------------------

def effect_size_state(d, sd_thickness=EXAMPLE_SD_THICKNESS_MM, sd_1rm=EXAMPLE_SD_1RM_KG, cer=0.5):
    """What a standardized mean difference ``d`` means (two normal groups with equal SDs).

    U3, overlap and probability of superiority as rpsychologist.com/cohend (Cohen 1988; McGraw &
    Wong 1992, Psychol Bull 111:361-365); NNT at the control event rate ``cer`` (the share of
    the non-failure group counted as responders; Furukawa & Leucht 2011,
    doi:10.1371/journal.pone.0019070); raw units = d x the SD the learner states.
    """
    d = _value("d", d, -3, 3, what="a standardized mean difference")
    sd_t = _value("sd_thickness", sd_thickness, 1e-3, 1000,
                  what="a positive SD of muscle thickness in mm")
    sd_r = _value("sd_1rm", sd_1rm, 1e-3, 10000, what="a positive SD of 1RM in kg")
    cer = _value("cer", cer, 0.01, 0.99, what="a control event rate (a fraction)")
    return dict(d=d, u3=es.cohens_u3(d), overlap=es.overlap(d),
                prob_superiority=es.prob_superiority(d), cer=cer, nnt=es.nnt(d, cer=cer),
                thickness_mm=es.to_raw_units(d, sd_t), one_rm_kg=es.to_raw_units(d, sd_r),
                sd_thickness=sd_t, sd_1rm=sd_r,
                example_sds=(sd_t == EXAMPLE_SD_THICKNESS_MM and sd_r == EXAMPLE_SD_1RM_KG))


class EffectSizeExplorer(Explorer):
    """d, the control event rate and the SDs you state -> two distributions, U3, overlap,
    probability of superiority, NNT and the difference in mm and kg (the model is
    rpsychologist.com/cohend); plus a "guess the d" game played in the browser.

    The view computes everything in closed form (normal pdf and cdf); ``guess`` is the game's
    answer box and does not change the sentence.
    """

    js = "effect_size"
    title = "Effect-size explorer"

    def __init__(self, d=0.15, sd_thickness=EXAMPLE_SD_THICKNESS_MM, sd_1rm=EXAMPLE_SD_1RM_KG,
                 cer=50, guess=0.5):
        self.controls = dict(
            d=slider("d", "d (+ favours failure)", d, -1, 2, 0.05),
            cer=slider("cer", "Control event rate (%)", cer, 1, 99, 1),
            sd_thickness=slider("sd_thickness", "SD thickness (mm)", sd_thickness, 0.1, 100, 0.1),
            sd_1rm=slider("sd_1rm", "SD 1RM (kg)", sd_1rm, 0.5, 1000, 0.5),
            new_d=button("new_d", "Guess the d: new pair"),
            guess=slider("guess", "Your guess (d)", guess, -1, 2, 0.05),
            check=button("check", "Check my guess"),
        )
        super().__init__()

    def compute(self, d, sd_thickness, sd_1rm, cer, guess):
        _check_controls(self, dict(d=d, sd_thickness=sd_thickness, sd_1rm=sd_1rm, cer=cer,
                                   guess=guess))
        return effect_size_state(d, sd_thickness, sd_1rm, cer / 100)

    def data(self):
        return dict(example_sds=[EXAMPLE_SD_THICKNESS_MM, EXAMPLE_SD_1RM_KG])

    def describe(self, s):
        d, cer, nnt = s["d"], s["cer"], s["nnt"]
        sds = "example SDs \u2014 type your own" if s["example_sds"] else "your SDs"
        if d > 0:
            sign = "Positive d favours failure."
        elif d < 0:
            sign = "Negative d favours non-failure: the non-failure group gains more."
        else:
            sign = "d = 0: no difference between the groups."
        base = f"If {_pct(cer)} of the non-failure group count as responders (the control event rate)"
        if math.isinf(nnt):
            nnt_text = (f"{base}, as many respond with failure: no number of people trained to "
                        f"failure adds a responder.")
        else:
            of_100 = (f"{_num(100 * cer, 0)} of 100 respond without failure, "
                      f"{_num(100 * (cer + 1 / nnt), 1)} of 100 with it")
            if nnt > 0:
                nnt_text = (f"{base}, about {_num(nnt, 1)} people would have to train to failure "
                            f"for one extra responder (the number needed to treat): {of_100}.")
            else:
                nnt_text = (f"{base}, about one in {_num(-nnt, 1)} people training to failure "
                            f"would lose a response they would have had without failure (the "
                            f"number needed to harm): {of_100}.")
        return (f"<b>What the figure shows</b> (two normal distributions with equal SDs, not "
                f"data): d = {_num(d)}. {sign} "
                f"<b>U3:</b> {_pct(s['u3'])} of the failure group is above the mean of the "
                f"non-failure group (50 % would mean no difference). "
                f"<b>Overlap:</b> the two distributions overlap by {_pct(s['overlap'])}. "
                f"<b>Probability of superiority:</b> a person picked at random from the failure "
                f"group has a {_pct(s['prob_superiority'])} chance of gaining more than one "
                f"picked at random from the non-failure group (50 % = a coin flip). {nnt_text} "
                f"<b>In your units</b> ({sds}): {_signed(s['thickness_mm'])} mm of "
                f"muscle thickness with an SD of {_num(s['sd_thickness'], 1)} mm, and "
                f"{_signed(s['one_rm_kg'], 1)} kg of 1RM with an SD of "
                f"{_num(s['sd_1rm'], 1)} kg: a difference between group averages, not what each "
                f"person gains. Use the SD the SMD was standardised by: most often the SD between "
                f"people before training, several times the SD of a 10-week change.")


# -- 2.2 a CI over replications, and power ---------------------------------------------------------

N_GRID = np.unique(np.round(np.geomspace(4, 10000, 160)))  # n per group for the power curve
N_AXIS = (4, 10000)
CI_XLIM = (-2.5, 3.5)  # fixed, so that shrinking CIs are seen shrinking


@lru_cache(maxsize=256)
def _replications(d, n, replications, seed):
    """Hedges' g and its 95 % CI for ``replications`` simulated studies (n per group).

    Standard normal noise of shape (n, replications, 2) from ``default_rng(seed)``: the first n
    rows are the same for every n, so a larger n adds people to the same studies, and d only
    shifts the failure group. Returns (cis, estimates), read-only.
    """
    z = np.random.default_rng(seed).standard_normal((n, replications, 2))
    failure, control = z[:, :, 0] + d, z[:, :, 1]
    m1, m2 = failure.mean(0), control.mean(0)
    s1, s2 = failure.std(0, ddof=1), control.std(0, ddof=1)
    fits = [es.smd(m1[r], s1[r], n, m2[r], s2[r], n) for r in range(replications)]
    cis = np.array([[f.ci_low, f.ci_high] for f in fits])
    estimates = np.array([f.g for f in fits])
    cis.flags.writeable = estimates.flags.writeable = False
    return cis, estimates


@lru_cache(maxsize=256)
def _power_curve(d):
    p = es.power(d, N_GRID)
    p.flags.writeable = False
    return p


@lru_cache(maxsize=256)
def _n_for_80(d):
    return None if d == 0 else es.n_per_group(d, power=0.8)


def ci_state(d=0.15, n=15, replications=20, seed=2):
    """A dance of 95 % CIs: ``replications`` synthetic two-group studies with true SMD ``d``.

    Each study has ``n`` people per group drawn from normal distributions with SD 1 (failure
    group mean d); Hedges' g and its normal 95 % CI from :func:`failurelab.effect_sizes.smd`.
    Also the power of a two-sided t-test at this n and the n per group for 80 % power
    (Cohen 1988; Cumming 2014, Psychol Sci 25:7-29, for the "dance").
    """
    d = _value("d", d, -3, 3, what="a true standardized mean difference")
    n = _value("n", n, 2, 2000, integer=True, what="a whole number of people per group")
    replications = _value("replications", replications, 1, 5000, integer=True,
                          what="a whole number of simulated studies")
    seed = _value("seed", seed, 0, 2**32 - 1, integer=True, what="a whole number")
    cis, estimates = _replications(d, n, replications, seed)
    covers = (cis[:, 0] <= d) & (d <= cis[:, 1])
    crosses_zero = (cis[:, 0] <= 0) & (0 <= cis[:, 1])
    pw = es.power(d, n)
    return dict(d=d, n=n, replications=replications, seed=seed, power=pw,
                n_for_80=_n_for_80(d), half_width=es.ci_half_width(n, d), cis=cis,
                estimates=estimates, covers=covers, crosses_zero=crosses_zero,
                n_cross_zero=int(crosses_zero.sum()), n_miss=int((~covers).sum()),
                power_curve=(N_GRID, _power_curve(d)))



class CIExplorer(Explorer):
    """True d and n per group -> the CIs of synthetic replications, and power against n; plus
    "Run another study": new, unseeded studies simulated in the browser, added one by one.

    The view recomputes the seeded replications from the same standard normal draws (shipped
    exactly) and power from the noncentral t by quadrature, with the t quantiles computed here.
    """

    js = "ci_dance"
    title = "CI and sample-size explorer"
    N_MAX = 200

    def __init__(self, d=0.15, n=15, replications=20, seed=2):
        self.replications, self.seed = int(replications), int(seed)
        self.controls = dict(
            d=slider("d", "True d", d, -0.5, 1.5, 0.05),
            n=slider("n", "n per group", n, 5, self.N_MAX, 1),
            run=button("run", "Run another study"),
            run20=button("run20", "Run 20 more"),
            clear=button("clear", "Clear my studies"),
        )
        super().__init__()

    def compute(self, d, n):
        _check_controls(self, dict(d=d, n=n))
        return ci_state(d, n, self.replications, self.seed)

    def data(self):
        control = self.controls["d"]
        ds = [round(control.min + i * control.step, 2)
              for i in range(round((control.max - control.min) / control.step) + 1)]
        slider_ns = np.arange(5, self.N_MAX + 1)
        ns = np.union1d(slider_ns, N_GRID).astype(int)  # every n a view computes power at
        draws = np.random.default_rng(self.seed).standard_normal(
            (self.N_MAX, self.replications, 2))  # as _replications: its first n rows
        return dict(
            replications=self.replications, n_max=self.N_MAX,
            draws=pack_f64(draws.ravel()), z=pack_f64([stats.norm.isf(0.025)]),
            J=pack_f64([es.correction_factor(2 * n - 2) for n in slider_ns]), j_from=5,
            ns=ns.tolist(), t_crit=pack_f64(stats.t.isf(0.025, 2 * ns - 2)),
            n_grid=N_GRID.astype(int).tolist(), n_axis=list(N_AXIS), ci_xlim=list(CI_XLIM),
            n_for_80={f"{d:.2f}": _n_for_80(d) for d in ds})

    def describe(self, s):
        d, n, r = s["d"], s["n"], s["replications"]
        n80 = s["n_for_80"]
        need = ("no n gives power against d = 0 (power stays at 5 %)" if n80 is None else
                f"{n80:,} per group are needed for 80 % power")
        both = int((s["crosses_zero"] & s["covers"]).sum())
        return (f"<b>What the figure shows</b> ({r} synthetic studies, simulated with true d = "
                f"{_num(d)}): with {n} people per group each 95 % CI is about \u00b1"
                f"{_num(s['half_width'])} wide, and a study has {_pct(s['power'])} power "
                f"(chance of p &lt; 0.05); {need}. {s['n_cross_zero']} of {r} CIs cross zero and "
                f"{s['n_miss']} of {r} miss the true d (about 1 in 20 is expected to). "
                + (f"{both} of the CIs that cross zero also include the true d = {_num(d)}: "
                   if s["n_cross_zero"] and d != 0 else "")
                + "a CI crossing zero is not \u201cno effect\u201d; it says the study cannot tell "
                "a zero effect from the effects inside its interval.")



# -- 2.3 build a meta-analysis -------------------------------------------------------------------

K_MAX = 30
K_LABELS = 12  # study rows labelled one by one up to this k (then S01 and every 5th)
#: the forest plot's fixed x range (a fixed axis is not redrawn); longer CIs end in an arrow
X_LIM = (-2.5, 3.0)


def _n_range(n):
    return max(3, round(0.5 * n)), max(3, round(1.5 * n))


@lru_cache(maxsize=64)
def _all_studies(n, true_effect, tau, seed):
    """K_MAX synthetic studies; the first k of them are exactly ``synthetic_trials(k, ...)``
    (its draws are made study by study), so moving the k slider needs no new simulation."""
    table = synthetic_trials(K_MAX, _n_range(n), true_effect, tau, seed)
    fits = [es.smd(r.mean_failure, r.sd_failure, r.n_failure, r.mean_nonfailure, r.sd_nonfailure,
                   r.n_nonfailure) for r in table.itertuples()]
    return pd.DataFrame({
        "study": table["study"], "n_per_group": table["n_failure"],
        "yi": [f.g for f in fits], "vi": [f.vi for f in fits], "se": [f.se for f in fits],
        "ci_low": [f.ci_low for f in fits], "ci_high": [f.ci_high for f in fits],
        "true_smd": table["true_smd"]})


def _studies(k, n, true_effect, tau, seed):
    return _all_studies(n, true_effect, tau, seed).iloc[:k]


@lru_cache(maxsize=256)
def _pooled(k, n, true_effect, tau, seed, method):
    s = _studies(k, n, true_effect, tau, seed)
    return meta.pool(s["yi"], s["vi"], method=method)


def meta_state(k=7, n=15, true_effect=0.2, tau=0.1, method="REML", seed=3):
    """Pool ``k`` synthetic two-arm studies (:func:`failurelab.synthetic.synthetic_trials`).

    Study i has its own n per group (uniform from about n/2 to 3n/2) and true SMD drawn from
    Normal(true_effect, tau^2); its Hedges' g and variance come from
    :func:`failurelab.effect_sizes.smd`, the pooled estimate from :func:`failurelab.meta.pool`
    with ``method`` (and, for comparison, with equal effects "EE").
    """
    k = _value("k", k, 2, K_MAX, integer=True, what="a whole number of studies")
    n = _value("n", n, 4, 2000, integer=True, what="a whole number of people per group")
    true_effect = _value("true_effect", true_effect, -3, 3, what="a standardized mean difference")
    tau = _value("tau", tau, 0, 2, what="a between-study SD")
    seed = _value("seed", seed, 0, 2**32 - 1, integer=True, what="a whole number")
    method = str(method).upper()
    if method not in meta.METHODS:
        raise ValueError(f"method must be one of {', '.join(meta.METHODS)}, got {method!r}")
    studies = _studies(k, n, true_effect, tau, seed).copy()
    pooled = _pooled(k, n, true_effect, tau, seed, method)
    pooled_ee = _pooled(k, n, true_effect, tau, seed, "EE")
    studies["ci"] = list(zip(studies["ci_low"], studies["ci_high"]))
    studies["weight"] = pooled.weights
    studies["weight_ee"] = pooled_ee.weights
    return dict(studies=studies, pooled=pooled, pooled_ee=pooled_ee, k=k, n=n,
                true_effect=true_effect, tau=tau, method=method, seed=seed, n_range=_n_range(n))



N_STEP = 5  # the n slider's step: one set of K_MAX studies per value is shipped to the view


@lru_cache(maxsize=32)
def _standard_studies(n, seed):
    """The K_MAX studies of ``_all_studies(n, ...)`` on a standard scale: the same draws (each
    draw's size does not depend on the mean, tau, control mean or SD), with tau = 1, control
    mean 0 and SD 1. Returns (n_i, z_i, a_i, b_i): study i's g is J(n_i) (true_effect + tau z_i
    + a_i) / b_i, where z_i is its standard normal effect draw, a_i the difference of its two
    arms' standard normal means and b_i their pooled SD."""
    table = synthetic_trials(K_MAX, _n_range(n), 0.0, 1.0, seed, control_mean=(0.0, 0.0),
                             sd=(1.0, 1.0))
    z = table["true_smd"].to_numpy()
    a = table["mean_failure"].to_numpy() - z - table["mean_nonfailure"].to_numpy()
    b = np.sqrt((table["sd_failure"].to_numpy() ** 2 + table["sd_nonfailure"].to_numpy() ** 2) / 2)
    return table["n_failure"].to_numpy(), z, a, b


METHOD_LABELS = {"EE": "Equal effects (EE)", "DL": "Random effects, DL",
                 "REML": "Random effects, REML"}


class MetaExplorer(Explorer):
    """k studies, their size, the true effect and tau -> a forest plot of synthetic studies.

    The view pools in the browser (equal effects, DerSimonian-Laird, REML by Fisher scoring,
    ported from :mod:`failurelab.meta`) from the studies' standardised draws shipped exactly.
    """

    js = "meta"
    title = "Build-a-meta-analysis explorer"

    def __init__(self, k=7, n=15, true_effect=0.2, tau=0.1, method="REML", seed=3):
        self.seed = int(seed)
        import statsmodels.stats.meta_analysis  # noqa: F401  (DL's first use would pay for it)
        self.controls = dict(
            k=slider("k", "Studies (k)", k, 2, K_MAX, 1),
            n=slider("n", "n per group (typical)", n, 5, 100, N_STEP),
            true_effect=slider("true_effect", "True mean effect", true_effect, -0.5, 1.0, 0.05),
            tau=slider("tau", "\u03c4 (between-study SD)", tau, 0, 0.6, 0.05),
            method=dropdown("method", "Model", method,
                            [(METHOD_LABELS[m], m) for m in ("EE", "DL", "REML")]),
        )
        super().__init__()

    def compute(self, k, n, true_effect, tau, method):
        _check_controls(self, dict(k=k, n=n, true_effect=true_effect, tau=tau))
        check_steps(self, dict(n=n))
        return meta_state(k, n, true_effect, tau, method, self.seed)

    def data(self):
        control = self.controls["n"]
        studies, sizes = {}, set()
        for n in range(int(control.min), int(control.max) + 1, N_STEP):
            n_i, z, a, b = _standard_studies(n, self.seed)
            studies[str(n)] = dict(n_range=list(_n_range(n)), n_i=n_i.tolist(), z=pack_f64(z),
                                   a=pack_f64(a), b=pack_f64(b))
            sizes.update(n_i.tolist())
        j_from, j_to = min(sizes), max(sizes)
        return dict(studies=studies, j_from=j_from,
                    J=pack_f64([es.correction_factor(2 * m - 2) for m in range(j_from, j_to + 1)]),
                    z=pack_f64([stats.norm.isf(0.025)]), k_max=K_MAX, k_labels=K_LABELS,
                    x_lim=list(X_LIM), method_labels=METHOD_LABELS)

    def describe(self, s):
        p, pe, k = s["pooled"], s["pooled_ee"], s["k"]
        lo, hi = s["n_range"]
        level = f"{p.level * 100:.0f} %"
        text = (f"<b>What the figure shows</b> ({k} synthetic studies, {lo}\u2013{hi} people per "
                f"group, simulated with a true mean effect of {_num(s['true_effect'])} and "
                f"\u03c4 = {_num(s['tau'])}): ")
        if p.method == "EE":
            text += (f"the equal-effects model pools them to g = {_num(p.estimate)} ({level} CI "
                     f"{_num(p.ci_low)} to {_num(p.ci_high)}). It assumes every study estimates "
                     f"the same effect, so \u03c4\u00b2 is set to 0 and the prediction interval "
                     f"equals the CI. Heterogeneity from Cochran's Q: I\u00b2 = {p.I2:.0f} %. ")
        else:
            text += (f"the random-effects model ({p.method}) pools them to g = {_num(p.estimate)} "
                     f"({level} CI {_num(p.ci_low)} to {_num(p.ci_high)}). The prediction "
                     f"interval, {_num(p.pi_low)} to {_num(p.pi_high)}, is where the true effect "
                     f"of a new, similar study would be expected to lie. Estimated between-study "
                     f"variance \u03c4\u00b2 = {p.tau2:.3f} (\u03c4 = {_num(p.tau)}; simulated "
                     f"\u03c4 = {_num(s['tau'])}); I\u00b2 = {p.I2:.0f} % of the spread is "
                     f"attributed to real differences between studies rather than chance. For "
                     f"comparison, equal effects give {_num(pe.estimate)} ({_num(pe.ci_low)} to "
                     f"{_num(pe.ci_high)}). ")
        if k == 2:
            text += ("<b>With only 2 studies the result is fragile:</b> \u03c4\u00b2 and I\u00b2 "
                     "are barely estimable, and one more study can move the pooled estimate a lot.")
        elif k <= 4:
            text += (f"With {k} studies \u03c4\u00b2 is poorly estimated; treat I\u00b2 and the "
                     "prediction interval with caution.")
        return text
