"""Synthetic (simulated) study-level data for teaching how meta-analyses pool trials.

No per-study failure vs non-failure effects are available in the course's open sources
(fact-check.md, section 6), so the pooling chapter practises on simulated trials instead.
Everything here is simulated, and the tables it writes are named ``synthetic_*``.

The committed ``data/synthetic_trials.csv`` is ``synthetic_trials(**SYNTHETIC_TRIALS)`` rounded
by :func:`synthetic_trials_csv`. Write it with ``python -m failurelab.synthetic``. A test
regenerates the file and compares it with the committed copy, so the two cannot drift apart.
"""

import io
import math
import numbers
import sys
from pathlib import Path

import numpy as np
import pandas as pd

#: Parameters of the committed ``data/synthetic_trials.csv`` (also in datapackage.json).
#: They are set to resemble the published pooled hypertrophy estimates in size:
#: - true_effect = 0.2 (SMD, positive favours failure) lies between Refalo et al. 2023
#:   (ES 0.19, 95% CI 0.00 to 0.37, any definition of set failure) and Grgic et al. 2022
#:   (ES 0.22, 95% CI -0.11 to 0.55). Both are abstract-verified.
#: - k = 15 as in both meta-analyses (15 studies each, abstract-verified).
#: - n_per_group 8 to 22 (mean 15): Grgic 2022's hypertrophy analysis had 219 participants in
#:   7 studies (secondary, verify before quoting), about 15.6 per group with two arms.
#: - tau = 0.1 is an assumption. No published heterogeneity (I², tau) is available.
SYNTHETIC_TRIALS = {"k": 15, "n_per_group": (8, 22), "true_effect": 0.2, "tau": 0.1,
                    "seed": 20220202, "control_mean": (5.0, 15.0), "sd": (4.0, 8.0)}
OUTCOME = "change in muscle size from baseline"
UNIT = "% of baseline"
NOTE = "synthetic: simulated by failurelab.synthetic.synthetic_trials; not measured data"
COLUMNS = ["study", "n_failure", "mean_failure", "sd_failure", "n_nonfailure",
           "mean_nonfailure", "sd_nonfailure", "true_smd", "note"]
DECIMALS = {"mean_failure": 2, "sd_failure": 2, "mean_nonfailure": 2, "sd_nonfailure": 2,
            "true_smd": 3}
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "data" / "synthetic_trials.csv"


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _range(value, name, low_limit, integer=False):
    """A (low, high) pair from a number or a pair. Raises ValueError if the pair is invalid."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be a number or a (low, high) pair, got {value!r}")
        low, high = value
    else:
        low = high = value
    for v in (low, high):
        ok = _is_int(v) if integer else isinstance(v, numbers.Real) and not isinstance(v, bool)
        if not ok or not math.isfinite(v):
            kind = "an integer" if integer else "a finite number"
            raise ValueError(f"{name} must be {kind} or a pair of them, got {value!r}")
    if low < low_limit:
        raise ValueError(f"{name} must be at least {low_limit}, got {value!r}")
    if low > high:
        raise ValueError(f"{name}: low must not exceed high, got {value!r}")
    return low, high


def synthetic_trials(k, n_per_group, true_effect, tau, seed, control_mean=(5.0, 15.0),
                     sd=(4.0, 8.0)):
    """Simulate ``k`` two-arm trials (failure vs non-failure) and return per-arm summaries.

    The draws, in this order for each study i = 1..k, from ``numpy.random.default_rng(seed)``:

    1. n_i ~ uniform integer on [n_per_group] (both ends included), the same in both arms.
       An int means every study has that n.
    2. theta_i ~ Normal(true_effect, tau²): the study's true standardised mean difference
       (SMD). Positive favours failure.
    3. mu_i ~ Uniform(control_mean): the true mean change in the non-failure arm (% of baseline).
    4. sigma_i ~ Uniform(sd): the true SD of individual changes in both arms (% of baseline).
    5. n_i participants per arm: non-failure changes ~ Normal(mu_i, sigma_i²), then failure
       changes ~ Normal(mu_i + theta_i * sigma_i, sigma_i²).

    Returns a DataFrame, one row per study: ``study`` ("S01", ...), ``n_failure``,
    ``mean_failure``, ``sd_failure``, ``n_nonfailure``, ``mean_nonfailure``, ``sd_nonfailure``
    (the sample mean and SD, ddof = 1, of the simulated changes in % of baseline), ``true_smd``
    (theta_i) and ``note`` (says the row is synthetic). The design is between-groups only,
    with no dropouts. The course parameters are in ``SYNTHETIC_TRIALS``.
    """
    if not _is_int(k) or k < 1:
        raise ValueError(f"k (number of studies) must be a whole number >= 1, got {k!r}")
    n_low, n_high = _range(n_per_group, "n_per_group", 2, integer=True)
    if not isinstance(true_effect, numbers.Real) or isinstance(true_effect, bool) \
            or not math.isfinite(true_effect):
        raise ValueError(f"true_effect (SMD) must be a finite number, got {true_effect!r}")
    if not isinstance(tau, numbers.Real) or isinstance(tau, bool) or not math.isfinite(tau) \
            or tau < 0:
        raise ValueError(f"tau (between-study SD) must be a finite number >= 0, got {tau!r}")
    if not _is_int(seed) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    mean_low, mean_high = _range(control_mean, "control_mean", -math.inf)
    sd_low, sd_high = _range(sd, "sd", 0)
    if sd_low == 0:
        raise ValueError(f"sd must be > 0, got {sd!r}")

    rng = np.random.default_rng(seed)
    rows = []
    for i in range(1, k + 1):
        n = int(rng.integers(n_low, n_high, endpoint=True))
        theta = rng.normal(true_effect, tau)  # exactly true_effect when tau = 0
        mu = rng.uniform(mean_low, mean_high)
        sigma = rng.uniform(sd_low, sd_high)
        control = rng.normal(mu, sigma, size=n)
        failure = rng.normal(mu + theta * sigma, sigma, size=n)
        rows.append({"study": f"S{i:02d}", "n_failure": n, "mean_failure": failure.mean(),
                     "sd_failure": failure.std(ddof=1), "n_nonfailure": n,
                     "mean_nonfailure": control.mean(), "sd_nonfailure": control.std(ddof=1),
                     "true_smd": float(theta), "note": NOTE})
    return pd.DataFrame(rows, columns=COLUMNS)


def synthetic_trials_csv(params=None):
    """CSV text of ``synthetic_trials(**params)`` (default ``SYNTHETIC_TRIALS``), rounded."""
    table = synthetic_trials(**(SYNTHETIC_TRIALS if params is None else params))
    for column, places in DECIMALS.items():
        table[column] = table[column].map(lambda x, p=places: f"{x:.{p}f}")
    out = io.StringIO()
    table.to_csv(out, index=False, lineterminator="\n")
    return out.getvalue()


def main(argv=None):
    """Write ``data/synthetic_trials.csv`` (or the path given as the only argument)."""
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else DEFAULT_OUTPUT
    path.write_text(synthetic_trials_csv(), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
