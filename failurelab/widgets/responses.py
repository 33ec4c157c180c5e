"""Chapter 4 explorers: individual responses vs noise, and failure acting only through volume.

Pure compute functions (``individual_responses_state``, ``volume_confounding_state``: the
reference) + browser views (``js/individual_responses.js``, ``js/volume_confounding.js``). The
simulations are :mod:`failurelab.responses` (synthetic, seeded; every SD, slope and volume is an
assumption of the teaching model, stated in that module).

The views draw from grids computed here (:func:`individual_grid`, :func:`volume_grid`): the
simulated numbers for every control setting a view offers, from the same seeded draws (tests
compare them with the state functions), and statsmodels' power (noncentral t, via
:mod:`failurelab.effect_sizes`). The browser computes only closed forms, and the one trial on
the left of the individual-responses view from that trial's draws, which Python sends in full.
To keep a view small, some controls move in coarser steps than a free simulation would allow
(see the ``INDIVIDUAL_*`` and ``VOLUME_*`` values).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy import stats

from .. import data
from .. import effect_sizes as es
from ..responses import (
    INDIVIDUAL_DEFAULTS,
    VOLUME_DEFAULTS,
    _normals,
    expected_individual_responses,
    expected_volume_smd,
    simulate_individual_responses,
    simulate_volume_confounding,
)
from .base import (
    MINUS,
    Explorer,
    _check_controls,
    _num,
    _pct,
    _signed,
    check_steps,
    digits_for,
    pack_histogram,
    shortest,
    slider,
)

SIM_LABEL = "synthetic trials; the SDs are assumptions"


def _shares(values, edges):
    """Share of ``values`` in each bin of ``edges`` (values outside go to the end bins)."""
    counts, _ = np.histogram(np.clip(values, edges[0] + 1e-9, edges[-1] - 1e-9), bins=edges)
    return counts / max(len(values), 1)


def _plain(x, places=2):
    """``_num``, but a value that rounds to zero has no minus sign ("0.00", not "\u22120.00"), as
    the views show it (explorer.js never shows a negative zero)."""
    text = _num(x, places)
    return text[1:] if text.startswith(MINUS) and not text.strip(MINUS + "0.") else text


# -- grids for the views (as in limitations.py: modules share helpers only through base) ------



def _significant(t, df, alpha):
    """p < alpha for a two-sided t-test, tested on |t| against the critical t (values within
    1e-9 of it get the exact p, as :func:`failurelab.responses._two_arm_tests` computes it)."""
    t = np.abs(t)
    crit = stats.t.isf(alpha / 2, df)
    sig = t > crit
    near = np.abs(t - crit) <= 1e-9 * crit
    if near.any():
        sig[near] = 2 * stats.t.sf(t[near], df) < alpha
    return sig


# -- 4.3 individual responses --------------------------------------------------------------------

SD_IR_EDGES = np.round(np.arange(-3.5, 3.5001, 0.1), 10)
SD_IR_TOP = 0.15  # fixed height of the histogram axis (a taller bar is cut and labelled)
CHANGE_LIM = (-8.0, 10.0)  # mm, the strip plot's fixed axis
# what the view offers (the "responder" threshold acts only on the one trial: every 0.25 mm)
INDIVIDUAL_SD_RESPONSES = tuple(round(0.25 * i, 2) for i in range(9))
INDIVIDUAL_SD_NOISES = tuple(round(0.2 * i, 1) for i in range(1, 11))
INDIVIDUAL_NS = tuple(range(5, 101, 5))
_FIXED_INDIVIDUAL = ("sd_common", "mean_control", "mean_effect", "trials", "seed")


def individual_responses_state(sd_response=0.5, sd_noise=1.0, n=15, threshold=3.0,
                               sd_common=1.0, mean_control=1.8, mean_effect=0.0, trials=2000,
                               seed=43):
    """Synthetic parallel-group trials (:func:`failurelab.responses.simulate_individual_responses`)
    summarised for the explorer: trial 1 in full (``one``), the estimated SD of individual
    responses over all trials (``sd_ir``, its 10th/90th percentiles, the share below 0), who
    would be labelled a "responder" (change >= ``threshold``) in each arm, and the analytic
    values (``expected``, :func:`failurelab.responses.expected_individual_responses`)."""
    sim = simulate_individual_responses(n, mean_control, mean_effect, sd_response, sd_common,
                                        sd_noise, threshold, trials, seed)
    expected = expected_individual_responses(n, mean_control, mean_effect, sd_response,
                                             sd_common, sd_noise, threshold)
    lab_i, lab_c = sim.labelled()
    benefit = sim.true_effect > 0
    one = dict(change_intervention=sim.change_intervention[0], change_control=sim.change_control[0],
               true_effect=sim.true_effect[0], labelled_intervention=lab_i[0],
               labelled_control=lab_c[0], sd_intervention=float(sim.sd_intervention[0]),
               sd_control=float(sim.sd_control[0]), sd_ir=float(sim.sd_ir[0]))
    n_labelled = int(lab_i.sum())
    return dict(**sim.parameters, expected=expected, one=one, sd_ir=sim.sd_ir,
                sd_ir_p10=float(np.percentile(sim.sd_ir, 10)),
                sd_ir_p90=float(np.percentile(sim.sd_ir, 90)),
                share_negative=float(np.mean(sim.sd_ir < 0)),
                mean_variance_difference=float(sim.variance_difference.mean()),
                mc_se_variance_difference=float(sim.variance_difference.std(ddof=1)
                                                / np.sqrt(sim.parameters["trials"])),
                share_labelled_intervention=float(lab_i.mean()),
                share_labelled_control=float(lab_c.mean()),
                labelled_benefit=(float(benefit[lab_i].mean()) if n_labelled else float("nan")),
                base_benefit=float(benefit.mean()),
                hist=_shares(sim.sd_ir, SD_IR_EDGES), label=sim.label)


@lru_cache(maxsize=4)
def individual_grid(sd_common=1.0, mean_control=1.8, mean_effect=0.0, trials=2000, seed=43):
    """Everything the individual-responses view shows, for each setting it offers (JSON-able).

    ``sims[(n index x SDs of responses + SD index) x noise SDs + noise index]`` = [histogram of
    the estimated SD of individual responses over the trials (packed counts), its 10th and 90th
    percentiles, trials below 0]. The estimates come from the sample (co)variances of the same
    draws as :func:`failurelab.responses.simulate_individual_responses` (tests compare).
    ``draws``: trial 1's five standard normals per person (common and noise of the control arm,
    the same of the intervention arm, individual response), as exact decimal text."""
    n_max = max(INDIVIDUAL_NS)
    z = _normals(seed, trials, n_max, 5)
    sr = np.array(INDIVIDUAL_SD_RESPONSES)[:, None, None]
    sn = np.array(INDIVIDUAL_SD_NOISES)[None, :, None]
    c = sd_common
    width = digits_for(trials)
    sims = []
    for n in INDIVIDUAL_NS:
        x = z[:, :, :n]
        dev = x - x.mean(axis=-1, keepdims=True)
        m = np.einsum("ktn,jtn->kjt", dev, dev) / (n - 1)  # sample (co)variances per trial
        var_c = c**2 * m[0, 0] + sn**2 * m[1, 1] + 2 * c * sn * m[0, 1]
        var_i = (c**2 * m[2, 2] + sn**2 * m[3, 3] + sr**2 * m[4, 4] + 2 * c * sn * m[2, 3]
                 + 2 * c * sr * m[2, 4] + 2 * sn * sr * m[3, 4])
        diff = var_i - var_c
        sd_ir = np.sign(diff) * np.sqrt(np.abs(diff))  # (SD of responses, noise SD, trial)
        p10, p90 = np.percentile(sd_ir, [10, 90], axis=-1)
        negative = (sd_ir < 0).sum(axis=-1)
        lo, hi = SD_IR_EDGES[0] + 1e-9, SD_IR_EDGES[-1] - 1e-9
        for a in range(len(INDIVIDUAL_SD_RESPONSES)):
            for b in range(len(INDIVIDUAL_SD_NOISES)):
                counts = np.histogram(np.clip(sd_ir[a, b], lo, hi), bins=SD_IR_EDGES)[0]
                sims.append([pack_histogram(counts, width), shortest(float(p10[a, b]), _plain),
                             shortest(float(p90[a, b]), _plain), int(negative[a, b])])
    draws = [",".join(repr(float(v)) for v in z[k, 0]) for k in range(5)]
    return dict(label=SIM_LABEL, trials=trials, sd_common=sd_common, mean_control=mean_control,
                mean_effect=mean_effect, sd_responses=INDIVIDUAL_SD_RESPONSES,
                sd_noises=INDIVIDUAL_SD_NOISES, ns=INDIVIDUAL_NS,
                edges=[float(SD_IR_EDGES[0]), 0.1, len(SD_IR_EDGES) - 1], top=SD_IR_TOP,
                change_lim=CHANGE_LIM, digits=width, draws=draws, sims=sims)


class IndividualResponsesExplorer(Explorer):
    """True SD of individual responses, noise, n and a "responder" threshold -> one synthetic
    trial's change scores, and the estimated SD of individual responses over many trials."""

    js = "individual_responses"
    title = "Individual responses or noise?"

    def __init__(self, sd_response=0.5, sd_noise=1.0, n=15, threshold=3.0, **fixed):
        unknown = set(fixed) - set(_FIXED_INDIVIDUAL)
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        self.fixed = {k: INDIVIDUAL_DEFAULTS[k] for k in _FIXED_INDIVIDUAL}
        self.fixed.update(fixed)
        self.controls = dict(
            sd_response=slider("sd_response", "True SD of responses (mm)", sd_response, 0, 2,
                               0.25),
            sd_noise=slider("sd_noise", "Noise SD (mm)", sd_noise, 0.2, 2, 0.2),
            n=slider("n", "n per arm", n, 5, max(INDIVIDUAL_NS), 5),
            threshold=slider("threshold", "\u201cResponder\u201d if change \u2265 (mm)",
                             threshold, -2, 6, 0.25),
        )
        super().__init__()

    def compute(self, sd_response, sd_noise, n, threshold):
        check_steps(self, _check_controls(self, dict(sd_response=sd_response, sd_noise=sd_noise,
                                                   n=n, threshold=threshold)))
        return individual_responses_state(sd_response, sd_noise, n, threshold, **self.fixed)

    def data(self):
        return individual_grid(*(self.fixed[k] for k in _FIXED_INDIVIDUAL))

    def describe(self, s):
        e, one, n = s["expected"], s["one"], s["n"]
        nobody = s["sd_response"] == 0 and s["mean_effect"] == 0
        return (f"<b>What the figure shows</b> ({SIM_LABEL}, not data): in one simulated trial "
                f"with {n} people per arm, {int(one['labelled_intervention'].sum())} of {n} in "
                f"the failure arm and {int(one['labelled_control'].sum())} of {n} in the "
                f"non-failure arm changed by at least {_num(s['threshold'])} mm and would be "
                f"called \u201cresponders\u201d"
                + (" \u2014 although in this setting nobody responds to failure any differently "
                   "from non-failure" if nobody else "")
                + f". Only {_pct(e['share_response'])} of the spread of the failure arm's "
                f"changes is individual response to failure; the rest is general trainability "
                f"(both arms) and noise. Across {s['trials']:,} simulated trials the estimate "
                f"\u221a(SD_I\u00b2 \u2212 SD_C\u00b2) fell between {_plain(s['sd_ir_p10'])} and "
                f"{_plain(s['sd_ir_p90'])} mm in 80 % of trials (true value "
                f"{_num(s['sd_response'])} mm), and {_pct(s['share_negative'])} of trials gave a "
                f"negative estimate.")


# -- 4.4 confounding with volume -----------------------------------------------------------------

G_EDGES = np.round(np.arange(-2.5, 2.5001, 0.1), 10)
G_TOP = 0.25
SETS_AXIS = (0, 24)
GAIN_LIM = (-1.0, 5.0)
REFERENCE_ID = "grgic2022-strength-volume-not-equated"
# what the view offers
VOLUME_SETS = tuple(range(4, 21))
VOLUME_GAINS = (0.0, 0.05, 0.1, 0.15, 0.2)
VOLUME_DIRECT = tuple(round(-0.5 + 0.1 * i, 1) for i in range(11))
VOLUME_NS = tuple(range(5, 51, 5))
_FIXED_VOLUME = ("sets_nonfailure", "sd_sets", "trials", "seed", "alpha")


@lru_cache(maxsize=1)
def published_reference():
    """Grgic et al. 2022's strength estimate when volume was not equated, from
    data/meta_analyses.csv (abstract-verified; positive favours failure). In the studies behind
    it the design prescribed the volume gap (Kramer et al. 1997; Sanborn et al. 2000)."""
    row = data.load("meta_analyses").set_index("id").loc[REFERENCE_ID]
    return dict(id=REFERENCE_ID, study=row["study"], estimate=float(row["estimate"]),
                ci_low=float(row["ci_low"]), ci_high=float(row["ci_high"]), doi=row["doi"],
                verification=row["verification"])


def volume_confounding_state(sets_failure=9.0, gain_per_set=0.1, direct_effect=0.0, n=15,
                             sets_nonfailure=12.0, sd_sets=1.0, trials=2000, seed=44,
                             alpha=0.05):
    """Synthetic failure vs non-failure trials in which failure acts only through weekly sets
    (plus ``direct_effect``): :func:`failurelab.responses.simulate_volume_confounding`,
    summarised with the analytic SMDs (:func:`failurelab.responses.expected_volume_smd`), the
    power of the naive t-test (:func:`failurelab.effect_sizes.power`) and the published
    reference (Grgic 2022, volume not equated)."""
    sim = simulate_volume_confounding(n, sets_nonfailure, sets_failure, gain_per_set,
                                      direct_effect, sd_sets, trials, seed, alpha)
    p = sim.parameters
    naive = expected_volume_smd(sets_nonfailure, sets_failure, gain_per_set, direct_effect,
                                sd_sets)
    equated = expected_volume_smd(sets_nonfailure, sets_nonfailure, gain_per_set,
                                  direct_effect, sd_sets)
    root_t = np.sqrt(p["trials"])
    return dict(**p, expected_naive=naive, expected_equated=equated,
                set_difference=p["sets_failure"] - p["sets_nonfailure"],
                mean_naive_g=float(sim.naive_g.mean()),
                mean_equated_g=float(sim.equated_g.mean()),
                mc_se_naive=float(sim.naive_g.std(ddof=1) / root_t),
                mc_se_equated=float(sim.equated_g.std(ddof=1) / root_t),
                power_naive=es.power(naive, p["n"], p["alpha"]),
                power_equated=es.power(equated, p["n"], p["alpha"]),
                share_significant_naive=sim.share_significant("naive"),
                share_naive_favours_nonfailure=sim.share_significant("naive", "nonfailure"),
                share_naive_favours_failure=sim.share_significant("naive", "failure"),
                share_significant_equated=sim.share_significant("equated"),
                hist_naive=_shares(sim.naive_g, G_EDGES),
                hist_equated=_shares(sim.equated_g, G_EDGES),
                reference=published_reference(), label=sim.label)


@lru_cache(maxsize=4)
def volume_grid(sets_nonfailure=12.0, sd_sets=1.0, trials=2000, seed=44, alpha=0.05):
    """Everything the volume-confounding view shows, for each setting it offers (JSON-able).

    A trial depends on the gain per set and n, and on the arms' expected difference only
    through delta = direct effect + gain x (sets_failure - sets_nonfailure): each distinct
    (gain, delta) is simulated once. ``naive[gain][direct][sets]`` and ``equated[gain][direct]``
    give its index k; ``sims[n index x len(powers) + k]`` = [histogram of g (packed counts),
    mean g, trials significantly favouring failure, favouring non-failure]; ``powers[k][n
    index]``: statsmodels' power of the t-test at that delta. Same draws as
    :func:`failurelab.responses.simulate_volume_confounding` (tests compare)."""
    snf, s = float(sets_nonfailure), float(sd_sets)
    keys, where = [], {}

    def key(bi, delta, setting):
        k = (bi, round(delta, 9))
        if k not in where:
            where[k] = len(keys)
            keys.append((bi, delta, setting))
        return where[k]

    naive = [[[key(bi, direct + b * (sf - snf), (sf, direct)) for sf in VOLUME_SETS]
              for direct in VOLUME_DIRECT] for bi, b in enumerate(VOLUME_GAINS)]
    equated = [[key(bi, direct, (snf, direct)) for direct in VOLUME_DIRECT]
               for bi in range(len(VOLUME_GAINS))]
    width = digits_for(trials)
    lo, hi = G_EDGES[0] + 1e-9, G_EDGES[-1] - 1e-9
    sims = []
    for n in VOLUME_NS:
        z = _normals(seed, trials, n, 4)
        J = es.correction_factor(2 * n - 2)
        rows = [None] * len(keys)
        for bi, b in enumerate(VOLUME_GAINS):
            ks = [k for k, (kb, _, _) in enumerate(keys) if kb == bi]
            # as simulate_volume_confounding and _two_arm_tests; the failure arm's mean sets and
            # direct effect are added to its mean, which moves no variance
            shift = np.array([keys[k][2][1] + b * keys[k][2][0] for k in ks])[:, None]
            nonfailure = b * (snf + s * z[0]) + z[1]
            person = b * s * z[2] + z[3]
            diff = (person.mean(axis=1) + shift) - nonfailure.mean(axis=1)
            sd_pooled = np.sqrt((person.var(axis=1, ddof=1) + nonfailure.var(axis=1, ddof=1))
                                / 2)
            sig = _significant(diff / (sd_pooled * math.sqrt(2 / n)), 2 * n - 2, alpha)
            g = J * diff / sd_pooled
            for row, k in enumerate(ks):
                counts = np.histogram(np.clip(g[row], lo, hi), bins=G_EDGES)[0]
                rows[k] = [pack_histogram(counts, width), shortest(float(g[row].mean()), _plain),
                           int((sig[row] & (diff[row] > 0)).sum()),
                           int((sig[row] & (diff[row] < 0)).sum())]
        sims.extend(rows)
    expected = np.array([expected_volume_smd(snf, sf, VOLUME_GAINS[bi], direct, s)
                         for bi, _, (sf, direct) in keys])
    power = es.power(expected[:, None], np.array(VOLUME_NS, dtype=float)[None, :], alpha)
    powers = [[shortest(float(p), _pct) for p in row] for row in power]
    return dict(label=SIM_LABEL, trials=trials, sets_nonfailure=snf, sd_sets=s, alpha=alpha,
                sets=VOLUME_SETS, gains=VOLUME_GAINS, directs=VOLUME_DIRECT, ns=VOLUME_NS,
                edges=[float(G_EDGES[0]), 0.1, len(G_EDGES) - 1], top=G_TOP,
                sets_axis=SETS_AXIS, gain_lim=GAIN_LIM, digits=width, naive=naive,
                equated=equated, sims=sims, powers=powers, reference=published_reference())


class VolumeConfoundingExplorer(Explorer):
    """Weekly sets in the failure arm, the gain per set, a direct effect of failure and n ->
    what naive (volume not equated) and volume-equated comparisons of synthetic trials find."""

    js = "volume_confounding"
    title = "Failure acting only through volume"

    def __init__(self, sets_failure=9, gain_per_set=0.1, direct_effect=0.0, n=15, **fixed):
        unknown = set(fixed) - set(_FIXED_VOLUME)
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        self.fixed = {k: VOLUME_DEFAULTS[k] for k in _FIXED_VOLUME}
        self.fixed.update(fixed)
        self.controls = dict(
            sets_failure=slider("sets_failure", "Weekly sets, failure arm", sets_failure, 4, 20,
                                1),
            gain_per_set=slider("gain_per_set", "Gain per weekly set (SD)", gain_per_set, 0, 0.2,
                                0.05),
            direct_effect=slider("direct_effect", "Direct effect of failure (SD)",
                                 direct_effect, -0.5, 0.5, 0.1, places=2),
            n=slider("n", "n per arm", n, 5, max(VOLUME_NS), 5),
        )
        super().__init__()

    def compute(self, sets_failure, gain_per_set, direct_effect, n):
        check_steps(self, _check_controls(self, dict(sets_failure=sets_failure,
                                                   gain_per_set=gain_per_set,
                                                   direct_effect=direct_effect, n=n)))
        return volume_confounding_state(sets_failure, gain_per_set, direct_effect, n,
                                        **self.fixed)

    def data(self):
        return volume_grid(*(self.fixed[k] for k in _FIXED_VOLUME))

    def describe(self, s):
        diff = s["set_difference"]
        if diff < 0:
            volume = f"does {_num(-diff, 0)} fewer weekly sets than"
        elif diff > 0:
            volume = f"does {_num(diff, 0)} more weekly sets than"
        else:
            volume = "does the same weekly sets as"
        only = ("failure itself has no effect" if s["direct_effect"] == 0 else
                f"failure itself adds {_signed(s['direct_effect'])} SD")
        return (f"<b>What the figure shows</b> (synthetic trials from a teaching model; the "
                f"gain per set is an assumption): the failure arm {volume} the non-failure "
                f"arm ({_num(s['sets_nonfailure'], 0)}), and {only}. Comparing the arms as "
                f"designed (volume not equated) gives g = {_plain(s['mean_naive_g'])} on average "
                f"over {s['trials']:,} trials (analytic {_plain(s['expected_naive'])}); "
                f"{_pct(s['share_naive_favours_nonfailure'])} of trials find non-failure "
                f"significantly better and {_pct(s['share_naive_favours_failure'])} find "
                f"failure better (power {_pct(s['power_naive'])}). With volume equated the "
                f"average is {_plain(s['mean_equated_g'])} (analytic "
                f"{_plain(s['expected_equated'])}). Grey: {s['reference']['study']}'s published "
                f"strength estimate when volume was not equated, for scale only \u2014 in the "
                f"studies behind it the design gave the non-failure arm more sets (one set to "
                f"failure vs three sets not to failure), so the gap there was prescribed, not "
                f"caused by fatigue, and the simulation does not show why that estimate is "
                f"negative.")
