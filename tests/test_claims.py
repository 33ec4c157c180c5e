"""failurelab.claims: the checklist filled in for the claims of a typical evidence summary.

The summary side must quote the claim verbatim; the source side must come from the data tables;
the verdicts must agree with the status column of each claim.
"""

from __future__ import annotations

import pytest

from failurelab import claims as cl
from failurelab.data import load

KEYS = cl.claim_keys()


def test_the_ten_questions_in_order():
    # the first seven keep their places; erratum, volume and interval were added after them
    assert cl.QUESTION_KEYS == ("study", "outcome", "comparison", "sign", "studies",
                                "population", "duration", "erratum", "volume", "interval")
    assert all(q.endswith("?") and why for _, q, why in cl.QUESTIONS)


def test_every_claim_row_is_annotated_and_nothing_else():
    assert len(KEYS) == len(set(KEYS)) == len(load("course_brief_claims")) == 11
    assert set(cl.SUMMARY) == set(KEYS)
    assert {s for _, s in KEYS} == set(cl.SOURCES)
    assert set(cl.LINKED_ROWS) | {k for k in KEYS if k[1] in ("ruple2023", "refalo2024")} == set(KEYS)


@pytest.mark.parametrize("key", KEYS, ids=[f"{c}-{s}" for c, s in KEYS])
def test_summary_fragments_are_verbatim_and_verdicts_known(key):
    check = cl.checklist(*key)
    for question, (fragment, verdict, comment) in cl.SUMMARY[key].items():
        assert question in cl.QUESTION_KEYS and verdict in cl.VERDICTS
        assert fragment is not None and fragment in check.claim, (question, fragment)
        assert verdict == cl.MATCHES or comment, "a verdict other than 'matches' says why"
    for text in check.summary_numbers:
        assert text in check.claim
    assert list(check.table.index) == list(cl.QUESTION_KEYS)
    assert set(check.table["verdict"]) <= set(cl.VERDICTS)
    unstated = check.table[check.table["verdict"] == cl.NOT_STATED]
    assert (unstated["summary_says"] == "(not stated)").all()


@pytest.mark.parametrize("key", KEYS, ids=[f"{c}-{s}" for c, s in KEYS])
def test_a_year_that_differs_from_the_source_is_wrong(key):
    check = cl.checklist(*key)
    row = check.table.loc["study"]
    said = cl.years(row["summary_says"]) if row["verdict"] != cl.NOT_STATED else []
    published = cl.years(row["source_says"].split(",")[0])  # "Lopez et al. 2021, ..."
    assert len(published) == 1
    if said and said[0] != published[0]:
        assert row["verdict"] == cl.WRONG


def test_verdicts_agree_with_the_fact_check_status():
    for key in KEYS:
        check = cl.checklist(*key)
        v = check.verdicts()
        if check.status == "year wrong":
            assert v["study"] == cl.WRONG
            assert cl.years(check.table.loc["study", "summary_says"]) == [2022]
            assert "2021" in check.table.loc["study", "source_says"]
        elif check.status.startswith("number wrong"):
            assert v["outcome"] == cl.WRONG
        elif check.status.startswith("design misdescribed"):
            assert cl.WRONG in (v["study"], v["comparison"])
        elif check.status == "matches no single source":
            assert v["study"] == cl.WRONG
        elif check.status == "not in any source":
            assert v["study"] == cl.NOT_STATED and check.summary_numbers
        elif check.status == "failure half not in source":
            assert check.problems() == ["comparison", "volume"] and v["outcome"] == cl.MATCHES
        elif check.status == "statistical misreading":
            assert check.problems() == ["interval"]
        elif check.status.startswith("cause not in source"):
            assert check.problems() == ["volume"] and v["sign"] == cl.MATCHES
        else:
            pytest.fail(f"unexpected status {check.status!r}")


def test_the_conflated_trial_claim():
    ruple, refalo = cl.checklist(4, "ruple2023"), cl.checklist(4, "refalo2024")
    # Ruple 2023 has the year but not the design; Refalo 2024 has the design but not the year
    assert ruple.problems() == ["comparison"] and refalo.problems() == ["study"]
    trials = load("trials").set_index("source_key")
    assert ruple.table.loc["duration", "source_says"].startswith("5 weeks")
    assert "n = 19" in ruple.table.loc["studies", "source_says"] and trials.loc["ruple2023", "n"] == 19
    assert refalo.table.loc["duration", "source_says"] == "8 weeks"
    assert "n = 18" in refalo.table.loc["studies", "source_says"]
    assert "0-1 RIR" in trials.loc["ruple2023", "failure_definition"]
    assert "4-6 RIR" in trials.loc["ruple2023", "non_failure_definition"]
    assert "2 RIR" in trials.loc["refalo2024", "non_failure_definition"]
    assert "1 RIR" in trials.loc["refalo2024", "non_failure_definition"]
    assert cl.RIR_ARMS["ruple2023"] == {"failure": (0, 1), "non-failure": (4, 6)}
    assert cl.RIR_ARMS["refalo2024"] == {"failure": (0, 0), "non-failure": (1, 2)}
    assert "two repetitions short" in ruple.claim and cl.RIR_ARMS["summary"]["non-failure"] == (2, 2)
    # "greater acute neuromuscular fatigue" matches Refalo 2024 (repetition and velocity loss)
    assert "matches" in refalo.table.loc["outcome", "comment"]
    assert "uninformative" in ruple.table.loc["outcome", "comment"]
    assert ruple.estimates.empty and refalo.estimates.empty


def test_a_number_from_another_outcome():
    check = cl.checklist(3)
    est = check.estimates.set_index("id")
    one_rm, iso = est.loc["schoenfeld2017-strength-1rm"], est.loc["schoenfeld2017-strength-isometric"]
    assert (one_rm.estimate, one_rm.ci_low, one_rm.ci_high) == (0.58, 0.28, 0.89)
    assert iso.estimate == 0.16
    point = cl.SUMMARY_NUMBERS[(3, "schoenfeld2017")]["point"]
    assert point == 0.15 and "0.15" in check.summary_numbers[0]
    assert check.verdicts()["study"] == cl.MATCHES  # the summary names Schoenfeld
    assert not one_rm.ci_low <= point <= one_rm.ci_high  # 0.15 is not the 1RM result
    assert iso.ci_low <= point <= iso.ci_high and abs(point - iso.estimate) < 0.02
    assert "0.58" in check.table.loc["outcome", "source_says"]
    assert check.verification == "secondary, verify before quoting"


def test_numbers_that_no_source_gives():
    said = cl.SUMMARY_NUMBERS[(6, "grgic2022")]
    assert said["range"] == (0.1, 0.2) and said["ci"] == (-0.3, 0.5)
    cis = [(r.ci_low, r.ci_high) for key in [(6, "grgic2022"), (6, "refalo2023")]
           for r in cl.checklist(*key).estimates.itertuples()]
    assert cis == [(-0.11, 0.55), (0.0, 0.37), (-0.13, 0.37)]
    assert all(ci != said["ci"] for ci in cis)
    # the invented numbers are an error the grid shows, in the outcome row
    for key in [(6, "grgic2022"), (6, "refalo2023")]:
        check = cl.checklist(*key)
        assert check.problems() == ["outcome"]
        assert "no source reports these numbers" in check.table.loc["outcome", "comment"]


def test_source_side_comes_from_the_data():
    meta = load("meta_analyses").set_index("id")
    for key, ids in cl.LINKED_ROWS.items():
        check = cl.checklist(*key)
        assert list(check.estimates["id"]) == list(ids)
        assert (meta.loc[list(ids), "source_key"] == key[1]).all()
        assert (meta.loc[list(ids), "doi"] == check.doi).all()
        assert meta.loc[ids[0], "sign_convention"] in check.table.loc["sign", "source_says"]
    trained = cl.checklist(5).table.loc["studies", "source_says"]
    assert "trained participants: 2 studies (secondary)" in trained
    # every secondary estimate carries its level on the source side
    meta_rows = load("meta_analyses").set_index("id")
    for key, ids in cl.LINKED_ROWS.items():
        outcome = cl.checklist(*key).table.loc["outcome", "source_says"]
        secondary = (meta_rows.loc[list(ids), "verification"]
                     == "secondary, verify before quoting").sum()
        assert outcome.count("(secondary, verify before quoting)") == secondary
    # Lopez 2021's Table 2 values are checked in the published PDF, so claim 1 carries no secondary mark
    lopez = cl.checklist(1).table.loc["outcome", "source_says"]
    assert "verify before quoting" not in lopez and "0.12" in lopez


def test_estimate_text_and_years():
    row = load("meta_analyses").set_index("id").loc["grgic2022-hypertrophy"]
    assert cl.estimate_text(row) == "ES 0.22 (95 % CI \u22120.11 to 0.55)"
    assert cl.estimate_text(row, with_verification=True) == cl.estimate_text(row)  # abstract
    secondary = load("meta_analyses").set_index("id").loc["grgic2022-strength-volume-equated"]
    assert cl.estimate_text(secondary, with_verification=True) == (
        "ES 0.01 (95 % CI \u22120.12 to 0.15) (secondary, verify before quoting)")
    assert cl.years("A 2022 network meta-analysis of 28 studies") == [2022]
    assert cl.years("no year") == []


@pytest.mark.parametrize("call, words", [
    (lambda: cl.checklist(9), "no claim 9"),
    (lambda: cl.checklist(0), "no claim 0"),
    (lambda: cl.checklist("1"), "whole number"),
    (lambda: cl.checklist(True), "whole number"),
    (lambda: cl.checklist(4), "pass source_key"),
    (lambda: cl.checklist(4, "grgic2022"), "not checked against 'grgic2022'"),
    (lambda: cl.source_estimates("ruple2023"), "no pooled estimates"),
    (lambda: cl.years(2022), "must be a string"),
])
def test_bad_input_is_explained(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_the_statistical_misreading_and_the_prescribed_volumes():
    # claim 7: a CI that crosses 0 does not show triviality, and two intervals do not cross it
    grgic, refalo = cl.checklist(7, "grgic2022"), cl.checklist(7, "refalo2023")
    assert "0.55" in grgic.table.loc["interval", "comment"]
    assert "0.00 to 0.37: excludes 0" in refalo.table.loc["interval", "source_says"]
    assert "0.03 to 0.26: excludes 0" in grgic.table.loc["interval", "source_says"]
    assert "\u22120.11 to 0.55: includes 0" in grgic.table.loc["interval", "source_says"]
    # claim 8: the volume gap was prescribed by the designs, not caused by fatigue
    volume = cl.checklist(8).table.loc["volume"]
    assert "Kramer" in volume["comment"] and "Sanborn" in volume["comment"]
    assert "ES \u22120.32" in volume["source_says"] and "prescribed" in volume["source_says"]
    # claim 2: Lopez 2021 has no non-failure arms and did not equate volume
    assert cl.checklist(2).verdicts()["comparison"] == cl.WRONG
    # the corrigendum of Lopez 2021 is on the source side of both of its claims
    for cid in (1, 2):
        assert "54(2):370" in cl.checklist(cid).table.loc["erratum", "source_says"]


def test_excludes_zero_reads_a_rounded_bound_from_p():
    meta = load("meta_analyses").set_index("id")
    assert cl._excludes_zero(meta.loc["refalo2023-set-failure"])  # 0.00 to 0.37, p = 0.045
    assert not cl._excludes_zero(meta.loc["refalo2023-momentary-failure"])
    assert cl._excludes_zero(meta.loc["grgic2022-strength-volume-not-equated"])
