"""The decision aid of notebook 4.6 (failurelab.advice), its explorer's Python side, the eight
numbers, the recovery-study data and the coach card with its build tool."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest
from helpers import assert_refuses

from failurelab import advice, data
from failurelab.widgets import AdviceExplorer
from tools import coachcard

ROOT = Path(__file__).resolve().parents[1]
ALL = advice.all_recommendations()


def rec(**change):
    return advice.recommend(**{**advice.DEFAULTS, **change})


# -- the rules -------------------------------------------------------------------------------

def test_every_combination_has_a_valid_recommendation():
    assert len(ALL) == 3 * 2 * 2 * 2 * 3 == len(advice.combinations())
    for key, r in ALL.items():
        lo, hi = r.rir
        assert 1 <= lo < hi <= 5, key  # most sets stop short: failure stays optional
        assert r.failure in ("last-set", "calibrate", "no"), key
        assert r.reasons and {x.kind for x in r.reasons} <= set(advice.KINDS), key
        assert all(x.section in advice.SECTIONS and x.text.strip() for x in r.reasons), key
        assert r.key == key


def test_default_is_the_bottom_line():
    r = rec()
    assert r.rir == (1, 3) and r.failure == "no"  # 1-3 RIR; no failure on a free-weight compound
    assert "isolation or machine" in r.failure_where and r.sets == "your usual number of sets"
    iso = rec(exercise="isolation")
    assert iso.rir == (1, 3) and iso.failure == "last-set" and "last set" in iso.failure_where


@pytest.mark.parametrize("change, rir", [
    ({"goal": "strength"}, (2, 4)),                      # strength hardly depends on proximity
    ({"goal": "both"}, (1, 3)),
    ({"load": "light"}, (1, 2)),                         # light sets need to end closer
    ({"goal": "strength", "load": "light"}, (1, 3)),
    ({"experience": "novice"}, (2, 3)),                  # novices: 2-3 RIR
    ({"experience": "novice", "load": "light"}, (1, 2)),
    ({"limit": "time"}, (1, 2)),                         # closer with fewer sets
    ({"limit": "recovery"}, (2, 4)),                     # further with more sets
    ({"goal": "strength", "limit": "recovery"}, (3, 5)),
    ({"experience": "novice", "limit": "recovery"}, (3, 4)),
])
def test_rir_ranges(change, rir):
    assert rec(**change).rir == rir


def test_sets_follow_the_limit():
    assert rec(limit="time").sets == "fewer sets, closer to failure"
    assert rec(limit="recovery").sets == "more sets, further from failure"
    for key, r in ALL.items():
        assert (r.limit == "time") == ("fewer" in r.sets), key
        assert (r.limit == "recovery") == ("more sets" in r.sets), key


def test_failure_only_on_isolation_or_machine_exercises():
    for key, r in ALL.items():
        if r.exercise == "compound":
            assert r.failure == "no" and r.failure_where.startswith("not on this lift"), key
        elif r.experience == "novice":
            assert r.failure == "calibrate", key  # an occasional isolation set to calibrate
        elif r.limit == "recovery":
            assert r.failure == "no", key  # failure slows recovery
        else:
            assert r.failure == "last-set", key
    assert "calibrate" in rec(experience="novice").failure_where  # novice on a compound lift
    assert "adds no strength" in rec(goal="strength", exercise="isolation").failure_where


def test_reasons_are_tagged_and_come_from_the_course_sections():
    def sections(r):
        return {(x.kind, x.section) for x in r.reasons}

    assert ("evidence", "2.4 §2") in sections(rec(goal="strength"))
    assert ("evidence", "2.4 §5") in sections(rec())
    light = sections(rec(load="light"))
    assert {("model", "1.2 §4"), ("evidence", "2.4 §7"), ("evidence", "3.1 §3")} <= light
    assert ("evidence", "2.4 §4") in sections(rec(goal="strength", load="light"))
    assert {("evidence", "3.1 §2"), ("heuristic", "3.3 §5")} <= sections(rec(experience="novice"))
    assert ("model", "3.3 §6") in sections(rec(limit="time"))
    assert {("model", "3.3 §6"), ("evidence", "4.6 §3")} <= sections(rec(limit="recovery"))
    for label, (path, heading) in advice.SECTIONS.items():
        assert (ROOT / f"{path}.ipynb").is_file(), label
        number = label.split("§")[1]
        assert f"## {number}. {heading}" in (ROOT / f"{path}.ipynb").read_text(), label


def test_reasons_quote_the_numbers_in_data():
    light = " ".join(x.text for x in rec(load="light").reasons)
    assert "no moderation by load" in light and "p = 0.525" in light  # Refalo 2023 says so
    assert "0.28 (\u22120.06 to 0.62)" in light and "0.15 (\u22120.07 to 0.37)" in light
    assert "last 9 % of a set at 30 % 1RM" in light or "last 10 % of a set" in light
    novice = " ".join(x.text for x in rec(experience="novice").reasons)
    assert "0.95 (0.17 to 1.73)" in novice
    strength = " ".join(x.text for x in rec(goal="strength").reasons)
    assert "\u22120.09 (\u22120.22 to 0.05)" in strength and "0.003 (\u22120.012 to 0.018)" in strength
    growth = " ".join(x.text for x in rec().reasons)
    assert "0.19 (0.00 to 0.37)" in growth and "1.81 vs 1.82 mm" in growth
    recovery = " ".join(x.text for x in rec(limit="recovery").reasons)
    assert "from 24 to 48 h" in recovery and "48 h, against 6 h" in recovery
    assert "at 3 RIR: 13.0 sets fit, against 6.8 sets to failure" in recovery
    assert "12 sets give stimulus 12.0 at failure vs 10.8 at 2 RIR" in " ".join(
        x.text for x in rec(limit="time").reasons)


@pytest.mark.parametrize("bad, words", [
    ({"goal": "size"}, "goal must be one of 'growth', 'strength', 'both', got 'size'"),
    ({"limit": None}, "limit must be one of"), ({"load": True}, "load must be"),
    ({"exercise": ["compound"]}, "exercise must be"),
])
def test_recommend_refuses_bad_input(bad, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        rec(**bad)


def test_sentence_says_the_range_the_failure_option_and_the_reason_counts():
    r = rec(goal="strength", exercise="isolation", limit="time")
    text = advice.sentence(r)
    assert "stop most sets at 1\u20133 RIR" in text and "fewer sets, closer to failure" in text
    c = r.counts()
    assert f"{len(r.reasons)} reasons: {c['evidence']} from evidence, {c['model']} from the model" in text


# -- the eight numbers ---------------------------------------------------------------------

def test_eight_numbers_come_from_data_with_their_levels():
    table = advice.key_numbers()
    assert len(table) == 8 and table["number"].is_unique
    by = table.set_index("source_key")
    meta = data.load("meta_analyses").set_index("id")
    assert table.loc[0, "text"] == "\u22120.09 (\u22120.22 to 0.05)"
    assert table.loc[0, "estimate"] == meta.loc["grgic2022-strength", "estimate"]
    assert list(table["verification"]) == ["abstract-verified"] * 4 + [data.SECONDARY] * 2 + [
        "abstract-verified"] * 2
    assert list(table["secondary"]) == [False] * 4 + [True] * 2 + [False] * 2
    assert by.loc["refalo2024", "text"].startswith("failure 1.81 (HDI 1.19 to 2.43) vs 1.82")
    assert by.loc["halperin2022", "text"] == "0.95 (0.17 to 1.73)"
    assert set(table["section"]) <= set(advice.SECTIONS)
    assert table["doi"].str.match(r"^10\.\d{4,9}/\S+$").all()


def test_grgic_studies_were_all_young_adults():
    f = advice.facts()
    assert f["grgic_young"] and f["grgic_studies"] == 15


# -- the recovery studies ------------------------------------------------------------------

def test_recovery_studies_equal_the_abstracts():
    table = data.load("recovery_studies").set_index("source_key")
    assert list(table.index) == ["moran2017", "gonzalezbadillo2016"]
    mo, gb = table.loc["moran2017"], table.loc["gonzalezbadillo2016"]
    assert (mo.n, mo.doi, mo.first_h, mo.last_h) == (10, "10.1007/s00421-017-3725-7", -12, 72)
    assert (mo.failure_slower_from_h, mo.failure_slower_to_h) == (24, 48)
    assert "3 x 5(10), 6 x 5(10) and 3 x 10(10)" in mo.protocols
    assert (gb.n, gb.doi, gb.first_h, gb.last_h) == (9, "10.1055/s-0035-1564254", -24, 48)
    assert (gb.failure_slower_from_h, gb.failure_slower_to_h) == (6, 48)
    assert "80 % 1RM" in gb.protocols and "prolactin and IGF-1" in gb.main_finding
    assert set(table.verification) == {"abstract-verified"}
    for row in table.itertuples():
        assert row.note.startswith("No erratum found on the journal page or PubMed record as of 2026-12-03")
        assert row.verified_in == "the PubMed/publisher abstract"


def test_recovery_studies_are_in_the_bibliography_and_the_descriptor():
    from pybtex.database import parse_file

    bib = parse_file(str(ROOT / "book" / "references.bib"), bib_format="bibtex").entries
    assert bib["moran2017"].fields["doi"] == "10.1007/s00421-017-3725-7"
    assert bib["gonzalezbadillo2016"].fields["doi"] == "10.1055/s-0035-1564254"
    assert bib["moran2017"].fields["pages"] == "2387--2399"
    prov = data.provenance("recovery_studies")
    assert prov["verification"].startswith("abstract-verified")
    assert [s["bibkey"] for s in prov["sources"]] == ["moran2017", "gonzalezbadillo2016"]


# -- the explorer's Python side ------------------------------------------------------------

def test_explorer_spec_ships_every_recommendation_and_no_rule():
    explorer = AdviceExplorer()
    spec = explorer.spec()
    d = spec["data"]
    assert d["order"] == list(explorer.controls) == list(advice.INPUTS)
    assert set(d["recommendations"]) == set(ALL)
    for key, entry in d["recommendations"].items():
        r = ALL[key]
        assert entry["rir"] == list(r.rir) and entry["failure"] == r.failure
        assert [d["reasons"][i]["text"] for i in entry["reasons"]] == [x.text for x in r.reasons]
    assert len(json.dumps(spec)) < 80_000  # each distinct reason once


def test_explorer_follows_its_controls_and_refuses_bad_values():
    explorer = AdviceExplorer()
    assert explorer.readout == advice.sentence(rec())
    for name, control in explorer.controls.items():
        other = control.options[1][1]
        before = explorer.readout
        assert explorer.update(**{name: other}) is not None
        assert explorer.readout != before, name
        explorer.update(**{name: control.options[0][1]})
    assert_refuses(explorer, {"goal": "bulk"}, ["goal"])


def test_explorer_is_in_the_benchmark():
    from tools.bench import _explorer_sweeps

    cls, sweep = _explorer_sweeps()["advice"]
    assert cls is AdviceExplorer and len(sweep) == len(ALL)


# -- the coach card and its tool -----------------------------------------------------------

def test_bottom_line_is_the_landing_page_s():
    page = ROOT / "book" / "answer.ipynb"
    if not page.is_file():
        pytest.skip("no landing page book/answer.ipynb in this checkout")
    cells = json.loads(page.read_text(encoding="utf-8"))["cells"]
    text = " ".join("".join(cells[0]["source"]).replace("**", "").split())
    for line, _ in advice.BOTTOM_LINE:
        assert line in text


def test_card_text_holds_the_bottom_line_the_decision_aid_and_the_numbers():
    fig = advice.coach_card("phone")
    text = advice.card_text(fig)
    for line, _ in advice.BOTTOM_LINE:
        assert line in text, line
    for row in advice.decision_table().itertuples():
        assert row.case in text and row.summary in text
    for row in advice.key_numbers().itertuples():
        assert f"{row.short}: {row.text}" in text


@pytest.mark.parametrize("kind", ["phone", "a4"])
def test_card_is_readable_on_a_phone_and_fits_its_page(kind):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    fig = advice.coach_card(kind)
    renderer = FigureCanvasAgg(fig).get_renderer()
    width, height = fig.get_figwidth() * fig.dpi, fig.get_figheight() * fig.dpi
    texts = [t for t in fig.findobj(Text) if t.get_text()]
    for t in texts:
        box = t.get_window_extent(renderer)
        assert 0 <= box.x0 and box.x1 <= width and 0 <= box.y0 and box.y1 <= height, t.get_text()
    if kind == "phone":
        smallest_px = min(t.get_fontsize() for t in texts) * fig.dpi / 72
        assert smallest_px * 390 / advice.CARD_PHONE_PX[0] >= 10  # shown 390 px wide


def test_card_files_one_pdf_page_phone_png_no_dates():
    pdf, png = advice.card_pdf_bytes(), advice.card_png_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert (round(float(box[1])), round(float(box[2]))) == (595, 842)  # A4 in points
    assert not re.search(rb"/CreationDate|/ModDate|/Producer", pdf)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (1080, 1920)
    assert b"tEXt" not in png and b"iTXt" not in png
    assert advice.card_pdf_bytes() == pdf and advice.card_png_bytes() == png  # reproducible


def _args(**kw):
    return argparse.Namespace(**{"check": False, "output": coachcard.DEFAULT_DIR, **kw})


def test_committed_coach_card_is_up_to_date():
    assert coachcard.run(_args(check=True)) == 0


def test_coachcard_check_fails_on_a_changed_or_missing_file(tmp_path):
    assert coachcard.run(_args(check=True, output=tmp_path)) == 1
    assert coachcard.run(_args(output=tmp_path)) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["coach-card.pdf", "coach-card.png"]
    assert coachcard.run(_args(check=True, output=tmp_path)) == 0
    pdf = tmp_path / "coach-card.pdf"
    pdf.write_bytes(pdf.read_bytes().replace(b"Coach card", b"Coach cord"))
    assert coachcard.run(_args(check=True, output=tmp_path)) == 1


def test_coachcard_is_a_registered_command():
    from tools.__main__ import COMMANDS

    assert "coachcard" in COMMANDS
    make = (ROOT / "Makefile").read_text()
    assert re.search(r"^book: .*coachcard", make, re.MULTILINE)
    assert "-m tools coachcard" in make
