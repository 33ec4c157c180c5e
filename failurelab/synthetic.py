"""Synthetic (simulated) data: trials for practising pooling, and an example training log.

The course's open sources (the meta-analyses' abstracts and the tables it could check) give no
per-study failure vs non-failure effects with their variances, so the pooling chapter practises
on simulated trials instead.
Everything here is simulated, and the tables it writes are named ``synthetic_*``.

The committed ``data/synthetic_trials.csv`` is ``synthetic_trials(**SYNTHETIC_TRIALS)`` rounded
by :func:`synthetic_trials_csv`. Write it with ``python -m failurelab.synthetic``. A test
regenerates the file and compares it with the committed copy, so the two cannot drift apart.
"""

import io
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from .validation import InputError, fail, real, whole

#: Parameters of the committed ``data/synthetic_trials.csv`` (also in datapackage.json).
#: They are set to resemble the published pooled hypertrophy estimates in size:
#: - true_effect = 0.2 (SMD, positive favours failure) lies between Refalo et al. 2023
#:   (ES 0.19, 95% CI 0.00 to 0.37, any definition of set failure) and Grgic et al. 2022
#:   (ES 0.22, 95% CI -0.11 to 0.55). Both are abstract-verified.
#: - k = 15: both reviews included 15 studies (abstract-verified), although their hypertrophy
#:   pools had fewer: 7 studies (Grgic 2022, secondary) and 9 (Refalo 2023, full-text-verified).
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


#: Upper limits of the simulators' sizes (beyond them a run would take minutes or overflow).
MAX_STUDIES, MAX_PER_GROUP, MAX_WEEKS, MAX_SETS = 1000, 100_000, 520, 20


def _at_most(name, value, high):
    if value > high:
        fail(f"{name} must be at most {high:,}, got {value!r}")
    return value


def _pair(value, name, low_limit, integer=False, high=1e6):
    """A (low, high) pair from a number or a pair. Raises InputError if the pair is invalid."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            fail(f"{name} must be a number or a (low, high) pair, got {value!r}")
        low, high_value = value
    else:
        low = high_value = value
    kind = "an integer or a pair of them" if integer else "a finite number or a pair of them"
    check = whole if integer else real
    low, high_value = (check(name, v, what=kind) for v in (low, high_value))
    if low < low_limit:
        fail(f"{name} must be at least {low_limit}, got {value!r}")
    if low > high_value:
        fail(f"{name}: low must not exceed high, got {value!r}")
    _at_most(name, high_value, high)
    return low, high_value


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
    k = _at_most("k (number of studies)", whole("k (number of studies)", k, 1), MAX_STUDIES)
    n_low, n_high = _pair(n_per_group, "n_per_group", 2, integer=True, high=MAX_PER_GROUP)
    true_effect = real("true_effect (SMD)", true_effect, -10, 10, what="a finite number")
    tau = _at_most("tau (between-study SD)",
                   real("tau (between-study SD)", tau, 0, what="a finite number"), 5)
    seed = whole("seed", seed, 0)
    mean_low, mean_high = _pair(control_mean, "control_mean", -1e6)
    sd_low, sd_high = _pair(sd, "sd", 0)
    if sd_low == 0:
        fail(f"sd must be > 0, got {sd!r}")

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


# ----------------------------------------------------------------------------- training log
#: Parameters of the committed ``data/synthetic_training_log.csv`` (also in datapackage.json).
#: All are assumptions chosen to give a readable example log, not published values, except
#: rir_bias = 0.95 (Halperin et al. 2022's pooled under-prediction of reps to failure).
SYNTHETIC_TRAINING_LOG = {"weeks": 12, "seed": 20240108, "start": "2024-01-08",
                          "one_rm": {"Squat": 100.0, "Bench press": 70.0},
                          "load_fraction": 0.75, "sets": 3, "target_rir": 2,
                          "failure_weeks": (6, 8), "gain_per_week": 0.005,
                          "fatigue_per_failure_session": 0.02, "recovery": 0.5,
                          "day_sd": 0.015, "rir_bias": 0.95, "rir_sd": 0.7}
LOG_NOTE = "synthetic"
LOG_OUTPUT = DEFAULT_OUTPUT.with_name("synthetic_training_log.csv")


def synthetic_training_log(weeks, seed, start="2024-01-08", one_rm=None, load_fraction=0.75,
                           sets=3, target_rir=2, failure_weeks=(6, 8), gain_per_week=0.005,
                           fatigue_per_failure_session=0.02, recovery=0.5, day_sd=0.015,
                           rir_bias=0.95, rir_sd=0.7):
    """Simulate a lifter's log: two sessions a week (Monday, Thursday), ``sets`` per exercise.

    Per session and exercise: true 1RM = one_rm * (1 + gain_per_week)^week * (1 - fatigue)
    * (1 + Normal(0, day_sd)); the load is load_fraction of the planned 1RM (without fatigue),
    rounded to 2.5 kg. Reps to failure = floor(Epley reps at that load) - (set - 1). In weeks
    ``failure_weeks`` (inclusive) every set goes to failure and fatigue grows by
    fatigue_per_failure_session each session; otherwise sets stop at ``target_rir`` and fatigue
    shrinks by the factor ``recovery``. A set logged at ``target_rir`` really stops
    round(target_rir + Normal(rir_bias, rir_sd)) (at least 0) reps short of failure: lifters
    under-predict (Halperin et al. 2022). Columns follow
    failurelab.logs.LOG_COLUMNS; ``notes`` says "synthetic". Simulated, not measured.
    """
    from .practice import reps_at_load  # local: practice imports nothing from here

    weeks = _at_most("weeks", whole("weeks", weeks, 1), MAX_WEEKS)
    seed = whole("seed", seed, 0)
    sets = _at_most("sets", whole("sets", sets, 1), MAX_SETS)
    target_rir = _at_most("target_rir", whole("target_rir", target_rir, 0), 10)
    load_fraction = real("load_fraction", load_fraction, 0.3, 1, open_high=True,
                         say="between 0.3 and 1 (e.g. 0.75)")
    first, last = _pair(failure_weeks, "failure_weeks", 1, integer=True, high=MAX_WEEKS)
    for name, value, high in (("gain_per_week", gain_per_week, 1),
                              ("fatigue_per_failure_session", fatigue_per_failure_session, 1),
                              ("day_sd", day_sd, 1), ("rir_sd", rir_sd, 10),
                              ("rir_bias", rir_bias, 10)):
        _at_most(name, real(name, value, 0, what="a finite number"), high)
    recovery = real("recovery", recovery, 0, 1, say="between 0 and 1")
    try:
        day0 = pd.Timestamp(start) if isinstance(start, str) else None
    except ValueError:
        day0 = None
    if day0 is None:
        fail(f"start must be a date as YYYY-MM-DD, got {start!r}")
    maxima = SYNTHETIC_TRAINING_LOG["one_rm"] if one_rm is None else one_rm
    try:
        maxima = {str(name): real(name, v, 0, 1000, open_low=True)
                  for name, v in dict(maxima).items() if isinstance(name, str)}
        if not maxima or len(maxima) != len(one_rm or SYNTHETIC_TRAINING_LOG["one_rm"]):
            raise InputError("no exercise")
    except (InputError, TypeError, ValueError):
        fail(f"one_rm must map exercise names to 1RMs in kg > 0 (at most 1,000), got {one_rm!r}")

    rng = np.random.default_rng(seed)
    fatigue = dict.fromkeys(maxima, 0.0)
    rows = []
    for week in range(1, weeks + 1):
        to_failure = first <= week <= last
        for offset in (0, 3):
            date = (day0 + pd.Timedelta(days=7 * (week - 1) + offset)).date().isoformat()
            for exercise, base in maxima.items():
                planned = base * (1 + gain_per_week) ** (week - 1)
                true_max = planned * (1 - fatigue[exercise]) * (1 + rng.normal(0, day_sd))
                weight = round(load_fraction * planned / 2.5) * 2.5
                fresh = math.floor(reps_at_load(min(weight / true_max, 1.0)) + 1e-9)  # 9.999... is 10
                for s in range(1, sets + 1):
                    possible = max(fresh - (s - 1), 0)
                    # the lifter aims at target_rir but under-predicts: really stops further out
                    stop = 0 if to_failure else max(
                        0, round(target_rir + rng.normal(rir_bias, rir_sd)))
                    reps = max(possible - stop, 0)
                    reported = 0 if to_failure else target_rir
                    rows.append({"date": date, "exercise": exercise, "set": s,
                                 "weight_kg": f"{weight:.1f}", "reps": reps, "rir": reported,
                                 "failure": "true" if to_failure else "false",
                                 "notes": LOG_NOTE})
                if to_failure:
                    fatigue[exercise] += fatigue_per_failure_session
                else:
                    fatigue[exercise] *= recovery
    return pd.DataFrame(rows, columns=["date", "exercise", "set", "weight_kg", "reps", "rir",
                                       "failure", "notes"])


def synthetic_training_log_csv(params=None):
    """CSV text of ``synthetic_training_log(**params)`` (default ``SYNTHETIC_TRAINING_LOG``)."""
    table = synthetic_training_log(**(SYNTHETIC_TRAINING_LOG if params is None else params))
    out = io.StringIO()
    table.to_csv(out, index=False, lineterminator="\n")
    return out.getvalue()


def main(argv=None):
    """Write ``data/synthetic_trials.csv`` and ``data/synthetic_training_log.csv``.

    With one argument, write only the trials table to that path.
    """
    argv = sys.argv[1:] if argv is None else argv
    if argv:
        Path(argv[0]).write_text(synthetic_trials_csv(), encoding="utf-8")
        print(f"wrote {argv[0]}")
        return 0
    for path, text in ((DEFAULT_OUTPUT, synthetic_trials_csv()),
                       (LOG_OUTPUT, synthetic_training_log_csv())):
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
