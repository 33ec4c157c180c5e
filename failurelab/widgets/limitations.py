"""Chapter 4 explorers: the limits of the evidence.

Pure compute functions (``*_state``) + thin views, as in the other chapters. Everything drawn
here is SIMULATED (seeded) and labelled so.

Sections: 4.1-4.2 (study design, measurement error; :mod:`failurelab.studies`) and, appended
below, the explorers of the later chapter-4 notebooks.
"""

from __future__ import annotations

from functools import lru_cache

import ipywidgets as widgets
import numpy as np
from matplotlib.lines import Line2D
from scipy import stats

from .. import effect_sizes as es
from .. import plots
from .. import studies as st
from .base import Explorer, _check_controls, _num, _pct, _slider, _value

C = plots.OKABE_ITO
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


def _power_axes(axp, xlim, xlabel, label_x, label_ha):
    """Power axis with the 80 % line and the simulated-power marker (+-3 MC SE bar)."""
    axp.axhline(0.8, color=C["grey"], lw=1, ls=":")
    axp.text(label_x, 0.82, "80 %", fontsize=9, color="#555555", ha=label_ha)
    (bar,) = axp.plot([], [], color=C["vermillion"], lw=3)
    (point,) = axp.plot([], [], "o", color=C["vermillion"], ms=7,
                        label="simulated (\u00b13 MC SE)")
    axp.set(xlim=xlim, ylim=(0, 1.02), xlabel=xlabel, ylabel="Power (two-sided, \u03b1 = 0.05)")
    axp.legend(loc="upper left", fontsize=8, frameon=False)
    return bar, point


def _headline(fig, title, note):
    """Title (with the "synthetic" label) and a one-line note in grey above the panels."""
    fig.suptitle(f"{title} ({SYNTHETIC})", fontsize=11.5, x=0.01, ha="left", y=0.975)
    fig.text(0.01, 0.895, note, fontsize=9, color="#444444")


def _show_simulated_power(bar, point, x, s):
    p, se = s["power"], s["power_mc_se"]
    point.set_data([x], [p])
    bar.set_data([x, x], [p - 3 * se, p + 3 * se])


# == 4.1 short studies, few participants: the study-design simulator (helper D) ==================

N_GRID = tuple(range(4, 101))  # n per group on the power curve
G_BINS = np.arange(-2.0, 3.01, 0.1)  # estimates axis of the histogram (fixed)


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
                n_significant=int(sig.sum()), mean_significant=mean_sig,
                exaggeration=(mean_sig / true_effect if mean_sig is not None and true_effect
                              else None),
                n_for_80=_n_for_80(sim.observed_d), n_for_80_perfect=_n_for_80(true_effect),
                hist_significant=np.histogram(np.clip(sim.g[sig], G_BINS[0], G_BINS[-1]),
                                              G_BINS)[0],
                hist_not_significant=np.histogram(np.clip(sim.g[~sig], G_BINS[0], G_BINS[-1]),
                                                  G_BINS)[0],
                power_curve=(np.array(N_GRID), _curve(sim.observed_d, N_GRID)),
                power_curve_perfect=(np.array(N_GRID), _curve(true_effect, N_GRID)))


class StudyDesignExplorer(Explorer):
    """Weeks, n per group, true effect and measurement error -> power and CI width (simulated)."""

    def __init__(self, weeks=8, n=15, true_effect=0.2, error_ratio=0.5, replications=2000,
                 seed=41):
        self.replications, self.seed = int(replications), int(seed)
        self.controls = dict(
            weeks=_slider(widgets.IntSlider, weeks, 4, 24, 1, "Study length (weeks)"),
            n=_slider(widgets.IntSlider, n, 5, 100, 1, "n per group"),
            true_effect=_slider(widgets.FloatSlider, true_effect, 0, 1.5, 0.05,
                                "True effect (SMD)", readout_format=".2f"),
            error_ratio=_slider(widgets.FloatSlider, error_ratio, 0, 1.5, 0.05,
                                "Error (\u00d7 SD of 8-week gains)",
                                readout_format=".2f"),
        )
        self._build_figure()
        super().__init__()

    def compute(self, weeks, n, true_effect, error_ratio):
        _check_controls(self, dict(weeks=weeks, n=n, true_effect=true_effect,
                                   error_ratio=error_ratio))
        return design_state(weeks, n, true_effect, error_ratio, self.replications, self.seed)

    def _build_figure(self):
        self.fig, (ax, axp) = plots.figure(2, size=(9.5, 4.4),
                                           margins=dict(left=0.075, right=0.98, bottom=0.14,
                                                        top=0.8, wspace=0.27))
        zero = np.zeros(len(G_BINS) - 1)
        self.stairs_ns = ax.stairs(zero, G_BINS, fill=True, color=C["sky"], alpha=0.8,
                                   label="p \u2265 0.05")
        self.stairs_sig = ax.stairs(zero, G_BINS, fill=True, color=C["orange"], alpha=0.8,
                                    label="p < 0.05")
        ax.axvline(0, color=C["black"], lw=1)
        self.true_line = ax.axvline(0, color=C["green"], lw=2, ls="--", label="true effect")
        self.obs_line = ax.axvline(0, color=C["vermillion"], lw=1.5, ls=":",
                                   label="what the studies estimate")
        ax.set(xlim=(G_BINS[0], G_BINS[-1]), ylim=(0, 0.16 * self.replications),
               xlabel="Estimated effect, Hedges' g", ylabel="Synthetic studies")
        ax.legend(loc="upper right", fontsize=8, frameon=False, handlelength=1.4)
        self.hist_title = ax.set_title("", fontsize=10, loc="left")
        self.ax = ax

        (self.curve_perfect,) = axp.plot([], [], color=C["grey"], lw=1.5, ls="--",
                                         label="perfect measurement")
        (self.curve,) = axp.plot([], [], color=C["blue"], lw=2, label="with measurement error")
        self.sim_bar, self.sim_point = _power_axes(axp, (N_GRID[0], N_GRID[-1]), "n per group",
                                                   98, "right")
        self.power_title = axp.set_title("", fontsize=10, loc="left")
        self.axp = axp
        _headline(self.fig, "Study-design simulator", "Assumption: gains grow steadily with the "
                  "weeks; the measurement error does not.")
        self.dynamic = [self.stairs_ns, self.stairs_sig, self.true_line, self.obs_line,
                        self.hist_title, self.curve_perfect, self.curve, self.sim_bar,
                        self.sim_point, self.power_title]

    def draw(self, s):
        top = 0.16 * self.replications
        sig, ns = s["hist_significant"], s["hist_not_significant"]
        self.stairs_ns.set_data(np.minimum(ns + sig, top))  # stacked: all studies
        self.stairs_sig.set_data(np.minimum(sig, top))
        self.true_line.set_xdata([s["true_effect"]] * 2)
        self.obs_line.set_xdata([s["observed_d"]] * 2)
        self.hist_title.set_text(f"{_pct(s['power'])} significant; mean CI width "
                                 f"{_num(s['mean_ci_width'])}")
        self.curve_perfect.set_data(*s["power_curve_perfect"])
        self.curve.set_data(*s["power_curve"])
        _show_simulated_power(self.sim_bar, self.sim_point, s["n"], s)
        self.power_title.set_text(f"Reliability {s['reliability']:.2f}: estimates "
                                  f"{_num(s['observed_d'])}, not {_num(s['true_effect'])}")

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
            text += (f"The {s['n_significant']:,} significant studies with the right sign "
                     f"estimate {_num(s['mean_significant'])} on average, "
                     f"{s['exaggeration']:.1f}\u00d7 the true effect: a small study that "
                     f"\u201cfinds\u201d an effect tends to overstate it.")
        return text


# == 4.2 what failure means: measurement error -> power (helper D) ===============================

REL_GRID = tuple(np.round(np.linspace(0.2, 1.0, 81), 3))
MEASUREMENT_N_MAX = 150  # 80 % power at reliability 0.6 and d = 0.5 needs 106 per group
X_CHANGE = np.linspace(-4.5, 6.0, 300)  # axis of the change distributions (true-SD units)


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


class MeasurementErrorExplorer(Explorer):
    """Reliability of the outcome, true effect and n -> measured effect and power (simulated)."""

    def __init__(self, reliability=0.8, true_effect=0.5, n=15, replications=2000, seed=42):
        self.replications, self.seed = int(replications), int(seed)
        self.controls = dict(
            reliability=_slider(widgets.FloatSlider, reliability, 0.3, 1.0, 0.05,
                                "Reliability of the outcome", width="400px",
                                readout_format=".2f"),
            true_effect=_slider(widgets.FloatSlider, true_effect, 0, 1.5, 0.05,
                                "True effect (SMD)", readout_format=".2f"),
            n=_slider(widgets.IntSlider, n, 5, MEASUREMENT_N_MAX, 1, "n per group"),
        )
        self._build_figure()
        super().__init__()

    def compute(self, reliability, true_effect, n):
        _check_controls(self, dict(reliability=reliability, true_effect=true_effect, n=n))
        return measurement_state(reliability, true_effect, n, self.replications, self.seed)

    def _build_figure(self):
        self.fig, (ax, axp) = plots.figure(2, size=(9.5, 4.4),
                                           margins=dict(left=0.04, right=0.98, bottom=0.14,
                                                        top=0.8, wspace=0.2))
        style = dict(lw=2)
        (self.true_nf,) = ax.plot([], [], color=C["blue"], ls="--", lw=1.2)
        (self.true_f,) = ax.plot([], [], color=C["orange"], ls="--", lw=1.2)
        (self.meas_nf,) = ax.plot([], [], color=C["blue"], **style)
        (self.meas_f,) = ax.plot([], [], color=C["orange"], **style)
        ax.set(xlim=(X_CHANGE[0], X_CHANGE[-1]), ylim=(0, 0.45), yticks=[],
               xlabel="Change (in SDs of the true change)")
        ax.spines["left"].set_visible(False)
        ax.legend(handles=[Line2D([], [], color=C["blue"], lw=2, label="non-failure"),
                           Line2D([], [], color=C["orange"], lw=2, label="failure"),
                           Line2D([], [], color=C["black"], lw=1.2, ls="--",
                                  label="true changes"),
                           Line2D([], [], color=C["black"], lw=2, label="measured changes")],
                  loc="upper left", fontsize=8, frameon=False, handlelength=1.6)
        self.dist_title = ax.set_title("", fontsize=10, loc="left")
        self.ax = ax

        (self.curve,) = axp.plot([], [], color=C["blue"], lw=2, label="analytic (statsmodels)")
        self.sim_bar, self.sim_point = _power_axes(axp, (0.2, 1.0), "Reliability of the outcome",
                                                   0.99, "right")
        self.power_title = axp.set_title("", fontsize=10, loc="left")
        self.axp = axp
        _headline(self.fig, "Measurement error and power", "Measured effect = true effect "
                  "\u00d7 \u221areliability (Spearman 1904): the difference stays, the spread "
                  "grows.")
        self.dynamic = [self.true_nf, self.true_f, self.meas_nf, self.meas_f, self.dist_title,
                        self.curve, self.sim_bar, self.sim_point, self.power_title]

    def draw(self, s):
        d, sd = s["true_effect"], s["measured_sd"]
        self.true_nf.set_data(X_CHANGE, stats.norm.pdf(X_CHANGE))
        self.true_f.set_data(X_CHANGE, stats.norm.pdf(X_CHANGE, loc=d))
        self.meas_nf.set_data(X_CHANGE, stats.norm.pdf(X_CHANGE, scale=sd))
        self.meas_f.set_data(X_CHANGE, stats.norm.pdf(X_CHANGE, loc=d, scale=sd))
        self.dist_title.set_text(f"Measured SD {sd:.2f}: effect {_num(s['observed_d'])}")
        self.curve.set_data(*s["power_curve"])
        _show_simulated_power(self.sim_bar, self.sim_point, s["reliability"], s)
        self.power_title.set_text(f"n = {s['n']}/group: {_pct(s['power'])} (perfect: "
                                  f"{_pct(s['power_perfect'])})")

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


# == (helpers of the later chapter-4 notebooks append their sections below) =====================
