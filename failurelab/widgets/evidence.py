"""Chapter 2 explorers: what an effect size means, how precise one study is, and pooling.

Pure compute functions (``effect_size_state``, ``ci_state``, ``meta_state``) + thin views. The
numbers come from :mod:`failurelab.effect_sizes` (Hedges' g, U3, overlap, probability of
superiority, NNT, power) and :mod:`failurelab.meta` (pooling); simulated studies are seeded and
labelled synthetic. Sign convention: positive favours failure.
"""

from __future__ import annotations

import math
from functools import lru_cache

import ipywidgets as widgets
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Rectangle
from scipy import stats

from .. import effect_sizes as es
from .. import meta, plots
from ..synthetic import synthetic_trials
from .base import Explorer, _check_controls, _num, _pct, _signed, _value

C = plots.OKABE_ITO

#: Illustrative SDs for the "in your units" panel (not data: learners type theirs).
EXAMPLE_SD_THICKNESS_MM = 2.0
EXAMPLE_SD_1RM_KG = 10.0


# -- 2.1 what a d looks like ---------------------------------------------------------------------

def effect_size_state(d, sd_thickness=EXAMPLE_SD_THICKNESS_MM, sd_1rm=EXAMPLE_SD_1RM_KG):
    """What a standardized mean difference ``d`` means (two normal groups with equal SDs).

    U3, overlap and probability of superiority as rpsychologist.com/cohend (Cohen 1988; McGraw &
    Wong 1992, Psychol Bull 111:361-365); NNT with a control event rate of 50 % (Furukawa &
    Leucht 2011, doi:10.1371/journal.pone.0019070); raw units = d x the SD the learner states.
    """
    d = _value("d", d, -3, 3, what="a standardized mean difference")
    sd_t = _value("sd_thickness", sd_thickness, 1e-3, 1000,
                  what="a positive SD of muscle thickness in mm")
    sd_r = _value("sd_1rm", sd_1rm, 1e-3, 10000, what="a positive SD of 1RM in kg")
    return dict(d=d, u3=es.cohens_u3(d), overlap=es.overlap(d),
                prob_superiority=es.prob_superiority(d), nnt=es.nnt(d, cer=0.5),
                thickness_mm=es.to_raw_units(d, sd_t), one_rm_kg=es.to_raw_units(d, sd_r),
                sd_thickness=sd_t, sd_1rm=sd_r,
                example_sds=(sd_t == EXAMPLE_SD_THICKNESS_MM and sd_r == EXAMPLE_SD_1RM_KG))


def _x_range(d):
    """Outcome axis (in SDs): fixed over the slider's range (-1 to 2) so it need not be redrawn."""
    return (-4.4, 5.4) if -1 <= d <= 2 else (-6.4, 6.4)


class EffectSizeExplorer(Explorer):
    """d and the SDs you state -> two distributions, and the difference in mm and kg."""

    def __init__(self, d=0.15, sd_thickness=EXAMPLE_SD_THICKNESS_MM, sd_1rm=EXAMPLE_SD_1RM_KG):
        text = dict(style={"description_width": "initial"},
                    layout=widgets.Layout(width="260px", max_width="100%"))
        self.controls = dict(
            d=widgets.FloatSlider(value=d, min=-1, max=2, step=0.05, readout_format=".2f",
                                  description="d (+ favours failure)",
                                  style={"description_width": "initial"},
                                  layout=widgets.Layout(width="420px", max_width="100%"),
                                  continuous_update=False),
            sd_thickness=widgets.BoundedFloatText(value=sd_thickness, min=0.1, max=100, step=0.1,
                                                  description="SD thickness (mm)", **text),
            sd_1rm=widgets.BoundedFloatText(value=sd_1rm, min=0.5, max=1000, step=0.5,
                                            description="SD 1RM (kg)", **text),
        )
        self._build_figure()
        super().__init__()

    def compute(self, d, sd_thickness, sd_1rm):
        _check_controls(self, dict(d=d, sd_thickness=sd_thickness, sd_1rm=sd_1rm))
        return effect_size_state(d, sd_thickness, sd_1rm)

    def layout_key(self, s):
        return _x_range(s["d"])

    def _build_figure(self):
        self.fig, ax = plots.figure(1, size=(9.5, 4.0),
                                    margins=dict(left=0.03, right=0.55, bottom=0.15, top=0.86))
        (self.curve_nf,) = ax.plot([], [], color=C["blue"], lw=2.2, label="Non-failure group")
        (self.curve_f,) = ax.plot([], [], color=C["orange"], lw=2.2, label="Failure group")
        self.overlap_patch = Polygon(np.zeros((3, 2)), closed=True, color=C["grey"], alpha=0.3,
                                     lw=0, label="Overlap")
        ax.add_patch(self.overlap_patch)
        self.u3_patch = Polygon(np.zeros((3, 2)), closed=True, facecolor="none",
                                edgecolor=C["orange"], hatch="///", lw=0,
                                label="Failure group above the non-failure mean (U3)")
        ax.add_patch(self.u3_patch)
        ax.axvline(0, color=C["blue"], lw=1.2, ls="--", ymax=0.66)
        self.mean_f = ax.axvline(0, color=C["orange"], lw=1.2, ls="--", ymax=0.66)
        ax.set(ylim=(0, 0.62), yticks=[], xlabel="Gain (in SDs between people)")
        ax.spines["left"].set_visible(False)
        # the legend sits above the curves (peak 0.4 of 0.62), so it can stay in the background
        ax.legend(loc="upper left", fontsize=8.5, handlelength=1.5, borderaxespad=0.1,
                  frameon=False)
        ax.set_xticks(range(-6, 7))
        self.title = ax.set_title("", fontsize=11.5, loc="left")
        self.ax = ax

        # "in your units": the same picture in mm and kg (x axis = SD x the left panel's axis)
        self.unit_axes, self.unit_artists = [], []
        self.units_head = self.fig.text(0.62, 0.885, "", fontsize=11.5)
        with plt.rc_context(plots.STYLE):
            for i, (what, unit) in enumerate((("Muscle thickness", "mm"), ("1RM", "kg"))):
                uax = self.fig.add_axes((0.62, 0.6 - 0.33 * i, 0.35, 0.11))
                band = Rectangle((0, 0.1), 0, 0.8, color=C["grey"], alpha=0.3, lw=0)
                uax.add_patch(band)
                (bar,) = uax.plot([], [], color=C["orange"], lw=8, solid_capstyle="butt")
                uax.axvline(0, color=C["blue"], lw=1.5, ls="--")
                label = uax.set_title("", fontsize=10.5, loc="left")
                uax.set(ylim=(0, 1), yticks=[])
                uax.spines["left"].set_visible(False)
                uax.set_xlabel(unit, fontsize=10, labelpad=0)
                uax.tick_params(labelsize=9)
                uax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(5))
                self.unit_axes.append(uax)
                self.unit_artists.append(dict(band=band, bar=bar, label=label, what=what,
                                              unit=unit))
        self.fig.text(0.62, 0.025, "Grey: \u00b11 SD (how much people differ).\nOrange: "
                      "difference between the group means.", fontsize=9, color="#444444")
        # static (in the background, redrawn when layout_key changes): the left axes, legend, and
        # the +-1 SD bands (a unit axis spans the same multiples of the SD whatever the SD); the
        # unit axes' tick labels follow the SDs the learner types, so they are redrawn each time
        self.dynamic = [self.overlap_patch, self.u3_patch, self.curve_nf, self.curve_f,
                        self.mean_f, self.title, self.units_head]
        for uax, a in zip(self.unit_axes, self.unit_artists):
            self.dynamic += [uax.xaxis, a["bar"], a["label"]]

    def draw(self, s):
        d = s["d"]
        lo, hi = _x_range(d)
        self.ax.set_xlim(lo, hi)
        x = np.linspace(lo, hi, 400)
        nf, f = stats.norm.pdf(x), stats.norm.pdf(x, loc=d)
        self.curve_nf.set_data(x, nf)
        self.curve_f.set_data(x, f)
        both = np.minimum(nf, f)
        self.overlap_patch.set_xy(np.column_stack([np.r_[x, x[::-1]], np.r_[both, 0 * x]]))
        xa = np.r_[0.0, x[x >= 0]]
        fa = stats.norm.pdf(xa, loc=d)
        self.u3_patch.set_xy(np.column_stack([np.r_[xa, xa[::-1]], np.r_[fa, 0 * xa]]))
        self.mean_f.set_xdata([d, d])
        if d > 0:
            title = f"d = {_num(d)}: failure mean {_num(d)} SD higher (favours failure)"
        elif d < 0:
            title = f"d = {_num(d)}: failure mean {_num(-d)} SD lower (favours non-failure)"
        else:
            title = "d = 0: the two groups are the same"
        self.title.set_text(title)
        self.units_head.set_text("In your units" + (" (example SDs \u2014 type your own)"
                                                    if s["example_sds"] else " (your SDs)"))
        sds = (s["sd_thickness"], s["sd_1rm"])
        raw = (s["thickness_mm"], s["one_rm_kg"])
        for uax, a, sd, r in zip(self.unit_axes, self.unit_artists, sds, raw):
            uax.set_xlim(lo * sd, hi * sd)
            a["band"].set_x(-sd)
            a["band"].set_width(2 * sd)
            a["bar"].set_data([0, r], [0.5, 0.5])
            places = 1 if abs(r) >= 1 else 2
            a["label"].set_text(f"{a['what']}: {_signed(r, places)} {a['unit']} "
                                f"(SD {_num(sd, 1)} {a['unit']})")

    def describe(self, s):
        d = s["d"]
        sds = "example SDs \u2014 type your own" if s["example_sds"] else "your SDs"
        if d > 0:
            sign = "Positive d favours failure."
        elif d < 0:
            sign = "Negative d favours non-failure: the non-failure group gains more."
        else:
            sign = "d = 0: no difference between the groups."
        nnt = s["nnt"]
        if math.isinf(nnt):
            nnt_text = "With d = 0 no number of people trained to failure adds a responder."
        elif nnt > 0:
            nnt_text = (f"If half of the non-failure group counted as responders, about "
                        f"{math.ceil(nnt)} people would have to train to failure for one extra "
                        f"responder (NNT).")
        else:
            nnt_text = (f"If half of the non-failure group counted as responders, about one in "
                        f"{math.ceil(-nnt)} people training to failure would lose a response "
                        f"they would have had without failure (number needed to harm).")
        return (f"<b>What the figure shows</b> (two normal distributions with equal SDs, not "
                f"data): d = {_num(d)}. {sign} "
                f"<b>U3:</b> {_pct(s['u3'])} of the failure group is above the mean of the "
                f"non-failure group (50 % would mean no difference). "
                f"<b>Overlap:</b> the two distributions overlap by {_pct(s['overlap'])}. "
                f"<b>Probability of superiority:</b> a person picked at random from the failure "
                f"group has a {_pct(s['prob_superiority'])} chance of gaining more than one "
                f"picked at random from the non-failure group (50 % = a coin flip). {nnt_text} "
                f"<b>In your units</b> ({sds}): {_signed(s['thickness_mm'])} mm of muscle "
                f"thickness with an SD of {_num(s['sd_thickness'], 1)} mm, and "
                f"{_signed(s['one_rm_kg'], 1)} kg of 1RM with an SD of {_num(s['sd_1rm'], 1)} kg: "
                f"a difference between group averages, not what each person gains. Use the SD the "
                f"SMD was standardised by: most often the SD between people before training, "
                f"several times the SD of a 10-week change.")


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
    """True d and n per group -> the CIs of synthetic replications, and power against n."""

    def __init__(self, d=0.15, n=15, replications=20, seed=2):
        self.replications, self.seed = int(replications), int(seed)
        self.controls = dict(
            d=widgets.FloatSlider(value=d, min=-0.5, max=1.5, step=0.05, readout_format=".2f",
                                  description="True d", style={"description_width": "initial"},
                                  layout=widgets.Layout(width="360px", max_width="100%"),
                                  continuous_update=False),
            n=widgets.IntSlider(value=n, min=5, max=200, step=1, description="n per group",
                                style={"description_width": "initial"},
                                layout=widgets.Layout(width="420px", max_width="100%"),
                                continuous_update=False),
        )
        self._build_figure()
        super().__init__()

    def compute(self, d, n):
        _check_controls(self, dict(d=d, n=n))
        return ci_state(d, n, self.replications, self.seed)

    def _build_figure(self):
        self.fig, (ax, axp) = plots.figure(2, size=(9.5, 4.4),
                                           margins=dict(left=0.045, right=0.98, bottom=0.21,
                                                        top=0.86, wspace=0.25))
        r = self.replications
        self.segments = LineCollection(np.zeros((r, 2, 2)), linewidths=2)
        ax.add_collection(self.segments)
        self.points = ax.scatter(np.zeros(r), np.arange(1, r + 1), s=30, zorder=3, linewidths=1.5)
        ax.axvline(0, color=C["black"], lw=1)
        self.truth = ax.axvline(0, color=C["green"], lw=2, ls="--")
        self.clipped = [ax.scatter([], [], marker=m, color=C["black"], s=25, clip_on=False,
                                   zorder=4) for m in "<>"]  # CIs longer than the fixed axis
        ax.set(xlim=CI_XLIM, ylim=(r + 0.8, 0.2), yticks=[],
               xlabel="Hedges' g with 95 % CI", ylabel="Synthetic replication")
        self.title = ax.set_title("", fontsize=10.5, loc="left")
        self.ax = ax
        handles = [Line2D([], [], color=C["blue"], lw=2, label="CI includes true d"),
                   Line2D([], [], color=C["vermillion"], lw=2, label="CI misses true d"),
                   Line2D([], [], color=C["green"], lw=2, ls="--", label="True d"),
                   Line2D([], [], ls="", marker="o", mfc="white", mec=C["black"], mew=1.5,
                          label="open: CI crosses 0"),
                   Line2D([], [], ls="", marker="o", color=C["black"],
                          label="filled: excludes 0")]
        self.fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.01, 0.0), ncol=5,
                        fontsize=9, handlelength=1.6, columnspacing=1.0, handletextpad=0.5,
                        frameon=False)

        (self.curve,) = axp.plot([], [], color=C["blue"], lw=2)
        axp.axhline(0.8, color=C["grey"], lw=1, ls=":")
        axp.text(4.5, 0.82, "80 % power", fontsize=9, color="#555555")
        (self.point,) = axp.plot([], [], "o", color=C["vermillion"], ms=8, zorder=3)
        self.n80_line = axp.axvline(N_AXIS[1], color=C["black"], lw=1, ls="--")
        self.n80_text = axp.text(0, 0.45, "", fontsize=9, ha="right", va="center")
        self.point_text = axp.text(0, 0, "", fontsize=9, color=C["vermillion"], va="bottom")
        axp.set(xscale="log", xlim=N_AXIS, ylim=(0, 1.03), xlabel="n per group (log scale)",
                ylabel="Power (two-sided, \u03b1 = 0.05)")
        axp.set_xticks([5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000],
                       ["5", "10", "20", "50", "100", "200", "500", "1k", "2k", "5k", "10k"])
        axp.minorticks_off()
        self.power_title = axp.set_title("", fontsize=11, loc="left")
        self.axp = axp
        self.dynamic = [self.truth, self.segments, self.points, *self.clipped, self.title,
                        self.curve,
                        self.n80_line, self.n80_text, self.point, self.point_text,
                        self.power_title]

    def draw(self, s):
        r = s["replications"]
        y = np.arange(1, r + 1)
        cis = s["cis"]
        self.segments.set_segments(np.stack([np.column_stack([cis[:, 0], y]),
                                             np.column_stack([cis[:, 1], y])], 1))
        colours = np.where(s["covers"], C["blue"], C["vermillion"])
        self.segments.set_color(colours)
        self.points.set_offsets(np.column_stack([s["estimates"], y]))
        self.points.set_edgecolors(colours)
        self.points.set_facecolors(np.where(s["crosses_zero"], "white", colours))
        lo, hi = CI_XLIM
        self.clipped[0].set_offsets(np.column_stack([np.full(r, lo), y])[cis[:, 0] < lo])
        self.clipped[1].set_offsets(np.column_stack([np.full(r, hi), y])[cis[:, 1] > hi])
        self.truth.set_xdata([s["d"], s["d"]])
        self.title.set_text(f"{r} synthetic studies, n = {s['n']} per group, true d = "
                            f"{_num(s['d'])}\n{s['n_cross_zero']} CIs cross 0, {s['n_miss']} "
                            f"miss the true d")
        n_grid, p = s["power_curve"]
        self.curve.set_data(n_grid, p)
        self.point.set_data([s["n"]], [s["power"]])
        high = s["power"] > 0.85
        self.point_text.set_position((s["n"] * 1.15, s["power"] + (-0.09 if high else 0.03)))
        self.point_text.set_text(f"n = {s['n']}: {_pct(s['power'])}")
        n80 = s["n_for_80"]
        if n80 is None:
            self.n80_line.set_visible(False)
            self.n80_text.set_text("d = 0: power stays at 5 %\nat every n")
            self.n80_text.set_position((2000, 0.45))
        elif n80 > N_AXIS[1]:
            self.n80_line.set_visible(False)
            self.n80_text.set_text(f"80 % power needs\nn = {n80:,} per group\n(off this axis)")
            self.n80_text.set_position((9000, 0.45))
        else:
            self.n80_line.set_visible(True)
            self.n80_line.set_xdata([n80, n80])
            left = n80 > 60
            self.n80_text.set_ha("right" if left else "left")
            self.n80_text.set_position((n80 / 1.1 if left else n80 * 1.1, 0.45))
            self.n80_text.set_text(f"80 % power:\nn = {n80:,}\nper group")
        self.power_title.set_text(f"Power of one study at true d = {_num(s['d'])}")

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


METHOD_LABELS = {"EE": "Equal effects (EE)", "DL": "Random effects, DL",
                 "REML": "Random effects, REML"}


class MetaExplorer(Explorer):
    """k studies, their size, the true effect and tau -> a forest plot of synthetic studies."""

    def __init__(self, k=7, n=15, true_effect=0.2, tau=0.1, method="REML", seed=3):
        self.seed = int(seed)
        import statsmodels.stats.meta_analysis  # noqa: F401  (DL's first use would pay for it)
        style = {"description_width": "initial"}
        self.controls = dict(
            k=widgets.IntSlider(value=k, min=2, max=K_MAX, description="Studies (k)", style=style,
                                layout=widgets.Layout(width="320px", max_width="100%"),
                                continuous_update=False),
            n=widgets.IntSlider(value=n, min=5, max=100, description="n per group (typical)",
                                style=style, layout=widgets.Layout(width="420px", max_width="100%"),
                                continuous_update=False),
            true_effect=widgets.FloatSlider(value=true_effect, min=-0.5, max=1.0, step=0.05,
                                            readout_format=".2f", description="True mean effect",
                                            style=style,
                                            layout=widgets.Layout(width="380px", max_width="100%"),
                                            continuous_update=False),
            tau=widgets.FloatSlider(value=tau, min=0, max=0.6, step=0.05, readout_format=".2f",
                                    description="\u03c4 (between-study SD)", style=style,
                                    layout=widgets.Layout(width="380px", max_width="100%"),
                                    continuous_update=False),
            method=widgets.Dropdown(options=[(METHOD_LABELS[m], m) for m in ("EE", "DL", "REML")],
                                    value=method, description="Model", style=style,
                                    layout=widgets.Layout(width="300px", max_width="100%")),
        )
        self._build_figure()
        super().__init__()

    def compute(self, k, n, true_effect, tau, method):
        _check_controls(self, dict(k=k, n=n, true_effect=true_effect, tau=tau))
        return meta_state(k, n, true_effect, tau, method, self.seed)

    def _build_figure(self):
        self.fig, ax = plots.figure(1, size=(9.5, 5.6),
                                    margins=dict(left=0.2, right=0.68, bottom=0.36, top=0.86))
        # study rows (top) and the three summary rows (bottom, a fixed layout) share the x axis
        with plt.rc_context(plots.STYLE):
            axs = self.fig.add_axes((0.2, 0.1, 0.48, 0.2), sharex=ax)
            table = self.fig.add_axes((0.7, 0.36, 0.29, 0.5), sharey=ax)
        self.segments = LineCollection(np.zeros((K_MAX, 2, 2)), colors=C["black"], linewidths=1.3)
        ax.add_collection(self.segments)
        self.squares = ax.scatter(np.zeros(K_MAX), np.zeros(K_MAX), marker="s", color=C["blue"],
                                  zorder=3)
        self.diamond = Polygon(np.zeros((4, 2)), closed=True, color=C["vermillion"], zorder=3)
        self.ee_diamond = Polygon(np.zeros((4, 2)), closed=True, facecolor="white",
                                  edgecolor=C["black"], lw=1.3, zorder=3)
        self.pi_bar = Rectangle((0, 0.82), 0, 0.36, color=C["sky"], lw=0, zorder=2)
        for patch in (self.diamond, self.ee_diamond, self.pi_bar):
            axs.add_patch(patch)
        self.lines = []
        for a in (ax, axs):
            a.axvline(0, color=C["black"], lw=1)
            self.lines += [a.axvline(0, color=C["green"], lw=1.5, ls="--"),
                           a.axvline(0, color=C["vermillion"], lw=1, ls=":")]
            a.spines["left"].set_visible(False)
            a.set_yticks([])
        ax.spines["bottom"].set_visible(False)
        ax.xaxis.set_visible(False)
        axs.set_xlim(X_LIM)
        self.clipped_low, self.clipped_high = (
            ax.scatter([], [], marker=m, color=C["black"], s=30, clip_on=False) for m in "<>")
        axs.set_ylim(2.6, -0.6)
        axs.set_yticks([0, 1, 2], ["Pooled estimate", "Prediction interval", "Equal effects (EE)"],
                       fontweight="bold")
        axs.tick_params(axis="y", length=0)
        axs.set_xlabel("Hedges' g (positive favours failure)")
        self.fig.suptitle("Forest plot of synthetic studies (simulated, not measured)",
                          fontsize=12, x=0.02, ha="left", y=0.975)
        self.fig.legend(handles=[Line2D([], [], color=C["green"], lw=1.5, ls="--",
                                        label="True mean effect (synthetic)"),
                                 Line2D([], [], color=C["vermillion"], lw=1, ls=":",
                                        label="Pooled estimate"),
                                 Rectangle((0, 0), 1, 1, color=C["sky"],
                                           label="Prediction interval")],
                        loc="upper left", bbox_to_anchor=(0.01, 0.945), fontsize=9, ncol=3,
                        handlelength=1.8, frameon=False, columnspacing=1.5)
        # the study table: one text per labelled row (text is the slowest thing to draw)
        table.axis("off")
        table.set_xlim(0, 1)
        mono = dict(family="monospace", fontsize=9)
        self.fig.text(0.7, 0.865, f"{'Study':<6}{'n/group':>8}{'Weight':>9}", fontweight="bold",
                      va="bottom", **mono)
        self.rows = [table.text(0, 0, "", va="center", **mono) for _ in range(K_LABELS)]
        with plt.rc_context(plots.STYLE):
            values = self.fig.add_axes((0.7, 0.1, 0.29, 0.2), sharey=axs)
        values.axis("off")
        self.values = [values.text(0, y, "", va="center", fontweight="bold", **mono)
                       for y in (0, 1, 2)]
        self.ax, self.axs = ax, axs
        # fixed x range and row layout: only the data, the row texts and the numbers are redrawn
        self.dynamic = [*self.lines, self.clipped_low, self.clipped_high, self.pi_bar,
                        self.segments, self.squares, self.diamond, self.ee_diamond, *self.rows,
                        *self.values]

    def draw(self, s):
        st, p, pe, k = s["studies"], s["pooled"], s["pooled_ee"], s["k"]
        lows, highs = st["ci_low"].to_numpy(), st["ci_high"].to_numpy()
        yi, weights = st["yi"].to_numpy(), st["weight"].to_numpy()
        y = np.arange(1, k + 1)
        self.ax.set_ylim(k + 0.7, 0.3)
        self.segments.set_segments(np.stack([np.column_stack([lows, y]),
                                             np.column_stack([highs, y])], 1))
        self.squares.set_offsets(np.column_stack([yi, y]))
        self.squares.set_sizes(np.clip(weights * 9, 8, 420))
        h = 0.32
        self.diamond.set_xy([(p.ci_low, 0), (p.estimate, h), (p.ci_high, 0), (p.estimate, -h)])
        self.ee_diamond.set_xy([(pe.ci_low, 2), (pe.estimate, 2 + h), (pe.ci_high, 2),
                                (pe.estimate, 2 - h)])
        self.pi_bar.set_x(p.pi_low)
        self.pi_bar.set_width(p.pi_high - p.pi_low)
        for i, x in enumerate((s["true_effect"], p.estimate) * 2):
            self.lines[i].set_xdata([x, x])
        lo, hi = X_LIM
        self.clipped_low.set_offsets(np.column_stack([np.full(k, lo), y])[lows < lo])
        self.clipped_high.set_offsets(np.column_stack([np.full(k, hi), y])[highs > hi])

        shown = range(k) if k <= K_LABELS else [0, *range(4, k, 5)]  # then S01 and every 5th
        for i, text in enumerate(self.rows):
            if i < len(shown):
                j = shown[i]
                text.set_text(f"{st['study'].iat[j]:<6}{st['n_per_group'].iat[j]:>8}"
                              f"{weights[j]:>7.1f} %")
                text.set_y(j + 1)
            text.set_visible(i < len(shown))
        ci = "[{}, {}]".format
        texts = (f"{_num(p.estimate):>5} {ci(_num(p.ci_low), _num(p.ci_high))} {p.method}",
                 f"{'':>5} {ci(_num(p.pi_low), _num(p.pi_high))}",
                 f"{_num(pe.estimate):>5} {ci(_num(pe.ci_low), _num(pe.ci_high))}")
        for text, value in zip(self.values, texts):
            text.set_text(value)

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
