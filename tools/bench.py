"""``bench``: measure the course's performance budgets (README, "Performance") on this machine.

Explorer latency over a sweep of each explorer's controls: in the browser (the view's redraw in
headless Chromium, with no kernel, as in the book and the decks) and in Python (the reference
computation); notebook execution time (executed in memory; files are not touched) and the
endurance-curve simulation.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

BUDGETS = {"widget_p95_ms": 100, "view_p95_ms": 16, "page_mb": 2, "notebook_s": 20,
           "endurance_curve_s": 2, "pymuscle_ratio": 1}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# One sweep in the page: each value set as a learner's control change would, the time taken
# until the figure and the sentence are in the DOM and laid out.
_VIEW_SWEEP = """([selector, sweep]) => {
  const el = document.querySelector(selector);
  const times = [];
  for (const params of sweep) {
    const start = performance.now();
    el.failurelab.set(params);
    void el.offsetHeight;  // include the layout of the new figure
    times.push(performance.now() - start);
  }
  return times;
}"""


def _explorer_sweeps():
    from failurelab.advice import combinations
    from failurelab.widgets import (
        AdviceExplorer,
        CIExplorer,
        ClaimExplorer,
        EffectSizeExplorer,
        HowCloseExplorer,
        IndividualResponsesExplorer,
        LogExplorer,
        MeasurementErrorExplorer,
        MetaExplorer,
        SetExplorer,
        SetPlannerExplorer,
        SizePrincipleExplorer,
        StudyDesignExplorer,
        VolumeConfoundingExplorer,
        WeeklyPlanExplorer,
    )
    from failurelab.widgets.claims import claim_options
    from failurelab.widgets.mechanism import LOADS

    size = [dict(effort=e, muscle=m) for m in ("default", "hand", "limb") for e in range(0, 101, 7)]
    sets = [dict(load=load, rir=r) for load in LOADS for r in (0, 2, 5)]
    # chapter 2: slider steps as a learner makes them, typed SDs, the NNT's control event rate
    d_steps = [round(-1 + 0.15 * i, 2) for i in range(21)]
    effect = ([dict(d=d) for d in d_steps]
              + [dict(sd_thickness=sd, sd_1rm=10 * sd) for sd in (1.5, 2.5, 4.0)]
              + [dict(cer=c, guess=round(0.25 * (c % 5), 2)) for c in (5, 20, 50, 80)])
    cis = [dict(d=d, n=n) for d in (0.15, 0.5, 1.0) for n in (5, 10, 15, 20, 30, 50, 100, 200)]
    cis += [dict(d=round(-0.5 + 0.1 * i, 2)) for i in range(21)]
    metas = [dict(k=k) for k in range(2, 31, 2)]
    metas += [dict(k=k, n=n, tau=t, method=m) for k in (5, 15, 30) for n in (10, 40)
              for t in (0.0, 0.3) for m in ("EE", "DL", "REML")]
    metas += [dict(true_effect=round(-0.5 + 0.1 * i, 2)) for i in range(16)]
    # chapter 3: every reported RIR, bias steps, every load x RIR
    how_close = [dict(reported_rir=r) for r in range(7)]
    how_close += [dict(bias=round(0.1 * i, 2), reported_rir=i % 7) for i in range(21)]
    plans = [dict(load=load, target_rir=r) for load in range(40, 100, 5) for r in (0, 2, 5)]
    weekly = [dict(compound_sets=s, isolation_rir=r, compound_failure=bool(r % 2))
              for s in range(0, 13, 4) for r in range(7)]
    weekly += [dict(isolation_sets=s, compound_rir=s % 7, isolation_failure=bool(s % 2))
               for s in range(13)]
    log = [dict(threshold=round(0.01 * i, 2), sessions=1 + i % 6) for i in range(1, 21)]
    log += [dict(exercise=e) for e in ("Squat", "Bench press") * 3]
    # chapter 4: every value the (precomputed) controls offer
    design = ([dict(weeks=w) for w in range(4, 25, 4)] + [dict(n=n) for n in (5, 10, 15, 20, 30, 40, 50, 70, 100)]
              + [dict(true_effect=round(0.1 * i, 2)) for i in range(16)]
              + [dict(error_ratio=e) for e in (0, 0.5, 1, 1.5)])
    measurement = ([dict(reliability=round(0.3 + 0.05 * i, 2)) for i in range(15)]
                   + [dict(n=n) for n in range(5, 151, 15)]
                   + [dict(true_effect=round(0.1 * i, 2)) for i in range(16)])
    individual = ([dict(sd_response=round(0.25 * i, 2)) for i in range(9)]
                  + [dict(n=n) for n in (5, 10, 20, 35, 50, 75, 100, 15)]
                  + [dict(threshold=t) for t in (-2, 0, 1.5, 4, 6, 3)]
                  + [dict(sd_noise=round(0.2 + 0.2 * i, 1)) for i in range(10)])
    volume = ([dict(sets_failure=k) for k in range(4, 21)]
              + [dict(gain_per_set=round(0.05 * i, 2)) for i in range(5)]
              + [dict(direct_effect=round(-0.5 + 0.1 * i, 1)) for i in range(11)]
              + [dict(n=n) for n in (5, 10, 20, 30, 50, 15)])
    claims = [dict(claim=value) for _, value in claim_options()] * 3
    return {"size_principle": (SizePrincipleExplorer, size), "set_to_failure": (SetExplorer, sets),
            "effect_size": (EffectSizeExplorer, effect), "ci_sample_size": (CIExplorer, cis),
            "meta_analysis": (MetaExplorer, metas), "how_close": (HowCloseExplorer, how_close),
            "set_planner": (SetPlannerExplorer, plans), "weekly_plan": (WeeklyPlanExplorer, weekly),
            "log_explorer": (LogExplorer, log), "study_design": (StudyDesignExplorer, design),
            "measurement_error": (MeasurementErrorExplorer, measurement),
            "individual_responses": (IndividualResponsesExplorer, individual),
            "volume_confounding": (VolumeConfoundingExplorer, volume),
            "claim_checker": (ClaimExplorer, claims),
            "advice": (AdviceExplorer, combinations())}


def bench_widgets():
    out = {}
    for name, (cls, sweep) in _explorer_sweeps().items():
        explorer = cls()  # construction (and any warm-up simulation) is not a slider move
        times = []
        for params in sweep:
            start = time.perf_counter()
            explorer.update(**params)  # a refused value (message shown) is timed too
            times.append((time.perf_counter() - start) * 1000)
        out[name] = {"p50_ms": round(float(np.percentile(times, 50)), 1),
                     "p95_ms": round(float(np.percentile(times, 95)), 1), "updates": len(times)}
    return out


def bench_views(tmp_dir=None):
    """p50/p95 of a view update in headless Chromium per explorer, and each view's size.
    Without chromium or playwright, says so instead of measuring."""
    import tempfile

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"status": "not measured: playwright is not installed"}
    if not Path(CHROMIUM).exists():
        return {"status": f"not measured: no chromium at {CHROMIUM}"}
    from failurelab.widgets.base import jsonable

    out = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, (cls, sweep) in _explorer_sweeps().items():
                view = cls().html()
                page_file = Path(tmp_dir or tmp) / f"{name}.html"
                page_file.write_text(f"<!doctype html><meta charset=utf-8><body>{view}</body>",
                                     encoding="utf-8")
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(page_file.as_uri())
                page.wait_for_function("document.querySelector('.fl-explorer')?.failurelab")
                params = [jsonable(p) for p in sweep] * 3  # three passes: warm and steady
                times = page.evaluate(_VIEW_SWEEP, [".fl-explorer", params])
                page.close()
                out[name] = {"p50_ms": round(float(np.percentile(times, 50)), 2),
                             "p95_ms": round(float(np.percentile(times, 95)), 2),
                             "updates": len(times), "size_kb": round(len(view.encode()) / 1000)}
        finally:
            browser.close()
    return out


def bench_notebooks():
    from .course import ROOT, course_notebooks
    from .execute import execute

    return {str(p.relative_to(ROOT)): {"execute_s": round(execute(p, write=False), 1)}
            for p in course_notebooks()}


def bench_simulation():
    from failurelab import fatigue

    fatigue._engine.cache_clear()
    start = time.perf_counter()
    targets, _ = fatigue.endurance_curve()
    elapsed = time.perf_counter() - start
    return {"endurance_curve_s": round(elapsed, 2), "targets": len(targets)}


def pymuscle_ratio(repeats=5):
    """``simulate_sustained(0.5)`` (a force-target search every sample) against pymuscle 0.1.2
    stepping the same 120-unit pool, with fatigue, the same number of samples at a fixed
    excitation (no search): median seconds of ``repeats`` interleaved runs in this process.

    "first_call" rebuilds the pool's tables first, as the first call of a session does.
    pymuscle is a test-only dependency: without it, nothing is measured.
    """
    try:
        from pymuscle import PotvinFuglevandMuscle
    except ImportError:
        return {"status": "not measured: pymuscle is not installed"}
    from failurelab import fatigue

    run = fatigue.simulate_sustained(0.5)
    samples, excitation, dt = len(run.time), float(run.excitation[0]), float(run.time[0])
    times = {"first_call": [], "call": [], "pymuscle": []}
    for _ in range(repeats):
        fatigue._engine.cache_clear()
        for key in ("first_call", "call"):
            start = time.perf_counter()
            fatigue.simulate_sustained(0.5)
            times[key].append(time.perf_counter() - start)
        muscle = PotvinFuglevandMuscle(120)
        start = time.perf_counter()
        for _ in range(samples):
            muscle.step(excitation, dt)
        times["pymuscle"].append(time.perf_counter() - start)
    s = {key: float(np.median(t)) for key, t in times.items()}
    return {"samples": samples, "repeats": repeats, "simulate_sustained_s": round(s["call"], 4),
            "simulate_sustained_first_call_s": round(s["first_call"], 4),
            "pymuscle_s": round(s["pymuscle"], 4), "ratio": round(s["call"] / s["pymuscle"], 2),
            "ratio_first_call": round(s["first_call"] / s["pymuscle"], 2),
            "budget_ratio": BUDGETS["pymuscle_ratio"]}


def machine():
    return {"platform": platform.platform(), "python": platform.python_version(),
            "cpus": os.cpu_count(), "numpy": np.__version__}


def run(skip_notebooks=False):
    result = {"date": datetime.date.today().isoformat(), "machine": machine(), "budgets": BUDGETS,
              "widgets": bench_widgets(), "views": bench_views(), "simulation": bench_simulation(),
              "simulation_vs_pymuscle": pymuscle_ratio()}
    result["notebooks"] = {} if skip_notebooks else bench_notebooks()
    return result


def register(sub):
    p = sub.add_parser("bench", help="measure widget latency, notebook and simulation times")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--skip-notebooks", action="store_true", help="only widgets and simulation")
    p.add_argument("--output", type=Path, help="also write the JSON here (book/_data/bench.json feeds "
                   "the status page)")
    p.set_defaults(func=_run)


def _run(args):
    result = run(args.skip_notebooks)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(result, indent=2) + "\n")
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"machine: {result['machine']}")
    views = result["views"]
    for name, w in result["widgets"].items():
        v = views.get(name)
        shown = (f"browser p50 {v['p50_ms']} ms, p95 {v['p95_ms']} ms (budget "
                 f"{BUDGETS['view_p95_ms']} ms), {v['size_kb']} kB; " if v else "")
        print(f"explorer {name}: {shown}Python p50 {w['p50_ms']} ms, p95 {w['p95_ms']} ms "
              f"(budget {BUDGETS['widget_p95_ms']} ms)")
    if "status" in views:
        print(f"browser views: {views['status']}")
    print(f"endurance curve: {result['simulation']['endurance_curve_s']} s "
          f"(budget {BUDGETS['endurance_curve_s']} s)")
    vs = result["simulation_vs_pymuscle"]
    print("simulate_sustained(0.5) vs pymuscle: " + (vs["status"] if "status" in vs else
          f"{vs['simulate_sustained_s']} s (first call {vs['simulate_sustained_first_call_s']} s) vs "
          f"{vs['pymuscle_s']} s for {vs['samples']} samples: ratio {vs['ratio']} (first call "
          f"{vs['ratio_first_call']}; budget {BUDGETS['pymuscle_ratio']})"))
    for path, n in result["notebooks"].items():
        print(f"notebook {path}: {n['execute_s']} s (budget {BUDGETS['notebook_s']} s)")
