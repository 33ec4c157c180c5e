"""Load-rep equations against the computed table of models.md C.1."""

import pytest

from failurelab.practice import reps_at_load

# models.md C.1 (pct_1RM, epley, brzycki, modified epley), computed from the published forms
TABLE = [(95, 1.58, 2.80, 2.49), (85, 5.29, 6.40, 6.00), (75, 10.00, 10.00, 10.44),
         (60, 20.00, 15.40, 19.89), (30, 70.00, 26.20, 67.10)]


@pytest.mark.parametrize("pct, epley, brzycki, modified", TABLE)
def test_reps_match_the_reference_table(pct, epley, brzycki, modified):
    p = pct / 100
    assert reps_at_load(p, "Epley") == pytest.approx(epley, abs=0.005)
    assert reps_at_load(p, "Brzycki") == pytest.approx(brzycki, abs=0.005)
    assert reps_at_load(p, "Modified Epley") == pytest.approx(modified, abs=0.005)


def test_bad_input_is_explained():
    with pytest.raises(ValueError, match="unknown formula"):
        reps_at_load(0.8, "Lombardi")
    with pytest.raises(ValueError, match="fraction of 1RM"):
        reps_at_load(80)
