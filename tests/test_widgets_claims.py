"""The claim explorer (chapter 4): claim_state, the view's update(), bad input, speed, twin."""

from __future__ import annotations

import pytest

from failurelab import claims as cl
from failurelab.widgets import kernel_free_twin
from failurelab.widgets.claims import ClaimExplorer, claim_options, claim_state, row_name

PNG = b"\x89PNG\r\n\x1a\n"
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
    assert bytes(explorer.image.value).startswith(PNG)
    text = explorer.readout
    assert "number wrong (secondary evidence)" in text and "10.1519/JSC.0000000000002200" in text
    assert "approximately 0.15" in text and text.count("<tr>") == 1 + len(cl.QUESTIONS)


def test_every_claim_draws_its_own_figure(explorer):
    images = {}
    for value in VALUES:
        assert explorer.update(claim=value) is not None and explorer.error is None
        images[value] = bytes(explorer.image.value)
        assert f"claim {value.split(':')[0]} of the evidence summary" in explorer.readout
    assert len(set(images.values())) == len(VALUES)
    explorer.update(claim="3:schoenfeld2017")


def test_bad_input_keeps_the_figure(explorer):
    explorer.update(claim="3:schoenfeld2017")
    image, state = bytes(explorer.image.value), explorer.state
    assert explorer.update(claim="9:nothing") is None
    assert "claim must be one of" in explorer.error
    assert "Not shown" in explorer.message and 'role="alert"' in explorer.message
    assert bytes(explorer.image.value) == image and explorer.state is state
    assert explorer.controls["claim"].value == "3:schoenfeld2017"
    assert explorer.update(claim="4:ruple2023") is not None and explorer.message == ""
    explorer.update(claim="3:schoenfeld2017")


def test_kernel_free_twin(explorer):
    twin = kernel_free_twin(explorer, "claim", VALUES)
    assert twin.count("data:image/png;base64") == len(VALUES)
    assert len(twin) < 600_000
    assert explorer.state["claim"] == "3:schoenfeld2017"
