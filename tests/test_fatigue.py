"""The Potvin & Fuglevand (2017) fatigue model against a literal port of the authors' code."""

import numpy as np
import potvin2017_reference as reference
import pytest

from failurelab import fatigue
from failurelab.fatigue import reps_to_failure, simulate_set, simulate_sustained
from failurelab.motor_units import MotorUnitPool


@pytest.mark.parametrize("target, seconds", [(0.75, 25.0), (0.3, 15.0), (0.95, 5.0)])
def test_reproduces_the_authors_algorithm_sample_by_sample(target, seconds):
    # the oracle follows the MATLAB code's hop-and-step search; ours uses a windowed search
    ref = reference.run(target, seconds)
    ours = simulate_sustained(target, max_time=seconds)
    np.testing.assert_array_equal(ours.time, ref["time"])
    np.testing.assert_array_equal(np.round(ours.excitation * 100), np.round(ref["excitation"] * 100))
    np.testing.assert_allclose(ours.force, ref["force"], atol=1e-12)
    np.testing.assert_allclose(ours.capacity, ref["capacity"], atol=1e-12)
    if ref["capacity"].min() < target:
        assert ours.endurance_time == pytest.approx(ref["endurance_time"])


@pytest.mark.parametrize("pool, params, ref_args", [
    (dict(recruitment_range=17), None, dict(r=17)),
    (dict(n=60), dict(fatigue_factor=0.05, adaptation_tau=10), dict(nu=60, FatFac=0.05, tau=10)),
    (None, dict(fatigue_range=40, adaptation_scale=0.3, contraction_time_scale=1.0),
     dict(fat=40, adaptSF=0.3, ctSF=1.0)),
])
def test_other_pools_and_fatigue_parameters_follow_the_authors_algorithm(pool, params, ref_args):
    ref = reference.run(0.6, 20.0, **ref_args)
    ours = simulate_sustained(0.6, pool=pool and MotorUnitPool(**pool), max_time=20, fatigue_params=params)
    np.testing.assert_array_equal(np.round(ours.excitation * 100), np.round(ref["excitation"] * 100))
    np.testing.assert_allclose(ours.force, ref["force"], atol=1e-12)
    np.testing.assert_allclose(ours.capacity, ref["capacity"], atol=1e-12)


def test_recruitment_columns_agree_with_the_pool():
    r = simulate_sustained(0.3)
    np.testing.assert_array_equal(r.n_recruited, r.pool.recruited(r.excitation).sum(axis=1))
    np.testing.assert_array_equal(r.recruited_share, r.pool.recruited_force_share(r.excitation))


def test_failure_comes_at_full_excitation_with_capacity_below_target():
    r = simulate_sustained(0.5)
    assert r.failed and r.time[-1] == pytest.approx(r.endurance_time)
    assert r.excitation_fraction[-1] == pytest.approx(1)
    assert r.capacity[-1] < 0.5 <= r.capacity[-2]
    assert np.all(r.force[:-1] >= 0.5)  # the target is met until failure
    assert np.all(np.diff(r.excitation) >= 0)  # excitation rises as units fatigue
    assert r.capacity[0] == pytest.approx(1) and r.unit_capacity[0] == pytest.approx(1)


def test_endurance_time_falls_steeply_with_target_force():
    _, times = fatigue.endurance_curve([0.2, 0.4, 0.6, 0.8, 1.0])
    assert np.all(np.diff(times) < 0)
    assert times[0] / times[2] > 5  # steep, roughly a power law (Fig. 6 of the paper)
    single = simulate_sustained(0.4).endurance_time
    assert times[1] == pytest.approx(single)  # batched and single simulations agree


def test_running_past_failure_keeps_maximal_excitation():
    r = simulate_sustained(0.9, max_time=15)
    after = r.time > r.endurance_time
    assert after.any() and np.all(r.excitation_fraction[after] == pytest.approx(1))
    assert np.all(r.force[after] < 0.9)
    assert np.all(np.diff(r.capacity[after]) <= 0)


def test_adaptation_lowers_capacity_below_strength_without_adaptation():
    r = simulate_sustained(0.3)
    assert np.all(r.capacity <= r.strength_no_adaptation + 1e-12)
    assert r.capacity[-1] < r.strength_no_adaptation[-1]


def test_set_mapping_is_pinned_at_ten_reps_at_75_percent():
    assert reps_to_failure(0.75) == pytest.approx(10)
    assert fatigue.seconds_per_rep() == pytest.approx(simulate_sustained(0.75).endurance_time / 10)
    # close to Epley (30 (1/p - 1)) at moderate-heavy loads ...
    for p in (0.7, 0.8, 0.85, 0.9):
        assert reps_to_failure(p) == pytest.approx(30 * (1 / p - 1), rel=0.1)
    # ... and far above every load-rep equation at light loads (where the mapping breaks down)
    assert reps_to_failure(0.3) > 1.5 * 30 * (1 / 0.3 - 1)


def test_light_loads_reach_full_recruitment_only_near_failure():
    heavy, light = simulate_set(0.8, 2), simulate_set(0.3, 2)
    assert heavy.share_at_start == pytest.approx(1)  # all units from the first rep
    assert light.share_at_start < 0.5
    assert light.share_at_stop == pytest.approx(1)
    far = simulate_set(0.3, 60)
    assert far.share_at_stop < 1


def test_set_result_bookkeeping():
    s = simulate_set(0.8, 2)
    assert s.reps_done == s.reps_possible - 2
    assert s.stop_time == pytest.approx(s.reps_done * s.seconds_per_rep)
    assert s.sustained.time[s.stop_index] == pytest.approx(s.stop_time, abs=0.1)
    assert s.capacity_at_stop > 0.8  # stopped before failure: capacity still above the load


@pytest.mark.parametrize("call, message", [
    (lambda: simulate_sustained(0), "above 0 and at most 1"),
    (lambda: simulate_sustained(50), "e.g. 0.3 for 30 % MVC"),
    (lambda: simulate_sustained("heavy"), "target_fraction must be a fraction of maximal force"),
    (lambda: simulate_sustained(0.5, dt=0), "dt must be"),
    (lambda: simulate_sustained(0.5, max_time=-1), "max_time"),
    (lambda: simulate_set(0.8, -1), "whole number >= 0"),
    (lambda: simulate_set(0.9, 5), "reaches failure after 3 repetitions: choose fewer than 3 reps in reserve"),
    (lambda: reps_to_failure(75), "fraction of 1RM"),
])
def test_bad_input_is_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_the_largest_unit_works_only_the_last_part_of_a_light_set():
    # notebook 1.2, section 5: at 30 % 1RM the whole pool fires only in the last tenth of the
    # contraction; at 85 % it fires from the start
    for load, low, high in ((0.3, 0.05, 0.12), (0.85, 1.0, 1.0)):
        r = simulate_set(load, 0).sustained
        on = np.flatnonzero(r.n_recruited == r.pool.n)[0]
        assert low <= 1 - on / len(r.time) <= high


@pytest.mark.parametrize("call, message", [
    # the size of the work is bounded before any is done
    (lambda: simulate_sustained(0.5, dt=1e-6), r"dt must be a time step in seconds from 0\.001 to 1"),
    (lambda: simulate_sustained(0.5, dt=0.001),
     r"needs 3,600,000 samples; at most 150,000 are allowed: use dt >= 0\.024 s or max_time <= 150 s"),
    (lambda: fatigue.endurance_curve(dt=0.01), r"at most 150,000 are allowed: use dt >= 0\.024 s$"),
    (lambda: fatigue.endurance_curve([]), "targets must have at least one target"),
    (lambda: fatigue.endurance_curve(np.linspace(0.1, 1, 30)), "at most 20 fractions, got 30"),
    # fatigue parameters: numbers in range, known names
    (lambda: simulate_sustained(0.5, fatigue_params={"fatigue_factor": -0.01}),
     r"fatigue_factor must be a number above 0 and at most 1 \(default 0\.0225\), got -0\.01"),
    (lambda: simulate_sustained(0.5, fatigue_params={"fatigue_factor": float("nan")}), "got nan"),
    (lambda: simulate_sustained(0.5, fatigue_params={"fatigue_factor": float("inf")}), "got inf"),
    (lambda: simulate_sustained(0.5, fatigue_params={"fatigue_factor": None}), "got None"),
    (lambda: simulate_sustained(0.5, fatigue_params={"fatigue_factor": [0.1]}), r"got \[0\.1\]"),
    (lambda: simulate_sustained(0.5, fatigue_params={"adaptation_tau": 0}),
     r"adaptation_tau must be a number > 0 \(default 22\), got 0"),
    (lambda: simulate_sustained(0.5, fatigue_params={"fatigue_range": 0}), "fatigue_range must be a number >= 1"),
    (lambda: simulate_sustained(0.5, fatigue_params=[("fatigue_factor", 0.1)]), "fatigue_params must be a dict"),
    (lambda: simulate_sustained(0.5, fatigue_params={"speed": 2}),
     "unknown fatigue parameter 'speed'; known: fatigue_range, fatigue_factor, adaptation_tau, adaptation_scale, contraction_time_scale"),
    # booleans and numeric strings are not numbers
    (lambda: simulate_sustained(True), "got True"),
    (lambda: simulate_sustained("0.5"), "got '0.5'"),
    (lambda: fatigue.endurance_curve(["0.5"]), "targets must be fractions of maximal force"),
    (lambda: simulate_sustained(0.5, max_time=True), "max_time must be a duration in seconds"),
    (lambda: reps_to_failure(True), "load_fraction must be a fraction of 1RM"),
    (lambda: simulate_set(0.8, 2.5), r"rir \(repetitions in reserve\) must be a whole number"),
    (lambda: simulate_sustained(0.5, pool="limb"), "pool must be a MotorUnitPool"),
])
def test_bad_input_is_refused_before_any_work(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_a_target_the_pool_holds_for_an_hour_does_not_fail():
    # below about 4.4 % MVC the default pool does not fail within SAFETY_LIMIT_S
    r = simulate_sustained(0.04)
    assert not r.failed and np.isnan(r.endurance_time)
    assert r.time[-1] == pytest.approx(fatigue.SAFETY_LIMIT_S) and r.capacity[-1] > 0.04
    # ... so a set at that load has no repetitions to failure: said, not NaN
    with pytest.raises(ValueError, match="does not reach task failure within 3600 s"):
        reps_to_failure(0.05, pool=MotorUnitPool(twitch_range=10))
