"""The instructor's module kit: question bank (YAML -> page, CSV, Moodle XML), exit tickets from
the decks, the capstone and the journal club (``python -m tools questionbank``).

The bank must be valid (one correct option, a misconception on every wrong one, unique ids), its
numbers must be the course's (read from data/ or recomputed with failurelab), the Moodle XML must
parse with the structure Moodle imports, the CSV must round-trip, the committed files must be
current, and the exit tickets must be the decks' own.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from failurelab import advice, data, effect_sizes, logs, practice
from failurelab.fatigue import simulate_set
from failurelab.motor_units import MotorUnitPool, fusion
from tools import citations, questionbank

REPO_ROOT = Path(__file__).resolve().parents[1]
FOLDER = REPO_ROOT / "book" / "instructor"
PAGES = ("capstone", "journal_club", "exit_tickets", "question_bank")
MINUS = "\u2212"


@pytest.fixture(scope="module")
def items():
    return questionbank.read_bank()


def _args(**kw):
    return argparse.Namespace(**{"check": False, "output": FOLDER, "bank": questionbank.BANK,
                                 "decks": questionbank.DECKS, **kw})


# --- the bank ------------------------------------------------------------------------------------

def test_bank_has_enough_items_of_each_kind_in_every_chapter(items):
    c = questionbank.counts(items)
    print({k: v for k, v in sorted(c.items(), key=str)})
    assert c[("all", "all")] >= 40
    assert c[("all", "mc")] >= 25
    assert c[("all", "short")] >= 1
    for chapter in questionbank.CHAPTERS:
        assert c.get((chapter, "mc"), 0) >= 4 and c.get((chapter, "short"), 0) >= 2


def test_every_item_is_valid(items):
    assert len({it.id for it in items}) == len(items), "duplicate ids"
    for it in items:
        assert it.question and it.source and it.notebook.startswith(f"{it.chapter}.")
        if it.type == "mc":
            assert 3 <= len(it.options) <= 4, it.id
            assert sum(o.correct for o in it.options) == 1, it.id
            assert all(o.feedback for o in it.options), it.id  # why, or the misconception
            assert len({o.text for o in it.options}) == len(it.options), it.id
            assert not it.model_answer
        else:
            assert it.model_answer and not it.options, it.id


def test_raw_yaml_keeps_why_for_the_correct_option_and_a_misconception_for_each_wrong_one():
    raw = yaml.safe_load(questionbank.BANK.read_text(encoding="utf-8"))
    for entry in raw["items"]:
        for opt in entry.get("options", []):
            if opt.get("correct"):
                assert opt.get("why") and "misconception" not in opt, entry["id"]
            else:
                assert opt.get("misconception") and "why" not in opt, entry["id"]


def test_every_item_names_a_real_section_of_its_notebook(items):
    texts = {}
    for it in items:
        path = REPO_ROOT / f"{questionbank.NOTEBOOKS[it.notebook]}.ipynb"
        assert path.is_file(), it.id
        text = texts.setdefault(it.notebook, path.read_text(encoding="utf-8"))
        for think in re.findall(r"Think (\d+\.\d+\.\d+)", it.source):
            nb = ".".join(think.split(".")[:2])
            other = texts.setdefault(nb, (REPO_ROOT / f"{questionbank.NOTEBOOKS[nb]}.ipynb")
                                     .read_text(encoding="utf-8"))
            assert f"Think {think}" in other, f"{it.id}: no Think {think} in notebook {nb}"
        if "Check your understanding" in it.source and not re.search(r"\d\.\d Check", it.source):
            assert "Check your understanding" in text, it.id


@pytest.mark.parametrize("change, message", [
    (lambda e: e["options"][1].update(correct=True, why="x")
     or e["options"][1].pop("misconception"),
     "exactly one option must be correct"),
    (lambda e: e["options"][1].pop("misconception"), "misconception must be non-empty"),
    (lambda e: e.update(options=e["options"][:2]), "3 or 4 options"),
    (lambda e: e.update(question="see *this*"), "plain text"),
    (lambda e: e.update(chapter=3), "not a notebook of chapter 3"),
    (lambda e: e.update(model_answer="a"), "belong to short-answer items"),
])
def test_a_bad_item_is_refused(tmp_path, change, message):
    raw = yaml.safe_load(questionbank.BANK.read_text(encoding="utf-8"))
    entry = next(e for e in raw["items"] if e["type"] == "mc")
    change(entry)
    path = tmp_path / "bank.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(questionbank.BankError) as err:
        questionbank.read_bank(path)
    assert entry["id"] in str(err.value) and message in str(err.value)


def test_duplicate_ids_are_refused(tmp_path):
    raw = yaml.safe_load(questionbank.BANK.read_text(encoding="utf-8"))
    raw["items"].append(dict(raw["items"][0]))
    path = tmp_path / "bank.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(questionbank.BankError, match="duplicate id"):
        questionbank.read_bank(path)


# --- the numbers are the course's ----------------------------------------------------------------

def _fmt(x, places=2):
    return f"{x:.{places}f}".replace("-", MINUS)


def _pool():
    return MotorUnitPool()


def _full_from_start(load):
    r = simulate_set(load, 0).sustained
    return int(np.flatnonzero(r.n_recruited == r.pool.n)[0] / len(r.time) < 0.01)


def _log_median_change_percent(exercise):
    """3.4 section 2: the best e1RM's median change between sessions before the failure block."""
    generator = data.resource("synthetic_training_log")["generator"]["parameters"]
    trend = logs.e1rm_trend(data.load("synthetic_training_log"))
    week = (pd.to_datetime(trend["date"]) - pd.Timestamp(generator["start"])).dt.days // 7 + 1
    calm = trend[(week < generator["failure_weeks"][0]) & (trend["exercise"] == exercise)]
    return round(100 * calm["e1rm_kg"].pct_change().abs().median(), 1)


COMPUTE = {
    "log_median_change_percent": _log_median_change_percent,
    "epley_rep_step_percent": lambda: round(
        100 * (practice.one_rm(100, 11) / practice.one_rm(100, 10) - 1), 1),
    "units_recruited": lambda force: int(
        _pool().recruited(_pool().excitation_for_force(force)).sum()),
    "recruited_force_share_percent": lambda force: round(
        100 * _pool().recruited_force_share(_pool().excitation_for_force(force))),
    "last_recruitment_percent": lambda: round(100 * _pool().last_recruitment_fraction, 1),
    "largest_unit_fusion_percent": lambda: round(
        100 * fusion(_pool().peak_rates[-1] * _pool().contraction_times[-1] / 1000)),
    "full_from_start": _full_from_start,
    "light_last_share_percent": lambda: round(100 * advice.facts()["light_last_share"]),
    "prob_superiority_percent": lambda d: round(100 * effect_sizes.prob_superiority(d)),
    "overlap_percent": lambda d: round(100 * effect_sizes.overlap(d)),
    "correction_factor": lambda df: round(effect_sizes.correction_factor(df), 3),
    # the next estimate lands in this study's 95 % CI: 2 Phi(1.96 / sqrt 2) - 1 = erf(1.96 / 2)
    "next_estimate_capture_percent": lambda: round(100 * math.erf(1.959964 / 2)),
    "n_per_group": lambda d: effect_sizes.n_per_group(d),
    "detectable_d": lambda n: round(effect_sizes.detectable_d(n), 2),
    "power_percent": lambda d, n: round(100 * effect_sizes.power(d, n)),
    "load_for_reps_percent": lambda reps, formula: round(
        100 * practice.load_for_reps(reps, formula)),
    "fixed_stim_failure": lambda: round(advice.facts()["fixed_stim_failure"], 1),
    "fixed_stim_2rir": lambda: round(advice.facts()["fixed_stim_2rir"], 1),
    "budget_best_rir": lambda: advice.facts()["budget_best_rir"],
    "refalo2024_mm": lambda: [round(advice.facts()["refalo2024_fail_mm"], 2),
                              round(advice.facts()["refalo2024_rir_mm"], 2)],
}
KEYS = {"meta_analyses": "id", "rir_accuracy": "fact_id", "trials": "source_key",
        "recovery_studies": "source_key"}


def _check(item, spec) -> None:
    text = f"{item.text()} {item.number.value} {item.number.what}"
    where = f"{item.id}: {spec}"
    if "compute" in spec:
        got = COMPUTE[spec["compute"]](**spec.get("args", {}))
        assert got == spec["expect"], f"{where}: computed {got}"
        if spec.get("shown", True):
            for value in np.atleast_1d(spec["expect"]):
                assert str(value) in text, f"{where}: {value} not quoted"
        return
    table = spec["table"]
    harmonised = spec.get("harmonised", False)
    frame = data.harmonised_meta_analyses() if harmonised else data.load(table)
    row = frame.set_index(KEYS[table]).loc[spec["id"]]
    if "field" in spec:
        value = row[spec["field"]]
        if "contains" in spec:
            assert spec["contains"] in value, where
        else:
            assert value == spec["expect"], f"{where}: data say {value}"
            if spec.get("shown", True):
                assert str(spec["expect"]) in text, where
        return
    places = spec.get("places", 2)
    prefix = "harmonised_" if harmonised else ""
    names = ("value", "low", "high") if table == "rir_accuracy" else (
        f"{prefix}estimate", f"{prefix}ci_low", f"{prefix}ci_high")
    est, low, high = (row[n] for n in names)
    if spec.get("estimate", True):
        assert _fmt(est, places) in text, f"{where}: estimate {_fmt(est, places)}"
    if spec.get("interval", True):
        span = f"{_fmt(low, places)} to {_fmt(high, places)}"
        assert span in text, f"{where}: interval {span}"
    if spec.get("p"):
        assert f"p = {row['p']:g}" in text, f"{where}: p = {row['p']:g}"
    if spec.get("k"):
        assert f"{int(row['k'])} studies" in text, f"{where}: k = {row['k']}"


def test_quoted_numbers_match_the_data_and_the_models(items):
    checked = [(it, spec) for it in items for spec in it.check]
    print(f"{len(checked)} number checks on {len({it.id for it, _ in checked})} items")
    assert len(checked) >= 40
    assert {s.get("table") for _, s in checked} >= set(KEYS)
    for it, spec in checked:
        _check(it, spec)


def test_every_number_says_where_it_comes_from(items):
    numbered = [it for it in items if it.number]
    assert len(numbered) >= 30
    for it in numbered:
        assert it.number.what and it.number.source, it.id
        if it.check and any("table" in s for s in it.check):
            assert "data/" in it.number.source, it.id


def test_secondary_values_are_labelled_secondary(items):
    meta = data.load("meta_analyses").set_index("id")
    for it in items:
        for spec in it.check:
            if spec.get("table") == "meta_analyses" and \
                    meta.loc[spec["id"], "verification"] == data.SECONDARY:
                assert "secondary" in it.number.source, it.id


# --- the exports ---------------------------------------------------------------------------------

def test_moodle_xml_parses_and_has_moodle_s_structure(items):
    root = ET.fromstring(questionbank.moodle_xml(items).encode("utf-8"))
    assert root.tag == "quiz"
    questions = root.findall("question")
    categories = [q for q in questions if q.get("type") == "category"]
    real = [q for q in questions if q.get("type") != "category"]
    assert len(categories) == len(questionbank.CHAPTERS)
    assert all(c.findtext("category/text").startswith("$course$/top/") for c in categories)
    assert len(real) == len(items)
    by_id = {it.id: it for it in items}
    assert [q.findtext("idnumber") for q in real] == [it.id for it in sorted(
        items, key=lambda i: i.chapter)]
    for q in real:
        it = by_id[q.findtext("idnumber")]
        kind = q.get("type")
        assert kind in {"multichoice", "shortanswer", "essay"}
        assert q.findtext("name/text").startswith(it.id)
        assert q.find("questiontext").get("format") == "html"
        body = q.findtext("questiontext/text")
        ET.fromstring(f"<div>{body}</div>")  # the HTML inside is well formed
        assert it.question.replace("&", "&amp;") in body
        answers = q.findall("answer")
        if it.type == "mc":
            assert kind == "multichoice" and q.findtext("single") == "true"
            assert len(answers) == len(it.options)
            fractions = [a.get("fraction") for a in answers]
            assert sorted(fractions) == ["0"] * (len(answers) - 1) + ["100"]
            for a, o in zip(answers, it.options):
                assert (a.get("fraction") == "100") == o.correct
                feedback = a.findtext("feedback/text")
                assert o.feedback.replace("&", "&amp;") in feedback
                assert feedback.startswith("<p>Misconception:") != o.correct
        elif kind == "shortanswer":
            assert it.accept and [a.findtext("text") for a in answers] == list(it.accept)
            assert all(a.get("fraction") == "100" for a in answers)
        else:
            assert not answers and not it.accept
            assert it.model_answer.replace("&", "&amp;") in q.findtext("graderinfo/text")
        tags = [t.findtext("text") for t in q.findall("tags/tag")]
        assert f"chapter-{it.chapter}" in tags


def test_csv_round_trips(items):
    text = questionbank.csv_text(items)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == questionbank.CSV_FIELDS
    assert len(rows) == sum(len(it.options) or 1 for it in items)
    plain = [questionbank.Item(**{**it.__dict__, "check": ()}) for it in items]
    assert questionbank.items_from_csv(text) == plain
    assert sum(r["correct"] == "1" for r in rows) == sum(it.type == "mc" for it in items)
    assert all(r["feedback"] for r in rows if r["option"])


def test_page_lists_every_item_with_its_answer(items):
    page = questionbank.markdown(items)
    assert page.count(":::{dropdown}") == len(items)
    for it in items:
        assert f"### {it.id}\n" in page
        assert it.question in page
        for o in it.options:
            assert o.text in page and o.feedback in page
    assert "{cite" not in page


# --- the committed files -------------------------------------------------------------------------

def test_committed_files_are_up_to_date():
    assert questionbank.run(_args(check=True)) == 0


def test_check_fails_on_a_changed_or_missing_file(tmp_path):
    assert questionbank.run(_args(check=True, output=tmp_path)) == 1  # missing
    assert questionbank.run(_args(output=tmp_path)) == 0
    assert questionbank.run(_args(check=True, output=tmp_path)) == 0
    for name in questionbank.OUTPUTS:
        assert (tmp_path / name).read_bytes() == (FOLDER / name).read_bytes()
    csv_path = tmp_path / "question_bank.csv"
    csv_path.write_text(csv_path.read_text(encoding="utf-8").replace("1RM", "1 RM", 1),
                        encoding="utf-8")
    assert questionbank.run(_args(check=True, output=tmp_path)) == 1


def test_questionbank_is_a_registered_command():
    from tools.__main__ import COMMANDS, main

    assert "questionbank" in COMMANDS
    assert main(["questionbank", "--check"]) == 0


# --- exit tickets --------------------------------------------------------------------------------

def test_exit_tickets_are_the_decks_own():
    page = (FOLDER / "exit_tickets.md").read_text(encoding="utf-8")
    decks = sorted(questionbank.DECKS.glob("*.yml"))
    assert decks and page.count("\n## Session ") == len(decks)
    for path in decks:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        slides = [s for s in raw["slides"] if s["title"].lower().startswith("exit ticket")]
        assert len(slides) == 1, f"{path.name}: one exit-ticket slide per session"
        slide = slides[0]
        assert slide["text"].strip() in page, path.name
        answers = " ".join(slide["notes"].split())
        assert answers.split("Answers:", 1)[-1].strip() in page, path.name
        assert f"decks/{path.name}" in page


def test_a_deck_without_an_exit_ticket_is_refused(tmp_path):
    for path in questionbank.DECKS.glob("*.yml"):
        shutil.copy(path, tmp_path)
    first = min(tmp_path.glob("*.yml"))
    raw = yaml.safe_load(first.read_text(encoding="utf-8"))
    raw["slides"] = [s for s in raw["slides"] if not s["title"].lower().startswith("exit")]
    first.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(questionbank.BankError, match="no exit-ticket slide"):
        questionbank.tickets(tmp_path)


# --- the pages -----------------------------------------------------------------------------------

def test_pages_are_in_the_instructors_part_and_linked_from_the_guide(items):
    toc = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text(encoding="utf-8"))
    part = next(p for p in toc["parts"] if p["caption"] == "Instructors")
    sections = [s["file"] for s in part["chapters"][0]["sections"]]
    index = (FOLDER / "index.md").read_text(encoding="utf-8")
    for page in PAGES:
        assert f"book/instructor/{page}" in sections
        assert (FOLDER / f"{page}.md").is_file()
        assert f"{{doc}}`{page}`" in index
    assert f"{len(items)} questions" in index


def test_pages_cite_with_links_that_match_the_bibliography():
    paths = [FOLDER / f"{page}.md" for page in PAGES]
    assert citations.check(paths) == []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert "{cite" not in text, path.name
        assert not re.search(r"^#{4,} ", text, re.MULTILINE), f"{path.name}: heading below ###"


def test_capstone_quotes_the_eight_numbers_and_the_decision_aid():
    page = (FOLDER / "capstone.md").read_text(encoding="utf-8")
    numbers = advice.key_numbers()
    assert len(numbers) == 8
    for row in numbers.itertuples():
        assert row.text in page, row.number
        assert row.verification in page
    clients = {"Sam": dict(goal="growth", load="heavy", experience="novice", limit="time"),
               "Jo": dict(goal="strength", load="heavy", experience="experienced",
                          limit="recovery"),
               "Ana": dict(goal="growth", load="light", experience="experienced",
                           limit="neither")}
    rows = [line for line in page.splitlines() if re.match(r"\| [ABC] (Sam|Jo|Ana) \|", line)]
    assert len(rows) == 6
    for line in rows:
        cells = [c.strip() for c in line.strip("|").split("|")]
        name = cells[0].split()[1]
        exercise = "compound" if cells[1].startswith("free-weight") else "isolation"
        rec = advice.recommend(exercise=exercise, **clients[name])
        assert cells[2] == rec.rir_text, line
        assert cells[3] == rec.failure_where, line
        assert cells[4] == rec.sets, line
    f = advice.facts()
    for quoted in (f["grgic_strength"], f["lopez_strength"], f["refalo_lower_load"],
                   f["refalo_higher_load"], f["halperin"]):
        plain = quoted.replace(" (", ", 95 % CI ").rstrip(")")
        assert quoted in page or plain in page, quoted
    assert f"the last {round(100 * f['light_last_share'])} % of a set at 30 % 1RM" in page
    assert (f"{f['fixed_sets']} sets: {f['fixed_stim_failure']:.1f} at failure against "
            f"{f['fixed_stim_2rir']:.1f} at 2 RIR") in page
    assert f"slower from {f['moran']['failure_slower_from_h']:g} to "\
           f"{f['moran']['failure_slower_to_h']:g} h" in page


def test_capstone_has_three_clients_a_rubric_of_100_points_and_an_exemplar():
    page = (FOLDER / "capstone.md").read_text(encoding="utf-8")
    assert all(f"Client {c}" in page for c in "ABC")
    for row in ("Goal", "Experience", "Sessions per week", "What limits them"):
        assert f"| **{row}** |" in page
    rubric = re.compile(r"^\| \*\*\d\. [^|]+\*\* \((\d+)\) \|", re.MULTILINE)
    points = [int(p) for p in rubric.findall(page)]
    assert len(points) == 6 and sum(points) == 100
    assert "## A worked exemplar" in page


def test_journal_club_quotes_the_trial_as_the_data_do():
    page = (FOLDER / "journal_club.md").read_text(encoding="utf-8")
    trial = data.load("trials").set_index("source_key").loc["refalo2024"]
    assert f"{trial['n']} resistance-trained adults ({trial['sex']})" in page
    assert f"{trial['weeks']:g} weeks, {trial['sessions_per_week']} sessions a week" in page
    for cm in re.findall(r"(?<!\d)-?\d\.\d{3}", trial["main_finding"]):
        assert cm.replace("-", MINUS) in page, cm
        assert _fmt(10 * float(cm)) in page, f"{cm} cm in mm"
    for part in ("momentary muscular failure", ("a perceived 2 RIR on the leg press, 1 RIR on the "
                 "leg extension"), "similar between protocols", "strength not reported"):
        assert part in page, part
    for topic in ("### Design", "### Arms and the definition of failure", "### Outcome",
                  "### Volume", "## Timed plan (30 minutes)"):
        assert topic in page
    minutes = [int(m) for m in re.findall(r"^\| \d+–(\d+) \|", page, re.MULTILINE)]
    assert minutes[-1] == 30
    assert page.count(":::{dropdown} Model answer") >= 8
    ruple = data.load("trials").set_index("source_key").loc["ruple2023"]
    assert "p = 0.222" in ruple["volume_equated"] and "p = 0.222" in page
