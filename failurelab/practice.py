"""Load-repetition relations (more in chapter 3).

Formulas as tabulated in models.md C.1 and data/load_rep_equations.csv: Epley, Brzycki (1993)
and modified Epley (Jovanovic). p is the load as a fraction of 1RM; r the repetitions to failure.
"""

from __future__ import annotations

import numpy as np

#: repetitions to failure at a fraction p of 1RM
REPS_AT_LOAD = {
    "Epley": lambda p: 30 * (1 / p - 1),
    "Brzycki": lambda p: 37 - 36 * p,
    "Modified Epley": lambda p: (1 / p - 1) / 0.0353 + 1,
}


def reps_at_load(load_fraction, formula="Epley"):
    """Repetitions to failure predicted by ``formula`` at ``load_fraction`` of 1RM."""
    if formula not in REPS_AT_LOAD:
        raise ValueError(f"unknown formula {formula!r}; choose one of {', '.join(REPS_AT_LOAD)}")
    p = np.asarray(load_fraction, dtype=float)
    if not np.all((p > 0) & (p <= 1)):
        raise ValueError(f"load must be a fraction of 1RM above 0 and at most 1 (e.g. 0.75), got {load_fraction!r}")
    r = REPS_AT_LOAD[formula](p)
    return float(r) if r.ndim == 0 else r
