"""Chapter 4 explorers: individual responses vs noise, and failure acting only through volume.

Pure compute functions (``individual_responses_state``, ``volume_confounding_state``) + thin
views. The simulations are :mod:`failurelab.responses` (synthetic, seeded; every SD, slope and
volume is an assumption of the teaching model, stated in that module).
"""

from __future__ import annotations

from functools import lru_cache

import ipywidgets as widgets
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon

from .. import data, plots
from .. import effect_sizes as es
from ..responses import (
    INDIVIDUAL_DEFAULTS,
    VOLUME_DEFAULTS,
    expected_individual_responses,
    expected_volume_smd,
    simulate_individual_responses,
    simulate_volume_confounding,
)
from .base import Explorer, _check_controls, _num, _pct, _signed, _slider

C = plots.OKABE_ITO
SIM_LABEL = "synthetic trials; the SDs are assumptions"


def _step_polygon(edges, heights):
    """Vertices of a filled step histogram (one Polygon is cheaper to redraw than many bars)."""
    x = np.repeat(edges, 2)[1:-1]
    y = np.repeat(heights, 2)
    return np.column_stack([np.r_[edges[0], x, edges[-1]], np.r_[0, y, 0]])


def _shares(values, edges):
    """Share of ``values`` in each bin of ``edges`` (values outside go to the end bins)."""
    counts, _ = np.histogram(np.clip(values, edges[0] + 1e-9, edges[-1] - 1e-9), bins=edges)
    return counts / max(len(values), 1)


# -- 4.3 individual responses --------------------------------------------------------------------

SD_IR_EDGES = np.round(np.arange(-3.5, 3.5001, 0.1), 10)
SD_IR_TOP = 0.15  # fixed height of the histogram axis (a taller bar is cut and labelled)
CHANGE_LIM = (-8.0, 10.0)  # mm, the strip plot's fixed axis


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


class IndividualResponsesExplorer(Explorer):
    """True SD of individual responses, noise, n and a "responder" threshold -> one synthetic
    trial's change scores, and the estimated SD of individual responses over many trials."""

    def __init__(self, sd_response=0.5, sd_noise=1.0, n=15, threshold=3.0, **fixed):
        unknown = set(fixed) - {"sd_common", "mean_control", "mean_effect", "trials", "seed"}
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        self.fixed = {k: INDIVIDUAL_DEFAULTS[k] for k in
                      ("sd_common", "mean_control", "mean_effect", "trials", "seed")}
        self.fixed.update(fixed)
        self.controls = dict(
            sd_response=_slider(widgets.FloatSlider, sd_response, 0, 2, 0.1,
                                "True SD of responses (mm)",
                                readout_format=".1f"),
            sd_noise=_slider(widgets.FloatSlider, sd_noise, 0.2, 2, 0.1, "Noise SD (mm)",
                             readout_format=".1f"),
            n=_slider(widgets.IntSlider, n, 5, 100, 1, "n per arm"),
            threshold=_slider(widgets.FloatSlider, threshold, -2, 6, 0.25,
                              "\u201cResponder\u201d if change \u2265 (mm)", width="420px",
                              readout_format=".2f"),
        )
        self._build_figure()
        super().__init__()

    def compute(self, sd_response, sd_noise, n, threshold):
        _check_controls(self, dict(sd_response=sd_response, sd_noise=sd_noise, n=n,
                                   threshold=threshold))
        return individual_responses_state(sd_response, sd_noise, n, threshold, **self.fixed)

    def _build_figure(self):
        self.fig, (ax, axh) = plots.figure(2, size=(9.5, 4.6),
                                           margins=dict(left=0.075, right=0.98, bottom=0.13,
                                                        top=0.80, wspace=0.3))
        style = dict(ls="", ms=6, mew=1.3)
        self.points = {
            (arm, lab): ax.plot([], [], marker="o", color=colour,
                                mfc=colour if lab else "white", **style)[0]
            for arm, colour in (("control", C["blue"]), ("intervention", C["vermillion"]))
            for lab in (True, False)}
        self.means = [ax.plot([], [], color=C["black"], lw=2.5)[0] for _ in range(2)]
        self.threshold_line = ax.axhline(0, color=C["black"], lw=1.2, ls="--")
        self.counts = [ax.text(x, CHANGE_LIM[1] - 0.4, "", ha="center", va="top", fontsize=9)
                       for x in (0, 1)]
        ax.set(xlim=(-0.6, 1.6), ylim=CHANGE_LIM, xticks=[0, 1],
               xticklabels=["non-failure", "failure"], ylabel="Change (mm, synthetic)")
        ax.legend(handles=[Line2D([], [], marker="o", color=C["grey"], **style,
                                  label="\u201cresponder\u201d (change \u2265 threshold)"),
                           Line2D([], [], marker="o", color=C["grey"], mfc="white", **style,
                                  label="other"),
                           Line2D([], [], color=C["black"], lw=2.5, label="arm mean")],
                  loc="lower center", ncol=3, fontsize=8, frameon=False, handletextpad=0.3,
                  columnspacing=0.8)
        self.one_title = ax.set_title("", fontsize=10, loc="left")

        self.hist = Polygon(np.zeros((4, 2)), closed=True, color=C["sky"], lw=0)
        axh.add_patch(self.hist)
        axh.axvline(0, color=C["grey"], lw=1)
        self.truth = axh.axvline(0, color=C["green"], lw=2, ls="--")
        self.cut_text = axh.text(SD_IR_EDGES[0] + 0.1, SD_IR_TOP * 0.85, "", fontsize=9,
                                 va="top")
        axh.set(xlim=(SD_IR_EDGES[0], SD_IR_EDGES[-1]), ylim=(0, SD_IR_TOP),
                xlabel="Estimated SD of individual responses (mm)",
                ylabel="Share of synthetic trials")
        axh.legend(handles=[self.truth], labels=["true SD of responses to failure"],
                   loc="upper left", fontsize=8.5, frameon=False)
        self.hist_title = axh.set_title("", fontsize=10, loc="left")
        self.fig.suptitle(f"Individual responses or noise? ({SIM_LABEL})", fontsize=11.5,
                          x=0.01, ha="left", y=0.975)
        self.fig.text(0.01, 0.9, "Estimate: SD_ir = \u221a(SD\u00b2 of change, failure \u2212 "
                      "SD\u00b2 of change, non-failure); negative when the non-failure arm "
                      "varies more.", fontsize=9, color="#444444")
        self.dynamic = [*self.points.values(), *self.means, self.threshold_line, *self.counts,
                        self.one_title, self.hist, self.truth, self.cut_text,
                        self.hist_title]

    def draw(self, s):
        one, n = s["one"], s["n"]
        jitter = ((np.arange(n) * 0.618034) % 1 - 0.5) * 0.5
        for x, arm in ((0, "control"), (1, "intervention")):
            y = np.clip(one[f"change_{arm}"], *CHANGE_LIM)
            lab = one[f"labelled_{arm}"]
            self.points[(arm, True)].set_data(x + jitter[lab], y[lab])
            self.points[(arm, False)].set_data(x + jitter[~lab], y[~lab])
            mean = one[f"change_{arm}"].mean()
            self.means[x].set_data([x - 0.3, x + 0.3], [mean, mean])
            self.counts[x].set_text(f"{int(lab.sum())} of {n} \u201cresponders\u201d")
        self.threshold_line.set_ydata([s["threshold"]] * 2)
        self.one_title.set_text(f"One trial, n = {n} per arm: SD_ir = {_num(one['sd_ir'])} mm")
        self.hist.set_xy(_step_polygon(SD_IR_EDGES, np.minimum(s["hist"], SD_IR_TOP)))
        top = int(s["hist"].argmax())
        cut = s["hist"][top] > SD_IR_TOP
        self.cut_text.set_text(f"tallest bar: {_pct(s['hist'][top])} (cut)" if cut else "")
        self.truth.set_xdata([s["sd_response"]] * 2)
        self.hist_title.set_text(f"{s['trials']:,} trials: 80 % from {_num(s['sd_ir_p10'])} to "
                                 f"{_num(s['sd_ir_p90'])}; {_pct(s['share_negative'])} below 0")

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
                f"\u221a(SD_I\u00b2 \u2212 SD_C\u00b2) fell between {_num(s['sd_ir_p10'])} and "
                f"{_num(s['sd_ir_p90'])} mm in 80 % of trials (true value "
                f"{_num(s['sd_response'])} mm), and {_pct(s['share_negative'])} of trials gave a "
                f"negative estimate.")


# -- 4.4 confounding with volume -----------------------------------------------------------------

G_EDGES = np.round(np.arange(-2.5, 2.5001, 0.1), 10)
G_TOP = 0.25
SETS_AXIS = (0, 24)
GAIN_LIM = (-1.0, 5.0)
REFERENCE_ID = "grgic2022-strength-volume-not-equated"


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


class VolumeConfoundingExplorer(Explorer):
    """Weekly sets in the failure arm, the gain per set, a direct effect of failure and n ->
    what naive (volume not equated) and volume-equated comparisons of synthetic trials find."""

    def __init__(self, sets_failure=9, gain_per_set=0.1, direct_effect=0.0, n=15, **fixed):
        names = ("sets_nonfailure", "sd_sets", "trials", "seed", "alpha")
        unknown = set(fixed) - set(names)
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        self.fixed = {k: VOLUME_DEFAULTS[k] for k in names}
        self.fixed.update(fixed)
        self.controls = dict(
            sets_failure=_slider(widgets.IntSlider, sets_failure, 4, 20, 1,
                                 "Weekly sets, failure arm"),
            gain_per_set=_slider(widgets.FloatSlider, gain_per_set, 0, 0.2, 0.01,
                                 "Gain per weekly set (SD)", readout_format=".2f"),
            direct_effect=_slider(widgets.FloatSlider, direct_effect, -0.5, 0.5, 0.05,
                                  "Direct effect of failure (SD)", readout_format=".2f"),
            n=_slider(widgets.IntSlider, n, 5, 50, 1, "n per arm"),
        )
        self._build_figure()
        super().__init__()

    def compute(self, sets_failure, gain_per_set, direct_effect, n):
        _check_controls(self, dict(sets_failure=sets_failure, gain_per_set=gain_per_set,
                                   direct_effect=direct_effect, n=n))
        return volume_confounding_state(sets_failure, gain_per_set, direct_effect, n,
                                        **self.fixed)

    def _build_figure(self):
        self.fig, (ax, axh) = plots.figure(2, size=(9.5, 4.6),
                                           margins=dict(left=0.07, right=0.98, bottom=0.13,
                                                        top=0.80, wspace=0.28))
        (self.dose,) = ax.plot([], [], color=C["grey"], lw=2)
        (self.nonfailure_pt,) = ax.plot([], [], "o", color=C["blue"], ms=9,
                                        label="non-failure arm")
        (self.failure_pt,) = ax.plot([], [], "o", color=C["vermillion"], ms=9,
                                     label="failure arm (as designed)")
        (self.equated_pt,) = ax.plot([], [], "s", color=C["vermillion"], mfc="none", ms=14,
                                     mew=2, label="failure arm, volume equated")
        (self.gap,) = ax.plot([], [], color=C["black"], lw=1.5)
        self.gap_text = ax.text(0, 0, "", fontsize=9, va="center")
        ax.set(xlim=SETS_AXIS, ylim=GAIN_LIM, xlabel="Weekly sets (per muscle)",
               ylabel="Expected gain (outcome SDs)")
        ax.legend(loc="upper left", fontsize=8.5, frameon=False)
        ax.set_title("Teaching model: gain = slope \u00d7 sets\n(+ direct effect of failure)",
                     fontsize=10, loc="left")

        ref = published_reference()
        axh.axvspan(ref["ci_low"], ref["ci_high"], color=C["grey"], alpha=0.25, lw=0)
        axh.axvline(ref["estimate"], color=C["grey"], lw=1.5)
        axh.text(G_EDGES[0] + 0.05, G_TOP * 0.97,
                 f"published:\n{ref['study']},\nstrength, volume\nnot equated:\n"
                 f"{_num(ref['estimate'])} ({_num(ref['ci_low'])} to {_num(ref['ci_high'])})",
                 fontsize=8, ha="left", va="top", color="#555555")
        axh.axvline(0, color=C["black"], lw=1)
        self.naive_hist = Polygon(np.zeros((4, 2)), closed=True, color=C["vermillion"],
                                  alpha=0.45, lw=0)
        self.equated_hist = Polygon(np.zeros((4, 2)), closed=True, color=C["blue"], alpha=0.45,
                                    lw=0)
        axh.add_patch(self.naive_hist)
        axh.add_patch(self.equated_hist)
        self.naive_line = axh.axvline(0, color=C["vermillion"], lw=2, ls="--")
        self.equated_line = axh.axvline(0, color=C["blue"], lw=2, ls="--")
        axh.set(xlim=(G_EDGES[0], G_EDGES[-1]), ylim=(0, G_TOP),
                xlabel="Hedges' g per trial (+ favours failure)",
                ylabel="Share of synthetic trials")
        axh.legend(handles=[self.naive_hist, self.equated_hist,
                            Line2D([], [], color=C["black"], lw=2, ls="--")],
                   labels=["volume not equated (naive)", "volume equated",
                           "analytic expectation"],
                   loc="upper right", fontsize=8.5, frameon=False)
        self.hist_title = axh.set_title("", fontsize=10, loc="left")
        self.fig.suptitle("Failure acting only through volume (synthetic trials; teaching "
                          "model, slope assumed)", fontsize=11.5, x=0.01, ha="left", y=0.975)
        self.dynamic = [self.dose, self.equated_pt, self.nonfailure_pt, self.failure_pt,
                        self.gap, self.gap_text, self.naive_hist, self.equated_hist,
                        self.naive_line, self.equated_line, self.hist_title]

    def draw(self, s):
        b, direct = s["gain_per_set"], s["direct_effect"]
        snf, sf = s["sets_nonfailure"], s["sets_failure"]
        self.dose.set_data(SETS_AXIS, [b * x for x in SETS_AXIS])
        self.nonfailure_pt.set_data([snf], [b * snf])
        self.failure_pt.set_data([sf], [b * sf + direct])
        self.equated_pt.set_data([snf], [b * snf + direct])
        y0, y1 = b * snf, b * sf + direct
        x = sf + 0.6 if sf >= snf else sf - 0.6
        self.gap.set_data([x, x], [y0, y1])
        self.gap_text.set_position((x + (0.4 if sf >= snf else -0.4), (y0 + y1) / 2))
        self.gap_text.set_ha("left" if sf >= snf else "right")
        self.gap_text.set_text(f"naive\n{_signed(y1 - y0)}")
        self.naive_hist.set_xy(_step_polygon(G_EDGES, np.minimum(s["hist_naive"], G_TOP)))
        self.equated_hist.set_xy(_step_polygon(G_EDGES, np.minimum(s["hist_equated"], G_TOP)))
        self.naive_line.set_xdata([s["expected_naive"]] * 2)
        self.equated_line.set_xdata([s["expected_equated"]] * 2)
        self.hist_title.set_text(f"n = {s['n']} per arm: naive p < {s['alpha']:g} in "
                                 f"{_pct(s['share_significant_naive'])} of trials")

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
                f"designed (volume not equated) gives g = {_num(s['mean_naive_g'])} on average "
                f"over {s['trials']:,} trials (analytic {_num(s['expected_naive'])}); "
                f"{_pct(s['share_naive_favours_nonfailure'])} of trials find non-failure "
                f"significantly better and {_pct(s['share_naive_favours_failure'])} find "
                f"failure better (power {_pct(s['power_naive'])}). With volume equated the "
                f"average is {_num(s['mean_equated_g'])} (analytic "
                f"{_num(s['expected_equated'])}). Grey: {s['reference']['study']}'s published "
                f"strength estimate when volume was not equated, for scale only \u2014 in the "
                f"studies behind it the design gave the non-failure arm more sets (one set to "
                f"failure vs three sets not to failure), so the gap there was prescribed, not "
                f"caused by fatigue, and the simulation does not show why that estimate is "
                f"negative.")
