"""``bench``: measure the performance budgets of DESIGN.md on this machine.

Widget latency (compute + redraw, p50/p95 over a sweep of each explorer's controls), notebook
execution time (executed in memory; files are not touched) and the endurance-curve simulation.
"""

from __future__ import annotations

import json
import os
import platform
import time

import numpy as np

BUDGETS = {"widget_p95_ms": 100, "notebook_s": 20, "endurance_curve_s": 2}


def _explorer_sweeps():
    from failurelab.widgets import (
        CIExplorer,
        EffectSizeExplorer,
        HowCloseExplorer,
        MetaExplorer,
        SetExplorer,
        SetPlannerExplorer,
        SizePrincipleExplorer,
    )
    from failurelab.widgets.mechanism import LOADS

    size = [dict(effort=e, muscle=m) for m in ("default", "hand", "limb") for e in range(0, 101, 7)]
    sets = [dict(load=load, rir=r) for load in LOADS for r in (0, 2, 5)]
    # chapter 2: slider steps as a learner makes them (each value new to the explorer's caches),
    # plus typed SDs, k from 2 to 30 and every model
    d_steps = [round(-1 + 0.15 * i, 2) for i in range(21)]
    effect = ([dict(d=d) for d in d_steps]
              + [dict(sd_thickness=sd, sd_1rm=10 * sd) for sd in (1.5, 2.5, 4.0)]
              + [dict(d=d) for d in (0.15, 0.5, 0.8)])
    cis = [dict(d=d, n=n) for d in (0.15, 0.5, 1.0) for n in (5, 10, 15, 20, 30, 50, 100, 200)]
    cis += [dict(d=round(-0.5 + 0.1 * i, 2)) for i in range(21)]
    metas = [dict(k=k) for k in range(2, 31, 2)]
    metas += [dict(k=k, n=n, tau=t, method=m) for k in (5, 15, 30) for n in (10, 40)
              for t in (0.0, 0.3) for m in ("EE", "DL", "REML")]
    metas += [dict(true_effect=round(-0.5 + 0.1 * i, 2)) for i in range(16)]
    # chapter 3: every reported RIR, bias steps (each new to the summary cache), every load x RIR
    how_close = [dict(reported_rir=r) for r in range(7)]
    how_close += [dict(bias=round(0.1 * i, 2), reported_rir=i % 7) for i in range(21)]
    plans = [dict(load=load, target_rir=r) for load in range(40, 100, 5) for r in (0, 2, 5)]
    return {"size_principle": (SizePrincipleExplorer, size), "set_to_failure": (SetExplorer, sets),
            "effect_size": (EffectSizeExplorer, effect), "ci_sample_size": (CIExplorer, cis),
            "meta_analysis": (MetaExplorer, metas), "how_close": (HowCloseExplorer, how_close),
            "set_planner": (SetPlannerExplorer, plans)}


def bench_widgets():
    out = {}
    for name, (cls, sweep) in _explorer_sweeps().items():
        explorer = cls()  # construction (and any warm-up simulation) is not a slider move
        times = []
        for params in sweep:
            start = time.perf_counter()
            explorer.update(**params)
            times.append((time.perf_counter() - start) * 1000)
        out[name] = {"p50_ms": round(float(np.percentile(times, 50)), 1),
                     "p95_ms": round(float(np.percentile(times, 95)), 1), "updates": len(times)}
    return out


def bench_notebooks():
    from failurelab.tools.execute import ROOT, course_notebooks, execute

    return {str(p.relative_to(ROOT)): {"execute_s": round(execute(p, write=False), 1)}
            for p in course_notebooks()}


def bench_simulation():
    from failurelab import fatigue

    fatigue._engine.cache_clear()
    start = time.perf_counter()
    targets, times = fatigue.endurance_curve()
    elapsed = time.perf_counter() - start
    return {"endurance_curve_s": round(elapsed, 2), "targets": len(targets)}


def machine():
    return {"platform": platform.platform(), "python": platform.python_version(),
            "cpus": os.cpu_count(), "numpy": np.__version__}


def run(skip_notebooks=False):
    result = {"machine": machine(), "budgets": BUDGETS, "widgets": bench_widgets(),
              "simulation": bench_simulation()}
    result["notebooks"] = {} if skip_notebooks else bench_notebooks()
    return result


def register(sub):
    p = sub.add_parser("bench", help="measure widget latency, notebook and simulation times")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--skip-notebooks", action="store_true", help="only widgets and simulation")
    p.set_defaults(func=_run)


def _run(args):
    result = run(args.skip_notebooks)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"machine: {result['machine']}")
    for name, w in result["widgets"].items():
        print(f"widget {name}: p50 {w['p50_ms']} ms, p95 {w['p95_ms']} ms "
              f"(budget {BUDGETS['widget_p95_ms']} ms)")
    print(f"endurance curve: {result['simulation']['endurance_curve_s']} s "
          f"(budget {BUDGETS['endurance_curve_s']} s)")
    for path, n in result["notebooks"].items():
        print(f"notebook {path}: {n['execute_s']} s (budget {BUDGETS['notebook_s']} s)")
