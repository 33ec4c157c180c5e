"""The claim explorer (chapter 4): claim_state, the explorer's update(), bad input, and what the
browser view receives (tests/test_views_practice_logs_claims.py checks the view against it)."""

from __future__ import annotations

import pytest

from failurelab import claims as cl
from failurelab.widgets.claims import (
    ClaimExplorer,
    claim_options,
    claim_state,
    claim_view_data,
    row_name,
)

VALUES = [v for _, v in claim_options()]


@pytest.fixture(scope="module")
def explorer():
    return ClaimExplorer()


def test_options_cover_every_claim_row():
    assert VALUES == [f"{c}:{s}" for c, s in cl.claim_keys()]
    assert all(status in label for (label, _), status in zip(claim_options(),
                                                                cl.claims()["status"]))


@pytest.mark.parametrize("value", VALUES)
def test_claim_state(value):
    s = claim_state(value)
    assert sum(s["counts"].values()) == len(cl.QUESTIONS)
    assert s["counts"][cl.WRONG] == len(s["checklist"].problems())
    if s["source_key"] in ("ruple2023", "refalo2024"):
        assert s["panel"] == "rir" and s["estimates"] is None
        assert s["rir"]["summary"] == {"failure": (0, 0), "non-failure": (2, 2)}
    else:
        est = s["estimates"]
        assert s["panel"] == "estimates" and (est["source_key"] == s["source_key"]).all()
        assert list(est.loc[est["linked"], "id"]) == list(cl.LINKED_ROWS[(s["claim_id"],
                                                                            s["source_key"])])


def test_claim_state_numbers_and_names():
    assert claim_state("3:schoenfeld2017")["summary_numbers"] == {"point": 0.15}
    assert claim_state("6:grgic2022")["summary_numbers"] == {"range": (0.1, 0.2), "ci": (-0.3, 0.5)}
    assert claim_state("1:lopez2021")["summary_numbers"] == {}
    est = claim_state("3:schoenfeld2017")["estimates"]
    assert [row_name(r) for _, r in est.iterrows()] == ["strength 1RM", "strength isometric",
                                                        "hypertrophy"]


@pytest.mark.parametrize("bad", ["9:x", 3, None, "4:grgic2022"])
def test_claim_state_refuses_bad_input(bad):
    with pytest.raises(ValueError, match="claim must be one of"):
        claim_state(bad)


def test_explorer_default_is_the_number_from_another_outcome(explorer):
    explorer.update(claim="3:schoenfeld2017")
    s = explorer.state
    assert s["claim_id"] == 3 and explorer.controls["claim"].value == "3:schoenfeld2017"
    text = explorer.readout
    assert "number wrong (secondary evidence)" in text and "10.1519/JSC.0000000000002200" in text
    assert "approximately 0.15" in text and text.count("<tr>") == 1 + len(cl.QUESTIONS)


def test_every_claim_has_its_own_readout(explorer):
    readouts = {}
    for value in VALUES:
        assert explorer.update(claim=value) is not None and explorer.error is None
        readouts[value] = explorer.readout
        assert f"claim {value.split(':')[0]} of the evidence summary" in explorer.readout
    assert len(set(readouts.values())) == len(VALUES)
    explorer.update(claim="3:schoenfeld2017")


def test_bad_input_keeps_the_state(explorer):
    explorer.update(claim="3:schoenfeld2017")
    state, readout = explorer.state, explorer.readout
    assert explorer.update(claim="9:nothing") is None
    assert "claim must be one of" in explorer.error
    assert explorer.message.startswith("Not shown")
    assert explorer.state is state and explorer.readout == readout
    assert explorer.controls["claim"].value == "3:schoenfeld2017"
    assert explorer.update(claim="4:ruple2023") is not None and explorer.message == ""
    explorer.update(claim="3:schoenfeld2017")


def test_the_view_receives_every_claim_and_source(explorer):
    data = explorer.spec()["data"]
    assert list(data["claims"]) == VALUES
    assert [key for key, _ in data["questions"]] == [key for key, _, _ in cl.QUESTIONS]
    for value in VALUES:
        c, s = data["claims"][value], claim_state(value)
        assert [r["key"] for r in c["rows"]] == list(s["checklist"].table.index)
        assert c["panel"] == s["panel"] and c["claim"] == s["checklist"].claim
        if c["panel"] == "estimates":
            linked = [e["name"] for e in c["estimates"] if e["linked"]]
            est = s["estimates"]
            assert linked == [row_name(r) for _, r in est[est["linked"]].iterrows()]
        else:
            assert c["arms"][0] == ["summary: failure", 0, 0]
    assert claim_view_data("6:grgic2022")["numbers"] == {"range": (0.1, 0.2), "ci": (-0.3, 0.5)}
    assert len(explorer.html()) < 150_000
